"""Charts of history over time: headroom, error rates, status and cause mix, latency.

Import them from ``kit.plots``. Like the rest of it, each takes ``ax=`` (or makes its own
``Figure``), returns the ``Axes``, never touches pyplot, uses the Okabe-Ito colours (distinct
under the common colour-vision deficiencies) and reads time in UTC (ConciseDateFormatter).
Artists a test or a reader may look for carry a gid: "spike-N", "reset", "forecast".
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from typing import Any, cast

from matplotlib import dates as mdates
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from .._causes import Cause
from .._http.exchange import Exchange
from .._http.ratelimit import human_span
from .._theme import NEUTRAL, OKABE_ITO, themed
from .spike_reports import Spike
from .store import utc
from .timeline import Forecast, HeadroomPoint, resets, resolve_window
from .windows import WindowRow

"""The palette of kit.plots (kept here too, so this module never imports kit.plots)."""
CLASS_COLOURS = {"2xx": OKABE_ITO["green"], "3xx": OKABE_ITO["sky"], "4xx": OKABE_ITO["orange"],
                 "5xx": OKABE_ITO["vermillion"], "other": OKABE_ITO["grey"]}
CAUSE_COLOURS = {Cause.PERMISSIONS: OKABE_ITO["blue"], Cause.API_KEY: OKABE_ITO["orange"],
                 Cause.IP_ALLOWLIST: OKABE_ITO["sky"], Cause.RATE_LIMIT: OKABE_ITO["purple"],
                 Cause.AUTHENTICATION: OKABE_ITO["yellow"],
                 Cause.SECURITY_POLICY: OKABE_ITO["vermillion"],
                 Cause.CONFIGURATION: OKABE_ITO["green"]}
BUCKET_COLOURS = ("blue", "orange", "purple", "sky", "green")
_num = cast("Callable[[dt.datetime], float]", mdates.date2num)  # matplotlib.dates is untyped
_DAY = 86400.0


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    return ax if ax is not None else Figure(figsize=size, layout="constrained").add_subplot()


def time_axis(ax: Axes) -> None:
    """Concise date ticks on the x axis, read in UTC, and the axis label saying so."""
    auto: Any = mdates.AutoDateLocator
    concise: Any = mdates.ConciseDateFormatter
    locator = auto(tz=dt.UTC)
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(concise(locator, tz=dt.UTC))
    ax.set_xlabel("time (UTC)")


def _empty(ax: Axes, title: str, note: str) -> Axes:
    """A titled note instead of a chart (no ticks: an empty axis has no time to show)."""
    from matplotlib.ticker import NullFormatter, NullLocator

    ax.set_title(title)
    for axis in (ax.xaxis, ax.yaxis):  # a date formatter given no ticks fails (IndexError)
        axis.set_major_locator(NullLocator())
        axis.set_major_formatter(NullFormatter())
    ax.text(0.5, 0.5, note, ha="center", va="center", transform=ax.transAxes)
    return ax


def _step(starts: Sequence[dt.datetime], fallback: dt.timedelta) -> dt.timedelta:
    """The window length: the smallest gap between window starts (``fallback`` for one)."""
    gaps = [b - a for a, b in itertools.pairwise(starts) if b > a]
    return min(gaps) if gaps else fallback


@themed
def headroom_over_time(series: Sequence[HeadroomPoint], *, forecast: Forecast | None = None,
                       ax: Axes | None = None) -> Axes:
    """Requests remaining (and the limit) per rate-limit bucket over UTC time, the resets,
    refused responses and the exhaustion forecast (``kit.exhaustion_forecast``)."""
    ax = _axes(ax, (9.0, 4.0))
    time_axis(ax)
    ax.set_ylabel("requests remaining")
    counted = [p for p in series if p.remaining is not None]
    if not counted:
        return _empty(ax, "Rate-limit headroom: no counts yet",
                      "no response announced a rate limit yet")
    buckets = dict.fromkeys(p.key for p in counted)
    for (convention, resource), colour in zip(buckets, itertools.cycle(BUCKET_COLOURS),
                                              strict=False):
        points = [p for p in counted if p.key == (convention, resource)]
        name = convention + (f" {resource}" if resource else "")
        times = [_num(p.at) for p in points]
        ax.step(times, [float(p.remaining or 0) for p in points], where="post", marker="o",
                markersize=3, color=OKABE_ITO[colour], label=f"{name}: remaining")
        if any(p.limit is not None for p in points):
            ax.step(times, [math.nan if p.limit is None else float(p.limit) for p in points],
                    where="post", linestyle="--", alpha=0.7, color=OKABE_ITO[colour],
                    label=f"{name}: limit")
    refused = [p for p in counted if p.status in (403, 429)]
    if refused:
        ax.scatter([_num(p.at) for p in refused], [float(p.remaining or 0) for p in refused],
                   marker="x", s=50, color=OKABE_ITO["vermillion"], zorder=3,
                   label="refused (403/429)")
    jumps = resets(counted)
    if jumps:
        ax.scatter([_num(p.at) for p in jumps], [float(p.remaining or 0) for p in jumps],
                   marker="^", s=70, color=OKABE_ITO["green"], edgecolor=NEUTRAL, zorder=4,
                   label=f"reset ({len(jumps)}: remaining jumped up)").set_gid("reset")
    first, last = counted[0], counted[-1]
    if forecast is not None:
        _forecast(ax, forecast, [p for p in counted if p.key == (
            forecast.convention, forecast.resource)] or counted, first.at)
    ax.set_ylim(bottom=0)
    left = f"{last.remaining} of {last.limit}" if last.limit is not None else str(last.remaining)
    ax.set_title(f"Rate-limit headroom: {left} left ({len(counted)} responses)")
    ax.legend(loc="best", fontsize=8)
    return ax


def _forecast(ax: Axes, forecast: Forecast, points: list[HeadroomPoint],
              first: dt.datetime) -> None:
    """The line to zero at the observed pace and the announced reset, kept near the data."""
    last = points[-1]
    horizon = last.at + max(last.at - first, dt.timedelta(minutes=1))
    pace = f"{forecast.pace_per_min:.3g}/min"
    if forecast.at is not None and forecast.at <= last.at:
        ax.axvline(_num(forecast.at), color=OKABE_ITO["vermillion"], linestyle="-.",
                   label=f"spent at {forecast.at:%H:%M:%S} UTC").set_gid("forecast")
    elif forecast.at is not None:
        end = min(forecast.at, horizon)
        share = (end - last.at) / (forecast.at - last.at)
        left = float(last.remaining or 0)
        beyond = "" if end == forecast.at else ", beyond the chart"
        line, = ax.plot([_num(last.at), _num(end)], [left, left * (1 - share)],
                        linestyle="-.", color=OKABE_ITO["vermillion"],
                        label=f"forecast at {pace}: spent {forecast.at:%H:%M:%S} UTC{beyond}")
        line.set_gid("forecast")
    if forecast.reset is not None and forecast.reset <= horizon:
        ax.axvline(_num(forecast.reset), color=OKABE_ITO["green"], linestyle=":",
                   label=f"announced reset {forecast.reset:%H:%M:%S} UTC")


@themed
def error_rates_chart(rows: Sequence[WindowRow], *, spikes: Iterable[Spike] = (),
                      statuses: Sequence[int] = (403, 429), ax: Axes | None = None) -> Axes:
    """Requests per window stacked by status class, the refused share (``statuses``) on a
    right-hand axis, and each spike window shaded."""
    ax = _axes(ax, (9.0, 4.0))
    time_axis(ax)
    ax.set_ylabel("requests per window")
    if not rows:
        return _empty(ax, "Error rates: no requests", "the source holds no timed requests")
    step = _step([r.start for r in rows], dt.timedelta(minutes=1))
    width = step.total_seconds() / _DAY
    starts = [_num(r.start) for r in rows]
    edges = [*starts, starts[-1] + width]
    classes = [r.by_class for r in rows]
    bottom = [0.0] * len(rows)
    for name, colour in CLASS_COLOURS.items():  # one filled step patch per class, stacked
        heights = [float(c.get(name, 0)) for c in classes]
        if any(heights):
            upper = [b + h for b, h in zip(bottom, heights, strict=True)]
            ax.stairs(upper, edges, baseline=bottom, fill=True, color=colour, linewidth=0,
                      label="no response / other" if name == "other" else name
                      ).set_gid(f"class-{name}")
            bottom = upper
    marked = list(spikes)
    for i, spike in enumerate(marked):
        end = spike.end or spike.start + step
        ax.axvspan(_num(spike.start), _num(end), color=OKABE_ITO["yellow"], alpha=0.6,
                   linewidth=0, zorder=0, label="spike" if i == 0 else "_spike"
                   ).set_gid(f"spike-{i}")
    which = "+".join(str(s) for s in statuses)
    twin = ax.twinx()
    twin.plot([s + width / 2 for s in starts],
              [100.0 * r.rate(*statuses) if r.total else math.nan for r in rows],
              color=NEUTRAL, linewidth=1.2, marker=".", markersize=3, label=f"{which} share")
    top = max((r.rate(*statuses) for r in rows), default=0.0)
    twin.set_ylim(0, max(5.0, 100.0 * top * 1.15))
    twin.set_ylabel(f"{which} share of requests (%)")
    ax.set_ylim(0, max(bottom) * 1.25 or 1.0)  # room above the bars shows the spike shading
    total = sum(r.total for r in rows)
    refused = sum(r.by_status.get(s, 0) for r in rows for s in statuses)
    ax.set_title(f"Requests per {human_span(step)} window: {total} in all, {refused} refused "
                 f"({which}), {len(marked)} spike window{'s' * (len(marked) != 1)}")
    handles, labels = ax.get_legend_handles_labels()
    more, more_labels = twin.get_legend_handles_labels()
    ax.legend(handles + more, labels + more_labels, loc="upper center", fontsize=8,
              bbox_to_anchor=(0.5, -0.2), ncol=len(labels) + len(more_labels), frameon=False)
    return ax


@themed
def status_mix(rows: Sequence[WindowRow], ax: Axes | None = None) -> Axes:
    """Share of requests per status code over all windows (refusals 403/429 hatched)."""
    counts: Counter[int] = Counter()
    for row in rows:
        counts.update(row.by_status)
    ax = _axes(ax, (7.0, 1.4 + 0.32 * max(len(counts), 1)))
    ax.set_xlabel("share of requests (%)")
    ax.set_ylabel("status")
    total = sum(counts.values())
    if not total:
        return _empty(ax, "Status mix: no requests", "the source holds no timed requests")
    codes = sorted(counts, key=lambda c: (-counts[c], c))
    shares = [100.0 * counts[c] / total for c in codes]
    colours = [CLASS_COLOURS[f"{c // 100}xx" if 100 <= c < 600 else "other"] for c in codes]
    bars = ax.barh(range(len(codes)), shares, color=colours, edgecolor=NEUTRAL, linewidth=0.5)
    for bar, code in zip(bars, codes, strict=True):
        if code in (403, 429):
            bar.set_hatch("//")
    for y, (code, share) in enumerate(zip(codes, shares, strict=True)):
        ax.annotate(f"{counts[code]} ({share:.1f}%)", (share, y), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=8)
    ax.set_yticks(range(len(codes)), [str(c) if c else "no response" for c in codes])
    ax.invert_yaxis()
    ax.margins(x=0.2)
    refused = counts[403] + counts[429]
    ax.set_title(f"Status mix: {total} requests, {100.0 * refused / total:.1f}% refused "
                 "(403/429)")
    return ax


@themed
def cause_mix_chart(mix: Sequence[tuple[dt.datetime, dict[Cause, int]]],
                    ax: Axes | None = None) -> Axes:
    """Recorded 403s per window stacked by the cause ``kit.explain`` gave (``kit.cause_mix``)."""
    ax = _axes(ax, (9.0, 3.6))
    time_axis(ax)
    ax.set_ylabel("403 responses per window")
    totals: Counter[Cause] = Counter()
    for _, counts in mix:
        totals.update(counts)
    if not totals:
        return _empty(ax, "Causes of 403s: none explained",
                      "no recorded 403 with headers or a body: a log holds only status codes")
    step = _step([start for start, _ in mix], dt.timedelta(minutes=1))
    starts = [_num(start) for start, _ in mix]
    bottom = [0.0] * len(mix)
    for cause in (c for c in CAUSE_COLOURS if totals[c]):
        heights = [float(counts.get(cause, 0)) for _, counts in mix]
        ax.bar(starts, heights, width=step.total_seconds() / _DAY, bottom=bottom,
               align="edge", color=CAUSE_COLOURS[cause], edgecolor=NEUTRAL, linewidth=0.3,
               label=cause.value.replace("_", " "))
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    top, count = totals.most_common(1)[0]
    ax.set_title(f"Causes of {sum(totals.values())} recorded 403s per {human_span(step)} window "
                 f"(mostly {top.value.replace('_', ' ')}: {count})")
    ax.legend(title="cause", loc="upper left", fontsize=8)
    return ax


@themed
def latency_chart(source: Iterable[Exchange], *, window: str | dt.timedelta = "auto",
                  ax: Axes | None = None) -> Axes:
    """Median and 95th percentile of ``Exchange.elapsed`` per window, in milliseconds."""
    ax = _axes(ax, (9.0, 3.6))
    time_axis(ax)
    ax.set_ylabel("response time (ms)")
    timed = [(utc(ex.started_at), ex.elapsed * 1000.0) for ex in source
             if ex.started_at is not None and ex.elapsed is not None]
    if not timed:
        return _empty(ax, "Response time: none recorded",
                      "this source records no response times (a combined log has none)")
    seconds = int(resolve_window(window, [at for at, _ in timed]).total_seconds())
    windows: defaultdict[int, list[float]] = defaultdict(list)
    for at, ms in timed:
        epoch = int(at.timestamp())
        windows[epoch - epoch % seconds].append(ms)
    starts = sorted(windows)
    centres = [_num(dt.datetime.fromtimestamp(s + seconds / 2, dt.UTC)) for s in starts]
    medians = [statistics.median(windows[s]) for s in starts]
    p95s = [percentile(windows[s], 95) for s in starts]
    ax.fill_between(centres, medians, p95s, color=OKABE_ITO["sky"], alpha=0.3, linewidth=0)
    ax.plot(centres, medians, color=OKABE_ITO["blue"], marker=".", label="median")
    ax.plot(centres, p95s, color=OKABE_ITO["orange"], linestyle="--", marker=".",
            label="95th percentile")
    ax.set_ylim(bottom=0)
    every = [ms for _, ms in timed]
    ax.set_title(f"Response time per {human_span(dt.timedelta(seconds=seconds))} window: median "
                 f"{statistics.median(every):.0f} ms, p95 {percentile(every, 95):.0f} ms "
                 f"({len(every)} responses)")
    ax.legend(loc="upper left", fontsize=8)
    return ax


def percentile(values: Sequence[float], q: float) -> float:
    """The nearest-rank ``q``th percentile (a value that occurred, never an interpolation)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100.0 * len(ordered)) - 1)]
