"""Configuration: the gateway, server or account is misconfigured, not the caller's credential.

Differential evidence carries most of it: the trailing slash toggled gets through, the server's
``Allow`` list lacks the method used, HEAD passes where GET is refused, a redirect to another
origin dropped the credential.
"""

from __future__ import annotations

import datetime as dt

from .._causes import Cause
from .._diagnosis import Signal
from .._exchange import Exchange
from .._variants import (
    AS_GET,
    HEAD,
    NO_CREDENTIALS,
    PARENT_PATH,
    PREFLIGHT,
    REDIRECT,
    ROOT_PATH,
    SIBLING,
    SLASH_TOGGLED,
    same_origin,
)
from ._evidence import Evidence, let_through, refused, same_answer, status_of, succeeded

CAUSE = Cause.CONFIGURATION
VARIANTS = (SLASH_TOGGLED, PREFLIGHT, HEAD, REDIRECT, SIBLING, ROOT_PATH)


def signals(ex: Exchange, *, now: dt.datetime) -> list[Signal]:
    out: list[Signal] = []
    if refused(ex) and ex.url.endswith("/") and ex.content_type == "text/html" and (
        "index of" not in ex.body.lower()
    ) and ex.method in ("GET", "HEAD") and not ex.credentials:
        out.append(Signal(CAUSE, 0.15, "a directory-style URL (ending in /) refused with an "
                          "HTML page: a web server refusing a directory listing looks like "
                          "this", check="directory"))
    return out


def allowed_methods(ex: Exchange) -> set[str] | None:
    values = ex.headers_named("allow") + ex.headers_named("access-control-allow-methods")
    if not values:
        return None
    return {m.strip().upper() for v in values for m in v.split(",") if m.strip()}


def differential(ev: Evidence) -> list[Signal]:
    base = ev.baseline
    out: list[Signal] = []
    slash = ev.get(SLASH_TOGGLED)
    # 2xx only: a web server answers a directory without its slash with a redirect to the
    # same (refused) place, which says nothing about how the route is defined.
    if (refused(base) and slash is not None and slash.status is not None
            and 200 <= slash.status < 300):
        out.append(Signal(CAUSE, 0.8, f"with the trailing slash toggled ({_path(slash)}): "
                          f"{status_of(slash)}; as sent ({_path(base)}): {status_of(base)}",
                          fix=f"Call {_path(slash)} (the route is defined with that form), or "
                          "make the gateway accept both.", check="differential",
                          key="slash-toggled"))
    options = ev.get(PREFLIGHT)
    allowed = allowed_methods(options) if options is not None else None
    if refused(base) and allowed and base.method.upper() not in allowed | {"HEAD"}:
        out.append(Signal(CAUSE, 0.7, f"the server allows {', '.join(sorted(allowed))} on this "
                          f"path, not {base.method}: the method is not mapped and the gateway "
                          "answers unmapped methods with a refusal", fix="Use a method the "
                          "route defines, or map this method on the gateway.",
                          check="differential",
                          key="method-not-allowed"))
    head = ev.get(HEAD)
    if refused(base) and head is not None and succeeded(head):
        out.append(Signal(CAUSE, 0.3, f"HEAD gets {status_of(head)} where {base.method} gets "
                          f"{status_of(base)}: the rule depends on the method",
                          check="differential",
                          key="head-differs"))
    as_get = ev.get(AS_GET)
    if refused(base) and as_get is not None and succeeded(as_get):
        # A method rule: an unmapped method (configuration) or a read-only grant (permissions);
        # it speaks for both alike and against the causes that ignore the method.
        said = (f"GET on the same path gets {status_of(as_get)} where {base.method} gets "
                f"{status_of(base)}: the rule depends on the method")
        out.append(Signal(CAUSE, 0.35, f"{said} (a method the route does not map?)",
                          fix=f"Check that the route defines {base.method}.",
                          check="differential", key="method-differs"))
        out.append(Signal(Cause.PERMISSIONS, 0.35, f"{said} (a read-only grant?)",
                          fix="Check that your credential may write (read-only keys, roles or "
                          "scopes).", check="differential", key="method-differs"))
    out += _unknown_route(ev)
    redirect = ev.get(REDIRECT)
    hop = redirect.history[0] if redirect is not None and redirect.history else None
    if (redirect is not None and hop is not None and refused(redirect) and base.credentials
            and not same_origin(hop.url, hop.location)):
        out.append(Signal(CAUSE, 0.75, f"the URL redirects ({hop.status}) to another origin "
                          f"({hop.location}); clients drop the credential there, and that "
                          f"origin answers {status_of(redirect)} without it",
                          fix="Call the final URL directly (and fix the redirect on the "
                          "server: same origin, or no redirect for API routes).",
                          check="redirect"))
    return out


def _unknown_route(ev: Evidence) -> list[Signal]:
    """Your path answered exactly like a path that cannot exist: the route is not mapped."""
    base, sibling = ev.baseline, ev.get(SIBLING)
    if sibling is None or not refused(base):
        return []
    if sibling.status == 404 and base.status in (401, 403):
        return [Signal(CAUSE, -0.4, f"an unknown path gets 404 and yours {status_of(base)}: the "
                       "route exists and refuses this request", check="differential",
                       key="unknown-path-404")]
    open_paths = [v for v in (ev.get(ROOT_PATH), ev.get(PARENT_PATH))
                  if v is not None and let_through(v)]
    if not same_answer(sibling, base) or not open_paths:
        return []
    none = ev.get(NO_CREDENTIALS)
    weight = 0.3 if ev.credentials_sent and same_answer(none, base) else 0.5
    if ev.credentials_sent and none is not None and not same_answer(none, base):
        weight = 0.0
    if weight == 0.0:
        return []
    return [Signal(CAUSE, weight, f"a path that cannot exist ({_path(sibling)}) gets the same "
                   f"{status_of(base)} as yours, while {open_paths[0].label} answers "
                   f"{status_of(open_paths[0])}: this gateway refuses paths it has no route for, "
                   "so check the path (typo, version prefix, trailing slash)",
                   fix="Compare the path with the API's documentation or OpenAPI definition; "
                   "if it should exist, add the route on the gateway.", check="differential",
                   key="unknown-path-same")]


def _path(ex: Exchange) -> str:
    from urllib.parse import urlsplit

    return urlsplit(ex.url).path or "/"
