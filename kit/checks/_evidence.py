"""What the checks read: the baseline exchange, the variants sent, and the time."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .._http.exchange import Exchange
from .._http.politeness import REFUSALS as REFUSALS  # the floor owns it; the checks read it here
from .._http.politeness import refused as refused

_VOLATILE = re.compile(r"[0-9a-f]{6,}|\d+", re.IGNORECASE)
_COMMENTS = re.compile(r"<!--.*?(-->|$)", re.DOTALL)


def let_through(exchange: Exchange | None) -> bool:
    """The request got past the gate: a success, a redirect, or an application-level 4xx."""
    status = exchange.status if exchange is not None else None
    return status is not None and (status < 400 or status in (400, 404, 405, 409, 410, 422))


def succeeded(exchange: Exchange | None) -> bool:
    """A 2xx or 3xx: the request as varied did what it asked."""
    return exchange is not None and exchange.status is not None and exchange.status < 400


def fingerprint(exchange: Exchange) -> tuple[int | None, str, str]:
    """Status, content type and the body with comments, ids, dates and numbers blanked out.

    (nginx, for one, pads error pages with a comment for browser User-Agents only.)
    """
    body = " ".join(_COMMENTS.sub("", exchange.body).split())
    return exchange.status, exchange.content_type, _VOLATILE.sub("#", body)


def same_answer(a: Exchange | None, b: Exchange | None) -> bool:
    """Two exchanges got what looks like the same answer (same status, same page)."""
    if a is None or b is None or a.status is None or b.status is None:
        return False
    return fingerprint(a) == fingerprint(b)


def status_of(exchange: Exchange | None) -> str:
    if exchange is None:
        return "not sent"
    if exchange.status is None:
        return f"no response ({exchange.error.kind})" if exchange.error else "no response"
    return str(exchange.status)


@dataclass(frozen=True, slots=True)
class Evidence:
    """The baseline and the variants sent (by label), for differential checks."""

    baseline: Exchange
    variants: Mapping[str, Exchange] = field(default_factory=dict)
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    credentials_sent: bool = False

    def get(self, label: str) -> Exchange | None:
        return self.variants.get(label)

    def all(self) -> list[Exchange]:
        return [self.baseline, *self.variants.values()]
