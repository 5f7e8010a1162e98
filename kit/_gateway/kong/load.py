"""Kong declarative configuration (``kong config db_export`` / decK) read into entities.

Services, routes, consumers (with their key-auth/basic-auth credentials and ACL groups) and
plugins, nested or top level, with every foreign reference (``service: billing``,
``consumer: {username: alice}``) resolved by name or id. Wrong types and dangling references
raise ``ConfigError`` naming the file, line and JSON path. Credential values never reach a
message: they are collected in ``Entities.secrets`` so every output can be masked.

Entity shapes: https://docs.konghq.com/gateway/latest/reference/db-less-and-declarative-config/
and kong/db/schema/entities/{services,routes,consumers}.lua in github.com/Kong/kong.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from ..document import Document, PathKey, json_path
from ..model import ConfigError
from .entities import FORMATS, HTTP_METHODS, Consumer, Entities, Plugin, Route, Service


class _Reader:
    def __init__(self, doc: Document) -> None:
        self.doc = doc

    def fail(self, keys: Sequence[str | int], message: str, hint: str) -> ConfigError:
        return ConfigError(message, source=self.doc.source, line=self.doc.line_of(keys),
                           path=json_path(keys), hint=hint)

    def items(self, keys: PathKey) -> list[tuple[PathKey, dict[str, Any]]]:
        value = self.doc.get(keys)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail(keys, f"{keys[-1]} must be a list, not {type(value).__name__}",
                            f"write {keys[-1]} as a YAML list of entries (- name: ...)")
        out = []
        for index, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail((*keys, index), f"each entry of {keys[-1]} must be a mapping",
                                "write each entry as key: value pairs")
            out.append(((*keys, index), item))
        return out

    def text(self, keys: PathKey, item: dict[str, Any], name: str, default: str = "") -> str:
        value = item.get(name, default)
        if value is None:
            return default
        if not isinstance(value, str | int) or isinstance(value, bool):
            raise self.fail((*keys, name), f"{name} must be text, not {type(value).__name__}",
                            f"write {name} as a single quoted string")
        return str(value)

    def strings(self, keys: PathKey, item: dict[str, Any], name: str) -> tuple[str, ...]:
        value = item.get(name)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail((*keys, name), f"{name} must be a list of strings",
                            f'write {name}: ["..."], even for one value')
        return tuple(value)

    def number(self, keys: PathKey, item: dict[str, Any], name: str, default: int) -> int:
        value = item.get(name, default)
        if value is None:
            return default
        if not isinstance(value, int) or isinstance(value, bool):
            raise self.fail((*keys, name), f"{name} must be an integer",
                            f"write {name} as a number like {default}")
        return value

    def flag(self, keys: PathKey, item: dict[str, Any], name: str, default: bool) -> bool:
        value = item.get(name, default)
        if not isinstance(value, bool):
            raise self.fail((*keys, name), f"{name} must be true or false",
                            f"write {name}: {str(default).lower()}")
        return value


def _label(item: dict[str, Any], fields: tuple[str, ...], fallback: str) -> str:
    return next((str(item[f]) for f in fields if isinstance(item.get(f), str | int)), fallback)


def _ref_name(value: Any) -> str | None:
    """A foreign key as written: ``billing`` or ``{name: billing}`` / ``{id: ...}``."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        for key in ("name", "id", "username", "custom_id"):
            if isinstance(value.get(key), str):
                return str(value[key])
    return None


def read_entities(doc: Document) -> Entities:
    """Every entity of a declarative file, references resolved; ConfigError when malformed."""
    r = _Reader(doc)
    if not isinstance(doc.data, dict):
        raise r.fail((), "a Kong declarative file is a mapping at the top",
                     "start the file with _format_version: \"3.0\"")
    version = str(doc.data.get("_format_version", "3.0"))
    if version not in FORMATS:
        raise r.fail(("_format_version",), f"unknown _format_version {version!r}",
                     "use \"1.1\", \"2.1\" or \"3.0\" as kong config db_export writes it")
    services: list[Service] = []
    raw_routes: list[tuple[PathKey, dict[str, Any], Service | None]] = []
    raw_plugins: list[tuple[PathKey, dict[str, Any], dict[str, str]]] = []
    for keys, item in r.items(("services",)):
        url = r.text(keys, item, "url")
        svc = Service(_label(item, ("name", "id"), f"#{keys[-1]}"), keys,
                      frozenset(str(item[f]) for f in ("name", "id") if item.get(f)),
                      r.flag(keys, item, "enabled", True),
                      urlsplit(url).path if url else r.text(keys, item, "path"))
        services.append(svc)
        raw_routes += [(k, i, svc) for k, i in r.items((*keys, "routes"))]
        raw_plugins += [(k, i, {"service": svc.label}) for k, i in r.items((*keys, "plugins"))]
    raw_routes += [(k, i, None) for k, i in r.items(("routes",))]

    def find(kind: str, pool: Sequence[Any], value: Any, keys: PathKey) -> Any:
        name = _ref_name(value)
        found = next((e for e in pool if name in e.names), None)
        if found is None:
            raise r.fail(keys, f"{kind} {name or value!r} is not defined in this file",
                         f"define the {kind} or correct the reference (names and ids match "
                         f"exactly)")
        return found

    routes: list[Route] = []
    notes: list[str] = []
    for order, (keys, item, parent) in enumerate(raw_routes):
        if item.get("expression") is not None:
            notes.append(f"route at {doc.source}:{doc.line_of(keys)} is an expressions-router "
                         "route (router_flavor = expressions), not modelled by this audit")
            continue
        if parent is None and item.get("service") is not None:
            parent = find("service", services, item["service"], (*keys, "service"))
        routes.append(_route(r, keys, item, parent, order))
        raw_plugins += [(k, i, {"route": routes[-1].label})
                        for k, i in r.items((*keys, "plugins"))]
    consumers, secrets = _consumers(r, find)
    for keys, cons in zip([k for k, _ in r.items(("consumers",))], consumers, strict=True):
        raw_plugins += [(k, i, {"consumer": cons.label}) for k, i in r.items((*keys, "plugins"))]
    raw_plugins += [(k, i, {}) for k, i in r.items(("plugins",))]
    plugins = []
    pools: tuple[tuple[str, list[Any]], ...] = (
        ("service", services), ("route", routes), ("consumer", consumers))
    by_label = {kind: {e.label: e for e in reversed(pool)}  # nested plugins name their owner
                for kind, pool in pools}
    for keys, item, owner in raw_plugins:
        name = r.text(keys, item, "name")
        if not name:
            raise r.fail(keys, "a plugin without a name", "add name: key-auth (or the plugin)")
        config = item.get("config") or {}
        if not isinstance(config, dict):
            raise r.fail((*keys, "config"), "config must be a mapping", "write config: {...}")
        refs: dict[str, Any] = {}
        for kind, pool in (("service", services), ("route", routes), ("consumer", consumers)):
            if kind in owner:
                refs[kind] = by_label[kind].get(owner[kind]) or next(
                    e for e in pool if e.label == owner[kind])
            elif item.get(kind) is not None:
                refs[kind] = find(kind, pool, item[kind], (*keys, kind))
        plugins.append(Plugin(name, keys, r.flag(keys, item, "enabled", True), config,
                              refs.get("service"), refs.get("route"), refs.get("consumer")))
    return Entities(version, tuple(services), tuple(routes), tuple(consumers), tuple(plugins),
                    frozenset(secrets), tuple(notes))


def _route(r: _Reader, keys: PathKey, item: dict[str, Any], svc: Service | None,
           order: int) -> Route:
    methods = tuple(m.upper() for m in r.strings(keys, item, "methods"))
    for index, method in enumerate(methods):
        if method not in HTTP_METHODS and not method.isalpha():
            raise r.fail((*keys, "methods", index), f"{method!r} is not an HTTP method",
                         "use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS")
    headers_raw = item.get("headers") or {}
    if not isinstance(headers_raw, dict):
        raise r.fail((*keys, "headers"), "headers must map header names to lists of values",
                     'write headers: {x-version: ["2"]}')
    headers = tuple((str(name).lower(), r.strings((*keys, "headers"), headers_raw, name))
                    for name, _ in headers_raw.items())
    paths = r.strings(keys, item, "paths")
    for index, path in enumerate(paths):
        if not path.startswith(("/", "~")):
            raise r.fail((*keys, "paths", index), f"path {path!r} must start with / (or ~ for "
                         "a regex)", 'write paths: ["/admin"]')
    protocols = r.strings(keys, item, "protocols") or ("http", "https")
    route = Route(
        label=_label(item, ("name", "id"), f"#{order}"), keys=keys, order=order, service=svc,
        protocols=protocols, methods=methods, hosts=tuple(h.lower() for h in
                                                          r.strings(keys, item, "hosts")),
        headers=headers, paths=paths, regex_priority=r.number(keys, item, "regex_priority", 0),
        strip_path=r.flag(keys, item, "strip_path", True),
        https_redirect_status_code=r.number(keys, item, "https_redirect_status_code", 426),
        names=frozenset(str(item[f]) for f in ("name", "id") if item.get(f)))
    if not (methods or route.hosts or headers or paths) and any(
            p in ("http", "https") for p in protocols):
        raise r.fail(keys, f"route {route.label} sets none of methods, hosts, headers, paths",
                     "Kong's schema requires at least one of them for an http(s) route")
    return route


def _consumers(r: _Reader, find: Any) -> tuple[list[Consumer], set[str]]:
    secrets: set[str] = set()
    built: list[dict[str, Any]] = []
    for keys, item in r.items(("consumers",)):
        label = _label(item, ("username", "custom_id", "id"), f"#{keys[-1]}")
        names = frozenset(str(item[f]) for f in ("username", "custom_id", "id") if item.get(f))
        built.append({"label": label, "keys": keys, "names": names, "creds": [], "basic": [],
                      "groups": []})
        for ck, cred in r.items((*keys, "keyauth_credentials")):
            built[-1]["creds"].append((_key(r, ck, cred, secrets), ck))
        for ck, cred in r.items((*keys, "basicauth_credentials")):
            built[-1]["basic"].append(r.text(ck, cred, "username"))
            secrets.add(r.text(ck, cred, "password"))
        for ck, acl in r.items((*keys, "acls")):
            built[-1]["groups"].append((_group(r, ck, acl), ck))
    stand_in = [Consumer(b["label"], b["keys"], b["names"]) for b in built]
    for section, slot in (("keyauth_credentials", "creds"), ("acls", "groups"),
                          ("basicauth_credentials", "basic")):
        for ck, entry in r.items((section,)):
            if entry.get("consumer") is None:
                raise r.fail(ck, f"a {section} entry without consumer",
                             "add consumer: <username> to say whose it is")
            owner = find("consumer", stand_in, entry["consumer"], (*ck, "consumer"))
            index = stand_in.index(owner)
            if slot == "creds":
                built[index]["creds"].append((_key(r, ck, entry, secrets), ck))
            elif slot == "groups":
                built[index]["groups"].append((_group(r, ck, entry), ck))
            else:
                built[index]["basic"].append(r.text(ck, entry, "username"))
                secrets.add(r.text(ck, entry, "password"))
    consumers = [Consumer(b["label"], b["keys"], b["names"], tuple(b["creds"]),
                          tuple(b["basic"]), tuple(b["groups"])) for b in built]
    secrets.discard("")
    return consumers, secrets


def _key(r: _Reader, keys: PathKey, cred: dict[str, Any], secrets: set[str]) -> str:
    value = cred.get("key")
    if not isinstance(value, str) or not value:
        # never echo the value: it is a credential
        raise r.fail((*keys, "key"), "a keyauth_credentials entry needs key: as text",
                     "write key: \"<the API key>\" (quoted)")
    secrets.add(value)
    return value


def _group(r: _Reader, keys: PathKey, acl: dict[str, Any]) -> str:
    group = r.text(keys, acl, "group")
    if not group:
        raise r.fail(keys, "an acls entry needs group:", "write group: <name>")
    return group
