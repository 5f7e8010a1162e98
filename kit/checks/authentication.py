"""Authentication: a credential was presented but failed verification.

Offline evidence costs no request: a JWT's exp, nbf and iat against the local clock and the
server's ``Date``, its audience against the host called, ``alg: none``, a token that does not
parse; RFC 6750 ``invalid_token``; a server clock far from ours. Differential evidence: a JWT
with the same claims and a wrong signature gets the same answer.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

from .._causes import Cause
from .._diagnosis import Signal
from .._http.challenge import parse_www_authenticate
from .._http.exchange import Exchange
from .._http.ratelimit import human_span, parse_http_date
from .._http.tokens import Credential
from .._variants import FAKE_CREDENTIAL, NO_CREDENTIALS
from ._evidence import Evidence, refused, same_answer, status_of

CAUSE = Cause.AUTHENTICATION
LEEWAY = dt.timedelta(seconds=60)
SKEW = dt.timedelta(seconds=120)
RFC7519 = "https://www.rfc-editor.org/rfc/rfc7519#section-4.1"


def server_clock_offset(ex: Exchange, *, now: dt.datetime) -> dt.timedelta | None:
    """Server Date minus the local clock (positive: the server is ahead), or None."""
    value = ex.header("date")
    when = parse_http_date(value) if value else None
    if when is None:
        return None
    local = ex.started_at or now
    elapsed = dt.timedelta(seconds=ex.elapsed or 0.0)
    return when - (local + elapsed / 2)


def signals(ex: Exchange, *, now: dt.datetime) -> list[Signal]:
    out: list[Signal] = []
    for value in ex.headers_named("www-authenticate"):
        for challenge in parse_www_authenticate(value):
            if challenge.error == "invalid_token":
                described = challenge.params.get("error_description", "")
                weight = 0.75 if "expire" in described.lower() else 0.6
                text = f" ({described})" if described else ""
                out.append(Signal(CAUSE, weight, f"WWW-Authenticate says invalid_token{text}",
                                  source="https://www.rfc-editor.org/rfc/rfc6750#section-3.1",
                                  check="www-authenticate"))
    offset = server_clock_offset(ex, now=now)
    try:
        server_now = now + offset if offset is not None else None
    except OverflowError:  # a Date header centuries away from `now`
        server_now = None
    if offset is not None and abs(offset) > SKEW and refused(ex):
        ahead = "ahead of" if offset > dt.timedelta(0) else "behind"
        weight = 0.45 if ex.credentials else 0.2
        out.append(Signal(CAUSE, weight, f"the server's clock is {human_span(abs(offset))} {ahead} "
                          "yours (from its Date header): time-limited tokens and signatures "
                          "fail under such skew", fix="Synchronise your clock with NTP, or ask "
                          "the API owner to fix theirs.", check="clock-skew"))
    for cred in ex.credentials:
        if cred.jwt is not None:
            out += _jwt_signals(cred, ex, now=now, server_now=server_now)
    return out


def _jwt_signals(cred: Credential, ex: Exchange, *, now: dt.datetime,
                 server_now: dt.datetime | None) -> list[Signal]:
    info = cred.jwt
    assert info is not None
    out: list[Signal] = []
    if info.error:
        return [Signal(CAUSE, 0.55, f"the token in {cred.where} is {info.error}",
                       fix="Send the whole token as issued (three dot-separated parts).",
                       check="jwt")]
    if info.exp is not None and info.exp < now:
        out.append(Signal(CAUSE, 0.8, f"the JWT expired {human_span(now - info.exp)} ago "
                          f"(exp {info.exp:%Y-%m-%d %H:%M:%S} UTC)", source=RFC7519,
                          fix="Refresh the token (or log in again) and retry.", check="jwt-exp"))
    elif info.exp is not None and server_now is not None and info.exp < server_now:
        out.append(Signal(CAUSE, 0.8, f"the JWT is still valid by your clock but expired "
                          f"{human_span(server_now - info.exp)} ago by the server's clock (Date "
                          "header): clock skew", source=RFC7519,
                          fix="Synchronise clocks (NTP) and refresh the token earlier.",
                          check="jwt-exp-server"))
    for clock, label in ((now, "your clock"), (server_now, "the server's clock")):
        if info.nbf is not None and clock is not None and info.nbf > clock + LEEWAY:
            out.append(Signal(CAUSE, 0.75, f"the JWT is not valid yet by {label}: nbf is "
                              f"{human_span(info.nbf - clock)} in the future", source=RFC7519,
                              fix="Check the issuer's and your clock; wait until nbf.",
                              check="jwt-nbf"))
            break
    if info.iat is not None and info.iat > now + LEEWAY:
        out.append(Signal(CAUSE, 0.4, f"the JWT was issued {human_span(info.iat - now)} in the "
                          "future (iat): the issuer's clock or yours is off", check="jwt-iat"))
    if (info.alg or "").lower() == "none":
        out.append(Signal(CAUSE, 0.6, "the JWT is unsigned (alg: none), which servers refuse",
                          check="jwt-alg"))
    host = (urlsplit(ex.url).hostname or "").lower()
    named = [a for a in info.aud if "." in a or "://" in a or a.startswith("localhost")]
    if named and host and not any(host in a.lower() for a in named):
        out.append(Signal(CAUSE, 0.45, f"the JWT's audience ({', '.join(info.aud)}) does not "
                          f"name the host called ({host})", fix="Request a token for this "
                          "API's audience.", check="jwt-aud"))
    return out




def differential(ev: Evidence) -> list[Signal]:
    base, none, fake = ev.baseline, ev.get(NO_CREDENTIALS), ev.get(FAKE_CREDENTIAL)
    if not refused(base) or fake is None:
        return []
    if not any(c.kind in ("jwt", "signature") for c in base.credentials):
        return []
    if same_answer(fake, base) and (none is None or not same_answer(none, base)):
        return [Signal(CAUSE, 0.55, f"a token with the same claims and a wrong signature gets "
                       f"{status_of(fake)}, the same answer as yours: the server rejects the "
                       "token itself (signature, expiry, audience or issuer)",
                       check="differential",
                       key="forged-signature")]
    return []
