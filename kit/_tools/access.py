"""Who may call what: an access matrix of credentials x endpoints, and scopes held vs required.

``access_matrix`` sends one safe request per (credential, endpoint) pair, within a hard
budget, and stops at the first sign that the server wants it to slow down. The matrix keeps
labels and statuses only: the credentials themselves never enter it.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import httpx

from .._diagnosis import Diagnosis
from .._http.challenge import parse_www_authenticate
from .._http.exchange import Exchange
from .._http.politeness import should_hold_back
from .._http.probe import Probe, make_client, send
from .._http.ratelimit import headroom, parse_rate_limits
from .._http.secrets import mask_url

SAFE_METHODS: Final = ("GET", "HEAD", "OPTIONS")
VERDICTS: Final = ("allowed", "forbidden", "unauthenticated", "rate_limited", "not_found",
                   "other", "error", "skipped")
"""Every verdict a Cell can carry; ``other`` is any status not named, ``skipped`` is unsent."""


@dataclass(frozen=True, slots=True)
class Cell:
    """One (credential, endpoint) answer: the status (None if none came) and its verdict."""

    status: int | None
    verdict: str


@dataclass(frozen=True, slots=True)
class AccessMatrix:
    """``cells[i][j]`` is what ``labels[i]`` got from ``endpoints[j]`` (URLs masked)."""

    endpoints: tuple[str, ...]
    labels: tuple[str, ...]
    cells: tuple[tuple[Cell, ...], ...]
    skipped: int
    stopped: str | None = None
    """Why probing stopped early (budget or the server asking to wait), else None."""
    sent: int = 0

    def cell(self, label: str, endpoint: str) -> Cell:
        """The cell of one credential label and one endpoint (as given or as shown)."""
        shown = endpoint if endpoint in self.endpoints else mask_url(endpoint)
        column = _index(self.endpoints, shown, "endpoint")
        return self.cells[_index(self.labels, label, "label")][column]

    def rows(self) -> list[tuple[str, list[str]]]:
        """Display rows: label, then 'status verdict' per endpoint."""
        return [(label, [_show(c) for c in row]) for label, row in zip(self.labels, self.cells,
                                                                        strict=True)]


@dataclass(frozen=True, slots=True)
class ScopeDiff:
    """Scopes a credential holds, those the endpoint requires, and the difference both ways."""

    held: tuple[str, ...]
    required: tuple[str, ...]
    missing: tuple[str, ...]
    extra: tuple[str, ...]

    def _repr_html_(self) -> str:
        from .reprs import scope_diff_html

        return scope_diff_html(self)

    @property
    def sufficient(self) -> bool:
        """True when nothing required is missing."""
        return not self.missing


def verdict(exchange: Exchange, *, now: dt.datetime) -> str:
    """One word for an answer: allowed, forbidden, unauthenticated, rate_limited, ..."""
    status = exchange.status
    if status is None:
        return "error"
    limit = headroom(parse_rate_limits(exchange.response_headers, now=now))
    throttled = (limit is not None and limit.exhausted) or bool(exchange.header("retry-after"))
    if status == 429 or (status >= 400 and throttled):
        return "rate_limited"
    if status < 400:
        return "allowed"
    return {401: "unauthenticated", 403: "forbidden", 404: "not_found"}.get(status, "other")


def access_matrix(endpoints: Sequence[str], credentials: Mapping[str, Mapping[str, str]], *,
                  method: str = "GET", budget: int = 24, timeout: float = 10.0,
                  client: httpx.Client | None = None) -> AccessMatrix:
    """Send each credential to each endpoint (safe methods only) within ``budget`` requests.

    ``credentials`` maps a label to the headers that carry it (``{"none": {}}`` sends no
    credential). Probing stops when the budget is spent or the server sends Retry-After or
    an exhausted rate limit; unsent cells are ``skipped`` and counted.
    """
    verb = method.strip().upper()
    if verb not in SAFE_METHODS:
        raise ValueError(f"method {method!r} is not safe to repeat; use one of "
                         f"{', '.join(SAFE_METHODS)}")
    if not endpoints or not credentials:
        raise ValueError("give at least one endpoint and one credential label")
    if budget < 0:
        raise ValueError("budget must be >= 0")
    own = client is None
    http = client if client is not None else make_client(timeout=timeout)
    grid: list[list[Cell]] = [[Cell(None, "skipped")] * len(endpoints) for _ in credentials]
    sent, stopped = 0, None
    try:
        for i, (label, headers) in enumerate(credentials.items()):
            for j, url in enumerate(endpoints):
                if stopped is None and sent >= budget:
                    stopped = f"the budget of {budget} requests is spent"
                if stopped is not None:
                    break
                probe = Probe(verb, url, tuple(headers.items()), label=label)
                exchange = send(probe, client=http, deadline=time.monotonic() + timeout)
                sent += 1
                now = dt.datetime.now(dt.UTC)
                grid[i][j] = Cell(exchange.status, verdict(exchange, now=now))
                stopped = should_hold_back(exchange, now=now)
    finally:
        if own:
            http.close()
    skipped = sum(cell.verdict == "skipped" for row in grid for cell in row)
    return AccessMatrix(tuple(mask_url(u) for u in endpoints), tuple(credentials),
                        tuple(tuple(row) for row in grid), skipped, stopped, sent)


def scope_diff(held: Iterable[str], required: Iterable[str]) -> ScopeDiff:
    """Compare scopes: what is missing for the endpoint, what is held beyond it (order kept)."""
    have = tuple(dict.fromkeys(s.strip() for s in held if s.strip()))
    need = tuple(dict.fromkeys(s.strip() for s in required if s.strip()))
    return ScopeDiff(have, need, tuple(s for s in need if s not in have),
                     tuple(s for s in have if s not in need))


def required_scopes(source: Diagnosis | Exchange) -> tuple[str, ...]:
    """Scopes or permissions the server says it needs, from any exchange's headers.

    Reads ``WWW-Authenticate: Bearer ... scope="..."``, GitHub's ``X-Accepted-OAuth-Scopes``
    and ``X-Accepted-GitHub-Permissions`` (``contents=read; issues=write``).
    """
    exchanges = source.exchanges if isinstance(source, Diagnosis) else [source]
    found: list[str] = []
    for exchange in exchanges:
        for value in exchange.headers_named("www-authenticate"):
            for challenge in parse_www_authenticate(value):
                found.extend(challenge.scopes)
        for name in ("x-accepted-oauth-scopes", "x-accepted-github-permissions"):
            for value in exchange.headers_named(name):
                found.extend(p for p in re.split(r"[,;\s]+", value) if p)
    return tuple(dict.fromkeys(found))


def _index(items: tuple[str, ...], wanted: str, what: str) -> int:
    try:
        return items.index(wanted)
    except ValueError:
        raise KeyError(f"no {what} {wanted!r}; known: {', '.join(items)}") from None


def short_labels(urls: Sequence[str], *, width: int = 22) -> list[str]:
    """Endpoint labels a reader can take in: the paths when every URL shares a host (host and
    path otherwise), less the folders all of them share, wrapped at ``width`` characters."""
    import textwrap
    from urllib.parse import urlsplit

    parts = [urlsplit(u) for u in urls]
    same = len({p.netloc for p in parts}) <= 1
    labels = [(p.path or "/") + (f"?{p.query}" if p.query else "") if same
              else p.netloc + (p.path or "/") for p in parts]
    if same and len(labels) > 1:
        segments = [label.split("/") for label in labels]
        n = 0  # leading folders every label shares (never a label's last segment)
        while all(len(x) > n + 1 and x[n] == segments[0][n] for x in segments):
            n += 1
        if n > 1:
            labels = ["…/" + "/".join(x[n:]) for x in segments]
    return ["\n".join(textwrap.wrap(label, width, break_on_hyphens=False)) or label
            for label in labels]


VERDICT_WORDS = {"error": "no answer", "skipped": "not sent"}
"""How a Cell's verdict reads in a table (the ids themselves stay stable for code)."""


def _show(cell: Cell) -> str:
    words = VERDICT_WORDS.get(cell.verdict, cell.verdict.replace("_", " "))
    return words if cell.status is None else f"{cell.status} {words}"
