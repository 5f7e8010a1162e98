"""Readable HTML for the public result types, so a teaching cell shows a small card, not a
dataclass dump: one title line, then named rows. Inline styles that inherit the notebook
theme's colours; every value escaped; nothing secret (these types hold none). The tools'
types use the same card (kit/_tools/reprs.py)."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .tokens import JwtInfo

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
