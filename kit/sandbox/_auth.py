"""Route families for the ``authentication`` scenarios: one JWT verifier, five answer styles.

Every family requires ``aud`` equal to the sandbox URL and ``iss == "sandbox"``; they differ
in status codes and wording, as different real servers do. The clock-skew family runs its own
clock ``clock_skew`` seconds ahead and says so in its ``Date`` header.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ._jwt import DESCRIPTIONS, Checked, Verdict, bearer, verify
from ._pages import bearer_challenge, http_date, index, json_response, nginx, not_found
from ._state import Handler, State


def _check(request: Request, state: State, now: float) -> Checked:
    return verify(bearer(request), state.secret, audience=state.base_url, now=now)


def _me(checked: Checked) -> Response:
    return json_response(200, {"sub": checked.claims.get("sub"),
                               "scope": checked.claims.get("scope")})


async def expired(request: Request, rest: str, state: State) -> Response:
    """A strict RFC 6750 resource server: every token failure is a 401 with a challenge."""
    if rest == "":
        return index("profile-api", ["me"])
    if rest != "me":
        return not_found()
    checked = _check(request, state, state.now())
    if checked.verdict is Verdict.MISSING:
        return bearer_challenge(401)
    if checked.verdict is not Verdict.OK:
        return bearer_challenge(401, realm=None, error="invalid_token",
                                description=DESCRIPTIONS[checked.verdict])
    return _me(checked)


async def not_yet_valid(request: Request, rest: str, state: State) -> Response:
    """Token checks done in the proxy: bare 401 without a token, bare 403 for a bad one."""
    if rest == "":
        return index("profile-api", ["me"])
    if rest != "me":
        return nginx(404)
    checked = _check(request, state, state.now())
    if checked.verdict is Verdict.MISSING:
        return nginx(401)
    if checked.verdict is not Verdict.OK:
        return nginx(403)
    return _me(checked)


async def wrong_audience(request: Request, rest: str, state: State) -> Response:
    """A framework that answers token failures with 403 and an OAuth-style JSON body."""
    if rest == "":
        return index("profile-api", ["me"])
    if rest != "me":
        return not_found()
    checked = _check(request, state, state.now())
    if checked.verdict is Verdict.MISSING:
        return bearer_challenge(401)
    if checked.verdict is not Verdict.OK:
        return json_response(403, {"error": "invalid_token",
                                   "error_description": DESCRIPTIONS[checked.verdict]})
    return _me(checked)


_TERSE = {Verdict.BAD_SIGNATURE: "Invalid token signature", Verdict.EXPIRED: "Token expired"}


async def bad_signature(request: Request, rest: str, state: State) -> Response:
    """A terse authorizer: ``{"message": ...}`` bodies only."""
    if rest == "":
        return index("profile-api", ["me"])
    if rest != "me":
        return json_response(404, {"message": "Not Found"})
    checked = _check(request, state, state.now())
    if checked.verdict is Verdict.MISSING:
        return json_response(401, {"message": "Unauthorized"})
    if checked.verdict is not Verdict.OK:
        return json_response(403, {"message": _TERSE.get(checked.verdict, "Invalid token")})
    return _me(checked)


_SKEWED = {Verdict.EXPIRED: "Token has expired", Verdict.NOT_YET_VALID: "Token is not valid yet"}


async def clock_skew(request: Request, rest: str, state: State) -> Response:
    """A server whose clock runs ahead: tokens expire early by its reckoning."""
    now = state.skewed_now()
    response: Response
    if rest == "":
        response = index("profile-api", ["me"])
    elif rest != "me":
        response = not_found()
    else:
        checked = _check(request, state, now)
        if checked.verdict is Verdict.MISSING:
            response = bearer_challenge(401)
        elif checked.verdict is not Verdict.OK:
            description = _SKEWED.get(checked.verdict, DESCRIPTIONS[checked.verdict])
            response = json_response(403, {"error": "invalid_token",
                                           "error_description": description})
        else:
            response = _me(checked)
    response.headers["date"] = http_date(now)
    return response


HANDLERS: dict[str, Handler] = {
    "auth-expired-jwt": expired,
    "auth-not-yet-valid": not_yet_valid,
    "auth-wrong-audience": wrong_audience,
    "auth-bad-signature": bad_signature,
    "auth-clock-skew": clock_skew,
}
