"""The client's own recent history as evidence: a real limiter behind nginx's generic page."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TypeVar

import httpx
import pytest

import kit
from kit import _recent
from kit._causes import Cause
from kit._exchange import Exchange

NGINX_403 = (b"<html>\r\n<head><title>403 Forbidden</title></head>\r\n<body>\r\n<center><h1>403 "
             b"Forbidden</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


class Limiter(ThreadingHTTPServer):
    """A real server that lets ``allow`` requests through, then answers nginx's bare 403."""

    allow = 3
    seen = 0


class _Handler(BaseHTTPRequestHandler):
    server: Limiter

    def do_GET(self) -> None:
        self.server.seen += 1
        ok = self.server.seen <= self.server.allow
        body = b'{"items": []}' if ok else NGINX_403
        self.send_response(200 if ok else 403)
        self.send_header("Content-Type", "application/json" if ok else "text/html")
        self.send_header("Server", "nginx")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


Served = TypeVar("Served", bound=ThreadingHTTPServer)


@contextmanager
def running(server: Served) -> Iterator[Served]:
    """Serve ``server`` (a real HTTP server on loopback) from a thread for the block."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def limiter() -> Iterator[Limiter]:
    with running(Limiter(("127.0.0.1", 0), _Handler)) as server:
        yield server


def _burst(server: Limiter) -> tuple[httpx.Response, kit.History]:
    url = f"http://127.0.0.1:{server.server_address[1]}/v1/items"
    with httpx.Client() as client:
        history = kit.record(client)
        answers = [client.get(url) for _ in range(server.allow + 3)]
    assert [a.status_code for a in answers][-1] == 403
    return answers[-1], history


def test_a_limiter_behind_a_generic_page_is_named_with_history(limiter):
    """Alone, nginx's bare 403 is thin; with the recorded 200s just before, a rate limit."""
    refusal, history = _burst(limiter)
    alone = kit.explain(refusal)
    assert alone.findings[0].thin
    with_history = kit.explain(refusal, history=history)
    assert with_history.cause is Cause.RATE_LIMIT
    assert not with_history.findings[0].thin
    assert any("s before the refusal" in e for e in with_history.findings[0].evidence)


def test_diagnose_reads_history_too(limiter):
    """kit.diagnose(..., history=) names the limiter that one probe alone cannot."""
    refusal, history = _burst(limiter)
    d = kit.diagnose(str(refusal.request.url), history=history, budget=1)
    assert d.cause is Cause.RATE_LIMIT, d.to_text()


def _ex(path: str, status: int, at: dt.datetime) -> Exchange:
    return Exchange(method="GET", url=f"https://api.example.test{path}", status=status,
                    started_at=at)


T0 = dt.datetime(2026, 12, 4, 12, 0, tzinfo=dt.UTC)


def test_last_success_of_the_same_request_is_found():
    """The newest 2xx of the same method and endpoint before the refusal, within 10 minutes."""
    refusal = _ex("/v1/items", 403, T0)
    history = [_ex("/v1/items", 200, T0 - dt.timedelta(minutes=11)),
               _ex("/v1/items", 200, T0 - dt.timedelta(seconds=30)),
               _ex("/v1/other", 200, T0 - dt.timedelta(seconds=1)), refusal]
    recent = _recent.read(refusal, history)
    assert recent.last_success is history[1]


def test_a_burst_is_counted_in_the_seconds_before():
    """Six requests to the host in ten seconds before the refusal are a burst."""
    refusal = _ex("/v1/items", 403, T0)
    history = [_ex(f"/v1/{i}", 200, T0 - dt.timedelta(seconds=i)) for i in range(1, 7)]
    signals = _recent.signals(refusal, history)
    assert any(s.cause is Cause.RATE_LIMIT and "7 requests" in s.evidence for s in signals)


def test_refusals_that_began_at_one_moment_for_every_path():
    """Earlier successes, then every request on several paths refused: a switch."""
    refusal = _ex("/v1/c", 403, T0)
    history = [_ex("/v1/a", 200, T0 - dt.timedelta(seconds=40)),
               _ex("/v1/a", 403, T0 - dt.timedelta(seconds=30)),
               _ex("/v1/b", 403, T0 - dt.timedelta(seconds=20))]
    recent = _recent.read(refusal, history)
    assert recent.switch == (T0 - dt.timedelta(seconds=30), 2)


def test_quiet_history_says_nothing():
    """No earlier traffic to the host: no signal, and the verdict is the response's alone."""
    refusal = _ex("/v1/items", 403, T0)
    other_host = Exchange(method="GET", url="https://elsewhere.test/v1/items", status=200,
                          started_at=T0 - dt.timedelta(seconds=1))
    assert _recent.signals(refusal, [other_host]) == []


def test_one_exchange_is_not_a_history():
    """history= given a single Exchange says what it takes."""
    refusal = _ex("/v1/items", 403, T0)
    with pytest.raises(TypeError, match="iterable of Exchanges"):
        kit.explain(refusal, history=refusal)  # type: ignore[arg-type]


def test_the_hook_reads_the_recorded_history(limiter):
    """diagnosis_hook(history=kit.record(client)): the refusal after the 200s is a rate limit."""
    url = f"http://127.0.0.1:{limiter.server_address[1]}/v1/items"
    found: list[kit.Diagnosis] = []
    with httpx.Client() as client:
        history = kit.record(client)
        client.event_hooks["response"].append(kit.diagnosis_hook(found.append, history=history))
        for _ in range(limiter.allow + 1):
            client.get(url)
    assert len(found) == 1
    assert found[0].cause is Cause.RATE_LIMIT


def test_another_path_answering_lately_rules_out_a_host_wide_block():
    """A 200 on another path of the host a few seconds before, and no refusal wave since:
    evidence against an address block over the whole host, named with its time."""
    refusal = _ex("/v1/orders", 403, T0)
    history = [_ex("/v1/items", 200, T0 - dt.timedelta(seconds=3)), refusal]
    signals = _recent.signals(refusal, history)
    against = [s for s in signals if s.cause is Cause.IP_ALLOWLIST and s.weight < 0]
    assert len(against) == 1
    assert "/v1/items" in against[0].evidence
    assert "3.0 s before" in against[0].evidence
    # after a wave of refusals on several paths, the earlier 200 proves nothing of the kind
    wave = [_ex("/v1/items", 200, T0 - dt.timedelta(seconds=40)),
            _ex("/v1/a", 403, T0 - dt.timedelta(seconds=30)),
            _ex("/v1/b", 403, T0 - dt.timedelta(seconds=20)), refusal]
    assert not [s for s in _recent.signals(refusal, wave) if s.cause is Cause.IP_ALLOWLIST]


def test_history_separates_a_catch_all_from_a_host_wide_block():
    """nginx's bare 403 on every probe: alone, an address block is a fair reading; with the
    client's own 200 from a mapped route of the same host just before, it is not."""
    refusal = Exchange(method="GET", url="https://api.example.test/v1/orders", status=403,
                       response_headers=(("Content-Type", "text/html"), ("Server", "nginx")),
                       body=NGINX_403.decode(), started_at=T0)
    ok = _ex("/v1/items", 200, T0 - dt.timedelta(seconds=2))
    alone = kit.explain(refusal)
    informed = kit.explain(refusal, history=[ok, refusal])
    p = {f.cause: f.confidence for f in alone.findings}
    q = {f.cause: f.confidence for f in informed.findings}
    assert q.get(Cause.IP_ALLOWLIST, 0.0) < p.get(Cause.IP_ALLOWLIST, 0.0)
    assert q.get(Cause.CONFIGURATION, 0.0) > p.get(Cause.CONFIGURATION, 0.0)
