"""Time and tokens: a JWT's header and claims as display rows, and the server's clock offset.

``jwt_claims`` reads without verifying and never shows the signature. ``clock_skew`` sends one
GET and compares the server's ``Date`` header with the local clock at the midpoint of the
exchange (``Date`` has one-second resolution, so offsets under ~1 s are noise).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

import httpx
import jwt

from .._http.probe import Probe, make_client, send
from .._http.ratelimit import human_span, parse_http_date
from .._http.secrets import mask_text

TIME_CLAIMS: Final = frozenset({"exp", "nbf", "iat", "auth_time", "updated_at"})
NOTICEABLE: Final = dt.timedelta(seconds=5)
"""Offsets beyond this are reported as skew; below it, as in sync."""


@dataclass(frozen=True, slots=True)
class ClockSkew:
    """How far the server's clock runs ahead (positive) of this machine's, or why unknown."""

    offset: dt.timedelta | None
    server_date: dt.datetime | None
    error: str | None
    status: int | None = None

    def _repr_html_(self) -> str:
        return _clock_skew_html(self)

    @property
    def message(self) -> str:
        """One sentence for a report."""
        if self.offset is None:
            return f"the server's clock could not be read: {self.error}"
        seconds = self.offset.total_seconds()
        if abs(self.offset) <= NOTICEABLE:
            apart = (f"{abs(seconds):.0f} s apart" if abs(seconds) >= 1
                     else "less than a second apart")
            return f"the server's clock agrees with this machine's ({apart})"
        side = "ahead of" if seconds > 0 else "behind"
        span = human_span(dt.timedelta(seconds=abs(seconds)))
        return (f"the server's clock runs {span} {side} this machine's: tokens "
                "may look expired or not yet valid there; sync clocks with NTP")


def jwt_claims(token: str, *, now: dt.datetime | None = None) -> list[tuple[str, str]]:
    """Every header field and claim of a JWT as (name, text) rows; never the signature.

    Header fields are named ``header.alg`` and so on; times read ``2024-05-01T12:00:00Z
    (in 5 min)``. A leading ``Bearer `` is ignored. A corrupt token raises ValueError saying why.
    """
    text = token.strip()
    if text.lower().startswith("bearer "):
        text = text[7:].strip()
    if text.count(".") != 2:
        raise ValueError(f"not a JWT: expected three dot-separated parts (header.claims."
                         f"signature), found {text.count('.') + 1 if text else 0}")
    try:
        header = jwt.get_unverified_header(text)
        claims = jwt.decode(text, options={"verify_signature": False})
    except jwt.PyJWTError as exc:
        raise ValueError(f"not a readable JWT: {mask_text(str(exc), [text])}") from None
    moment = _utc(now or dt.datetime.now(dt.UTC))
    rows = [(f"header.{k}", _value(k, v, moment)) for k, v in header.items()]
    rows += [(k, _value(k, v, moment)) for k, v in claims.items()]
    signature = text.rsplit(".", 1)[1]
    rows.append(("signature", f"{len(signature)} characters, not shown and not verified"))
    return rows


def clock_skew(url: str, *, client: httpx.Client | None = None, timeout: float = 10.0,
               headers: Mapping[str, str] | None = None) -> ClockSkew:
    """One GET to ``url``; the offset of its ``Date`` header from this machine's clock."""
    own = client is None
    http = client if client is not None else make_client(timeout=timeout)
    try:
        probe = Probe("GET", url, tuple((headers or {}).items()), label="clock")
        before = time.time()
        exchange = send(probe, client=http, deadline=time.monotonic() + timeout)
        after = time.time()
    finally:
        if own:
            http.close()
    if exchange.error is not None:
        return ClockSkew(None, None, f"no response ({exchange.error.kind}): "
                         f"{exchange.error.message}")
    raw = exchange.header("date")
    server = parse_http_date(raw) if raw else None
    if server is None:
        reason = "the response has no Date header" if raw is None else f"Date {raw!r} is unreadable"
        return ClockSkew(None, None, reason, exchange.status)
    local = dt.datetime.fromtimestamp((before + after) / 2, dt.UTC)
    # Date is truncated to the second: compare with the midpoint rounded the same way.
    offset = server - local.replace(microsecond=0)
    return ClockSkew(offset, server, None, exchange.status)


def relative(moment: dt.datetime, now: dt.datetime) -> str:
    """'in 5 min', '2 h ago' or 'now' (within a second)."""
    seconds = (_utc(moment) - _utc(now)).total_seconds()
    if abs(seconds) < 1:
        return "now"
    span = human_span(dt.timedelta(seconds=abs(seconds)))
    return f"in {span}" if seconds > 0 else f"{span} ago"


def _value(key: str, value: Any, now: dt.datetime) -> str:
    if key in TIME_CLAIMS and isinstance(value, int | float) and not isinstance(value, bool):
        try:
            moment = dt.datetime.fromtimestamp(value, dt.UTC)
        except (OverflowError, OSError, ValueError):
            return f"{value} (not a valid time)"
        return f"{moment:%Y-%m-%dT%H:%M:%SZ} ({relative(moment, now)})"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return ", ".join(value)
    return json.dumps(value, ensure_ascii=False)




def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _clock_skew_html(skew: ClockSkew) -> str:
    """A small card for a notebook (kit/_http/reprs.py draws it)."""
    from .._http.reprs import BAD, GOOD, NEUTRAL, _when, card

    bad = skew.offset is not None and abs(skew.offset) > NOTICEABLE
    return card("Clock skew: " + skew.message, [
        ("server's Date", _when(skew.server_date)),
        ("offset", f"{skew.offset.total_seconds():+.0f} s" if skew.offset is not None else ""),
        ("status", str(skew.status) if skew.status is not None else "")],
        accent=BAD if bad else (NEUTRAL if skew.offset is None else GOOD))
