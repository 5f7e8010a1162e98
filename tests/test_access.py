"""Access matrix (credentials x endpoints) against the sandbox, and scopes held vs required."""

from __future__ import annotations

import datetime as dt
import time

import pytest

import kit
from kit._http.probe import Probe, send
from kit._tools.access import verdict
from kit.sandbox import Sandbox

from .conftest import free_port

FAKE = {"X-API-Key": "sbx_member_FAKEk9Lm2Np5Qr8St1Uv4Wx7Yz0Ab"}
NOW = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


def generic(sandbox: Sandbox) -> tuple[str, str, dict[str, dict[str, str]]]:
    """The reports endpoint, its parent, and the none/member/fake credentials."""
    scenario = sandbox.scenario("permissions-generic")
    parent = scenario.url.removesuffix("reports")
    return scenario.url, parent, {"none": {}, "member": scenario.headers, "fake": FAKE}


def hits_since(sandbox: Sandbox, before: int, prefix: str) -> int:
    """Requests the sandbox received on paths under ``prefix`` since hit number ``before``."""
    return sum(h.path.startswith(prefix) for h in sandbox.hits[before:])


def test_permissions_generic_grid(sandbox: Sandbox) -> None:
    """Members are refused reports but read the index; no credential and a fake one get 401."""
    reports, parent, credentials = generic(sandbox)
    matrix = kit.access_matrix([reports, parent], credentials)
    assert matrix.labels == ("none", "member", "fake")
    assert matrix.endpoints == (reports, parent)
    assert [[c.verdict for c in row] for row in matrix.cells] == [
        ["unauthenticated", "allowed"],
        ["forbidden", "allowed"],
        ["unauthenticated", "allowed"],
    ]
    assert [[c.status for c in row] for row in matrix.cells] == [[401, 200], [403, 200],
                                                                  [401, 200]]
    assert (matrix.skipped, matrix.sent, matrix.stopped) == (0, 6, None)
    assert matrix.cell("member", reports).status == 403


def test_fixed_request_is_allowed(sandbox: Sandbox) -> None:
    """The scenario's fixed request (admin key) reads the report."""
    fixed = sandbox.scenario("permissions-generic").fixed_request()
    matrix = kit.access_matrix([fixed["url"]], {"admin": fixed["headers"]})
    assert matrix.cells[0][0] == kit.Cell(200, "allowed")


def test_matrix_never_holds_a_credential(sandbox: Sandbox) -> None:
    """Neither the repr nor the display rows contain the member key."""
    reports, _, credentials = generic(sandbox)
    matrix = kit.access_matrix([reports], credentials)
    key = credentials["member"]["X-API-Key"]
    assert key not in repr(matrix)
    assert key not in repr(matrix.rows())


def test_budget_is_a_hard_stop(sandbox: Sandbox) -> None:
    """With budget=2, exactly two requests reach the server and four cells are skipped."""
    reports, parent, credentials = generic(sandbox)
    before = len(sandbox.hits)
    matrix = kit.access_matrix([reports, parent], credentials, budget=2)
    assert hits_since(sandbox, before, "/s/permissions-generic/") == 2
    assert (matrix.sent, matrix.skipped) == (2, 4)
    assert "budget of 2" in (matrix.stopped or "")
    assert [c.verdict for c in matrix.cells[1]] == ["skipped", "skipped"]


def test_retry_after_stops_probing(sandbox: Sandbox) -> None:
    """A 403 with Retry-After ends the matrix after one request."""
    scenario = sandbox.scenario("rate-limit-generic")
    before = len(sandbox.hits)
    matrix = kit.access_matrix([scenario.url, scenario.url.removesuffix("items")],
                               {"throttled": scenario.headers, "none": {}})
    assert hits_since(sandbox, before, "/s/rate-limit-generic/") == 1
    assert matrix.cells[0][0] == kit.Cell(403, "rate_limited")
    assert matrix.skipped == 3
    assert "Retry-After" in (matrix.stopped or "")


def test_network_failure_is_an_error_cell() -> None:
    """A closed port gives an 'error' cell with no status, not an exception."""
    url = f"http://127.0.0.1:{free_port()}/x"
    matrix = kit.access_matrix([url], {"none": {}}, timeout=2.0)
    assert matrix.cells[0][0] == kit.Cell(None, "error")


def test_unsafe_method_and_empty_inputs_are_refused() -> None:
    """POST is not replayed across a matrix; empty endpoint lists make no sense."""
    with pytest.raises(ValueError, match="not safe"):
        kit.access_matrix(["http://127.0.0.1:9/"], {"none": {}}, method="POST")
    with pytest.raises(ValueError, match="at least one"):
        kit.access_matrix([], {"none": {}})


def test_verdicts_read_rate_limit_headers() -> None:
    """429, or a refusal with exhausted headers, is rate_limited; a 200 at zero is allowed."""
    def ex(status: int, **headers: str) -> kit.Exchange:
        pairs = tuple((k.replace("_", "-"), v) for k, v in headers.items())
        return kit.Exchange("GET", "http://a.test/", status=status, response_headers=pairs)

    assert verdict(ex(429), now=NOW) == "rate_limited"
    assert verdict(ex(403, X_RateLimit_Limit="60", X_RateLimit_Remaining="0"),
                   now=NOW) == "rate_limited"
    assert verdict(ex(200, X_RateLimit_Limit="60", X_RateLimit_Remaining="0"),
                   now=NOW) == "allowed"
    assert verdict(ex(403), now=NOW) == "forbidden"
    assert verdict(ex(404), now=NOW) == "not_found"
    assert verdict(ex(500), now=NOW) == "other"


def test_scope_diff_both_ways() -> None:
    """Missing and extra scopes keep their order and ignore duplicates and blanks."""
    diff = kit.scope_diff(["items:read", "items:read", " ", "admin"], ["reports:read",
                                                                     "items:read"])
    assert diff.missing == ("reports:read",)
    assert diff.extra == ("admin",)
    assert diff.held == ("items:read", "admin")
    assert not diff.sufficient
    assert kit.scope_diff(["a", "b"], ["b"]).sufficient


def test_required_scopes_from_a_live_challenge(sandbox: Sandbox) -> None:
    """The insufficient-scope scenario's WWW-Authenticate names reports:read."""
    scenario = sandbox.scenario("permissions-insufficient-scope")
    with kit.make_client() as client:
        probe = Probe("GET", scenario.url, tuple(scenario.headers.items()))
        exchange = send(probe, client=client, deadline=time.monotonic() + 5)
    assert exchange.status == 403
    assert kit.required_scopes(exchange) == ("reports:read",)
    diagnosis = kit.Diagnosis(findings=[], exchanges=[exchange])
    assert kit.required_scopes(diagnosis) == ("reports:read",)


def test_required_scopes_from_github_headers() -> None:
    """GitHub's accepted-scopes and accepted-permissions headers are read and merged."""
    exchange = kit.Exchange("GET", "https://api.github.com/x", status=403, response_headers=(
        ("X-Accepted-OAuth-Scopes", "repo, read:org"),
        ("X-Accepted-GitHub-Permissions", "contents=read; issues=write"),
    ))
    assert kit.required_scopes(exchange) == ("repo", "read:org", "contents=read",
                                             "issues=write")


def test_short_labels_drop_the_shared_folders_and_wrap() -> None:
    """Endpoints on one host read as their differing tail; long ones wrap; other hosts stay."""
    from kit._tools.access import short_labels

    base = "http://127.0.0.1:8000/s/permissions-insufficient-scope/"
    assert short_labels([base + "items", base + "admin/reports"]) == ["…/items",
                                                                       "…/admin/reports"]
    wrapped = short_labels(["http://h/v1/" + "a" * 30, "http://h/v1/b"], width=10)
    assert wrapped[0].count("\n") >= 2
    assert short_labels(["http://h/a", "http://g/b"]) == ["h/a", "g/b"]
