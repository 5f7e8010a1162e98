"""Readable HTML for the public result types, so a teaching cell shows a small card, not a
dataclass dump: one title line, then named rows. Inline styles that inherit the notebook
theme's colours; every value escaped; nothing secret (these types hold none)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ._access import ScopeDiff
    from ._clock import ClockSkew
    from ._keycheck import KeyAge
    from ._ratelimit import RateLimit
    from ._tokens import JwtInfo

_FAINT = "rgba(127,127,127,0.35)"
_BOX = ("font-family:var(--jp-ui-font-family,system-ui,sans-serif);color:inherit;"
        "border-left:4px solid {accent};padding:4px 12px;margin:4px 0;max-width:52em")
_TD = f"padding:2px 10px 2px 0;border-bottom:1px solid {_FAINT};text-align:left"
GOOD, BAD, NEUTRAL = "#009E73", "#D55E00", "#999999"


def card(title: str, rows: Iterable[tuple[str, str]], *, accent: str = NEUTRAL) -> str:
    """A titled box of (name, value) rows; rows with an empty value are left out."""
    e = html.escape
    body = "".join(f'<tr><th style="{_TD};opacity:0.75;font-weight:normal">{e(k)}</th>'
                   f'<td style="{_TD}">{e(v)}</td></tr>' for k, v in rows if v)
    return (f'<div style="{_BOX.format(accent=accent)}"><b>{e(title)}</b>'
            f'<table style="border-collapse:collapse;color:inherit">{body}</table></div>')


def _when(at: dt.datetime | None) -> str:
    return at.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if at else ""


def _span(delta: dt.timedelta | None) -> str:
    from ._ratelimit import human_span

    return human_span(delta) if delta is not None else ""


def rate_limit_html(limit: RateLimit) -> str:
    left = (f"{limit.remaining} of {limit.limit}" if limit.limit is not None
            else str(limit.remaining) if limit.remaining is not None else "")
    title = ("Rate limit used up" if limit.exhausted else "Rate limit") + (
        f": {left} left" if left else "")
    return card(title, [
        ("convention", limit.convention), ("resource", limit.resource or ""),
        ("window", _span(limit.window)), ("resets at", _when(limit.reset)),
        ("retry after", _span(limit.retry_after)), ("policy", limit.policy or ""),
        ("read from", ", ".join(limit.headers))], accent=BAD if limit.exhausted else GOOD)


def scope_diff_html(diff: ScopeDiff) -> str:
    title = ("Holds every scope this endpoint requires" if diff.sufficient
             else f"Missing for this endpoint: {', '.join(diff.missing)}")
    return card(title, [
        ("required here", ", ".join(diff.required) or "none named"),
        ("held", ", ".join(diff.held) or "none"),
        ("missing", ", ".join(diff.missing)),
        # never "extra": another endpoint may need them; dropping one is a separate review
        ("held, not needed here", ", ".join(diff.extra))],
        accent=GOOD if diff.sufficient else BAD)


def clock_skew_html(skew: ClockSkew) -> str:
    from ._clock import NOTICEABLE

    bad = skew.offset is not None and abs(skew.offset) > NOTICEABLE
    return card("Clock skew: " + skew.message, [
        ("server's Date", _when(skew.server_date)),
        ("offset", f"{skew.offset.total_seconds():+.0f} s" if skew.offset is not None else ""),
        ("status", str(skew.status) if skew.status is not None else "")],
        accent=BAD if bad else (NEUTRAL if skew.offset is None else GOOD))


def key_age_html(age: KeyAge) -> str:
    return card(f"Key age: {age.age_days} days", [
        ("rotation", age.message), ("due on", age.due_on.isoformat() if age.due_on else "")],
        accent=BAD if age.due else GOOD)


def jwt_info_html(info: JwtInfo) -> str:
    if info.error:
        return card("JWT could not be read", [("why", info.error)], accent=BAD)
    now = dt.datetime.now(dt.UTC)
    expired = info.exp is not None and info.exp <= now
    early = info.nbf is not None and info.nbf > now
    state = "expired" if expired else "not valid yet" if early else "valid by this clock"
    return card(f"JWT ({state})", [
        ("algorithm", info.alg or ""), ("type", info.typ or ""), ("key id", info.kid or ""),
        ("issuer", info.iss or ""), ("audience", ", ".join(info.aud)),
        ("issued", _when(info.iat)), ("not before", _when(info.nbf)),
        ("expires", _when(info.exp)), ("scopes", " ".join(info.scopes))],
        accent=BAD if expired or early else GOOD)
