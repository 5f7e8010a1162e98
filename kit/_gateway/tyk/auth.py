"""Tyk's authentication middlewares: where the credential is read and which key it names.

gateway/api_loader.go adds, for an API that is not keyless, in this order: OAuth2 key check,
external OAuth, basic auth, HMAC, JWT, OpenID, a custom auth plugin, then the auth-token check
(``use_standard_auth``, or when no other method is on). gateway/middleware.go ``getAuthToken``
reads the header (default "Authorization"), then a query parameter, then a cookie, each
overriding the last; gateway/mw_auth_key.go strips "Bearer " and looks the key up
(CheckSessionAndIdentityForValidKey: keys shorter than 3 characters never exist).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..._http.secrets import mask, same_secret
from ..model import AuditRequest, RuleRef
from .keyfiles import Session
from .load import Api
from .trace import Trace, Verdict, deny
from .where import Where, plain

MIN_TOKEN_LENGTH = 3  # gateway/middleware.go defaultMinTokenLength


@dataclass(frozen=True)
class Credential:
    """The credential an auth middleware read: the key's value and where it came from."""

    value: str | None  # None: an auth method whose identity cannot be read offline
    said: str  # where it was read, in words ("the X-API-Key header")
    rule: RuleRef


@dataclass(frozen=True)
class AuthOk:
    credential: Credential | None
    session: Session | None  # the session file entry the key matched, when one did
    unknown: str = "key_unknown"  # the answer when the key is in no session file


def _token_config(api: Api, kind: str) -> tuple[Where, dict[str, object]]:
    """AuthConfigs[kind], falling back to the deprecated ``auth`` for authToken and jwt."""
    configs = plain(api.where.doc.get((*api.where.at, "auth_configs")))
    if isinstance(configs.get(kind), dict):
        where = api.where.child("auth_configs", kind)
    elif kind in ("authToken", "jwt"):
        where = api.where.child("auth")
    else:
        return api.where, {}
    return where, dict(plain(where.doc.get(where.at)))


def read_token(api: Api, kind: str, request: AuditRequest) -> Credential:
    """gateway/middleware.go getAuthToken: header, then parameter, then cookie."""
    where, conf = _token_config(api, kind)
    header = str(conf.get("auth_header_name") or "Authorization")
    value, said, rule = None, f"the {header} header", where.ref("auth_header_name")
    if not conf.get("disable_header"):
        value = request.header(header)
    if conf.get("use_param"):
        name = str(conf.get("param_name") or header)
        said += f" or the {name} query parameter"
        if request.param(name):
            value, rule = request.param(name), where.ref("param_name")
    if conf.get("use_cookie"):
        name = str(conf.get("cookie_name") or header)
        said += f" or the {name} cookie"
        if request.cookie(name):
            value, rule = request.cookie(name), where.ref("cookie_name")
    return Credential(value or "", said, rule)


def _strip_bearer(token: str) -> str:
    """gateway/mw_auth_key.go stripBearer."""
    return token[7:] if len(token) > 6 and token[:7].upper() == "BEARER " else token


def methods(api: Api) -> list[str]:
    """The auth middlewares this API runs, in gateway/api_loader.go's order."""
    get = api.where.get
    out = [name for name, on in (
        ("oauth2", get("use_oauth2", bool, False)),
        ("external_oauth", bool(plain(get("external_oauth", dict, {})).get("enabled"))),
        ("basic", get("use_basic_auth", bool, False)),
        ("hmac", get("enable_signature_checking", bool, False)),
        ("jwt", get("enable_jwt", bool, False)),
        ("openid", get("use_openid", bool, False)),
        ("plugin", get("custom_plugin_auth_enabled", bool, False)
         or get("use_go_plugin_auth", bool, False) or get("enable_coprocess_auth", bool, False)),
    ) if on]
    if get("use_standard_auth", bool, False) or not out:
        out.append("token")
    return out


def authenticate(api: Api, sessions: list[Session], request: AuditRequest,
                 trace: Trace) -> AuthOk | Verdict:
    """Run each auth middleware; the first refusal answers."""
    found: AuthOk = AuthOk(None, None)
    for method in methods(api):
        result = _one(api, method, sessions, request, trace)
        if isinstance(result, Verdict):
            return result
        if result.credential is not None and result.credential.value is not None:
            found = result
    return found


def _one(api: Api, method: str, sessions: list[Session], request: AuditRequest,
         trace: Trace) -> AuthOk | Verdict:
    flag = {"oauth2": "use_oauth2", "basic": "use_basic_auth", "hmac":
            "enable_signature_checking", "jwt": "enable_jwt", "openid": "use_openid",
            "external_oauth": "external_oauth", "plugin": "custom_plugin_auth_enabled",
            "token": "use_standard_auth"}[method]
    rule = api.where.ref(flag)
    if method in ("openid", "external_oauth", "plugin"):
        trace.add(rule, "note", f"{flag} is on: not evaluated offline")
        trace.assume(f"the {method.replace('_', ' ')} check ({flag}) accepts the request")
        return AuthOk(None, None)
    if method == "token":
        cred = read_token(api, "authToken", request)
        token = _strip_bearer(cred.value or "")
        if not token:
            return deny("key_missing", cred.rule, f"auth token check ({rule}) finds no key in "
                        f"{cred.said}", f"send the API key in {cred.said}")
        return _lookup(Credential(token, cred.said, cred.rule), sessions, trace, "key_unknown")
    kind = {"oauth2": "oauth", "basic": "basic", "jwt": "jwt", "hmac": "hmac"}[method]
    cred = read_token(api, kind, request)
    value = cred.value or ""
    if method == "hmac":
        value = value or request.header("signature") or ""
    if not value:
        key = {"oauth2": "oauth_missing", "basic": "basic_missing", "jwt": "jwt_missing",
               "hmac": "hmac_missing"}[method]
        return deny(key, rule, f"{flag} is on and {cred.said} is empty",
                    f"send the {method} credential in {cred.said}")
    parts = value.split(" ")
    if method == "oauth2":
        if len(parts) < 2:
            return deny("oauth_missing", rule, f"{flag}: {cred.said} is not 'Bearer <token>'",
                        f"send 'Bearer <access token>' in {cred.said}")
        if parts[0].lower() != "bearer":
            return deny("oauth_malformed", rule, f"{flag}: {cred.said} does not start Bearer",
                        f"send 'Bearer <access token>' in {cred.said}")
        return _lookup(Credential(parts[1], cred.said, cred.rule), sessions, trace,
                       "oauth_unknown")
    if method == "basic" and len(parts) != 2:
        return deny("basic_malformed", rule, f"{flag}: {cred.said} is not 'Basic <base64>'",
                    f"send 'Basic <base64 of user:password>' in {cred.said}")
    trace.add(rule, "pass", f"{flag}: a credential is present in {cred.said}")
    trace.assume(f"the {method} credential is valid (its signature/password cannot be checked "
                 "offline)")
    return AuthOk(Credential(None, cred.said, cred.rule), None)


def _lookup(cred: Credential, sessions: list[Session], trace: Trace,
            unknown: str) -> AuthOk | Verdict:
    token = cred.value or ""
    shown = mask(token)
    if len(token) < MIN_TOKEN_LENGTH:
        return deny(unknown, cred.rule, f"the key in {cred.said} is shorter than "
                    f"{MIN_TOKEN_LENGTH} characters, so Tyk treats it as unknown",
                    "send the full API key")
    keyed = [s for s in sessions if s.key is not None]
    exact = [s for s in keyed if same_secret(token, s.key or "") is True]
    maybe = [s for s in keyed if same_secret(token, s.key or "") is None]
    if exact or len(maybe) == 1:
        session = (exact or maybe)[0]
        if not exact:
            trace.assume(f"the masked key {shown} is {session.label()} (same length; the mask "
                         "has no fingerprint to be sure)")
        trace.add(session.where.ref(), "pass", f"the key in {cred.said} is {session.label()}")
        return AuthOk(cred, session)
    if len(maybe) > 1:
        trace.assume(f"the masked key {shown} could be any of {len(maybe)} keys of the same "
                     "length (its mask has no fingerprint)")
        return AuthOk(Credential(None, cred.said, cred.rule), None)
    unkeyed = [s for s in sessions if s.key is None]
    if unkeyed:
        trace.assume(f"{unkeyed[0].where.doc.source} (a session without its key) is the "
                     "session of the key sent")
        trace.add(unkeyed[0].where.ref(), "pass", f"key {shown} uses {unkeyed[0].where.doc.source}")
        return AuthOk(cred, unkeyed[0])
    return AuthOk(cred, None, unknown)  # the caller decides: identity, unknown or assumption
