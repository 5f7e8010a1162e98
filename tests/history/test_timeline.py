"""Analyses over time: windows, error rates, headroom, forecasts, spikes and their causes."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import httpx
import pytest

import kit
from kit._history.windows import window_start

T0 = dt.datetime(2024, 5, 14, 9, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
BURST = range(60, 66)


def line(at: dt.datetime, status: int, path: str = "/v1/items",
         client: str = "198.51.100.10") -> kit.Exchange:
    """An exchange as a log line gives it: no headers, no body."""
    return kit.Exchange("GET", path, status=status, started_at=at, remote_address=client,
                        label="log")


def steady_rows(windows: int = 120, total: int = 200, refused: int = 2,
                burst: range = range(0)) -> list[kit.WindowRow]:
    return [kit.WindowRow(T0 + i * MINUTE, total,
                          {403: (60 if i in burst else refused),
                           200: total - (60 if i in burst else refused)})
            for i in range(windows)]


def noisy_rows(seed: int, windows: int = 300, burst: range = range(0)) -> list[kit.WindowRow]:
    """About 200 requests a minute; each one a 403 with p=1% (30% in the burst), 429 with 0.5%."""
    rng = random.Random(seed)
    rows = []
    for i in range(windows):
        total = max(1, round(rng.gauss(200, 28)))
        p403 = 0.30 if i in burst else 0.01
        draws = [rng.random() for _ in range(total)]
        forbidden = sum(d < p403 for d in draws)
        throttled = sum(p403 <= d < p403 + 0.005 for d in draws)
        rows.append(kit.WindowRow(T0 + i * MINUTE, total, {
            200: total - forbidden - throttled, 403: forbidden, 429: throttled}))
    return rows


# -- windows and error rates ------------------------------------------------------------------

def test_windows_align_to_utc_not_to_the_local_offset() -> None:
    """Window starts are UTC and epoch-aligned, whatever offset the timestamps carry."""
    india = dt.timezone(dt.timedelta(hours=5, minutes=30))
    local = dt.datetime(2024, 5, 14, 10, 0, 30, tzinfo=india)  # 04:30:30 UTC
    records = [line(local, 200), line(T0 + dt.timedelta(seconds=59.999), 403),
               line(T0 + MINUTE, 200)]
    hourly = kit.error_rates(records, "1h")
    assert [r.start for r in hourly] == [T0.replace(hour=h) for h in range(4, 10)]
    assert hourly[0].start.tzinfo is dt.UTC
    assert hourly[0].total == 1
    minutes = kit.error_rates(records[1:], "1min")
    assert [(r.start, r.total, r.by_status) for r in minutes] == [
        (T0, 1, {403: 1}), (T0 + MINUTE, 1, {200: 1})]


def test_empty_windows_between_records_are_counted_as_zero() -> None:
    """A quiet stretch shows up as windows with total 0, not as a gap."""
    rows = kit.error_rates([line(T0, 200), line(T0 + 4 * MINUTE, 403)], "1min")
    assert [r.total for r in rows] == [1, 0, 0, 0, 1]
    assert rows[2].rate(403) == 0.0
    assert rows[4].forbidden_share == 1.0


def test_rates_by_status_class_endpoint_and_client() -> None:
    """One window: counts by status and class, by endpoint and by client, and the 403 share."""
    records = [line(T0, 200, "/a", "198.51.100.10"), line(T0, 403, "/a", "198.51.100.10"),
               line(T0, 403, "/b", "203.0.113.5"), line(T0, 429, "/b", "203.0.113.5"),
               line(T0, 502, "/b", "203.0.113.5")]
    (row,) = kit.error_rates(kit.History(records), "5min", by_endpoint=True, by_client=True)
    assert row.by_status == {200: 1, 403: 2, 429: 1, 502: 1}
    assert row.by_class == {"2xx": 1, "4xx": 3, "5xx": 1}
    assert row.by_endpoint == {"/a": 2, "/b": 3}
    assert row.by_client == {"198.51.100.10": 2, "203.0.113.5": 3}
    assert row.forbidden_share == pytest.approx(0.4)
    assert row.rate(403, 429) == pytest.approx(0.6)


@pytest.mark.parametrize(("span", "window"), [
    (dt.timedelta(seconds=10), "1s"), (dt.timedelta(minutes=50), "30s"),
    (dt.timedelta(hours=6), "2min"), (dt.timedelta(days=3), "30min"),
    (dt.timedelta(days=400), "3d")])
def test_auto_window_is_round_and_gives_at_most_200_windows(
        tmp_path: Path, span: dt.timedelta, window: str) -> None:
    """"auto" picks a round window (roughly 60-200 windows) and every kind of source agrees."""
    records = [line(T0 + span * i / 199, 403 if i % 7 == 0 else 200) for i in range(200)]
    rows = kit.error_rates(records, "auto")
    assert rows[1].start - rows[0].start == kit.parse_window(window)
    assert len(rows) <= 200
    assert span < dt.timedelta(hours=1) or len(rows) >= 60
    assert sum(r.total for r in rows) == 200
    with kit.open_history(tmp_path / "h.sqlite") as store:
        store.extend(records)
        assert kit.error_rates(store, "auto") == rows
    assert kit.error_rates(kit.History(records), "auto") == rows


def test_error_rates_reject_a_window_that_is_not_one() -> None:
    """A malformed or sub-second window is a ValueError, not a silent guess."""
    for bad in ("soon", "0s", dt.timedelta(milliseconds=500)):
        with pytest.raises(ValueError, match="window"):
            kit.error_rates([line(T0, 200)], bad)


# -- spikes -----------------------------------------------------------------------------------

def test_spikes_find_an_injected_burst_exactly() -> None:
    """A steady 1% 403 rate with one 6-minute 30% burst: exactly those 6 windows are flagged."""
    flagged = kit.spikes(steady_rows(burst=BURST))
    assert [s.start for s in flagged] == [T0 + i * MINUTE for i in BURST]
    first = flagged[0]
    assert first.rate == pytest.approx(0.30)
    assert first.baseline == pytest.approx(0.01)
    assert first.count == 60
    assert first.total == 200
    assert first.score > 3.5
    assert first.end == first.start + MINUTE


def test_spikes_find_a_burst_in_noisy_traffic_built_from_exchanges() -> None:
    """The same burst in seeded, noisy traffic goes through error_rates and is found exactly."""
    rows = noisy_rows(seed=2, windows=120, burst=BURST)
    records = [line(row.start + dt.timedelta(seconds=(j % 60) + 0.25), status)
               for row in rows for j, status in
               enumerate(s for s, n in row.by_status.items() for _ in range(n))]
    counted = kit.error_rates(kit.History(records), "1min")
    assert [r.by_status for r in counted] == [
        {k: v for k, v in sorted(r.by_status.items()) if v} for r in rows]
    assert [s.start for s in kit.spikes(counted)] == [T0 + i * MINUTE for i in BURST]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_spikes_flag_nothing_on_a_steady_log(seed: int) -> None:
    """Steady traffic flags nothing, whether perfectly even or noisy (binomial, fixed seed)."""
    assert kit.spikes(steady_rows()) == []
    assert kit.spikes(noisy_rows(seed)) == []


def test_spikes_ignore_tiny_counts_and_empty_windows() -> None:
    """Four refusals out of four is not a spike (min_count=5); empty windows are skipped."""
    rows = steady_rows(windows=30, total=100, refused=0)
    rows[20] = kit.WindowRow(rows[20].start, 4, {403: 4})
    rows[21] = kit.WindowRow(rows[21].start, 0, {})
    assert kit.spikes(rows) == []
    rows[20] = kit.WindowRow(rows[20].start, 5, {403: 5})
    assert [s.start for s in kit.spikes(rows)] == [rows[20].start]


def test_a_burst_at_the_very_start_is_judged_against_what_follows() -> None:
    """The first windows lack history before them; the windows after serve as the baseline."""
    assert [s.start for s in kit.spikes(steady_rows(burst=range(0, 2)))] == [T0, T0 + MINUTE]


def test_spikes_find_the_sample_logs_incidents_and_the_log_counts_as_python_does(
        tmp_path: Path) -> None:
    """On the seeded sample log, the fast log counts equal Python counting of its Exchanges, and
    spikes start exactly when each incident does (the WAF block flagged for its whole span)."""
    from kit._history.logs import load_log
    from kit._history.samples import sample_log

    incidents = sample_log(tmp_path / "access.log", lines=20_000)
    log = load_log(tmp_path / "access.log", progress=False)
    rows = kit.error_rates(log, "1min", by_endpoint=True, by_client=True)
    assert rows == kit.error_rates(list(log), "1min", by_endpoint=True, by_client=True)
    flagged = [s.start for s in kit.spikes(rows)]
    for incident in incidents:
        inside = [at for at in flagged if incident.covers(at)]
        assert inside[0] == incident.start, incident.kind
    waf = incidents[0]
    assert [at for at in flagged if waf.covers(at)] == [
        waf.start + i * MINUTE for i in range(6)]
    assert all(any(i.covers(at) for i in incidents) for at in flagged)
    reports = kit.explain_spikes(log, kit.spikes(rows))
    assert {r.endpoints[0][0] for r in reports if waf.covers(r.spike.start)} == {"/v1/upload"}


# -- explaining spikes ------------------------------------------------------------------------

def recorded_waf_burst(sandbox: Any) -> tuple[list[kit.Exchange], dt.datetime]:
    """12 WAF refusals and 28 health checks recorded from the sandbox, moved (< 60 s) so they
    share one minute: the burst window, after 30 steady minutes of log lines."""
    waf = sandbox.scenario("waf-user-agent")
    with httpx.Client() as client:
        history = kit.record(client)
        for i in range(40):
            if i % 10 < 3:
                client.get(waf.url, headers=waf.headers)
            else:
                client.get(sandbox.url + "/health")
    recorded = list(history)
    first = recorded[0].started_at
    assert first is not None
    burst = window_start(first, MINUTE)
    moved = [dataclasses.replace(ex, started_at=burst + (ex.started_at - first) / 10)
             for ex in recorded if ex.started_at is not None]
    steady = [line(burst - m * MINUTE + dt.timedelta(seconds=s), 403 if s == 30 else 200)
              for m in range(1, 31) for s in range(0, 60, 3)]
    return steady + moved, burst


def test_explain_spikes_names_the_endpoint_and_the_cause_from_recorded_bodies(
        sandbox: Any) -> None:
    """Recorded WAF 403s in a burst: the report names their endpoint, and the cause is the
    verdict on the recorded refusals (nginx's generic page: the same as explain() on one)."""
    records, burst = recorded_waf_burst(sandbox)
    refused = next(r for r in records if isinstance(r, kit.Exchange) and r.status == 403)
    history = kit.History(records)
    found = kit.spikes(kit.error_rates(history, "1min"))
    assert [s.start for s in found] == [burst]
    for source in (history, records):  # with between() and by iteration alike
        (report,) = kit.explain_spikes(source, found)
        assert report.endpoints == [("/s/waf-user-agent/items", 12)]
        assert report.cause is kit.explain(refused).cause
        assert 0 < report.confidence <= 1
        assert "12 of 12 recorded refusals" in report.evidence[0]
        assert [c for _, c in report.clients] == [12]


def test_explain_spikes_on_log_lines_says_the_cause_is_unknown() -> None:
    """Bare log lines: 429s suggest a rate limit weakly; 403s on one endpoint stay unexplained."""
    rows: list[kit.Exchange] = []
    for m in range(40):
        start = T0 + m * MINUTE
        rows += [line(start + dt.timedelta(seconds=s), 200) for s in range(0, 60, 2)]
        if m == 20:  # one client hammers and is throttled
            rows += [line(start, 429, "/v1/items", "203.0.113.77") for _ in range(12)]
        if m == 30:  # a rule blocks one endpoint for everyone
            rows += [line(start, 403, "/v1/upload", f"198.51.100.{n}") for n in range(12)]
    found = kit.spikes(kit.error_rates(rows, "1min"))
    assert [s.start for s in found] == [T0 + 20 * MINUTE, T0 + 30 * MINUTE]
    throttled, blocked = kit.explain_spikes(rows, found, "1min")
    assert throttled.cause is kit.Cause.RATE_LIMIT
    assert throttled.confidence <= 0.3
    assert throttled.clients == [("203.0.113.77", 12)]
    assert "unknown without response headers or bodies" in throttled.evidence[0]
    assert blocked.cause is None
    assert blocked.confidence == 0.0
    assert blocked.endpoints == [("/v1/upload", 12)]
    assert any("/v1/upload" in e and "12 clients" in e for e in blocked.evidence)


def test_cause_mix_counts_recorded_403s_by_cause(sandbox: Any) -> None:
    """Recorded 403s of two causes are counted per window; log lines without bodies are not."""
    with httpx.Client() as client:
        history = kit.record(client)
        for name, times in (("waf-injection", 3), ("rate-limit-github", 2)):
            scenario = sandbox.scenario(name)
            for _ in range(times):
                client.request(scenario.method, scenario.url, headers=scenario.headers,
                               params=scenario.params)
        client.get(sandbox.url + "/health")
    history.append(line(dt.datetime.now(dt.UTC), 403))
    mix = kit.cause_mix(history, "1h")
    total: Counter[kit.Cause] = Counter()
    for _, counts in mix:
        total.update(counts)
    assert total == {kit.Cause.SECURITY_POLICY: 3, kit.Cause.RATE_LIMIT: 2}
    assert all(b - a == dt.timedelta(hours=1) for (a, _), (b, _) in itertools.pairwise(mix))
    assert kit.cause_mix([line(T0, 403)], "1h") == []


# -- rate-limit headroom ----------------------------------------------------------------------

def test_headroom_resets_and_forecast_on_a_recorded_monitor_session(sandbox: Any) -> None:
    """12 requests to the live bucket (10 per 10 s): the count falls, runs out, then refills."""
    transport = httpx.HTTPTransport(local_address="127.0.0.44")  # a bucket of our own
    with httpx.Client(transport=transport) as client:
        history = kit.record(client)
        for _ in range(11):
            client.get(sandbox.monitor_url)
        time.sleep(2.2)
        client.get(sandbox.monitor_url)
    series = kit.headroom_series(history)
    assert len(series) == 12
    assert {(p.convention, p.limit) for p in series} == {("x-ratelimit", 10)}
    counts = [p.remaining for p in series]
    assert counts[0] == 9
    assert counts[10] == 0
    assert series[10].status == 429
    assert counts[:11] == sorted(counts[:11], reverse=True)
    assert kit.resets(series) == [series[11]]
    falling = kit.exhaustion_forecast(series[:5])
    assert falling.at is not None
    assert series[4].at < falling.at < series[4].at + MINUTE
    assert falling.pace_per_min > 60
    assert falling.remaining == counts[4]
    assert falling.fitting_pace_per_min is not None
    assert falling.exhausts_before_reset
    spent = kit.exhaustion_forecast(series[:11])
    assert spent.at == series[counts.index(0)].at
    assert spent.remaining == 0


def github_headers(remaining: int, reset: dt.datetime) -> tuple[tuple[str, str], ...]:
    return (("x-ratelimit-limit", "60"), ("x-ratelimit-remaining", str(remaining)),
            ("x-ratelimit-used", str(60 - remaining)),
            ("x-ratelimit-reset", str(int(reset.timestamp()))), ("x-ratelimit-resource", "core"))


def test_forecast_on_a_synthetic_header_sequence() -> None:
    """One request every 6 s from 60 left: 10 a minute, empty 5 min after 50 left."""
    reset = T0 + dt.timedelta(hours=1)
    records = [kit.Exchange("GET", "https://api.github.com/user", status=200,
                            started_at=T0 + dt.timedelta(seconds=6 * i),
                            response_headers=github_headers(59 - i, reset)) for i in range(10)]
    series = kit.headroom_series(records)
    assert [(p.convention, p.resource, p.remaining) for p in series][:2] == [
        ("github", "core", 59), ("github", "core", 58)]
    forecast = kit.exhaustion_forecast(series)
    assert forecast.pace_per_min == pytest.approx(10.0)
    assert forecast.at == series[-1].at + dt.timedelta(minutes=5)
    now = T0 + dt.timedelta(minutes=30)
    later = kit.exhaustion_forecast(series, now=now)
    assert later.fitting_pace_per_min == pytest.approx(50 / 30)
    assert later.exhausts_before_reset
    assert kit.resets(series) == []


def test_resets_and_forecast_follow_each_ietf_policy_separately() -> None:
    """Two IETF policies: the burst one refills, the hourly one runs out first and is chosen."""
    policy = '"burst";q=10;w=1, "hour";q=100;w=3600'
    records = []
    for i in range(8):
        burst_left = 9 - (i % 4)  # refills every 4 requests
        state = f'"burst";r={burst_left};t=1, "hour";r={80 - 10 * i};t=1800'
        records.append(kit.Exchange("GET", "https://a.example/x", status=200,
                                    started_at=T0 + dt.timedelta(seconds=30 * i),
                                    response_headers=(("RateLimit-Policy", policy),
                                                      ("RateLimit", state))))
    series = kit.headroom_series(records)
    assert {p.resource for p in series} == {"burst", "hour"}
    assert [(p.resource, p.remaining) for p in kit.resets(series)] == [("burst", 9)]
    forecast = kit.exhaustion_forecast(series)
    assert forecast.resource == "hour"
    assert forecast.pace_per_min == pytest.approx(20.0)
    assert forecast.at == series[-1].at + dt.timedelta(minutes=10 / 20)


def test_forecast_without_a_falling_count() -> None:
    """No headers, or a count that does not fall: no exhaustion time, zero pace."""
    assert kit.exhaustion_forecast([]) == kit.Forecast(None, 0.0, None)
    flat = [kit.HeadroomPoint(T0 + i * MINUTE, "x-ratelimit", None, 10, 7, None,
                              dt.timedelta(minutes=1)) for i in range(3)]
    forecast = kit.exhaustion_forecast(flat)
    assert forecast.at is None
    assert forecast.pace_per_min == 0.0
    assert forecast.fitting_pace_per_min == pytest.approx(10.0)  # limit per window
