"""Kong plugins: their priorities, which instance applies, and what each verdict looks like.

Kong runs the plugins of a request in PRIORITY order (higher first) and, for each plugin
name, one configuration picked by precedence (kong/runloop/plugins_iterator.lua,
``lookup_cfg``): route+service+consumer > route+consumer > service+consumer > route+service
> consumer > route > service > global. A disabled instance (``enabled: false``) is not loaded
at all, so it does not hide a less specific one. Consumer-scoped instances apply once an
authentication plugin (which runs earlier) has identified the consumer.
"""

from __future__ import annotations

import ipaddress
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..._causes import Cause
from ..document import Document, json_path
from ..model import ConfigError, Effect, Limit
from .entities import Consumer, Entities, Plugin, Route

# handler.lua PRIORITY of each plugin, github.com/Kong/kong tags 3.9.3 (same since 3.0.0) and
# 2.8.0 (1.x and 2.x files): kong/plugins/<name>/handler.lua. Auth plugins moved up in 3.0.
PRIORITIES: Mapping[str, Mapping[str, int]] = {
    "3": {"bot-detection": 2500, "cors": 2000, "jwt": 1450, "oauth2": 1400, "key-auth": 1250,
          "ldap-auth": 1200, "basic-auth": 1100, "hmac-auth": 1030, "ip-restriction": 990,
          "acl": 950, "rate-limiting": 910, "request-size-limiting": 951,
          "request-termination": 2, "request-transformer": 801, "response-transformer": 800,
          "correlation-id": 100001, "prometheus": 13, "file-log": 9, "http-log": 12},
    "2": {"bot-detection": 2500, "cors": 2000, "jwt": 1005, "oauth2": 1004, "key-auth": 1003,
          "ldap-auth": 1002, "basic-auth": 1001, "hmac-auth": 1000, "ip-restriction": 990,
          "acl": 950, "rate-limiting": 901, "request-size-limiting": 951,
          "request-termination": 2, "request-transformer": 801, "response-transformer": 800,
          "correlation-id": 1, "prometheus": 13, "file-log": 9, "http-log": 12},
}

# The 403 cause each deciding plugin stands for (the shared brief's mapping).
CAUSES: Mapping[str, Cause] = {
    "ip-restriction": Cause.IP_ALLOWLIST, "key-auth": Cause.API_KEY, "acl": Cause.PERMISSIONS,
    "rate-limiting": Cause.RATE_LIMIT, "request-termination": Cause.CONFIGURATION,
    "basic-auth": Cause.AUTHENTICATION, "jwt": Cause.AUTHENTICATION,
    "oauth2": Cause.AUTHENTICATION, "hmac-auth": Cause.AUTHENTICATION,
    "ldap-auth": Cause.AUTHENTICATION, "bot-detection": Cause.SECURITY_POLICY,
}

# Plugins that never refuse a request in the access phase (logging, transformations).
HARMLESS = frozenset({"cors", "request-transformer", "response-transformer", "correlation-id",
                      "prometheus", "file-log", "http-log", "tcp-log", "udp-log", "syslog",
                      "statsd", "datadog", "zipkin", "opentelemetry", "proxy-cache",
                      "response-ratelimiting", "post-function", "pre-function"})

# Precedence of (route, service, consumer) scopes, most specific first (plugins_iterator.lua).
PRECEDENCE = ((True, True, True), (True, False, True), (False, True, True),
              (True, True, False), (False, False, True), (True, False, False),
              (False, True, False), (False, False, False))


@dataclass(frozen=True)
class Env:
    """What every plugin evaluator may read."""

    doc: Document
    entities: Entities
    route: Route

    @property
    def major(self) -> str:
        return "3" if self.entities.version == "3.0" else "2"

    def where(self, plugin: Plugin, *sub: str | int) -> str:
        """``the ip-restriction plugin on route admin (kong.yml:31)``."""
        line = self.doc.line_of((*plugin.keys, *sub))
        return f"the {plugin.name} plugin on {plugin.scope} ({self.doc.source}:{line})"

    def consumer(self, name: str | None) -> Consumer | None:
        return next((c for c in self.entities.consumers if name in c.names), None) \
            if name else None


@dataclass(frozen=True)
class State:
    """What the plugins before this one established."""

    consumer: Consumer | None = None
    credential: bool = False  # an authentication plugin accepted a credential


@dataclass(frozen=True)
class Outcome:
    effect: Effect
    says: str
    status: int = 200
    message: str = ""
    fix: str = ""
    state: State | None = None  # the new state, when the plugin identified someone
    assumptions: tuple[str, ...] = ()
    limits: tuple[Limit, ...] = field(default=())
    focus: tuple[str | int, ...] = ()  # the config key that decides, below the plugin


def priority(name: str, major: str) -> int:
    return PRIORITIES[major].get(name, 0)


def select(plugins: tuple[Plugin, ...], name: str, route: Route,
           consumer: Consumer | None) -> tuple[Plugin | None, list[Plugin]]:
    """The instance of ``name`` Kong applies, and the enabled instances it outranks."""
    applicable = [p for p in plugins if p.name == name and p.enabled
                  and (p.route is None or p.route == route)
                  and (p.service is None or p.service == route.service)
                  and (p.consumer is None or p.consumer == consumer)]

    def rank(p: Plugin) -> int:
        return PRECEDENCE.index((p.route is not None, p.service is not None,
                                 p.consumer is not None))

    applicable.sort(key=rank)
    return (applicable[0] if applicable else None), applicable[1:]


def check_plugin(plugin: Plugin, doc: Document) -> None:
    """Malformed settings of the plugins this kit models raise ConfigError (file, line)."""
    cfg = plugin.config

    def fail(key: str, message: str, hint: str) -> ConfigError:
        keys = (*plugin.keys, "config", key)
        return ConfigError(f"{plugin.name}: {message}", source=doc.source,
                           line=doc.line_of(keys), path=json_path(keys), hint=hint)

    def strings(key: str) -> list[str]:
        value = cfg.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise fail(key, f"config.{key} must be a list of strings",
                       f'write {key}: ["..."], even for one value')
        return list(value)

    if plugin.name == "ip-restriction":
        for key in ("allow", "deny", "whitelist", "blacklist"):
            for entry in strings(key):
                try:
                    ipaddress.ip_network(entry, strict=False)
                except ValueError:
                    raise fail(key, f"{entry!r} is not an IP address or CIDR range",
                               "write addresses like 203.0.113.9 or 10.0.0.0/8") from None
        if not any(cfg.get(k) for k in ("allow", "deny", "whitelist", "blacklist")):
            raise fail("allow", "needs config.allow or config.deny",
                       "Kong's schema requires at least one of them")
    elif plugin.name in ("acl", "bot-detection"):
        for key in ("allow", "deny", "whitelist", "blacklist"):
            strings(key)
    elif plugin.name in ("key-auth", "jwt"):
        for key in ("key_names", "uri_param_names", "cookie_names", "header_names"):
            strings(key)
    elif plugin.name == "rate-limiting":
        periods = [k for k in PERIODS if cfg.get(k) is not None]
        for key in periods:
            value = cfg[key]
            if not isinstance(value, numbers.Real) or isinstance(value, bool) or value <= 0:
                raise fail(key, f"config.{key} must be a number above 0",
                           f"write {key}: 100")
        if not periods:
            raise fail("minute", "sets none of second, minute, hour, day, month, year",
                       "Kong's schema requires at least one limit")
    if plugin.name in ("ip-restriction", "rate-limiting"):
        for key in ("status", "error_code"):
            value = cfg.get(key)
            if value is not None and (not isinstance(value, int) or isinstance(value, bool)
                                      or not 100 <= value <= 599):
                raise fail(key, f"config.{key} must be an HTTP status 100-599",
                           f"write {key}: 403")
    if plugin.name == "request-termination":
        code = cfg.get("status_code", 503)
        if not isinstance(code, int) or isinstance(code, bool) or not 100 <= code <= 599:
            raise fail("status_code", "config.status_code must be an integer 100-599",
                       "write status_code: 403")


# kong/plugins/rate-limiting/schema.lua ORDERED_PERIODS; month/year as 30/365 days here.
PERIODS: Mapping[str, int] = {"second": 1, "minute": 60, "hour": 3600, "day": 86400,
                              "month": 30 * 86400, "year": 365 * 86400}


def config_value(cfg: Mapping[str, Any], *names: str) -> Any:
    """The first of ``names`` that is set (newer name first, then the 1.x name)."""
    return next((cfg[n] for n in names if cfg.get(n) not in (None, [])), None)
