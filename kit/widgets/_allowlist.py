"""AllowlistPanel: which address do my requests come from, and does the allowlist admit it?"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._causes import Cause

from ._base import STYLE, Feedback, Panel, button, frame, wide
from ._request import RequestForm

if TYPE_CHECKING:
    from kit._diagnosis import Diagnosis
    from kit._tools.network import AllowCheck, Allowlist, Egress
    from kit.sandbox import Sandbox

PUBLIC_ECHO = "https://api64.ipify.org?format=json"
"""An IP echo service that answers over IPv6 when the caller has it (else IPv4)."""
FAMILY_NOTE = ("A machine with both IPv4 and IPv6 may reach an API over either: allowlist "
               "both addresses, or make sure the client uses the family the allowlist holds.")


@dataclass(frozen=True, slots=True)
class AllowlistReport:
    """The egress address seen, the parsed allowlist, the verdict, and the probe (if a URL)."""

    egress: Egress
    allowlist: Allowlist
    check: AllowCheck | None
    diagnosis: Diagnosis | None = None

    def __repr__(self) -> str:
        seen = f"{self.egress.address} (IPv{self.egress.family})" if self.egress.address else (
            "unknown")
        verdict = "" if self.check is None else (
            " admitted" if self.check.allowed else " not admitted")
        probe = f"; probe: {self.diagnosis.cause or 'no cause'}" if self.diagnosis else ""
        return f"<AllowlistReport egress {seen}{verdict}{probe}>"

    def _repr_html_(self) -> str:
        return _html(self)


class AllowlistPanel(Panel):
    """Egress address (IPv4/IPv6), a CIDR allowlist check, and a probe from a chosen address.

    ``run()`` returns an ``AllowlistReport``, or None after a red message.
    """

    def __init__(self, sandbox: Sandbox | None = None, *, scenario: str | None = None) -> None:
        self.form = RequestForm(sandbox, causes=[Cause.IP_ALLOWLIST],
                                scenario=scenario or "ip-allowlist-generic",
                                show=("headers", "local"))
        self.echo = w.Text(value=f"{sandbox.url}/ip" if sandbox else PUBLIC_ECHO,
                           description="IP echo URL", layout=wide(), style=STYLE)
        self.allowlist = w.Textarea(
            value="127.0.0.2/32  # the sandbox perimeter admits only this\n" if sandbox else "",
            description="Allowlist", layout=wide("6em"), style=STYLE,
            placeholder="CIDRs or addresses, one or more a line; # starts a comment")
        self.budget = w.IntSlider(value=8, min=1, max=16, description="Budget", style=STYLE)
        self.button = button("Check address")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.report: AllowlistReport | None = None
        self.button.on_click(lambda _button: self.run())
        self.form.attach(self.button, self.budget)
        self.root = w.VBox([self.form.box, self.form.unfold(self.form.local_address), self.echo,
                            self.allowlist,
                            self.feedback.box, self.result])

    def _secrets(self) -> list[str]:
        return self.form.secrets()

    def _egress(self) -> Egress:
        from kit._http.probe import make_client
        from kit._tools.network import egress_address

        local = str(self.form.local_address.value).strip() or None
        with make_client(local_address=local, timeout=10.0) as client:
            return egress_address(str(self.echo.value).strip(), client=client)

    def run(self) -> AllowlistReport | None:
        """Ask the echo URL, check the allowlist, probe the URL if given (the button's work)."""
        from kit._tools.network import parse_allowlist
        from kit._triage import diagnose

        self.feedback.clear()
        self.result.value, self.report = "", None
        kwargs: dict[str, Any] | None = None
        if str(self.form.url.value).strip():
            kwargs = self.feedback.attempt(self.form.kwargs, what="The request form has a "
                                           "problem", todo="fix that field and try again")
            if kwargs is None:
                return None
        budget = int(self.budget.value)
        with self.feedback.busy(f"Probing… (up to {budget + 1} requests)", self.button):
            egress = self.feedback.attempt(self._egress, what="Could not ask the echo URL",
                                           todo="check the IP echo URL and the From address")
            diagnosis = None
            if kwargs is not None:
                diagnosis = self.feedback.attempt(
                    lambda: diagnose(**kwargs, budget=budget), what="Could not probe the URL",
                    todo="check the URL and the From address")
        if egress is None or (kwargs is not None and diagnosis is None):
            return None
        allowlist = parse_allowlist(str(self.allowlist.value))
        check = allowlist.check(egress.address) if egress.address else None
        report = AllowlistReport(egress, allowlist, check, diagnosis)
        self.report = report
        self.result.value = frame(_html(report))
        return report


def _html(report: AllowlistReport) -> str:
    """Egress, allowlist problems with line numbers, the verdict and the diagnosis."""
    e = html.escape
    egress, allowlist, check = report.egress, report.allowlist, report.check
    if egress.address:
        seen = (f"<p>The IP echo saw your requests come from <b>{e(egress.address)}</b> "
                f"(IPv{egress.family}): the address a server on the echo's side of your "
                "network sees.</p>")
    else:
        seen = f"<p>Your egress address is unknown: {e(egress.error or 'no answer')}.</p>"
    parts = ["<b>Egress address</b>", seen, f"<p>{e(FAMILY_NOTE)}</p>", "<b>Allowlist</b>"]
    problems = [f"line {p.line}: {p.text!r} — {p.reason}" for p in allowlist.errors]
    problems += [f"line {p.line}: {p.text!r} — note: {p.reason}" for p in allowlist.warnings]
    if problems:
        parts.append('<ul style="color:#d93025">' + "".join(f"<li>{e(x)}</li>" for x in problems)
                     + "</ul>")
    count = len(allowlist.entries)
    families = "/".join(f"IPv{f}" for f in sorted(allowlist.families))
    parts.append(f"<p>{count} usable {'entry' if count == 1 else 'entries'}"
                 + (f" ({families})" if families else "") + ".</p>")
    if check is not None:
        verdict = "admits" if check.allowed else "does not admit"
        parts.append(f"<p>Your allowlist <b>{verdict}</b> {e(str(egress.address))}: "
                     f"{e(check.note)}.</p>")
        refused = report.diagnosis is not None and report.diagnosis.status in (401, 403)
        if check.allowed and refused:
            parts.append(f"<p><b>The two lists differ:</b> your list admits "
                         f"{e(str(egress.address))}, but the server refused a request from it. "
                         "The list the server enforces is not the one you have here (or the "
                         "server sees another address: a proxy, NAT or the other IP family)."
                         "</p>")
    if report.diagnosis is not None:
        parts += ["<b>Probe from the chosen address</b>", report.diagnosis.to_html()]
    return "\n".join(parts)
