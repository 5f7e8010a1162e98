"""Politeness: budgets hold, Retry-After and exhausted limits stop the variants, time is bounded.

The servers here are real: the sandbox, and a small counting HTTP server on 127.0.0.1 whose
answers each test sets.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import kit
from kit.sandbox import SCENARIO_NAMES


class Counting(ThreadingHTTPServer):
    """Answers every request with the configured status, headers and body; counts them."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.status = 403
        self.headers: dict[str, str] = {}
        self.body = b'{"message": "Forbidden"}'
        self.requests: list[tuple[str, str]] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1/items"


class _Handler(BaseHTTPRequestHandler):
    server: Counting

    def _answer(self) -> None:
        with self.server.lock:
            self.server.requests.append((self.command, self.path))
        self.send_response(self.server.status)
        for name, value in {"Content-Type": "application/json", **self.server.headers}.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(self.server.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(self.server.body)

    do_GET = do_HEAD = do_OPTIONS = do_POST = do_DELETE = _answer

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.fixture
def counting() -> Iterator[Counting]:
    server = Counting()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("name", SCENARIO_NAMES)
@pytest.mark.parametrize("budget", [2, 8])
def test_no_diagnosis_exceeds_its_budget(sandbox, name, budget):
    """Counted on the server: a triage never sends more requests than its budget."""
    scenario = sandbox.scenario(name)
    sandbox.reset_hits()
    d = kit.diagnose(**scenario.request(), budget=budget)
    hits = list(sandbox.hits)
    assert len(hits) <= budget
    assert d.requests_sent == len(hits)


@pytest.mark.parametrize("headers", [
    {"Retry-After": "30"},
    {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "60"},
    {"RateLimit": '"default";r=0;t=30', "RateLimit-Policy": '"default";q=100;w=60'},
])
def test_no_variant_after_retry_after_or_an_exhausted_limit(counting, headers):
    """A refusal that says 'wait' or 'limit exhausted' is diagnosed on the baseline alone."""
    counting.headers = headers
    d = kit.diagnose(counting.url, headers={"Authorization": "Bearer abcdefghijklmnop1234"})
    assert len(counting.requests) == 1
    assert d.finding(kit.Cause.RATE_LIMIT) is not None
    assert any("No variants were sent" in n for n in d.notes)


def test_429_alone_stops_the_variants(counting):
    """A 429 with no headers at all still means 'too many requests': one request only."""
    counting.status = 429
    kit.diagnose(counting.url)
    assert len(counting.requests) == 1


def test_remaining_quota_is_spent_sparingly(counting):
    """With 4 requests left in the window the triage spends at most one variant."""
    counting.headers = {"X-RateLimit-Limit": "100", "X-RateLimit-Remaining": "4"}
    kit.diagnose(counting.url, headers={"X-API-Key": "abcdefghijklmnop1234"})
    assert len(counting.requests) <= 2


def test_unsafe_methods_are_not_replayed_without_consent(counting):
    """DELETE is sent once; with replay_unsafe=True variants may repeat it."""
    kit.diagnose(counting.url, method="DELETE", headers={"X-API-Key": "abcdefghijklmnop1234"})
    assert [m for m, _ in counting.requests].count("DELETE") == 1
    counting.requests.clear()
    kit.diagnose(counting.url, method="DELETE", headers={"X-API-Key": "abcdefghijklmnop1234"},
                 replay_unsafe=True)
    assert [m for m, _ in counting.requests].count("DELETE") > 1


def test_a_silent_server_cannot_hang_the_triage():
    """A server that accepts and never answers: diagnose returns within its timeout."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        started = time.monotonic()
        d = kit.diagnose(f"http://127.0.0.1:{port}/x", timeout=1.0)
        took = time.monotonic() - started
    assert took < 2.5
    assert d.findings == []
    assert d.baseline is not None
    assert d.baseline.error is not None
    assert d.baseline.error.kind == "timeout"


@pytest.mark.parametrize("bad", ["", "not a url", "ftp://example.com/x", "http://", 42])
def test_arguments_that_make_no_sense_raise_value_error(bad):
    """A URL that is not an http(s) URL is the one thing diagnose raises for."""
    with pytest.raises(ValueError, match=r"URL|url"):
        kit.diagnose(bad)


@pytest.mark.parametrize("budget", [0, 17, 2.5, True])
def test_budget_out_of_range_is_refused(budget):
    """The budget is a small positive integer; anything else is a clear ValueError."""
    with pytest.raises(ValueError, match="budget"):
        kit.diagnose("http://127.0.0.1:9/x", budget=budget)


def test_a_server_dripping_its_headers_cannot_hang_the_triage():
    """One byte of the status line every 0.2 s: diagnose still returns within its timeout."""
    stop = threading.Event()

    def drip(conn: socket.socket) -> None:
        with conn:
            for byte in b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n":
                if stop.wait(0.2):
                    return
                try:
                    conn.sendall(bytes([byte]))
                except OSError:
                    return

    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.settimeout(0.2)
        port = listener.getsockname()[1]
        workers: list[threading.Thread] = []

        def accept() -> None:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                except OSError:
                    continue
                worker = threading.Thread(target=drip, args=(conn,), daemon=True)
                worker.start()
                workers.append(worker)

        acceptor = threading.Thread(target=accept, daemon=True)
        acceptor.start()
        started = time.monotonic()
        d = kit.diagnose(f"http://127.0.0.1:{port}/x", timeout=1.0)
        took = time.monotonic() - started
        stop.set()
        acceptor.join()
        for worker in workers:
            worker.join()
    assert took < 2.5
    assert d.baseline is not None
    assert d.baseline.error is not None
    assert d.baseline.error.kind == "timeout"
