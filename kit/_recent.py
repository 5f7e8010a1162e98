"""What the client's own recent history says about a refusal.

``kit.record(client)`` keeps what the user's client sent and got. Three facts from it separate
causes that one response cannot: the same request answering 2xx shortly before (a standing
rule, key or permission did not change in seconds: a limiter or a ban did), a burst of
requests just before the refusal, and refusals that began at one moment for every path.
They enter the verdict as context signals (``check="history"``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeAlias

from ._causes import Cause
from ._diagnosis import Signal
from ._exchange import Exchange
from ._history import endpoint_of, utc

LOOKBACK = dt.timedelta(minutes=10)
"""How far back the history is read."""
BURST = dt.timedelta(seconds=10)
"""The window a burst is counted in, before the refusal."""
BURST_COUNT = 5
"""Requests to one host within ``BURST`` that count as a burst."""
HistoryLike: TypeAlias = Iterable[Exchange]
"""A ``kit.History``, a ``Store`` from ``kit.open_history``, or any iterable of Exchanges."""


def window(history: HistoryLike, refusal: Exchange, *,
           now: dt.datetime | None = None) -> Iterable[Exchange]:
    """The part of ``history`` worth reading for this refusal (a Store reads only that)."""
    if isinstance(history, Exchange):
        raise TypeError("history= takes a kit.History, a Store or an iterable of Exchanges, "
                        "not one Exchange")
    between: Any = getattr(history, "between", None)
    if callable(between):
        at = utc(refusal.started_at or now or dt.datetime.now(dt.UTC))
        return list(between(at - LOOKBACK, at + dt.timedelta(seconds=1)))
    return history


@dataclass(frozen=True, slots=True)
class Recent:
    """The history read around one refusal."""

    last_success: Exchange | None
    burst: list[Exchange]
    switch: tuple[dt.datetime, int] | None  # when every path began to be refused, how many
    elsewhere: Exchange | None = None  # the newest 2xx on another path of the host


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).netloc.lower()


def read(refusal: Exchange, history: Iterable[Exchange], *,
         now: dt.datetime | None = None) -> Recent:
    """The exchanges to the refusal's host in the ``LOOKBACK`` before it, read for evidence."""
    at = utc(refusal.started_at or now or dt.datetime.now(dt.UTC))
    host, path, method = _host(refusal.url), endpoint_of(refusal), refusal.method
    before = sorted(
        (e for e in history
         if e.started_at is not None and e.status is not None and _host(e.url) == host
         and at - LOOKBACK <= utc(e.started_at) <= at and e is not refusal
         and utc(e.started_at) != at),
        key=lambda e: utc(e.started_at or at))
    same = [e for e in before if e.method == method and endpoint_of(e) == path]
    last_success = next((e for e in reversed(same) if (e.status or 0) < 400), None)
    burst = [e for e in before if at - utc(e.started_at or at) <= BURST]
    elsewhere = next((e for e in reversed(before)
                      if (e.status or 0) < 300 and endpoint_of(e) != path), None)
    return Recent(last_success, burst, _switch(before), elsewhere)


def _switch(before: list[Exchange]) -> tuple[dt.datetime, int] | None:
    """The moment after which every request (on two or more paths) was refused."""
    refused_tail: list[Exchange] = []
    for e in reversed(before):
        if (e.status or 0) in (401, 403, 429):
            refused_tail.append(e)
        else:
            break
    paths = {endpoint_of(e) for e in refused_tail}
    if len(paths) < 2 or len(refused_tail) == len(before):
        return None
    first = refused_tail[-1].started_at
    return (utc(first), len(refused_tail)) if first is not None else None


def signals(refusal: Exchange, history: Iterable[Exchange], *,
            now: dt.datetime | None = None) -> list[Signal]:
    """Context signals from the client's recent history (none when it says nothing)."""
    recent = read(refusal, history, now=now)
    at = utc(refusal.started_at or now or dt.datetime.now(dt.UTC))
    out: list[Signal] = []
    ok = recent.last_success
    if ok is not None and ok.started_at is not None:
        ago = (at - utc(ok.started_at)).total_seconds()
        said = (f"this request answered {ok.status} at {utc(ok.started_at):%H:%M:%S}, "
                f"{ago:.1f} s before the refusal")
        out.append(Signal(Cause.RATE_LIMIT, 0.5, said + ": what changed in between is the "
                          "traffic, as a limiter counts it", check="history", key="same-ok-before"))
        for cause in (Cause.IP_ALLOWLIST, Cause.PERMISSIONS, Cause.CONFIGURATION):
            out.append(Signal(cause, -0.5, said + ": a standing rule would have refused it "
                              "then too", check="history", key="same-ok-before"))
    if len(recent.burst) >= BURST_COUNT:
        first = recent.burst[0].started_at
        span = (at - utc(first)).total_seconds() if first is not None else 0.0
        out.append(Signal(Cause.RATE_LIMIT, 0.45, f"{len(recent.burst) + 1} requests to this "
                          f"host in {span:.1f} s, the refusal last", check="history",
                          fix="Pace requests below the limit and back off on 403/429.",
                          key="burst"))
    other = recent.elsewhere
    if other is not None and other.started_at is not None and recent.switch is None:
        # From this client, another path of the host answered lately and no refusal wave
        # began since: the refusal is not an address block over the whole host (a rule over
        # this path or prefix still could be), the way a gateway's catch-all is not.
        ago = (at - utc(other.started_at)).total_seconds()
        out.append(Signal(Cause.IP_ALLOWLIST, -0.4, f"{other.method} {endpoint_of(other)} on "
                          f"this host answered {other.status} at "
                          f"{utc(other.started_at):%H:%M:%S}, {ago:.1f} s before: this "
                          "client is not blocked from the whole host", check="history",
                          key="host-open"))
    if recent.switch is not None:
        start, count = recent.switch
        out.append(Signal(Cause.RATE_LIMIT, 0.3, f"from {start:%H:%M:%S} every request to this "
                          f"host was refused ({count} on several paths) after earlier ones "
                          "succeeded: a limiter or a ban switched on", check="history",
                          key="switch"))
    return out
