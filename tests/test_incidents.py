"""kit.incidents: adjacent spike windows become one incident each."""

from __future__ import annotations

import datetime as dt

import pytest

import kit

T0 = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
MINUTE = dt.timedelta(minutes=1)


def window(minute: int, count: int = 10, total: int = 100, score: float = 5.0) -> kit.Spike:
    start = T0 + minute * MINUTE
    return kit.Spike(start, count / total, 0.01, score, count, total, start + MINUTE)


def test_touching_windows_merge_and_distant_ones_do_not() -> None:
    """Minutes 0-2 are one incident, minute 10 another; counts add up, the top score is kept."""
    merged = kit.incidents([window(2, score=9.0), window(0), window(1), window(10)])
    assert [(m.start, m.end) for m in merged] == [(T0, T0 + 3 * MINUTE),
                                                 (T0 + 10 * MINUTE, T0 + 11 * MINUTE)]
    assert merged[0].count == 30
    assert merged[0].total == 300
    assert merged[0].rate == pytest.approx(0.1)
    assert merged[0].score == 9.0


@pytest.mark.parametrize(("gap", "expected"), [(0, 2), (1, 1), (3, 1)])
def test_gap_counts_quiet_windows_allowed_inside_an_incident(gap: int, expected: int) -> None:
    """One quiet minute between two spike windows splits them only when gap is 0."""
    assert len(kit.incidents([window(0), window(2)], gap=gap)) == expected


def test_negative_gap_is_a_clear_error() -> None:
    """A negative gap names itself."""
    with pytest.raises(ValueError, match="gap must be 0 or more"):
        kit.incidents([window(0)], gap=-1)


def test_no_spikes_no_incidents() -> None:
    """An empty list stays empty."""
    assert kit.incidents([]) == []
