"""Kong's authentication plugins and acl, as their handlers decide (github.com/Kong/kong).

key-auth: kong/plugins/key-auth/handler.lua; acl: kong/plugins/acl/handler.lua;
basic-auth: kong/plugins/basic-auth/access.lua; jwt: kong/plugins/jwt/handler.lua.
An offline audit can tell whether a credential is present and, for key-auth, whether the key
is one the file lists; signatures and passwords are assumptions.
"""

from __future__ import annotations

import base64
import binascii

from ..._http.secrets import is_masked, same_secret
from ..model import AuditRequest
from .entities import Plugin
from .plugins import Env, Outcome, State, config_value

# key-auth handler.lua: ERR_NO_API_KEY and ERR_INVALID_AUTH_CRED (401 since 1.x). The invalid
# key message is "Unauthorized" from 3.6 on, "Invalid authentication credentials" before.
NO_KEY = (401, "No API key found in request")
BAD_KEY = {"3": (401, "Unauthorized"), "2": (401, "Invalid authentication credentials")}
# basic-auth/jwt/hmac-auth/oauth2 answer 401 "Unauthorized" without a credential.
UNAUTHORIZED = (401, "Unauthorized")
# acl handler.lua: 403 refusal; no consumer: 401 (2.x+), 403 in 1.x.
ACL_DENIED = (403, "You cannot consume this service")


def key_auth(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    cfg = plugin.config
    if cfg.get("run_on_preflight") is False and request.method == "OPTIONS":
        return Outcome("skip", "key-auth lets OPTIONS preflights through (run_on_preflight)")
    names = cfg.get("key_names") or ["apikey"]
    in_header = cfg.get("key_in_header", True) is not False
    in_query = cfg.get("key_in_query", True) is not False
    found: tuple[str, str] | None = None
    for name in names:
        if in_header and len(request.header_values(name)) > 1:
            return Outcome("deny", f"key-auth finds header {name} more than once", 401,
                           "Duplicate API key found", fix=f"send header {name} once")
        value = request.header(name) if in_header else None
        where = f"header {name}"
        if value is None and in_query:
            value, where = request.param(name), f"query parameter {name}"
        if value is not None:
            found = (value, where)
            break
    anonymous = env.consumer(cfg.get("anonymous"))
    notes: tuple[str, ...] = ()
    if found is None and cfg.get("key_in_body"):
        notes = (f"key-auth also reads the body ({', '.join(names)}); the audit has no body",)
    line = env.doc.line_of((*plugin.keys, "config", "key_names"))
    if found is None:
        if anonymous is not None:
            return Outcome("pass", f"no key: key-auth sets the anonymous consumer "
                           f"{anonymous.label}", state=State(anonymous, False),
                           assumptions=notes)
        where = f"header {names[0]}" if in_header else f"query parameter {names[0]}"
        return Outcome("deny", f"key-auth finds no key in {', '.join(names)}", *NO_KEY,
                       fix=f"send the key in {where} (key-auth key_names at "
                           f"{env.doc.source}:{line})", assumptions=notes,
                       focus=("config", "key_names"))
    sent, where = found
    owners = [(c, same_secret(sent, k)) for c in env.entities.consumers
              for k, _ in c.key_credentials]
    exact = [c for c, same in owners if same]
    maybe = [c for c, same in owners if same is None]
    named = env.consumer(request.identity)
    if exact:
        hidden = "; hide_credentials strips it before the upstream" \
            if cfg.get("hide_credentials") else ""
        return Outcome("pass", f"the key in {where} belongs to consumer {exact[0].label}"
                       + hidden, state=State(exact[0], True))
    if maybe:
        pick = named if named in maybe else (maybe[0] if len(set(maybe)) == 1 else None)
        who = pick.label if pick else "one of " + ", ".join(sorted({c.label for c in maybe}))
        return Outcome("pass", f"the masked key in {where} may be consumer {who}'s",
                       state=State(pick, True),
                       assumptions=(f"the key sent is masked without a fingerprint; taken as "
                                    f"consumer {who}'s key",))
    if is_masked(sent) and named is not None:
        return Outcome("pass", f"the masked key in {where} matches no listed key; taken as "
                       f"consumer {named.label}'s (identity)", state=State(named, True),
                       assumptions=(f"the masked key could not be resolved; identity "
                                    f"{named.label} was used as its consumer",))
    if anonymous is not None:
        return Outcome("pass", f"the key in {where} is unknown: key-auth sets the anonymous "
                       f"consumer {anonymous.label}", state=State(anonymous, False))
    extra = ("the key sent is masked and matches none of the keys in the file "
             "(it may exist in Kong's database)",) if is_masked(sent) else (
        "the file is taken as all of Kong's keys (DB-less); a database may hold keys added "
        "after the export",)
    owner = next((c for c in env.entities.consumers if c.key_credentials), None)
    fix = (f"send a key of consumer {owner.label} (keyauth_credentials at {env.doc.source}:"
           f"{env.doc.line_of(owner.key_credentials[0][1])}) in {where}" if owner else
           f"add the key to a consumer's keyauth_credentials in {env.doc.source}")
    status, message = BAD_KEY[env.major]
    return Outcome("deny", f"the key in {where} matches no consumer's keyauth_credentials",
                   status, message, fix=fix, assumptions=extra)


def basic_auth(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    header = request.header("authorization") or request.header("proxy-authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        return _missing(plugin, env, "an Authorization: Basic header")
    user = ""
    try:
        user = base64.b64decode(token.strip(), validate=True).decode("utf-8").partition(":")[0]
    except (binascii.Error, UnicodeDecodeError):
        user = ""
    owner = next((c for c in env.entities.consumers if user and user in c.basic_users), None)
    owner = owner or env.consumer(request.identity)
    who = f" (consumer {owner.label})" if owner else ""
    return Outcome("pass", f"basic-auth credentials present{who}", state=State(owner, True),
                   assumptions=("basic-auth: the password is taken as correct",))


def jwt(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    cfg = plugin.config
    token = any(request.param(n) for n in cfg.get("uri_param_names") or ["jwt"]) or any(
        request.cookie(n) for n in cfg.get("cookie_names") or []) or any(
        (request.header(n) or "").lower().startswith("bearer ")
        for n in cfg.get("header_names") or ["authorization"])
    if not token:
        return _missing(plugin, env, "a JWT in Authorization: Bearer")
    owner = env.consumer(request.identity)
    return Outcome("pass", "jwt token present", state=State(owner, True),
                   assumptions=("jwt: the token's signature, iss and exp are taken as valid",))


def other_auth(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    """oauth2, hmac-auth, ldap-auth: a credential present or not."""
    present = bool(request.header("authorization") or request.param("access_token"))
    if not present:
        return _missing(plugin, env, "an Authorization header")
    return Outcome("pass", f"{plugin.name} credential present", state=State(
        env.consumer(request.identity), True),
        assumptions=(f"{plugin.name}: the credential is taken as valid",))


def _missing(plugin: Plugin, env: Env, what: str) -> Outcome:
    anonymous = env.consumer(plugin.config.get("anonymous"))
    if anonymous is not None:
        return Outcome("pass", f"no credential: {plugin.name} sets the anonymous consumer "
                       f"{anonymous.label}", state=State(anonymous, False))
    return Outcome("deny", f"{plugin.name} finds no credential", *UNAUTHORIZED,
                   fix=f"send {what} ({env.where(plugin)})")


def acl(plugin: Plugin, request: AuditRequest, state: State, env: Env) -> Outcome:
    cfg = plugin.config
    deny = config_value(cfg, "deny", "blacklist")
    groups_key = ("deny" if cfg.get("deny") else "blacklist") if deny else (
        "allow" if cfg.get("allow") else "whitelist")
    listed = [str(g) for g in (deny or config_value(cfg, "allow", "whitelist") or [])]
    consumer = state.consumer
    if consumer is None:
        if state.credential:
            return Outcome("pass", "acl: the consumer behind the credential is unknown",
                           assumptions=("acl: the consumer's groups are unknown offline; "
                                        "pass identity= to name the consumer",))
        status, message = (403, ACL_DENIED[1]) if env.entities.version == "1.1" \
            else (401, "Unauthorized")
        return Outcome("deny", "acl: no consumer identified (no authentication plugin ran "
                       "before it)", status, message,
                       fix=f"add an authentication plugin such as key-auth to route "
                           f"{env.route.label} so acl ({env.where(plugin)}) knows the consumer")
    groups = [g for g, _ in consumer.groups]
    hit = [g for g in groups if g in listed]
    if deny:
        if not hit:
            return Outcome("pass", f"acl: consumer {consumer.label}'s groups {groups} are not "
                           f"in config.{groups_key} {listed}")
        entry = next(k for g, k in consumer.groups if g == hit[0])
        return Outcome("deny", f"acl: consumer {consumer.label} is in group {hit[0]}, listed "
                       f"in config.{groups_key}", *ACL_DENIED,
                       fix=f"remove group {hit[0]} from consumer {consumer.label}'s acls "
                           f"({env.doc.source}:{env.doc.line_of(entry)})",
                       focus=("config", groups_key))
    if hit:
        return Outcome("pass", f"acl: consumer {consumer.label} is in group {hit[0]}, allowed "
                       f"by config.{groups_key}")
    status, message = ACL_DENIED if (state.credential or groups) else (401, "Unauthorized")
    return Outcome("deny", f"acl: consumer {consumer.label}'s groups {groups} are not in "
                   f"config.{groups_key} {listed}", status, message,
                   fix=f"add group {listed[0] if listed else '?'} to consumer "
                       f"{consumer.label}'s acls ({env.doc.source}:"
                       f"{env.doc.line_of((*consumer.keys, 'acls'))})",
                   focus=("config", groups_key))
