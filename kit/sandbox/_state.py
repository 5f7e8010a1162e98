"""What a running sandbox shares between its routes and its owner: addresses, clocks, hits."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from starlette.requests import Request
from starlette.responses import Response

from ._bucket import BucketStore


@dataclass(frozen=True, slots=True)
class Hit:
    """One request as the sandbox saw it, recorded as its response starts."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    """Request headers, names in lower case; repeated headers joined with ", "."""
    client_ip: str
    port: int
    """The listener's port: tells the main listener from the perimeter one."""
    status: int
    """The response status; 0 when no response was sent."""
    at: float
    """When the request arrived, in seconds since the epoch (real clock)."""


@dataclass(eq=False)
class State:
    """Mutable, thread-safe state of one running sandbox."""

    base_url: str
    perimeter_url: str
    localhost_url: str
    perimeter_port: int
    clock_skew: float = 600.0
    latency: float = 0.0
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    csrf: str = field(default_factory=lambda: secrets.token_hex(16))
    clearance: str = field(default_factory=lambda: secrets.token_hex(16))
    started: float = field(default_factory=time.time)
    buckets: BucketStore = field(default_factory=BucketStore)
    _hits: list[Hit] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def now(self) -> float:
        """The server's real clock."""
        return time.time()

    def skewed_now(self) -> float:
        """The clock of the skewed route family: ``clock_skew`` seconds ahead."""
        return time.time() + self.clock_skew

    def record(self, hit: Hit) -> None:
        """Append one hit."""
        with self._lock:
            self._hits.append(hit)

    def hits(self) -> list[Hit]:
        """A copy of the hits so far, oldest first."""
        with self._lock:
            return list(self._hits)

    def reset_hits(self) -> None:
        """Forget the hits so far."""
        with self._lock:
            self._hits.clear()


Handler = Callable[[Request, str, State], Awaitable[Response]]
"""A route family: the request, the path below ``/s/<name>/``, and the shared state."""


def state_of(request: Request) -> State:
    """The sandbox state stored on the Starlette app."""
    state: State = request.app.state.sandbox
    return state
