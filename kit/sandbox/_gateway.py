"""Route families for the ``configuration`` scenarios: gateways configured wrongly."""

from __future__ import annotations

import uuid

from starlette.requests import Request
from starlette.responses import Response

from . import _keys as keys
from ._access import GOOGLE_SERVICE, ITEMS, google_key, google_key_refusal
from ._jwt import bearer
from ._pages import aws_error, error_info, google_error, index, json_response, nginx, nginx_page
from ._state import Handler, State

REDIRECT = "config-redirect-drops-credentials"


async def unmapped_method(request: Request, rest: str, state: State) -> Response:
    """nginx with ``limit_except POST``: other methods on /orders get the bare 403."""
    if rest != "orders":
        return nginx(404)
    if request.method == "OPTIONS":
        return Response(status_code=204, headers={"allow": "POST, OPTIONS", "server": "nginx"})
    if request.method != "POST":
        return nginx(403)
    if request.headers.get("x-api-key") != keys.LIVE:
        return nginx(401)
    return json_response(201, {"id": "ord_sbx_1", "status": "created"},
                         {"location": f"{state.base_url}{request.url.path}/ord_sbx_1"})


async def trailing_slash(request: Request, rest: str, state: State) -> Response:
    """Only ``items/`` is routed; ``items`` falls into a ``deny all`` location."""
    if rest == "":
        return index("items-api", ["items/"])
    if rest == "items":
        return nginx(403)
    if rest != "items/":
        return nginx(404)
    if request.headers.get("x-api-key") != keys.LIVE:
        return nginx(401)
    return json_response(200, ITEMS)


async def redirect(request: Request, rest: str, state: State) -> Response:
    """v1 moved to v2 on another origin (``localhost``); v2 needs the bearer key."""
    if rest == "":
        return index("items-api", ["v1/items", "v2/items"])
    if rest == "v1/items":
        target = f"{state.localhost_url}/s/{REDIRECT}/v2/items"
        if request.url.query:
            target += f"?{request.url.query}"
        return Response(nginx_page(301), 301, {"content-type": "text/html", "server": "nginx",
                                               "location": target})
    if rest != "v2/items":
        return nginx(404)
    if bearer(request) != keys.LIVE:
        return nginx(403)
    return json_response(200, ITEMS)


async def api_not_enabled(request: Request, rest: str, state: State) -> Response:
    """A Google-style API that is disabled in the key's project (1234), enabled in 5678."""
    if rest == "":
        return index("items-api", ["v1/items"])
    if rest != "v1/items":
        return google_error(404, "NOT_FOUND", "Requested entity was not found.")
    key = google_key(request)
    refusal = google_key_refusal(key, {keys.GOOGLE_DISABLED, keys.GOOGLE_ENABLED})
    if refusal is not None:
        return refusal
    if key == keys.GOOGLE_DISABLED:
        console = ("https://console.developers.google.com/apis/api/"
                   f"{GOOGLE_SERVICE}/overview?project=1234")
        return google_error(403, "PERMISSION_DENIED", (
            f"Sandbox Items API has not been used in project 1234 before or it is disabled. "
            f"Enable it by visiting {console} then retry. If you enabled this API recently, "
            "wait a few minutes for the action to propagate to our systems and retry."), [
            {"@type": "type.googleapis.com/google.rpc.Help", "links": [
                {"description": "Google developers console API activation", "url": console}]},
            error_info("SERVICE_DISABLED", consumer="projects/1234", service=GOOGLE_SERVICE),
        ])
    return json_response(200, ITEMS)


async def aws_missing_token(request: Request, rest: str, state: State) -> Response:
    """AWS API Gateway, stage ``prod``: only GET /prod/items exists, anything else is refused."""
    if request.method in {"GET", "HEAD"} and rest == "prod/items":
        return json_response(200, ITEMS, {"x-amzn-requestid": str(uuid.uuid4())})
    return aws_error("Missing Authentication Token", "MissingAuthenticationTokenException")


HANDLERS: dict[str, Handler] = {
    "config-unmapped-method": unmapped_method,
    "config-trailing-slash": trailing_slash,
    REDIRECT: redirect,
    "config-api-not-enabled": api_not_enabled,
    "config-aws-missing-auth-token": aws_missing_token,
}
