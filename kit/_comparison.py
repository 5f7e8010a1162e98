"""Comparison: what kit.compare found, and its text, Markdown, HTML and JSON renderings.

Everything here is already masked: Differences carry masked values and only the values that
differ, and Exchanges were redacted when they were built.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ._exchange import Exchange
from ._requests_diff import Difference


@dataclass(frozen=True, slots=True)
class Comparison:
    """Differences between a working and a failing request, and which of them matter."""

    differences: list[Difference]
    culprits: list[Difference]
    exchanges: list[Exchange]
    undecided: list[Difference] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    requests_sent: int = 0
    budget: int = 0

    @property
    def verdict(self) -> str:
        """One sentence: what makes the difference, or why that is not known."""
        if self.culprits:
            names = ", ".join(_title(d) for d in self.culprits)
            more = f" ({len(self.undecided)} more not settled within the budget)" \
                if self.undecided else ""
            return f"What makes the difference: {names}{more}."
        if not self.differences:
            return "The requests do not differ: the cause lies outside the request."
        if self.undecided:
            return (f"Not settled within {self.requests_sent} request(s): "
                    f"{len(self.undecided)} difference(s) still suspect.")
        return f"{len(self.differences)} difference(s); none was shown to matter from here."

    def is_culprit(self, d: Difference) -> bool:
        return any(c.key == d.key for c in self.culprits)

    def to_dict(self) -> dict[str, Any]:
        def row(d: Difference) -> dict[str, Any]:
            return {"kind": d.kind, "name": d.name, "good": d.good, "bad": d.bad,
                    "culprit": self.is_culprit(d)}
        return {"verdict": self.verdict, "differences": [row(d) for d in self.differences],
                "culprits": [row(d) for d in self.culprits],
                "undecided": [row(d) for d in self.undecided], "notes": list(self.notes),
                "requests_sent": self.requests_sent, "budget": self.budget,
                "exchanges": [e.to_dict() for e in self.exchanges]}

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        lines = [self.verdict, "", f"Differences ({len(self.differences)}; * = culprit):"]
        for d in self.differences:
            mark = "*" if self.is_culprit(d) else " "
            lines.append(f" {mark} {d.describe()}")
        if self.exchanges:
            lines += ["", f"Requests sent ({self.requests_sent} of a budget of {self.budget}):"]
            lines += [f"  {e.status or 'no answer':>9}  {e.label}" for e in self.exchanges]
        if self.notes:
            lines += ["", "Notes:"] + [f"  • {n}" for n in self.notes]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        out = [f"**{self.verdict}**", "", "| | kind | name | working request | yours |",
               "|---|---|---|---|---|"]
        for d in self.differences:
            mark = "**culprit**" if self.is_culprit(d) else ""
            out.append(f"| {mark} | {d.kind} | `{_md(d.name)}` | {_md(_cell(d.good))} | "
                       f"{_md(_cell(d.bad))} |")
        if self.exchanges:
            out += ["", f"Requests sent: {self.requests_sent} (budget {self.budget})", ""]
            out += [f"- {e.status or 'no answer'}: {_md(e.label)}" for e in self.exchanges]
        out += ["", *[f"> {_md(n)}" for n in self.notes]] if self.notes else []
        return "\n".join(out)

    def to_html(self) -> str:
        rows = []
        for d in self.differences:
            hit = self.is_culprit(d)
            style = ' style="background:#ffe8a3;font-weight:bold"' if hit else ""
            rows.append(f"<tr{style}><td>{'★' if hit else ''}</td><td>{_h(d.kind)}</td>"
                        f"<td><code>{_h(d.name)}</code></td><td>{_h(_cell(d.good))}</td>"
                        f"<td>{_h(_cell(d.bad))}</td></tr>")
        sent = "".join(f"<li>{_h(str(e.status or 'no answer'))}: {_h(e.label)}</li>"
                       for e in self.exchanges)
        notes = "".join(f"<li>{_h(n)}</li>" for n in self.notes)
        return (f"<div class='kit-comparison'><p><b>{_h(self.verdict)}</b></p>"
                "<table><thead><tr><th></th><th>kind</th><th>name</th><th>working request</th>"
                f"<th>yours</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
                f"<p>Requests sent: {self.requests_sent} (budget {self.budget})</p>"
                f"<ol>{sent}</ol>" + (f"<ul>{notes}</ul>" if notes else "") + "</div>")

    def _repr_html_(self) -> str:
        return self.to_html()

    def bundle(self, path: str | Path, *, egress: str | None = None) -> Path:
        """The redacted evidence bundle of the comparison's requests (see Diagnosis.bundle)."""
        from ._bundle import bundle

        return bundle(path, self.exchanges, verdict=self.verdict, details=self.to_markdown(),
                      egress=egress, notes=self.notes)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        return (f"<Comparison {len(self.differences)} difference(s), culprits: "
                f"{[d.name for d in self.culprits]}, {self.requests_sent} request(s)>")


def _title(d: Difference) -> str:
    return d.kind.replace("_", " ") if d.name == d.kind or d.kind.startswith("header_") \
        else f"{d.kind} {d.name}"


def _cell(value: str | None) -> str:
    if value is None:
        return "(absent)"
    return value if len(value) <= 120 else value[:117] + "…"


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _h(text: str) -> str:
    return html.escape(text, quote=True)
