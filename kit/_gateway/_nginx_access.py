"""The preaccess (limit_req) and access phases: allow/deny, auth_basic, auth_request, satisfy.

Order: ngx_http_limit_req_module runs in NGX_HTTP_PREACCESS_PHASE, before access. The access
handlers run in the reverse of their order in auto/modules (auth_request, auth_basic, access),
i.e. allow/deny first, then auth_basic, then auth_request (ngx_http_init_phase_handlers).
``satisfy all``: the first refusal answers; ``satisfy any``: one OK lets the request in,
otherwise 401 sticks over 403 (ngx_http_core_access_phase). Array directives (allow/deny,
limit_req) are inherited from the enclosing level only when a level has none of its own.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .._secrets import is_masked
from ._model import Effect, Limit, Step
from ._nginx_passwd import verify
from ._nginx_rewrite import Guard
from ._nginx_syntax import Directive
from ._nginx_tree import Level
from ._nginx_vars import State, expand

LIMIT_REQ_STATUS = 503  # limit_req_status default (ngx_http_limit_req_module.c: 503)
ACCESS_STATUS = 403  # ngx_http_access_module: NGX_HTTP_FORBIDDEN
AUTH_STATUS = 401  # ngx_http_auth_basic_module: NGX_HTTP_UNAUTHORIZED


@dataclass(frozen=True)
class Verdict:
    """A phase's answer that ends the request (or, allowed, the rule that let it through)."""

    status: int
    directive: Directive | None
    kind: str  # deny, return, redirect, auth_basic, auth_request, limit_req, internal, ...
    reason: str
    guards: tuple[Guard, ...] = ()
    special: bool = True  # answered by ngx_http_special_response_handler: error_page applies


def inherited(levels: list[Level], *names: str) -> list[Directive]:
    """The innermost level's directives of these names (nginx array-directive inheritance)."""
    for level in reversed(levels):
        index = _index(level)
        if index is None:
            found = [d for d in level if d.name in names]
        else:
            found = [d for _pos, d in sorted(x for n in names for x in index.get(n, ()))]
        if found:
            return found
    return []


_BIG = 64  # a level this long (a server with many locations) is indexed by directive name
_INDEXES: dict[int, tuple[Level, dict[str, list[tuple[int, Directive]]]]] = {}


def _index(level: Level) -> dict[str, list[tuple[int, Directive]]] | None:
    """Directives of a long level by name, with their positions (built once per level)."""
    if len(level) < _BIG:
        return None
    hit = _INDEXES.get(id(level))
    if hit is not None and hit[0] is level:
        return hit[1]
    index: dict[str, list[tuple[int, Directive]]] = {}
    for pos, d in enumerate(level):
        index.setdefault(d.name, []).append((pos, d))
    if len(_INDEXES) >= 64:  # bounded: a notebook may load many configurations
        _INDEXES.clear()
    _INDEXES[id(level)] = (level, index)
    return index


def innermost(levels: list[Level], name: str) -> Directive | None:
    found = inherited(levels, name)
    return found[-1] if found else None


def limit_req(levels: list[Level], st: State, steps: list[Step],
              limits: list[Limit]) -> Verdict | None:
    """List each limit_req that applies; deny when the caller's rate exceeds the zone's rate.

    Rule: nginx's leaky bucket lets ``burst`` extra requests queue; a client that keeps
    sending faster than ``rate`` overflows any burst, so request.rate > rate denies (the first
    burst+1 requests of a burst still pass, recorded as an assumption).
    """
    status_d = innermost(levels, "limit_req_status")
    status = int(status_d.args[0]) if status_d and status_d.args else LIMIT_REQ_STATUS
    for d in inherited(levels, "limit_req"):
        name = next((a[5:] for a in d.args if a.startswith("zone=")), "")
        zone = st.model.zones[name]
        burst = next((int(a[6:]) for a in d.args if a.startswith("burst=")
                      and a[6:].isdigit()), 0)
        key = expand(zone.key, st)
        if not key:
            steps.append(Step(d.ref(), "skip", f"limit_req zone={name}: key {zone.key} is "
                              "empty, the request is not counted"))
            continue
        describe = (f"{zone.rate_text} per {zone.key} (zone {name}), burst {burst}"
                    + (" nodelay" if "nodelay" in d.args else ""))
        limits.append(Limit(d.ref(), describe, status, per_second=zone.per_second))
        rate = st.request.rate
        if rate is not None and rate > zone.per_second:
            steps.append(Step(d.ref(), "limit", f"{rate:g} r/s exceeds {describe}"))
            st.assume(f"limit_req zone={name}: the first {burst + 1} request(s) of a burst pass;"
                      f" sustained {rate:g} r/s is refused with {status}")
            return Verdict(status, d, "limit_req",
                           f"{d.text} ({d.where}) refuses {rate:g} requests/second: the zone "
                           f"allows {zone.rate_text} with burst {burst}")
        steps.append(Step(d.ref(), "limit", f"counted by {describe}"
                          + ("" if rate is not None else " (no rate given: not exceeded)")))
    return None


def _allow_deny(levels: list[Level], st: State, steps: list[Step]) -> tuple[str, Verdict | None]:
    rules = inherited(levels, "allow", "deny")
    address = st.request.source_address
    if address is not None and address.version == 6 and address.ipv4_mapped is not None:
        address = address.ipv4_mapped  # ngx_http_access_handler checks the IPv4 rules
    for d in rules:
        value = d.args[0]
        if value == "all":
            hit = True
        elif value.startswith("unix:") or address is None:
            hit = False
        else:
            net = ipaddress.ip_network(value, strict=False)
            hit = address.version == net.version and address in net
        if address is None and value != "all":
            st.assume(f"{d.text} ({d.where}) was not matched: the client address is unknown")
        effect: Effect = ("allow" if d.name == "allow" else "deny") if hit else "skip"
        steps.append(Step(d.ref(), effect,
                          f"{d.text} {'matches' if hit else 'does not match'} "
                          f"{address or 'the (unknown) client'}"))
        if hit:
            if d.name == "allow":
                return "ok", Verdict(200, d, "allow", f"{d.text} ({d.where}) admits {address}")
            return "deny", Verdict(ACCESS_STATUS, d, "deny",
                                   f"{d.text} ({d.where}) refuses {address or 'the client'}:"
                                   " no allow before it matches")
    return "declined", None


def _auth_basic(levels: list[Level], st: State, steps: list[Step],
                base_dir: Path | None) -> tuple[str, Verdict | None]:
    d = innermost(levels, "auth_basic")
    if d is None or not d.args or d.args[0] == "off":
        return "declined", None
    header = st.request.header("authorization") or ""
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "basic" or not token.strip():
        steps.append(Step(d.ref(), "deny", "auth_basic: no Authorization: Basic header"))
        return "deny", Verdict(AUTH_STATUS, d, "auth_basic",
                               f"{d.text} ({d.where}) asks for a password: the request has no "
                               "Authorization: Basic header")
    file_d = innermost(levels, "auth_basic_user_file")
    checked = _check_password(token.strip(), file_d, st, base_dir)
    if checked is not None and not isinstance(checked, bool):
        steps.append(Step(d.ref(), "deny", "auth_basic: the user file cannot be read"))
        return "deny", Verdict(checked, file_d, "auth_basic_file",
                               f"{file_d.text if file_d else d.text} names a file nginx "
                               f"cannot read: it answers {checked}")
    if checked is False:
        steps.append(Step(d.ref(), "deny", "auth_basic: user or password not in the file"))
        return "deny", Verdict(AUTH_STATUS, d, "auth_basic",
                               f"{d.text} ({d.where}) refuses the credentials: the user or "
                               "password does not match the user file")
    steps.append(Step(d.ref(), "allow", "auth_basic: credentials "
                      + ("match the user file" if checked else "present (assumed valid)")))
    return "ok", Verdict(200, d, "allow", f"{d.text} ({d.where}) accepts the credentials")


def _check_password(token: str, file_d: Directive | None, st: State,
                    base_dir: Path | None) -> bool | int | None:
    """True/False for the credentials, None when they cannot be checked here, or the status
    nginx answers when it cannot read the user file (500; a directory, say)."""
    if is_masked(token) or file_d is None or not file_d.args:
        st.assume("auth_basic: the password could not be checked offline; assumed valid")
        return None
    try:
        user, _, password = base64.b64decode(token, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return False
    path = Path(expand(file_d.args[0], st))
    if not path.is_absolute() and base_dir is not None:
        path = base_dir / path  # nginx prepends the configuration prefix
    if path.is_dir():  # ngx_http_auth_basic_handler: the read fails, 500
        return 500
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        st.assume(f"auth_basic: the user file {path} is not readable here; password assumed "
                  "valid (where it is missing on the server too, nginx answers 403)")
        return None
    for line in lines:
        name, _, stored = line.strip().partition(":")
        if name != user or line.startswith("#"):
            continue
        verdict = verify(password, stored.split(":", 1)[0])
        if verdict is None:
            st.assume(f"auth_basic: the hash scheme of user {user!r} cannot be checked here; "
                      "password assumed valid")
        return verdict
    return False


Subrequest = Callable[[str], tuple[int | None, str]]


def _auth_request(levels: list[Level], st: State, steps: list[Step],
                  subrequest: Subrequest) -> tuple[str, Verdict | None]:
    d = innermost(levels, "auth_request")
    if d is None or not d.args or d.args[0] == "off":
        return "declined", None
    given = st.request.context.get("auth_request")
    if given is not None and given.strip().isdigit():
        status, says = int(given), f"context says the auth endpoint answers {given}"
    else:
        answer, says = subrequest(expand(d.args[0], st))
        if answer is None:
            st.assume(f"auth_request {d.args[0]}: the endpoint's answer is unknown offline; "
                      'assumed 2xx (pass context={"auth_request": "403"} to test a refusal)')
            status = 204
        else:
            status = answer
    if 200 <= status < 300:
        steps.append(Step(d.ref(), "allow", f"auth_request: {says}: allowed"))
        return "ok", Verdict(200, d, "allow", f"{d.text} ({d.where}) lets it through")
    # ngx_http_auth_request_handler: 401/403 pass through, anything else is a 500
    final = status if status in (401, 403) else 500
    steps.append(Step(d.ref(), "deny", f"auth_request: {says}: answer {final}"))
    return "deny", Verdict(final, d, "auth_request",
                           f"{d.text} ({d.where}) refuses: the auth subrequest answered {status}")


def access(levels: list[Level], st: State, steps: list[Step], subrequest: Subrequest,
           base_dir: Path | None) -> tuple[Verdict | None, Verdict | None]:
    """(refusal, what allowed it) after the access handlers and ``satisfy``."""
    satisfy_d = innermost(levels, "satisfy")
    any_mode = bool(satisfy_d and satisfy_d.args and satisfy_d.args[0] == "any")
    refusal: Verdict | None = None
    allowed: Verdict | None = None
    for index in range(3):
        if index == 0:
            rc, verdict = _allow_deny(levels, st, steps)
        elif index == 1:
            rc, verdict = _auth_basic(levels, st, steps, base_dir)
        else:
            rc, verdict = _auth_request(levels, st, steps, subrequest)
        if rc == "ok":
            allowed = allowed or verdict
            if any_mode:
                if satisfy_d is not None:
                    steps.append(Step(satisfy_d.ref(), "allow", "satisfy any: one handler "
                                      "allowed the request"))
                return None, verdict
        elif rc == "deny" and verdict is not None:
            if not any_mode:
                return verdict, None
            if refusal is None or refusal.status != AUTH_STATUS:
                refusal = verdict
    return refusal, allowed
