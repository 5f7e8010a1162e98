"""patience=: spaced repeats see a limiter's window pass (a real server on loopback)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import kit
from kit._causes import Cause
from tests.history.test_recent import NGINX_403, running


class Window(ThreadingHTTPServer):
    """Refuses every path with nginx's bare page until ``until``; ``retry_after`` if set."""

    until = 0.0
    retry_after: str | None = None
    hits = 0


class _Handler(BaseHTTPRequestHandler):
    server: Window

    def _answer(self) -> None:
        self.server.hits += 1
        refused = time.monotonic() < self.server.until
        body = NGINX_403 if refused else b'{"ok": true}'
        self.send_response(403 if refused else 200)
        self.send_header("Content-Type", "text/html" if refused else "application/json")
        self.send_header("Server", "nginx")
        if refused and self.server.retry_after:
            self.send_header("Retry-After", self.server.retry_after)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_HEAD = do_OPTIONS = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def window() -> Iterator[Window]:
    with running(Window(("127.0.0.1", 0), _Handler)) as server:
        yield server


def _url(server: Window) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}/v1/items"


def test_patience_sees_the_window_pass(window):
    """Every probe refused alike for 4 s: one repeat after 1 s cannot tell, patience can."""
    window.until = time.monotonic() + 4
    quick = kit.diagnose(_url(window), headers={"X-API-Key": "not-a-real-key-1234567"})
    assert quick.cause is not Cause.RATE_LIMIT  # still refused a second later
    window.until = time.monotonic() + 4
    patient = kit.diagnose(_url(window), headers={"X-API-Key": "not-a-real-key-1234567"},
                           patience=6)
    assert patient.cause is Cause.RATE_LIMIT, patient.to_text()
    assert patient.requests_sent <= 8
    assert any(n.startswith("Repeated after") for n in patient.notes)


def test_patience_waits_out_retry_after_and_sends_once(window):
    """After Retry-After: 2 no variant is sent; with patience one repeat, after the wait."""
    window.until = time.monotonic() + 1.5
    window.retry_after = "2"
    started = time.monotonic()
    d = kit.diagnose(_url(window), patience=5)
    assert window.hits == 2  # the baseline and one repeat, nothing else
    assert time.monotonic() - started >= 2  # not before the Retry-After
    assert d.cause is Cause.RATE_LIMIT, d.to_text()


def test_retry_after_longer_than_patience_sends_nothing_more(window):
    """A Retry-After beyond the patience: the baseline alone, as without patience."""
    window.until = time.monotonic() + 60
    window.retry_after = "60"
    kit.diagnose(_url(window), patience=5)
    assert window.hits == 1


@pytest.mark.parametrize("bad", [-1, 601, "10", True])
def test_patience_out_of_range_is_a_clear_error(bad):
    """patience must be 0..600 seconds; anything else names itself."""
    with pytest.raises(ValueError, match="patience must be a number of seconds"):
        kit.diagnose("http://127.0.0.1:9/", patience=bad)


def test_the_triage_panel_offers_patience(window):
    """The panel's Patience slider reaches kit.diagnose: the limiter's window is seen."""
    import kit.widgets as kw

    window.until = time.monotonic() + 4
    panel = kw.TriagePanel(url=_url(window))
    panel.patience.value = 10
    d = panel.run()
    assert d is not None
    assert d.cause is Cause.RATE_LIMIT, d.to_text()
