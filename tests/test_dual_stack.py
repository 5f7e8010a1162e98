"""IPv4 vs IPv6: a host with both families whose allowlist lists only the IPv4 egress.

The two servers are real (127.0.0.1 and [::1], same port). Only name resolution is a mock
(`mock_dns`): no resolver here maps one name to both loopback addresses.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

import kit


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status = 200 if self.server.address_family == socket.AF_INET else 403
        body = b'{"ok": true}' if status == 200 else b"Forbidden"
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_HEAD = do_OPTIONS = do_GET

    def log_message(self, format: str, *args: object) -> None:
        return


class _V6(ThreadingHTTPServer):
    address_family = socket.AF_INET6


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


@pytest.fixture
def dual_stack(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    if not _ipv6_loopback():
        pytest.skip("this machine has no IPv6 loopback")
    v4 = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    port = v4.server_address[1]
    try:
        v6 = _V6(("::1", port), _Handler)
    except OSError:
        v4.server_close()
        pytest.skip("the same port is taken on ::1")
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in (v4, v6)]
    for t in threads:
        t.start()
    real = socket.getaddrinfo

    def mock_dns(host, port_, *args, **kwargs):
        if host == "dual.test":
            return [(socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port_, 0, 0)),
                    (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port_))]
        return real(host, port_, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", mock_dns)
    yield f"http://dual.test:{port}/v1/items"
    for s in (v4, v6):
        s.shutdown()
        s.server_close()


def test_ipv6_egress_against_an_ipv4_allowlist(dual_stack):
    """Refused over IPv6, admitted over IPv4: the family probe names the allowlist."""
    # A caller-owned sync client: its connections resolve through the patched socket module
    # (the async path resolves through anyio, which the mock does not reach).
    with kit.make_client(timeout=5.0) as client:
        d = kit.diagnose(dual_stack, headers={"X-API-Key": "abcdefghijklmnop1234"},
                         client=client)
    assert d.baseline.remote_address is not None, d.to_text()
    assert d.baseline.remote_address.startswith("[::1]")
    labels = {e.label: e.status for e in d.exchanges}
    assert labels.get("IPv4 only") == 200
    assert d.cause is kit.Cause.IP_ALLOWLIST, d.to_text()
