"""Incidents, not windows: runs of adjacent spike windows merged into one span each.

A refusal storm of twenty minutes flags twenty one-minute windows; a reader wants one row
for it, with one explanation drawn from all of its refusals. ``incidents`` merges spike
windows whose gap is at most ``gap`` quiet windows into one :class:`~kit.Spike` spanning
them (counts summed, the highest score kept); ``explain_spikes`` on the result gives one
report per incident.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections.abc import Sequence

from .spike_reports import Spike


def incidents(found: Sequence[Spike], *, gap: int = 1) -> list[Spike]:
    """Spike windows merged into incidents: a window starting no more than ``gap`` window
    lengths after the previous one ends joins its incident. Each incident is a Spike whose
    ``start``/``end`` span its windows, ``count``/``total`` are summed, ``rate`` is the
    incident's own share, ``baseline`` the median of its windows' baselines and ``score`` the
    highest. ``gap`` must be 0 or more (0: only windows that touch)."""
    if gap < 0:
        raise ValueError(f"gap must be 0 or more windows, not {gap}")
    ordered = sorted(found, key=lambda s: s.start)
    groups: list[list[Spike]] = []
    for spike in ordered:
        if groups and _joins(groups[-1][-1], spike, gap):
            groups[-1].append(spike)
        else:
            groups.append([spike])
    return [_merge(group) for group in groups]


def _length(spike: Spike) -> dt.timedelta:
    return spike.end - spike.start if spike.end is not None else dt.timedelta(0)


def _joins(last: Spike, spike: Spike, gap: int) -> bool:
    end = last.end if last.end is not None else last.start
    return spike.start <= end + gap * _length(last)


def _merge(group: list[Spike]) -> Spike:
    if len(group) == 1:
        return group[0]
    count = sum(s.count for s in group)
    total = sum(s.total for s in group)
    last = group[-1]
    return Spike(
        start=group[0].start,
        rate=count / total if total else max(s.rate for s in group),
        baseline=statistics.median(s.baseline for s in group),
        score=max(s.score for s in group),
        count=count,
        total=total,
        end=last.end if last.end is not None else last.start,
    )
