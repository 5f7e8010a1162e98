"""The request form shared by the panels that probe one request, scenario pre-filling, and the
credential rows of the access matrix.

A sandbox scenario's request is split into what the form shows (URL, method, plain headers,
body, source address) and its credential, which goes into a SecretField's private memory:
a scenario's key never lands in a widget's value.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._http.secrets import mask

from ._base import STYLE, SecretField, wide
from ._split import split_request

if TYPE_CHECKING:
    from kit._causes import Cause
    from kit.sandbox import Sandbox, Scenario

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
OWN = "(your own request)"
FOLDED = {"headers": "headers", "body": "body", "local": "source address"}
"""What the folded 'More' part of a form holds, by ``show`` key."""
HEADER_KINDS = ("bearer", "api_key_header", "basic", "custom_header")
"""Ways a credential row of the access matrix can be sent (headers only)."""


def scenario_names(sandbox: Sandbox | None, causes: Iterable[Cause] | None = None) -> list[str]:
    """Names of the sandbox's scenarios, optionally only those of some causes."""
    if sandbox is None:
        return []
    wanted = set(causes) if causes is not None else None
    return [s.name for s in sandbox.scenarios if wanted is None or s.cause in wanted]


class ScenarioPicker:
    """A Dropdown of sandbox scenarios; choosing one calls ``on_pick`` with a fresh Scenario."""

    def __init__(self, sandbox: Sandbox | None, names: Sequence[str],
                 on_pick: Callable[[Scenario | None], None]) -> None:
        self.sandbox = sandbox
        self.on_pick = on_pick
        self.dropdown = w.Dropdown(options=[OWN, *names], value=OWN, description="Scenario",
                                   style=STYLE)
        self.about = w.HTML("")
        self.dropdown.observe(lambda change: self._picked(str(change["new"])), names="value")
        self.box = w.VBox([self.dropdown, self.about] if sandbox is not None and names else [])

    def _picked(self, name: str) -> None:
        if self.sandbox is None or name == OWN:
            self.about.value = ""
            self.on_pick(None)
            return
        scenario = self.sandbox.scenario(name)  # read now: its tokens are minted fresh
        self.about.value = (f"<i>{html.escape(scenario.description)}</i> "
                            f"(sandbox cause: {html.escape(scenario.cause.label)})")
        self.on_pick(scenario)

    def pick(self, name: str) -> None:
        """Choose ``name`` (again, if already chosen: tokens are re-minted)."""
        if self.dropdown.value == name:
            self._picked(name)
        else:
            self.dropdown.value = name


class RequestForm:
    """URL, method, credential, extra headers, body and source address of one request."""

    def __init__(self, sandbox: Sandbox | None = None, *, url: str = "",
                 causes: Iterable[Cause] | None = None, scenario: str | None = None,
                 show: Sequence[str] = ("method", "headers", "body", "local")) -> None:
        from kit._tools.forms import AUTH_KINDS

        self.secret = SecretField(env=False)
        self.url = w.Text(value=url, description="URL", style={"description_width": "initial"},
                          layout=w.Layout(flex="1 1 auto", width="auto"),
                          placeholder="https://api.example.com/v1/items (Enter diagnoses)")
        self.method = w.Dropdown(options=METHODS, value="GET", description="Method",
                                 style=STYLE, layout=w.Layout(width="16em"))
        self.auth = w.Dropdown(options=AUTH_KINDS, value="none", description="Auth", style=STYLE)
        self.name = w.Text(description="Header/param", style=STYLE,
                           placeholder="default: X-API-Key / api_key")
        self.headers = w.Textarea(description="Extra headers", layout=wide(), style=STYLE,
                                  placeholder="Name: value (one a line)")
        self.body = w.Textarea(description="Body", layout=wide(), style=STYLE)
        self.local_address = w.Text(description="From address", style=STYLE,
                                    placeholder="optional source address, e.g. 127.0.0.2")
        self._hidden: tuple[dict[str, str], dict[str, str]] = ({}, {})
        self._submit: list[Callable[[], object]] = []
        self.url.on_msg(self._on_msg)
        names = scenario_names(sandbox, causes)
        self.picker = ScenarioPicker(sandbox, names, self.fill)
        optional = {"headers": self.headers, "body": self.body, "local": self.local_address}
        self.line = w.HBox([*([self.method] if "method" in show else []), self.url],
                           layout=w.Layout(width="95%", align_items="center"))
        self.advanced = w.VBox([*(optional[k] for k in show if k in optional),
                                self.secret.env])
        self.more = w.Accordion(children=[self.advanced], selected_index=None)
        self.more.set_title(0, "More: " + ", ".join(
            [*(FOLDED[k] for k in show if k in FOLDED), "secret from an env var"]))
        self.box = w.VBox([self.picker.box, self.line, w.HBox([self.auth, self.name]),
                           self.secret.box, self.more])
        if sandbox is not None and names and not url:
            self.picker.pick(scenario if scenario in names else names[0])

    def attach(self, button: Any, *advanced: Any) -> None:
        """Put ``button`` at the end of the method-and-URL row (Enter in the URL presses it)
        and ``advanced`` widgets (a budget, a patience) in the folded part."""
        self.line.children = (*self.line.children, button)
        self.advanced.children = (*self.advanced.children, *advanced)
        self._submit.append(lambda: button.click())

    def unfold(self, widget: Any) -> Any:
        """Take ``widget`` out of the folded part (a panel that shows it itself) and say so in
        the fold's title; returns the widget."""
        self.advanced.children = tuple(x for x in self.advanced.children if x is not widget)
        name = {self.headers: "headers", self.body: "body",
                self.local_address: "source address"}.get(widget)
        if name:
            title = self.more.get_title(0).replace(f" {name},", "").replace(f", {name}", "")
            self.more.set_title(0, title)
        return widget

    def _on_msg(self, _widget: Any, content: dict[str, Any], _buffers: Any) -> None:
        """The front end sends {'event': 'submit'} when Enter is pressed in the URL field."""
        if content.get("event") == "submit":
            for submit in self._submit:
                submit()

    def fill(self, scenario: Scenario | None) -> None:
        """Put a scenario's request into the form (its credential into private memory).

        ``None`` ("your own request") empties the form: nothing of the last scenario (its
        URL, key, extra headers or User-Agent) may go to the user's own API.
        """
        self._hidden = ({}, {})
        if scenario is None:
            self.url.value, self.method.value = "", "GET"
            self.auth.value, self.name.value = "none", ""
            self.secret.env.value = ""
            self.secret.forget()
            self.headers.value = self.body.value = self.local_address.value = ""
            return
        split = split_request(scenario.url, scenario.headers, scenario.params)
        self.url.value, self.method.value = split.url, scenario.method
        self.auth.value, self.name.value = split.auth, split.name
        self.secret.env.value = ""
        self.secret.set(split.secret)
        self.headers.value = "\n".join(f"{k}: {v}" for k, v in split.headers)
        self.body.value = scenario.content.decode("utf-8", "replace") if scenario.content else ""
        self.local_address.value = scenario.local_address or ""
        self._hidden = (split.hidden_headers, split.hidden_params)
        if split.hidden_headers or split.hidden_params:
            kept = ", ".join(f"{k} {mask(v)}" for k, v in
                             {**split.hidden_headers, **split.hidden_params}.items())
            self.picker.about.value += f"<br>also sent, kept in memory: {html.escape(kept)}"

    def secrets(self) -> list[str]:
        """Every secret this form may send, for masking messages."""
        return [*self.secret.known(), *self._hidden[0].values(), *self._hidden[1].values()]

    def kwargs(self) -> dict[str, Any]:
        """``kit.diagnose`` keyword arguments from the form (ValueError naming a bad field)."""
        from kit._tools.forms import build_request

        kwargs = build_request(
            str(self.url.value).strip(), method=str(self.method.value),
            auth=str(self.auth.value), secret=self.secret.value(), name=str(self.name.value),
            extra_headers=str(self.headers.value), body=str(self.body.value))
        headers, params = self._hidden
        if headers:
            kwargs["headers"] = {**dict(kwargs.get("headers") or {}), **headers}
        if params:
            kwargs["params"] = {**dict(kwargs.get("params") or {}), **params}
        if local := str(self.local_address.value).strip():
            kwargs["local_address"] = local
        return kwargs


class CredentialRow:
    """One credential of the matrix: a label, how it is sent, and its secret (kept private)."""

    def __init__(self, label: str = "", kind: str = "bearer", name: str = "") -> None:
        self.label = w.Text(value=label, description="Label", style=STYLE,
                            placeholder="e.g. read-only key")
        self.kind = w.Dropdown(options=HEADER_KINDS, value=kind, description="Sent as",
                               style=STYLE)
        self.name = w.Text(value=name, description="Header", style=STYLE,
                           placeholder="X-API-Key (default)")
        self.secret = SecretField()
        self.box = w.VBox([w.HBox([self.label, self.kind, self.name]), self.secret.box])

    def headers(self, url: str) -> dict[str, str]:
        """The headers that carry this credential (ValueError naming what is missing)."""
        from kit._tools.forms import build_request

        kwargs = build_request(url, auth=str(self.kind.value), secret=self.secret.value(),
                               name=str(self.name.value))
        return dict(kwargs["headers"])
