"""JWT claims as display rows, and the server clock's offset read from its Date header."""

from __future__ import annotations

import datetime as dt

import jwt
import pytest

import kit
from kit.sandbox import Sandbox

from .conftest import free_port

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)


def token(**claims: object) -> str:
    """An HS256 token signed with a throwaway test secret."""
    return jwt.encode(claims, "test-secret-not-used-anywhere-else", algorithm="HS256",
                      headers={"kid": "k1"})


def test_claims_render_times_and_hide_the_signature() -> None:
    """Header fields, claims and ISO UTC times with relative words; no signature text."""
    text = token(sub="ada", aud=["api", "web"], scope="items:read",
                 iat=int((NOW - dt.timedelta(hours=2)).timestamp()),
                 exp=int((NOW + dt.timedelta(minutes=5)).timestamp()), extra={"a": 1})
    rows = dict(kit.jwt_claims(text, now=NOW))
    assert rows["header.alg"] == "HS256"
    assert rows["header.kid"] == "k1"
    assert rows["sub"] == "ada"
    assert rows["aud"] == "api, web"
    assert rows["extra"] == '{"a": 1}'
    assert rows["exp"] == "2025-06-01T12:05:00Z (in 5 min)"
    assert rows["iat"] == "2025-06-01T10:00:00Z (2 h ago)"
    signature = text.rsplit(".", 1)[1]
    assert all(signature not in value for value in rows.values())
    assert "not shown" in rows["signature"]


def test_bearer_prefix_is_ignored() -> None:
    """A pasted 'Bearer <jwt>' reads the same as the bare token."""
    text = token(sub="ada")
    assert kit.jwt_claims(f"Bearer {text}", now=NOW) == kit.jwt_claims(text, now=NOW)


def test_corrupt_tokens_say_why() -> None:
    """Two parts, or undecodable parts, raise ValueError with a clear reason and no token."""
    with pytest.raises(ValueError, match="three dot-separated parts"):
        kit.jwt_claims("abc.def")
    broken = "eyJhbGciOiJIUzI1NiJ9.not-json-at-all-here.c2lnbmF0dXJl"
    with pytest.raises(ValueError, match="not a readable JWT") as caught:
        kit.jwt_claims(broken)
    assert broken not in str(caught.value)


def test_clock_skew_scenario_is_about_ten_minutes_ahead(sandbox: Sandbox) -> None:
    """The auth-clock-skew server's Date runs ~600 s ahead of this machine."""
    skew = kit.clock_skew(sandbox.scenario("auth-clock-skew").url)
    assert skew.error is None
    assert skew.offset is not None
    assert abs(skew.offset.total_seconds() - sandbox.clock_skew) <= 2
    assert skew.server_date is not None
    assert "ahead of" in skew.message


def test_normal_server_agrees(sandbox: Sandbox) -> None:
    """The sandbox's own clock is in sync (within the Date header's one-second grain)."""
    skew = kit.clock_skew(sandbox.url + "/health")
    assert skew.offset is not None
    assert abs(skew.offset.total_seconds()) <= 2
    assert skew.status == 200
    assert "agrees" in skew.message


def test_no_answer_is_an_error_not_an_exception() -> None:
    """A closed port gives offset None and an error naming the failure."""
    skew = kit.clock_skew(f"http://127.0.0.1:{free_port()}/", timeout=2.0)
    assert skew.offset is None
    assert skew.error is not None
    assert "refused" in skew.error
    assert "could not be read" in skew.message
