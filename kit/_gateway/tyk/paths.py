"""Tyk's VersionCheck: which version a request asks for, its expiry and its path lists.

Follows gateway/mw_version_check.go and gateway/api_definition.go (``Version``, ``RequestValid``,
``URLAllowedAndIgnored``), gateway/model_urlspec.go ``matchesPath`` and
internal/httputil/mux.go ``PreparePathRegexp`` (Tyk Classic paths are unanchored regexes).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..._causes import Cause
from ..model import AuditRequest, RuleRef
from .load import Api
from .route import strip_listen
from .trace import Answer, Trace, Verdict, deny
from .where import Where, plain, tyk_regex


@dataclass(frozen=True)
class Routed:
    """What VersionCheck leaves for the rest of the chain."""

    version: str  # the version name used ("" for a non-versioned API's only version)
    asked: str  # the version the request asked for ("" when none)
    ignored: RuleRef | None  # an ignored entry matched: Tyk skips auth, key and quota checks


def check_version(api: Api, request: AuditRequest, trace: Trace) -> Routed | Verdict:
    """VersionCheck: the version, its expiry, then its white/black/ignored lists."""
    data = api.where.child("version_data")
    versions: dict[str, Any] = plain(data.doc.get(data.at)).get("versions") or {}
    location = plain(api.where.doc.get((*api.where.at, "definition")))
    asked = ""
    if location.get("enabled"):
        trace.assume("definition.enabled (versions as separate API definitions) is not "
                     "followed: the request is audited against this definition")
    if plain(data.doc.get(data.at)).get("not_versioned"):
        defaults = [n for n in versions if n in ("Default", "default", "")]
        if len(defaults) > 1:
            return deny("ambiguous", data.ref("versions"), "version_data has more than one of "
                        "Default/default/\"\" and not_versioned is true",
                        f"keep one default version in {data.ref('versions').path}")
        name = next(iter(versions)) if len(versions) == 1 else (defaults[0] if defaults else None)
        if name is None:
            return deny("no_default", data.ref("versions"), "a non-versioned API needs one "
                        "version, or one named Default", f"rename a version to \"Default\" at "
                        f"{data.ref('versions').path}")
        version = name
    else:
        asked = _asked_version(api, location, request)
        key = str(location.get("key", ""))
        where_sent = _where_sent(location)
        default = str(plain(data.doc.get(data.at)).get("default_version") or "")
        if not asked and not default:
            return deny("version_missing", api.where.ref("definition"),
                        f"the request carries no version ({where_sent} {key!r}) and "
                        "version_data.default_version is empty",
                        f"send the version in {where_sent} {key!r} (one of "
                        f"{', '.join(versions) or 'none defined'}) or set "
                        f"{data.ref('default_version').path}")
        version = asked or default
        if version not in versions:
            if location.get("fallback_to_default") and default in versions:
                version = default
            else:
                return deny("version_unknown", data.ref("versions"),
                            f"version {version!r} is not in version_data.versions",
                            f"send one of {', '.join(versions) or '(none)'} in {where_sent} "
                            f"{key!r}, or add {version!r} to {data.ref('versions').path}")
    vwhere = data.child("versions", version)
    trace.add(vwhere.ref(), "pass", f"version {version or '(unnamed)'} "
                                    f"{'asked for' if asked else 'used by default'}")
    expired = _expiry(api, vwhere, request, bool(plain(data.doc.get(data.at))
                                                  .get("not_versioned")))
    if expired:
        return expired
    return _path_lists(api, vwhere, request, trace, Routed(version, asked, None))


def _where_sent(location: Mapping[str, Any]) -> str:
    return {"header": "the header", "url-param": "the query parameter",
            "url": "the first path segment"}.get(str(location.get("location", "")),
                                                  "the header")


def _asked_version(api: Api, location: Mapping[str, Any], request: AuditRequest) -> str:
    """api_definition.go getVersionFromRequest."""
    key = str(location.get("key", ""))
    kind = location.get("location", "")
    if kind == "header":
        return request.header(key) or ""
    if kind == "url-param":
        return request.param(key) or ""
    if kind == "url":
        return next((p for p in strip_listen(api, request.decoded_path).split("/") if p), "")
    return ""


def _expiry(api: Api, vwhere: Where, request: AuditRequest, not_versioned: bool
            ) -> Verdict | None:
    where, key, answer = (api.where, "expiration", "api_expired") if not_versioned else (
        vwhere, "expires", "version_expired")
    text = where.get(key, str, "")
    if text in ("", "-1"):
        return None
    try:
        when = dt.datetime.strptime(text, "%Y-%m-%d %H:%M").replace(tzinfo=dt.UTC)
    except ValueError:  # Tyk: "Could not parse expiration date, disallow"
        when = None
    if when is not None and request.now < when:
        return None
    return deny(answer, where.ref(key), f"{key} {text!r} is "
                + ("not a date Tyk can read (YYYY-MM-DD HH:MM)" if when is None else "past"),
                f'set {where.ref(key).path} to a later date ("YYYY-MM-DD HH:MM") or "-1"')


@dataclass(frozen=True)
class _Entry:
    kind: str  # white_list, black_list, ignored
    where: Where
    pattern: str
    method: str
    actions: dict[str, Any] | None  # method_actions, when written (Tyk's deprecated branch)
    ignore_case: bool


def _entries(vwhere: Where) -> tuple[list[_Entry], bool]:
    version = plain(vwhere.doc.get(vwhere.at))
    out: list[_Entry] = []
    extended = bool(version.get("use_extended_paths"))
    block = "extended_paths" if extended else "paths"
    for kind in ("ignored", "black_list", "white_list"):  # api_definition.go order
        for i, item in enumerate(plain(version.get(block)).get(kind) or []):
            where = vwhere.child(block, kind, i)
            if not extended:
                out.append(_Entry(kind, where, str(item), "", None, False))
            elif not item.get("disabled"):
                actions = item.get("method_actions")
                out.append(_Entry(kind, where, str(item.get("path", "")),
                                  str(item.get("method") or ""),
                                  actions if isinstance(actions, dict) else None,
                                  bool(item.get("ignore_case") or
                                       version.get("ignore_endpoint_case"))))
    return out, any(e.kind == "white_list" for e in out)


def _path_lists(api: Api, vwhere: Where, request: AuditRequest, trace: Trace,
                routed: Routed) -> Routed | Verdict:
    entries, white = _entries(vwhere)
    full = request.decoded_path
    clean = strip_listen(api, full)
    candidates = {clean, full}
    location = plain(api.where.doc.get((*api.where.at, "definition")))
    if location.get("strip_versioning_data") or location.get("strip_path"):
        first = clean.strip("/").split("/")[0]  # api_definition.go StripVersionPath
        candidates.add(clean.replace(f"/{first}/", "/", 1))
    method = request.method
    near: _Entry | None = None
    for entry in entries:
        regex = tyk_regex(entry.pattern, entry.ignore_case)
        if regex is None or not any(regex.search(c) for c in candidates):
            continue
        rule = entry.where.ref()
        if entry.actions is not None:
            meta = entry.actions.get(method)
            if not isinstance(meta, dict):
                near = near or (entry if entry.kind == "white_list" else None)
                trace.add(rule, "skip", f"{entry.kind} {entry.pattern} matches the path but its "
                          f"method_actions has no {method}")
                continue
            if meta.get("action", "no_action") == "reply":
                code = int(meta.get("code") or 200)
                trace.add(rule, "note", f"{entry.kind} {entry.pattern} replies {code} itself")
                return Verdict(Answer(code, "mock reply", Cause.CONFIGURATION), rule,
                               f"{entry.kind} entry {entry.pattern} ({rule}) answers {method} "
                               f"with its own {code} reply (method_actions action \"reply\")",
                               "", code < 400)
            if meta.get("action", "no_action") != "no_action":
                return deny("endpoint", rule, f"method_actions {method} has an unknown action",
                            f'set the action to "no_action" at {rule.path}')
        elif entry.method and entry.method != method:
            near = near or (entry if entry.kind == "white_list" else None)
            trace.add(rule, "skip", f"{entry.kind} {entry.pattern} is for {entry.method} only")
            continue
        if entry.kind == "black_list":
            return deny("endpoint", rule, f"black_list entry {entry.pattern} ({rule}) matches "
                        f"{method} {full}", _unblock_fix(entry, method, rule.path or ""))
        if entry.kind == "ignored":
            trace.add(rule, "pass", f"ignored entry {entry.pattern} matches {method} {full}")
            return Routed(routed.version, routed.asked, rule)
        trace.add(rule, "allow", f"white_list entry {entry.pattern} lets {method} through")
        return routed
    if white:
        where = vwhere.child("extended_paths" if _extended(vwhere) else "paths", "white_list")
        rule = where.ref()
        if near is not None:
            fix = (f"add {method} to the method_actions of the white_list entry for "
                   f"{near.pattern} at {near.where.ref().path}" if near.actions is not None
                   else f"add an entry {json.dumps({'path': near.pattern, 'method': method})} "
                   f"to {rule.path}")
        else:
            fix = f"add an entry for {strip_listen(api, full)} with {method} to {rule.path}"
        return deny("endpoint", rule, f"the white_list of version {routed.version} has no "
                    f"entry for {method} "
                    f"{strip_listen(api, full)}: with a white list, anything not listed is "
                    "forbidden", fix)
    trace.add(vwhere.ref(), "pass", "no white/black/ignored entry matches the path")
    return routed


def _extended(vwhere: Where) -> bool:
    return bool(plain(vwhere.doc.get(vwhere.at)).get("use_extended_paths"))


def _unblock_fix(entry: _Entry, method: str, path: str) -> str:
    if entry.actions is not None and len(entry.actions) > 1:
        return f"remove {method} from the method_actions of the black_list entry " \
               f"{entry.pattern} at {path}"
    return f"remove the black_list entry {entry.pattern} at {path} (or narrow its regex so " \
           f"it no longer matches)"
