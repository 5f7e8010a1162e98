"""record(): every exchange of the user's own httpx client, redacted, into a history.

    history = kit.record(client)            # an httpx.Client or AsyncClient; a new History
    store = kit.record(client, kit.open_history("api.sqlite"))
    client = httpx.Client(event_hooks=kit.recording_hooks(history))

Event hooks time each request and turn each response (every redirect hop too) into an
``Exchange`` labelled "recorded", with secrets masked before anything is kept. Refusals and
small bodies are read as evidence; a large successful body is left unread, so a streamed
download still streams (its size comes from Content-Length). Requests that get no response
never reach a response hook, so they are not recorded.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import weakref
from collections.abc import Awaitable, Callable
from typing import Any, Protocol, TypeVar, overload

import httpx

from .._http.exchange import BODY_CAP, Exchange
from .._http.logfilter import install as mask_http_logs
from .store import History

LABEL = "recorded"


class Sink(Protocol):
    """Anything that keeps exchanges: a History, a Store, or your own."""

    def append(self, exchange: Exchange) -> None: ...


S = TypeVar("S", bound=Sink)
Hooks = dict[str, list[Callable[..., Any]]]


class _Recorder:
    """The state the hooks share: the sink and when each in-flight request started."""

    def __init__(self, history: Sink) -> None:
        self.history = history
        self._started: weakref.WeakKeyDictionary[httpx.Request, tuple[dt.datetime, float]] = (
            weakref.WeakKeyDictionary())
        self._lock = threading.Lock()

    def on_request(self, request: httpx.Request) -> None:
        with self._lock:
            self._started[request] = (dt.datetime.now(dt.UTC), time.perf_counter())

    def keep(self, response: httpx.Response) -> None:
        with self._lock:
            started = self._started.pop(response.request, None)
        at, t0 = started if started is not None else (dt.datetime.now(dt.UTC), None)
        elapsed = time.perf_counter() - t0 if t0 is not None else None
        if _is_read(response):
            exchange = Exchange.from_response(response, label=LABEL, started_at=at,
                                              elapsed=elapsed)
        else:
            length = _content_length(response)
            exchange = Exchange.from_response(response, label=LABEL, started_at=at,
                                              elapsed=elapsed, body=b"", body_size=length or 0,
                                              truncated=length != 0)
        self.history.append(exchange)


def _content_length(response: httpx.Response) -> int | None:
    try:
        return int(response.headers.get("content-length", ""))
    except ValueError:
        return None


def _worth_reading(response: httpx.Response) -> bool:
    """Refusals and errors are evidence; other bodies only when known to be small."""
    length = _content_length(response)
    return response.status_code >= 400 or (length is not None and length <= BODY_CAP)


def _is_read(response: httpx.Response) -> bool:
    try:
        response.content  # noqa: B018 - raises ResponseNotRead when the body is unread
    except httpx.ResponseNotRead:
        return False
    return True


def _sync_hooks(recorder: _Recorder) -> Hooks:
    def on_response(response: httpx.Response) -> None:
        if _worth_reading(response):
            response.read()
        recorder.keep(response)

    return {"request": [recorder.on_request], "response": [on_response]}


def _async_hooks(recorder: _Recorder) -> dict[str, list[Callable[..., Awaitable[None]]]]:
    async def on_request(request: httpx.Request) -> None:
        recorder.on_request(request)

    async def on_response(response: httpx.Response) -> None:
        if _worth_reading(response):
            await response.aread()
        recorder.keep(response)

    return {"request": [on_request], "response": [on_response]}


def recording_hooks(history: Sink, *, asynchronous: bool = False) -> Hooks:
    """Event hooks that record into ``history``: ``httpx.Client(event_hooks=...)``.

    Pass ``asynchronous=True`` for an ``httpx.AsyncClient`` (its hooks must be coroutines).
    """
    recorder = _Recorder(history)
    return dict(_async_hooks(recorder)) if asynchronous else _sync_hooks(recorder)


@overload
def record(client: httpx.Client | httpx.AsyncClient, history: None = None) -> History: ...
@overload
def record(client: httpx.Client | httpx.AsyncClient, history: S) -> S: ...
def record(client: httpx.Client | httpx.AsyncClient, history: Sink | None = None) -> Sink:
    """Record every exchange ``client`` makes from now on; returns the history it fills.

    Works on an ``httpx.Client`` or an ``httpx.AsyncClient`` (detected); ``history`` is any
    object with ``append(exchange)`` (a ``History``, an ``open_history()`` store), a new
    in-memory ``History`` when None. The client's own hooks are kept and run first.
    """
    if not isinstance(client, httpx.Client | httpx.AsyncClient):
        raise TypeError(f"record() takes an httpx.Client or AsyncClient, not "
                        f"{type(client).__name__}")
    sink: Sink = History() if history is None else history
    mask_http_logs()  # httpx's INFO line would show each recorded URL's query secrets
    hooks = recording_hooks(sink, asynchronous=isinstance(client, httpx.AsyncClient))
    current = client.event_hooks
    client.event_hooks = {  # sync or async hooks, as detected
        "request": [*current.get("request", []), *hooks["request"]],
        "response": [*current.get("response", []), *hooks["response"]],
    }
    return sink
