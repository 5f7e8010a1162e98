"""Route families for the ``rate_limit`` scenarios, and the live monitor endpoint.

Every family keeps one token bucket per caller in ``state.buckets``; the keys named
``*_EXHAUSTED`` / ``QUOTA_SPENT`` get a bucket that starts empty and stays so for an hour.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import _keys as keys
from ._access import ITEMS
from ._bucket import Quota
from ._pages import index, json_response, nginx, not_found
from ._perimeter import client_ip
from ._state import Handler, State, state_of

GITHUB_DOCS = "https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting"
PROBLEM = "application/problem+json"


def _github_headers(quota: Quota) -> dict[str, str]:
    return {"x-ratelimit-limit": str(quota.limit), "x-ratelimit-remaining": str(quota.remaining),
            "x-ratelimit-reset": str(quota.reset_at), "x-ratelimit-used": str(quota.used),
            "x-ratelimit-resource": "core"}


async def github(request: Request, rest: str, state: State) -> Response:
    """A GitHub-style REST API: 60 requests an hour per token (or per address without one)."""
    if rest not in {"", "repos/sbx/demo"}:
        return json_response(404, {"message": "Not Found",
                                   "documentation_url": "https://docs.github.com/rest"})
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() in {"bearer", "token"}:
        if token.strip() not in {keys.GITHUB_EXHAUSTED, keys.GITHUB_FRESH}:
            return json_response(401, {"message": "Bad credentials",
                                       "documentation_url": "https://docs.github.com/rest",
                                       "status": "401"})
        caller, who = token.strip(), "user ID 1"
    else:
        caller = who = client_ip(request)
    bucket = state.buckets.get("github", caller, 60, 3600.0,
                               exhausted=caller == keys.GITHUB_EXHAUSTED)
    quota = bucket.take()
    if not quota.allowed:
        message = f"API rate limit exceeded for {who}."
        if who != "user ID 1":  # unauthenticated callers are told to authenticate
            message += (" (But here's the good news: Authenticated requests get a higher rate"
                        " limit. Check out the documentation for more details.)")
        return json_response(403, {"message": message, "documentation_url": GITHUB_DOCS},
                             _github_headers(quota), media_type="application/json; charset=utf-8")
    root = f"{state.base_url}/s/rate-limit-github"
    body = ({"full_name": "sbx/demo", "private": False} if rest
            else {"repository_url": root + "/repos/{owner}/{repo}"})
    return json_response(200, body, _github_headers(quota),
                         media_type="application/json; charset=utf-8")


async def ietf(request: Request, rest: str, state: State) -> Response:
    """An API advertising the IETF RateLimit headers and answering 429 problem documents."""
    if rest == "":
        return index("items-api", ["items"])
    if rest != "items":
        return not_found()
    key = request.headers.get("x-api-key")
    if key not in {keys.LIVE, keys.RATE_EXHAUSTED}:
        return json_response(401, {"type": "about:blank", "title": "Unauthorized", "status": 401,
                                   "detail": "A valid X-API-Key header is required"},
                             media_type=PROBLEM)
    quota = state.buckets.get("ietf", key, 100, 60.0, exhausted=key == keys.RATE_EXHAUSTED).take()
    wait = quota.retry_after if not quota.allowed else quota.reset_after
    headers = {"ratelimit-policy": '"default";q=100;w=60',
               "ratelimit": f'"default";r={quota.remaining};t={wait}'}
    if quota.allowed:
        return json_response(200, ITEMS, headers)
    return json_response(429, {
        "type": "https://iana.org/assignments/http-problem-types#quota-exceeded",
        "title": "Request quota exceeded",
        "status": 429,
        "detail": f"The quota of 100 requests per 60 seconds is used up; retry in {wait} s.",
        "violated-policies": ["default"],
    }, headers | {"retry-after": str(wait)}, media_type=PROBLEM)


async def generic(request: Request, rest: str, state: State) -> Response:
    """A rate limit enforced by a proxy that answers the bare 403 page and Retry-After."""
    if rest == "":
        return index("items-api", ["items"])
    if rest != "items":
        return nginx(404)
    key = request.headers.get("x-api-key")
    if key not in {keys.LIVE, keys.RATE_EXHAUSTED}:
        return nginx(401)
    quota = state.buckets.get("generic", key, 100, 60.0,
                              exhausted=key == keys.RATE_EXHAUSTED).take()
    if not quota.allowed:
        return nginx(403, {"retry-after": str(quota.retry_after)})
    return json_response(200, ITEMS)


async def daily_quota(request: Request, rest: str, state: State) -> Response:
    """A daily quota per key, refused Google-style with RESOURCE_EXHAUSTED and no headers."""
    if rest == "":
        return index("items-api", ["v1/items"])
    if rest != "v1/items":
        return not_found()
    key = request.headers.get("x-api-key")
    if key not in {keys.LIVE, keys.QUOTA_SPENT}:
        return json_response(401, {"error": {"code": 401, "message": "API key not valid",
                                             "status": "UNAUTHENTICATED"}})
    daily = state.buckets.get("quota", key, 1000, 86400.0, exhausted=key == keys.QUOTA_SPENT)
    if not daily.take().allowed:
        return json_response(403, {"error": {
            "code": 403, "message": "Daily request quota exceeded for this key",
            "status": "RESOURCE_EXHAUSTED"}})
    return json_response(200, ITEMS)


async def live(request: Request) -> Response:
    """The monitor demo: 10 requests per 10 s per client address, headers on every answer."""
    quota = state_of(request).buckets.get("live", client_ip(request), 10, 10.0,
                                          exhausted=False).take()
    headers = {"x-ratelimit-limit": str(quota.limit),
               "x-ratelimit-remaining": str(quota.remaining),
               "x-ratelimit-reset": str(quota.reset_at)}
    if not quota.allowed:
        return json_response(429, {"message": "Rate limit exceeded"},
                             headers | {"retry-after": str(quota.retry_after)})
    return json_response(200, ITEMS, headers)


HANDLERS: dict[str, Handler] = {
    "rate-limit-github": github,
    "rate-limit-ietf-429": ietf,
    "rate-limit-generic": generic,
    "rate-limit-quota": daily_quota,
}
