"""load_log(): an access log or HAR file as a lazy, re-iterable source of Exchanges.

    log = kit.load_log("access.log.gz")         # format detected; plain or gzip
    for exchange in log: ...                    # streamed again on every pass, constant memory
    log.skipped                                 # lines that could not be read: count, examples
    log.count_by_window(dt.timedelta(minutes=1))  # the fast path kit.error_rates() uses

Nothing is read into memory whole except a HAR file, which is one JSON document. A line that
cannot be read is counted and a few are kept as examples (masked, cut to 200 characters); it
is never dropped silently. Empty lines are not records and are not counted.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import gzip
import io
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import IO, Any

from .._http.exchange import Exchange
from .._http.secrets import mask_headers, mask_url
from .counting import (
    EXAMPLES,
    EngineResult,
    count_points,
    count_with_duckdb,
    progress_bar,
    window_seconds,
)
from .formats import (
    COMBINED,
    COMMON,
    NAMES,
    LineFormat,
    Record,
    RecordFormat,
    detect,
    endpoint_of,
    line_format,
    record_format,
)
from .har import exchange_from_har_entry, har_entries
from .lines import Skipped, _head, _is_gzip, mask_line
from .windows import WindowRow, parse_window

_CHUNK = 1 << 16


class _Tally:
    """Skipped lines as a pass meets them: all counted, the first few kept (masked)."""

    def __init__(self) -> None:
        self.count = 0
        self.examples: list[tuple[int, str]] = []

    def add(self, number: int, line: str) -> None:
        self.count += 1
        if len(self.examples) < EXAMPLES:
            self.examples.append((number, mask_line(line.rstrip("\r\n"))))

    def done(self) -> Skipped:
        return Skipped(self.count, self.examples)


class Log:
    """An access log on disk, read lazily: iterate for Exchanges, count for time series."""

    def __init__(self, path: Path, fmt: LineFormat | RecordFormat | str, *,
                 progress: bool = True) -> None:
        self.path = path
        self._fmt = fmt
        self.progress = progress
        self.compressed = _is_gzip(path)
        self._skipped: Skipped | None = None

    @property
    def format(self) -> str:
        """'combined', 'common', 'custom', 'apigateway', 'kong', 'json', 'csv' or 'har'."""
        return self._fmt if isinstance(self._fmt, str) else self._fmt.name

    @property
    def skipped(self) -> Skipped:
        """Unreadable lines found by the last full pass (a counting pass is made if none was)."""
        if self._skipped is None:
            self.count_by_window(dt.timedelta(hours=1))
        assert self._skipped is not None
        return self._skipped

    def __repr__(self) -> str:
        return f"<Log {self.format} {str(self.path)!r}>"

    def __iter__(self) -> Iterator[Exchange]:
        if self._fmt == "har":
            yield from self._har()
        else:
            for record in self._records():
                yield to_exchange(record)

    def count_by_window(self, window: str | dt.timedelta, *, by_endpoint: bool = False,
                        by_client: bool = False) -> list[WindowRow]:
        """Counts per window (sorted, gaps filled), by status and optionally endpoint, client."""
        seconds = window_seconds(parse_window(window))
        if isinstance(self._fmt, LineFormat):
            result = _duckdb(self.path, self._fmt, seconds, compressed=self.compressed,
                             by_endpoint=by_endpoint, by_client=by_client,
                             progress=self.progress)
            if result is not None:
                self._skipped = Skipped(result.skipped, self._locate(result.bad_lines))
                return result.tally.rows()
        if self._fmt == "har":
            points = ((e.started_at, e.status or 0, endpoint_of(e.url) if by_endpoint
                       else None, None) for e in self._har() if e.started_at)
            return count_points(points, seconds).rows()
        return count_points(((r.when, r.status, endpoint_of(r.target) if by_endpoint else None,
                              r.client if by_client else None) for r in self._records()),
                            seconds).rows()

    def to_parquet(self, directory: str | Path) -> Path:
        """The records as Parquet partitioned by UTC day (``day=YYYY-MM-DD/``), for any engine.

        Line formats are parsed by the embedded engine; JSON, CSV and HAR records in Python.
        The skipped lines' count goes to ``_kit.json`` beside the data.
        """
        from . import tablelog as _tablelog

        if isinstance(self._fmt, LineFormat) and self.compressed == self.path.name.endswith(
                ".gz"):
            try:
                return _tablelog.open_files([self.path], format=None, backend=None,
                                            fmt=self._fmt).to_parquet(directory)
            except _tablelog.engine_errors():
                pass  # not UTF-8, or a line too long for the engine: Python reads it
        out = _tablelog.exchanges_to_parquet(self, directory, self.format)
        _tablelog.write_sidecar(out, self.format, self.skipped)  # counted by that pass
        return out

    # -- passes over the file ---------------------------------------------------------------
    @contextlib.contextmanager
    def _open(self) -> Iterator[IO[bytes]]:
        """The file's bytes (gunzipped), with a tqdm.auto bar by bytes read when asked."""
        with self.path.open("rb", buffering=0) as raw, contextlib.ExitStack() as stack:
            source: Any = raw
            if self.progress:
                bar = stack.enter_context(progress_bar(
                    total=self.path.stat().st_size, unit="B", unit_scale=True,
                    desc=f"reading {self.path.name}"))
                source = _Counted(raw, bar)
            stream = io.BufferedReader(source, _CHUNK)
            if self.compressed:
                stream = io.BufferedReader(gzip.GzipFile(fileobj=stream), _CHUNK)
            yield stream

    def _records(self) -> Iterator[Record]:
        tally = _Tally()
        fmt = self._fmt
        with self._open() as stream:
            if isinstance(fmt, RecordFormat) and fmt.name == "csv":
                text = io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline="")
                rows = csv.DictReader(text)
                for row in rows:
                    record = fmt.parse_object(row)
                    if record is None:
                        tally.add(rows.line_num, ",".join(str(v) for v in row.values()))
                    else:
                        yield record
            elif not isinstance(fmt, str):
                for number, raw in enumerate(stream, 1):
                    line = raw.decode("utf-8", "replace").rstrip("\r\n")
                    if not line:
                        continue
                    record = fmt.parse(line)
                    if record is None:
                        tally.add(number, line)
                    else:
                        yield record
        self._skipped = tally.done()

    def _har(self) -> Iterator[Exchange]:
        tally = _Tally()
        with self._open() as stream:
            data = json.load(stream)
        for number, entry in enumerate(har_entries(data), 1):
            try:
                yield exchange_from_har_entry(entry, label="har")  # headers and bodies kept
            except ValueError:
                tally.add(number, json.dumps(entry)[:1000])
        self._skipped = tally.done()

    def _locate(self, bad: list[bytes]) -> list[tuple[int, str]]:
        """Line numbers for the engine's example lines (the engine does not number lines).

        A line not found again (the reader split it differently) is listed as line 0.
        """
        found: list[tuple[int, str]] = []
        wanted = set(bad)
        if not wanted:
            return found
        with self._open() as stream:
            for number, raw in enumerate(stream, 1):
                line = raw.rstrip(b"\r\n")
                if line in wanted:
                    wanted.discard(line)
                    found.append((number, mask_line(line.decode("utf-8", "replace"))))
                    if not wanted:
                        break
        return found + [(0, mask_line(b.decode("utf-8", "replace"))) for b in bad if b in wanted]


class _Counted(io.RawIOBase):
    """A raw file that advances a progress bar by the bytes read from it."""

    def __init__(self, raw: IO[bytes], bar: Any) -> None:
        self._raw, self._bar = raw, bar

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count: int = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        self._bar.update(count)
        return count


def _duckdb(path: Path, fmt: LineFormat, seconds: int, **options: Any) -> EngineResult | None:
    """The engine's result, or None when DuckDB is not installed or cannot read the file."""
    try:
        import duckdb
    except ImportError:
        return None
    try:
        return count_with_duckdb(path, fmt, seconds, **options)
    except duckdb.Error:
        return None


def to_exchange(record: Record) -> Exchange:
    """A log record as an Exchange: path as the URL, client as remote address, secrets masked."""
    target = record.target
    return Exchange(
        method=record.method, url=mask_url(target) if "?" in target or "@" in target else target,
        request_headers=_headers(record.headers, record.user_agent, record.referer),
        status=record.status,
        response_headers=(("X-Request-Id", record.request_id),) if record.request_id else (),
        body_size=record.size or 0, http_version=record.protocol, elapsed=record.elapsed,
        started_at=record.when, remote_address=record.client, label="log")


@functools.lru_cache(maxsize=1024)  # a log repeats a few agents and referers endlessly
def _headers(headers: tuple[tuple[str, str], ...], user_agent: str | None,
             referer: str | None) -> tuple[tuple[str, str], ...]:
    names = {k.lower() for k, _ in headers}
    extra = [(name, value) for name, value in (("User-Agent", user_agent), ("Referer", referer))
             if value and name.lower() not in names]
    return mask_headers([*headers, *extra])


def _inputs(path: str | Path) -> list[Path]:
    """A file, a directory (its files, sorted) or a glob -> the files (or a Parquet folder)."""
    text = str(path)
    if any(c in text for c in "*?[") and not Path(text).exists():
        anchor = Path(text).anchor or "."
        found = sorted(p for p in Path(anchor).glob(text.removeprefix(anchor)) if p.is_file())
        if not found:
            raise FileNotFoundError(f"no log file matches {text}")
        return found
    where = Path(text)
    if where.is_dir():
        if (where / "_kit.json").is_file() or any(where.rglob("*.parquet")):
            return [where]
        found = sorted(p for p in where.rglob("*") if p.is_file()
                       and not p.name.startswith((".", "_")))
        if not found:
            raise FileNotFoundError(f"no log file in the directory {where}")
        return found
    if not where.is_file():
        raise FileNotFoundError(f"no log file at {where}")
    return [where]


def load_log(path: str | Path | Any, *, format: str | None = None,
             mapping: Mapping[str, str] | None = None, tz: dt.tzinfo = dt.UTC,
             progress: bool = True, backend: Any = None) -> Log | Any:
    """Open an access log (plain or gzip) lazily; the format is detected unless given.

    ``format`` is one of 'combined', 'common', 'apigateway', 'kong', 'json', 'csv', 'har', or
    an nginx ``log_format`` / Apache ``LogFormat`` string. ``mapping`` names the fields of
    JSON or CSV records (``{"time": "ts", "status": "code", "target": "request.path"}``);
    ``tz`` is the zone of times written without one.

    ``path`` may also be a glob, a directory, Parquet written by ``to_parquet``, a URL the
    engine reads itself (``s3a://...``: log lines in ``format``, combined by default, or
    Parquet with ``format="parquet"``), or an Ibis table already in an engine; ``backend``
    is an Ibis connection (``ibis.pyspark.connect(spark)``, ...) that does the counting.
    Those give a ``TableLog`` with the same methods (embedded DuckDB through Ibis when
    ``backend`` is None); one plain or gzip file with no backend gives a ``Log``, counted by
    DuckDB directly.
    """
    from . import tablelog as _tablelog

    if _tablelog.is_table(path):
        return _tablelog.from_table(path, format=format)
    if "://" in str(path):  # s3a://, gs://, hdfs://, file://: the engine reads it, not the kit
        return _tablelog.open_remote(str(path), format=format, backend=backend)
    files = _inputs(path)
    single_text = len(files) == 1 and files[0].is_file() and not _tablelog.is_parquet(files[0])
    if backend is None and single_text:
        return _one_file(files[0], format, mapping, tz, progress)
    return _tablelog.open_files(files, format=format, backend=backend)


def _one_file(where: Path, format: str | None, mapping: Mapping[str, str] | None,
              tz: dt.tzinfo, progress: bool) -> Log:
    name = format or detect(_head(where), where.name)
    fmt: LineFormat | RecordFormat | str
    if name in ("combined", "common"):
        fmt = COMBINED if name == "combined" else COMMON
    elif name == "har":
        fmt = "har"
    elif name in NAMES:
        fmt = record_format(name, mapping, tz)
    else:
        fmt = line_format(name)
    return Log(where, fmt, progress=progress)
