"""GatewayPanel: is the route, method, slash or redirect the problem rather than the caller?"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._causes import Cause

from ._base import STYLE, Feedback, Panel, button, table_html
from ._request import RequestForm

if TYPE_CHECKING:
    from kit._diagnosis import Diagnosis
    from kit._http.exchange import Exchange
    from kit.sandbox import Sandbox

TOLD = ("location", "allow", "access-control-allow-methods")
"""Response headers that say what a gateway would have accepted."""


def gateway_rows(diagnosis: Diagnosis) -> list[Exchange]:
    """The exchanges that test the route rather than the caller: the baseline and the path,
    slash, method, preflight and redirect variants."""
    from kit import _variants as v

    labels = {"baseline", v.SLASH_TOGGLED, v.PARENT_PATH, v.ROOT_PATH, v.SIBLING, v.PREFLIGHT,
              v.HEAD, v.REDIRECT}
    return [x for x in diagnosis.exchanges if x.label in labels]


class GatewayPanel(Panel):
    """Diagnose a request and show the route-level probes and the configuration finding.

    ``run()`` returns the ``kit.Diagnosis``, or None after a red message.
    """

    def __init__(self, sandbox: Sandbox | None = None, *, scenario: str | None = None) -> None:
        self.form = RequestForm(sandbox, causes=[Cause.CONFIGURATION],
                                scenario=scenario or "config-trailing-slash")
        self.budget = w.IntSlider(value=8, min=1, max=16, description="Budget", style=STYLE)
        self.button = button("Diagnose", icon="random")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.diagnosis: Diagnosis | None = None
        self.button.on_click(lambda _button: self.run())
        self.form.attach(self.button, self.budget)
        self.root = w.VBox([self.form.box, self.feedback.box, self.result])

    def _secrets(self) -> list[str]:
        return self.form.secrets()

    def run(self) -> Diagnosis | None:
        """Diagnose the form's request (what the button does)."""
        from kit._triage import diagnose

        self.feedback.clear()
        self.result.value, self.diagnosis = "", None
        kwargs = self.feedback.attempt(self.form.kwargs, what="The request form has a problem",
                                       todo="fix that field and try again")
        if kwargs is None:
            return None
        budget = int(self.budget.value)
        with self.feedback.busy(f"Probing… (up to {budget} requests)", self.button):
            diagnosis = self.feedback.attempt(lambda: diagnose(**kwargs, budget=budget),
                                              what="Could not diagnose", todo="check the URL")
        if diagnosis is None:
            return None
        self.diagnosis = diagnosis
        self.result.value = _html(diagnosis)
        return diagnosis


def _told(exchange: Exchange) -> str:
    """What the answer said it would accept (Location, Allow, ...), or '-'."""
    found = [f"{name}: {value}" for name in TOLD if (value := exchange.header(name))]
    return "; ".join(found) or "-"


def _html(diagnosis: Diagnosis) -> str:
    """Route probes table, the configuration finding (or why none), and the full report."""
    from urllib.parse import urlsplit

    e = html.escape
    rows = [(x.label, x.method, urlsplit(x.url).path or "/",
             x.status if x.status is not None else (x.error.kind if x.error else "?"), _told(x))
            for x in gateway_rows(diagnosis)]
    parts = ["<b>Route probes</b>", table_html(("probe", "method", "path", "status",
                                                "the answer says"), rows)]
    finding = diagnosis.finding(Cause.CONFIGURATION)
    if finding is not None:
        parts.append(f"<h4>{e(finding.title)} ({finding.confidence:.0%})</h4>")
        parts += [f"<b>{title}</b><ul>" + "".join(f"<li>{e(x)}</li>" for x in items) + "</ul>"
                  for title, items in (("Evidence", finding.evidence), ("Fixes", finding.fixes))
                  if items]
    else:
        top = diagnosis.top
        other = f"the most likely cause is {top.title}" if top else "no cause stands out"
        parts.append(f"<p>No sign of a gateway or server misconfiguration: {e(other)}.</p>")
    parts.append(f"<details><summary>Full diagnosis</summary>{diagnosis.to_html()}</details>")
    return "\n".join(parts)
