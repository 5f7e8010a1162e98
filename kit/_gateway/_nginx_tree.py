"""The nginx configuration as the evaluator reads it: servers, locations, maps, geo, zones.

Built (and checked) by ``_nginx_parse``; read by ``_nginx_locate``/``_nginx_vars``/
``_nginx_eval``. Every piece keeps the ``Directive`` it came from, for file:line.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field

from ._nginx_syntax import Directive

Level = tuple[Directive, ...]  # one block's directives: http, server, location, if, limit_except


@dataclass(frozen=True)
class Location:
    """``location [modifier] pattern { ... }`` with its nested locations."""

    directive: Directive
    modifier: str  # "", "=", "^~", "~", "~*", "@"
    pattern: str
    regex: re.Pattern[str] | None
    body: Level
    nested: tuple[Location, ...] = ()

    @property
    def label(self) -> str:
        mod = f"{self.modifier} " if self.modifier and self.modifier != "@" else ""
        return f"location {mod}{self.pattern}"

    def has(self, name: str) -> Directive | None:
        return next((d for d in self.body if d.name == name), None)


@dataclass(frozen=True)
class Listen:
    port: int
    default: bool
    directive: Directive | None
    last: int = 0  # the last port of a range (listen 8000-8010), else 0

    def serves(self, port: int) -> bool:
        return self.port == port or self.port <= port <= self.last


@dataclass(frozen=True)
class Server:
    """``server { ... }``: names, listen ports and top-level locations."""

    directive: Directive | None  # None for an implicit server (a file of bare locations)
    names: tuple[str, ...]
    listens: tuple[Listen, ...]
    body: Level
    locations: tuple[Location, ...]

    @property
    def where(self) -> str:
        return self.directive.where if self.directive else "(implicit server)"


@dataclass(frozen=True)
class MapDef:
    """``map $source $target { ... }``: exact keys, masks (hostnames), regexes, default."""

    directive: Directive
    source: str
    target: str
    exact: dict[str, tuple[str, Directive]]
    masks: tuple[tuple[str, str, Directive], ...]  # (mask, value, line) for hostnames
    regexes: tuple[tuple[re.Pattern[str], str, Directive], ...]
    default: tuple[str, Directive | None]
    hostnames: bool


Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class GeoDef:
    """``geo [$source] $target { ... }``: CIDR entries (longest prefix wins) or ranges (the
    later one wins over its span; a ``delete`` range has the value None)."""

    directive: Directive
    source: str  # "$remote_addr" unless given
    target: str
    networks: tuple[tuple[Network, str, Directive], ...]
    ranges: tuple[tuple[Address, Address, str | None, Directive], ...]
    default: tuple[str, Directive | None]
    proxies: tuple[Network, ...] = ()  # ``proxy``: trusted addresses, X-Forwarded-For read
    proxy_recursive: bool = False


@dataclass(frozen=True)
class Zone:
    """``limit_req_zone key zone=name:size rate=Nr/s``."""

    directive: Directive
    name: str
    key: str
    per_second: float
    rate_text: str


@dataclass(frozen=True)
class Model:
    """The whole configuration."""

    http: Level
    servers: tuple[Server, ...]
    maps: dict[str, MapDef] = field(default_factory=dict)  # by target variable name
    geos: dict[str, GeoDef] = field(default_factory=dict)
    zones: dict[str, Zone] = field(default_factory=dict)
    secrets: frozenset[str] = frozenset()  # credentials written in the config (map keys)
    notes: tuple[str, ...] = ()  # what the parser could not read (includes of a text config)
