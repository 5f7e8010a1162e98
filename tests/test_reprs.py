"""The public result types render as small readable HTML cards in a notebook."""

from __future__ import annotations

import datetime as dt

import jwt

import kit
from kit._tools.clock import ClockSkew

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


def test_rate_limit_card_says_what_is_left_and_when_it_resets() -> None:
    """An exhausted GitHub-style limit: '0 of 60 left', the reset time in UTC, no field dump."""
    headers = {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0",
               "x-ratelimit-reset": str(int((NOW + dt.timedelta(hours=1)).timestamp()))}
    limit = kit.parse_rate_limits(headers, now=NOW)[0]
    page = limit._repr_html_()
    assert "Rate limit used up: 0 of 60 left" in page
    assert "2025-06-01 13:00:00 UTC" in page
    assert "reset_format" not in page
    assert "RateLimit(" not in page


def test_scope_diff_never_calls_a_held_scope_extra() -> None:
    """Scopes held but not required here are 'held, not needed here': another endpoint may
    need them, so the card never suggests giving them up."""
    diff = kit.scope_diff(["items:read", "reports:write"], ["reports:read"])
    page = diff._repr_html_()
    assert "Missing for this endpoint: reports:read" in page
    assert "held, not needed here" in page
    assert "extra" not in page.lower()


def test_clock_skew_key_age_and_jwt_cards() -> None:
    """Each card states its verdict in its title, values in named rows."""
    skew = ClockSkew(dt.timedelta(minutes=7), NOW, None, 200)._repr_html_()
    assert "runs 7 min ahead of this machine" in skew
    assert "+420 s" in skew
    age = kit.key_age(dt.date(2025, 1, 1), now=NOW, rotate_after_days=90)._repr_html_()
    assert "Key age: 151 days" in age
    token = jwt.encode({"iss": "https://issuer.test", "exp": NOW, "scope": "a b"},
                       "a-signing-key-long-enough-for-hs256!", algorithm="HS256")
    info = kit.inspect_jwt(token)._repr_html_()
    assert "JWT (expired)" in info
    assert "https://issuer.test" in info
    assert "2025-06-01 12:00:00 UTC" in info
    assert token not in info


def test_clock_in_sync_never_says_within_zero_seconds() -> None:
    """Half a second of skew reads 'less than a second apart', not 'within 0 s'."""
    skew = ClockSkew(dt.timedelta(milliseconds=400), NOW, None, 200)
    assert "less than a second apart" in skew.message
    assert "within 0 s" not in skew._repr_html_()
