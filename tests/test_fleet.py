"""The history analyses on any Ibis engine: embedded DuckDB and Apache Spark (local[2], real).

The reference is today's engine: ``kit.load_log`` on one plain file, counted by DuckDB's own
SQL. Every other way in (globs, directories, gzip, Parquet, a table already in an engine,
``backend=``) must give the same rows, minute by minute and status by status.
"""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
import shutil
from pathlib import Path

import pytest

import kit

ibis = pytest.importorskip("ibis")
pytestmark = pytest.mark.filterwarnings(
    # pyspark's own result sockets (py4j's collect) are left to the garbage collector
    "ignore:unclosed <socket.socket:ResourceWarning",
    "ignore:Exception ignored in. <socket.socket:pytest.PytestUnraisableExceptionWarning")
EXTRA = [
    # time-zone offsets either side of UTC, an IPv6 client, a query with a key in it
    '2001:db8::7 - - [14/May/2024:06:10:36 -0700] "GET /v1/items/42?api_key=sbx_x HTTP/1.1" '
    '403 12 "-" "curl/8"',
    '203.0.113.9 - - [14/May/2024:18:40:01 +0530] "POST /v1/orders HTTP/1.1" 429 0 "-" "ua"',
    "junk line that is no access log",
    '198.51.100.1 - - [31/Feb/2024:13:55:36 +0000] "GET /x HTTP/1.1" 200 12 "-" "ua"',
    '198.51.100.1 - - [14/Mai/2024:13:55:36 +0000] "GET /x HTTP/1.1" 200 12 "-" "ua"',
    '198.51.100.1 - - [14/May/2024:25:55:36 +0000] "GET /x HTTP/1.1" 200 12 "-" "ua"',
]
WINDOWS = ["1min", "5min", "1h"]


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One plain log, and the same lines split over three gzip files in a directory."""
    root = tmp_path_factory.mktemp("fleet")
    plain = root / "access.log"
    kit.sample_log(plain, lines=3000)
    with plain.open("a", encoding="utf-8") as out:
        out.write("\n".join(EXTRA) + "\n")
    lines = plain.read_text("utf-8").splitlines(keepends=True)
    folder = root / "gz"
    folder.mkdir()
    third = len(lines) // 3 + 1
    for i in range(3):
        with gzip.open(folder / f"part-{i}.log.gz", "wt", encoding="utf-8") as out:
            out.writelines(lines[i * third:(i + 1) * third])
    return {"plain": plain, "gz": folder}


@pytest.fixture(scope="module")
def reference(logs: dict[str, Path]) -> kit.Log:
    return kit.load_log(logs["plain"], progress=False)


@pytest.fixture(scope="session")
def spark() -> object:
    """One local Spark for the whole run, bound to loopback, no UI."""
    pyspark = pytest.importorskip("pyspark.sql")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")  # loopback only
    session = (pyspark.SparkSession.builder.master("local[2]").appName("forbidden-kit-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.driver.host", "127.0.0.1")
               .config("spark.driver.bindAddress", "127.0.0.1")
               .config("spark.sql.shuffle.partitions", "2")
               .getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(params=["duckdb", "spark"])
def backend(request: pytest.FixtureRequest) -> object:
    """None (the embedded DuckDB through Ibis) or an Ibis connection to the local Spark."""
    if request.param == "duckdb":
        return None
    return ibis.pyspark.connect(request.getfixturevalue("spark"))


def _engine_log(logs: dict[str, Path], backend: object) -> object:
    return kit.load_log(str(logs["gz"] / "*.log.gz"), backend=backend)


@pytest.mark.parametrize("window", WINDOWS)
def test_error_rates_match_todays_engine(logs, reference, backend, window):
    """Per window, by status, endpoint and client: the same rows as today's engine."""
    log = _engine_log(logs, backend)
    want = kit.error_rates(reference, window=window, by_endpoint=True, by_client=True)
    got = kit.error_rates(log, window=window, by_endpoint=True, by_client=True)
    assert got == want
    assert any("2001:db8::7" in row.by_client for row in got)


def test_a_url_the_engine_reads_itself(logs, reference, spark):
    """A file:// glob goes to Spark's reader untouched (as s3a:// would): today's rows."""
    con = ibis.pyspark.connect(spark)
    log = kit.load_log(f"file://{logs['gz']}/*.log.gz", backend=con)
    assert kit.error_rates(log, "5min", by_client=True) == \
        kit.error_rates(reference, "5min", by_client=True)


def test_skipped_lines_are_counted_alike(logs, reference, backend):
    """Junk, 31 February, an unknown month and hour 25 are skipped lines on every engine."""
    log = _engine_log(logs, backend)
    kit.error_rates(log, window="1h")
    assert reference.skipped.count == 4
    assert log.skipped.count == 4
    assert any("junk line" in text for _, text in log.skipped.examples)


def test_time_zone_offsets_land_in_utc_windows(logs, backend):
    """06:10:36 -0700 is 13:10 UTC; 18:40:01 +0530 is 13:10 UTC: one window, two refusals."""
    log = _engine_log(logs, backend)
    rows = kit.error_rates(log, window="1min")
    at = {row.start: row for row in rows}
    row = at[dt.datetime(2024, 5, 14, 13, 10, tzinfo=dt.UTC)]
    assert row.by_status.get(403, 0) >= 1
    assert row.by_status.get(429, 0) >= 1


def test_spikes_and_their_explanation_match(logs, reference, backend):
    """spikes() over the rows and explain_spikes() over the records agree with today's."""
    log = _engine_log(logs, backend)
    want_spikes = kit.spikes(kit.error_rates(reference, window="1min"))
    got_spikes = kit.spikes(kit.error_rates(log, window="1min"))
    assert got_spikes == want_spikes
    assert got_spikes, "the sample log has incidents"
    want = kit.explain_spikes(reference, want_spikes[:2])
    got = kit.explain_spikes(log, got_spikes[:2])
    assert [(r.endpoints, r.clients, r.cause) for r in got] == [
        (r.endpoints, r.clients, r.cause) for r in want]


def test_records_iterate_as_exchanges(logs, reference, backend):
    """Iteration, span and between() give the same records as today's reader (secrets out)."""
    log = _engine_log(logs, backend)
    assert log.span() == (min(e.started_at for e in reference),
                          max(e.started_at for e in reference))
    mine = [(e.started_at, e.status, e.method, kit.error_rates([e], "1min")[0].by_status)
            for e in log]
    theirs = [(e.started_at, e.status, e.method, kit.error_rates([e], "1min")[0].by_status)
              for e in reference]
    assert sorted(mine) == sorted(theirs)
    assert all("sbx_x" not in e.url for e in log)
    first = mine[0][0]
    inside = list(log.between(first, first + dt.timedelta(minutes=1)))
    assert inside
    assert all(first <= e.started_at < first + dt.timedelta(minutes=1) for e in inside)
    assert kit.headroom_series(log) == kit.headroom_series(reference) == []
    assert kit.cause_mix(log) == kit.cause_mix(reference) == []


def test_parquet_written_once_is_read_by_either_engine(logs, reference, backend, tmp_path):
    """to_parquet partitions by UTC day; loading it anywhere gives today's rows and skips."""
    out = _engine_log(logs, backend).to_parquet(tmp_path / "pq")
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["day=2024-05-14"]
    for engine in (None, backend):
        again = kit.load_log(out, backend=engine)
        assert kit.error_rates(again, "1min", by_endpoint=True, by_client=True) == \
            kit.error_rates(reference, "1min", by_endpoint=True, by_client=True)
        assert again.skipped.count == 4
    text = b"".join(p.read_bytes() for p in out.rglob("*.parquet"))
    assert b"sbx_x" not in text


def test_a_table_already_in_the_engine(logs, reference, backend):
    """Raw lines as a table in the engine (a string column 'line') count like the file."""
    if backend is None:
        con = ibis.duckdb.connect()
        table = con.read_csv(str(logs["plain"]), columns={"line": "VARCHAR"}, delim="\x01",
                             quote="", escape="", header=False, auto_detect=False)
    else:
        frame = backend._session.read.text(str(logs["plain"])).withColumnRenamed("value", "line")
        frame.createOrReplaceTempView("kit_test_lines")
        table = backend.table("kit_test_lines")
    log = kit.load_log(table)
    assert kit.error_rates(log, "5min") == kit.error_rates(reference, "5min")


def test_todays_log_exports_the_same_parquet(logs, reference, tmp_path):
    """Log.to_parquet (one file, no backend) round-trips through the default engine."""
    out = reference.to_parquet(tmp_path / "pq")
    again = kit.load_log(out)
    assert kit.error_rates(again, "1min", by_client=True) == \
        kit.error_rates(reference, "1min", by_client=True)


def test_the_recorders_store_exports_the_same_way(tmp_path):
    """open_history(...).to_parquet(dir) is read back with the store's own counts."""
    store = kit.open_history(tmp_path / "h.sqlite")
    start = dt.datetime(2024, 5, 14, 23, 59, 30, tzinfo=dt.UTC)
    for i, status in enumerate([200, 403, 403, 429, 200, 200]):
        store.append(kit.Exchange(method="GET", url=f"https://api.test/v1/items/{i}",
                                  status=status, started_at=start + dt.timedelta(seconds=20 * i),
                                  local_address="127.0.0.1:5000"))
    out = store.to_parquet(tmp_path / "pq")
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == [
        "day=2024-05-14", "day=2024-05-15"]
    log = kit.load_log(out)
    assert kit.error_rates(log, "1min", by_endpoint=True) == \
        kit.error_rates(store, "1min", by_endpoint=True)
    store.close()


def test_har_entries_without_a_response_are_failed_requests(tmp_path):
    """Status 0 and -1 in a browser's HAR: failed, with the reason; counted under 0."""
    def entry(status: int, second: int, error: str = "") -> dict[str, object]:
        response: dict[str, object] = {"status": status, "headers": [], "content": {}}
        if error:
            response["_error"] = error
        return {"startedDateTime": f"2024-05-14T12:00:{second:02d}Z", "time": 5,
                "request": {"method": "GET", "url": "https://api.test/x", "headers": []},
                "response": response}
    har = {"log": {"entries": [entry(200, 1), entry(-1, 2, "net::ERR_BLOCKED_BY_CLIENT"),
                               entry(0, 3)]}}
    path = tmp_path / "x.har"
    path.write_text(json.dumps(har), "utf-8")
    log = kit.load_log(path, progress=False)
    failed = [e for e in log if e.status is None]
    assert [e.error.message for e in failed if e.error] == [
        "net::ERR_BLOCKED_BY_CLIENT", "no response recorded in the HAR (blocked or aborted)"]
    assert kit.error_rates(log, "1min")[0].by_status == {0: 2, 200: 1}
    assert -1 not in kit.error_rates(log, "1min")[0].by_status


def test_inputs_a_glob_a_directory_gzip(logs, reference):
    """A directory of gzip files and a glob give one log; a missing glob says so."""
    want = kit.error_rates(reference, "1h")
    assert kit.error_rates(kit.load_log(logs["gz"]), "1h") == want
    with pytest.raises(FileNotFoundError, match="no log file matches"):
        kit.load_log(str(logs["gz"] / "*.nothing"))


def test_clear_errors_for_what_an_engine_cannot_read(tmp_path):
    """A table without lines or records, JSON logs on an engine, gzip without .gz: named."""
    con = ibis.duckdb.connect()
    with pytest.raises(ValueError, match="needs a string column 'line'"):
        kit.load_log(con.create_table("t", schema=ibis.schema({"x": "int64"})))
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text('{"time": "2024-05-14T12:00:00Z", "status": 200}\n',
                                     "utf-8")
    with pytest.raises(ValueError, match="to_parquet"):
        kit.load_log(str(tmp_path / "*.jsonl"))
    shutil.copy(Path(__file__), tmp_path / "c.log")
    with gzip.open(tmp_path / "d.log", "wb") as out:
        out.write(b"x\n")
    with pytest.raises(ValueError, match="gzip"):
        kit.load_log(str(tmp_path / "*.log"))
