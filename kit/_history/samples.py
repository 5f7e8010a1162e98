"""A seeded, reproducible access log with known incidents: the data the notebooks run on.

``sample_log(path)`` writes an nginx combined-format log (gzip when the name ends in ``.gz``) for
a small API: seven clients, seven endpoints, a realistic status mix, and three injected
incidents whose times, endpoint, client and cause are returned, so a chart can be checked
against what really happened:

- ``waf_block``: a WAF rule blocks one endpoint for everyone for six minutes (403 spike);
- ``rate_limit_burst``: one client's script loops for four minutes and is throttled (429/403);
- ``revoked_key``: one client's key is revoked; from then on every request it sends gets 403.

The same seed gives the same bytes (gzip mtime is zeroed). A million lines take a few seconds:
lines are drawn and written in chunks, never held all at once.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import gzip
import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from .._causes import Cause

DEFAULT_START = dt.datetime(2024, 5, 14, 9, 0, tzinfo=dt.UTC)
RATE = 8.0
"""Mean requests a second; a log always spans at least an hour so every incident fits."""
_CHUNK = 50_000

# (address, user agent, referer, weight); documentation address ranges only.
_CLIENTS = (
    ("198.51.100.10", "python-httpx/0.27.0", "-", 30),
    ("198.51.100.23", "okhttp/4.12.0", "-", 20),
    ("203.0.113.5", "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
     "https://app.example.com/dashboard", 15),
    ("203.0.113.77", "curl/8.5.0", "-", 5),
    ("192.0.2.44", "Go-http-client/1.1", "-", 15),
    ("198.51.100.61", "axios/1.6.7", "https://app.example.com/", 10),
    ("2001:db8::1f", "python-requests/2.31.0", "-", 5),
)
# (method, path, weight); a path's query string varies, the endpoint is the path.
_ENDPOINTS = (
    ("GET", "/v1/items", 35),
    ("GET", "/v1/items/{n}", 20),
    ("POST", "/v1/orders", 10),
    ("GET", "/v1/users/me", 10),
    ("POST", "/v1/upload", 10),
    ("GET", "/v1/reports", 5),
    ("GET", "/health", 10),
)
# Normal traffic: cumulative probability -> status.
_STATUS_MIX = ((0.905, 200), (0.935, 304), (0.960, 404), (0.972, 401), (0.980, 403),
               (0.984, 429), (0.988, 400), (0.996, 500), (1.0, 502))
WAF = ("POST", "/v1/upload")
BURST_CLIENT = "203.0.113.77"
REVOKED_CLIENT = "198.51.100.23"


@dataclass(frozen=True, slots=True)
class Incident:
    """One injected incident: when (UTC, end exclusive), what, where, who, and its cause."""

    start: dt.datetime
    end: dt.datetime
    kind: str
    endpoint: str | None
    client: str | None
    cause: Cause

    def covers(self, moment: dt.datetime) -> bool:
        """True when ``moment`` falls inside the incident."""
        return self.start <= moment < self.end


def sample_log(path: str | Path, *, lines: int = 20_000, seed: int = 403,
               start: dt.datetime = DEFAULT_START, tz: dt.tzinfo = dt.UTC) -> list[Incident]:
    """Write a combined-format log of ``lines`` requests; return its incidents, by start time.

    Times are written in ``tz`` (as a server's local time would be); incidents are in UTC.
    """
    if lines < 1:
        raise ValueError("lines must be at least 1")
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    start = start.astimezone(dt.UTC)
    span = max(lines / RATE, 3600.0)
    incidents = _incidents(start, span)
    rng = random.Random(seed)
    target = Path(path)
    with _open(target) as out:
        moment = start.timestamp()
        mean_gap = span / lines
        written = 0
        while written < lines:
            size = min(_CHUNK, lines - written)
            moments = []
            for _ in range(size):
                moment += rng.expovariate(1.0 / mean_gap)
                moments.append(moment)
            out.write(_chunk(rng, moments, incidents, tz))
            written += size
    last = dt.datetime.fromtimestamp(int(moment) + 1, dt.UTC)  # the revoked key stays revoked
    return [*incidents[:2], dataclasses.replace(incidents[2], end=last)]


def _incidents(start: dt.datetime, span: float) -> list[Incident]:
    def at(fraction: float) -> dt.datetime:
        return start + dt.timedelta(seconds=round(span * fraction / 60) * 60)

    end = start + dt.timedelta(seconds=span)
    waf, burst, revoked = at(0.25), at(0.5), at(0.7)
    return [
        Incident(waf, waf + dt.timedelta(minutes=6), "waf_block", WAF[1], None,
                 Cause.SECURITY_POLICY),
        Incident(burst, burst + dt.timedelta(minutes=4), "rate_limit_burst", "/v1/items",
                 BURST_CLIENT, Cause.RATE_LIMIT),
        Incident(revoked, end, "revoked_key", None, REVOKED_CLIENT, Cause.API_KEY),
    ]


def _chunk(rng: random.Random, moments: list[float], incidents: list[Incident],
           tz: dt.tzinfo) -> str:
    """Format one chunk of lines; choices are drawn in bulk, which is what makes it quick."""
    count = len(moments)
    clients = rng.choices(_CLIENTS, weights=[c[3] for c in _CLIENTS], k=count)
    endpoints = rng.choices(_ENDPOINTS, weights=[e[2] for e in _ENDPOINTS], k=count)
    waf, burst, revoked = ((i.start.timestamp(), i.end.timestamp()) for i in incidents)
    burst_client = next(c for c in _CLIENTS if c[0] == BURST_CLIENT)
    out: list[str] = []
    last_second, stamp = -1, ""
    for moment, client, (method, path, _) in zip(moments, clients, endpoints, strict=True):
        second = int(moment)
        if second != last_second:
            when = dt.datetime.fromtimestamp(second, tz)
            stamp, last_second = when.strftime("%d/%b/%Y:%H:%M:%S %z"), second
        roll = rng.random()
        if burst[0] <= moment < burst[1] and roll < 0.45:  # the looping script
            client, method, path = burst_client, "GET", "/v1/items"
            status = 429 if roll < 0.32 else 403 if roll < 0.40 else 200
        else:
            key_revoked = client[0] == REVOKED_CLIENT and revoked[0] <= moment
            waf_blocked = (method, path) == WAF and waf[0] <= moment < waf[1] and roll < 0.9
            if (key_revoked and path != "/health") or waf_blocked:
                status = 403
            else:
                status = _status(roll, method)
        out.append(_line(rng, stamp, client, method, path, status))
    return "".join(out)


def _status(roll: float, method: str) -> int:
    for bound, status in _STATUS_MIX:
        if roll < bound:
            return 201 if status == 200 and method == "POST" else status
    return 200


def _line(rng: random.Random, stamp: str, client: tuple[str, str, str, int], method: str,
          path: str, status: int) -> str:
    if "{n}" in path:
        path = path.replace("{n}", str(rng.randrange(1, 5000)))
    elif path == "/v1/items":
        path += f"?page={rng.randrange(1, 40)}"
    elif path == "/v1/reports":  # this client passes its key in the query string
        path += "?month=2024-04&api_key=sk_live_4eC39HqLyjWDarjtT1zdp7dc"
    size = 0 if status == 304 else rng.randrange(120, 4000) if status < 300 else 150
    return (f'{client[0]} - - [{stamp}] "{method} {path} HTTP/1.1" {status} {size} '
            f'"{client[2]}" "{client[1]}"\n')


@contextlib.contextmanager
def _open(path: Path) -> Iterator[IO[str]]:
    """A text file to write; gzip (with a zero mtime, so output is reproducible) for .gz."""
    with path.open("wb") as raw:
        if path.suffix != ".gz":
            with io.TextIOWrapper(raw, encoding="utf-8", newline="\n") as text:
                yield text
                return
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=5) as gz,\
                io.TextIOWrapper(gz, encoding="utf-8", newline="\n") as text:
            yield text
