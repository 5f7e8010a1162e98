"""Analyses over time: windowed error rates, rate-limit headroom, resets, exhaustion forecasts.

Every function takes a *source*: anything that iterates ``Exchange`` objects in time order (a
``History``, an ``open_history()`` store, a loaded log, a plain list). A source that counts by
itself (``count_by_window``, the SQLite store and log files do) is asked to; otherwise the
Exchanges are counted here. Functions are pure; time comes in as data (``now=``).

For spikes, their explanation and the cause mix over time see ``_spikes.py``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from .._http.exchange import Exchange
from .._http.ratelimit import parse_rate_limits
from .store import count_exchanges, utc, window_seconds
from .windows import WindowRow

ROUND_WINDOWS = (1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10800, 21600,
                 43200, 86400)
"""Candidate window lengths in seconds for ``window="auto"``."""
MAX_WINDOWS = 200
""""auto" takes the smallest round window giving at most this many windows (so ~80-200)."""
CountByWindow = Callable[..., list[WindowRow]]


def auto_window(span: dt.timedelta) -> dt.timedelta:
    """The smallest round window that cuts ``span`` into at most ``MAX_WINDOWS`` windows."""
    seconds = max(span.total_seconds(), 0.0)
    room = MAX_WINDOWS - 1  # epoch alignment can add a partial window at either end
    for candidate in ROUND_WINDOWS:
        if seconds / candidate < room:
            return dt.timedelta(seconds=candidate)
    return dt.timedelta(days=math.floor(seconds / 86400 / room) + 1)


def resolve_window(window: str | dt.timedelta, moments: Iterable[dt.datetime]) -> dt.timedelta:
    """A window as a timedelta; "auto" is chosen from the span of ``moments``."""
    if window != "auto":
        return dt.timedelta(seconds=window_seconds(window))
    times = [utc(m) for m in moments]
    return auto_window(max(times) - min(times)) if times else dt.timedelta(minutes=1)


def error_rates(source: Iterable[Exchange], window: str | dt.timedelta = "auto", *,
                by_endpoint: bool = False, by_client: bool = False) -> list[WindowRow]:
    """Counts per epoch-aligned UTC window: totals, by status (and endpoint, client).

    ``window`` is "10s", "1min", "5min", "1h", a timedelta, or "auto" (roughly 60-200 windows
    over the span). Rows are sorted by start; empty windows in between have total 0.
    Read rates from the rows: ``row.rate(403, 429)``, ``row.forbidden_share``, ``row.by_class``.
    """
    flags = {"by_endpoint": by_endpoint, "by_client": by_client}
    fast: CountByWindow | None = getattr(source, "count_by_window", None)
    if fast is None:
        exchanges = list(source)
        moments = [ex.started_at for ex in exchanges if ex.started_at is not None]
        chosen = resolve_window(window, moments)
        return count_exchanges(exchanges, chosen, **flags)
    if window != "auto":
        return fast(dt.timedelta(seconds=window_seconds(window)), **flags)
    span = _span(source, fast)
    return fast(auto_window(span[1] - span[0]), **flags) if span else []


def _span(source: object, fast: CountByWindow) -> tuple[dt.datetime, dt.datetime] | None:
    """First and last time: from ``source.span()`` when it has one, else from coarse counts."""
    exact: Callable[[], tuple[dt.datetime, dt.datetime] | None] | None = getattr(
        source, "span", None)
    if exact is not None:
        return exact()
    day, minute = dt.timedelta(days=1), dt.timedelta(minutes=1)
    daily = fast(day)  # at most a row a day, then (for a short span) a row a minute
    if len(daily) > 2:
        return daily[0].start, daily[-1].start + day
    fine = fast(minute) if daily else []
    return (fine[0].start, fine[-1].start + minute) if fine else None


@dataclass(frozen=True, slots=True)
class HeadroomPoint:
    """One rate limit as one response announced it: how much was left, of what, until when."""

    at: dt.datetime
    convention: str
    resource: str | None
    limit: int | None
    remaining: int | None
    reset: dt.datetime | None
    window: dt.timedelta | None = None
    status: int | None = None

    @property
    def key(self) -> tuple[str, str | None]:
        """Which bucket or policy this point belongs to."""
        return self.convention, self.resource

    @property
    def share(self) -> float | None:
        """remaining / limit, in [0, 1]; None without both."""
        if self.limit is None or self.remaining is None:
            return None
        return min(1.0, max(0.0, self.remaining / self.limit)) if self.limit > 0 else 0.0


def headroom_series(source: Iterable[Exchange]) -> list[HeadroomPoint]:
    """Every rate limit every response announced, in time order, one point per bucket."""
    points = []
    for ex in source:
        if ex.started_at is None or not ex.response_headers:
            continue
        at = utc(ex.started_at)
        for item in parse_rate_limits(ex.response_headers, now=at):
            if item.remaining is not None or item.limit is not None:
                points.append(HeadroomPoint(at, item.convention, item.resource, item.limit,
                                            item.remaining, item.reset, item.window, ex.status))
    points.sort(key=lambda p: p.at)
    return points


def resets(series: Iterable[HeadroomPoint]) -> list[HeadroomPoint]:
    """The points where a bucket's ``remaining`` jumped up: the limit was reset or refilled."""
    last: dict[tuple[str, str | None], int] = {}
    out = []
    for point in series:
        if point.remaining is None:
            continue
        before = last.get(point.key)
        if before is not None and point.remaining > before:
            out.append(point)
        last[point.key] = point.remaining
    return out


@dataclass(frozen=True, slots=True)
class Forecast:
    """When the tightest limit runs out at the current pace, and the pace that would fit.

    ``at`` is None when the count is not falling; in the past (the time it hit 0) when it is
    spent. ``fitting_pace_per_min`` is what is left spread until the reset (or, without a
    future reset, limit per window); None when neither is known.
    """

    at: dt.datetime | None
    pace_per_min: float
    fitting_pace_per_min: float | None
    convention: str | None = None
    resource: str | None = None
    remaining: int | None = None
    reset: dt.datetime | None = None

    @property
    def exhausts_before_reset(self) -> bool:
        """True when the limit runs out before it resets (or no reset is known)."""
        return self.at is not None and (self.reset is None or self.at < self.reset)


def exhaustion_forecast(series: Sequence[HeadroomPoint], *,
                        now: dt.datetime | None = None) -> Forecast:
    """Forecast every bucket in ``series`` and return the one that runs out first.

    The pace is a least-squares line through the bucket's points since its last reset.
    ``now`` (default: the last observation) is when the fitting pace starts.
    """
    keys = dict.fromkeys(p.key for p in series if p.remaining is not None)
    forecasts = [_forecast([p for p in series if p.key == key and p.remaining is not None],
                           now) for key in keys]
    if not forecasts:
        return Forecast(None, 0.0, None)
    far = dt.datetime.max.replace(tzinfo=dt.UTC)
    return min(forecasts, key=lambda f: (f.at or far, f.remaining or 0))


def _forecast(points: list[HeadroomPoint], now: dt.datetime | None) -> Forecast:
    counts = [(p.at, float(p.remaining or 0)) for p in points]
    start = len(counts) - 1
    while start > 0 and counts[start - 1][1] >= counts[start][1]:  # back to the last reset
        start -= 1
    run = counts[start:]
    zero = next((i for i, (_, left) in enumerate(run) if left <= 0), None)
    pace = max(0.0, -_slope(run[: zero + 1] if zero is not None else run) * 60.0)
    last = points[-1]
    left = last.remaining or 0
    if zero is not None:
        at: dt.datetime | None = run[zero][0]
    else:
        at = last.at + dt.timedelta(minutes=left / pace) if pace > 0 else None
    now = utc(now) if now is not None else last.at
    if last.reset is not None and last.reset > now:
        fitting: float | None = left / ((last.reset - now).total_seconds() / 60.0)
    elif last.limit is not None and last.window:
        fitting = last.limit / (last.window.total_seconds() / 60.0)
    else:
        fitting = None
    return Forecast(at, pace, fitting, last.convention, last.resource, left, last.reset)


def _slope(points: list[tuple[dt.datetime, float]]) -> float:
    """Least-squares slope in units per second; 0 with fewer than two distinct times."""
    if len(points) < 2:
        return 0.0
    xs = [(at - points[0][0]).total_seconds() for at, _ in points]
    ys = [y for _, y in points]
    mx, my = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mx) ** 2 for x in xs)
    if spread <= 0:
        return 0.0
    return sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)) / spread
