"""Spikes of refusals over time, what each one was, and the cause mix of recorded 403s.

A window is a spike when its refusal rate stands far above a robust baseline: the rolling
median of the neighbouring windows, with the median absolute deviation (MAD) as the scale,
on Anscombe's arcsine-square-root scale, where a binomial share's noise is about
``1 / sqrt(4 n + 2)`` at any rate. The scale never drops below that noise, so a perfectly
steady baseline does not make a small wobble a spike; windows with fewer than ``min_count``
refusals are never flagged. On pure binomial noise the default threshold (3.5) flags about
one window in five thousand. Flagged windows stay out of later baselines, so a lasting change
of level is flagged until the look-back holds too few ordinary windows, then is the new normal.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .._causes import Cause
from .._explain import explain
from .._http.exchange import Exchange
from .keys import client_of, endpoint_of
from .store import utc, window_seconds
from .timeline import resolve_window
from .windows import WindowRow

MIN_BASELINE = 5
"""Windows with traffic needed around a window before it can be judged."""
MAX_EXPLAINED = 25
"""Refused responses run through kit.explain per spike (spread evenly over the window)."""
_MAD_TO_SD = 1.4826


@dataclass(frozen=True, slots=True)
class Spike:
    """One window whose refusal rate stands out: rate vs baseline, robust z-score, counts."""

    start: dt.datetime
    rate: float
    baseline: float
    score: float
    count: int
    total: int = 0
    end: dt.datetime | None = None


@dataclass(frozen=True, slots=True)
class SpikeReport:
    """What a spike was: where and from whom the refusals came, and the likely cause."""

    spike: Spike
    endpoints: list[tuple[str, int]]
    clients: list[tuple[str, int]]
    cause: Cause | None
    confidence: float
    evidence: list[str]


def spikes(rows: Sequence[WindowRow], *, statuses: Sequence[int] = (403, 429),
           window_count: int = 15, threshold: float = 3.5, min_count: int = 5) -> list[Spike]:
    """Windows whose share of ``statuses`` is a robust outlier above its neighbours.

    The baseline is the ``window_count`` windows before each one (the ones after it, for the
    first windows of a series), leaving out empty windows and windows already flagged, so a
    long incident does not become its own baseline.
    """
    step = _step(rows)
    out: list[Spike] = []
    flagged: set[int] = set()
    for i, row in enumerate(rows):
        hits = _hits(row, statuses)
        if row.total == 0 or hits < min_count:
            continue
        first = max(0, i - window_count)
        base = [r for j, r in enumerate(rows[first:i], first) if r.total and j not in flagged]
        if len(base) < MIN_BASELINE:
            base = [r for r in rows[i + 1:i + 1 + window_count] if r.total]
            if len(base) < MIN_BASELINE:
                continue
        levels = [_stable(_hits(r, statuses), r.total) for r in base]
        middle = statistics.median(levels)
        mad = statistics.median(abs(v - middle) for v in levels)
        scale = max(_MAD_TO_SD * mad, 1.0 / math.sqrt(4.0 * row.total + 2.0))
        score = (_stable(hits, row.total) - middle) / scale
        if score >= threshold:
            flagged.add(i)
            baseline = statistics.median(r.rate(*statuses) for r in base)
            out.append(Spike(row.start, hits / row.total, baseline, score, hits, row.total,
                             row.start + step if step else None))
    return out


def explain_spikes(source: Iterable[Exchange], spikes: Sequence[Spike],
                   window: str | dt.timedelta | None = None, *,
                   statuses: Sequence[int] = (403, 429)) -> list[SpikeReport]:
    """For each spike: its endpoints and clients by refusals, and the dominant cause.

    Recorded responses (with headers or a body) go through ``kit.explain``; bare log lines
    only say their status, so the cause stays unknown (429s suggest a rate limit, weakly).
    ``window`` defaults to each spike's own span.
    """
    size = dt.timedelta(seconds=window_seconds(window)) if window is not None else None
    spans = [(s.start, s.start + size if size else s.end or s.start) for s in spikes]
    refused: list[list[Exchange]] = [[] for _ in spikes]
    between = getattr(source, "between", None)
    if between is not None:
        for bucket, (start, end) in zip(refused, spans, strict=True):
            bucket.extend(ex for ex in between(start, end) if ex.status in statuses)
    else:
        for ex in source:
            if ex.status in statuses and ex.started_at is not None:
                at = utc(ex.started_at)
                for bucket, (start, end) in zip(refused, spans, strict=True):
                    if start <= at < end:
                        bucket.append(ex)
    return [_report(spike, bucket) for spike, bucket in zip(spikes, refused, strict=True)]


def cause_mix(source: Iterable[Exchange], window: str | dt.timedelta = "auto"
              ) -> list[tuple[dt.datetime, dict[Cause, int]]]:
    """Per window, how many recorded 403s ``kit.explain`` puts down to each cause.

    Only 403s with headers or a body count (a bare log line cannot be explained); windows
    run from the first such 403 to the last, empty ones included.
    """
    recorded = [ex for ex in source
                if ex.status == 403 and ex.started_at is not None and _recorded(ex)]
    if not recorded:
        return []
    times = [utc(ex.started_at) for ex in recorded if ex.started_at is not None]
    seconds = int(resolve_window(window, times).total_seconds())
    mix: defaultdict[int, Counter[Cause]] = defaultdict(Counter)
    for ex, at in zip(recorded, times, strict=True):
        top = explain(ex, now=at).top
        epoch = int(at.timestamp())
        if top is not None:
            mix[epoch - epoch % seconds][top.cause] += 1
    first = min(int(t.timestamp()) for t in times)
    last = max(int(t.timestamp()) for t in times)
    return [(dt.datetime.fromtimestamp(w, dt.UTC), dict(mix.get(w, {})))
            for w in range(first - first % seconds, last + 1, seconds)]


def _report(spike: Spike, refused: list[Exchange]) -> SpikeReport:
    endpoints = Counter(endpoint_of(ex) for ex in refused).most_common()
    clients = Counter(c for ex in refused if (c := client_of(ex)) is not None).most_common()
    recorded = [ex for ex in refused if _recorded(ex)]
    if recorded:
        cause, confidence, evidence = _explained(recorded)
    else:
        cause, confidence, evidence = _by_status(refused, endpoints, clients)
    return SpikeReport(spike, endpoints, clients, cause, confidence, evidence)


def _explained(recorded: list[Exchange]) -> tuple[Cause | None, float, list[str]]:
    """Run kit.explain on a spread sample; the cause most responses point to wins."""
    sample = recorded[:: max(1, math.ceil(len(recorded) / MAX_EXPLAINED))]
    votes: defaultdict[Cause, list[float]] = defaultdict(list)
    lines: dict[Cause, list[str]] = {}
    for ex in sample:
        top = explain(ex, now=utc(ex.started_at) if ex.started_at else None).top
        if top is not None:
            votes[top.cause].append(top.confidence)
            lines.setdefault(top.cause, top.evidence)
    if not votes:
        return None, 0.0, [f"kit.explain found no cause in {len(sample)} recorded responses."]
    cause = max(votes, key=lambda c: (len(votes[c]), sum(votes[c])))
    share = ", ".join(f"{c.value} {len(v)}" for c, v in
                      sorted(votes.items(), key=lambda item: -len(item[1])))
    head = (f"kit.explain on {len(sample)} of {len(recorded)} recorded refusals: {share}.")
    return cause, sum(votes[cause]) / len(sample), [head, *lines[cause][:3]]


def _by_status(refused: list[Exchange], endpoints: list[tuple[str, int]],
               clients: list[tuple[str, int]]) -> tuple[Cause | None, float, list[str]]:
    """Bare log lines: the statuses and where the refusals concentrate are all there is."""
    total = len(refused)
    if not total:
        return None, 0.0, ["No refused request of this window is in the source."]
    throttled = sum(1 for ex in refused if ex.status == 429)
    evidence = [f"Only status codes were recorded ({total} refusals, {throttled} of them 429): "
                "the cause is unknown without response headers or bodies."]
    if clients and clients[0][1] >= 0.8 * total:
        evidence.append(f"{clients[0][1]} of {total} refusals came from {clients[0][0]} (on "
                        f"{len(endpoints)} endpoints): that caller's key, address or pace is "
                        "more likely than a rule on an endpoint.")
    elif endpoints and endpoints[0][1] >= 0.8 * total and len(clients) > 1:
        evidence.append(f"{endpoints[0][1]} of {total} refusals hit {endpoints[0][0]}, from "
                        f"{len(clients)} clients: a rule on that endpoint (WAF, gateway "
                        "configuration, permissions) is more likely than one caller's key.")
    if throttled * 2 >= total:
        evidence.append("Most refusals are 429 Too Many Requests: a rate limit is likely; "
                        "record the responses (kit.record) to read their headers.")
        return Cause.RATE_LIMIT, 0.3, evidence
    return None, 0.0, evidence


def _hits(row: WindowRow, statuses: Sequence[int]) -> int:
    return sum(row.by_status.get(s, 0) for s in statuses)


def _recorded(ex: Exchange) -> bool:
    """Headers or a body to read: a response, not a log line (whatever ids the log kept)."""
    return ex.label != "log" and bool(ex.body or ex.response_headers)


def _stable(hits: int, total: int) -> float:
    """Anscombe's arcsine transform: binomial noise becomes 1 / sqrt(4 n + 2) at any rate."""
    return math.asin(math.sqrt((hits + 0.375) / (total + 0.75)))


def _step(rows: Sequence[WindowRow]) -> dt.timedelta | None:
    gaps = [b.start - a.start for a, b in itertools.pairwise(rows)]
    positive = [g for g in gaps if g > dt.timedelta(0)]
    return min(positive) if positive else None
