"""The same request with different User-Agents, against the sandbox's WAF rule."""

from __future__ import annotations

import pytest

import kit
from kit._tools.compare import BROWSER, default_agents
from kit.sandbox import Sandbox


def test_waf_user_agent_lets_the_browser_through(sandbox: Sandbox) -> None:
    """The browser gets 200; the default (python-requests), curl and empty agents get 403."""
    scenario = sandbox.scenario("waf-user-agent")
    results = dict(kit.compare_user_agents(scenario.url, headers=scenario.headers))
    assert results == {"default": 403, "browser": 200, "curl": 403, "empty": 403}


def test_each_agent_is_really_sent(sandbox: Sandbox) -> None:
    """The server sees each User-Agent in turn, and the other headers unchanged."""
    scenario = sandbox.scenario("waf-user-agent")
    before = len(sandbox.hits)
    kit.compare_user_agents(scenario.url, headers=scenario.headers)
    hits = [h for h in sandbox.hits[before:] if h.path.startswith("/s/waf-user-agent/")]
    assert [h.headers.get("user-agent") for h in hits] == [
        "python-requests/2.32.3", BROWSER, "curl/8.5.0", ""]
    assert all(h.headers["x-api-key"] == scenario.headers["X-API-Key"] for h in hits)


def test_budget_caps_the_requests(sandbox: Sandbox) -> None:
    """budget=2 sends two requests and reports two agents."""
    scenario = sandbox.scenario("waf-user-agent")
    before = len(sandbox.hits)
    results = kit.compare_user_agents(scenario.url, headers=scenario.headers, budget=2)
    assert [label for label, _ in results] == ["default", "browser"]
    assert sum(h.path.startswith("/s/waf-user-agent/") for h in sandbox.hits[before:]) == 2


def test_custom_agents(sandbox: Sandbox) -> None:
    """A caller's own agent set is used, in its order."""
    scenario = sandbox.scenario("waf-user-agent")
    results = kit.compare_user_agents(scenario.url, headers=scenario.headers,
                                      agents={"wget": "Wget/1.21", "mine": "acme-sync/2.0"})
    assert results == [("wget", 403), ("mine", 200)]


def test_retry_after_stops_the_comparison(sandbox: Sandbox) -> None:
    """A 403 with Retry-After ends the comparison after the first agent."""
    scenario = sandbox.scenario("rate-limit-generic")
    assert kit.compare_user_agents(scenario.url, headers=scenario.headers) == [("default", 403)]


def test_default_agents_follow_the_callers_headers() -> None:
    """'default' is the caller's own User-Agent when given, else httpx's."""
    assert default_agents({"user-agent": "acme/1"})["default"] == "acme/1"
    assert default_agents()["default"].startswith("python-httpx/")
    assert default_agents()["empty"] == ""


def test_unsafe_method_is_refused() -> None:
    """POST is not replayed four times."""
    with pytest.raises(ValueError, match="not safe"):
        kit.compare_user_agents("http://127.0.0.1:9/", method="POST")
