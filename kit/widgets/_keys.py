"""KeyPanel: does the key look right, where does the API want it, and is it due for rotation?"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._causes import Cause

from ._base import STYLE, Feedback, Panel, SecretField, button, frame, table_html, wide
from ._request import ScenarioPicker, scenario_names
from ._split import split_request

if TYPE_CHECKING:
    from kit._http.tokens import KeyIssue
    from kit._tools.keycheck import KeyAge, Placement
    from kit.sandbox import Sandbox, Scenario

DEMO_AGE_DAYS = 100
"""With a sandbox, the creation date is pre-set this long ago so the rotation check has
something to say (sandbox keys have no real creation date)."""


@dataclass(frozen=True, slots=True)
class KeyReport:
    """What the lint found, where the key was accepted, and its age (if a date was given)."""

    issues: tuple[KeyIssue, ...]
    placements: tuple[Placement, ...]
    age: KeyAge | None = None

    @property
    def accepted_in(self) -> tuple[str, ...]:
        """The places where the API accepted the key."""
        return tuple(p.where for p in self.placements if p.accepted)

    def __repr__(self) -> str:
        where = ", ".join(self.accepted_in) or ("nowhere" if self.placements else "not tried")
        age = f"; {self.age.age_days} days old{' (rotate now)' if self.age.due else ''}" if (
            self.age) else ""
        return f"<KeyReport {len(self.issues)} lint issue(s); accepted in {where}{age}>"

    def _repr_html_(self) -> str:
        return _html(self, probed=bool(self.placements))


class KeyPanel(Panel):
    """Key lint (``kit.lint_key``), a placement probe (``kit.key_locations``), key age.

    ``run()`` returns a ``KeyReport``, or None after a red message.
    """

    def __init__(self, sandbox: Sandbox | None = None, *, scenario: str | None = None) -> None:
        names = scenario_names(sandbox, [Cause.API_KEY])
        self.picker = ScenarioPicker(sandbox, names, self.fill)
        self.url = w.Text(description="URL", layout=wide(), style=STYLE,
                          placeholder="optional: an endpoint to try the key on")
        self.key = SecretField("API key")
        self.name = w.Text(description="Sent as", style=STYLE,
                           placeholder="header or parameter name, e.g. X-API-Key")
        self._in_query = False
        self.created = w.DatePicker(description="Created on", style=STYLE)
        self.rotate = w.BoundedIntText(value=90, min=1, max=3650, style=STYLE,
                                       description="Rotate after (days)")
        self.budget = w.IntSlider(value=6, min=1, max=6, description="Budget", style=STYLE)
        self.button = button("Check key", icon="key")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.report: KeyReport | None = None
        self.button.on_click(lambda _button: self.run())
        self.root = w.VBox([self.picker.box, self.url, self.key.box, self.name, self.created,
                            self.rotate, self.budget, self.button, self.feedback.box,
                            self.result])
        if sandbox is not None and names:
            self.created.value = dt.datetime.now(dt.UTC).date() - dt.timedelta(DEMO_AGE_DAYS)
            self.picker.pick(scenario if scenario in names else "api-key-wrong-header"
                             if "api-key-wrong-header" in names else names[0])

    def _secrets(self) -> list[str]:
        return self.key.known()

    def fill(self, scenario: Scenario | None) -> None:
        """Take a scenario's URL and key (the key into private memory)."""
        if scenario is None:
            return
        split = split_request(scenario.url, scenario.headers, scenario.params)
        self.url.value = split.url
        self.key.env.value = ""
        self.key.set(split.secret)
        self.name.value = split.name or ("Authorization" if split.auth == "bearer" else "")
        self._in_query = split.auth == "api_key_query"

    def _query_name(self, name: str) -> bool:
        """The key goes in the query under ``name``: the scenario says so, or the name reads
        as a parameter (lower case, no dash: ``api_key``), not a header (``X-API-Key``)."""
        return self._in_query or (name == name.lower() and "-" not in name)

    def _key(self) -> str:
        key = self.key.value()
        if not key:
            raise ValueError("no key set: paste it into the API key box (then Enter), or "
                             "name an environment variable")
        return key

    def run(self) -> KeyReport | None:
        """Lint the key, try it in each place, and check its age (what the button does)."""
        from kit._http.tokens import lint_key
        from kit._tools.keycheck import key_age, key_locations

        self.feedback.clear()
        self.result.value, self.report = "", None
        key = self.feedback.attempt(self._key, what="No key", todo="")
        if key is None:
            return None
        url, budget = str(self.url.value).strip(), int(self.budget.value)
        age = None
        if self.created.value is not None:
            age = self.feedback.attempt(
                lambda: key_age(self.created.value, now=dt.datetime.now(dt.UTC),
                                rotate_after_days=int(self.rotate.value)),
                what="Cannot compute the key's age", todo="fix the creation date")
            if age is None:
                return None
        placements: list[Placement] = []
        if url:
            with self.feedback.busy(f"Probing… (up to {budget} requests)", self.button):
                tried = self.feedback.attempt(
                    lambda: key_locations(url, key, budget=budget),
                    what="Could not try the key", todo="check the URL and try again")
            if tried is None:
                return None
            placements = tried
        name = str(self.name.value).strip()
        report = KeyReport(lint_key(key, name="" if self._query_name(name) else name),
                           tuple(placements), age)
        self.report = report
        self.result.value = frame(_html(report, probed=bool(url)))
        return report


def _html(report: KeyReport, *, probed: bool) -> str:
    """The report as HTML: lint, placements with a verdict, age."""
    e = html.escape
    parts = ["<b>How the key looks</b>"]
    if report.issues:
        parts.append("<ul>" + "".join(f"<li>{e(i.message)}</li>" for i in report.issues)
                     + "</ul>")
    else:
        parts.append("<p>No problem found in how the key is written.</p>")
    if probed:
        accepted = report.accepted_in
        padded = {i.code for i in report.issues} & {"whitespace", "newline"}
        verdict = (f"The API accepts the key in: {', '.join(accepted)}." if accepted else
                   "The API accepted the key in none of the places tried: the key itself is "
                   "probably invalid, revoked or not enabled for this API.")
        if accepted and padded:
            verdict = (f"The key is valid once stripped: without its surrounding whitespace the "
                       f"API accepts it in {', '.join(accepted)}. Strip it where you store or "
                       "read it (no need for a new key).")
        parts += ["<b>Where the API wants it</b>", f"<p>{e(verdict)}</p>", table_html(
            ("sent as", "status", "accepted"),
            [(p.where, p.status if p.status is not None else p.error or "no response",
              "yes" if p.accepted else "no") for p in report.placements])]
    if report.age is not None:
        colour = "#d93025" if report.age.due else "inherit"
        parts += ["<b>Age</b>", f'<p style="color:{colour}">{e(report.age.message)}</p>']
    return "\n".join(parts)
