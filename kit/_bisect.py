"""compare(good, bad): which differences turn a refused request into an answered one.

Delta debugging over the differences: the failing request is sent as it is, then with every
difference from the working one (that pair must fail, then pass, or there is nothing to
find). Then halving: the shortest prefix of the (ordered) differences that still passes is
found by binary search, and its last difference is a culprit; the search repeats on the
prefix before it, with the culprits found kept in, until the culprits alone pass. Each
culprit costs about log2(n) requests and one check, so k culprits among n differences cost
about k·(log2(n) + 1) + 2; every culprit is needed (remove one and the request fails).

Politeness is the triage's: a hard budget, nothing after Retry-After or an exhausted limit,
half of any announced remaining quota at most, and no unsafe method replayed without
``replay_unsafe=True``.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Sequence
from typing import Any

from ._comparison import Comparison
from ._exchange import Exchange
from ._reqspec import RequestSpec, coerce
from ._requests_diff import Difference, differences, transplant, unmask
from ._wire import Wire, http2_available, tls_available
from .checks import rate_limit

MAX_COMPARE_BUDGET = 64


class _Stop(Exception):
    """No more requests: the budget is spent, or the server asked to hold back."""


def compare(good: Any, bad: Any, *, budget: int = 16, timeout: float = 10.0,
            replay_unsafe: bool = False, verify: bool | str = True) -> Comparison:
    """Compare a working request (curl command, HAR entry, Postman item, Insomnia export)
    with a failing one (httpx.Request, curl command, HAR entry, kit.Exchange).

    Returns a kit.Comparison: every difference (values masked), the culprits found by delta
    debugging within ``budget`` requests (each bounded by ``timeout`` seconds), the
    exchanges sent, and notes. ``verify`` is True, False or a CA bundle path. Bad input
    raises ValueError; network failures are exchanges, not exceptions.
    """
    if isinstance(budget, bool) or not isinstance(budget, int) or \
            not 0 <= budget <= MAX_COMPARE_BUDGET:
        raise ValueError(f"budget must be an integer from 0 to {MAX_COMPARE_BUDGET}, "
                         f"not {budget!r}")
    if not isinstance(timeout, int | float) or not 0 < timeout <= 300:
        raise ValueError(f"timeout must be a number of seconds in (0, 300], not {timeout!r}")
    g = coerce(good, role="working")
    b = coerce(bad, role="failing")
    b, lost = unmask(b, g)
    diffs = differences(g, b)
    notes = [f"Not reproduced from the {side} request: {s}." for side, spec in
             (("working", g), ("failing", b)) for s in spec.skipped]
    if lost:
        notes.append(f"Masked in the failing record and not in the working request, so sent "
                     f"as the mask: {', '.join(lost)}.")
    untestable = [d for d in diffs if not _testable(d)]
    for d in untestable:
        notes.append(_why_untestable(d))
    testable = sorted((d for d in diffs if _testable(d)), key=lambda d: -_prior(d))
    run = _Run(g, b, budget=budget, timeout=timeout, verify=verify)
    culprits: list[Difference] = []
    undecided: list[Difference] = []
    try:
        if not diffs:
            notes.append("The two requests are the same as sent: the difference lies outside "
                         "the request (the source address, the time, a session that expired).")
        elif not (g.safe and b.safe) and not replay_unsafe:
            notes.append(f"Nothing was sent: {b.method if not b.safe else g.method} may change "
                         "data; pass replay_unsafe=True to replay it.")
        elif budget < 2:
            notes.append("Nothing was sent: a budget below 2 cannot replay both requests.")
        else:
            culprits, undecided = _bisect(run, testable, notes)
    finally:
        run.wire.close()
    return Comparison(differences=diffs, culprits=culprits, undecided=undecided,
                      exchanges=run.exchanges, notes=notes, requests_sent=len(run.exchanges),
                      budget=budget)


_UNLIKELY = frozenset({"connection", "accept-encoding", "cache-control", "pragma", "priority",
                       "upgrade-insecure-requests", "dnt", "te", "postman-token"})
_LIKELY = frozenset({"user-agent", "accept-language", "referer", "origin", "authorization",
                     "x-api-key", "api-key", "cookie"})


def _prior(d: Difference) -> int:
    """How often a kind of difference decides a refusal (a guess, 0 to 3), used only to
    order the search: the likely ones go first, so that the prefixes left to search after
    each culprit are short. It changes the cost, never the result."""
    if d.kind in ("header_case", "header_order"):
        return 0
    if d.kind == "header":
        if d.name in _UNLIKELY or d.name.startswith(("sec-fetch-", "sec-ch-ua")):
            return 0
        return 3 if d.name in _LIKELY else 2 if d.name in ("accept", "content-type") else 1
    return 3 if d.kind in ("cookie", "query") else 2 if d.kind in ("method", "url") else 1


def _testable(d: Difference) -> bool:
    if d.kind == "tls":
        return tls_available() and d.good not in ("python", "(none)")
    if d.kind == "http_version":
        return http2_available() or d.good != "2"
    return True


def _why_untestable(d: Difference) -> str:
    if d.kind == "tls":
        return (f"The TLS stack ({d.good} vs {d.bad}) was not tried: pip install "
                "'forbidden-kit[tls]' (curl_cffi) to send the request through a browser's TLS.")
    return f"{d.kind} {d.good} was not tried: pip install 'httpx[http2]' to send HTTP/2."


class _Run:
    """The requests of one comparison: counted, spaced by politeness, recorded."""

    def __init__(self, good: RequestSpec, bad: RequestSpec, *, budget: int, timeout: float,
                 verify: bool | str) -> None:
        self.good, self.bad, self.budget, self.timeout = good, bad, budget, timeout
        self.wire = Wire(timeout=timeout, verify=verify, tls_stack=bad.tls)
        self.exchanges: list[Exchange] = []
        self.passing: int | None = None
        self.failing: int | None = None

    def send(self, chosen: Sequence[Difference], label: str) -> Exchange:
        if len(self.exchanges) >= self.budget:
            raise _Stop(f"the budget of {self.budget} requests is spent")
        spec = transplant(self.bad, self.good, chosen)
        exchange = self.wire.send(spec, label=label, deadline=time.monotonic() + self.timeout)
        self.exchanges.append(exchange)
        now = dt.datetime.now(dt.UTC)
        hold = rate_limit.should_hold_back(exchange, now=now)
        if hold:
            raise _Stop(f"{hold}; no further request was sent")
        spare = rate_limit.spare(exchange, now=now)
        if spare is not None and spare < 1:
            raise _Stop("the remaining quota the server announced is nearly used up; the "
                        "rest is left to you")
        if spare is not None:
            self.budget = min(self.budget, len(self.exchanges) + spare)
        return exchange

    def passes(self, chosen: Sequence[Difference], label: str) -> bool:
        status = self.send(chosen, label).status
        return status is not None and self.passing is not None and \
            status // 100 == self.passing // 100 and status != self.failing


def _label(prefix: str, chosen: Sequence[Difference]) -> str:
    names = ", ".join(d.name for d in chosen[:4]) + (" …" if len(chosen) > 4 else "")
    return f"{prefix} ({len(chosen)}: {names})" if chosen else prefix


def _bisect(run: _Run, diffs: list[Difference], notes: list[str]
            ) -> tuple[list[Difference], list[Difference]]:
    culprits: list[Difference] = []
    applied: list[Difference] = []
    try:
        base = run.send([], "yours, as sent")
        run.failing = base.status
        if base.status is not None and not base.refused and base.status < 400:
            notes.append(f"Your request was answered {base.status} this time: nothing to "
                         "bisect (an intermittent block, or one that has passed).")
            return [], []
        full = run.send(diffs, _label("with every difference", diffs))
        if full.status is None or full.status >= 400 or full.status == base.status:
            notes.append(f"With every difference from the working request it was still "
                         f"answered {full.status or 'nothing'}: the cause is outside the "
                         "request text (the source address, the TLS stack, an expired "
                         "session or the time).")
            return [], []
        run.passing = full.status
        applied = list(diffs)
        first_round = True
        while applied:
            # Invariant: culprits + applied passes. Is some of applied still needed?
            if not first_round and run.passes(culprits, _label("with only", culprits)):
                applied = []
                break
            # Halving: the shortest prefix of applied that passes with the culprits so far
            # (none of it fails, all of it passes); its last difference is needed.
            fail, ok = 0, len(applied)
            while ok - fail > 1:
                mid = (fail + ok) // 2
                if run.passes(culprits + applied[:mid], _label("with", applied[:mid])):
                    ok = mid
                else:
                    fail = mid
            culprits.append(applied[ok - 1])
            applied = applied[:ok - 1]
            first_round = False
    except _Stop as stop:
        notes.append(f"Stopped after {len(run.exchanges)} request(s): {stop}.")
        if run.passing is None:
            return [], []
        return _order(culprits, diffs), _order(applied, diffs)
    return _order(culprits, diffs), []


def _order(chosen: list[Difference], diffs: list[Difference]) -> list[Difference]:
    keys = {d.key for d in chosen}
    return [d for d in diffs if d.key in keys]
