"""Permissions: the identity is known but lacks the scope, role or resource right.

Single-response evidence: RFC 6750 ``insufficient_scope`` with the scope required, GitHub's
granted vs accepted scope headers. Differential evidence: without a credential (or with a
fake one) the server answers 401, with yours 403: the key is recognised and refused anyway.
"""

from __future__ import annotations

import datetime as dt

from .._causes import Cause
from .._diagnosis import Signal
from .._http.challenge import parse_www_authenticate
from .._http.exchange import Exchange
from .._variants import FAKE_CREDENTIAL, NO_CREDENTIALS
from ._evidence import Evidence, refused, status_of

CAUSE = Cause.PERMISSIONS
RFC6750 = "https://www.rfc-editor.org/rfc/rfc6750#section-3.1"


def signals(ex: Exchange, *, now: dt.datetime) -> list[Signal]:
    out: list[Signal] = []
    for value in ex.headers_named("www-authenticate"):
        for challenge in parse_www_authenticate(value):
            if challenge.error == "insufficient_scope":
                needed = " ".join(challenge.scopes) or "not named"
                out.append(Signal(CAUSE, 0.8, "WWW-Authenticate says insufficient_scope "
                                  f"(scope needed: {needed})", source=RFC6750,
                                  fix=_scope_fix(ex, challenge.scopes), check="www-authenticate"))
    accepted = _scope_list(ex.header("x-accepted-oauth-scopes"))
    granted = _scope_list(ex.header("x-oauth-scopes"))
    if refused(ex) and accepted and not set(accepted) & set(granted):
        out.append(Signal(CAUSE, 0.7, f"the token has scopes [{', '.join(granted) or 'none'}]; "
                          f"this endpoint accepts [{', '.join(accepted)}]",
                          fix=f"Add one of these scopes to the token: {', '.join(accepted)}.",
                          source="https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/"
                          "scopes-for-oauth-apps", check="github-scopes"))
    needs = ex.header("x-accepted-github-permissions")
    if refused(ex) and needs:
        out.append(Signal(CAUSE, 0.5, f"GitHub says this endpoint needs the permissions {needs}",
                          source="https://docs.github.com/en/rest/authentication/"
                          "permissions-required-for-fine-grained-personal-access-tokens",
                          check="github-permissions"))
    return out


def _scope_list(value: str | None) -> list[str]:
    return [s.strip() for s in (value or "").split(",") if s.strip()]


def _scope_fix(ex: Exchange, needed: tuple[str, ...]) -> str | None:
    held = {s for c in ex.credentials if c.jwt for s in c.jwt.scopes}
    if not needed:
        return None
    missing = [s for s in needed if s not in held]
    have = f" (the token has: {', '.join(sorted(held))})" if held else ""
    return f"Request a token that includes the scope {' '.join(missing or needed)}{have}."


def differential(ev: Evidence, *, competing: float = 0.0) -> list[Signal]:
    """Refused with your credential, 401 without or with a fake one: the identity is known.

    ``competing`` is the strongest single-response evidence for another identity-level cause
    (an IP restriction on the key, a quota); it turns this from a verdict into a hint.
    """
    base, none, fake = ev.baseline, ev.get(NO_CREDENTIALS), ev.get(FAKE_CREDENTIAL)
    if base.status != 403:
        return []
    unknown = [v for v in (none, fake) if v is not None and v.status == 401]
    if not unknown:
        return []
    said = "; ".join(f"with {v.label}: {status_of(v)}" for v in (none, fake) if v is not None)
    weight = 0.7 if len(unknown) == 2 else 0.55
    if competing >= 0.5:
        weight = 0.25
    return [Signal(CAUSE, weight, f"{said}; with yours: 403, so the credential is recognised "
                   "but lacks rights for this request", check="differential",
                   key="known-identity")]
