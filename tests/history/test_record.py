"""The recorder: the user's own httpx clients, sync and async, into a redacted history."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

import kit

CANARY = "canary-Zq8uX1vT4wK7pR2s"


def check_recorded(history: kit.History, statuses: list[int]) -> None:
    records = list(history)
    assert [ex.status for ex in records] == statuses
    for ex in records:
        assert ex.label == "recorded"
        assert ex.started_at is not None
        assert ex.started_at.tzinfo is dt.UTC
        assert ex.elapsed is not None
        assert 0 < ex.elapsed < 10
        assert ex.local_address is not None
        assert ex.local_address.startswith("127.0.0.1:")


def test_record_captures_a_sync_client(sandbox: Any) -> None:
    """Every response of a recorded httpx.Client lands in the history, in order, with timing."""
    waf = sandbox.scenario("waf-user-agent")
    with httpx.Client() as client:
        history = kit.record(client)
        client.get(sandbox.url + "/health")
        client.get(waf.url, headers=waf.headers)
    check_recorded(history, [200, 403])
    refused = list(history)[1]
    assert refused.body
    assert refused.body_size == len(refused.body.encode())
    assert refused.url == waf.url


def test_record_captures_an_async_client(sandbox: Any) -> None:
    """An httpx.AsyncClient is detected and recorded through coroutine hooks."""
    waf = sandbox.scenario("waf-user-agent")

    async def run() -> kit.History:
        async with httpx.AsyncClient() as client:
            history = kit.record(client)
            await asyncio.gather(client.get(sandbox.url + "/health"))
            await client.get(waf.url, headers=waf.headers)
            return history

    check_recorded(asyncio.run(run()), [200, 403])


def test_recorded_exchanges_carry_no_secret(sandbox: Any, tmp_path: Path) -> None:
    """A canary key in a header, a bearer token and the query is nowhere in what is kept."""
    path = tmp_path / "recorded.sqlite"
    store = kit.open_history(path)
    headers = {"X-API-Key": CANARY, "Authorization": f"Bearer {CANARY}x"}
    with httpx.Client(headers=headers) as client:
        kit.record(client, store)
        client.get(sandbox.url + "/health", params={"api_key": CANARY})
        client.get(sandbox.scenario("waf-user-agent").url, params={"api_key": CANARY})

    async def run() -> None:
        async with httpx.AsyncClient(headers=headers) as client:
            kit.record(client, store)
            await client.get(sandbox.url + "/health", params={"api_key": CANARY})

    asyncio.run(run())
    records = list(store)
    assert len(records) == 3
    for ex in records:
        assert CANARY not in ex.to_json()
        assert CANARY not in json.dumps(ex.to_dict(), default=str)
        assert CANARY not in repr(ex) + ex.summary()
        assert ex.credentials  # the key was seen, and described without its value
    live = b"".join(p.read_bytes() for p in tmp_path.iterdir())  # database and WAL, still open
    store.close()
    closed = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    assert CANARY.encode() not in live
    assert b"/health" in live  # the check reads the data that is really there
    assert CANARY.encode() not in closed
    assert b"/health" in closed  # the records themselves are there


def test_recording_hooks_for_a_client_built_by_hand(sandbox: Any) -> None:
    """recording_hooks() goes straight into httpx.Client(event_hooks=...), sync and async."""
    history = kit.History()
    with httpx.Client(event_hooks=kit.recording_hooks(history)) as client:
        client.get(sandbox.url + "/health")

    async def run() -> None:
        hooks = kit.recording_hooks(history, asynchronous=True)
        async with httpx.AsyncClient(event_hooks=hooks) as client:
            await client.get(sandbox.url + "/health")

    asyncio.run(run())
    check_recorded(history, [200, 200])


def test_record_keeps_the_clients_own_hooks() -> None:
    """A hook the user installed still runs, before the recorder's."""
    calls: list[str] = []
    transport = httpx.MockTransport(lambda request: httpx.Response(403, text="no"))
    hooks = {"response": [lambda response: calls.append(response.text)]}
    with httpx.Client(transport=transport, event_hooks=hooks) as client:
        history = kit.record(client)
        client.get("http://127.0.0.1:9/x")
    assert calls == ["no"]
    assert [ex.body for ex in history] == ["no"]


def test_a_large_streamed_success_still_streams() -> None:
    """A big successful body is not read by the recorder: the caller streams all of it."""
    def chunks() -> Iterator[bytes]:
        yield from (b"x" * 1000 for _ in range(200))

    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=chunks()))
    with httpx.Client(transport=transport) as client:
        history = kit.record(client)
        with client.stream("GET", "http://127.0.0.1:9/big") as response:
            received = sum(len(part) for part in response.iter_bytes())
    assert received == 200_000
    (ex,) = list(history)
    assert ex.status == 200
    assert ex.body == ""
    assert ex.body_truncated


def test_record_into_a_store_returns_that_store(tmp_path: Path) -> None:
    """record(client, store) fills and returns the store it was given."""
    transport = httpx.MockTransport(lambda request: httpx.Response(429))
    with kit.open_history(tmp_path / "h.sqlite") as store, \
            httpx.Client(transport=transport) as client:
        assert kit.record(client, store) is store
        client.get("http://127.0.0.1:9/x")
        assert [ex.status for ex in store] == [429]


def test_record_refuses_what_is_not_an_httpx_client() -> None:
    """Anything but an httpx.Client or AsyncClient is a TypeError."""
    with pytest.raises(TypeError, match=r"httpx\.Client"):
        kit.record(object())  # type: ignore[call-overload]


def test_the_kits_own_sender_works_through_a_recorded_client(sandbox):
    """A client whose recorder hook already read the body still gives probes a full Exchange."""
    import time

    from kit._http.probe import Probe, send

    with kit.make_client(timeout=5.0) as client:
        history = kit.record(client)
        scenario = sandbox.scenario("rate-limit-quota")
        probe = Probe("GET", scenario.request()["url"], tuple(scenario.headers.items()))
        exchange = send(probe, client=client, deadline=time.monotonic() + 5)
    assert exchange.status == 403
    assert "quota" in exchange.body.lower()
    assert len(list(history)) == 1
