"""SecurityPanel: which layer refused (WAF, gateway, origin), its fingerprints, and whether the
User-Agent is what it looks at."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx
import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._causes import Cause

from ._base import STYLE, Feedback, Panel, button, table_html
from ._request import RequestForm

if TYPE_CHECKING:
    from kit._diagnosis import Diagnosis
    from kit.sandbox import Sandbox

SAFE = ("GET", "HEAD", "OPTIONS")
AGENTS_BUDGET = 4


@dataclass(frozen=True, slots=True)
class SecurityReport:
    """The diagnosis, and the status each User-Agent got (empty when not compared)."""

    diagnosis: Diagnosis
    user_agents: tuple[tuple[str, int | None], ...] = ()

    def __repr__(self) -> str:
        agents = ", ".join(f"{label} {status}" for label, status in self.user_agents)
        cause = self.diagnosis.cause or "no cause"
        return f"<SecurityReport {cause}{'; ' + agents if agents else ''}>"

    def _repr_html_(self) -> str:
        return _html(self, skipped=None)


class SecurityPanel(Panel):
    """Diagnose a request, show the answering layer and the catalogue fingerprints behind the
    verdict, and send it with a few User-Agents (``kit.compare_user_agents``).

    ``run()`` returns a ``SecurityReport``, or None after a red message.
    """

    def __init__(self, sandbox: Sandbox | None = None, *, scenario: str | None = None) -> None:
        self.form = RequestForm(sandbox, causes=[Cause.SECURITY_POLICY],
                                scenario=scenario or "waf-user-agent")
        self.budget = w.IntSlider(value=8, min=1, max=16, description="Budget", style=STYLE)
        self.compare = w.Checkbox(value=True, description="compare User-Agents "
                                  f"(up to {AGENTS_BUDGET} more requests)")
        self.button = button("Diagnose", icon="shield")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.report: SecurityReport | None = None
        self.button.on_click(lambda _button: self.run())
        self.form.attach(self.button, self.budget)
        self.root = w.VBox([self.form.box, self.compare, self.feedback.box, self.result])

    def _secrets(self) -> list[str]:
        return self.form.secrets()

    def _agents(self, kwargs: dict[str, Any]) -> list[tuple[str, int | None]]:
        from kit._tools.compare import compare_user_agents

        url = httpx.URL(kwargs["url"]).copy_merge_params(kwargs.get("params") or {})
        return compare_user_agents(str(url), headers=kwargs.get("headers") or {},
                                   method=kwargs["method"], budget=AGENTS_BUDGET)

    def run(self) -> SecurityReport | None:
        """Diagnose, then compare User-Agents (what the button does)."""
        from kit._triage import diagnose

        self.feedback.clear()
        self.result.value, self.report = "", None
        kwargs = self.feedback.attempt(self.form.kwargs, what="The request form has a problem",
                                       todo="fix that field and try again")
        if kwargs is None:
            return None
        budget = int(self.budget.value)
        compare = bool(self.compare.value) and kwargs["method"] in SAFE
        most = budget + (AGENTS_BUDGET if compare else 0)
        with self.feedback.busy(f"Probing… (up to {most} requests)", self.button):
            diagnosis = self.feedback.attempt(lambda: diagnose(**kwargs, budget=budget),
                                              what="Could not diagnose", todo="check the URL")
            agents = (self.feedback.attempt(lambda: self._agents(kwargs), what="Could not "
                                            "compare User-Agents", todo="check the URL")
                      if diagnosis is not None and compare else [])
        if diagnosis is None:
            return None
        report = SecurityReport(diagnosis, tuple(agents or ()))
        self.report = report
        unsafe = bool(self.compare.value) and not compare
        self.result.value = _html(report, skipped=str(kwargs["method"]) if unsafe else None)
        return report


def _link(source: str) -> str:
    e = html.escape
    if source.startswith(("https://", "http://")):
        return f'<a href="{e(source)}" target="_blank" rel="noopener">{e(source)}</a>'
    return e(source)


def _html(report: SecurityReport, *, skipped: str | None) -> str:
    """Verdict, answering layer, fingerprints, User-Agent table and the full report."""
    e = html.escape
    d = report.diagnosis
    top = d.top
    verdict = f"{top.title} ({top.confidence:.0%})" if top else "no cause stands out"
    parts = [f"<h4>{e(verdict)}</h4>", "<b>Which layer answered</b>",
             f"<p>{e(d.layer.layer.value)}: {e(d.layer.evidence)}</p>" if d.layer else
             "<p>No layer left a fingerprint (the bare status page says nothing).</p>"]
    shown = [f for f in d.findings if not f.thin] or d.findings[:1]
    rows = [(f.title, f"{f.confidence:.0%}", "; ".join(f.evidence[:3])) for f in shown]
    parts += ["<b>Fingerprints and evidence</b>", table_html(("cause", "confidence",
                                                               "evidence"), rows)]
    sources = list(dict.fromkeys(s for f in d.findings for s in f.sources))
    if sources:
        parts.append("<p>Known signatures matched (catalogue sources):</p><ul>"
                     + "".join(f"<li>{_link(s)}</li>" for s in sources) + "</ul>")
    if report.user_agents:
        parts += ["<b>Same request, other User-Agents</b>", table_html(
            ("User-Agent", "status", "outcome"),
            [(label, status if status is not None else "no response",
              "passes" if status is not None and status < 400 else "refused")
             for label, status in report.user_agents])]
    elif skipped:
        parts.append(f"<p>User-Agents not compared: {e(skipped)} is not safe to repeat.</p>")
    parts.append(f"<details><summary>Full diagnosis</summary>{d.to_html()}</details>")
    return "\n".join(parts)
