"""Honest ambiguity: when two causes stay close, the verdict says so and names one action."""

from __future__ import annotations

import itertools

import httpx
import pytest

from kit._causes import Cause
from kit._diagnosis import Signal
from kit._http.exchange import Exchange
from kit._scoring.separate import SEPARATORS, close, separate
from kit._verdict import rank


def _bare() -> Exchange:
    request = httpx.Request("GET", "https://api.example.test/v1/items",
                            headers={"Authorization": "Bearer not-a-real-token-1234"})
    return Exchange.from_response(httpx.Response(403, request=request))


def test_two_close_causes_are_named_with_the_action_that_separates_them():
    """A limiter and an address block about as likely: a note, and 'wait and repeat' first."""
    d = rank([Signal(Cause.RATE_LIMIT, 0.75, "a"), Signal(Cause.IP_ALLOWLIST, 0.6, "b")],
             [_bare()])
    assert {d.findings[0].cause, d.findings[1].cause} == {Cause.RATE_LIMIT, Cause.IP_ALLOWLIST}
    assert close(d.findings[0].confidence, d.findings[1].confidence)
    assert any("cannot separate" in n for n in d.notes)
    assert d.next_steps[0] == SEPARATORS[frozenset({Cause.RATE_LIMIT, Cause.IP_ALLOWLIST})]


def test_a_clear_winner_gets_no_ambiguity_note():
    """One strong signal: no 'cannot separate' note."""
    d = rank([Signal(Cause.RATE_LIMIT, 0.95, "a"), Signal(Cause.IP_ALLOWLIST, 0.2, "b")],
             [_bare()])
    assert d.cause is Cause.RATE_LIMIT
    assert not any("cannot separate" in n for n in d.notes)


@pytest.mark.parametrize(("a", "b"), list(itertools.permutations(Cause, 2)),
                         ids=lambda c: c.value)
def test_every_pair_has_an_action(a, b):
    """Any two causes get a concrete sentence, the same in either order."""
    text = separate(a, b)
    assert len(text) > 30
    assert text == separate(b, a) or frozenset({a, b}) not in SEPARATORS


def test_close_is_a_ratio():
    """Under twice the runner-up is close; twice or more is not."""
    assert close(0.4, 0.3)
    assert not close(0.6, 0.3)
    assert not close(0.5, 0.0)
