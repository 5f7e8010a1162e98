"""kit.audit against a real nginx over cases converted from nginx's own test suite.

The cases live in tests/data/nginx_conformance/ (one configuration and a request table each,
converted from nginx/nginx-tests; tests/nginx_suite.py says how). nginx's answers are not
written down: each configuration runs on Debian's nginx, started here on loopback, and every
request is sent to it and audited. benchmarks/nginx_conformance.py prints the same figures
per area.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import kit
from kit._gateway._nginx_parse import load_nginx

from .nginx_suite import BINARY, Outcome, Server, audit, load_cases, run_case, score

pytestmark = pytest.mark.skipif(not Path(BINARY).exists(),
                                reason="nginx is not installed (.ci/run installs it)")

CASES = load_cases()
FLOOR = 0.98  # the goal for agreement on the converted cases


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> list[Outcome]:
    """Every case run once on a real nginx, every request audited."""
    root = tmp_path_factory.mktemp("nginx-conformance")
    found: list[Outcome] = []
    for case in CASES:
        found += run_case(case, root / case.name)
    return found


def test_cases_cover_the_areas_the_evaluator_claims() -> None:
    """The converted cases reach every area the nginx evaluator models, each citing its file."""
    areas = Counter(c.area for c in CASES)
    assert set(areas) >= {"access", "location", "rewrite", "limit_except", "map", "geo",
                          "satisfy", "auth_basic", "auth_request", "error_page", "internal",
                          "server_name", "uri", "limit_req"}
    assert all(case.source.endswith(".t") or ".t," in case.source for case in CASES)
    assert sum(len(c.rows) for c in CASES) >= 250


def test_audit_agrees_with_real_nginx(outcomes: list[Outcome]) -> None:
    """The audit's status equals nginx's on at least 98% of the requests it can know."""
    agree, scored = score(outcomes)
    missed = [(o.case.name, o.row.method, o.row.target, o.row.host, o.nginx, o.audit, o.error)
              for o in outcomes if not o.row.unknowable and not o.agrees]
    assert scored >= 250
    assert agree / scored >= FLOOR, f"{agree}/{scored} agree; missed: {missed}"


def test_every_area_mostly_agrees(outcomes: list[Outcome]) -> None:
    """No area hides behind the others: each agrees on at least 90% of its rows."""
    for area in sorted({o.case.area for o in outcomes}):
        agree, scored = score([o for o in outcomes if o.case.area == area])
        assert scored > 0, area
        assert agree / scored >= 0.9, (area, agree, scored)


def test_what_the_audit_cannot_know_is_said(outcomes: list[Outcome]) -> None:
    """Rows kept out of the score (file tests, counters, upstream answers) each carry an
    assumption in the audit's result: the audit says it could not know."""
    unknowable = [o for o in outcomes if o.row.unknowable]
    assert unknowable
    assert all(o.audit is not None and o.assumptions for o in unknowable), [
        (o.case.name, o.row.target) for o in unknowable if not o.assumptions]


def test_no_exception_on_configurations_nginx_accepts(tmp_path: Path) -> None:
    """Every conformance configuration passes `nginx -t`; kit.audit then reads it from disk
    and answers every request of its table (and a few odd ones) without raising."""
    # refused before any rule, whatever the configuration (the status); None: any answer
    odd = [("GET", "/%zz", {}, 400), ("TRACE", "/", {}, 405), ("GET", "/", {"host": ".."}, 400),
           ("DELETE", "/a/../../b", {}, 400), ("GET", "/x", {"authorization": "Basic !!"}, None)]
    for case in CASES:
        server = Server(case, tmp_path / case.name)
        checked = server.check()
        assert checked.returncode == 0, (case.name, checked.stderr)
        config = load_nginx(server.conf)
        for row in case.rows:
            result = audit(config, server, row)
            assert 100 <= result.status <= 999, (case.name, row)
        for method, url, headers, status in odd:
            result = kit.audit(server.conf, method=method, url=url, headers=headers,
                               source_address="127.0.0.1")
            assert result.status == (status or result.status), (case.name, method, url)
            assert result.reason, (case.name, method, url)
