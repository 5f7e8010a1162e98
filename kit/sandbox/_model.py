"""Scenario: one reproducible 403 cause on a running sandbox, and how rows become scenarios.

The table (``_scenarios.ROWS``) holds templates such as ``{live_key}`` or ``{jwt_expired}``;
``build`` fills them with the running server's addresses and freshly minted tokens.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from kit._causes import Cause


@dataclass(frozen=True, slots=True)
class Fix:
    """How the fixed request differs: merged headers/params (None removes), replaced rest."""

    description: str
    headers: Mapping[str, str | None] = field(default_factory=dict)
    params: Mapping[str, str | None] = field(default_factory=dict)
    path: str | None = None
    url: str | None = None
    method: str | None = None
    content: bytes | None = None
    local_address: str | None = None


@dataclass(frozen=True, slots=True)
class Row:
    """One line of the scenario table, before the server's addresses and tokens are known."""

    name: str
    cause: Cause
    path: str
    description: str
    fix: Fix
    method: str = "GET"
    headers: Mapping[str, str] = field(default_factory=dict)
    params: Mapping[str, str] = field(default_factory=dict)
    content: bytes | None = None
    generic: bool = False
    listener: Literal["main", "perimeter"] = "main"
    local_address: str | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    """A request that the running sandbox refuses for one known cause, and its fix."""

    name: str
    cause: Cause
    url: str
    method: str
    headers: dict[str, str]
    params: dict[str, str]
    local_address: str | None
    description: str
    generic: bool
    """True when every refusal is the bare nginx page: no hint in body or headers."""
    content: bytes | None = None
    fix: str = ""
    """One line: what the fixed request changes."""
    fixed: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)
    """``kit.diagnose``-style kwargs of the fixed request (see ``fixed_request``)."""

    def request(self) -> dict[str, Any]:
        """Keyword arguments for ``kit.diagnose`` (None values left out)."""
        return _kwargs(self.url, self.method, self.headers, self.params, self.content,
                       self.local_address)

    def fixed_request(self) -> dict[str, Any]:
        """The same request with the fix applied: the sandbox answers it with 2xx."""
        return {k: (dict(v) if isinstance(v, dict) else v) for k, v in self.fixed.items()}


def _kwargs(url: str, method: str, headers: Mapping[str, str], params: Mapping[str, str],
            content: bytes | None, local_address: str | None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {"url": url, "method": method, "headers": dict(headers),
                              "params": dict(params), "content": content,
                              "local_address": local_address}
    return {k: v for k, v in kwargs.items() if v is not None}


def _fill(template: Mapping[str, str | None], values: Mapping[str, str]) -> dict[str, str | None]:
    return {k: None if v is None else v.format_map(values) for k, v in template.items()}


def _merge(base: dict[str, str], change: dict[str, str | None]) -> dict[str, str]:
    merged: dict[str, str | None] = {**base, **change}
    return {k: v for k, v in merged.items() if v is not None}


def base_url(row: Row, values: Mapping[str, str]) -> str:
    """Where the row's family lives: ``{base}/s/<name>/`` or the perimeter's root."""
    return values["perimeter"] + "/" if row.listener == "perimeter" else (
        f"{values['base']}/s/{row.name}/")


def build(row: Row, values: Mapping[str, str]) -> Scenario:
    """The row's Scenario with ``values`` (addresses, keys, tokens) filled in."""
    root = base_url(row, values)
    headers = _merge({}, _fill(row.headers, values))
    params = _merge({}, _fill(row.params, values))
    fix = row.fix
    fixed = _kwargs(
        fix.url.format_map(values) if fix.url else root + (fix.path if fix.path is not None
                                                           else row.path),
        fix.method or row.method,
        _merge(headers, _fill(fix.headers, values)),
        _merge(params, _fill(fix.params, values)),
        fix.content if fix.content is not None else row.content,
        fix.local_address or row.local_address,
    )
    return Scenario(
        name=row.name, cause=row.cause, url=root + row.path, method=row.method, headers=headers,
        params=params, local_address=row.local_address, description=row.description,
        generic=row.generic, content=row.content, fix=fix.description, fixed=fixed)
