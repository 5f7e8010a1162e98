"""The time-series charts of kit.plots: the series they carry, titles, a UTC axis, PNG and SVG."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import matplotlib
import pytest
from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.patches import StepPatch

import kit
from kit import plots
from kit._history import charts as _timeplots

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)
PNG = b"\x89PNG\r\n\x1a\n"


def rows(windows: int = 30) -> list[kit.WindowRow]:
    """A minute-by-minute series: mostly 200s, a few 404s and 500s, a 403 burst at minutes 10-11."""
    out = []
    for i in range(windows):
        refused = 40 if i in (10, 11) else 1
        out.append(kit.WindowRow(T0 + i * MINUTE, 100 + refused + 3,
                                 {200: 100, 404: 2, 500: 1, 403: refused}))
    return out


def spike(minute: int) -> kit.Spike:
    return kit.Spike(T0 + minute * MINUTE, 0.28, 0.01, 9.0, 40, 143,
                     T0 + (minute + 1) * MINUTE)


def headroom() -> list[kit.HeadroomPoint]:
    """A bucket of 10 falls 9..6, one refusal at 6, then a reset to 9 and a fall to 7."""
    reset = T0 + 10 * MINUTE
    counts = [9, 8, 7, 6, 9, 8, 7]
    return [kit.HeadroomPoint(T0 + i * dt.timedelta(seconds=10), "x-ratelimit", None, 10, left,
                              reset, status=429 if i == 3 else 200)
            for i, left in enumerate(counts)]


def timed(n: int = 40) -> list[kit.Exchange]:
    """Recorded exchanges over four minutes taking 10..49 ms."""
    return [kit.Exchange("GET", "http://x/a", status=200, elapsed=(10 + i) / 1000,
                         started_at=T0 + i * dt.timedelta(seconds=6), label="recorded")
            for i in range(n)]


def mix() -> list[tuple[dt.datetime, dict[kit.Cause, int]]]:
    return [(T0, {kit.Cause.RATE_LIMIT: 3}), (T0 + MINUTE, {}),
            (T0 + 2 * MINUTE, {kit.Cause.RATE_LIMIT: 1, kit.Cause.SECURITY_POLICY: 2})]


def legend_texts(ax: Any) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def is_utc_date_axis(ax: Any) -> bool:
    """Concise date ticks read in UTC, and the label says so."""
    formatter = ax.xaxis.get_major_formatter()
    return (isinstance(formatter, mdates.ConciseDateFormatter) and formatter._tz is dt.UTC
            and ax.get_xlabel() == "time (UTC)")


CHARTS = {
    "headroom_over_time": lambda: plots.headroom_over_time(
        headroom(), forecast=kit.exhaustion_forecast(headroom())),
    "error_rates_chart": lambda: plots.error_rates_chart(rows(), spikes=[spike(10)]),
    "status_mix": lambda: plots.status_mix(rows()),
    "cause_mix_chart": lambda: plots.cause_mix_chart(mix()),
    "latency_chart": lambda: plots.latency_chart(timed(), window="1min"),
}


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_renders_png_and_svg(name: str) -> None:
    """Each chart renders to a non-trivial PNG and a complete SVG document, with a title."""
    ax = CHARTS[name]()
    assert ax.get_title()
    data = plots.to_png(ax)
    assert data.startswith(PNG)
    assert len(data) > 5000
    svg = plots.to_svg(ax)
    assert svg.lstrip().startswith("<?xml")
    assert svg.rstrip().endswith("</svg>")


@pytest.mark.parametrize("name", [n for n in CHARTS if n != "status_mix"])
def test_time_charts_have_a_utc_date_axis(name: str) -> None:
    """The x axis of every chart over time is dates, read in UTC."""
    assert is_utc_date_axis(CHARTS[name]())


def test_ticks_stay_utc_when_matplotlib_uses_another_zone(monkeypatch: pytest.MonkeyPatch) -> None:
    """With rcParams' timezone set to New York, the ticks still read 12:xx (UTC), not 08:xx."""
    monkeypatch.setitem(matplotlib.rcParams, "timezone", "America/New_York")
    ax = plots.error_rates_chart(rows())
    ax.figure.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels() if ":" in t.get_text()]
    assert ticks
    assert all(t.startswith("12:") for t in ticks)


def test_error_rates_stack_one_patch_per_status_class_and_shade_each_spike() -> None:
    """2xx, 4xx and 5xx stack in that order; two spikes are two shaded spans; rate on a twin."""
    ax = plots.error_rates_chart(rows(), spikes=[spike(10), spike(11)])
    stacks = [p for p in ax.patches if isinstance(p, StepPatch)]
    assert [p.get_gid() for p in stacks] == ["class-2xx", "class-4xx", "class-5xx"]
    assert list(stacks[-1].get_data().values) == [r.total for r in rows()]
    spans = [p for p in ax.patches if str(p.get_gid()).startswith("spike-")]
    assert len(spans) == 2
    assert ax.get_title() == ("Requests per 1 min window: 3198 in all, 108 refused (403+429), "
                              "2 spike windows")
    twin = next(a for a in ax.figure.axes if a is not ax)
    assert twin.get_ylabel() == "403+429 share of requests (%)"
    share = twin.get_lines()[0].get_ydata()
    assert share[10] == pytest.approx(100 * 40 / 143)
    assert legend_texts(ax) == ["2xx", "4xx", "5xx", "spike", "403+429 share"]
    assert 'id="spike-1"' in plots.to_svg(ax)


def test_error_rates_chart_on_the_sample_log_shades_every_spike(tmp_path: Path) -> None:
    """On the seeded sample log at 1-minute windows, shaded spans equal kit.spikes()."""
    kit.sample_log(tmp_path / "access.log", lines=20_000)
    found_rows = kit.error_rates(kit.load_log(tmp_path / "access.log", progress=False), "1min")
    found = kit.spikes(found_rows)
    ax = plots.error_rates_chart(found_rows, spikes=found)
    spans = [p for p in ax.patches if str(p.get_gid()).startswith("spike-")]
    assert len(spans) == len(found) > 0
    assert [mdates.num2date(p.get_x(), tz=dt.UTC) for p in spans] == [s.start for s in found]


def test_headroom_over_time_draws_buckets_resets_refusals_and_forecast() -> None:
    """Remaining and limit lines, one reset marker, the refusal, the forecast to zero."""
    series = headroom()
    forecast = kit.exhaustion_forecast(series)
    ax = plots.headroom_over_time(series, forecast=forecast)
    labels = legend_texts(ax)
    assert labels[:2] == ["x-ratelimit: remaining", "x-ratelimit: limit"]
    assert "refused (403/429)" in labels
    assert "reset (1: remaining jumped up)" in labels
    remaining = next(line for line in ax.get_lines()
                     if line.get_label() == "x-ratelimit: remaining")
    assert list(remaining.get_ydata()) == [9, 8, 7, 6, 9, 8, 7]
    reset = next(c for c in ax.collections if c.get_gid() == "reset")
    assert len(reset.get_offsets()) == 1
    line = next(line for line in ax.get_lines() if line.get_gid() == "forecast")
    assert line.get_ydata()[0] == 7
    assert forecast.at is not None
    assert f"spent {forecast.at:%H:%M:%S} UTC" in line.get_label()
    assert ax.get_title() == "Rate-limit headroom: 7 of 10 left (7 responses)"
    assert ax.get_ylabel() == "requests remaining"


def test_headroom_over_time_without_counts_says_so() -> None:
    """No point with a count draws a titled note, not an empty chart or an error."""
    ax = plots.headroom_over_time([])
    assert ax.get_title() == "Rate-limit headroom: no counts yet"
    assert not ax.get_lines()


def test_status_mix_has_one_bar_per_code_refusals_hatched() -> None:
    """Four codes, most frequent first, shares in %, 403 hatched."""
    ax = plots.status_mix(rows())
    assert [t.get_text() for t in ax.get_yticklabels()] == ["200", "403", "404", "500"]
    widths = [p.get_width() for p in ax.patches]
    assert sum(widths) == pytest.approx(100.0)
    assert [p.get_hatch() for p in ax.patches] == [None, "//", None, None]
    assert ax.get_title() == "Status mix: 3198 requests, 3.4% refused (403/429)"


def test_cause_mix_chart_stacks_one_container_per_cause() -> None:
    """Two causes over three windows: two bar containers, labelled, with the mostly-cause title."""
    ax = plots.cause_mix_chart(mix())
    assert len(ax.containers) == 2
    assert legend_texts(ax) == ["rate limit", "security policy"]
    assert ax.get_title() == ("Causes of 6 recorded 403s per 1 min window (mostly rate limit: "
                              "4)")
    assert plots.cause_mix_chart([]).get_title() == "Causes of 403s: none explained"


def test_latency_chart_draws_median_and_p95_per_window() -> None:
    """Ten exchanges a minute: per-window median and nearest-rank p95, in milliseconds."""
    ax = plots.latency_chart(timed(), window="1min")
    median, p95 = ax.get_lines()
    assert list(median.get_ydata()) == pytest.approx([14.5, 24.5, 34.5, 44.5])
    assert list(p95.get_ydata()) == pytest.approx([19, 29, 39, 49])
    assert ax.get_ylabel() == "response time (ms)"
    assert ax.get_title() == ("Response time per 1 min window: median 30 ms, p95 47 ms "
                              "(40 responses)")
    assert plots.latency_chart([kit.Exchange("GET", "/a", status=200)]).get_title() == (
        "Response time: none recorded")


def test_charts_draw_on_a_given_axes_and_are_reexported() -> None:
    """ax= is used and returned; kit.plots names are the _timeplots functions."""
    fig = Figure()
    ax = fig.add_subplot()
    assert plots.status_mix(rows(), ax=ax) is ax
    assert plots.error_rates_chart is _timeplots.error_rates_chart
    assert plots.headroom_over_time is _timeplots.headroom_over_time
