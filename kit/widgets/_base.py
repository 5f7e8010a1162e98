"""Shared bits of the panels: the red error box, progress, a secret field, tables and PNGs.

The panels are the UI boundary of the kit, so this is the one place that catches every
exception (``Feedback.attempt``): a failure becomes one short red line saying what went wrong
and what to do, with every secret the panel holds masked out of it.
"""

from __future__ import annotations

import contextlib
import html
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, TypeVar

import ipywidgets as w  # type: ignore[import-untyped]  # ipywidgets ships no type hints

from kit._http.secrets import mask, mask_text

T = TypeVar("T")
STYLE = {"description_width": "8em"}
"""One label width for every form row, so the fields line up."""
_RED = "color:#d93025;border-left:4px solid #d93025;padding:2px 8px;margin:4px 0"
"""A red that reads on light and dark backgrounds (about 4:1 on both)."""
FAINT = "rgba(127,127,127,0.35)"
"""Rules and table lines: translucent grey, visible on either theme."""


def frame(inner: str, accent: str = "#999999") -> str:
    """A panel's result in the verdict card's frame (an accent rule on the left, the theme's
    own text colour), so every panel's results share one layout."""
    if not inner:
        return ""
    return (f'<div class="forbidden-kit kit-result" style="border-left:4px solid {accent};'
            "padding:4px 12px;margin:6px 0;color:inherit;max-width:60em;"
            f'font-family:var(--jp-ui-font-family,system-ui,sans-serif)">{inner}</div>')


def wide(height: str | None = None) -> Any:
    """A fresh Layout for URL fields and text areas (a Layout is a widget: never shared)."""
    return w.Layout(width="95%", height=height)


def error_html(problem: str, todo: str) -> str:
    """A short red message: what was wrong, then what to do (both escaped)."""
    return (f'<div style="{_RED}"><b>{html.escape(problem)}</b>'
            f"{' — ' + html.escape(todo) if todo else ''}</div>")


def table_html(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A small bordered HTML table; every cell is escaped."""
    td = f'style="padding:2px 8px;border-bottom:1px solid {FAINT};text-align:left"'
    head = "".join(f"<th {td}>{html.escape(str(h))}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td {td}>{html.escape(str(c))}</td>" for c in row)
                   + "</tr>" for row in rows)
    return (f'<table style="border-collapse:collapse;color:inherit"><tr>{head}</tr>{body}'
            "</table>")


def png(axes: Any) -> bytes:
    """PNG bytes of a kit.plots Axes (or Figure), for an ``Image`` widget's value."""
    from kit.plots import to_png

    return to_png(axes)


def image() -> Any:
    """An empty PNG ``Image`` widget that fills its cell up to a readable width; hidden while
    it has no picture, so no broken-image placeholder shows before the first run."""
    picture = w.Image(format="png", value=b"", layout=w.Layout(max_width="760px",
                                                                display="none"))

    def show(change: dict[str, Any]) -> None:
        picture.layout.display = "" if change["new"] else "none"

    picture.observe(show, names="value")
    return picture


class Feedback:
    """A red error line and a progress label, shown above a panel's results."""

    def __init__(self, secrets: Callable[[], Iterable[str]] = tuple) -> None:
        self._secrets = secrets
        self.error = w.HTML("")
        self.progress = w.Label("")
        self.box = w.VBox([self.progress, self.error])

    def fail(self, problem: str, todo: str) -> None:
        """Show a red message; any secret the panel holds is masked out of it first."""
        secrets = [s for s in self._secrets() if s]
        self.error.value = error_html(mask_text(problem, secrets), mask_text(todo, secrets))

    def clear(self) -> None:
        """Remove the error message."""
        self.error.value = ""

    @contextlib.contextmanager
    def busy(self, text: str, *buttons: Any) -> Iterator[None]:
        """Show ``text`` and disable ``buttons`` while the block runs; clear both after."""
        self.progress.value = text
        for button in buttons:
            button.disabled = True
        try:
            yield
        finally:
            self.progress.value = ""
            for button in buttons:
                button.disabled = False

    def attempt(self, action: Callable[[], T], *, what: str, todo: str) -> T | None:
        """Run ``action``; on any exception show the red message and return None.

        A ValueError is the kit's word for bad input, so its message is shown with ``todo``;
        anything else is unexpected and says so.
        """
        try:
            return action()
        except ValueError as exc:
            self.fail(f"{what}: {exc}", todo)
        except Exception as exc:  # noqa: BLE001 - the UI boundary turns every failure into a message
            self.fail(f"{what}: {type(exc).__name__}: {exc}",
                      "this looks like a bug in forbidden-kit; please report it with the "
                      "Markdown report or the steps that led here")
        return None


class SecretField:
    """A Password box whose value moves into private memory, or an env-var name to read it from.

    The widget is cleared as soon as a value arrives (on Enter or when the box loses focus),
    so saved widget state and notebook files never hold the secret; a label shows its mask.
    """

    def __init__(self, description: str = "Secret", *, env: bool = True) -> None:
        self._secret = ""
        self.password = w.Password(description=description, continuous_update=False,
                                   placeholder="paste, then press Enter", style=STYLE)
        self.env = w.Text(description="or env var", continuous_update=False,
                          placeholder="name of an environment variable", style=STYLE)
        self.status = w.Label("no secret set")
        self.forget_button = w.Button(description="Forget", tooltip="forget the secret",
                                      layout=w.Layout(width="6em"))
        self.password.observe(self._take, names="value")
        self.env.observe(lambda _change: self._show(), names="value")
        self.forget_button.on_click(lambda _button: self.forget())
        rows = [w.HBox([self.password, self.forget_button, self.status])]
        self.box = w.VBox(rows + ([self.env] if env else []))

    def _take(self, change: dict[str, Any]) -> None:
        if change["new"]:
            self.set(str(change["new"]))
            self.password.value = ""

    def _show(self) -> None:
        name = str(self.env.value).strip()
        if name:
            self.status.value = f"secret: from ${name}"
        else:
            self.status.value = f"secret set: {mask(self._secret)}" if self._secret else (
                "no secret set")

    def set(self, secret: str) -> None:
        """Keep ``secret`` in private memory (never in a widget) and show its mask."""
        self._secret = secret
        self._show()

    def forget(self) -> None:
        """Drop the secret from memory."""
        self.set("")

    def known(self) -> list[str]:
        """Every value this field may send (typed, and the env var's), for masking messages."""
        name = str(self.env.value).strip()
        return [s for s in (self._secret, os.environ.get(name, "") if name else "") if s]

    def value(self) -> str:
        """The secret to send: the named env var when given (ValueError if unset), else the
        typed one, else ''."""
        name = str(self.env.value).strip()
        if name:
            from kit._tools.forms import secret_from_env

            return secret_from_env(name)
        return self._secret


class Panel:
    """What every panel shares: a root VBox shown in notebooks and a Feedback area.

    Composition, not inheritance from ``VBox``: ``root`` is built by each panel and the
    notebook display is delegated to it.
    """

    root: Any
    feedback: Feedback

    def _secrets(self) -> list[str]:
        """Every secret the panel holds (overridden by panels with secret fields)."""
        return []

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.root._repr_mimebundle_(**kwargs)


def button(description: str, icon: str = "search") -> Any:
    """A primary-coloured action button."""
    return w.Button(description=description, button_style="primary", icon=icon,
                    layout=w.Layout(width="auto", min_width="9em"))  # labels never cut off
