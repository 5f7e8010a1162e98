"""TriagePanel: the request form, a Diagnose button and the verdict card; kit.diagnose works."""

from __future__ import annotations

import base64
import html
from typing import TYPE_CHECKING, Any

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from ._base import STYLE, Feedback, Panel, button, png
from ._request import RequestForm

if TYPE_CHECKING:
    from kit._diagnosis import Diagnosis
    from kit.sandbox import Sandbox

FORM_TODO = "fix that field of the form and press Diagnose again"


class TriagePanel(Panel):
    """A form, a button and a verdict card; the thinking happens in ``kit.diagnose()``.

    ``panel.run()`` does what the Diagnose button (or Enter in the URL field) does and returns
    the ``kit.Diagnosis`` (also kept in ``panel.diagnosis``), or None after a red message.
    The card holds the probe chart and the Markdown report (``panel.markdown``) with a Copy
    button; nothing is shown before the first run (no empty image).
    """

    def __init__(self, sandbox: Sandbox | None = None, url: str = "", *,
                 scenario: str | None = None) -> None:
        self.form = RequestForm(sandbox, url=url, scenario=scenario)
        self.budget = w.IntSlider(value=8, min=1, max=16, description="Budget", style=STYLE,
                                  tooltip="the most requests the diagnosis may send")
        self.patience = w.IntSlider(
            value=0, min=0, max=120, step=10, description="Patience (s)", style=STYLE,
            tooltip="when every probe is refused alike, wait up to this long for a limiter's "
                    "window to pass (spaced repeats within the budget)")
        self.button = button("Diagnose")
        self.form.attach(self.button, self.budget, self.patience)
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.markdown = ""
        self.chart = b""
        self.diagnosis: Diagnosis | None = None
        self.button.on_click(lambda _button: self.run())
        self.root = w.VBox([self.form.box, self.feedback.box, self.result])

    def _secrets(self) -> list[str]:
        return self.form.secrets()

    def request(self) -> dict[str, Any] | None:
        """The form as ``kit.diagnose`` keyword arguments, or None after a red message."""
        return self.feedback.attempt(self.form.kwargs, what="The request form has a problem",
                                     todo=FORM_TODO)

    def run(self) -> Diagnosis | None:
        """Diagnose the form's request (what the button does); None if it could not."""
        from kit._triage import diagnose

        self.feedback.clear()
        self.diagnosis = None
        self._render(None)
        kwargs = self.request()
        if kwargs is None:
            return None
        budget, patience = int(self.budget.value), int(self.patience.value)
        waiting = (f"; if every probe is refused alike, waiting up to {patience} s for a "
                   "limiter's window" if patience else "")
        with self.feedback.busy(f"Probing… (up to {budget} requests{waiting})", self.button):
            diagnosis = self.feedback.attempt(
                lambda: diagnose(**kwargs, budget=budget, patience=patience),
                what="Could not diagnose",
                todo="check the URL (http:// or https://, a host and a path) and try again")
        if diagnosis is None:
            return None
        self.diagnosis = diagnosis
        self._render(diagnosis)
        return diagnosis

    def _render(self, diagnosis: Diagnosis | None) -> None:
        """Show a diagnosis (or nothing) as one card: verdict, probe chart, Markdown to copy."""
        from kit._card_html import card

        self.markdown = diagnosis.to_markdown() if diagnosis else ""
        self.chart = b""
        if diagnosis is None:
            self.result.value = ""
            return
        if diagnosis.exchanges:
            from kit.plots import probe_matrix

            self.chart = self.feedback.attempt(
                lambda: png(probe_matrix(diagnosis)), what="Could not draw the probe chart",
                todo="the verdict above is complete without it") or b""
        chart = (f'<img alt="{html.escape(_chart_alt(diagnosis))}" style="max-width:100%" '
                 f'src="data:image/png;base64,{base64.b64encode(self.chart).decode()}">'
                 if self.chart else "")
        self.result.value = card(diagnosis, probes=chart, report=self.markdown, reveal=True)


def _chart_alt(diagnosis: Diagnosis) -> str:
    return "probe chart: " + "; ".join(
        f"{e.label} {e.status if e.status is not None else 'no answer'}"
        for e in diagnosis.exchanges)
