"""Time windows and per-window counts: the shape every history source reports in."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

_UNITS = {"s": 1, "sec": 1, "min": 60, "m": 60, "h": 3600, "hour": 3600, "d": 86400}
_WINDOW = re.compile(r"^\s*(\d+)\s*(s|sec|min|m|h|hour|d)\s*$", re.IGNORECASE)


def parse_window(window: str | dt.timedelta) -> dt.timedelta:
    """'10s', '1min', '5min', '1h' or a timedelta -> a positive timedelta (ValueError if not)."""
    if isinstance(window, dt.timedelta):
        if window <= dt.timedelta(0):
            raise ValueError(f"window must be positive, not {window}")
        return window
    found = _WINDOW.match(str(window))
    if not found:
        raise ValueError(f"window {window!r} is not like '10s', '1min', '5min' or '1h'")
    seconds = int(found.group(1)) * _UNITS[found.group(2).lower()]
    if seconds <= 0:
        raise ValueError(f"window must be positive, not {window!r}")
    return dt.timedelta(seconds=seconds)


def window_start(moment: dt.datetime, window: dt.timedelta) -> dt.datetime:
    """The UTC start of the window holding ``moment`` (windows are aligned to the epoch)."""
    if moment.tzinfo is None:
        raise ValueError("timestamps must be timezone-aware")
    seconds = int(window.total_seconds())
    epoch = int(moment.timestamp())
    return dt.datetime.fromtimestamp(epoch - epoch % seconds, tz=dt.UTC)


@dataclass(frozen=True, slots=True)
class WindowRow:
    """Counts for one time window: totals by status, and the share that was refused."""

    start: dt.datetime
    total: int
    by_status: dict[int, int] = field(default_factory=dict)
    by_endpoint: dict[str, int] = field(default_factory=dict)
    by_client: dict[str, int] = field(default_factory=dict)

    @property
    def by_class(self) -> dict[str, int]:
        """Counts per status class: '2xx', '3xx', '4xx', '5xx' (and 'other')."""
        out: dict[str, int] = {}
        for status, count in self.by_status.items():
            key = f"{status // 100}xx" if 100 <= status < 600 else "other"
            out[key] = out.get(key, 0) + count
        return out

    def rate(self, *statuses: int) -> float:
        """Share of requests in this window with one of these statuses (0 when empty)."""
        hits = sum(self.by_status.get(s, 0) for s in statuses)
        return hits / self.total if self.total else 0.0

    @property
    def forbidden_share(self) -> float:
        return self.rate(403)
