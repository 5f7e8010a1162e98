"""Politeness as a property: whatever a server answers, the kit stays within its budget.

One real threaded HTTP server on 127.0.0.1 serves the whole module; hypothesis sets its
behaviour for each example (status, Retry-After, rate-limit headers, latency) and the tests
count what reached it. ``REPEAT_PAUSE`` (the pause before triage's one repeat) is shortened
for this module: it changes when the repeat is sent, not whether. Examples: 50 for
``diagnose``, 40 for ``RateLimitMonitor``; about 4 s in all.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import kit
from kit import _triage

STATUSES = (200, 401, 403, 404, 429, 500, 503)
REFUSALS = (401, 403, 429)
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")


@dataclass(frozen=True)
class Behaviour:
    """What the server answers to every request during one example."""

    status: int
    retry_after: str | None
    limits: tuple[tuple[str, str], ...]
    latency: float

    @property
    def exhausted(self) -> bool:
        """True when the rate-limit headers say nothing is left."""
        return any(v in ("0", '"default";r=0;t=30') for k, v in self.limits
                   if k in ("X-RateLimit-Remaining", "RateLimit"))

    def headers(self) -> dict[str, str]:
        out = dict(self.limits)
        if self.retry_after is not None:
            out["Retry-After"] = self.retry_after
        return out


class Server(ThreadingHTTPServer):
    """Answers every method with the current Behaviour and logs (method, path) per request."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.behaviour = Behaviour(403, None, (), 0.0)
        self.log: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/items"

    def reset(self, behaviour: Behaviour) -> None:
        with self.lock:
            self.behaviour, self.log = behaviour, []

    def requests(self) -> list[tuple[str, str]]:
        with self.lock:
            return list(self.log)


class _Handler(BaseHTTPRequestHandler):
    server: Server

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        with self.server.lock:
            self.server.log.append((self.command, self.path))
            behaviour = self.server.behaviour
        time.sleep(behaviour.latency)
        body = b'{"message": "Forbidden"}'
        self.send_response(behaviour.status)
        for name, value in {"Content-Type": "application/json", **behaviour.headers()}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_OPTIONS = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """One threaded server on 127.0.0.1 for the module, with a short repeat pause."""
    httpd = Server()
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_triage, "REPEAT_PAUSE", 0.05)
        yield httpd
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


LIMITS = st.one_of(
    st.just(()),
    st.tuples(st.integers(1, 100), st.integers(0, 5)).map(lambda p: (
        ("X-RateLimit-Limit", str(p[0])), ("X-RateLimit-Remaining", str(min(p))))),
    st.sampled_from([0, 1, 3, 50]).map(lambda r: (
        ("RateLimit", f'"default";r={r};t=30'), ("RateLimit-Policy", '"default";q=100;w=60'))),
)
BEHAVIOURS = st.builds(
    Behaviour,
    status=st.sampled_from(STATUSES),
    retry_after=st.one_of(st.none(), st.sampled_from(["0", "1", "30", "3600",
                                                      "Wed, 21 Oct 2099 07:28:00 GMT"])),
    limits=LIMITS,
    latency=st.floats(0.0, 0.03),
)
CREDENTIALS = st.sampled_from([
    {}, {"Authorization": "Bearer abcdefghijklmnopqrstuvwx"}, {"X-API-Key": "sk-test-0123456789"},
])


@settings(max_examples=50, deadline=None, database=None)
@given(behaviour=BEHAVIOURS, method=st.sampled_from(["GET", "HEAD", *UNSAFE]),
       budget=st.integers(1, 16), headers=CREDENTIALS)
def test_diagnose_stays_polite(server: Server, behaviour: Behaviour, method: str, budget: int,
                               headers: dict[str, str]) -> None:
    """diagnose() stays in budget, stops at Retry-After or an exhausted limit, replays no POST."""
    server.reset(behaviour)
    diagnosis = kit.diagnose(server.url, method=method, headers=headers, budget=budget,
                             timeout=5)
    sent = server.requests()
    assert isinstance(diagnosis, kit.Diagnosis)
    assert 1 <= len(sent) <= budget
    assert sent[0][0] == method
    refused = behaviour.status in REFUSALS
    if not refused:  # nothing was refused: nothing to probe
        assert len(sent) == 1
    held = refused and (behaviour.retry_after is not None or behaviour.exhausted)
    if held or behaviour.status == 429:
        assert len(sent) == 1, sent
    if method in UNSAFE:
        assert [m for m, _ in sent].count(method) == 1, sent


@settings(max_examples=40, deadline=None, database=None)
@given(behaviour=BEHAVIOURS, budget=st.integers(0, 8), steps=st.integers(0, 12),
       threads=st.integers(0, 4))
def test_monitor_stays_in_budget(server: Server, behaviour: Behaviour, budget: int, steps: int,
                                 threads: int) -> None:
    """RateLimitMonitor never sends more than its budget, run in steps or from many threads."""
    server.reset(behaviour)
    with kit.RateLimitMonitor(server.url, budget=budget, interval=0.01, timeout=5) as monitor:
        samples = monitor.run(steps)
        workers = [threading.Thread(target=monitor.step) for _ in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join(timeout=10)
        assert len(samples) <= budget
        assert monitor.sent <= budget
    assert len(server.requests()) == monitor.sent
