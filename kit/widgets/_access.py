"""AccessMatrixPanel: which credential may call which endpoint, and which scope is missing."""

from __future__ import annotations

import html
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from ._base import STYLE, Feedback, Panel, button, frame, image, png, table_html, wide
from ._request import CredentialRow
from ._split import split_request

if TYPE_CHECKING:
    from kit._tools.access import AccessMatrix, ScopeDiff
    from kit.sandbox import Sandbox

DEMO = "permissions-insufficient-scope"


@dataclass(frozen=True, slots=True)
class AccessReport:
    """The matrix, and the scope diff of the first JWT that was refused (when one was)."""

    matrix: AccessMatrix
    scopes: ScopeDiff | None = None
    scope_label: str | None = None
    scope_endpoint: str | None = None

    def __repr__(self) -> str:
        m, d = self.matrix, self.scopes
        scopes = f"; {self.scope_label} lacks {', '.join(d.missing) or 'nothing'}" if d else ""
        return (f"<AccessReport {len(m.labels)} credentials x {len(m.endpoints)} endpoints, "
                f"{m.sent} sent{scopes}>")

    def _repr_html_(self) -> str:
        return _html(self)


class AccessMatrixPanel(Panel):
    """Endpoints x credentials, one safe request per cell: who may call what.

    ``run()`` returns an ``AccessReport`` (matrix, and the scopes a refused JWT lacks).
    """

    def __init__(self, sandbox: Sandbox | None = None, *, rows: int = 2) -> None:
        self.base = w.Text(description="Base URL", layout=wide(), style=STYLE,
                           placeholder="https://api.example.com/v1/ (for relative paths)")
        self.endpoints = w.Textarea(description="Endpoints", layout=wide("6em"), style=STYLE,
                                    placeholder="one URL or path a line: items, admin/reports")
        self.method = w.Dropdown(options=("GET", "HEAD", "OPTIONS"), value="GET",
                                 description="Method", style=STYLE)
        self.anonymous = w.Checkbox(value=True, description="also try without a credential")
        self.required = w.Text(description="Required scopes", style=STYLE,
                               placeholder="empty: read them from the server's refusal")
        self.budget = w.IntSlider(value=24, min=1, max=48, description="Budget", style=STYLE)
        self.rows: list[CredentialRow] = [CredentialRow() for _ in range(rows)]
        self.credential_box = w.VBox([r.box for r in self.rows])
        self.add_button = w.Button(description="Add credential", icon="plus")
        self.add_button.on_click(lambda _button: self.add_row())
        self.button = button("Probe matrix", icon="table")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.heatmap = image()
        self.report: AccessReport | None = None
        self.button.on_click(lambda _button: self.run())
        self.root = w.VBox([self.base, self.endpoints, self.method, self.credential_box,
                            self.add_button, self.anonymous, self.required, self.budget,
                            self.button, self.feedback.box, self.heatmap, self.result])
        if sandbox is not None:
            self._prefill(sandbox)

    def _prefill(self, sandbox: Sandbox) -> None:
        scenario = sandbox.scenario(DEMO)
        self.base.value = f"{sandbox.url}/s/{DEMO}/"
        self.endpoints.value = "items\nadmin/reports"
        while len(self.rows) < 2:
            self.add_row()
        for row, (label, headers) in zip(self.rows, (
                ("items:read", scenario.headers),
                ("reports:read", scenario.fixed_request()["headers"])), strict=False):
            split = split_request(scenario.url, headers, {})
            row.label.value, row.kind.value = label, split.auth
            row.secret.set(split.secret)

    def add_row(self) -> CredentialRow:
        """Add an empty credential row and return it."""
        row = CredentialRow()
        self.rows.append(row)
        self.credential_box.children = [r.box for r in self.rows]
        return row

    def _secrets(self) -> list[str]:
        return [s for row in self.rows for s in row.secret.known()]

    def _endpoints(self) -> list[str]:
        base = str(self.base.value).strip()
        out: list[str] = []
        for number, line in enumerate(str(self.endpoints.value).splitlines(), start=1):
            text = line.strip()
            if not text:
                continue
            if text.startswith(("http://", "https://")):
                out.append(text)
            elif not base:
                raise ValueError(f"line {number}: {text!r} is a path but the Base URL is empty")
            else:
                out.append(base.rstrip("/") + "/" + text.lstrip("/"))
        if not out:
            raise ValueError("no endpoints: write one URL or path a line")
        return out

    def _credentials(self, url: str) -> dict[str, dict[str, str]]:
        found: dict[str, dict[str, str]] = {"none": {}} if self.anonymous.value else {}
        for number, row in enumerate(self.rows, start=1):
            label = str(row.label.value).strip()
            if not label and not row.secret.known():
                continue
            if label in found or not label:
                raise ValueError(f"credential {number}: give it a label of its own")
            found[label] = row.headers(url)
        return found

    def _inputs(self) -> tuple[list[str], dict[str, dict[str, str]]]:
        endpoints = self._endpoints()
        return endpoints, self._credentials(endpoints[0])

    def run(self) -> AccessReport | None:
        """Probe every (credential, endpoint) pair (what the button does); None on error."""
        from kit._tools.access import access_matrix

        self.feedback.clear()
        self.result.value, self.heatmap.value, self.report = "", b"", None
        inputs = self.feedback.attempt(self._inputs, what="The form has a problem",
                                       todo="fix that field and press Probe matrix again")
        if inputs is None:
            return None
        endpoints, credentials = inputs
        budget = int(self.budget.value)
        with self.feedback.busy(f"Probing… (up to {budget} requests)", self.button):
            report = self.feedback.attempt(
                lambda: self._scopes(access_matrix(endpoints, credentials, budget=budget,
                                                   method=str(self.method.value)),
                                     endpoints, credentials, budget),
                what="Could not probe the matrix", todo="check the URLs and try again")
        if report is None:
            return None
        self.report = report
        self._render(report)
        return report

    def _scopes(self, matrix: AccessMatrix, endpoints: list[str],
                credentials: dict[str, dict[str, str]], budget: int) -> AccessReport:
        """Scope diff of the first JWT refused with 403 (one more request, within budget)."""
        from kit._http.probe import Probe, make_client, send
        from kit._http.tokens import inspect_jwt
        from kit._tools.access import required_scopes, scope_diff

        typed = tuple(str(self.required.value).split())
        for i, label in enumerate(matrix.labels):
            token = credentials[label].get("Authorization", "").removeprefix("Bearer ")
            info = inspect_jwt(token) if token.startswith("eyJ") else None
            refused = [j for j, cell in enumerate(matrix.cells[i]) if cell.verdict == "forbidden"]
            if info is None or info.error or not refused:
                continue
            j, required = refused[0], typed
            if not required and matrix.sent < budget:  # one request, still within the budget
                with make_client() as client:
                    probe = Probe("GET", endpoints[j], tuple(credentials[label].items()))
                    required = required_scopes(send(probe, client=client,
                                                    deadline=time.monotonic() + 10))
            if not required:
                break
            return AccessReport(matrix, scope_diff(info.scopes, required), label,
                                matrix.endpoints[j])
        return AccessReport(matrix)

    def _render(self, report: AccessReport) -> None:
        from kit.plots import access_heatmap

        self.result.value = frame(_html(report))
        self.heatmap.value = self.feedback.attempt(
            lambda: png(access_heatmap(report.matrix)), what="Could not draw the heatmap",
            todo="the table below is complete without it") or b""


def _html(report: AccessReport) -> str:
    """The matrix as a table, why probing stopped early, and the scope diff."""
    matrix = report.matrix
    rows = [(label, *cells) for label, cells in matrix.rows()]
    from kit._tools.access import short_labels

    heads = [label.replace("\n", "") for label in short_labels(matrix.endpoints, width=999)]
    parts = [table_html(("credential", *heads), rows)]
    if matrix.stopped:
        parts.append(f"<p>Stopped early: {html.escape(matrix.stopped)} "
                     f"({matrix.skipped} cells not probed).</p>")
    if report.scopes is not None:
        d = report.scopes
        verdict = ("holds every required scope" if d.sufficient else
                   f"is missing {', '.join(d.missing)}")
        parts.append(f"<p><b>Scopes</b>: {html.escape(str(report.scope_label))} on "
                     f"{html.escape(str(report.scope_endpoint))} {html.escape(verdict)}.</p>")
        parts.append(d._repr_html_())
    return "\n".join(parts)
