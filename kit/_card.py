"""The verdict card: what every rendering of a Diagnosis puts on top, in the same order.

Text, Markdown and HTML reports, the CLI and every panel read these pieces from here, so a
verdict reads alike wherever it is shown: the status and when, the server's own words, the
cause as a plain title with its probability, the evidence, the fixes that match it, and the
runners-up worth a second look folded into one line.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ._causes import CAUSES

if TYPE_CHECKING:
    from ._diagnosis import Diagnosis, Finding
    from ._http.exchange import Exchange

RUNNER_UP = 0.15
"""A cause other than the first is named only above this probability."""
WORDS_CAP = 280
"""Characters of the server's own words shown on the card (the body is one click away)."""
_MAX_FIXES = 3
_MESSAGE_KEYS = ("message", "error_description", "detail", "title", "error", "msg", "reason",
                 "description", "errorMessage", "Message", "status")
_XML_MESSAGE = re.compile(r"<(Message|message|Code|title)>([^<]{1,400})</\1>")
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_WORD = re.compile(r"[a-z0-9]+")
_STOP = frozenset(("a", "an", "and", "the", "to", "of", "or", "in", "on", "for", "it", "its",
                   "your", "this", "that", "is", "be", "with", "as", "at", "by", "if", "when",
                   "then", "from"))


def plural(count: int, one: str, many: str | None = None) -> str:
    """'1 request', '7 requests' (never 'request(s)')."""
    return f"{count} {one if count == 1 else (many or one + 's')}"


def when(exchange: Exchange | None) -> str:
    """When the request was sent, as a reader reads it: '2026-12-04 22:50:01 UTC'; else ''."""
    if exchange is None or exchange.started_at is None:
        return ""
    at = exchange.started_at
    at = at.astimezone(dt.UTC) if at.tzinfo else at.replace(tzinfo=dt.UTC)
    return at.strftime("%Y-%m-%d %H:%M:%S UTC")


def server_words(exchange: Exchange | None) -> str:
    """The server's own message: a JSON or XML error's message field, else the first lines a
    reader sees of the body; '' when the body is empty. Already masked (an Exchange is)."""
    if exchange is None or not exchange.body.strip():
        return ""
    body = exchange.body.strip()
    message = _json_message(body) if body[:1] in "{[" else None
    if message is None and body[:1] == "<" and "html" not in exchange.content_type:
        found = _XML_MESSAGE.findall(body)
        message = " — ".join(dict.fromkeys(text.strip() for _, text in found)) or None
    if message is None:
        message = _page_text(body) if body[:1] == "<" else " ".join(body.splitlines()[:3])
    message = " ".join(message.split())
    return message if len(message) <= WORDS_CAP else message[: WORDS_CAP - 1] + "…"


def _page_text(body: str) -> str:
    """An HTML page as read: its title once (pages repeat it as the heading), then the rest."""
    title = _TITLE.search(body)
    text = " ".join(_TAGS.sub(" ", _TITLE.sub(" ", body)).split())
    if title is None:
        return text
    name = " ".join(title.group(1).split())
    return text if text.startswith(name) else f"{name} — {text}" if text else name


def _json_message(body: str) -> str | None:
    try:
        data = json.loads(body)
    except ValueError:
        return None
    found = _find_message(data, depth=0)
    return found or None


def _find_message(data: Any, depth: int) -> str:
    """The first message-like string field, looking into error objects and lists of errors."""
    if depth > 3:
        return ""
    if isinstance(data, list):
        return next((m for m in (_find_message(x, depth + 1) for x in data[:3]) if m), "")
    if not isinstance(data, dict):
        return ""
    for key in _MESSAGE_KEYS:
        value = data.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
    for value in data.values():
        if isinstance(value, dict | list) and (found := _find_message(value, depth + 1)):
            return found
    return ""


def address_line(d: Diagnosis) -> str:
    """For an allowlist verdict, the address the request left from, said once: on loopback or
    a LAN the server saw that one; beyond a NAT or proxy it saw theirs. '' otherwise."""
    from ._causes import Cause

    base = d.baseline
    if d.cause is not Cause.IP_ALLOWLIST or base is None or not base.local_address:
        return ""
    host = base.local_address.rsplit(":", 1)[0].strip("[]")
    return (f"The request left from {host}; a server reached through a NAT or proxy sees that "
            "one's public address instead (03 IP allowlist shows which).")


def runners_up(d: Diagnosis) -> list[Finding]:
    """Causes after the first that are worth a second look (above ``RUNNER_UP``)."""
    return [f for f in d.findings[1:] if f.confidence > RUNNER_UP]


def runners_up_line(d: Diagnosis) -> str:
    """'Less likely: Insufficient permissions (24%), API key problem (17%)', or ''."""
    others = runners_up(d)
    if not others:
        return ""
    return "Less likely: " + ", ".join(f"{f.title} ({pct(f.confidence)})" for f in others)


def pct(confidence: float) -> str:
    """A probability as a percentage; never "100%" or "0%" (the model is never certain)."""
    return f"{min(99, max(1, round(confidence * 100)))}%"


def fixes(finding: Finding) -> list[str]:
    """The fixes to show: the ones the evidence itself gave (they name this sub-cause), else
    the cause's general ones; with one specific fix, the first general one that is not a
    near-duplicate of it; never two bullets that say nearly the same thing."""
    general = list(CAUSES[finding.cause].fixes)
    specific = [f for f in finding.fixes if f not in general]
    if not specific:
        return _distinct(general)[:_MAX_FIXES]
    shown = _distinct(specific)[:_MAX_FIXES]
    if len(shown) == 1:
        shown = _distinct([*shown, general[0]])
    return shown


def evidence(finding: Finding) -> list[str]:
    """The evidence bullets, without two that quote the same words for the same reason."""
    return _distinct(finding.evidence, limit=0.8)


def _distinct(items: Iterable[str], *, limit: float = 0.45) -> list[str]:
    """Items in order, each dropped when most of its words are already in a kept one."""
    kept: list[tuple[str, set[str]]] = []
    for item in items:
        words = {w for w in _WORD.findall(item.lower()) if w not in _STOP}
        if all(_overlap(words, other) < limit for _, other in kept):
            kept.append((item, words))
    return [item for item, _ in kept]


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def response_headers(exchange: Exchange | None) -> Sequence[tuple[str, str]]:
    """The baseline's response headers (masked), for the fold under the server's words."""
    return exchange.response_headers if exchange is not None else ()
