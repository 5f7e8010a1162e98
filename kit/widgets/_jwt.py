"""JwtPanel: a token's claims and lifetime on a time line, next to the server's clock."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._causes import Cause

from ._base import STYLE, Feedback, Panel, SecretField, button, frame, image, png, table_html, wide
from ._request import ScenarioPicker
from ._split import split_request

if TYPE_CHECKING:
    from kit._http.tokens import JwtInfo
    from kit._tools.clock import ClockSkew
    from kit.sandbox import Sandbox, Scenario


@dataclass(frozen=True, slots=True)
class JwtReport:
    """The token's rows (never its signature), what the kit reads from it, the server clock."""

    claims: tuple[tuple[str, str], ...]
    info: JwtInfo
    skew: ClockSkew | None = None

    def __repr__(self) -> str:
        exp = f", exp {self.info.exp:%Y-%m-%dT%H:%M:%SZ}" if self.info.exp else ""
        offset = self.skew.offset if self.skew else None
        clock = f"; server clock {offset.total_seconds():+.0f} s" if offset is not None else ""
        return f"<JwtReport {len(self.claims)} rows{exp}{clock}>"

    def _repr_html_(self) -> str:
        return _html(self)


class JwtPanel(Panel):
    """Paste a JWT (kept in private memory): claims table, time line, server clock offset.

    ``run()`` returns a ``JwtReport``, or None after a red message (no token, not a JWT).
    """

    def __init__(self, sandbox: Sandbox | None = None, *, scenario: str | None = None) -> None:
        causes = (Cause.AUTHENTICATION, Cause.PERMISSIONS)
        names = [s.name for s in (sandbox.scenarios if sandbox else [])
                 if s.cause in causes and _bearer(s)]
        self.picker = ScenarioPicker(sandbox, names, self.fill)
        self.token = SecretField("JWT")
        self.url = w.Text(description="Server URL", layout=wide(), style=STYLE,
                          placeholder="optional: any URL of the API, to read its clock")
        self.button = button("Read token", icon="clock-o")
        self.feedback = Feedback(self._secrets)
        self.result = w.HTML("")
        self.timeline = image()
        self.report: JwtReport | None = None
        self.button.on_click(lambda _button: self.run())
        self.root = w.VBox([self.picker.box, self.token.box, self.url, self.button,
                            self.feedback.box, self.timeline, self.result])
        if names:
            self.picker.pick(scenario if scenario in names else "auth-clock-skew"
                             if "auth-clock-skew" in names else names[0])

    def _secrets(self) -> list[str]:
        return self.token.known()

    def fill(self, scenario: Scenario | None) -> None:
        """Take a scenario's bearer token (into private memory) and its URL."""
        if scenario is None:
            return
        split = split_request(scenario.url, scenario.headers, scenario.params)
        self.token.env.value = ""
        self.token.set(split.secret)
        self.url.value = split.url

    def _token(self) -> str:
        token = self.token.value().strip().removeprefix("Bearer ").strip()
        if not token:
            raise ValueError("no token set: paste it into the JWT box (then Enter), or name "
                             "an environment variable")
        return token

    def run(self) -> JwtReport | None:
        """Read the token and the server's clock (what the button does)."""
        from kit._http.tokens import inspect_jwt
        from kit._tools.clock import clock_skew, jwt_claims

        self.feedback.clear()
        self.result.value, self.timeline.value, self.report = "", b"", None
        now = dt.datetime.now(dt.UTC)
        token = self.feedback.attempt(self._token, what="No token", todo="")
        if token is None:
            return None
        rows = self.feedback.attempt(lambda: jwt_claims(token, now=now),
                                     what="Cannot read the token",
                                     todo="paste the whole token: three parts separated by dots")
        if rows is None:
            return None
        skew = None
        if url := str(self.url.value).strip():
            with self.feedback.busy("Reading the server's clock… (1 request)", self.button):
                skew = self.feedback.attempt(lambda: clock_skew(url), what="Could not read "
                                             "the server's clock", todo="check the URL")
        report = JwtReport(tuple(rows), inspect_jwt(token), skew)
        self.report = report
        self.result.value = frame(_html(report))
        self.timeline.value = self.feedback.attempt(lambda: png(_timeline(report, now)),
                                                    what="Could not draw the time line",
                                                    todo="the table is complete without it"
                                                    ) or b""
        return report


def _bearer(scenario: Scenario) -> bool:
    """True when the scenario sends a bearer JWT."""
    return scenario.headers.get("Authorization", "").startswith("Bearer eyJ")


def _timeline(report: JwtReport, now: dt.datetime) -> object:
    from kit.plots import jwt_timeline

    offset = report.skew.offset if report.skew is not None else None
    return jwt_timeline(report.info, now=now,
                        server_now=now + offset if offset is not None else None)


def _html(report: JwtReport) -> str:
    """Claims table, the kit's reading of the token, and the clock comparison."""
    e = html.escape
    parts = ["<b>Header and claims</b> (not verified)", table_html(("claim", "value"),
                                                                    report.claims)]
    if report.info.error:
        parts.append(f"<p>{e(report.info.error)}</p>")
    if report.skew is not None:
        parts += ["<b>Server clock</b>", f"<p>{e(report.skew.message)}.</p>"]
    return "\n".join(parts)
