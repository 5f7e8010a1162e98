"""Where the API wants its key (live, against the sandbox), and when a key is due for rotation."""

from __future__ import annotations

import datetime as dt

import pytest

import kit
from kit._tools.keycheck import PLACES
from kit.sandbox import Sandbox

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


def live_key(sandbox: Sandbox) -> tuple[str, str]:
    """The api-key-wrong-header URL and the valid key its fix sends in X-API-Key."""
    scenario = sandbox.scenario("api-key-wrong-header")
    return scenario.url, scenario.fixed_request()["headers"]["X-API-Key"]


def test_wrong_header_scenario_accepts_only_x_api_key(sandbox: Sandbox) -> None:
    """Of the six places tried, only X-API-Key is accepted; the Bearer the user sent gets 401."""
    url, key = live_key(sandbox)
    placements = kit.key_locations(url, key)
    assert [p.where for p in placements] == [where for where, *_ in PLACES]
    assert [p.where for p in placements if p.accepted] == ["X-API-Key: <key>"]
    assert placements[0].status == 401
    assert placements[1].status == 200


def test_the_key_is_sent_where_it_says_and_shown_nowhere(sandbox: Sandbox) -> None:
    """The query placements put the key in the query; no result repr contains it."""
    url, key = live_key(sandbox)
    before = len(sandbox.hits)
    placements = kit.key_locations(url, key)
    hits = [h for h in sandbox.hits[before:] if h.path.startswith("/s/api-key-wrong-header/")]
    assert len(hits) == 6
    assert hits[0].headers["authorization"] == f"Bearer {key}"
    assert hits[3].headers["authorization"] == key
    assert hits[4].query == f"api_key={key}"
    assert hits[5].query == f"key={key}"
    assert key not in repr(placements)


def test_budget_limits_the_tries(sandbox: Sandbox) -> None:
    """budget=2 sends two requests and reports two placements."""
    url, key = live_key(sandbox)
    before = len(sandbox.hits)
    placements = kit.key_locations(url, key, budget=2)
    assert len(placements) == 2
    assert sum(h.path.startswith("/s/api-key-wrong-header/")
               for h in sandbox.hits[before:]) == 2


def test_retry_after_stops_the_search(sandbox: Sandbox) -> None:
    """A throttled key's 403 with Retry-After (on the second try) ends the search there."""
    scenario = sandbox.scenario("rate-limit-generic")
    placements = kit.key_locations(scenario.url, scenario.headers["X-API-Key"])
    assert [(p.where, p.status) for p in placements] == [
        ("Authorization: Bearer <key>", 401), ("X-API-Key: <key>", 403)]


def test_empty_key_is_refused() -> None:
    """An empty key is an argument error, not six wasted requests."""
    with pytest.raises(ValueError, match="empty"):
        kit.key_locations("http://127.0.0.1:9/", "")


@pytest.mark.parametrize(("days", "due"), [(0, False), (89, False), (90, True), (400, True)])
def test_key_age_boundaries_by_date(days: int, due: bool) -> None:
    """A date key is due on day 90 exactly, not on day 89."""
    age = kit.key_age(NOW.date() - dt.timedelta(days=days), now=NOW)
    assert (age.age_days, age.due) == (days, due)
    assert age.due_on == NOW.date() - dt.timedelta(days=days) + dt.timedelta(days=90)


def test_key_age_datetime_counts_whole_days() -> None:
    """A datetime one minute short of 90 days is 89 days old and not yet due."""
    almost = kit.key_age(NOW - dt.timedelta(days=90) + dt.timedelta(minutes=1), now=NOW)
    assert (almost.age_days, almost.due) == (89, False)
    naive = kit.key_age(dt.datetime(2025, 3, 3, 12, 0), now=NOW)  # naive means UTC
    assert (naive.age_days, naive.due) == (90, True)


def test_key_age_messages() -> None:
    """Messages say overdue, due soon, or when to rotate, with the policy."""
    overdue = kit.key_age(NOW.date() - dt.timedelta(days=95), now=NOW).message
    assert "rotation was due 5 days ago" in overdue
    assert "every 90 days" in overdue
    today = kit.key_age(NOW.date() - dt.timedelta(days=90), now=NOW).message
    assert "rotation was due today" in today
    soon = kit.key_age(NOW.date() - dt.timedelta(days=80), now=NOW).message
    assert "due soon, in 10 days" in soon
    fresh = kit.key_age(NOW.date() - dt.timedelta(days=1), now=NOW, rotate_after_days=30)
    assert fresh.message.startswith("the key is 1 day old: rotate in 29 days")


def test_key_age_rejects_future_and_bad_policy() -> None:
    """A creation date after now, or a non-positive policy, raises ValueError."""
    with pytest.raises(ValueError, match="after today"):
        kit.key_age(NOW.date() + dt.timedelta(days=1), now=NOW)
    with pytest.raises(ValueError, match="after now"):
        kit.key_age(NOW + dt.timedelta(hours=1), now=NOW)
    with pytest.raises(ValueError, match="positive"):
        kit.key_age(NOW.date(), now=NOW, rotate_after_days=0)


def test_a_padded_key_is_tried_as_meant(sandbox: Sandbox) -> None:
    """A good key with a space and a newline around it: tried without them, so the right
    place is still found (lint_key names the whitespace; no raw 'Illegal header' status)."""
    url, key = live_key(sandbox)
    placements = kit.key_locations(url, f" {key}\n")
    assert [p.where for p in placements if p.accepted] == ["X-API-Key: <key>"]
    assert all(p.error is None for p in placements)
    assert {i.code for i in kit.lint_key(f" {key}\n")} >= {"whitespace", "newline"}
