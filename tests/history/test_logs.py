"""load_log(): files of every format, gzip, skipped lines, windows and zones, memory, real nginx."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import kit
from kit._history.logs import Log, mask_line

from ..conftest import Nginx
from .test_formats import APIGW, KONG

UTC = dt.UTC
MINUTE = dt.timedelta(minutes=1)
SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"


def combined(when: str, path: str = "/v1/items", status: int = 200,
             client: str = "198.51.100.7", agent: str = "python-httpx/0.27.0") -> str:
    return f'{client} - - [{when}] "GET {path} HTTP/1.1" {status} 42 "-" "{agent}"\n'


def write(path: Path, lines: list[str]) -> Path:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wt", encoding="utf-8") as out:
        out.writelines(lines)
    return path


@pytest.fixture
def no_duckdb(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide DuckDB, so counting takes the plain Python path."""
    monkeypatch.setitem(sys.modules, "duckdb", None)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("logs") / "sample.log"
    kit.sample_log(path, lines=6000)
    return path


def test_combined_log_yields_masked_exchanges(tmp_path: Path) -> None:
    """Every line is an Exchange: path as URL with the key masked, client, UA, UTC time."""
    log = kit.load_log(write(tmp_path / "a.log", [
        combined("14/May/2024:09:15:02 +0000", f"/v1/reports?month=4&api_key={SECRET}"),
        combined("14/May/2024:09:15:03 +0000", status=403, agent="curl/8.5.0"),
    ]), progress=False)
    first, second = list(log)
    assert isinstance(first, kit.Exchange)
    assert log.format == "combined"
    assert SECRET not in first.url
    assert first.url.startswith("/v1/reports?month=4&api_key=")
    assert (first.method, first.status, first.remote_address, first.label) == (
        "GET", 200, "198.51.100.7", "log")
    assert first.started_at == dt.datetime(2024, 5, 14, 9, 15, 2, tzinfo=UTC)
    assert second.request_header("User-Agent") == "curl/8.5.0"
    assert second.refused
    assert SECRET not in repr(list(log))
    assert log.skipped.count == 0


def test_gzip_reads_like_plain(tmp_path: Path, sample: Path) -> None:
    """A gzip copy of a log (detected by its bytes, whatever the name) gives the same answers."""
    packed = tmp_path / "sample.log.1"
    packed.write_bytes(gzip.compress(sample.read_bytes()))
    plain, zipped = kit.load_log(sample, progress=False), kit.load_log(packed, progress=False)
    assert [e.status for e in zipped] == [e.status for e in plain]
    assert zipped.count_by_window(MINUTE) == plain.count_by_window(MINUTE)


def test_malformed_lines_are_counted_with_examples(tmp_path: Path) -> None:
    """Bad lines are counted, shown with line numbers, masked and cut; blank lines are not."""
    lines = [combined("14/May/2024:09:15:02 +0000")] * 3
    lines[1:1] = ["\n", f"garbage ?api_key={SECRET} " + "x" * 400 + "\n",
                  combined("14/Mai/2024:09:15:02 +0000")]
    log = kit.load_log(write(tmp_path / "bad.log", lines), format="combined", progress=False)
    assert len(list(log)) == 3
    skipped = log.skipped
    assert skipped.count == 2
    assert [n for n, _ in skipped.examples] == [3, 4]
    text = skipped.examples[0][1]
    assert SECRET not in text
    assert len(text) <= 200
    assert text.endswith("…")
    assert "2 lines skipped" in str(skipped)


def test_the_fast_count_finds_the_same_skipped_lines(tmp_path: Path) -> None:
    """count_by_window (the engine) reports the same skipped count and line numbers."""
    lines = [combined(f"14/May/2024:09:15:{s:02d} +0000") for s in range(30)]
    lines[7], lines[20] = "not a log line\n", combined("14/May/2024:09:15:99 +0000")
    log = kit.load_log(write(tmp_path / "bad.log", lines), progress=False)
    rows = log.count_by_window(MINUTE)
    assert sum(r.total for r in rows) == 28
    assert log.skipped.count == 2
    assert [n for n, _ in log.skipped.examples] == [8, 21]


def test_skipped_before_any_pass_counts_now(tmp_path: Path) -> None:
    """Asking for .skipped first makes a counting pass rather than answering 0."""
    log = kit.load_log(write(tmp_path / "bad.log", [
        combined("14/May/2024:09:15:02 +0000"), "oops\n"]), progress=False)
    assert log.skipped.count == 1


def test_invalid_utf8_is_read_not_dropped(tmp_path: Path) -> None:
    """A line with bytes that are not UTF-8 still counts, in the engine as in Python."""
    path = tmp_path / "latin.log"
    path.write_bytes(combined("14/May/2024:09:15:02 +0000").encode()
                     + combined("14/May/2024:09:15:03 +0000", "/caf\xe9").encode("latin-1"))
    log = kit.load_log(path, progress=False)
    rows = log.count_by_window(MINUTE, by_endpoint=True)
    assert rows[0].total == 2
    assert "/caf\ufffd" in rows[0].by_endpoint
    assert [e.url for e in log] == ["/v1/items", "/caf\ufffd"]


@pytest.mark.parametrize(("by_endpoint", "by_client"), [(False, False), (True, True)])
def test_engine_and_python_count_alike(sample: Path, monkeypatch: pytest.MonkeyPatch,
                                       by_endpoint: bool, by_client: bool) -> None:
    """DuckDB's counts equal the plain Python counts, by status, endpoint and client."""
    flags = {"by_endpoint": by_endpoint, "by_client": by_client}
    fast = kit.load_log(sample, progress=False).count_by_window("1min", **flags)
    monkeypatch.setitem(sys.modules, "duckdb", None)
    slow = kit.load_log(sample, progress=False).count_by_window("1min", **flags)
    assert fast == slow
    assert sum(r.total for r in fast) == 6000


def test_window_edges_and_gaps(tmp_path: Path) -> None:
    """:59 and :00 fall in different windows; an empty minute between is a row with total 0."""
    log = kit.load_log(write(tmp_path / "edges.log", [
        combined("14/May/2024:09:15:59 +0000"),
        combined("14/May/2024:09:16:00 +0000", status=403),
        combined("14/May/2024:09:18:00 +0000", status=429),
    ]), progress=False)
    rows = log.count_by_window(MINUTE)
    assert [r.start.minute for r in rows] == [15, 16, 17, 18]
    assert [r.total for r in rows] == [1, 1, 0, 1]
    assert rows[1].by_status == {403: 1}
    assert rows[0].start.tzinfo is not None


@pytest.mark.parametrize("engine", ["duckdb", "python"])
def test_time_zones_land_in_the_right_utc_window(tmp_path: Path, engine: str,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """23:59:59 -0700 is 06:59:59 UTC the next day, in the 06:59 minute and 06:00 hour."""
    if engine == "python":
        monkeypatch.setitem(sys.modules, "duckdb", None)
    log = kit.load_log(write(tmp_path / "tz.log", [
        combined("31/Dec/2023:23:59:59 -0700"), combined("01/Jan/2024:07:00:00 +0000"),
        combined("01/Jan/2024:12:30:00 +0530"),
    ]), progress=False)
    minutes = log.count_by_window(MINUTE)
    assert minutes[0].start == dt.datetime(2024, 1, 1, 6, 59, tzinfo=UTC)
    assert minutes[1].start == dt.datetime(2024, 1, 1, 7, 0, tzinfo=UTC)
    assert [r.total for r in minutes] == [1, 2]
    hours = log.count_by_window(dt.timedelta(hours=1))
    assert [(r.start.hour, r.total) for r in hours] == [(6, 1), (7, 2)]


def test_error_rates_takes_a_log(sample: Path) -> None:
    """The contract: kit.error_rates(log, window="1min") -> aware UTC rows with totals."""
    rows = kit.error_rates(kit.load_log(sample, progress=False), window="1min")
    assert rows[0].start.utcoffset() == dt.timedelta(0)
    assert sum(r.total for r in rows) == 6000
    assert all(r.by_status or not r.total for r in rows)


def test_custom_format_counts_in_the_engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                            ) -> None:
    """A log written with a custom log_format loads with format=, and both engines agree."""
    spec = '$remote_addr [$time_local] "$request" $status $request_time $upstream_response_time'
    path = write(tmp_path / "timed.log", [
        f'192.0.2.{i} [14/May/2024:09:1{i}:00 +0200] "GET /v1/items/{i} HTTP/1.1" '
        f'{200 if i % 3 else 403} 0.0{i} 0.0{i}\n' for i in range(1, 6)])
    log = kit.load_log(path, format=spec, progress=False)
    assert log.format == "custom"
    assert next(e.elapsed for e in log) == pytest.approx(0.01)
    fast = log.count_by_window(MINUTE, by_endpoint=True, by_client=True)
    monkeypatch.setitem(sys.modules, "duckdb", None)
    assert fast == log.count_by_window(MINUTE, by_endpoint=True, by_client=True)
    assert fast[0].start == dt.datetime(2024, 5, 14, 7, 11, tzinfo=UTC)
    assert fast[0].by_endpoint == {"/v1/items/{id}": 1}


def test_api_gateway_and_kong_files(tmp_path: Path) -> None:
    """JSON-lines logs from API Gateway and Kong are detected and their secrets masked."""
    gw = kit.load_log(write(tmp_path / "gw.log", [APIGW + "\n"] * 2), progress=False)
    kong = kit.load_log(write(tmp_path / "kong.json.gz", [KONG + "\n", "{truncated\n"]),
                        progress=False)
    assert (gw.format, kong.format) == ("apigateway", "kong")
    (call, _), (throttled,) = list(gw), list(kong)
    assert call.status == 403
    assert call.header("X-Request-Id")
    assert throttled.status == 429
    assert throttled.elapsed == pytest.approx(0.042)
    assert "abc123secretvalue" not in repr(throttled) + str(throttled.request_headers)
    assert kong.skipped.count == 1
    assert [r.total for r in kong.count_by_window(MINUTE)] == [1]


def test_generic_json_with_mapping_and_csv(tmp_path: Path) -> None:
    """mapping= reads a home-grown JSON log; a CSV with a header row reads the same way."""
    lines = [json.dumps({"at": f"2024-05-14T09:15:0{i}Z", "code": 200 + i, "route": "/x"})
             + "\n" for i in range(3)]
    mapped = kit.load_log(write(tmp_path / "app.log", lines), format="json",
                          mapping={"time": "at", "status": "code", "target": "route"},
                          progress=False)
    assert [e.status for e in mapped] == [200, 201, 202]
    with (tmp_path / "export.csv").open("w", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["timestamp", "method", "path", "status", "client_ip"])
        writer.writerow(["2024-05-14T09:15:02Z", "GET", "/a,b", "403", "192.0.2.1"])
        writer.writerow(["never", "GET", "/", "200", "192.0.2.1"])
    table = kit.load_log(tmp_path / "export.csv", progress=False)
    assert table.format == "csv"
    assert [(e.url, e.status) for e in table] == [("/a,b", 403)]
    assert table.skipped.count == 1
    assert table.skipped.examples[0][0] == 3


def test_har_files_load_through_the_har_reader(tmp_path: Path) -> None:
    """A devtools HAR (one JSON document) gives one Exchange an entry; bad entries count."""
    entry = {"startedDateTime": "2024-05-14T09:15:02.000Z", "time": 35,
             "request": {"method": "GET", "url": f"https://api.example.com/v1/x?key={SECRET}",
                         "headers": [{"name": "Authorization", "value": f"Bearer {SECRET}"}]},
             "response": {"status": 403, "headers": [], "content": {"text": "nope"}}}
    har = {"log": {"version": "1.2", "entries": [entry, {"request": {}}, entry]}}
    path = tmp_path / "devtools.json"
    path.write_text(json.dumps(har, indent=2))
    log = kit.load_log(path, progress=False)
    assert log.format == "har"
    assert [e.status for e in log] == [403, 403]
    assert SECRET not in repr(list(log))
    assert log.skipped.count == 1
    assert log.count_by_window(MINUTE, by_endpoint=True)[0].by_endpoint == {"/v1/x": 2}


def test_missing_file_and_unknown_format(tmp_path: Path) -> None:
    """A missing path is FileNotFoundError; an undetectable one is ValueError naming format=."""
    with pytest.raises(FileNotFoundError):
        kit.load_log(tmp_path / "nope.log")
    with pytest.raises(ValueError, match="format="):
        kit.load_log(write(tmp_path / "odd.log", ["hello\n", "world\n"]))


def test_progress_bar_stays_quiet_off_a_terminal(sample: Path,
                                                 capfd: pytest.CaptureFixture[str]) -> None:
    """progress=True works in both passes, and tqdm draws nothing when stderr is no TTY."""
    log = kit.load_log(sample, progress=True)
    assert sum(1 for _ in log) == 6000
    assert log.count_by_window("5min")
    assert capfd.readouterr().err == ""


def test_mask_line_masks_json_secrets_and_jwts() -> None:
    """Example lines never show a key: JSON secret fields, query keys and JWTs are masked."""
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
    text = mask_line(f'{{"apikey": "{SECRET}", "auth": "Bearer {jwt}", "uri": "/x?token=abc"}}')
    assert SECRET not in text
    assert jwt not in text
    assert "token=abc" not in text


MEMORY_PROBE = textwrap.dedent("""
    import resource, sys, kit
    path = sys.argv[1]
    kit.sample_log(path, lines=200_000)
    log = kit.load_log(path, progress=False)
    def peak():  # VmHWM: this process's own peak (ru_maxrss survives exec from a big parent)
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    before = peak()
    count = sum(1 for _ in log)
    after_iter = peak()
    rows = log.count_by_window("1min", by_endpoint=True, by_client=True)
    print(count, sum(r.total for r in rows), before, after_iter, peak())
""")


def test_a_pass_runs_in_constant_memory(tmp_path: Path) -> None:
    """Iterating 200k lines barely grows peak RSS; the engine's count stays well under 300 MB."""
    done = subprocess.run([sys.executable, "-c", MEMORY_PROBE,  # noqa: S603 - our interpreter
                           str(tmp_path / "big.log")],
                          capture_output=True, text=True, check=True, timeout=120)
    count, counted, before, after_iter, after_count = done.stdout.split()
    assert int(count) == int(counted) == 200_000
    assert float(after_iter) - float(before) < 40, done.stdout
    assert float(after_count) < 300, done.stdout


# -- a real nginx writes the log -----------------------------------------------------------
needs_nginx = pytest.mark.skipif(shutil.which("nginx") is None and not Path(
    "/usr/sbin/nginx").exists(), reason="nginx is not installed (.ci/run installs it)")
API = ("    location = /ok { return 200 'ok'; }\n"
       "    location = /forbidden { return 403; }\n"
       "    location / { return 404; }")


@pytest.fixture
def nginx_log(tmp_path: Path) -> Iterator[tuple[Nginx, Path]]:
    server = Nginx(tmp_path, {"api": f"    access_log {tmp_path}/api.log combined;\n{API}"})
    server.start()
    try:
        yield server, tmp_path / "api.log"
    finally:
        server.stop()


@needs_nginx
def test_a_log_written_by_real_nginx(nginx_log: tuple[Nginx, Path]) -> None:
    """nginx's own combined log: statuses, paths, client, agent, masked key, times of now."""
    server, path = nginx_log
    before = dt.datetime.now(UTC).replace(microsecond=0)
    with httpx.Client(headers={"User-Agent": "kit-test/1"}) as client:
        statuses = [client.get(server.url("api", "/ok")).status_code,
                    client.get(server.url("api", f"/forbidden?api_key={SECRET}")).status_code,
                    client.post(server.url("api", "/v1/missing/42"), content=b"{}").status_code]
    server.stop()  # flush and close the log
    after = dt.datetime.now(UTC) + dt.timedelta(seconds=1)
    assert statuses == [200, 403, 404]
    deadline = time.monotonic() + 5
    while path.stat().st_size == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    log = kit.load_log(path, progress=False)
    exchanges = list(log)
    assert log.format == "combined"
    assert log.skipped.count == 0
    assert [(e.method, e.status) for e in exchanges] == [("GET", 200), ("GET", 403),
                                                         ("POST", 404)]
    assert exchanges[0].url == "/ok"
    assert SECRET not in exchanges[1].url
    assert all(e.remote_address == "127.0.0.1" for e in exchanges)
    assert all(e.request_header("User-Agent") == "kit-test/1" for e in exchanges)
    assert all(e.started_at and before <= e.started_at <= after for e in exchanges)
    rows = log.count_by_window("10s", by_endpoint=True)
    assert sum(r.total for r in rows) == 3
    assert sum(r.by_endpoint.get("/v1/missing/{id}", 0) for r in rows) == 1


def test_log_repr_and_format_name(sample: Path) -> None:
    """A Log says what it reads and from where."""
    log = kit.load_log(sample, progress=False)
    assert isinstance(log, Log)
    assert "combined" in repr(log)
    assert log.path == sample
