"""An AuditResult for people: plain text, Markdown for a ticket, HTML with the rule in context.

The configuration's own lines are shown around the deciding rule, that line highlighted and
the other rules the request met marked. Secrets written in a configuration (API keys in a Kong
file, an nginx ``map`` of keys, Tyk sessions) are masked on the way out, like every other
output of the kit.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._http.secrets import mask, mask_text
from .scrub import sent_secrets

if TYPE_CHECKING:  # annotations only: AuditResult's methods import this module
    from .model import AuditResult, GatewayConfig, RuleRef

_MARK = {"allow": "✓", "deny": "✗", "pass": "→", "skip": "·", "limit": "≤", "note": "i"}
# `key: value`, `"api_key": "value"`, `password=value`: a value under a secret-sounding name.
_ASSIGNED = re.compile(
    r"""(?P<name>["']?[\w.-]*(?:key|secret|token|passw(?:or)?d|credential|signature)s?["']?\s*"""
    r"""[:=]\s*)(?P<quote>["']?)(?P<value>[^\s"',;#}\]]{4,})""", re.IGNORECASE)


def to_dict(result: AuditResult) -> dict[str, object]:
    """A JSON-ready dict of an AuditResult (its texts are already masked)."""
    def ref(rule: RuleRef | None) -> dict[str, object] | None:
        return None if rule is None else {"source": rule.source, "line": rule.line,
                                          "path": rule.path, "text": rule.text}

    return {
        "kind": result.kind, "allowed": result.allowed, "status": result.status,
        "rule": ref(result.rule), "reason": result.reason, "fix": result.fix,
        "cause": result.cause.value if result.cause else None,
        "request": result.request.describe() if result.request else None,
        "steps": [{"rule": ref(s.rule), "effect": s.effect, "says": s.says}
                  for s in result.steps],
        "limits": [{"rule": ref(lim.rule), "describe": lim.describe, "status": lim.status,
                    "per_second": lim.per_second, "quota": lim.quota,
                    "period_seconds": lim.period.total_seconds() if lim.period else None}
                   for lim in result.limits],
        "assumptions": list(result.assumptions),
    }


def headline(result: AuditResult) -> str:
    verdict = "ALLOWED" if result.allowed else "DENIED"
    return f"{verdict} {result.status} ({result.kind}): {result.reason}"


def to_text(result: AuditResult) -> str:
    lines = [headline(result)]
    if result.request is not None:
        lines.append(f"  request: {result.request.describe()}")
    if result.rule is not None:
        lines.append(f"  rule:    {result.rule}" + (f"  {result.rule.text}" if result.rule.text
                                                     else ""))
    if result.cause is not None and not result.allowed:
        lines.append(f"  cause:   {result.cause.label}")
    if result.fix:
        lines.append(f"  fix:     {result.fix}")
    if result.steps:
        lines.append("  trace (in the gateway's own order):")
        lines += [f"    {_MARK.get(s.effect, '?')} {_where(s.rule):<24} {s.says}"
                  for s in result.steps]
    if result.limits:
        lines.append("  limits that apply (an offline audit cannot count requests):")
        lines += [f"    {lim.describe} -> {lim.status} ({_where(lim.rule)})"
                  for lim in result.limits]
    if result.assumptions:
        lines.append("  could not know offline:")
        lines += [f"    - {a}" for a in result.assumptions]
    return "\n".join(lines)


def to_markdown(result: AuditResult) -> str:
    verdict = "allowed" if result.allowed else "**denied**"
    out = [f"### Gateway audit ({result.kind}): {verdict}, {result.status}", "",
           result.reason, ""]
    if result.request is not None:
        out.append(f"- Request: `{result.request.describe()}`")
    if result.rule is not None:
        out.append(f"- Deciding rule: `{result.rule}`" + (f" — `{result.rule.text}`"
                                                           if result.rule.text else ""))
    if result.fix:
        out.append(f"- Fix: {result.fix}")
    if result.steps:
        out += ["", "| | rule | what it said |", "|---|---|---|"]
        out += [f"| {_MARK.get(s.effect, '?')} | `{_where(s.rule)}` | {s.says} |"
                for s in result.steps]
    if result.assumptions:
        out += ["", "Could not know offline:"] + [f"- {a}" for a in result.assumptions]
    return "\n".join(out) + "\n"


def to_html(result: AuditResult, config: GatewayConfig | None = None, *,
            context: int = 5) -> str:
    colour = "#1b5e20" if result.allowed else "#b00020"
    verdict = "Allowed" if result.allowed else "Denied"
    parts = [f'<div style="border-left:4px solid {colour};padding:4px 10px">'
             f'<b style="color:{colour}">{verdict} — {result.status}</b> '
             f"<span>({html.escape(result.kind)})</span><br>{html.escape(result.reason)}"]
    if result.fix:
        parts.append(f"<br><b>Fix:</b> {html.escape(result.fix)}")
    parts.append("</div>")
    if config is not None and result.rule is not None:
        parts.append(excerpt_html(result, config, context=context))
    if result.steps:
        rows = "".join(
            f"<tr><td>{_MARK.get(s.effect, '?')}</td><td><code>{html.escape(_where(s.rule))}"
            f"</code></td><td>{html.escape(s.says)}</td></tr>" for s in result.steps)
        parts.append('<details open><summary>Trace, in the gateway\'s own order</summary>'
                     f'<table style="border-collapse:collapse">{rows}</table></details>')
    if result.limits:
        items = "".join(f"<li>{html.escape(lim.describe)} → {lim.status} "
                        f"(<code>{html.escape(_where(lim.rule))}</code>)</li>"
                        for lim in result.limits)
        parts.append(f"<b>Limits that apply</b><ul>{items}</ul>")
    if result.assumptions:
        items = "".join(f"<li>{html.escape(a)}</li>" for a in result.assumptions)
        parts.append(f"<b>Could not know offline</b><ul>{items}</ul>")
    return "".join(parts)


def excerpt(result: AuditResult, config: GatewayConfig, *,
            context: int = 5) -> list[tuple[int, str, str]]:
    """(line number, mark, masked text) around the deciding rule; mark is "rule", "step", ""."""
    rule = result.rule
    if rule is None or rule.line is None:
        return []
    files = config.lines()
    lines = files.get(rule.source)
    if lines is None:
        return []
    touched = {s.rule.line for s in result.steps if s.rule.source == rule.source and s.rule.line}
    start = max(1, rule.line - context)
    end = min(len(lines), rule.line + context)
    secrets = [*(sent_secrets(result.request) if result.request else ()),
               *config_secrets(config)]
    return [(n, "rule" if n == rule.line else "step" if n in touched else "",
             mask_config_line(lines[n - 1], secrets)) for n in range(start, end + 1)]


def excerpt_html(result: AuditResult, config: GatewayConfig, *, context: int = 5) -> str:
    rows = excerpt(result, config, context=context)
    if not rows:
        return ""
    shade = {"rule": "background:#ffd6d6" if not result.allowed else "background:#d7f5d7",
             "step": "background:#f3f3f3", "": ""}
    body = "".join(
        f'<div style="{shade[mark]}"><span style="color:#888;display:inline-block;'
        f'width:4em;text-align:right;padding-right:1em">{n}</span>{html.escape(text)}</div>'
        for n, mark, text in rows)
    title = html.escape(result.rule.source if result.rule else "")
    return (f'<div style="font-family:monospace;white-space:pre;border:1px solid #ddd;'
            f'margin:6px 0;padding:4px;overflow-x:auto"><div style="color:#555">{title}</div>'
            f"{body}</div>")


def config_secrets(config: GatewayConfig) -> list[str]:
    """Credential values a configuration writes down (Kong keys, an nginx map of keys...).

    Evaluators that know them expose ``secret_values()``; the renderer masks them everywhere.
    """
    values = getattr(config, "secret_values", None)
    return [v for v in (values() if callable(values) else ()) if isinstance(v, str)]


def mask_config_line(line: str, secrets: Iterable[str] = ()) -> str:
    """A configuration line with JWTs, given secrets and secret-named values masked."""
    line = mask_text(line, secrets)
    return _ASSIGNED.sub(lambda m: m.group("name") + m.group("quote") + mask(m.group("value"))
                         if not m.group("value").startswith("[secure") else m.group(0), line)


def _where(rule: RuleRef) -> str:
    return f"{rule.source.rsplit('/', 1)[-1]}:{rule.line}" if rule.line else (rule.path or
                                                                             rule.source)
