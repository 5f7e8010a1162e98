"""A log as a table in an engine: many files, Parquet, or a table already there, on any Ibis
backend (embedded DuckDB by default, Apache Spark for a fleet's logs).

    log = kit.load_log("logs/*.log.gz")                       # embedded DuckDB through Ibis
    log = kit.load_log("s3a://bucket/logs/", backend=ibis.pyspark.connect(spark))
    kit.error_rates(log, window="1min")                        # the same rows on every engine
    log.to_parquet("parquet/")                                 # partitioned by UTC day

Reading files is the one thing engines do not share (``read_csv`` options, Spark's
``read.text``), so each engine the kit knows has a three-line reader here; everything after
the read is one Ibis expression (``kit._history.logexpr``). Other backends read Parquet (most do):
convert once with ``to_parquet`` on any machine, then load the directory there.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from .._http.exchange import Exchange, NetworkError
from .counting import EXAMPLES, MEMORY_LIMIT, Tally, window_seconds
from .formats import LineFormat
from .logexpr import COLUMNS, civil_day, parse_lines, readable, window_counts
from .windows import WindowRow, parse_window

SIDECAR = "_kit.json"
"""Beside a Parquet export: its format and skipped lines (engines ignore names with '_')."""
_BATCH = 65_536


def default_backend() -> Any:
    """The embedded engine: an in-process DuckDB through Ibis, in UTC, memory bounded."""
    import ibis

    con = ibis.duckdb.connect(
        threads=max(1, min(4, os.cpu_count() or 1)), memory_limit=MEMORY_LIMIT,
        preserve_insertion_order=False,
        temp_directory=os.path.join(tempfile.gettempdir(), "forbidden-kit-duckdb"))
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


def read_lines(con: Any, paths: Sequence[Path | str]) -> Any:
    """The files (plain or gzip, by the name's .gz) as a table with one string column 'line'."""
    names = [str(p) for p in paths]
    if con.name == "duckdb":
        table = con.read_csv(names, columns={"line": "VARCHAR"}, delim="\x01", quote="",
                             escape="", header=False, auto_detect=False, strict_mode=False,
                             max_line_size=1_048_576, compression="auto")
    elif con.name == "pyspark":
        frame = con._session.read.text(names).withColumnRenamed("value", "line")
        view = f"kit_lines_{abs(hash(tuple(names)))}"
        frame.createOrReplaceTempView(view)
        table = con.table(view)
    else:
        raise ValueError(f"the {con.name} backend has no text reader the kit knows: convert "
                         "the logs once with kit.load_log(path).to_parquet(directory), then "
                         "load the directory with backend=")
    return table.filter(table.line.notnull() & (table.line.length() > 0))


def read_parquet(con: Any, paths: Sequence[Path | str]) -> Any:
    """Parquet files or directories (hive-partitioned by day) as one table (ValueError when
    the engine cannot read them: a file cut short, or not Parquet after its first bytes)."""
    try:
        if con.name == "duckdb":
            names = [str(p / "**" / "*.parquet") if isinstance(p, Path) and p.is_dir()
                     else str(p) for p in paths]
            return con.read_parquet(names, hive_partitioning=True, union_by_name=True)
        return con.read_parquet([str(p) for p in paths] if len(paths) > 1 else str(paths[0]))
    except Exception as exc:  # noqa: BLE001 - each engine raises its own types for bad files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        shown = ", ".join(str(p) for p in paths[:3]) + (" ..." if len(paths) > 3 else "")
        raise ValueError(f"{shown}: the {con.name} engine cannot read this as Parquet "
                         f"({first[:200]}); check the file is whole, or convert the logs "
                         "again with kit.load_log(path).to_parquet(directory)") from None


class TableLog:
    """Log records in an engine: count them there, iterate them as Exchanges, export them.

    ``table`` is the record table (``kit._history.logexpr.COLUMNS``); ``lines`` the raw lines it was
    parsed from, when it was (so unreadable ones can be counted and shown).
    """

    def __init__(self, table: Any, backend: Any, *, format: str = "records",
                 lines: Any = None, skipped: Any = None) -> None:
        self.table, self.backend, self._format = table, backend, format
        self._lines, self._skipped = lines, skipped

    @classmethod
    def from_lines(cls, lines: Any, fmt: LineFormat, backend: Any) -> TableLog:
        parsed = parse_lines(lines, fmt, dialect=backend.name, keep_line=True)
        return cls(parsed.drop("line"), backend, format=fmt.name, lines=parsed)

    @property
    def format(self) -> str:
        return self._format

    @property
    def skipped(self) -> Any:
        """Lines the engine could not read (counted in the engine; a few kept, masked)."""
        from .lines import Skipped, mask_line

        if self._skipped is None:
            if self._lines is None:
                self._skipped = Skipped()
            else:
                bad = self._lines.filter(~readable(self._lines))
                count = int(bad.count().to_pyarrow().as_py())
                shown = bad.select("line").limit(EXAMPLES).to_pyarrow().column(0).to_pylist()
                self._skipped = Skipped(count, [(0, mask_line(s)) for s in shown])
        return self._skipped

    def __repr__(self) -> str:
        return f"<TableLog {self.format} on {self.backend.name}>"

    def count_by_window(self, window: str | dt.timedelta, *, by_endpoint: bool = False,
                        by_client: bool = False) -> list[WindowRow]:
        """Counts per window (sorted, gaps filled), by status and optionally endpoint, client."""
        from .lines import Skipped

        seconds = window_seconds(parse_window(window))
        plans = window_counts(self.table if self._lines is None else self._lines, seconds,
                              by_endpoint=by_endpoint, by_client=by_client)
        tally, skipped = Tally(seconds), 0
        for start, status, n in _rows(plans["status"]):
            if start is None or status is None:
                skipped += n
            else:
                tally.status[start][status] += n
        for kind in ("endpoint", "client"):
            target = tally.endpoint if kind == "endpoint" else tally.client
            if kind in plans:
                for start, key, ok, n in _rows(plans[kind]):
                    if ok and key is not None:
                        target[start][key] += n
        if self._lines is not None and not skipped:
            self._skipped = Skipped()
        return tally.rows()

    def span(self) -> tuple[dt.datetime, dt.datetime] | None:
        """First and last record time (readable records only)."""
        good = self.table.filter(readable(self.table))
        found = good.aggregate(low=good.epoch_ms.min(), high=good.epoch_ms.max()).to_pyarrow()
        low, high = found.column(0)[0].as_py(), found.column(1)[0].as_py()
        if low is None:
            return None
        return _moment(low), _moment(high)

    def __iter__(self) -> Iterator[Exchange]:
        """Readable records in time order, as status-only Exchanges (label 'log').

        Fetched a run of hours at a time (about 250,000 records), so memory stays bounded.
        """
        per_hour: dict[int, int] = {}
        for start, status, n in _rows(window_counts(self.table, 3600)["status"]):
            if start is not None and status is not None:
                per_hour[start] = per_hour.get(start, 0) + n
        hours = sorted(per_hour)
        first, held = None, 0
        for i, hour in enumerate(hours):
            first = hour if first is None else first
            held += per_hour[hour]
            if held >= 4 * _BATCH or i == len(hours) - 1:
                yield from self._range(first * 1000, (hour + 3600) * 1000)
                first, held = None, 0

    def between(self, start: dt.datetime, end: dt.datetime) -> Iterator[Exchange]:
        """Records with start <= time < end, in time order."""
        yield from self._range(int(start.timestamp() * 1000), int(end.timestamp() * 1000))

    def _range(self, low: int, high: int) -> Iterator[Exchange]:
        t = self.table
        chosen = t.filter(readable(t) & (t.epoch_ms >= low) & (t.epoch_ms < high))
        found = chosen.select(*COLUMNS).order_by("epoch_ms").to_pyarrow()
        for row in found.to_pylist():
            yield exchange_of(row)

    def to_parquet(self, directory: str | Path) -> Path:
        """Write the readable records as Parquet partitioned by UTC day (day=YYYY-MM-DD/).

        Skipped lines are counted in ``_kit.json`` beside the data, so a later reader knows.
        """
        out = Path(directory)
        t = self.table.filter(readable(self.table))
        export = t.select(*COLUMNS, time=(t.epoch_ms // 1000).as_timestamp("s"),
                          day=civil_day(t.epoch_ms))
        if self.backend.name == "duckdb":
            export.to_parquet(out, partition_by="day", overwrite=True)
        else:
            export.to_parquet(out, partitionBy="day", mode="overwrite")
        write_sidecar(out, self.format, self.skipped)
        return out


def write_sidecar(out: Path, fmt: str, skipped: Any) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / SIDECAR).write_text(json.dumps({
        "format": fmt, "skipped": skipped.count, "examples": skipped.examples}), "utf-8")


def read_sidecar(paths: Sequence[Path]) -> tuple[str, Any]:
    """Format and skipped lines summed over the exports' sidecars ('records', none if absent)."""
    from .lines import Skipped

    formats, count, examples = [], 0, []
    for path in paths:
        side = path / SIDECAR if path.is_dir() else path.parent / SIDECAR
        if side.is_file():
            data = json.loads(side.read_text("utf-8"))
            formats.append(str(data.get("format", "records")))
            count += int(data.get("skipped", 0))
            examples += [tuple(e) for e in data.get("examples", [])]
    fmt = formats[0] if formats and len(set(formats)) == 1 else "records"
    return fmt, Skipped(count, examples[:EXAMPLES])


def _rows(plan: Any) -> list[tuple[Any, ...]]:
    """An aggregate's rows as tuples (start as int, the keys..., n)."""
    table = plan.to_pyarrow()
    columns = [table.column(i).to_pylist() for i in range(table.num_columns)]
    return [(None if row[0] is None else int(row[0]), *row[1:-1], int(row[-1]))
            for row in zip(*columns, strict=True)]


def _moment(epoch_ms: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch_ms / 1000, dt.UTC)


def exchange_of(row: dict[str, Any]) -> Exchange:
    """A record-table row as the Exchange a log line becomes (secrets were never stored)."""
    status = row["status"] or None
    error = row.get("error")
    return Exchange(
        method=row["method"] or "", url=row["endpoint"] or "", status=status,
        body_size=row["size"] or 0, elapsed=row["elapsed"], started_at=_moment(row["epoch_ms"]),
        remote_address=row["client"], label="log",
        error=NetworkError("other", error) if status is None and error else None)


def is_table(obj: object) -> bool:
    """An Ibis table expression (checked without importing Ibis)."""
    return type(obj).__module__.startswith("ibis.") and hasattr(obj, "schema")


def from_table(table: Any, *, format: str | None = None) -> TableLog:
    """A table already in an engine: raw lines (a string column 'line') or records."""
    import ibis

    from .formats import detect
    from .lines import line_format_named

    backend = ibis.get_backend(table)
    columns = set(table.columns)
    if "line" in columns:
        if format is None:
            head = table.select("line").limit(200).to_pyarrow().column(0).to_pylist()
            format = detect([str(s) for s in head if s])
        return TableLog.from_lines(table, line_format_named(format), backend)
    if not {"status"} <= columns or not columns & {"epoch_ms", "time"}:
        raise ValueError("a table given to load_log needs a string column 'line' (raw log "
                         "lines) or the kit's record columns (epoch_ms or time, status, ...); "
                         f"it has {sorted(columns)}")
    if "epoch_ms" not in columns:
        table = table.mutate(epoch_ms=table.time.epoch_seconds().cast("int64") * 1000)
    missing = {name: ibis.null(kind) for name, kind in COLUMNS.items() if name not in columns}
    table = table.mutate(**missing) if missing else table
    return TableLog(table.select(*COLUMNS), backend, format=format or "records")


def engine_errors() -> tuple[type[BaseException], ...]:
    """What the embedded engine raises for a file it cannot read."""
    import duckdb

    return (duckdb.Error,)


def open_files(files: Sequence[Path], *, format: str | None, backend: Any,
               fmt: LineFormat | None = None) -> TableLog:
    """Several log files, a directory or Parquet, on ``backend`` (None: embedded DuckDB)."""
    from .formats import detect
    from .lines import _head, _is_gzip, line_format_named

    con = backend if backend is not None else default_backend()
    if all(is_parquet(p) for p in files):
        name, skipped = read_sidecar(files)
        return TableLog(from_table(read_parquet(con, files)).table, con, format=name,
                        skipped=skipped)
    for path in files:
        if is_parquet(path):
            raise ValueError(f"{path} is Parquet but other inputs are text: load them apart")
        if _is_gzip(path) != path.name.endswith(".gz"):
            raise ValueError(f"{path.name}: engines tell gzip by the name; name it "
                             f"{'…' + path.name + '.gz' if _is_gzip(path) else 'without .gz'}")
    if fmt is None:
        fmt = line_format_named(format or detect(_head(files[0]), files[0].name))
    return TableLog.from_lines(read_lines(con, files), fmt, con)


def open_remote(url: str, *, format: str | None, backend: Any) -> TableLog:
    """A URL the engine reads itself: Parquet (``format="parquet"`` or a .parquet name), or
    log lines in ``format`` (combined by default: nothing is read here to detect it)."""
    from .lines import line_format_named

    con = backend if backend is not None else default_backend()
    if format == "parquet" or url.rstrip("/").endswith(".parquet"):
        return TableLog(from_table(read_parquet(con, [url])).table, con)
    return TableLog.from_lines(read_lines(con, [url]), line_format_named(format or "combined"),
                               con)


def is_parquet(path: Path) -> bool:
    if path.is_dir():
        return (path / SIDECAR).is_file() or any(path.rglob("*.parquet"))
    if path.suffix == ".parquet":
        return True
    with path.open("rb") as raw:
        return raw.read(4) == b"PAR1"


def exchanges_to_parquet(exchanges: Any, directory: str | Path, fmt: str) -> Path:
    """Exchanges (a HAR, JSON or CSV log, the recorder's store) as the same Parquet export."""
    import pyarrow as pa
    import pyarrow.dataset as ds

    from .keys import client_of, endpoint_of
    from .lines import Skipped

    schema = pa.schema([("epoch_ms", pa.int64()), ("status", pa.int32()),
                        ("method", pa.string()), ("endpoint", pa.string()),
                        ("client", pa.string()), ("size", pa.int64()),
                        ("elapsed", pa.float64()), ("error", pa.string()),
                        ("time", pa.timestamp("ms", tz="UTC")), ("day", pa.string())])

    def batches() -> Iterator[Any]:
        rows: list[dict[str, Any]] = []
        for ex in exchanges:
            if ex.started_at is None:
                continue
            at = ex.started_at.astimezone(dt.UTC)
            rows.append({"epoch_ms": int(at.timestamp() * 1000), "status": ex.status or 0,
                         "method": ex.method, "endpoint": endpoint_of(ex),
                         "client": client_of(ex), "size": ex.body_size,
                         "elapsed": ex.elapsed, "time": at, "day": at.date().isoformat(),
                         "error": ex.error.message if ex.error and not ex.status else None})
            if len(rows) == _BATCH:
                yield pa.RecordBatch.from_pylist(rows, schema)
                rows = []
        if rows:
            yield pa.RecordBatch.from_pylist(rows, schema)

    out = Path(directory)
    ds.write_dataset(batches(), out, schema=schema, format="parquet", partitioning=["day"],
                     partitioning_flavor="hive", existing_data_behavior="delete_matching",
                     basename_template="part-{i}.parquet")
    write_sidecar(out, fmt, Skipped())
    return out
