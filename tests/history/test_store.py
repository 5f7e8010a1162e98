"""The history: in memory and in SQLite, append-only, in time order, counted by window."""

from __future__ import annotations

import datetime as dt
import random
import sqlite3
import threading
from pathlib import Path

import pytest

import kit
from kit._history.store import client_of, count_exchanges, endpoint_of

T0 = dt.datetime(2024, 5, 14, 9, 0, tzinfo=dt.UTC)
PATHS = ("/v1/items", "/v1/orders", "/health")
CLIENTS = ("198.51.100.10", "203.0.113.5", None)


def exchange(seconds: float, status: int | None = 200, path: str = "/v1/items",
             client: str | None = "198.51.100.10", **extra: object) -> kit.Exchange:
    return kit.Exchange(method="GET", url=f"https://api.example.com{path}?page=2",
                        status=status, started_at=T0 + dt.timedelta(seconds=seconds),
                        local_address=client, label="test", **extra)  # type: ignore[arg-type]


def mixed(count: int, seed: int = 7) -> list[kit.Exchange]:
    rng = random.Random(seed)
    return [exchange(rng.uniform(0, 3600), rng.choice((200, 200, 200, 403, 429, 500, None)),
                     rng.choice(PATHS), rng.choice(CLIENTS)) for _ in range(count)]


def test_store_survives_reopening(tmp_path: Path) -> None:
    """Write, close, reopen: the same records come back, in time order."""
    records = mixed(300)
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.extend(records[:200])
        for ex in records[200:]:
            store.append(ex)
    with kit.open_history(tmp_path / "h.sqlite") as store:
        back = list(store)
        assert len(store) == 300
    expected = sorted(records, key=lambda ex: ex.started_at or T0)
    assert [ex.to_dict() for ex in back] == [ex.to_dict() for ex in expected]


def test_reopened_store_keeps_appending(tmp_path: Path) -> None:
    """A reopened store adds to what was there and keeps the time order across sessions."""
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.append(exchange(60))
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.append(exchange(30))
        assert [ex.started_at for ex in store] == [T0 + dt.timedelta(seconds=s) for s in (30, 60)]


def test_in_memory_history_keeps_time_order_and_arrival_order_on_ties() -> None:
    """History sorts by start time; equal times stay in the order they arrived."""
    history = kit.History([exchange(5, path="/b"), exchange(1)])
    history.append(exchange(5, path="/c"))
    history.append(exchange(3))
    assert [(ex.started_at, endpoint_of(ex)) for ex in history] == [
        (T0 + dt.timedelta(seconds=1), "/v1/items"), (T0 + dt.timedelta(seconds=3), "/v1/items"),
        (T0 + dt.timedelta(seconds=5), "/b"), (T0 + dt.timedelta(seconds=5), "/c")]


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_several_writer_threads_lose_nothing(tmp_path: Path, kind: str) -> None:
    """Eight threads appending at once through one history: every record is kept, once."""
    history = kit.History() if kind == "memory" else kit.open_history(tmp_path / "h.sqlite")
    barrier = threading.Barrier(8)

    def write(worker: int) -> None:
        barrier.wait()
        for i in range(150):
            history.append(exchange(i, path=f"/w{worker}/n{i}"))
        history.extend(exchange(i, path=f"/w{worker}/x{i}") for i in range(50))

    threads = [threading.Thread(target=write, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    seen = [endpoint_of(ex) for ex in history]  # reading while others write is safe too
    for thread in threads:
        thread.join()
    assert len(seen) <= 1600
    paths = [endpoint_of(ex) for ex in history]
    assert len(history) == 1600
    assert len(set(paths)) == 1600
    if isinstance(history, kit.Store):
        history.close()


def test_store_is_append_only(tmp_path: Path) -> None:
    """No API removes or changes a record, the database refuses it too, and the file grows."""
    path = tmp_path / "h.sqlite"
    with kit.open_history(path) as store:
        store.extend(mixed(50))
    for name in ("delete", "remove", "update", "clear", "pop", "truncate", "__delitem__"):
        assert not hasattr(kit.Store, name)
        assert not hasattr(kit.History, name)
    raw = sqlite3.connect(path)
    try:
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("DELETE FROM exchanges")
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            raw.execute("UPDATE exchanges SET status = 200")
    finally:
        raw.close()
    before = path.stat().st_size
    with kit.open_history(path) as store:
        store.extend(mixed(2000, seed=8))
        assert len(store) == 2050
    assert path.stat().st_size > before


@pytest.mark.parametrize("window", ["1s", "10s", "7s", "1min", "5min", "1h"])
def test_count_by_window_equals_the_python_fallback(tmp_path: Path, window: str) -> None:
    """SQL GROUP BY gives exactly the rows Python counting gives, dimensions included."""
    records = mixed(800)
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.extend(records)
        stored = list(store)
        for flags in ({}, {"by_endpoint": True}, {"by_client": True},
                      {"by_endpoint": True, "by_client": True}):
            fast = store.count_by_window(kit.parse_window(window), **flags)
            assert fast == count_exchanges(records, window, **flags)
            assert fast == kit.error_rates(stored, window, **flags)


def test_between_is_half_open_in_both_histories(tmp_path: Path) -> None:
    """between(start, end) keeps start and leaves out end, the same in memory and in SQLite."""
    records = [exchange(s) for s in (0, 59.5, 60, 61, 120)]
    start, end = T0 + dt.timedelta(seconds=59.5), T0 + dt.timedelta(seconds=120)
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.extend(records)
        from_store = [ex.started_at for ex in store.between(start, end)]
    in_memory = [ex.started_at for ex in kit.History(records).between(start, end)]
    assert from_store == in_memory == [T0 + dt.timedelta(seconds=s) for s in (59.5, 60, 61)]


def test_store_pages_through_many_records_in_order(tmp_path: Path) -> None:
    """Iteration reads page by page and still yields every record in time order."""
    records = [exchange(i / 10) for i in range(1234)]
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.extend(reversed(records))
        times = [ex.started_at for ex in store]
    assert times == [ex.started_at for ex in records]


def test_times_are_kept_in_utc(tmp_path: Path) -> None:
    """An offset time is stored as the same instant in UTC; a naive one is read as UTC."""
    plus2 = dt.datetime(2024, 5, 14, 11, 0, tzinfo=dt.timezone(dt.timedelta(hours=2)))
    naive = dt.datetime(2024, 5, 14, 9, 30)
    records = [kit.Exchange("GET", "https://a.example/x", status=200, started_at=plus2),
               kit.Exchange("GET", "https://a.example/y", status=200, started_at=naive)]
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.extend(records)
        stored = [ex.started_at for ex in store]
    assert stored == [T0, T0 + dt.timedelta(minutes=30)]
    assert all(at is not None and at.tzinfo is dt.UTC for at in stored)


def test_store_columns_hold_endpoint_client_and_rate_limit(tmp_path: Path) -> None:
    """The side columns carry the path, the client and the tightest limit of any convention."""
    headers = (("RateLimit-Policy", '"burst";q=100;w=60'), ("RateLimit", '"burst";r=7;t=30'))
    record = exchange(0, 429, "/v1/orders", "[2001:db8::1f]:443", response_headers=headers)
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.append(record)
    raw = sqlite3.connect(tmp_path / "h.sqlite")
    try:
        row = raw.execute("SELECT status, method, path, client, rl_limit, rl_remaining, rl_reset"
                          " FROM exchanges").fetchone()
    finally:
        raw.close()
    assert row == (429, "GET", "/v1/orders", "2001:db8::1f", 100, 7, T0.timestamp() + 30)


def test_endpoint_and_client_are_named_as_logs_name_them() -> None:
    """Endpoints drop the query and template ids; a client is a log's caller address, else the
    recorded request's masked key, else its local address (port dropped)."""
    assert endpoint_of(exchange(0, path="/v1/items/42")) == "/v1/items/{id}"
    log_line = kit.Exchange("GET", "/v1/items?page=2", status=200, label="log",
                            remote_address="2001:db8::1f", local_address="10.0.0.1")
    assert client_of(log_line) == "2001:db8::1f"
    assert endpoint_of(log_line) == "/v1/items"
    assert client_of(exchange(0, client="198.51.100.10:5123")) == "198.51.100.10"
    assert client_of(exchange(0, client="[2001:db8::1f]:443")) == "2001:db8::1f"
    keyed = kit.Exchange.from_dict({
        "method": "GET", "url": "https://a.example/", "local_address": "127.0.0.1:5000",
        "credentials": [{"location": "header", "name": "X-API-Key", "kind": "api_key",
                         "masked": "[secure … 20 chars #abc123]", "length": 20}]})
    assert client_of(keyed) == "[secure … 20 chars #abc123]"
    assert client_of(kit.Exchange("GET", "https://a.example/")) is None
