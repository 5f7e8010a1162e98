"""The entities of a Kong declarative file, as the evaluator sees them (values resolved).

Entity shapes: kong/db/schema/entities/{services,routes,consumers,plugins}.lua in
github.com/Kong/kong. Credential values stay out of every repr.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..document import PathKey

FORMATS = ("1.1", "2.1", "3.0")
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS",
                          "TRACE", "CONNECT"})


@dataclass(frozen=True)
class Service:
    label: str  # name, else id, else "#<n>"
    keys: PathKey
    names: frozenset[str]  # the name and id, for references
    enabled: bool = True  # a disabled service's routes are left out of the router
    path: str = ""  # the upstream path prefix (from url or path)


@dataclass(frozen=True)
class Route:
    label: str
    keys: PathKey
    order: int  # declaration order (stands in for created_at)
    service: Service | None
    protocols: tuple[str, ...]
    methods: tuple[str, ...]
    hosts: tuple[str, ...]
    headers: tuple[tuple[str, tuple[str, ...]], ...]
    paths: tuple[str, ...]
    regex_priority: int
    strip_path: bool
    https_redirect_status_code: int
    names: frozenset[str]


@dataclass(frozen=True)
class Consumer:
    label: str  # username, else custom_id, else id
    keys: PathKey
    names: frozenset[str]
    key_credentials: tuple[tuple[str, PathKey], ...] = field(default=(), repr=False)
    basic_users: tuple[str, ...] = ()
    groups: tuple[tuple[str, PathKey], ...] = ()


@dataclass(frozen=True)
class Plugin:
    name: str
    keys: PathKey
    enabled: bool
    config: dict[str, Any] = field(repr=False)
    service: Service | None = None
    route: Route | None = None
    consumer: Consumer | None = None

    @property
    def scope(self) -> str:
        parts = [f"route {self.route.label}" if self.route else "",
                 f"service {self.service.label}" if self.service else "",
                 f"consumer {self.consumer.label}" if self.consumer else ""]
        return ", ".join(p for p in parts if p) or "global"


@dataclass(frozen=True)
class Entities:
    version: str
    services: tuple[Service, ...]
    routes: tuple[Route, ...]
    consumers: tuple[Consumer, ...]
    plugins: tuple[Plugin, ...]
    secrets: frozenset[str] = field(default=frozenset(), repr=False)
    notes: tuple[str, ...] = ()
