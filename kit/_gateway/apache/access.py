"""The access phases of httpd 2.4 (server/request.c ap_process_request_internal).

``Satisfy All`` (the default): mod_access_compat's ``Order``/``Allow``/``Deny`` first (403),
then mod_authz_core without a user (granted: in; denied: 403; otherwise a user is
needed), then authentication (mod_auth_basic: 401 without valid credentials; no
``AuthType``: 500, "authentication not configured"), then authorization with the user
(denied: 401, or 403 with ``AuthzSendForbiddenOnFailure On``). ``Satisfy Any``: an
``Allow`` that admits the client lets the request in without authentication.
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from pathlib import Path

from ..._http.secrets import is_masked
from ..model import Step
from .authz import (
    DENIED,
    GRANTED,
    AuthzConf,
    Ctx,
    apply,
    ip_matches,
    layer_conf,
    merge,
    method_in,
)
from .passwd import read_groups, read_users, verify
from .syntax import Directive
from .walk import Layer, last


@dataclass(frozen=True)
class Refusal:
    status: int
    directive: Directive | None
    kind: str  # "compat", "authz", "auth_basic", "auth_config"
    reason: str


def authz_conf(layers: list[Layer]) -> AuthzConf:
    conf = AuthzConf()
    for group in walk_groups(layers):
        merged = AuthzConf()
        for layer in group:  # a walk merges its own sections first (request.c)...
            merged = merge(merged, layer_conf(layer.body))
        conf = merge(conf, merged)  # ...then merges the result onto what came before
    return conf


_WALK = {"server": 0, "directory": 1, "htaccess": 1, "files": 2, "location": 3, "if": 4}


def walk_groups(layers: list[Layer]) -> list[list[Layer]]:
    """The layers by the walk that found them: server, directory (with .htaccess), files,
    location, if. ap_directory_walk and its siblings merge their own sections together
    before merging the result onto the request's configuration."""
    groups: list[list[Layer]] = []
    last_walk = -1
    for layer in layers:
        walk = _WALK.get(layer.kind, 0)
        if walk != last_walk:
            groups.append([])
            last_walk = walk
        groups[-1].append(layer)
    return groups


_COMPAT = ("order", "allow", "deny", "satisfy")


def compat_layer(layers: list[Layer]) -> list[Layer]:
    """mod_access_compat has no merge function: the last section that holds any of Order,
    Allow, Deny or Satisfy replaces the whole inherited set (mod_access_compat.c, "dir
    merger --- default is to override"). That section alone, or none."""
    for layer in reversed(layers):
        for d in layer.body:
            if d.key in _COMPAT or (d.key in ("limit", "limitexcept") and d.block is not None
                                    and any(x.key in _COMPAT for x in d.block)):
                return [layer]
    return []


def _compat_rules(layers: list[Layer], name: str) -> list[tuple[Directive, tuple[bool,
                                                                                frozenset[str]]
                                                                          | None]]:
    found: list[tuple[Directive, tuple[bool, frozenset[str]] | None]] = []
    for layer in compat_layer(layers):
        for d in layer.body:
            if d.key == name:
                found.append((d, None))
            elif d.key in ("limit", "limitexcept") and d.block is not None:
                methods = (d.key == "limitexcept", frozenset(a.upper() for a in d.args))
                found += [(x, methods) for x in d.block if x.key == name]
    return found


def _compat_hit(d: Directive, ctx: Ctx) -> bool:
    addr = ctx.request.source_address
    for spec in d.args[1:]:
        low = spec.lower()
        if low == "all":
            return True
        if low.startswith("env="):
            name = spec[4:]
            if name.startswith("!"):
                if name[1:] not in ctx.env:
                    return True
            elif name in ctx.env:
                return True
        elif addr is not None and ip_matches(addr, spec):
            return True
        elif not any(ch.isdigit() for ch in spec.split(".")[-1]) and addr is not None:
            host = ctx.request.context.get("remote_host") or (
                "localhost" if addr.is_loopback else "")
            if host and (host == low or host.endswith("." + low.lstrip("."))):
                return True
    return False


def compat(layers: list[Layer], ctx: Ctx) -> tuple[bool, Refusal | None, bool]:
    """(configured?, refusal, allowed-by-an-Allow) from mod_access_compat."""
    order_d = last(compat_layer(layers), "order")
    order = order_d.args[0].lower().replace(" ", "") if order_d and order_d.args else \
        "deny,allow"
    allows = [d for d, m in _compat_rules(layers, "allow") if method_in(ctx.method, m)]
    denies = [d for d, m in _compat_rules(layers, "deny") if method_in(ctx.method, m)]
    configured = order_d is not None or bool(allows) or bool(denies)
    allow_hit = next((d for d in allows if _compat_hit(d, ctx)), None)
    deny_hit = next((d for d in denies if _compat_hit(d, ctx)), None)
    for d in (*allows, *denies):
        hit = d is allow_hit or d is deny_hit
        ctx.steps.append(Step(d.ref(), ("allow" if d.key == "allow" else "deny") if hit
                              else "skip", f"{d.text}: {'matches' if hit else 'no match'}"))
    if order == "allow,deny":
        ok = allow_hit is not None and deny_hit is None
    elif order == "deny,allow":
        ok = deny_hit is None or allow_hit is not None
    else:
        ok = allow_hit is not None and deny_hit is None
    if ok:
        return configured, None, allow_hit is not None or (configured and order == "deny,allow")
    decider = deny_hit or order_d or (allows[0] if allows else None)
    who = ctx.request.source_address or "the client"
    return configured, Refusal(403, decider, "compat",
                               f"{decider.text if decider else 'Order'} "
                               f"({decider.where if decider else ''}) refuses {who} "
                               f"(Order {order})"), False


def phases(layers: list[Layer], ctx: Ctx, root: Path | None) -> Refusal | None:
    """Run the access phases; None lets the request through."""
    satisfy_d = last(compat_layer(layers), "satisfy")
    any_mode = bool(satisfy_d and satisfy_d.args and satisfy_d.args[0].lower() == "any")
    _configured, refusal, _by_allow = compat(layers, ctx)
    if any_mode and refusal is None:
        if satisfy_d is not None:
            ctx.steps.append(Step(satisfy_d.ref(), "allow",
                                  "Satisfy Any: the address rules admit the client"))
        return None
    if refusal is not None and not any_mode:
        return refusal
    conf = authz_conf(layers)
    type_d = last(layers, "authtype")
    auth_type = type_d.args[0].lower() if type_d is not None and type_d.args and \
        type_d.args[0].lower() != "none" else None
    if conf.section is None:
        if auth_type is not None and type_d is not None:
            return Refusal(500, type_d, "auth_config", f"{type_d.text} ({type_d.where}) has no "
                           "Require to go with it: httpd answers 500")
        return None
    result = apply(conf.section, ctx)
    decider = ctx.decider.directive if ctx.decider is not None else None
    if result == GRANTED:
        return None
    if result == DENIED:
        return Refusal(403, decider, "authz", f"{_text(decider)} refuses the request "
                       "(client denied by server configuration)")
    if auth_type is None:
        return Refusal(500, decider, "auth_config", f"{_text(decider)} needs an authenticated "
                       "user, but no AuthType is configured: httpd answers 500")
    if auth_type != "basic":
        ctx.assumptions.append(f"AuthType {auth_type}: only Basic is checked offline")
    refused = _basic(layers, ctx, type_d, root)
    if refused is not None:
        return refused
    ctx.decider = None
    result = apply(conf.section, ctx)
    decider = ctx.decider.directive if ctx.decider is not None else None
    if result == GRANTED:
        return None
    forbid = last(layers, "authzsendforbiddenonfailure")
    status = 403 if forbid is not None and forbid.args and forbid.args[0].lower() == "on" \
        else 401
    return Refusal(status, decider, "authz_user", f"{_text(decider)} refuses user "
                   f"{ctx.user!r}: httpd answers {status}")


def _text(d: Directive | None) -> str:
    return f"{d.text} ({d.where})" if d is not None else "the Require rules"


def _basic(layers: list[Layer], ctx: Ctx, type_d: Directive | None,
           root: Path | None) -> Refusal | None:
    header = ctx.request.header("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return Refusal(401, type_d, "auth_basic", f"{_text(type_d)} asks for a password: the "
                       "request has no Authorization: Basic header")
    token = token.strip()
    if is_masked(token):
        ctx.assumptions.append("the Basic credentials are masked: taken as valid")
        ctx.user = "user"
        return None
    try:
        user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return Refusal(401, type_d, "auth_basic", "the Authorization header is not valid "
                       "base64 user:password")
    file_d = last(layers, "authuserfile")
    if file_d is None or not file_d.args:
        return Refusal(500, type_d, "auth_config", f"{_text(type_d)}: no AuthUserFile")
    path = Path(file_d.args[0])
    if not path.is_absolute() and root is not None:
        path = root / path
    users = read_users(path)
    if users is None and path.parent.is_dir():
        return Refusal(500, file_d, "auth_config", f"{file_d.text} ({file_d.where}): {path} "
                       "cannot be opened: httpd answers 500")
    if users is None:
        ctx.assumptions.append(f"AuthUserFile {path} is not readable here: the password is "
                               "taken as valid")
        ctx.user = user
        return None
    stored = users.get(user)
    if stored is None or not verify(password, stored):
        what = "is not in" if stored is None else "does not match its entry in"
        ctx.steps.append(Step(file_d.ref(), "deny", f"user {user!r} {what} the file"))
        return Refusal(401, file_d, "auth_basic", f"the user {user!r} {what} {path} "
                       f"({file_d.where})")
    ctx.steps.append(Step(file_d.ref(), "allow", f"user {user!r}: password matches"))
    ctx.user = user
    group_d = last(layers, "authgroupfile")
    if group_d is not None and group_d.args:
        gpath = Path(group_d.args[0])
        if not gpath.is_absolute() and root is not None:
            gpath = root / gpath
        ctx.groups = lambda: read_groups(gpath)
    return None
