"""Counting a log per time window, fast: DuckDB reads the file itself; plain Python otherwise.

Why DuckDB. ``benchmarks/log_engine.py`` turns a combined-format log into per-minute counts by
status, whole process (Python start and imports included), on the project's 2-core machine,
best of 3 runs (wall seconds / peak MB):

===================================  ============  ============
contender                            1M lines      5M lines
===================================  ============  ============
GoAccess 1.7 (Debian)                12.9 / 10     80.1 / 22
plain Python regex loop              1.55 / 14     8.78 / 35
kit, Python engine (no DuckDB)       6.00 / 34     37.7 / 44
polars streaming, one column         0.95 / 235    3.74 / 381
**kit, DuckDB engine**               0.77 / 105    3.93 / 139
===================================  ============  ============

DuckDB is 17-20x GoAccess and 2x the plain loop, and the only fast engine whose memory stays
flat (the growth to 5M is the per-minute result: five times as many minutes); polars is as
quick but passes 300 MB at 5M. Gzip costs DuckDB about 0.9 s more per million lines (1.7 s
in all). The file is read as one text column (a delimiter byte that never occurs in logs),
RE2's ``regexp_extract`` and ``strptime`` run in the engine, and ``GROUP BY GROUPING SETS``
counts windows by status, endpoint and client in one scan.

A line that is not UTF-8 makes the file be read again as latin-1, where every byte is a
character: no line is dropped by the reader, and strings that come back (endpoints, clients)
are turned back into their bytes and decoded as the Python path decodes them. A line the
pattern does not match, or whose time or status does not parse, is counted as skipped. If
DuckDB is missing or cannot read the file (a line over 1 MB), the caller counts in Python.
"""

from __future__ import annotations

import datetime as dt
import importlib
import os
import tempfile
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .formats import ID_SEGMENT, ORIGIN, LineFormat
from .windows import WindowRow

MEMORY_LIMIT = "200MB"
EXAMPLES = 5
_TIME_SQL = {
    "clf": "epoch_ms(try_strptime(g.time, '%d/%b/%Y:%H:%M:%S %z'))",
    "iso": "epoch_ms(try_cast(g.time AS TIMESTAMPTZ))",
    "epoch": "CAST(floor(try_cast(g.time AS DOUBLE) * 1000) AS BIGINT)",
}


@dataclass
class Tally:
    """Counts per window start (epoch seconds): by status, and optionally endpoint and client."""

    seconds: int
    status: defaultdict[int, Counter[int]] = field(default_factory=lambda: defaultdict(Counter))
    endpoint: defaultdict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    client: defaultdict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def add(self, when: dt.datetime, status: int, endpoint: str | None = None,
            client: str | None = None) -> None:
        epoch = int(when.timestamp())
        start = epoch - epoch % self.seconds
        self.status[start][status] += 1
        if endpoint is not None:
            self.endpoint[start][endpoint] += 1
        if client is not None:
            self.client[start][client] += 1

    def rows(self) -> list[WindowRow]:
        """Rows from the first window to the last, sorted, empty windows included."""
        if not self.status:
            return []
        first, last = min(self.status), max(self.status)
        return [
            WindowRow(
                start=dt.datetime.fromtimestamp(start, dt.UTC),
                total=sum(self.status[start].values()) if start in self.status else 0,
                by_status=dict(sorted(self.status[start].items())) if start in self.status
                else {},
                by_endpoint=dict(self.endpoint[start].most_common()) if start in self.endpoint
                else {},
                by_client=dict(self.client[start].most_common()) if start in self.client
                else {},
            )
            for start in range(first, last + 1, self.seconds)
        ]


def window_seconds(window: dt.timedelta) -> int:
    seconds = window.total_seconds()
    if seconds < 1 or seconds != int(seconds):
        raise ValueError(f"a log window must be a whole number of seconds, not {window}")
    return int(seconds)


@dataclass
class EngineResult:
    """What one DuckDB pass found: the tally, how many lines it skipped, and a few of them."""

    tally: Tally
    skipped: int
    bad_lines: list[bytes]


def count_with_duckdb(path: Path, fmt: LineFormat, seconds: int, *, compressed: bool,
                      by_endpoint: bool = False, by_client: bool = False,
                      progress: bool = False) -> EngineResult:
    """DuckDB's count of the file; ImportError or duckdb.Error means: count in Python instead.

    The file is read as UTF-8 (fast); if a line is not valid UTF-8 it is read again as
    latin-1, where every byte is a character, so no line is ever dropped by the reader.
    """
    import duckdb

    config: dict[str, Any] = {
        "threads": max(1, min(4, os.cpu_count() or 1)),
        "memory_limit": MEMORY_LIMIT,
        "preserve_insertion_order": False,
        "temp_directory": os.path.join(tempfile.gettempdir(), "forbidden-kit-duckdb"),
    }
    with duckdb.connect(config=config) as con:
        con.execute("SET TimeZone = 'UTC'")
        # DuckDB measures progress only with its bar on; tqdm draws it instead of DuckDB.
        con.execute(f"SET enable_progress_bar = {'true' if progress else 'false'}")
        con.execute("SET enable_progress_bar_print = false")
        query = _Query(fmt, seconds, compressed, by_endpoint, by_client)
        label = path.name if progress else None
        found = _run(con, query.counts("utf-8"), [str(path)], label)
        encoding = "utf-8"
        if con.execute("SELECT count(*) FROM reject_errors").fetchall()[0][0]:
            encoding = "latin-1"
            found = _run(con, query.counts(encoding), [str(path)], label)
        tally, skipped = Tally(seconds), 0
        for by_other, by_client_only, endpoint, client, start, status, count in found:
            if not by_other and (start is None or status is None):
                skipped += count
            elif start is None:
                continue
            elif not by_other:
                tally.status[start][status] += count
            elif not by_client_only:
                tally.endpoint[start][_decoded(endpoint, encoding)] += count
            elif client is not None:
                tally.client[start][_decoded(client, encoding)] += count
        bad: list[bytes] = []
        if skipped:
            con.execute("SET preserve_insertion_order = true")
            bad = [line.encode(encoding, "replace") for (line,) in
                   con.execute(query.bad_lines(encoding), [str(path)]).fetchall()]
    return EngineResult(tally, skipped, bad)


class _Query:
    """The SQL for one log format: the file as one text column, parsed by RE2, grouped.

    Only the kit's own patterns and numbers go into the text, quoted by _literal(); the file
    name is a bound parameter. Groups the count does not need are made non-capturing: RE2
    extracts two groups several times faster than eight.
    """

    def __init__(self, fmt: LineFormat, seconds: int, compressed: bool, by_endpoint: bool,
                 by_client: bool) -> None:
        self.fmt, self.seconds, self.compressed = fmt, seconds, compressed
        self.by_endpoint, self.by_client = by_endpoint, by_client
        wanted = {"time", "status"} | ({"request", "target"} if by_endpoint else set()) | (
            {"client"} if by_client else set())
        self.pattern, self.names = "^" + fmt.pattern, [n for n in fmt.groups if n in wanted]
        for name in set(fmt.groups) - wanted:
            self.pattern = self.pattern.replace(f"(?P<{name}>", "(?:")

    def _parsed(self, encoding: str) -> str:
        """CTEs f (lines), m (groups), p (window b, status s, endpoint e, client c)."""
        names = ", ".join(_literal(n) for n in self.names)
        target = ("split_part(g.request, ' ', 2)" if "request" in self.names
                  else "g.target" if "target" in self.names else "''")
        path = f"regexp_replace(split_part({target}, '?', 1), {_literal(ORIGIN)}, '')"
        for _ in range(2):  # twice, as endpoint_of() does: '/1/2' overlaps
            path = f"regexp_replace({path}, {_literal(ID_SEGMENT)}, '/{{id}}\\2', 'g')"
        rejects = "store_rejects = true, rejects_limit = 1, " if encoding == "utf-8" else ""
        return (
            "WITH f AS (SELECT line FROM "  # noqa: S608 - see the class docstring
            "read_csv(?, columns = {'line': 'VARCHAR'}, delim = '\x01', quote = '', "
            "escape = '', header = false, auto_detect = false, strict_mode = false, "
            f"encoding = '{encoding}', {rejects}max_line_size = 1048576, "
            f"buffer_size = 4194304, compression = '{'gzip' if self.compressed else 'none'}') "
            "WHERE line IS NOT NULL), "
            f"m AS (SELECT line, regexp_extract(line, {_literal(self.pattern)}, [{names}]) "
            "AS g FROM f), "
            f"p AS (SELECT line, ({_TIME_SQL[self.fmt.time_kind]} // {self.seconds * 1000}) "
            f"* {self.seconds} AS b, CASE WHEN try_cast(g.status AS INTEGER) BETWEEN 100 AND "
            f"999 THEN try_cast(g.status AS INTEGER) END AS s, {path} AS e, "
            f"{'g.client' if 'client' in self.names else 'NULL'} AS c FROM m)"
        )

    def counts(self, encoding: str) -> str:
        """Rows (status row?, client row?, endpoint, client, window, status, count)."""
        sets = ["(b, s)", *(["(b, e)"] if self.by_endpoint else []),
                *(["(b, c)"] if self.by_client else [])]
        tags = (f"grouping(s), {'grouping(e), e' if self.by_endpoint else '1, NULL'}, "
                f"{'c' if self.by_client else 'NULL'}")
        return (f"{self._parsed(encoding)} SELECT {tags}, b, s, count(*) FROM p "  # noqa: S608 - see the class docstring
                f"GROUP BY GROUPING SETS ({', '.join(sets)})")

    def bad_lines(self, encoding: str) -> str:
        """The first few lines that were skipped (the engine does not number lines)."""
        return (f"{self._parsed(encoding)} SELECT line FROM p "  # noqa: S608 - see the class docstring
                f"WHERE b IS NULL OR s IS NULL LIMIT {EXAMPLES}")


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _decoded(text: str, encoding: str) -> str:
    """A string read as latin-1 back to its bytes, then decoded as UTF-8 (as Python reads)."""
    return text if encoding == "utf-8" else text.encode("latin-1").decode("utf-8", "replace")


def _run(con: Any, query: str, params: list[str], label: str | None) -> list[Any]:
    """Run the query; with a label, poll DuckDB's progress into a tqdm.auto bar meanwhile."""
    if label is None:
        rows: list[Any] = con.execute(query, params).fetchall()
        return rows
    out: dict[str, Any] = {}

    def work() -> None:
        try:
            out["rows"] = con.execute(query, params).fetchall()
        except Exception as exc:  # noqa: BLE001 - handed back to the caller's thread below
            out["error"] = exc

    worker = threading.Thread(target=work, daemon=True)
    with progress_bar(total=100, desc=f"counting {label}", unit="%",
                      bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}") as bar:
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            done = con.query_progress()
            if done > bar.n:
                bar.update(done - bar.n)
        bar.update(100 - bar.n)
    if "error" in out:
        raise out["error"]
    rows = out["rows"]
    return rows


def progress_bar(**options: Any) -> Any:
    """A tqdm.auto bar that tqdm hides off a terminal or notebook, and for passes under 0.5 s."""
    tqdm = importlib.import_module("tqdm.auto").tqdm  # imported here: `import kit` stays light
    return tqdm(disable=None, delay=0.5, **options)


def count_points(points: Iterable[tuple[dt.datetime, int, str | None, str | None]],
                 seconds: int) -> Tally:
    """The Python way: (time, status, endpoint or None, client or None) -> a Tally."""
    tally = Tally(seconds)
    for when, status, endpoint, client in points:
        tally.add(when, status, endpoint, client)
    return tally
