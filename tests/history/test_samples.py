"""sample_log(): a reproducible log whose injected incidents show up where they are said to be."""

from __future__ import annotations

import datetime as dt
import gzip
from collections import Counter
from pathlib import Path

import pytest

import kit

UTC = dt.UTC


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[kit.Incident]]:
    path = tmp_path_factory.mktemp("sample") / "access.log"
    return path, kit.sample_log(path)


@pytest.fixture(scope="module")
def exchanges(written: tuple[Path, list[kit.Incident]]) -> list[kit.Exchange]:
    return list(kit.load_log(written[0], progress=False))


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    """One seed always writes the same file, gzip included; another seed writes another."""
    kit.sample_log(tmp_path / "a.log.gz", lines=3000)
    kit.sample_log(tmp_path / "b.log.gz", lines=3000)
    kit.sample_log(tmp_path / "c.log.gz", lines=3000, seed=7)
    a, b, c = ((tmp_path / f"{n}.log.gz").read_bytes() for n in "abc")
    assert a == b
    assert a != c
    assert a[:2] == b"\x1f\x8b"
    assert len(gzip.decompress(a).splitlines()) == 3000


def test_incidents_are_described(written: tuple[Path, list[kit.Incident]]) -> None:
    """Three incidents, in time order, each with a cause from the taxonomy and a place."""
    _, incidents = written
    assert [i.kind for i in incidents] == ["waf_block", "rate_limit_burst", "revoked_key"]
    assert [i.cause for i in incidents] == [kit.Cause.SECURITY_POLICY, kit.Cause.RATE_LIMIT,
                                            kit.Cause.API_KEY]
    assert incidents == sorted(incidents, key=lambda i: i.start)
    assert all(i.start.tzinfo is UTC and i.start < i.end for i in incidents)
    assert incidents[0].end - incidents[0].start == dt.timedelta(minutes=6)
    assert incidents[0].endpoint == "/v1/upload"
    assert incidents[1].client == "203.0.113.77"


def test_every_line_reads_and_the_mix_is_realistic(exchanges: list[kit.Exchange]) -> None:
    """20,000 lines, none skipped, mostly 2xx, some 3xx/4xx/5xx, several clients."""
    statuses = Counter(e.status for e in exchanges)
    assert len(exchanges) == 20_000
    assert sum(v for k, v in statuses.items() if k is not None and k < 300) > 0.75 * 20_000
    assert {304, 404, 429, 500}.issubset(statuses)
    assert len({e.remote_address for e in exchanges}) == 7
    assert all(e.started_at is not None for e in exchanges)


def test_the_waf_block_is_a_403_spike_on_one_endpoint(
        written: tuple[Path, list[kit.Incident]], exchanges: list[kit.Exchange]) -> None:
    """During the WAF incident most calls to its endpoint get 403; outside it, almost none."""
    waf = written[1][0]
    inside = [e for e in exchanges if e.url == waf.endpoint and waf.covers(e.started_at)]
    outside = [e for e in exchanges if e.url == waf.endpoint and not waf.covers(e.started_at)
               and e.remote_address != "198.51.100.23"]
    assert len(inside) > 30
    assert sum(e.status == 403 for e in inside) / len(inside) > 0.8
    assert sum(e.status == 403 for e in outside) / len(outside) < 0.05


def test_the_burst_is_throttled_and_the_revoked_key_refused(
        written: tuple[Path, list[kit.Incident]], exchanges: list[kit.Exchange]) -> None:
    """The looping client gets 429/403 in its burst; the revoked client gets 403 afterwards."""
    _, burst, revoked = written[1]
    looping = [e for e in exchanges if e.remote_address == burst.client
               and burst.covers(e.started_at)]
    assert len(looping) > 300
    assert sum(e.status in (429, 403) for e in looping) / len(looping) > 0.7
    after = [e for e in exchanges if e.remote_address == revoked.client
             and revoked.covers(e.started_at) and e.url != "/health"]
    before = [e for e in exchanges if e.remote_address == revoked.client
              and e.started_at < revoked.start]
    assert after
    assert all(e.status == 403 for e in after)
    assert sum(e.status == 403 for e in before) / len(before) < 0.05
    assert revoked.end > max(e.started_at for e in exchanges if e.started_at)


def test_incidents_show_in_the_per_minute_counts(written: tuple[Path, list[kit.Incident]]
                                                 ) -> None:
    """The engine's per-minute 403 share is higher in each incident than before any."""
    path, incidents = written
    rows = kit.load_log(path, progress=False).count_by_window("1min")
    calm = [r.forbidden_share for r in rows if r.start < incidents[0].start]
    for incident in incidents:
        during = [r.rate(403, 429) for r in rows if incident.covers(r.start)]
        assert min(during) > 2 * max(calm), incident.kind


def test_times_in_another_zone_are_the_same_instants(tmp_path: Path) -> None:
    """Written in +02:00 or in UTC, the same seed gives the same UTC instants."""
    plus2 = dt.timezone(dt.timedelta(hours=2))
    kit.sample_log(tmp_path / "utc.log", lines=500)
    kit.sample_log(tmp_path / "local.log", lines=500, tz=plus2)
    assert "+0200]" in (tmp_path / "local.log").read_text().splitlines()[0]
    utc = [e.started_at for e in kit.load_log(tmp_path / "utc.log", progress=False)]
    local = [e.started_at for e in kit.load_log(tmp_path / "local.log", progress=False)]
    assert utc == local


def test_start_and_size_are_checked(tmp_path: Path) -> None:
    """A naive start or fewer than one line is a ValueError; a start moves the whole log."""
    with pytest.raises(ValueError, match="aware"):
        kit.sample_log(tmp_path / "x.log", start=dt.datetime(2024, 1, 1))
    with pytest.raises(ValueError, match="at least 1"):
        kit.sample_log(tmp_path / "x.log", lines=0)
    start = dt.datetime(2030, 1, 1, tzinfo=UTC)
    incidents = kit.sample_log(tmp_path / "y.log", lines=100, start=start)
    assert all(i.start > start for i in incidents)
    first = next(iter(kit.load_log(tmp_path / "y.log", progress=False)))
    assert first.started_at is not None
    assert first.started_at >= start
