"""Where does the API want its key, and is the key due for rotation?

``key_locations`` sends the same key in each common place, one GET each, within a budget;
the result names places, never the key. ``key_age`` is pure: injected ``now``, no I/O.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

import httpx

from .._http.politeness import should_hold_back
from .._http.probe import Probe, make_client, send

PLACES: Final = (
    ("Authorization: Bearer <key>", "header", "Authorization", "Bearer "),
    ("X-API-Key: <key>", "header", "X-API-Key", ""),
    ("api-key: <key>", "header", "api-key", ""),
    ("Authorization: <key> (no scheme)", "header", "Authorization", ""),
    ("?api_key=<key>", "query", "api_key", ""),
    ("?key=<key>", "query", "key", ""),
)
"""(where, location, name, prefix): the places tried, in order."""
SOON_DAYS: Final = 14
"""A key this close to its rotation date is reported as 'due soon'."""


@dataclass(frozen=True, slots=True)
class Placement:
    """One place the key was tried, the status it got, and whether it was accepted (2xx/3xx)."""

    where: str
    status: int | None
    accepted: bool
    error: str | None = None


@dataclass(frozen=True, slots=True)
class KeyAge:
    """How old a key is, whether rotation is due, and a sentence saying so."""

    age_days: int
    due: bool
    message: str
    due_on: dt.date | None = None

    def _repr_html_(self) -> str:
        from .reprs import key_age_html

        return key_age_html(self)


def key_locations(url: str, key: str, *, budget: int = 6, timeout: float = 10.0,
                  client: httpx.Client | None = None,
                  headers: Mapping[str, str] | None = None) -> list[Placement]:
    """Try ``key`` in each common place (GET only, in ``PLACES`` order) within ``budget``.

    Stops early when the server sends Retry-After or an exhausted rate limit. ``headers``
    are sent with every try (other than the credential). The key is tried without the
    whitespace around it (``lint_key`` reports that). The key appears nowhere in the result.
    """
    if not key.strip():
        raise ValueError("the key is empty: paste it, or read it from an environment variable")
    # Whitespace or a line break around a key cannot go into a header at all (httpx refuses
    # it): try the key as it is meant, and let lint_key() say what to remove.
    key = key.strip()
    base = tuple((headers or {}).items())
    own = client is None
    http = client if client is not None else make_client(timeout=timeout)
    found: list[Placement] = []
    try:
        for where, location, name, prefix in PLACES[:max(budget, 0)]:
            target = url
            extra: tuple[tuple[str, str], ...] = ((name, prefix + key),)
            if location == "query":
                target, extra = str(httpx.URL(url).copy_add_param(name, key)), ()
            probe = Probe("GET", target, base + extra, label=f"key in {where}")
            exchange = send(probe, client=http, deadline=time.monotonic() + timeout)
            error = exchange.error.message if exchange.error else None
            found.append(Placement(where, exchange.status, exchange.ok, error))
            if should_hold_back(exchange, now=dt.datetime.now(dt.UTC)) is not None:
                break
    finally:
        if own:
            http.close()
    return found


def key_age(created: dt.date | dt.datetime, *, now: dt.datetime,
            rotate_after_days: int = 90) -> KeyAge:
    """Age of a key in whole days and whether rotation is due (at ``rotate_after_days``).

    A date counts calendar days; a datetime counts whole elapsed days (naive means UTC).
    A creation time after ``now`` raises ValueError.
    """
    if rotate_after_days <= 0:
        raise ValueError("rotate_after_days must be positive")
    now = _utc(now)
    if isinstance(created, dt.datetime):
        elapsed = now - _utc(created)
        if elapsed < dt.timedelta(0):
            raise ValueError(f"the creation time {created.isoformat()} is after now "
                             f"({now.isoformat()}); check the date")
        age, start = elapsed.days, _utc(created).date()
    else:
        age, start = (now.date() - created).days, created
        if age < 0:
            raise ValueError(f"the creation date {created.isoformat()} is after today "
                             f"({now.date().isoformat()}); check the date")
    due_on = start + dt.timedelta(days=rotate_after_days)
    left = rotate_after_days - age
    policy = f"(policy: rotate every {rotate_after_days} days)"
    if left <= 0:
        late = f"{-left} days ago" if left < 0 else "today"
        message = (f"the key is {_days(age)} old: rotation was due {late}, on "
                   f"{due_on.isoformat()} {policy}; create a new key, switch to it, then "
                   "revoke the old one")
    elif left <= SOON_DAYS:
        message = (f"the key is {_days(age)} old: rotation is due soon, in {_days(left)} "
                   f"(on {due_on.isoformat()}) {policy}")
    else:
        message = (f"the key is {_days(age)} old: rotate in {_days(left)} "
                   f"(by {due_on.isoformat()}) {policy}")
    return KeyAge(age, left <= 0, message, due_on)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)
