"""Rate limit: throttled, or a quota or usage cap exceeded (answered with 403 or 429).

Single-response evidence: an exhausted limit in any header convention, ``Retry-After``, a
429. Differential evidence: the identical request succeeds after a short pause.
"""

from __future__ import annotations

import datetime as dt

from .._causes import Cause
from .._diagnosis import Signal
from .._http.exchange import Exchange
from .._http.ratelimit import headroom, human_span, parse_rate_limits, parse_retry_after
from .._variants import REPEAT
from ._evidence import Evidence, let_through, refused, same_answer

CAUSE = Cause.RATE_LIMIT
RFC6585 = "https://www.rfc-editor.org/rfc/rfc6585#section-4"
IETF = "https://datatracker.ietf.org/doc/draft-ietf-httpapi-ratelimit-headers/"


def signals(ex: Exchange, *, now: dt.datetime) -> list[Signal]:
    if ex.status is None:
        return []
    out: list[Signal] = []
    limits = parse_rate_limits(ex.response_headers, now=now)
    tightest = headroom(limits)
    if (tightest is not None and tightest.exhausted and tightest.convention != "retry-after"
            and (refused(ex) or ex.status >= 400)):
        out.append(Signal(CAUSE, 0.85, tightest.describe(now=now), source=IETF,
                          fix=_wait_fix(tightest.reset_after(now)), check="ratelimit-headers"))
    retry = ex.header("retry-after")
    delay = parse_retry_after(retry, now=now) if retry else None
    if delay is not None and refused(ex):
        out.append(Signal(CAUSE, 0.7, f"the server sent Retry-After: {retry} (wait "
                          f"{human_span(delay)})", source=RFC6585, fix=_wait_fix(delay),
                          check="retry-after"))
    if ex.status == 429:
        out.append(Signal(CAUSE, 0.6, "status 429 Too Many Requests", source=RFC6585,
                          check="status"))
    return out


def _wait_fix(delay: dt.timedelta | None) -> str:
    if delay is None:
        return "Wait for the limit window to reset, then pace requests below the limit."
    return f"Wait {human_span(delay)} before the next call, then pace requests below the limit."


def differential(ev: Evidence) -> list[Signal]:
    base, repeat = ev.baseline, ev.get(REPEAT)
    if repeat is None or not refused(base):
        return []
    if let_through(repeat):
        pause = repeat.label.removeprefix("repeat after pause").strip()
        return [Signal(CAUSE, 0.8, f"the identical request succeeded ({repeat.status}) after a "
                       f"short pause{(' ' + pause) if pause else ''}: the refusal was "
                       "transient, as a rate limiter's is", check="differential",
                       key="repeat-through")]
    if same_answer(repeat, base):
        return [Signal(CAUSE, -0.3, "the identical request was still refused after a pause",
                       check="differential",
                       key="repeat-still")]
    return []
