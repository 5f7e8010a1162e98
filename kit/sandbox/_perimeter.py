"""Route families for the ``ip_allowlist`` scenarios, and the perimeter listener's own API.

The perimeter listener is a whole site behind an address allowlist: ``app.Edge`` answers every
request from elsewhere with the bare 403 page before it reaches ``perimeter_api``.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import _keys as keys
from ._access import ITEMS, google_key, google_key_refusal
from ._pages import error_info, google_error, index, json_response, not_found
from ._state import Handler, State


def client_ip(request: Request) -> str:
    """The peer address of the connection (proxy headers are never trusted)."""
    return request.client.host if request.client else ""


def _keyed_items(request: Request) -> Response:
    key = request.headers.get("x-api-key")
    if not key:
        return json_response(401, {"error": "unauthorized", "message": "API key required"})
    if key not in {keys.LIVE, keys.PINNED}:
        return json_response(401, {"error": "unauthorized", "message": "Invalid API key"})
    return json_response(200, ITEMS)


async def perimeter_api(request: Request) -> Response:
    """The API behind the perimeter, as seen from an admitted address."""
    path = request.url.path
    if path == "/":
        return index("perimeter-api", ["v1/items"])
    if path == "/health":
        return json_response(200, {"status": "ok"})
    if path == "/v1/items":
        return _keyed_items(request)
    return not_found()


async def ip_allowlist_json(request: Request, rest: str, state: State) -> Response:
    """A key pinned to a set of client addresses; the refusal names the address it saw."""
    if rest == "":
        return index("items-api", ["items"])
    if rest != "items":
        return not_found()
    ip = client_ip(request)
    if request.headers.get("x-api-key") == keys.PINNED and ip not in keys.PINNED_ADDRESSES:
        return json_response(403, {
            "error": "forbidden",
            "message": f"Client address {ip} is not in this key's allowlist"})
    return _keyed_items(request)


async def ip_allowlist_referrer(request: Request, rest: str, state: State) -> Response:
    """A Google-style key restricted to one website's HTTP referrer."""
    if rest == "":
        return index("geocoding-api", ["v1/geocode"])
    if rest != "v1/geocode":
        return google_error(404, "NOT_FOUND", "Requested entity was not found.")
    key = google_key(request)
    refusal = google_key_refusal(key, {keys.GOOGLE_REFERRER})
    if refusal is not None:
        return refusal
    referer = request.headers.get("referer", "")
    if not referer.startswith(keys.ALLOWED_REFERRER):
        shown = referer or "<empty>"
        message = f"Requests from referer {shown} are blocked."
        return google_error(403, "PERMISSION_DENIED", message, [
            error_info("API_KEY_HTTP_REFERRER_BLOCKED", httpReferrer=shown,
                       consumer="projects/1234", service="geocoding.sandbox.googleapis.example"),
        ])
    address = request.query_params.get("address", "")
    return json_response(200, {"results": [{"formatted_address": address,
                                            "location": {"lat": 0.0, "lng": 0.0}}],
                               "status": "OK"})


HANDLERS: dict[str, Handler] = {
    "ip-allowlist-json": ip_allowlist_json,
    "ip-allowlist-referrer": ip_allowlist_referrer,
}
