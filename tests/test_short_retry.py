"""A short Retry-After on a refusal is waited out once, then the request repeated.

Varnish's stock synthetic page carries ``Retry-After: 5`` on every refusal it makes, so a
kit that holds back on any Retry-After learns nothing from Varnish. Waiting the few seconds
asked and repeating separates the two readings: a limiter's countdown has passed (the repeat
gets through, and nothing else is sent), or the refusal persists and the header was
boilerplate (the variants go). Both servers below are real HTTP servers on loopback.
"""

from __future__ import annotations

import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import kit

from .test_recent import running

VARNISH_PAGE = (b"<!DOCTYPE html>\n<html><head><title>403 Forbidden</title></head><body>"
                b"<h1>Error 403 Forbidden</h1><p>Forbidden</p><h3>Guru Meditation:</h3>"
                b"<p>XID: 32770</p><hr><p>Varnish cache server</p></body></html>\n")


class Recording(ThreadingHTTPServer):
    opened_at = 0.0
    seen: list[tuple[str, str, str]]


def _handler(decide):  # type: ignore[no-untyped-def]
    class Handler(BaseHTTPRequestHandler):
        server: Recording

        def _answer(self) -> None:
            ua = self.headers.get("User-Agent", "")
            self.server.seen.append((self.command, self.path, ua))
            ok = decide(self.server, self.path, ua)
            body = b'{"items": []}' if ok else VARNISH_PAGE
            self.send_response(200 if ok else 403)
            self.send_header("Content-Type", "application/json" if ok else "text/html")
            self.send_header("Via", "1.1 varnish (Varnish/7.1)")
            if not ok:
                self.send_header("Retry-After", "5")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_HEAD = do_OPTIONS = _answer

        def log_message(self, *args: object) -> None:
            pass

    return Handler


def _serve(decide):  # type: ignore[no-untyped-def]
    server = Recording(("127.0.0.1", 0), _handler(decide))
    server.seen = []
    server.opened_at = time.monotonic()
    return running(server)


def test_a_boilerplate_retry_after_is_waited_out_then_the_variants_go() -> None:
    """A User-Agent rule answered with Varnish's page (Retry-After: 5 on every refusal):
    after the wait the repeat is refused alike, the variants go, and the browser-like
    User-Agent getting through names the security policy."""
    with _serve(lambda srv, path, ua: ua.startswith("Mozilla/")) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1/items"
        d = kit.diagnose(url)
    labels = [e.label for e in d.exchanges]
    assert labels[:2] == ["baseline", "repeat after pause"]
    assert "browser User-Agent" in labels
    assert d.cause is kit.Cause.SECURITY_POLICY, d.to_text()
    assert d.requests_sent <= 8
    assert any("Waited the Retry-After (6 s)" in n for n in d.notes)


def test_a_limiter_whose_countdown_passes_gets_one_repeat_and_nothing_more() -> None:
    """Refused with Retry-After: 5 for the first few seconds, then open: the one repeat after
    the wait gets through, no other variant is sent, and the verdict is a rate limit."""
    with _serve(lambda srv, path, ua: time.monotonic() - srv.opened_at > 4.0) as server:
        url = f"http://127.0.0.1:{server.server_address[1]}/v1/items"
        d = kit.diagnose(url)
        seen = list(server.seen)
    assert len(seen) == 2
    assert d.requests_sent == 2
    assert d.cause is kit.Cause.RATE_LIMIT, d.to_text()


@pytest.mark.parametrize("retry_after", ["30", "3600"])
def test_a_long_retry_after_still_holds_back(retry_after: str) -> None:
    """Longer than a few seconds: no variant and no repeat without patience (the rule the
    kit always kept)."""
    class Long(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.server.seen.append(self.path)  # type: ignore[attr-defined]
            self.send_response(403)
            self.send_header("Retry-After", retry_after)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = Recording(("127.0.0.1", 0), Long)
    server.seen = []
    with running(server):
        d = kit.diagnose(f"http://127.0.0.1:{server.server_address[1]}/v1/items")
    assert d.requests_sent == 1
    assert len(server.seen) == 1
