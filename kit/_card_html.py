"""The verdict card as a self-contained HTML fragment (the notebook panels and ``_repr_html_``).

Inline styles only, no script, every string escaped. Colours read on JupyterLab's light and
dark themes alike: text inherits the theme's colour, tracks and rules are translucent grey,
and only the winning cause carries the accent colour.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from ._card import address_line, evidence, fixes, pct, plural, runners_up_line, server_words, when

if TYPE_CHECKING:
    from ._diagnosis import Diagnosis, Finding

ACCENT = {"sure": "#D55E00", "thin": "#E69F00", "none": "#999999"}
"""Okabe-Ito vermillion (a verdict), orange (a hint), grey (no cause): legible on both themes."""
FAINT = "rgba(127,127,127,0.35)"
CARD = ("font-family:var(--jp-ui-font-family,system-ui,sans-serif);max-width:52em;"
        "line-height:1.45;color:inherit;border-left:4px solid {accent};padding:4px 12px;"
        "margin:6px 0")
TD = f"padding:2px 8px;border-bottom:1px solid {FAINT};text-align:left;vertical-align:top"
MUTED = "opacity:0.72"


REVEAL = ('<img alt="" width="1" height="1" style="display:block" src="data:image/gif;base64,'
          'R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7" onload="var c=this.closest('
          '\'.jp-OutputArea-output\')||this.closest(\'.kit-card\');'
          'if(c){c.scrollIntoView({block:\'start\'})}">')
"""A one-pixel image whose load scrolls its panel (form and card) into view: in JupyterLab,
Run All scrolls to the last cell, so the panel's first verdict would otherwise be out of sight."""


def card(d: Diagnosis, *, probes: str = "", report: str = "", reveal: bool = False) -> str:
    """The verdict card: status and time, the server's words (headers folded), the cause and
    its probability, evidence, fixes, the runners-up in one muted line, then what was sent.

    ``probes`` is extra HTML placed with the probe table (a chart); ``report`` is the
    Markdown report, shown folded with a Copy button; ``reveal`` scrolls the card into view
    when a browser shows it (a panel's fresh verdict).
    """
    e = html.escape
    top = d.top
    accent = ACCENT["none"] if top is None else ACCENT["thin" if top.thin else "sure"]
    out = [f'<div class="forbidden-kit kit-card" style="{CARD.format(accent=accent)}">',
           f'<div style="font-size:1.2em;font-weight:600">{e(_status(d))}</div>']
    base = d.baseline
    if base is not None:
        sent = " · ".join(x for x in (f"{base.method} {base.url}", when(base)) if x)
        out.append(f'<div style="{MUTED};word-break:break-all">{e(sent)}</div>')
    if base is not None and base.error is not None:
        out.append(f"<p><b>What failed:</b> {e(base.error.kind)}: {e(base.error.message)}"
                   + (f"<br>{e(base.error.hint)}" if base.error.hint else "") + "</p>")
    words = server_words(base)
    if words:
        out.append(f'<blockquote style="margin:6px 0;padding:2px 10px;border-left:3px solid '
                   f'{FAINT}"><span style="{MUTED}">The server said:</span> {e(words)}'
                   "</blockquote>")
    if base is not None and base.response_headers:
        out.append(_fold(f"Response headers ({len(base.response_headers)})",
                         _table(("header", "value"), base.response_headers)))
    out += _verdict(d, top, accent) if top is not None else [
        "<p><b>No cause found.</b> The answer was not a refusal, or it names nothing the kit "
        "knows.</p>"]
    if line := runners_up_line(d):
        out.append(f'<p style="{MUTED}">{e(line)}</p>')
    if d.layer:
        from ._report import _layer_line

        out.append(f'<p style="{MUTED}">{e(_layer_line(d))}</p>')
    out.append(_list("Next steps", d.next_steps))
    if d.exchanges:
        from ._report import _PROBE_HEADER, _probe_rows

        title = (f"{plural(d.requests_sent, 'request')} sent" if d.requests_sent
                 else plural(len(d.exchanges), "exchange"))
        out.append(_fold(f"Probes: {title}", probes + _table(_PROBE_HEADER,
                                                             _probe_rows(d.exchanges)),
                         open_=bool(probes)))
    out.append(_list("Notes", d.notes))
    from ._report import _ask_owner

    out.append(_list("Ask the owner", _ask_owner(d)))
    if report:
        out.append(copy_box(report, "Markdown report for a ticket"))
    out.append((REVEAL if reveal else "") + "</div>")
    return "\n".join(x for x in out if x)


def _status(d: Diagnosis) -> str:
    from ._report import _status_words

    return _status_words(d.baseline)


def _verdict(d: Diagnosis, f: Finding, accent: str) -> list[str]:
    e = html.escape
    lead = "Perhaps" if f.thin else "Most likely"
    width = max(1, min(99, round(f.confidence * 100)))
    out = [f'<div style="font-size:1.1em;margin-top:8px"><b>{lead}: {e(f.title)}</b> — '
           f"{pct(f.confidence)}" + (" (evidence is thin)" if f.thin else "") + "</div>",
           f'<div style="background:{FAINT};height:6px;border-radius:3px;max-width:24em">'
           f'<div style="background:{accent};width:{width}%;height:6px;border-radius:3px">'
           "</div></div>",
           f"<p>{e(f.explanation)}</p>",
           f"<p>{e(where)}</p>" if (where := address_line(d)) else "",
           _list("Evidence", evidence(f)), _list("Fix", fixes(f)), _list("Against", f.against)]
    return out


def _list(title: str, items: Sequence[str]) -> str:
    if not items:
        return ""
    lis = "".join(f"<li>{html.escape(x)}</li>" for x in items)
    return f'<b>{html.escape(title)}</b><ul style="margin:2px 0 8px">{lis}</ul>'


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    head = "".join(f'<th style="{TD}">{html.escape(h)}</th>' for h in header)
    body = "".join("<tr>" + "".join(f'<td style="{TD}">{html.escape(str(c))}</td>' for c in r)
                   + "</tr>" for r in rows)
    return f'<table style="border-collapse:collapse;color:inherit"><tr>{head}</tr>{body}</table>'


def _fold(summary: str, inner: str, *, open_: bool = False) -> str:
    return (f"<details{' open' if open_ else ''} style=\"margin:4px 0\"><summary "
            f'style="cursor:pointer">{html.escape(summary)}</summary>{inner}</details>')


_COPY = ("event.preventDefault();var t=this.parentNode.parentNode.querySelector('textarea');"
         "var b=this;var done=function(){b.textContent='Copied';"
         "setTimeout(function(){b.textContent='Copy'},1500)};"
         "if(navigator.clipboard){navigator.clipboard.writeText(t.value).then(done,"
         "function(){t.select();document.execCommand('copy');done()})}"
         "else{t.select();document.execCommand('copy');done()}")


def copy_box(text: str, summary: str) -> str:
    """``text`` folded in a read-only box with a Copy button (clipboard, or select-and-copy)."""
    rows = min(24, text.count("\n") + 2)
    return (f'<details style="margin:6px 0"><summary style="cursor:pointer">'
            f"{html.escape(summary)} "
            f'<button type="button" class="kit-copy" onclick="{html.escape(_COPY)}" '
            'style="margin-left:8px">Copy</button></summary>'
            f'<textarea readonly rows="{rows}" style="width:95%;font-family:var(--jp-code-font-'
            f'family,monospace);font-size:0.85em;color:inherit;background:transparent;'
            f'border:1px solid {FAINT}">{html.escape(text)}</textarea></details>')
