"""Reports of a Diagnosis: plain text (optionally coloured), Markdown, self-contained HTML, a dict.

Every string shown comes from a Diagnosis, whose Exchanges were redacted when they were built,
so a report is safe to paste into a ticket. HTML escapes all of it: evidence quotes bodies.
"""

from __future__ import annotations

import datetime as dt
import http
import re
import textwrap
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus, urlsplit

from ._card import address_line, evidence, fixes, pct, plural, runners_up_line, server_words, when

if TYPE_CHECKING:
    from ._diagnosis import Diagnosis, Finding
    from ._http.exchange import Exchange

_ANSI = {"bold": "1", "dim": "2", "red": "31", "yellow": "33", "cyan": "36"}
_PATH_WIDTH = 48
_MASKED_QUERY = re.compile(r"\[secure[^\]&]*\]")
_PROBE_HEADER = ("probe", "method", "path", "status", "ms")


# -- shared pieces ----------------------------------------------------------------------------
def headline(d: Diagnosis) -> str:
    """'403 Forbidden — most likely: API key problem (82%)', or '… — no cause found'."""
    status = _status_words(d.baseline)
    top = d.top
    if top is None:
        return f"{status} — no cause found"
    if top.thin:
        return f"{status} — perhaps: {top.title} ({_pct(top.confidence)}), evidence is thin"
    return f"{status} — most likely: {top.title} ({_pct(top.confidence)})"


def _status_words(exchange: Exchange | None) -> str:
    if exchange is None:
        return "No request"
    if exchange.status is None:
        kind = exchange.error.kind if exchange.error else "unknown"
        return f"No response ({kind})"
    try:
        return f"{exchange.status} {http.HTTPStatus(exchange.status).phrase}"
    except ValueError:
        return str(exchange.status)


def _failure(d: Diagnosis) -> list[str]:
    """What failed on the baseline request, and the hint for it, when no response came."""
    base = d.baseline
    if base is None or base.error is None:
        return []
    lines = [f"What failed: {base.error.kind}: {base.error.message}"]
    return lines + ([f"Hint: {base.error.hint}"] if base.error.hint else [])


def _probes_title(d: Diagnosis) -> str:
    if not d.requests_sent:
        return "Exchanges"
    return f"Probes ({plural(d.requests_sent, 'request')} sent)"


def _sent_line(d: Diagnosis) -> str:
    """'GET https://… · 2026-12-04 22:50:01 UTC · 42 ms': what was asked, when, how long."""
    base = d.baseline
    if base is None:
        return ""
    took = f"{base.elapsed * 1000:.0f} ms" if base.elapsed is not None else ""
    return " · ".join(x for x in (f"{base.method} {_readable(base.url)}", when(base), took) if x)


def _said(d: Diagnosis) -> str:
    words = server_words(d.baseline)
    return f"The server said: “{words}”" if words else ""


def _readable(url: str) -> str:
    """Masked query values unquoted: '[secure … 18 chars #1c889b]', not '%E2%80%A6+18+…'."""
    return _MASKED_QUERY.sub(lambda m: unquote_plus(m.group(0)), url)


def _path(url: str) -> str:
    """Path and (masked, readable) query of a URL; the URL itself if it does not parse."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = f"{parts.query}#{parts.fragment}" if parts.fragment else parts.query
    return (parts.path or "/") + (f"?{_readable(query)}" if query else "")


_LAYER_WORDS = {"cdn/waf": "a CDN or web application firewall", "gateway": "an API gateway",
                "proxy": "a proxy or web server in front of the API", "origin": "the API itself"}


def _layer_line(d: Diagnosis) -> str:
    if not d.layer:
        return ""
    who = _LAYER_WORDS.get(d.layer.layer.value, d.layer.layer.value)
    return f"Answered by: {who} ({d.layer.evidence})"


_pct = pct


def _probe_rows(exchanges: Iterable[Exchange]) -> list[tuple[str, str, str, str, str]]:
    rows = []
    for e in exchanges:
        path = _path(e.url)
        if len(path) > _PATH_WIDTH:
            path = path[: _PATH_WIDTH - 1] + "…"
        outcome = str(e.status) if e.status is not None else (e.error.kind if e.error else "?")
        ms = f"{e.elapsed * 1000:.0f}" if e.elapsed is not None else "-"
        rows.append((e.label, e.method, path, outcome, ms))
    return rows


def _sections(f: Finding) -> list[tuple[str, list[str]]]:
    return [(t, items) for t, items in
            (("Evidence", evidence(f)), ("Fix", fixes(f)), ("Against", f.against)) if items]


# -- text -------------------------------------------------------------------------------------
def to_text(d: Diagnosis, *, color: bool = False) -> str:
    """A terminal report; ANSI colour only when color=True."""

    def paint(text: str, *styles: str) -> str:
        if not color:
            return text
        codes = ";".join(_ANSI[s] for s in styles)
        return f"\x1b[{codes}m{text}\x1b[0m"

    blocks = [[paint(headline(d), "bold", "red" if d.top and not d.top.thin else "yellow"),
               *([paint(line, "dim")] if (line := _sent_line(d)) else []),
               *(_wrap(said, "") if (said := _said(d)) else [])],
              _failure(d)]
    if (f := d.top) is not None:
        lines = [paint(f"{f.title} ({_pct(f.confidence)})", "bold"), *_wrap(f.explanation, "  ")]
        lines += _wrap(where, "  ") if (where := address_line(d)) else []
        for title, items in _sections(f):
            lines += [paint(f"  {title}:", "cyan"), *(_bullet(x, "    ") for x in items)]
        blocks.append(lines)
    blocks.append([paint(line, "dim")] if (line := runners_up_line(d)) else [])
    blocks.append(_wrap(_layer_line(d), "") if d.layer else [])
    blocks.append(_text_list(paint("Next steps:", "cyan"), d.next_steps))
    if d.exchanges:
        blocks.append([paint(_probes_title(d) + ":", "cyan"),
                       *_text_table(d.exchanges, lambda s: paint(s, "dim"))])
    blocks.append(_text_list(paint("Notes:", "cyan"), d.notes))
    blocks.append(_text_list(paint("Ask the owner:", "cyan"), _ask_owner(d)))
    return "\n\n".join("\n".join(b) for b in blocks if b) + "\n"


def _wrap(text: str, indent: str) -> list[str]:
    return textwrap.wrap(text, 96, initial_indent=indent, subsequent_indent=indent) or [indent]


def _bullet(text: str, indent: str) -> str:
    return "\n".join(textwrap.wrap(text, 96, initial_indent=f"{indent}• ",
                                   subsequent_indent=f"{indent}  ")) or f"{indent}•"


def _text_list(title: str, items: list[str]) -> list[str]:
    return [title, *(_bullet(x, "  ") for x in items)] if items else []


def _text_table(exchanges: list[Exchange], dim: Callable[[str], str]) -> list[str]:
    rows = [_PROBE_HEADER, *_probe_rows(exchanges)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(_PROBE_HEADER))]
    lines = ["  " + "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip()
             for r in rows]
    return [dim(lines[0]), *lines[1:]]


# -- Markdown ---------------------------------------------------------------------------------
def to_markdown(d: Diagnosis) -> str:
    """A report to paste into a support ticket: verdict, evidence, request summary, probes."""
    out = [f"### {_md(headline(d))}", ""]
    out += [_md(_sent_line(d)), ""] if d.baseline is not None else []
    out += [f"> {_md(said)}", ""] if (said := _said(d)) else []
    out += _md_headers(d.baseline)
    out += [f"- {_md(line)}" for line in _failure(d)]
    if (f := d.top) is not None:
        out += [f"**{_md(f.title)}** — {_pct(f.confidence)}", "", _md(f.explanation), ""]
        out += [x for title, items in _sections(f) for x in _md_list(title, items)]
    out += [f"_{_md(line)}_", ""] if (line := runners_up_line(d)) else []
    out += [_md(_layer_line(d)), ""] if d.layer else []
    out += _md_list("Next steps", d.next_steps)
    out += _md_request(d.baseline)
    if d.exchanges:
        out += [f"**{_probes_title(d)}**", "",
                "| " + " | ".join(_PROBE_HEADER) + " |", "|---" * len(_PROBE_HEADER) + "|"]
        out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in _probe_rows(d.exchanges)]
        out.append("")
    out += _md_list("Notes", d.notes)
    out += _md_list("Ask the owner", _ask_owner(d))
    return "\n".join(out).rstrip() + "\n"


def _md(text: str) -> str:
    """Markdown-safe text: no raw HTML tag reaches the renderer."""
    return text.replace("<", "&lt;").replace(">", "&gt;")


def _cell(text: str) -> str:
    return _md(text).replace("|", "\\|")


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _md_list(title: str, items: list[str]) -> list[str]:
    return [f"**{title}**", *(f"- {_md(x)}" for x in items), ""] if items else []


def _md_headers(base: Exchange | None) -> list[str]:
    """The response headers folded away (GitHub and most trackers render <details>)."""
    if base is None or not base.response_headers:
        return []
    lines = [f"{k}: {v}".replace("`", "'") for k, v in base.response_headers]
    return ["<details><summary>Response headers</summary>", "", "```text", *lines, "```", "",
            "</details>", ""]


def _md_request(base: Exchange | None) -> list[str]:
    if base is None:
        return []
    out = ["**Request** (credentials masked)", f"- {_code(f'{base.method} {_readable(base.url)}')}"]
    for c in base.credentials:
        line = f"- {c.kind} in {_md(c.where)}: {_code(c.masked)} ({c.length} chars)"
        issues = "; ".join(i.message for i in c.issues)
        out.append(line + (f" — issues: {_md(issues)}" if issues else ""))
    if not base.credentials:
        out.append("- no credential was sent")
    return [*out, ""]


# -- HTML: the verdict card, kit/_card_html.py (it reads the helpers above) ------------------


def _ask_owner(d: Diagnosis) -> list[str]:
    """The lookups the API's owner can run with the request ids the responses carry."""
    from ._tools.support import owner_lookups

    return owner_lookups(d.exchanges)


# -- dict -------------------------------------------------------------------------------------
def to_dict(d: Diagnosis) -> dict[str, Any]:
    """Everything in the Diagnosis as JSON-ready data (lists, strings, numbers, None)."""
    return {
        "headline": headline(d),
        "status": d.status,
        "cause": d.cause.value if d.cause else None,
        "findings": [_finding_dict(f) for f in d.findings],
        "layer": {"layer": d.layer.layer.value, "evidence": d.layer.evidence} if d.layer else None,
        "next_steps": list(d.next_steps),
        "notes": list(d.notes),
        "requests_sent": d.requests_sent,
        "exchanges": [_jsonable(e.to_dict()) for e in d.exchanges],
    }


def _finding_dict(f: Finding) -> dict[str, Any]:
    return {"cause": f.cause.value, "title": f.title, "confidence": f.confidence,
            "evidence": list(f.evidence), "fixes": list(f.fixes), "against": list(f.against),
            "sources": list(f.sources)}


def _jsonable(value: Any) -> Any:
    """Tuples to lists and datetimes (JWT claims) to ISO strings, recursively."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value.isoformat() if isinstance(value, dt.datetime | dt.date) else value
