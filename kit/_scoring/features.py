"""What one response shows, as named features for the fitted model.

A feature is a name and a value (1.0 for presence). Three families, all read from the
response alone, so the corpus of real refusals (which records responses, not requests) can
set their weights:

- ``sig:...``: a readable signal of the checks fired (a catalogue row's cause and strength,
  a phrase of the vocabulary, an RFC 6750 challenge, a rate-limit header family), and per
  cause the checks' signals combined (``sig:all:<cause>``, the first round's noisy-OR score,
  now one feature among others whose weight the data sets);
- ``w:...``: the words of the body as a reader sees it (single words and word pairs, ids,
  numbers and hex blanked out; JSON keys and snake_case codes split into words);
- ``h:...`` and ``s:...``: header families, the content type, an empty body, the status.

Signals about the *request* or the time of sending (no credential, a JWT's claims, the
server's clock against ours) and the differential probes are not features: the corpus cannot
know them. :mod:`kit._scoring.model` adds them as context.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable

from .._diagnosis import Signal, combine
from .._http.exchange import Exchange

CONTEXT_CHECKS = frozenset({"no-credential", "clock-skew", "user-agent", "payload", "redirect",
                            "directory", "differential", "history"})
"""Checks that read the request, the local clock or the variants: context, not features."""
_CONTEXT_PREFIXES = ("jwt", "key-lint:")

_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")
_WORD = re.compile(r"[a-z][a-z']*[a-z]|[a-z]")
_CODE = re.compile(r"(?<![\w.:/-])[a-z]*\d{3,5}(?![\w.:/-])")
_ENTITY = re.compile(r"&(#\d+|[a-z]+);", re.IGNORECASE)
_RATE_HEADERS = ("x-ratelimit", "x-rate-limit", "ratelimit", "x-app-rate-limit")
_FAMILIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("retry-after", ("retry-after",)),
    ("rate-limit", _RATE_HEADERS),
    ("www-authenticate", ("www-authenticate",)),
    ("set-cookie", ("set-cookie",)),
    ("cdn", ("cf-ray", "x-akamai", "akamai-", "x-cache", "x-served-by", "x-amz-cf-id",
             "x-azure-ref", "x-iinfo", "x-cdn", "x-sucuri-id", "x-fastly")),
    ("amz", ("x-amzn-", "x-amz-")),
    ("google", ("x-goog-", "x-guploader")),
    ("ms", ("x-ms-", "request-id")),
    ("via", ("via",)),
)
_SERVER_WORDS = re.compile(r"[a-z]+")
MAX_TEXT = 20_000
SIGNAL_SCALE = 3.0
"""The value of a ``sig:`` feature: the checks' signals are rarer than words, and a larger
value regularises their weights less. Chosen by provider-grouped cross-validation on the
development part of the corpus (2 and 4 were tried; 3 sits between them)."""


def visible_text(ex: Exchange) -> str:
    """The body as a reader sees it (``checks.visible_text``), HTML entities blanked, cut at
    ``MAX_TEXT`` characters."""
    from ..checks import visible_text as page_text

    return " ".join(_ENTITY.sub(" ", page_text(ex))[:MAX_TEXT].split())


def words(text: str) -> list[str]:
    """Lower-case words: camelCase and snake_case split, ids and numbers dropped."""
    text = _CAMEL.sub(" ", text).replace("_", " ").lower()
    return _WORD.findall(text)


def codes(text: str) -> set[str]:
    """Short numeric codes standing alone (1020, E1010) as tokens: they name causes. Numbers
    inside addresses, versions, dates, times and paths (203.0.113.7, 1.22.1, 2024-02-22,
    12:00:03) are not codes: they would name the corpus's redactions, not a cause."""
    return {c for c in _CODE.findall(text.lower()) if len(c) <= 9}


def is_context(signal: Signal) -> bool:
    """A signal about the request, the clock or the variants (not read from the response),
    or one from no named check (a caller's own): the fit cannot know it, its weight counts."""
    return (not signal.check or signal.check in CONTEXT_CHECKS
            or signal.check.startswith(_CONTEXT_PREFIXES))


def context_name(signal: Signal) -> str:
    """The name a context signal is fitted under: ``ctx:<check>:<key>:<cause>``."""
    cause = signal.cause.value if signal.cause is not None else "none"
    return f"ctx:{signal.check or 'caller'}:{signal.key}:{cause}"


def signal_feature(signal: Signal) -> str | None:
    """The feature a response signal stands for, or None for context and layer-only signals."""
    if signal.cause is None or is_context(signal):
        return None
    check = signal.check
    if check.startswith("catalogue:"):
        strength = "strong" if signal.weight >= 0.7 else "weak"
        return f"sig:catalogue:{signal.cause.value}:{strength}"
    if check == "keywords":
        return f"sig:kw:{signal.cause.value}:{signal.key or signal.evidence}"
    if check == "status":
        return None  # the status is its own feature (s:...)
    return f"sig:{check}:{signal.cause.value}"


def features(ex: Exchange, signals: Iterable[Signal]) -> dict[str, float]:
    """Every feature of one response, from the response and the signals it gave."""
    out: dict[str, float] = {}
    status = ex.status or 0
    out[f"s:{status if status in (401, 403, 407, 429, 451) else status // 100 * 100}"] = 1.0
    strength: dict[str, list[float]] = {}
    for signal in signals:
        name = signal_feature(signal)
        if name is not None:
            out[name] = SIGNAL_SCALE
            strength.setdefault(signal.cause.value, []).append(signal.weight)  # type: ignore[union-attr]
    for cause, weights in strength.items():
        out[f"sig:all:{cause}"] = SIGNAL_SCALE * combine(weights)
    text = visible_text(ex)
    ct = ex.content_type
    kind = ("html" if "html" in ct else "json" if "json" in ct else "xml" if "xml" in ct
            else "text" if ct.startswith("text/") else "other" if ct else "none")
    out[f"h:ct:{kind}"] = 1.0
    if not text.strip():
        out["h:body:empty"] = 1.0
    names = [k.lower() for k, _ in ex.response_headers]
    for family, prefixes in _FAMILIES:
        if any(n.startswith(prefixes) for n in names):
            out[f"h:{family}"] = 1.0
    server = (ex.header("server") or "").lower()
    for word in _SERVER_WORDS.findall(server)[:3]:
        out[f"h:server:{word}"] = 1.0
    tokens = words(text)
    for a, b in itertools.pairwise(tokens):
        out[f"w:{a} {b}"] = 1.0
    for token in tokens:
        out[f"w:{token}"] = 1.0
    for code in codes(text):
        out[f"w:#{code}"] = 1.0
    return out


_STATUS_WORDS = frozenset([
    "forbidden", "unauthorized", "unauthorised", "error", "status", "code", "http", "https",
    "request", "response", "access", "denied", "server", "page", "nginx", "apache",
    "openresty", "iis", "microsoft", "httpd", "html", "center", "title", "head", "body", "hr",
    "the", "a", "an", "is", "to", "of", "this", "you", "not", "message", "messages", "detail",
    "details", "reason", "description", "type", "errors",
])
"""Words of a page that only restates the status or names the server (nginx's own 403 page)."""


def is_weak(name: str) -> bool:
    """A feature that says nothing about the cause on its own: the status, the page's form,
    and words that only restate the status or name the server."""
    if name.startswith("w:"):
        return all(w.lstrip("#") in _STATUS_WORDS or w.lstrip("#").isdigit()
                   for w in name[2:].split())
    return name.startswith(("s:", "h:ct:", "h:body:", "h:server:", "h:set-cookie", "h:via",
                            "h:cdn", "h:amz", "h:google", "h:ms"))
