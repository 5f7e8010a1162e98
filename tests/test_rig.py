"""A fast subset of the rig of real servers (rig/), run for real in CI: nginx, Apache httpd
and lighttpd from Debian's packages, each refusing by its own mechanism on its own
127.0.0.x address.

The rig's observations (tests/data/rig/observations.jsonl) are what the probes' weights are
fitted on; these tests check that they still describe the products: every scenario answers
as labelled, and the kit, diagnosing each scenario live, sees the same probe outcomes and
reaches the same verdict as the recorded observation gives the shipped model. The whole rig
(14 products) runs with `bash rig/install.sh && python3 rig/up.py` and
`python benchmarks/rig_collect.py`; benchmarks/accuracy.py --rig scores it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from kit._causes import Cause
from kit._scoring.model import score

ROOT = Path(__file__).resolve().parent.parent
RIG = ROOT / "rig"
PRODUCTS = ("nginx", "apache", "lighttpd")
NEEDS = ("/usr/sbin/nginx", "/usr/sbin/apache2", "/usr/sbin/lighttpd", "/usr/bin/htpasswd")

pytestmark = pytest.mark.skipif(
    os.geteuid() != 0 or not all(Path(p).exists() for p in NEEDS),
    reason="the rig's servers drop to www-data and need nginx, apache2 (with mod_evasive), "
           "lighttpd and htpasswd: .ci/run installs them and runs as root")


@pytest.fixture(scope="module")
def recorded() -> dict[str, dict[str, Any]]:
    """The subset's recorded observations (what benchmarks/fit.py was given), by id."""
    rows = [json.loads(line) for line in
            (ROOT / "tests/data/rig/observations.jsonl").read_text().splitlines() if line]
    return {r["id"]: r for r in rows if r["product"] in PRODUCTS}


@pytest.fixture(scope="module")
def rig() -> Iterator[dict[str, Any]]:
    # Not pytest's tmp_path: its 0700 folders keep the servers' www-data workers out.
    home = Path(tempfile.mkdtemp(prefix="forbidden-kit-rig-"))
    home.chmod(0o755)
    env = {**os.environ, "RIG_HOME": str(home)}
    up = subprocess.run([sys.executable, str(RIG / "up.py"), *PRODUCTS], env=env,  # noqa: S603
                        capture_output=True, text=True, timeout=120)
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        state = json.loads((home / "state.json").read_text())
        yield {"env": env, "state": state}
    finally:
        subprocess.run([sys.executable, str(RIG / "down.py")], env=env,  # noqa: S603
                       capture_output=True,
                       timeout=60)
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def live(rig: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every scenario of the subset diagnosed live, as benchmarks/rig_collect.py records it."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import rig_collect

    scenarios = [json.loads(line) for line in (RIG / "scenarios.jsonl").read_text().splitlines()
                 if line.strip()]
    return {s["id"]: rig_collect.observe(rig["state"], s) for s in scenarios
            if s["product"] in PRODUCTS and s["method"] != "CONNECT"}


def test_every_scenario_answers_as_labelled(rig: dict[str, Any]) -> None:
    """rig/check.py: each scenario gets its labelled status and its control succeeds."""
    check = subprocess.run([sys.executable, str(RIG / "check.py"), *PRODUCTS],  # noqa: S603
                           env=rig["env"], capture_output=True, text=True, timeout=300)
    assert check.returncode == 0, check.stdout[-3000:]


def test_the_subset_covers_what_the_fit_rests_on(live: dict[str, dict[str, Any]],
                                                 recorded: dict[str, dict[str, Any]]) -> None:
    """The subset is not a token: three products, most causes, generic pages among them."""
    assert set(live) == set(recorded)
    assert len(live) >= 60
    assert len({r["cause"] for r in live.values()}) >= 6
    assert sum(r["generic_page"] for r in live.values()) >= len(live) // 2


def test_live_probes_see_what_was_recorded(live: dict[str, dict[str, Any]],
                                           recorded: dict[str, dict[str, Any]]) -> None:
    """The status and the probes' outcomes the fit was given are what the products answer
    today (allowing one scenario in ten to differ: limiters and bans depend on timing)."""
    differ = []
    for sid, now in live.items():
        was = recorded[sid]
        probes = {n for n, _, _ in now["context"] if n.startswith("probe:")}
        then = {n for n, _, _ in was["context"] if n.startswith("probe:")}
        if now["status"] != was["status"] or probes != then:
            differ.append((sid, now["status"], was["status"], sorted(probes ^ then)))
    assert len(differ) <= len(live) // 10, differ


def test_live_verdicts_match_the_model_on_the_recorded_evidence(
        live: dict[str, dict[str, Any]], recorded: dict[str, dict[str, Any]]) -> None:
    """kit.diagnose live names the cause the shipped model gives the recorded evidence, and
    names the labelled cause at least as often as that (the shipped model's figure on these
    products, measured again here rather than written down)."""

    def verdict(o: dict[str, Any]) -> str:
        items = [(Cause(c) if c else None, float(w), n) for n, c, w in o["context"]]
        return score(o["features"], items).ranked()[0][0].value

    agree = sum(live[sid]["verdict"] == verdict(recorded[sid]) for sid in live)
    assert agree >= 0.85 * len(live), agree
    right_live = sum(o["verdict"] == o["cause"] for o in live.values())
    right_recorded = sum(verdict(o) == o["cause"] for o in recorded.values())
    assert right_live >= right_recorded - len(live) // 10, (right_live, right_recorded)
