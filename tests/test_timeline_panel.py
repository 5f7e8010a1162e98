"""TimelinePanel and HistoryMonitorPanel, driven headless on the sample log and the sandbox."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import kit
import kit.widgets as kw

PNG = b"\x89PNG\r\n\x1a\n"
GARBAGE = ["this is not a log line", "", "GET /only-half", '{"json": "in a combined log"}']


def live_hits(sandbox: Any, source: str) -> int:
    """Requests the sandbox's monitor endpoint has received so far from ``source``."""
    path = urlsplit(sandbox.monitor_url).path
    return sum(1 for hit in sandbox.hits if hit.path == path and hit.client_ip == source)


def monitor(sandbox: Any, source: str, store: Path, **options: Any) -> kw.HistoryMonitorPanel:
    """A history monitor on the sandbox sending from ``source``: a rate-limit bucket of its own."""
    panel = kw.HistoryMonitorPanel(sandbox, store_path=store, interval=0.1, **options)
    panel.form.local_address.value = source
    return panel


@pytest.fixture(scope="module")
def sample_run() -> tuple[kw.TimelinePanel, kw.TimelineReport]:
    """The panel with its defaults (the seeded sample log, window "auto"), run once."""
    panel = kw.TimelinePanel()
    report = panel.run()
    assert report is not None, panel.feedback.error.value
    return panel, report


def test_timeline_panel_finds_each_incident_of_the_sample_log(
        sample_run: tuple[kw.TimelinePanel, kw.TimelineReport]) -> None:
    """Every injected incident starts a run of spike windows; no spike falls outside one."""
    panel, report = sample_run
    incidents = report.incidents
    assert [i.kind for i in incidents] == ["waf_block", "rate_limit_burst", "revoked_key"]
    assert report.window == dt.timedelta(minutes=1)
    for incident in incidents:
        inside = [s.start for s in report.spikes if incident.covers(s.start)]
        assert inside, incident.kind
        assert inside[0] == incident.start, incident.kind
    assert all(any(i.covers(s.start) for i in incidents) for s in report.spikes)
    waf = next(r for r in report.reports if incidents[0].covers(r.spike.start))
    assert waf.endpoints[0][0] == "/v1/upload"
    burst = next(r for r in report.reports if incidents[1].covers(r.spike.start))
    assert burst.clients[0][0] == "203.0.113.77"
    assert burst.cause is kit.Cause.RATE_LIMIT
    assert panel.path.value.endswith("sample-access.log.gz")


def test_three_incidents_show_as_three_rows_not_their_windows(
        sample_run: tuple[kw.TimelinePanel, kw.TimelineReport]) -> None:
    """The seeded log's three incidents flag many adjacent windows, merged into three rows,
    each spanning its incident's first window and explained once."""
    panel, report = sample_run
    assert len(report.spikes) > 3 * 2
    assert len(report.reports) == 3
    for found, injected in zip(report.reports, report.incidents, strict=True):
        assert found.spike.start == injected.start
        assert found.spike.end is not None
        assert found.spike.end > found.spike.start
        assert found.spike.count == sum(s.count for s in report.spikes
                                        if found.spike.start <= s.start < found.spike.end)
    table = panel.spike_table.value
    assert table.count("<tr>") == (1 + 3) + (1 + len(report.incidents))  # two tables
    assert "rate_limit" not in table  # labels people read, not ids
    assert "Rate limit or quota exceeded" in table


def test_timeline_panel_shows_charts_table_and_skipped_count(
        sample_run: tuple[kw.TimelinePanel, kw.TimelineReport]) -> None:
    """Charts as PNGs, the spikes table, the incidents, 'Skipped lines: 0'; no red message."""
    panel, report = sample_run
    assert bytes(panel.rates_chart.value).startswith(PNG)
    assert bytes(panel.status_chart.value).startswith(PNG)
    assert panel.latency_chart.layout.display == "none"  # a combined log has no times
    assert "Incidents (3)" in panel.spike_table.value
    assert "refused (403/429)" in panel.spike_table.value
    assert "What really happened" in panel.spike_table.value
    assert "Skipped lines: 0" in panel.skipped.value
    assert panel.feedback.error.value == ""
    assert panel.progress.value == panel.progress.max
    assert repr(report).startswith("<TimelineReport 50000 requests in ")
    assert "Incidents (3)" in report._repr_html_()


def test_garbage_lines_are_counted_and_shown(tmp_path: Path) -> None:
    """Three unreadable lines among a small log: counted, shown with examples, not charted."""
    log = tmp_path / "mixed.log"
    kit.sample_log(log, lines=3000)
    lines = log.read_text().splitlines(keepends=True)
    lines[100:100] = [g + "\n" for g in GARBAGE]
    log.write_text("".join(lines))
    panel = kw.TimelinePanel(str(log))
    panel.window.value = "5min"
    report = panel.run()
    assert report is not None, panel.feedback.error.value
    assert report.skipped.count == 3
    assert report.total == 3000
    assert report.window == dt.timedelta(minutes=5)
    assert "Skipped lines: 3" in panel.skipped.value
    assert "this is not a log line" in panel.skipped.value
    assert report.incidents == ()


def test_an_upload_is_written_to_a_temp_file_loaded_and_forgotten(tmp_path: Path) -> None:
    """Uploading a log loads it; the widget drops the file's bytes so saved state holds none."""
    log = tmp_path / "upload.log"
    kit.sample_log(log, lines=2000)
    panel = kw.TimelinePanel()
    panel.upload.value = ({"name": "../my access.log", "type": "text/plain",
                           "size": log.stat().st_size, "content": memoryview(log.read_bytes()),
                           "last_modified": dt.datetime.now(dt.UTC)},)
    assert panel.upload.value == ()
    assert panel.path.value.endswith("/my_access.log")
    assert panel.report is not None
    assert panel.report.total == 2000
    assert panel.upload.get_state()["value"] == []


def test_a_missing_file_is_a_red_message_not_a_traceback(tmp_path: Path) -> None:
    """A path with no file: run() returns None and the panel says what to do."""
    panel = kw.TimelinePanel(str(tmp_path / "nope.log"))
    assert panel.run() is None
    assert "there is no file at" in panel.feedback.error.value
    assert "upload it" in panel.feedback.error.value
    assert "Traceback" not in panel.feedback.error.value


def test_history_monitor_keeps_to_its_budget_across_runs(sandbox: Any, tmp_path: Path) -> None:
    """Budget 5 with 8 steps sends 5; a second run sends none; all 5 are in the store."""
    store = tmp_path / "h.sqlite"
    panel = monitor(sandbox, "127.0.0.61", store, steps=8, budget=5)
    report = panel.run()
    assert report is not None, panel.feedback.error.value
    assert live_hits(sandbox, "127.0.0.61") == 5
    assert panel.run() is not None
    assert live_hits(sandbox, "127.0.0.61") == 5
    assert panel.sent == 5
    assert report.stored == report.shown == 5
    assert len(report.headroom) == 5
    assert bytes(panel.headroom_chart.value).startswith(PNG)
    assert bytes(panel.rates_chart.value).startswith(PNG)
    assert str(store) in panel.result.value
    assert "Requests sent by this panel: 5 of its budget of 5" in panel.result.value


def test_history_outlives_the_panel_and_is_charted_again(sandbox: Any, tmp_path: Path) -> None:
    """Reopened with kit.open_history the store holds every exchange; a new panel adds to it."""
    store = tmp_path / "kept.sqlite"
    first = monitor(sandbox, "127.0.0.62", store, steps=3)
    assert first.run() is not None
    with kit.open_history(store) as reopened:
        kept = list(reopened)
    assert [ex.label for ex in kept] == ["recorded"] * 3
    assert all(ex.url == sandbox.monitor_url for ex in kept)
    assert all(("x-ratelimit-limit", "10") in ex.response_headers for ex in kept)
    second = monitor(sandbox, "127.0.0.62", store, steps=2)
    report = second.run()
    assert report is not None
    assert report.stored == 5
    assert report.shown == 5


def test_history_monitor_start_and_stop_stay_within_budget(sandbox: Any,
                                                           tmp_path: Path) -> None:
    """Start runs in the background, Stop ends it; never more than the budget is sent."""
    panel = monitor(sandbox, "127.0.0.63", tmp_path / "bg.sqlite", budget=4)
    panel.start()
    deadline = time.monotonic() + 5
    while live_hits(sandbox, "127.0.0.63") < 4 and time.monotonic() < deadline:
        time.sleep(0.05)
    panel.stop()
    assert live_hits(sandbox, "127.0.0.63") == 4
    assert panel.sent == 4
    assert not panel.start_button.disabled
    assert len(kit.open_history(tmp_path / "bg.sqlite")) == 4


def test_history_monitor_bad_url_is_a_red_message(tmp_path: Path) -> None:
    """A URL that is not one: run() returns None with a red message and sends nothing."""
    panel = kw.HistoryMonitorPanel(url="not a url", store_path=tmp_path / "x.sqlite")
    assert panel.run() is None
    assert "Could not start the monitor" in panel.feedback.error.value


def test_default_history_is_per_user_and_per_notebook(monkeypatch: pytest.MonkeyPatch,
                                                      tmp_path: Path) -> None:
    """The default file sits in the user's state folder, named after the notebook."""
    from kit.widgets._history import default_store

    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    monkeypatch.setenv("JPY_SESSION_NAME", "/home/me/notebooks/08_error_rates_over_time.ipynb")
    assert default_store() == tmp_path / "forbidden-kit" / "08_error_rates_over_time.sqlite"
    monkeypatch.delenv("JPY_SESSION_NAME")
    assert default_store() == tmp_path / "forbidden-kit" / "history.sqlite"
    assert default_store("my report") == tmp_path / "forbidden-kit" / "my_report.sqlite"


def test_a_full_history_file_is_set_aside_not_grown(sandbox: Any, tmp_path: Path) -> None:
    """A file holding keep_rows exchanges becomes '<name>.previous.sqlite' (one kept) and the
    panel goes on in a fresh file, so the history never grows without bound."""
    store = tmp_path / "history.sqlite"
    panel = monitor(sandbox, "127.0.0.9", store, steps=3, budget=6, keep_rows=3)
    assert panel.run() is not None, panel.feedback.error.value
    assert len(panel.store()) == 3
    assert panel.set_aside is None
    assert panel.run() is not None, panel.feedback.error.value  # the next run starts afresh
    previous = tmp_path / "history.previous.sqlite"
    assert panel.set_aside == previous
    assert len(panel.store()) == 3
    with kit.open_history(previous) as old:
        assert len(old) == 3


def test_an_empty_history_charts_a_note_not_a_crash(sandbox: Any, tmp_path: Path) -> None:
    """Refreshing before anything was recorded shows 'no counts yet', not a red bug message."""
    panel = kw.HistoryMonitorPanel(sandbox, store_path=tmp_path / "empty.sqlite")
    report = panel.refresh()
    assert report.stored == 0
    assert bytes(panel.headroom_chart.value).startswith(PNG)
