"""Route families for the ``permissions`` and ``api_key`` scenarios.

Each family is one small API with its own conventions; a handler gets the request, the path
below ``/s/<name>/`` and the shared state, and answers the way that kind of server does.
"""

from __future__ import annotations

import json
import uuid

from starlette.requests import Request
from starlette.responses import Response

from . import _keys as keys
from ._jwt import DESCRIPTIONS, Verdict, bearer, verify
from ._pages import (
    aws_error,
    bearer_challenge,
    error_info,
    google_error,
    index,
    json_response,
    nginx,
    not_found,
)
from ._state import Handler, State

ITEMS = [{"id": 1, "name": "sbx widget"}, {"id": 2, "name": "sbx gadget"}]
REPORT = {"report": "quarterly", "rows": 3}
GOOGLE_SERVICE = "sandbox.googleapis.example"


def google_key(request: Request) -> str | None:
    """A Google-style key from the ``key`` query parameter or ``X-Goog-Api-Key``."""
    return request.query_params.get("key") or request.headers.get("x-goog-api-key")


def google_key_refusal(key: str | None, known: set[str]) -> Response | None:
    """Google's answers for a missing (403) or unknown (400) key; None when the key is known."""
    if not key:
        return google_error(403, "PERMISSION_DENIED", (
            "Method doesn't allow unregistered callers (callers without established identity)."
            " Please use API Key or other form of API consumer identity to call this API."))
    if key not in known:
        return google_error(400, "INVALID_ARGUMENT",
                            "API key not valid. Please pass a valid API key.",
                            [error_info("API_KEY_INVALID", service=GOOGLE_SERVICE)])
    return None


async def insufficient_scope(request: Request, rest: str, state: State) -> Response:
    """OAuth resource server: each path needs a scope; RFC 6750 errors."""
    needs = {"items": "items:read", "admin/reports": "reports:read"}
    if rest == "":
        return index("reports-api", list(needs))
    if rest not in needs:
        return not_found()
    checked = verify(bearer(request), state.secret, audience=state.base_url, now=state.now())
    if checked.verdict is Verdict.MISSING:
        return bearer_challenge(401)
    if checked.verdict is not Verdict.OK:
        return bearer_challenge(401, error="invalid_token",
                                description=DESCRIPTIONS[checked.verdict])
    if needs[rest] not in str(checked.claims.get("scope", "")).split():
        return bearer_challenge(
            403, error="insufficient_scope", scope=needs[rest],
            description=f"The request requires higher privileges than provided by the token "
                        f"(needs {needs[rest]})")
    return json_response(200, REPORT if rest == "admin/reports" else ITEMS)


async def read_key_on_write(request: Request, rest: str, state: State) -> Response:
    """An API with read-only and read-write keys."""
    if rest == "":
        return index("items-api", ["items"])
    if rest != "items":
        return not_found()
    key = request.headers.get("x-api-key")
    if not key:
        return json_response(401, {"message": "Missing API key"})
    if key not in {keys.READ, keys.WRITE, keys.LIVE}:
        return json_response(401, {"message": "Invalid API key"})
    if request.method in {"GET", "HEAD"}:
        return json_response(200, ITEMS)
    if request.method != "POST":
        return json_response(405, {"message": "Method not allowed"}, {"allow": "GET, HEAD, POST"})
    if key == keys.READ:
        return json_response(
            403, {"message": "This API key is read-only; the items:write permission is required"})
    try:
        item = json.loads(await request.body())
    except ValueError:
        return json_response(400, {"message": "Request body must be a JSON object"})
    if not isinstance(item, dict):
        return json_response(400, {"message": "Request body must be a JSON object"})
    created = {"id": 3, **item}
    return json_response(201, created, {"location": f"{state.base_url}{request.url.path}/3"})


async def permissions_generic(request: Request, rest: str, state: State) -> Response:
    """Behind nginx: members read items, only admins read reports; every refusal is bare."""
    if rest == "":
        return index("reports-api", ["items", "reports"])
    if rest not in {"items", "reports"}:
        return nginx(404)
    key = request.headers.get("x-api-key")
    if key not in {keys.MEMBER, keys.ADMIN}:
        return nginx(401)
    if rest == "reports" and key != keys.ADMIN:
        return nginx(403)
    return json_response(200, REPORT if rest == "reports" else ITEMS)


async def permissions_google(request: Request, rest: str, state: State) -> Response:
    """A Google-style API where a viewer key may not read secrets."""
    if rest == "":
        return index("secrets-api", ["v1/projects/sbx-demo/secrets"])
    if rest != "v1/projects/sbx-demo/secrets":
        return google_error(404, "NOT_FOUND", "Requested entity was not found.")
    key = google_key(request)
    refusal = google_key_refusal(key, {keys.GOOGLE_VIEWER, keys.GOOGLE_OWNER})
    if refusal is not None:
        return refusal
    if key != keys.GOOGLE_OWNER:
        return google_error(403, "PERMISSION_DENIED", "The caller does not have permission")
    return json_response(200, {"secrets": [{"name": "projects/sbx-demo/secrets/sbx-db"}]})


async def api_key_missing(request: Request, rest: str, state: State) -> Response:
    """AWS API Gateway with a usage plan: x-api-key required, unmapped routes refused."""
    if (request.method, rest) not in {("GET", "items"), ("HEAD", "items")}:
        return aws_error("Missing Authentication Token", "MissingAuthenticationTokenException")
    if request.headers.get("x-api-key") != keys.LIVE:
        return aws_error("Forbidden", "ForbiddenException")
    return json_response(200, ITEMS, {"x-amzn-requestid": str(uuid.uuid4())})


async def api_key_revoked(request: Request, rest: str, state: State) -> Response:
    """An open root; items need a live key; anything else about the key gets the bare 403."""
    if rest == "":
        return index("items-api", ["items"])
    if rest != "items":
        return nginx(404)
    if request.headers.get("x-api-key") != keys.LIVE:
        return nginx(403)
    return json_response(200, ITEMS)


async def api_key_wrong_header(request: Request, rest: str, state: State) -> Response:
    """A Kong-style key-auth gateway reading only ``X-API-Key``."""
    if rest not in {"", "items"}:
        return json_response(404, {"message": "no Route matched with those values"})
    key = request.headers.get("x-api-key")
    challenge = {"www-authenticate": 'Key realm="sandbox"'}
    if not key:
        return json_response(
            401, {"error": "unauthorized", "message": "No API key found in request"}, challenge)
    if key != keys.LIVE:
        return json_response(
            401, {"error": "unauthorized", "message": "Invalid authentication credentials"},
            challenge)
    return json_response(200, ITEMS if rest else {"api": "items-api", "status": "ok"})


async def api_key_whitespace(request: Request, rest: str, state: State) -> Response:
    """An API reading ``api_key`` from the query string and comparing it exactly."""
    if rest == "":
        return index("items-api", ["items"])
    if rest != "items":
        return not_found()
    key = request.query_params.get("api_key")
    if key is None:
        return json_response(401, {"error": "missing_key"})
    if key != keys.LIVE:
        return json_response(403, {"error": "invalid_key"})
    return json_response(200, ITEMS)


HANDLERS: dict[str, Handler] = {
    "permissions-insufficient-scope": insufficient_scope,
    "permissions-read-key-on-write": read_key_on_write,
    "permissions-generic": permissions_generic,
    "permissions-google-style": permissions_google,
    "api-key-missing": api_key_missing,
    "api-key-revoked": api_key_revoked,
    "api-key-wrong-header": api_key_wrong_header,
    "api-key-whitespace": api_key_whitespace,
}
