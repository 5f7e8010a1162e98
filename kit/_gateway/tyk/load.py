"""Reading Tyk Classic files: API definitions, policies and key sessions, checked and located.

Field names follow Tyk's own structs (github.com/TykTechnologies/tyk: apidef/api_definitions.go
``APIDefinition``). Each value keeps its Document and JSON path so a verdict can point at the
line. ``read_documents`` tells each file's role and hands policies and sessions to
_tyk_keyfiles.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from ..document import Document, PathKey, json_path
from ..model import ConfigError
from .keyfiles import (
    POLICY_MARKS,
    SESSION_MARKS,
    Policy,
    Session,
    read_policies,
    read_sessions,
)
from .where import NUMBER, Where, check_regex


@dataclass(frozen=True)
class Api:
    """One API definition (Tyk Classic)."""

    where: Where
    api_id: str
    name: str
    listen_path: str
    domain: str
    active: bool
    internal: bool


def looks_like_tyk(data: object) -> str | None:
    """"api", "policies" or "session" when ``data`` looks like that Tyk file, else None."""
    if isinstance(data, dict):
        if isinstance(data.get("apis"), list) and data["apis"] and all(
                _is_api(a) for a in data["apis"]):
            return "api"
        if _is_api(data):
            return "api"
        if "access_rights" in data or "apply_policies" in data:
            return "session" if SESSION_MARKS & data.keys() else "policies"
        values = list(data.values())
        if values and all(isinstance(v, dict) for v in values):
            if all(SESSION_MARKS & v.keys() for v in values):
                return "session"
            if all("access_rights" in v or POLICY_MARKS & v.keys() for v in values):
                # keys of a mapping without any policy field are taken as (secret) API keys
                return "policies" if any(POLICY_MARKS & v.keys() for v in values) else "session"
        return None
    if isinstance(data, list) and data and all(isinstance(v, dict) for v in data):
        if all(_is_api(v) for v in data):
            return "api"
        if all("access_rights" in v for v in data):
            return "policies"
    return None


def _odd_entry(data: object) -> PathKey | None:
    """In a mapping or list of objects (policies, sessions, APIs), the first entry that is not
    an object: what to point at when one entry spoils an otherwise recognisable file."""
    items: list[tuple[str | int, object]] = (
        list(data.items()) if isinstance(data, dict) else
        list(enumerate(data)) if isinstance(data, list) else [])
    def known(value: object) -> bool:
        return isinstance(value, dict) and (_is_api(value) or "access_rights" in value or bool(
            (POLICY_MARKS | SESSION_MARKS) & value.keys()))

    if not any(known(v) for _, v in items):
        return None
    return next(((k,) for k, v in items if not known(v)), None)


def _is_api(value: object) -> bool:
    return isinstance(value, dict) and isinstance(value.get("proxy"), dict) and (
        "api_id" in value or "version_data" in value or "listen_path" in value["proxy"])


def read_documents(documents: Sequence[Document]) -> tuple[
        list[Api], list[Policy], list[Session]]:
    """Classify each document and read its APIs, policies or sessions."""
    apis: list[Api] = []
    policies: list[Policy] = []
    sessions: list[Session] = []
    for doc in documents:
        role = looks_like_tyk(doc.data)
        if role == "api":
            items = doc.data["apis"] if isinstance(doc.data, dict) and "apis" in doc.data \
                else doc.data
            prefix: PathKey = ("apis",) if isinstance(doc.data, dict) and "apis" in doc.data \
                else ()
            if isinstance(items, dict):
                apis.append(_api(Where(doc, ())))
            else:
                apis.extend(_api(Where(doc, (*prefix, i))) for i in range(len(items)))
        elif role == "policies":
            policies.extend(read_policies(doc))
        elif role == "session":
            sessions.extend(read_sessions(doc))
        else:
            if isinstance(doc.data, dict) and ("api_id" in doc.data or "version_data" in doc.data):
                raise ConfigError("this API definition has no proxy object with a listen_path",
                                  source=doc.source, line=doc.line_of(("proxy",)),
                                  path=json_path(("proxy",)),
                                  hint='add "proxy": {"listen_path": "/items/", "target_url": '
                                       '"http://upstream/"}')
            odd = _odd_entry(doc.data)
            raise ConfigError(
                "not a Tyk API definition, policy file or key session"
                + (" (this entry is not like the others)" if odd else ""),
                source=doc.source, line=doc.line_of(odd) if odd else None,
                path=json_path(odd) if odd else None,
                hint="give Tyk Classic JSON: an API definition (with proxy.listen_path), "
                     "policies (objects with access_rights) or sessions (with apply_policies "
                     "or access_rights)")
    if not apis:
        raise ConfigError("no Tyk API definition among the files",
                          source=", ".join(d.source for d in documents) or "<none>",
                          hint="add the API definition JSON (the one with proxy.listen_path)")
    return apis, policies, sessions


def _api(where: Where) -> Api:
    api_id = where.get("api_id", str, "")
    if not api_id:
        raise where.error(("api_id",), "the API definition has no api_id",
                          "every Tyk API definition needs an api_id; policies refer to it")
    proxy = where.child("proxy")
    listen = proxy.get("listen_path", str, "")
    if not listen.startswith("/"):
        raise proxy.error(("listen_path",), f"listen_path {listen!r} does not start with /",
                          'write the path the API listens on, like "/items/"')
    for key in ("use_keyless", "use_standard_auth", "enable_ip_whitelisting",
                "enable_ip_blacklisting", "strip_listen_path", "disable_rate_limit",
                "disable_quota", "ip_access_control_disabled", "active", "internal"):
        (proxy if key == "strip_listen_path" else where).get(key, bool, False)
    for key in ("allowed_ips", "blacklisted_ips"):
        for i, entry in enumerate(where.get(key, list, [])):
            if not isinstance(entry, str) or not _is_ip_or_cidr(entry):
                raise where.error((key, i), f"{entry!r} in {key} is not an IP address or CIDR",
                                  'write entries like "203.0.113.9" or "10.0.0.0/8"')
    _check_versions(where)
    for name in ("rate", "per"):
        where.child("global_rate_limit").get(name, NUMBER, 0)
    return Api(where, api_id, where.get("name", str, ""), listen, where.get("domain", str, ""),
               where.get("active", bool, True), where.get("internal", bool, False))


def _is_ip_or_cidr(text: str) -> bool:
    try:
        if "/" in text:
            ipaddress.ip_network(text.strip(), strict=False)
        else:
            ipaddress.ip_address(text.strip())
    except ValueError:
        return False
    return True


def _check_versions(where: Where) -> None:
    data = where.child("version_data")
    data.get("not_versioned", bool, False)
    data.get("default_version", str, "")
    versions = data.get("versions", dict, {})
    for name in versions:
        version = data.child("versions", name).object('{"name": "v1"}')
        version.get("use_extended_paths", bool, False)
        for kind in ("white_list", "black_list", "ignored"):
            for i, entry in enumerate(version.child("paths").get(kind, list, [])):
                if not isinstance(entry, str):
                    raise version.error(("paths", kind, i), f"{kind} entries must be text",
                                        'write old-style paths as strings like "/users"')
                check_regex(version.child("paths", kind), i, entry)
            ext = version.child("extended_paths")
            for i, _ in enumerate(ext.get(kind, list, [])):
                entry_at = ext.child(kind, i).object('{"path": "^/users", "method": "GET"}')
                for method in entry_at.get("method_actions", dict, {}):
                    entry_at.child("method_actions", method).object('{"action": "no_action"}')
                check_regex(entry_at, "path", entry_at.get("path", str, ""))
                entry_at.get("method", str, "")
                entry_at.get("ignore_case", bool, False)
                entry_at.get("method_actions", dict, {})
    where.child("definition").get("location", str, "")
    location = where.child("definition").get("location", str, "")
    if location not in ("", "header", "url-param", "url"):
        raise where.error(("definition", "location"), f"unknown version location {location!r}",
                          'use "header", "url-param" or "url"')


