"""Diagnose every scenario of the rig of real servers and keep what the verdict rests on.

    bash rig/install.sh && python3 rig/up.py        # the products, on loopback
    python benchmarks/rig_collect.py [product ...]  # -> tests/data/rig/observations.jsonl
    python3 rig/down.py

For each labelled scenario (rig/scenarios.jsonl) the limiter is primed when the scenario says
so, then ``kit.diagnose`` runs as a user would (budget 8, from the scenario's source
address). One line per scenario records the label, the baseline's response features and the
context signals (the probes' outcomes, the request's facts) by name, so that
``benchmarks/fit.py`` can fit the context weights and ``benchmarks/accuracy.py --rig`` can
measure them leave-one-product-out, without the rig running.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import kit  # noqa: E402
from kit import checks  # noqa: E402
from kit._features import context_name, features, is_context  # noqa: E402
from kit._outcomes import facts  # noqa: E402

RIG = ROOT / "rig"
OUT = ROOT / "tests" / "data" / "rig" / "observations.jsonl"


def _target(state: dict[str, Any], s: dict[str, Any]) -> tuple[str, str | None]:
    """The URL to diagnose and the proxy to go through (Squid is a forward proxy)."""
    base = state[s["product"]]["base_url"]
    if s["path"].startswith("http"):
        return s["path"], base
    return base + s["path"], None


def _prime(url: str, s: dict[str, Any], proxy: str | None) -> None:
    transport = httpx.HTTPTransport(local_address=s.get("source_address"))
    with httpx.Client(transport=transport, proxy=proxy, timeout=5) as client:
        for _ in range(int(s.get("prime", 0))):
            try:
                client.request(s["method"], url, headers=s.get("headers") or {},
                               content=s.get("body"))
            except httpx.TransportError:  # a limiter may drop the connection: primed anyway
                continue


def observe(state: dict[str, Any], s: dict[str, Any]) -> dict[str, Any]:
    """Diagnose one scenario; the label, the verdict and its evidence by name."""
    url, proxy = _target(state, s)
    if s.get("prime"):
        _prime(url, s, proxy)
    d = kit.diagnose(url, s["method"], headers=s.get("headers") or {}, content=s.get("body"),
                     local_address=s.get("source_address"), proxy=proxy, budget=8,
                     timeout=10)
    base = d.exchanges[0] if d.exchanges else None
    row: dict[str, Any] = {"id": s["id"], "product": s["product"], "cause": s["cause"],
                           "generic_page": s.get("generic_page", False),
                           "expected_status": s.get("expected_status"),
                           "status": base.status if base else None,
                           "verdict": d.cause.value if d.cause else None,
                           "requests": d.requests_sent}
    if base is None or base.status is None:
        return row | {"features": {}, "context": []}
    now = dt.datetime.now(dt.UTC)
    single = checks.single(base, now=now)
    variants = {e.label: e for e in d.exchanges[1:]}
    evidence = checks.Evidence(base, variants, now, bool(base.credentials))
    signals = single + checks.differential(evidence, baseline_signals=single)
    context = [[context_name(x), x.cause.value, x.weight] for x in signals
               if x.cause is not None and is_context(x)]
    context += [[name, None, 0.0] for name, _ in facts(d.exchanges)]
    return row | {"features": features(base, signals), "context": context}


def main() -> None:
    state = json.loads((Path(os.environ.get("RIG_HOME") or RIG) / "state.json").read_text())
    wanted = set(sys.argv[1:])
    scenarios = [json.loads(line) for line in (RIG / "scenarios.jsonl").read_text().splitlines()
                 if line.strip()]
    rows = []
    skipped: list[str] = []
    started = time.perf_counter()
    for s in scenarios:
        if (wanted and s["product"] not in wanted) or state.get(s["product"], {}).get("failed"):
            continue
        if s["method"] == "CONNECT":  # a tunnel request: not an HTTP API call to diagnose
            skipped.append(s["id"])
            continue
        row = observe(state, s)
        rows.append(row)
        mark = "ok " if row["verdict"] == row["cause"] else "-- "
        print(f"{mark}{s['id']:<45} {row['status']!s:>4} want {s['cause']:<16} "
              f"got {row['verdict']}", flush=True)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text("".join(json.dumps(r, sort_keys=True) + "\n" for r in rows))
    right = sum(r["verdict"] == r["cause"] for r in rows)
    if skipped:
        print(f"skipped {len(skipped)} (CONNECT tunnels): {', '.join(skipped)}")
    print(f"\n{right}/{len(rows)} named right by the shipped model; "
          f"{time.perf_counter() - started:.0f} s; wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
