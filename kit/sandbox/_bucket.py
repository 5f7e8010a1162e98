"""A thread-safe token bucket, and a store of buckets keyed by (family, caller).

A bucket holds up to ``capacity`` tokens and refills continuously at ``capacity / period``
tokens a second, starting at ``refill_from``. A bucket that "starts exhausted" is created
empty with ``refill_from`` far in the future, so it stays drained for as long as a test runs.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Quota:
    """One decision of a bucket: allowed or not, and the headroom a server would advertise."""

    allowed: bool
    limit: int
    remaining: int
    retry_after: int
    """Whole seconds until the next token (0 when one is available)."""
    reset_after: int
    """Whole seconds until the bucket is full again."""
    reset_at: int
    """Epoch second when the bucket is full again."""

    @property
    def used(self) -> int:
        """Tokens spent from a full bucket."""
        return self.limit - self.remaining


class TokenBucket:
    """A token bucket: ``take()`` spends one token if there is one, refilling by elapsed time."""

    def __init__(
        self,
        capacity: int,
        period: float,
        *,
        tokens: float | None = None,
        refill_from: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if capacity <= 0 or period <= 0:
            raise ValueError("capacity and period must be positive")
        self.capacity = capacity
        self.period = period
        self._rate = capacity / period
        self._clock = clock
        now = clock()
        self._tokens = float(capacity if tokens is None else tokens)
        self._stamp = max(now, refill_from if refill_from is not None else now)
        self._lock = threading.Lock()

    def take(self, cost: int = 1) -> Quota:
        """Spend ``cost`` tokens if available; the Quota says whether it was allowed."""
        with self._lock:
            now = self._refill()
            allowed = self._tokens >= cost
            if allowed:
                self._tokens -= cost
            return self._quota(now, allowed)

    def peek(self) -> Quota:
        """The current headroom, spending nothing."""
        with self._lock:
            now = self._refill()
            return self._quota(now, self._tokens >= 1)

    def _refill(self) -> float:
        now = self._clock()
        if now > self._stamp:
            self._tokens = min(self.capacity, self._tokens + (now - self._stamp) * self._rate)
            self._stamp = now
        return now

    def _quota(self, now: float, allowed: bool) -> Quota:
        wait_start = max(0.0, self._stamp - now)  # refill has not begun yet
        missing_one = max(0.0, 1 - self._tokens)
        missing_all = self.capacity - self._tokens
        retry = 0.0 if missing_one == 0 else wait_start + missing_one / self._rate
        reset = wait_start + missing_all / self._rate
        return Quota(
            allowed=allowed,
            limit=self.capacity,
            remaining=math.floor(self._tokens),
            retry_after=math.ceil(retry),
            reset_after=math.ceil(reset),
            reset_at=math.ceil(now + reset),
        )


class BucketStore:
    """Buckets created on first use, keyed by (family, caller); thread-safe."""

    def __init__(self, *, exhausted_for: float = 3600.0,
                 clock: Callable[[], float] = time.time) -> None:
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._exhausted_until = clock() + exhausted_for

    def get(self, family: str, caller: str, capacity: int, period: float, *,
            exhausted: bool) -> TokenBucket:
        """The caller's bucket in this family; an ``exhausted`` one starts empty and stays so."""
        with self._lock:
            bucket = self._buckets.get((family, caller))
            if bucket is None:
                if exhausted:
                    bucket = TokenBucket(capacity, period, tokens=0, clock=self._clock,
                                         refill_from=self._exhausted_until)
                else:
                    bucket = TokenBucket(capacity, period, clock=self._clock)
                self._buckets[(family, caller)] = bucket
            return bucket
