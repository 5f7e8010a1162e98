"""Watch a rate limit over time: one polite request per step, samples of the headroom.

``RateLimitMonitor`` never sends more than ``budget`` requests, whichever thread asks; after a
``Retry-After``, an exhausted limit, a 429 or a network failure it skips steps until the wait
has passed. The samples keep counts and times only, never the request's credentials.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import TracebackType

import httpx

from .._http.exchange import Exchange
from .._http.politeness import should_hold_back
from .._http.probe import Probe, make_client, send
from .._http.ratelimit import RateLimit, headroom, human_span, parse_rate_limits
from .._http.secrets import mask_url

MAX_BACKOFF_STEPS = 6
"""Exponential backoff (without server guidance) doubles at most this many times."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One observation: when, the status, and the tightest limit the headers announced."""

    at: dt.datetime
    status: int | None
    limit: int | None
    remaining: int | None
    reset: dt.datetime | None
    convention: str | None
    retry_after: dt.timedelta | None = None
    error: str | None = None


def sample_of(exchange: Exchange, *, at: dt.datetime) -> tuple[Sample, RateLimit | None]:
    """The Sample an exchange gives, and the tightest RateLimit behind it (if any)."""
    limits = parse_rate_limits(exchange.response_headers, now=at)
    tight = headroom(limits) or (limits[0] if limits else None)
    error = f"{exchange.error.kind}: {exchange.error.message}" if exchange.error else None
    if tight is None:
        return Sample(at, exchange.status, None, None, None, None, error=error), None
    return Sample(at, exchange.status, tight.limit, tight.remaining, tight.reset,
                  tight.convention, tight.retry_after, error), tight


def time_left(samples: Sequence[Sample]) -> dt.timedelta | None:
    """Time from the last sample until ``remaining`` reaches 0 at the observed pace.

    The samples' forecast is ``kit.exhaustion_forecast`` (the pace since the last refill);
    None when there are too few points or the count is not falling, zero when spent.
    """
    from .._history.timeline import HeadroomPoint, exhaustion_forecast

    points = [HeadroomPoint(s.at, s.convention or "unknown", None, s.limit, s.remaining,
                            s.reset, status=s.status) for s in samples if s.remaining is not None]
    if not points:
        return None
    forecast = exhaustion_forecast(points)
    if forecast.at is None:
        return None
    return max(dt.timedelta(0), forecast.at - points[-1].at)


def pacing_advice(limit: RateLimit, *, now: dt.datetime) -> str:
    """The request rate that fits the window and what is left of it, and how to back off."""
    parts: list[str] = []
    if limit.limit is not None and limit.limit > 0 and limit.window is not None:
        seconds = limit.window.total_seconds()
        parts.append(f"{limit.limit} requests per {seconds:g} s: at most "
                     f"{_rate(seconds / limit.limit)}")
    elif limit.limit is not None:
        parts.append(f"a limit of {limit.limit} requests (the window is not announced)")
    left = limit.reset_after(now)
    if limit.remaining is not None and limit.remaining <= 0:
        parts.append(f"none left: wait {human_span(left)} for the reset" if left is not None
                     else "none left: wait for the reset before sending more")
    elif limit.remaining is not None and left is not None and left.total_seconds() > 0:
        per = left.total_seconds() / limit.remaining
        parts.append(f"you have {limit.remaining} left for {human_span(left)}: pace at "
                     f"{_rate(per, short=True)}")
    elif limit.remaining is not None:
        parts.append(f"you have {limit.remaining} left")
    if limit.retry_after is not None and limit.retry_after > dt.timedelta(0):
        parts.append(f"the server asks to wait {human_span(limit.retry_after)} first")
    text = "; ".join(parts) or "no counts were announced"
    text += ", and back off exponentially (with jitter) on 403/429 honouring Retry-After"
    used = limit.used_fraction
    if used is not None and used >= 0.9:
        text += ". Running low: batch requests where the API allows it, cache answers, or " \
                "ask the provider for a higher limit"
    return text


def _rate(seconds_per_request: float, *, short: bool = False) -> str:
    if seconds_per_request >= 1:
        every = f"{seconds_per_request:.0f} s"
        return f"1 per {every}" if short else f"1 request every {every}"
    return f"{1 / seconds_per_request:.3g} requests per second"


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class RateLimitMonitor:
    """Poll ``url`` every ``interval`` seconds, at most ``budget`` requests, keeping Samples."""

    def __init__(self, url: str, *, headers: Mapping[str, str] | None = None,
                 interval: float = 1.0, budget: int = 30, client: httpx.Client | None = None,
                 timeout: float = 10.0, now: Callable[[], dt.datetime] = _utcnow) -> None:
        if interval <= 0 or budget < 0 or timeout <= 0:
            raise ValueError("interval and timeout must be positive and budget >= 0")
        self.url, self.interval, self.budget, self.timeout = url, interval, budget, timeout
        self._headers = tuple((headers or {}).items())
        self._client, self._own = client, client is None
        self._now = now
        self._lock = threading.Lock()  # guards the fields below
        self._turn = threading.Lock()  # one request at a time
        self._samples: list[Sample] = []
        self._sent = 0
        self._hold_until: dt.datetime | None = None
        self._held: str | None = None
        self._failures = 0
        self._last_limit: RateLimit | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def samples(self) -> list[Sample]:
        """A copy of the samples so far, oldest first."""
        with self._lock:
            return list(self._samples)

    @property
    def sent(self) -> int:
        """Requests sent so far; never more than ``budget``."""
        with self._lock:
            return self._sent

    @property
    def held(self) -> str | None:
        """Why steps are being skipped right now (the server asked to wait), else None."""
        with self._lock:
            waiting = self._hold_until is not None and self._now() < self._hold_until
            return self._held if waiting else None

    @property
    def last_limit(self) -> RateLimit | None:
        """The tightest limit of the latest response that announced one."""
        with self._lock:
            return self._last_limit

    @property
    def running(self) -> bool:
        """True while the background thread is alive."""
        return self._thread is not None and self._thread.is_alive()

    def step(self) -> Sample | None:
        """Send one request if the budget and any requested wait allow; its Sample, else None."""
        with self._turn:
            with self._lock:
                if self._sent >= self.budget or (
                        self._hold_until is not None and self._now() < self._hold_until):
                    return None
                self._sent += 1
                if self._client is None:
                    self._client = make_client(timeout=self.timeout)
                client = self._client
            probe = Probe("GET", self.url, self._headers, label="monitor")
            exchange = send(probe, client=client, deadline=time.monotonic() + self.timeout)
            now = self._now()
            sample, limit = sample_of(exchange, at=now)
            with self._lock:
                self._samples.append(sample)
                self._last_limit = limit or self._last_limit
                self._hold(exchange, limit, now)
            return sample

    def _hold(self, exchange: Exchange, limit: RateLimit | None, now: dt.datetime) -> None:
        reason = should_hold_back(exchange, now=now)
        if exchange.error is not None:
            reason = f"no response ({exchange.error.kind})"
        if reason is None:
            self._hold_until, self._held, self._failures = None, None, 0
            return
        wait = limit.retry_after if limit is not None else None
        if wait is None and limit is not None and limit.exhausted:
            wait = limit.reset_after(now)
        if wait is None:
            wait = dt.timedelta(seconds=self.interval * 2 ** min(self._failures,
                                                                 MAX_BACKOFF_STEPS))
            self._failures += 1
        self._hold_until, self._held = now + wait, reason

    def run(self, n: int) -> list[Sample]:
        """Call ``step`` ``n`` times, ``interval`` seconds apart; the Samples taken."""
        taken: list[Sample] = []
        for i in range(n):
            sample = self.step()
            if sample is not None:
                taken.append(sample)
            if self.sent >= self.budget:
                break
            if i < n - 1:
                time.sleep(self.interval)
        return taken

    def start(self) -> None:
        """Poll in a daemon thread until ``stop()`` or the budget is spent."""
        if self.running:
            return
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="kit-ratelimit-monitor",
                                        daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        while not self._stop.is_set() and self.sent < self.budget:
            self.step()
            self._stop.wait(self.interval)

    def stop(self) -> bool:
        """Stop the thread (waiting about ``interval``); True when it has ended."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 0.5)
        return not self.running

    def time_to_exhaustion(self) -> dt.timedelta | None:
        """When ``remaining`` hits 0 at the observed pace (from the last sample), or None."""
        return time_left(self.samples)

    def advice(self) -> str:
        """``pacing_advice`` for the latest announced limit."""
        limit = self.last_limit
        if limit is None:
            return "no rate-limit headers seen yet: take a sample first"
        return pacing_advice(limit, now=self._now())

    def close(self) -> None:
        """Stop, and close the HTTP client if this monitor made it."""
        if self.stop() and self._own and self._client is not None:
            with self._turn, self._lock:
                client, self._client = self._client, None
            client.close()

    def __enter__(self) -> RateLimitMonitor:
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return (f"<RateLimitMonitor {mask_url(self.url)} sent {self.sent}/{self.budget}, "
                f"{len(self.samples)} samples>")
