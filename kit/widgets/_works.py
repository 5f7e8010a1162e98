"""ComparePanel: "works in curl, Postman or the browser, 403 in my code".

Paste the working request ("Copy as cURL", or a HAR / Postman / Insomnia JSON), give the
failing one (a curl command, or set ``failing=`` from code: an ``httpx.Request``, or the last
refusal your code's ``kit.record`` history holds), press Compare: a table of every difference
with the culprits highlighted; then write the evidence bundle for support.

A pasted request holds credentials, so the text box never keeps it: its value moves into the
panel's memory and the box shows a one-line summary instead (saved widget state holds no
secret).
"""

from __future__ import annotations

import html
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from ._base import STYLE, Feedback, Panel, button, wide

if TYPE_CHECKING:
    from kit._comparison import Comparison
    from kit.sandbox import Sandbox

BROWSER = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
           "Chrome/126.0 Safari/537.36")


class _PastedRequest:
    """A Textarea whose text moves into private memory; the box shows what was read."""

    def __init__(self, description: str, placeholder: str) -> None:
        self.text = ""
        self._shown = ""
        self.box = w.Textarea(description=description, placeholder=placeholder,
                              layout=wide("7em"), style=STYLE)
        self.box.observe(self._take, names="value")

    def _take(self, change: dict[str, Any]) -> None:
        value = str(change["new"])
        if not value.strip() or value == self._shown:
            return
        self.text = value
        self._shown = _summary(value)
        self.box.value = self._shown

    def set(self, text: str) -> None:
        self.box.value = text  # goes through _take

    def value(self) -> Any:
        import json

        stripped = self.text.lstrip()
        return json.loads(stripped) if stripped.startswith("{") else self.text


def _summary(text: str) -> str:
    from kit._reqspec import coerce
    from kit._secrets import mask_url

    try:
        spec = coerce(text, role="pasted")
    except ValueError as exc:
        return f"✗ not read: {exc}"
    return (f"✓ read {spec.method} {mask_url(spec.url)} with {len(spec.headers)} headers "
            "(kept out of the notebook; paste again to replace)")


class ComparePanel(Panel):
    """Working request vs failing request: differences, culprits, the evidence bundle.

    ``run()`` returns a ``kit.Comparison`` (what Compare does); ``write_bundle()`` what the
    bundle button does.
    """

    def __init__(self, sandbox: Sandbox | None = None, *, working: str = "",
                 failing: Any = None, history: Iterable[Any] | None = None,
                 bundle_path: str = "forbidden-kit-evidence.md") -> None:
        self.working = _PastedRequest("Working", "paste 'Copy as cURL' (bash), or HAR / "
                                      "Postman / Insomnia JSON")
        self.failing_text = _PastedRequest("Failing", "a curl command of the failing call, "
                                           "or leave empty and pick your code's last refusal")
        self.failing: Any = failing
        self._history = list(history or ())
        refusals = [e for e in self._history if getattr(e, "refused", False)]
        self.source = w.Dropdown(options=["the Failing box"] + (
            ["your code's last refusal (history)"] if refusals else []) + (
            ["the request given in code"] if failing is not None else []),
            description="Failing from", style=STYLE)
        self.budget = w.IntSlider(value=16, min=2, max=32, description="Budget", style=STYLE)
        self.unsafe = w.Checkbox(value=False, description="allow replaying POST/PUT/PATCH/DELETE")
        self.button = button("Compare", icon="columns")
        self.bundle_button = w.Button(description="Write evidence bundle", icon="download",
                                      disabled=True)
        self.bundle_path = bundle_path
        self.feedback = Feedback(lambda: [])
        self.result = w.HTML("")
        self.link = w.HTML("")
        self.comparison: Comparison | None = None
        self.button.on_click(lambda _b: self.run())
        self.bundle_button.on_click(lambda _b: self.write_bundle())
        self.root = w.VBox([self.working.box, self.failing_text.box, self.source, self.budget,
                            self.unsafe, w.HBox([self.button, self.bundle_button]),
                            self.feedback.box, self.result, self.link])
        if failing is not None:
            self.source.value = "the request given in code"
        elif refusals:
            self.source.value = "your code's last refusal (history)"
        if working:
            self.working.set(working)
        if sandbox is not None and not working:
            self._prefill(sandbox)

    def _prefill(self, sandbox: Sandbox) -> None:
        """The sandbox's WAF scenario: a browser's copy works, python-requests' call does not."""
        import httpx

        s = sandbox.scenario("waf-user-agent")
        key = s.headers.get("X-API-Key", "")
        self.working.set(f"curl '{s.url}' -H 'accept: application/json' "
                         f"-H 'accept-language: en-GB,en;q=0.9' -H 'X-API-Key: {key}' "
                         f"-H 'user-agent: {BROWSER}'")
        self.failing = httpx.Request("GET", s.url, headers=dict(s.headers))
        self.source.options = [*self.source.options, "the request given in code"]
        self.source.value = "the request given in code"

    def _failing(self) -> Any:
        choice = self.source.value
        if choice == "the request given in code":
            return self.failing
        if choice.startswith("your code's"):
            return next(e for e in reversed(self._history) if getattr(e, "refused", False))
        if not self.failing_text.text.strip():
            raise ValueError("the Failing box is empty")
        return self.failing_text.value()

    def run(self) -> Comparison | None:
        """Compare the two requests (what the Compare button does)."""
        from kit._bisect import compare

        self.feedback.clear()
        self.result.value, self.link.value, self.comparison = "", "", None
        self.bundle_button.disabled = True
        if not self.working.text.strip():
            self.feedback.fail("The Working box is empty", "paste the working request's "
                               "'Copy as cURL' text (or its HAR / Postman JSON)")
            return None
        budget = int(self.budget.value)
        with self.feedback.busy(f"Comparing… (up to {budget} requests)", self.button):
            found = self.feedback.attempt(
                lambda: compare(self.working.value(), self._failing(), budget=budget,
                                replay_unsafe=bool(self.unsafe.value)),
                what="Could not compare", todo="check both requests")
        if found is None:
            return None
        self.comparison = found
        self.result.value = found.to_html()
        self.bundle_button.disabled = False
        return found

    def write_bundle(self, path: str | None = None) -> Path | None:
        """Write the evidence bundle of the last comparison and show a link to it."""
        if self.comparison is None:
            self.feedback.fail("Nothing to bundle yet", "press Compare first")
            return None
        comparison = self.comparison
        target = self.feedback.attempt(lambda: comparison.bundle(path or self.bundle_path),
                                       what="Could not write the bundle",
                                       todo="check the folder is writable")
        if target is not None:
            name = html.escape(target.name)
            self.link.value = (f'<a href="{name}" download="{name}">⬇ {name}</a> — no secret '
                               "in it: the request ids, times, HAR and a curl with $TOKEN")
        return target
