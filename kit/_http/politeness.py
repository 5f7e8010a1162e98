"""Politeness: when the kit must not send another request, and how many it may still spend.

One owner for the rules every sender follows (the triage, the access matrix, the key check,
the User-Agent comparison, the rate-limit monitor): a refusal that asks to wait, an exhausted
limit or a 429 stops probing; a quota is spent at most half-way.
"""

from __future__ import annotations

import datetime as dt

from .exchange import Exchange
from .ratelimit import headroom, parse_rate_limits

REFUSALS = frozenset({401, 403, 407, 429, 451})


def refused(exchange: Exchange | None) -> bool:
    """The server said no: 401, 403, 407, 429 or 451."""
    return exchange is not None and exchange.status in REFUSALS


def should_hold_back(ex: Exchange, *, now: dt.datetime) -> str | None:
    """Why no further request should be sent now, or None when probing is polite."""
    if ex.header("retry-after") is not None and (refused(ex) or (ex.status or 0) >= 500):
        return f"the server asked to wait (Retry-After: {ex.header('retry-after')})"
    tightest = headroom(parse_rate_limits(ex.response_headers, now=now))
    if tightest is not None and tightest.exhausted:
        return "the rate limit is exhausted (" + tightest.describe(now=now) + ")"
    if ex.status == 429:
        return "the server answered 429 Too Many Requests"
    return None


def spare(ex: Exchange, *, now: dt.datetime) -> int | None:
    """How many more requests the headers allow us to spend without eating the user's quota."""
    tightest = headroom(parse_rate_limits(ex.response_headers, now=now))
    if tightest is None or tightest.remaining is None:
        return None
    return max(0, tightest.remaining // 2 - 1)
