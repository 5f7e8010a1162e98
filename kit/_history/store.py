"""Request history: in memory (`History`) or in SQLite (`open_history(path)` -> `Store`).

Both keep redacted Exchanges in time order, append-only, and answer the same calls as a log:
iteration, ``between(start, end)``, ``count_by_window(window, ...)`` and ``len()``. The store
outlives the kernel; its one table is

    exchanges(id, t, status, method, path, client, rl_limit, rl_remaining, rl_reset, exchange)

with an index on (t, id), triggers that refuse UPDATE and DELETE, a WAL journal, and one lock
per Store so several threads can append through it at once. ``t`` is epoch seconds (UTC),
``path`` the endpoint (the URL path, no query, ids as {id}), ``client`` who called (see
``client_of``), ``rl_*`` the tightest rate limit the response announced (any convention), and
``exchange`` the Exchange as JSON, already redacted when it was built.
"""

from __future__ import annotations

import bisect
import dataclasses
import datetime as dt
import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from .._http.exchange import Exchange
from .._http.ratelimit import headroom, parse_rate_limits
from .keys import client_of, endpoint_of
from .windows import WindowRow, parse_window

NO_RESPONSE = 0
"""The status counted in ``by_status`` for a request that got no response."""
_PAGE = 500
_SCHEMA = """
CREATE TABLE IF NOT EXISTS exchanges (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    t REAL NOT NULL,
    status INTEGER,
    method TEXT NOT NULL,
    path TEXT NOT NULL,
    client TEXT,
    rl_limit INTEGER,
    rl_remaining INTEGER,
    rl_reset REAL,
    exchange TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS exchanges_by_time ON exchanges (t, id);
CREATE TRIGGER IF NOT EXISTS exchanges_no_update BEFORE UPDATE ON exchanges
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
CREATE TRIGGER IF NOT EXISTS exchanges_no_delete BEFORE DELETE ON exchanges
BEGIN SELECT RAISE(ABORT, 'the history is append-only'); END;
PRAGMA user_version = 1;
"""


def stamped(exchange: Exchange) -> Exchange:
    """The exchange with a UTC ``started_at`` (naive read as UTC; missing set to now)."""
    at = exchange.started_at
    if at is not None and at.tzinfo is dt.UTC:
        return exchange
    return dataclasses.replace(exchange, started_at=utc(at or dt.datetime.now(dt.UTC)))


def utc(moment: dt.datetime) -> dt.datetime:
    """An aware UTC datetime (a naive one is read as UTC)."""
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def window_seconds(window: str | dt.timedelta) -> int:
    """A window as whole seconds (windows are aligned to the epoch, so at least one second)."""
    seconds = parse_window(window).total_seconds()
    if seconds < 1 or seconds != int(seconds):
        raise ValueError(f"a window must be a whole number of seconds, not {window!r}")
    return int(seconds)


class Tally:
    """Mutable counts for one window while counting (WindowRow is the frozen result)."""

    __slots__ = ("by_client", "by_endpoint", "by_status", "total")

    def __init__(self) -> None:
        self.total = 0
        self.by_status: Counter[int] = Counter()
        self.by_endpoint: Counter[str] = Counter()
        self.by_client: Counter[str] = Counter()


def rows_from(tallies: dict[int, Tally], seconds: int) -> list[WindowRow]:
    """WindowRows sorted by start, with empty windows between the first and last filled in."""
    if not tallies:
        return []
    out = []
    for start in range(min(tallies), max(tallies) + seconds, seconds):
        t = tallies.get(start) or Tally()
        out.append(WindowRow(dt.datetime.fromtimestamp(start, dt.UTC), t.total,
                             dict(sorted(t.by_status.items())), dict(t.by_endpoint),
                             dict(t.by_client)))
    return out


def count_exchanges(exchanges: Iterable[Exchange], window: str | dt.timedelta, *,
                    by_endpoint: bool = False, by_client: bool = False) -> list[WindowRow]:
    """Count exchanges per epoch-aligned UTC window, in Python (exchanges without a time skip)."""
    seconds = window_seconds(window)
    tallies: dict[int, Tally] = {}
    for ex in exchanges:
        if ex.started_at is None:
            continue
        epoch = int(utc(ex.started_at).timestamp())
        tally = tallies.setdefault(epoch - epoch % seconds, Tally())
        tally.total += 1
        tally.by_status[ex.status if ex.status is not None else NO_RESPONSE] += 1
        if by_endpoint:
            tally.by_endpoint[endpoint_of(ex)] += 1
        client = client_of(ex) if by_client else None
        if client is not None:
            tally.by_client[client] += 1
    return rows_from(tallies, seconds)


class History:
    """Exchanges in memory, in time order; append-only and safe to append from many threads."""

    def __init__(self, exchanges: Iterable[Exchange] = ()) -> None:
        self._lock = threading.Lock()
        self._items: list[Exchange] = []
        self.extend(exchanges)

    def append(self, exchange: Exchange) -> None:
        """Keep one exchange (placed by its start time; ties keep arrival order)."""
        self.extend((exchange,))

    def extend(self, exchanges: Iterable[Exchange]) -> None:
        """Keep many exchanges."""
        new = [stamped(ex) for ex in exchanges]
        with self._lock:
            for ex in new:  # in order at the end (the usual case) or placed by bisection
                if not self._items or _moment(self._items[-1]) <= _moment(ex):
                    self._items.append(ex)
                else:
                    bisect.insort_right(self._items, ex, key=_moment)

    def __iter__(self) -> Iterator[Exchange]:
        with self._lock:
            return iter(list(self._items))

    def __len__(self) -> int:
        return len(self._items)

    def between(self, start: dt.datetime, end: dt.datetime) -> Iterator[Exchange]:
        """Exchanges with ``start <= started_at < end``, in time order."""
        return (ex for ex in self if start <= _moment(ex) < end)

    def span(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The first and last start time; None when empty."""
        with self._lock:
            items = self._items
            return (_moment(items[0]), _moment(items[-1])) if items else None

    def count_by_window(self, window: dt.timedelta, *, by_endpoint: bool = False,
                        by_client: bool = False) -> list[WindowRow]:
        """Counts per window (see ``kit.error_rates``)."""
        return count_exchanges(self, window, by_endpoint=by_endpoint, by_client=by_client)

    def __repr__(self) -> str:
        return f"<History {len(self)} exchanges>"


class Store:
    """An append-only SQLite history (see the module docstring); open it with open_history()."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, timeout=30.0, isolation_level=None,
                                   check_same_thread=False)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(_SCHEMA)

    def append(self, exchange: Exchange) -> None:
        """Store one exchange."""
        self.extend((exchange,))

    def extend(self, exchanges: Iterable[Exchange]) -> None:
        """Store many exchanges in one transaction."""
        rows = [_row(stamped(ex)) for ex in exchanges]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO exchanges (t, status, method, path, client, rl_limit,"
                    " rl_remaining, rl_reset, exchange) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def __iter__(self) -> Iterator[Exchange]:
        return self._select(float("-inf"), float("inf"))

    def between(self, start: dt.datetime, end: dt.datetime) -> Iterator[Exchange]:
        """Exchanges with ``start <= started_at < end``, in time order (read page by page)."""
        return self._select(start.timestamp(), end.timestamp())

    def _select(self, start: float, end: float) -> Iterator[Exchange]:
        after: tuple[float, int] = (float("-inf"), 0)
        while True:  # pages, so other threads can append between them through the one connection
            with self._lock:
                page = self._db.execute(
                    "SELECT t, id, exchange FROM exchanges WHERE t >= ? AND t < ?"
                    " AND (t, id) > (?, ?) ORDER BY t, id LIMIT ?",
                    (start, end, *after, _PAGE)).fetchall()
            yield from (Exchange.from_json(text) for _, _, text in page)
            if len(page) < _PAGE:
                return
            after = (page[-1][0], page[-1][1])

    def span(self) -> tuple[dt.datetime, dt.datetime] | None:
        """The first and last start time (from the index); None when empty."""
        with self._lock:
            first, last = self._db.execute("SELECT MIN(t), MAX(t) FROM exchanges").fetchone()
        if first is None:
            return None
        return dt.datetime.fromtimestamp(first, dt.UTC), dt.datetime.fromtimestamp(last, dt.UTC)

    def __len__(self) -> int:
        with self._lock:
            count: int = self._db.execute("SELECT COUNT(*) FROM exchanges").fetchone()[0]
        return count

    def count_by_window(self, window: dt.timedelta, *, by_endpoint: bool = False,
                        by_client: bool = False) -> list[WindowRow]:
        """Counts per epoch-aligned UTC window, by SQL GROUP BY (same answer as in Python)."""
        seconds = window_seconds(window)
        tallies: dict[int, Tally] = {}
        start = f"(CAST(t AS INTEGER) / {seconds}) * {seconds}"  # an int, not user text
        queries = [("status", f"COALESCE(status, {NO_RESPONSE})", "")]
        if by_endpoint:
            queries.append(("by_endpoint", "path", ""))
        if by_client:
            queries.append(("by_client", "client", "WHERE client IS NOT NULL"))
        with self._lock:
            for name, column, where in queries:
                for window_at, key, count in self._db.execute(
                        f"SELECT {start} AS w, {column} AS k, COUNT(*) FROM exchanges"  # noqa: S608
                        f" {where} GROUP BY w, k"):
                    tally = tallies.setdefault(window_at, Tally())
                    if name == "status":
                        tally.total += count
                        tally.by_status[key] += count
                    else:
                        getattr(tally, name)[key] += count
        return rows_from(tallies, seconds)

    def to_parquet(self, directory: str | Path) -> Path:
        """The stored exchanges as the Parquet a log exports (partitioned by UTC day)."""
        from .tablelog import exchanges_to_parquet

        return exchanges_to_parquet(self, directory, "history")

    def close(self) -> None:
        """Flush and close; the file keeps everything for the next open_history()."""
        with self._lock:
            self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {str(self.path)!r}>"


def open_history(path: str | Path) -> Store:
    """Open (or create) the SQLite history at ``path``; everything stored before is kept."""
    return Store(path)


def _moment(exchange: Exchange) -> dt.datetime:
    assert exchange.started_at is not None  # stamped() set it
    return exchange.started_at


def _row(ex: Exchange) -> tuple[Any, ...]:
    at = _moment(ex)
    tight = headroom(limits := parse_rate_limits(ex.response_headers, now=at)) or (
        limits[0] if limits else None)
    return (at.timestamp(), ex.status, ex.method, endpoint_of(ex), client_of(ex),
            tight.limit if tight else None, tight.remaining if tight else None,
            tight.reset.timestamp() if tight and tight.reset else None, ex.to_json())
