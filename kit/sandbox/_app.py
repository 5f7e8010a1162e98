"""The ASGI application: top-level routes, the route families, and the ``Edge`` around them.

``Edge`` is what every request meets first, on both listeners: it records the hit, injects the
configured latency, adds a ``Date`` header when a route did not set one, and turns away every
client of the perimeter listener whose address is not on its allowlist.
"""

from __future__ import annotations

import asyncio
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import _access, _auth, _gateway, _perimeter, _policy, _throttle
from ._keys import PINNED_ADDRESSES
from ._model import base_url
from ._pages import http_date, json_response, nginx, not_found
from ._scenarios import ROWS
from ._state import Handler, Hit, State, state_of

FAMILIES: dict[str, Handler] = {
    **_access.HANDLERS, **_perimeter.HANDLERS, **_throttle.HANDLERS, **_auth.HANDLERS,
    **_policy.HANDLERS, **_gateway.HANDLERS,
}
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


async def root(request: Request) -> Response:
    """The public index: every scenario with its cause, method and URL."""
    state = state_of(request)
    values = {"base": state.base_url, "perimeter": state.perimeter_url}
    return json_response(200, [
        {"name": row.name, "cause": row.cause.value, "method": row.method,
         "url": base_url(row, values) + row.path, "description": row.description,
         "generic": row.generic} for row in ROWS])

async def health(request: Request) -> Response:
    """Liveness: always 200."""
    return json_response(200, {"status": "ok"})


async def echo_ip(request: Request) -> Response:
    """The client address as the server sees it."""
    return json_response(200, {"ip": _perimeter.client_ip(request)})


async def family(request: Request) -> Response:
    """Dispatch ``/s/<name>/<rest>`` to the named route family."""
    handler = FAMILIES.get(request.path_params["name"])
    if handler is None:
        return not_found()
    return await handler(request, request.path_params["rest"], state_of(request))


async def fallback(request: Request) -> Response:
    """Anything else: a JSON 404."""
    return not_found()


def _app(routes: list[Route], state: State) -> Starlette:
    app = Starlette(routes=routes)
    app.router.redirect_slashes = False
    app.state.sandbox = state
    return app


class Edge:
    """The outermost ASGI layer on both listeners (see the module docstring)."""

    def __init__(self, state: State) -> None:
        self.state = state
        self.main: ASGIApp = _app([
            Route("/", root, methods=METHODS),
            Route("/health", health, methods=METHODS),
            Route("/ip", echo_ip, methods=METHODS),
            Route("/live/items", _throttle.live, methods=METHODS),
            Route("/s/{name}/{rest:path}", family, methods=METHODS),
            Route("/{path:path}", fallback, methods=METHODS),
        ], state)
        self.perimeter: ASGIApp = _app(
            [Route("/{path:path}", _perimeter.perimeter_api, methods=METHODS)], state)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Record, delay, date-stamp and route one request."""
        if scope["type"] != "http":
            await self.main(scope, receive, send)
            return
        arrived = time.time()
        client = scope["client"][0] if scope.get("client") else ""
        port = scope["server"][1] if scope.get("server") else 0
        recorded = False

        def record(status: int) -> None:
            nonlocal recorded
            recorded = True
            self.state.record(Hit(
                method=scope["method"], path=scope["path"],
                query=scope["query_string"].decode("latin-1"), headers=_headers(scope),
                client_ip=client, port=port, status=status, at=arrived))

        async def stamped(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if not any(name.lower() == b"date" for name, _ in headers):
                    headers.append((b"date", http_date(time.time()).encode()))
                message = {**message, "headers": headers}
                record(message["status"])  # before the client can see the response
            await send(message)

        try:
            if self.state.latency > 0:
                await asyncio.sleep(self.state.latency)
            if port != self.state.perimeter_port:
                await self.main(scope, receive, stamped)
            elif client in PINNED_ADDRESSES:
                await self.perimeter(scope, receive, stamped)
            else:
                await nginx(403)(scope, receive, stamped)
        finally:
            if not recorded:  # the app failed or the client left before any response
                record(0)

def _headers(scope: Scope) -> dict[str, str]:
    headers: dict[str, str] = {}
    for raw_name, raw_value in scope["headers"]:
        name, value = raw_name.decode("latin-1").lower(), raw_value.decode("latin-1")
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    return headers
