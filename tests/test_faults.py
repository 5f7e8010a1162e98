"""Network faults through kit.diagnose(): real servers on 127.0.0.1, each fault produced for real.

Every fault must come back as a Diagnosis that says what failed and what to try, within the
timeout (plus a little slack), with bounded memory, and with no traceback in its text. Only DNS
is mocked (socket.getaddrinfo), because a name that fails to resolve needs a resolver.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import gzip
import resource
import socket
import ssl
import struct
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import brotli
import httpx
import pytest
import trustme

import kit
from kit._http import probe as _probe
from kit._http.exchange import BODY_CAP
from kit._triage import MAX_HOPS

from .test_probe import closed_port, read_request

Handler = Callable[[socket.socket, threading.Event], None]
SLACK = 1.5
KEY = "Bearer fk_live_9Qm2Vx7LpT4wRz8Ys3Kd"


# --- a small threaded TCP (optionally TLS) server --------------------------------------------


class Server:
    """Accepts on 127.0.0.1 and runs handler(conn, stop) per connection, each in a thread."""

    def __init__(self, handler: Handler, tls: ssl.SSLContext | None = None) -> None:
        self.handler, self.tls = handler, tls
        self.stop = threading.Event()
        self.requests: list[bytes] = []
        self._socks: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)
        self._acceptor.start()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def close(self) -> None:
        self.stop.set()
        self._acceptor.join(5)
        with self._lock:
            socks = list(self._socks)
        for sock in socks:
            with contextlib.suppress(OSError):  # the client may have closed it already
                sock.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        for sock in socks:
            sock.close()
        self._listener.close()

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._socks.append(sock)

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._keep(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            conn.settimeout(2)
            if self.tls is not None:
                conn = self.tls.wrap_socket(conn, server_side=True)
                self._keep(conn)
            conn.settimeout(0.2)
            self.requests.append(read_request(conn, self.stop))
            self.handler(conn, self.stop)
        except OSError:
            pass  # a failed handshake or a client that hung up: what several tests provoke


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    """Start Servers for one test and close every one of them afterwards."""
    started: list[Server] = []

    def start(handler: Handler, tls: ssl.SSLContext | None = None) -> Server:
        started.append(Server(handler, tls))
        return started[-1]

    yield start
    for server in started:
        server.close()


def answer(status: str, headers: dict[str, str], body: bytes) -> Handler:
    def handler(conn: socket.socket, stop: threading.Event) -> None:
        head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        conn.sendall(f"HTTP/1.1 {status}\r\n{head}Content-Length: {len(body)}\r\n"
                     "Connection: close\r\n\r\n".encode() + body)
    return handler


def rst(conn: socket.socket) -> None:
    """Close with SO_LINGER 0, so the peer gets a TCP RST instead of a FIN."""
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()


def timed(url: str, timeout: float, **kwargs: object) -> tuple[kit.Diagnosis, float]:
    started = time.monotonic()
    d = kit.diagnose(url, timeout=timeout, **kwargs)  # type: ignore[arg-type]
    return d, time.monotonic() - started


def failed(d: kit.Diagnosis, kind: str, *words: str) -> None:
    """The baseline failed with this kind; the hint has these words and is in the report."""
    assert d.baseline is not None
    assert d.baseline.status is None
    assert d.baseline.error is not None, d.baseline
    assert d.baseline.error.kind == kind, d.baseline.error
    hint = d.baseline.error.hint
    for word in words:
        assert word in hint.lower(), hint
    text = d.to_text()
    assert " ".join(hint.split()) in " ".join(text.split())
    assert "Traceback" not in text
    assert d.findings == [] or d.findings[0].evidence


# --- no connection at all --------------------------------------------------------------------


def test_connection_refused() -> None:
    """Nothing listens: kind 'refused', a hint about the port and the service, at once."""
    d, took = timed(f"http://127.0.0.1:{closed_port()}/v1", 3)
    failed(d, "refused", "port", "running")
    assert took < 3 + SLACK


def test_dns_failure_with_mocked_getaddrinfo(monkeypatch: pytest.MonkeyPatch) -> None:
    """A mock getaddrinfo that fails (no real lookup): kind 'dns', the hint names the host."""

    def no_such_name(host: object, *args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    d, took = timed("http://api.unresolvable.test/v1", 3)
    failed(d, "dns", "api.unresolvable.test", "spelling")
    assert took < 3 + SLACK


def test_connect_timeout_on_a_full_accept_queue() -> None:
    """A listener whose accept queue is full drops SYNs: kind 'timeout' by the deadline."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(0)
        port = listener.getsockname()[1]
        fillers = []
        for _ in range(3):  # fill the queue; connects beyond it hang in SYN_SENT
            s = socket.socket()
            s.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                s.connect(("127.0.0.1", port))
            fillers.append(s)
        time.sleep(0.1)
        try:
            d, took = timed(f"http://127.0.0.1:{port}/v1", 1.5)
        finally:
            for s in fillers:
                s.close()
    failed(d, "timeout", "timeout=")
    assert took < 1.5 + SLACK


def test_read_timeout_on_a_silent_server(serve: Callable[..., Server]) -> None:
    """Accepted, request read, never answered: kind 'timeout' within timeout + slack."""
    server = serve(lambda conn, stop: stop.wait())
    d, took = timed(server.url + "/v1", 1.5)
    failed(d, "timeout", "timeout=")
    assert took < 1.5 + SLACK


# --- TLS, with certificates from trustme -----------------------------------------------------


@pytest.fixture
def ca() -> trustme.CA:
    return trustme.CA()


def tls_server(cert: trustme.LeafCert) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    cert.configure_cert(context)
    return context


@pytest.fixture
def trusted(ca: trustme.CA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The client trusts the test CA as a user would: SSL_CERT_FILE names its bundle."""
    bundle = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(bundle))
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    _probe._tls.cache_clear()
    yield
    monkeypatch.delenv("SSL_CERT_FILE")
    _probe._tls.cache_clear()


def test_tls_certificate_from_an_untrusted_ca(ca: trustme.CA, serve: Callable[..., Server]
                                              ) -> None:
    """A certificate from a CA the client does not trust: kind 'tls', says 'CA bundle'."""
    server = serve(answer("200 OK", {}, b"ok"), tls_server(ca.issue_cert("127.0.0.1")))
    d, took = timed(server.url + "/v1", 3)
    failed(d, "tls", "ca bundle", "never disable")
    assert took < 3 + SLACK


@pytest.mark.usefixtures("trusted")
def test_tls_trusted_certificate_works(ca: trustme.CA, serve: Callable[..., Server]) -> None:
    """Control: the same kind of server with a valid, trusted certificate answers 403."""
    server = serve(answer("403 Forbidden", {}, b"no"), tls_server(ca.issue_cert("127.0.0.1")))
    d, _ = timed(server.url + "/v1", 3, budget=1)
    assert d.baseline is not None
    assert (d.baseline.status, d.baseline.error) == (403, None)


@pytest.mark.usefixtures("trusted")
def test_tls_expired_certificate(ca: trustme.CA, serve: Callable[..., Server]) -> None:
    """A trusted CA but a certificate that expired yesterday: kind 'tls', says 'expired'."""
    now = dt.datetime.now(dt.UTC)
    cert = ca.issue_cert("127.0.0.1", not_before=now - dt.timedelta(days=30),
                         not_after=now - dt.timedelta(days=1))
    server = serve(answer("200 OK", {}, b"ok"), tls_server(cert))
    d, took = timed(server.url + "/v1", 3)
    failed(d, "tls", "expired", "renew")
    assert took < 3 + SLACK


@pytest.mark.usefixtures("trusted")
def test_tls_certificate_for_another_host(ca: trustme.CA, serve: Callable[..., Server]) -> None:
    """A trusted certificate for 'other.example' on 127.0.0.1: kind 'tls', says which name."""
    server = serve(answer("200 OK", {}, b"ok"), tls_server(ca.issue_cert("other.example")))
    d, took = timed(server.url + "/v1", 3)
    failed(d, "tls", "127.0.0.1", "name")
    assert took < 3 + SLACK


def test_plain_http_to_a_tls_port(ca: trustme.CA, serve: Callable[..., Server]) -> None:
    """http:// to a TLS server: no hang, a protocol-level failure that names the scheme."""
    server = serve(answer("200 OK", {}, b"ok"), tls_server(ca.issue_cert("127.0.0.1")))
    d, took = timed(server.url.replace("https://", "http://") + "/v1", 3)
    assert d.baseline is not None
    assert d.baseline.error is not None
    assert d.baseline.error.kind in ("protocol", "reset")
    assert "Traceback" not in d.to_text()
    assert took < 3 + SLACK


# --- broken answers --------------------------------------------------------------------------


def test_malformed_status_line(serve: Callable[..., Server]) -> None:
    """A garbage status line: kind 'protocol', the hint says to check scheme and port."""

    def garbage(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 abc not a status\r\nX: y\r\n\r\n")
        conn.shutdown(socket.SHUT_WR)

    server = serve(garbage)
    d, took = timed(server.url + "/v1", 3)
    failed(d, "protocol", "scheme", "port")
    assert took < 3 + SLACK


def test_reset_before_any_answer(serve: Callable[..., Server]) -> None:
    """The server reads the request and answers with a TCP RST: kind 'reset'."""
    server = serve(lambda conn, stop: rst(conn))
    d, took = timed(server.url + "/v1", 3)
    failed(d, "reset", "proxy", "firewall")
    assert took < 3 + SLACK


def test_reset_mid_body(serve: Callable[..., Server]) -> None:
    """Headers and part of a body, then RST: the status is kept, the body marked as cut."""

    def cut(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain\r\n"
                     b"Content-Length: 100000\r\n\r\n" + b"denied " * 100)
        time.sleep(0.2)
        rst(conn)

    server = serve(cut)
    d, took = timed(server.url + "/v1", 3, budget=1)
    assert d.baseline is not None
    assert (d.baseline.status, d.baseline.error) == (403, None)
    assert d.baseline.body_truncated is True
    assert d.baseline.body_size == 100000
    assert "connection failed after" in d.baseline.body_cut
    assert "firewall" in " ".join(d.to_text().split())
    assert "Traceback" not in d.to_text()
    assert took < 3 + SLACK


def test_body_dripping_one_byte_a_second(serve: Callable[..., Server]) -> None:
    """A body at one byte a second is cut at the deadline: status kept, body truncated."""

    def drip(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
        while not stop.wait(1.0):
            conn.sendall(b"x")

    server = serve(drip)
    d, took = timed(server.url + "/v1", 2.5)
    assert d.baseline is not None
    assert d.baseline.status == 200
    assert d.baseline.body_truncated is True
    assert set(d.baseline.body) <= {"x"}
    assert "deadline" in d.baseline.body_cut
    assert took < 2.5 + SLACK


def test_status_line_dripping_one_byte_a_second(serve: Callable[..., Server]) -> None:
    """The status line at one byte a second: kind 'timeout' by the deadline, not a hang."""

    def drip(conn: socket.socket, stop: threading.Event) -> None:
        for byte in b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n":
            if stop.wait(1.0):
                return
            conn.sendall(bytes([byte]))

    server = serve(drip)
    d, took = timed(server.url + "/v1", 2)
    failed(d, "timeout", "timeout=")
    assert took < 2 + SLACK


@pytest.mark.parametrize("tls", [False, True], ids=["http", "https"])
def test_sync_client_status_line_drip(ca: trustme.CA, serve: Callable[..., Server], tls: bool,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """With a sync client= (the threaded path) a dripping status line also stops in time."""

    def drip(conn: socket.socket, stop: threading.Event) -> None:
        for byte in b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n":
            if stop.wait(0.5):
                return
            conn.sendall(bytes([byte]))

    context = tls_server(ca.issue_cert("127.0.0.1")) if tls else None
    server = serve(drip, context)
    verify = ssl.create_default_context()
    ca.configure_trust(verify)
    with httpx.Client(verify=verify, follow_redirects=False) as client:
        d, took = timed(server.url + "/v1", 1.5, client=client)
    failed(d, "timeout", "timeout=")
    assert took < 1.5 + SLACK


def test_a_one_gigabyte_body_is_capped(serve: Callable[..., Server]) -> None:
    """Content-Length 1 GB of zeros: BODY_CAP kept, size reported, memory and time bounded."""
    size = 1 << 30

    def flood(conn: socket.socket, stop: threading.Event) -> None:
        conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n"
                     f"Content-Length: {size}\r\n\r\n".encode())
        zeros = bytes(256 * 1024)
        sent = 0
        while sent < size and not stop.is_set():
            conn.sendall(zeros)  # raises once the client hangs up, which ends the flood
            sent += len(zeros)

    server = serve(flood)
    # ru_maxrss is this process's all-time peak: growth under the 50 MiB bound is only
    # meaningful against a body far larger than any earlier peak, as 1 GiB is.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    d, took = timed(server.url + "/big", 10)
    grown_mib = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert d.baseline is not None
    assert d.baseline.status == 200
    assert d.baseline.body_truncated is True
    assert len(d.baseline.body) == BODY_CAP
    assert d.baseline.body_size == size
    assert d.baseline.body_cut == ""  # the cap, not a fault
    assert grown_mib < 50
    assert took < 5


# --- redirects -------------------------------------------------------------------------------


def test_redirect_loop_ends_with_a_note(serve: Callable[..., Server]) -> None:
    """A -> B -> A -> ...: the triage stops after a few hops, in time, and says it was a loop."""
    ports: dict[str, int] = {}

    def bounce(to: str) -> Handler:
        def handler(conn: socket.socket, stop: threading.Event) -> None:
            answer("302 Found", {"Location": f"http://127.0.0.1:{ports[to]}/loop"}, b"")(
                conn, stop)
        return handler

    a, b = serve(bounce("b")), serve(bounce("a"))
    ports.update(a=a.port, b=b.port)
    d, took = timed(a.url + "/loop", 3, headers={"Authorization": KEY})
    assert d.baseline is not None
    assert d.baseline.status == 302
    assert d.requests_sent <= MAX_HOPS + 1
    assert any("loop" in note.lower() for note in d.notes), d.notes
    assert "loop" in d.to_text().lower()
    assert all(KEY.encode() not in r for r in b.requests)  # another origin: no credential
    assert took < 3 + SLACK


def test_cross_origin_redirect_drops_the_credential(sandbox: object) -> None:
    """Sandbox 301 to another origin: the receiving origin sees no Authorization header."""
    scenario = sandbox.scenario("config-redirect-drops-credentials")  # type: ignore[attr-defined]
    sandbox.reset_hits()  # type: ignore[attr-defined]
    request = scenario.request()
    d = kit.diagnose(**request, timeout=5)
    hits = sandbox.hits  # type: ignore[attr-defined]
    first, *rest = hits
    assert first.headers.get("authorization") == request["headers"]["Authorization"]
    moved = [h for h in rest if h.headers.get("host", "").startswith("localhost:")]
    assert moved, hits
    assert all("authorization" not in h.headers for h in moved)
    assert d.cause is kit.Cause.CONFIGURATION


# --- old servers and encodings ---------------------------------------------------------------


class _OldHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self.send_response(403)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()  # no Content-Length: the body ends when the connection closes
        self.wfile.write(b"Forbidden by an old server")

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


def test_http_1_0_server_with_a_close_delimited_body() -> None:
    """An HTTP/1.0 server without Content-Length: status, version and whole body are read."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _OldHandler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        d, took = timed(f"http://127.0.0.1:{server.server_address[1]}/v1", 3)
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    assert d.baseline is not None
    assert (d.baseline.status, d.baseline.http_version) == (403, "HTTP/1.0")
    assert d.baseline.body == "Forbidden by an old server"
    assert d.baseline.body_truncated is False
    assert took < 3 + SLACK


TEXT = '{"message": "API rate limit exceeded for this key"}'


@pytest.mark.parametrize(("encoding", "encode"), [("gzip", gzip.compress),
                                                   ("br", brotli.compress)])
def test_compressed_bodies_are_decoded(serve: Callable[..., Server], encoding: str,
                                       encode: Callable[[bytes], bytes]) -> None:
    """gzip and brotli (Content-Encoding) bodies are stored decoded in Exchange.body."""
    server = serve(answer("403 Forbidden", {"Content-Type": "application/json",
                                            "Content-Encoding": encoding},
                          encode(TEXT.encode())))
    d, _ = timed(server.url + "/v1", 3, budget=1)
    assert d.baseline is not None
    assert (d.baseline.status, d.baseline.body) == (403, TEXT)
    assert not any("brotli" in note for note in d.notes)


def test_brotli_body_without_the_brotli_package(serve: Callable[..., Server],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """With the br decoder removed (a mock of a missing package): body raw, a note says why."""
    monkeypatch.delitem(httpx._decoders.SUPPORTED_DECODERS, "br")
    server = serve(answer("403 Forbidden", {"Content-Encoding": "br"},
                          brotli.compress(TEXT.encode())))
    d, _ = timed(server.url + "/v1", 3, budget=1)
    assert d.baseline is not None
    assert d.baseline.status == 403
    assert d.baseline.body != TEXT
    assert any("brotli" in note for note in d.notes), d.notes
    assert "pip install brotli" in " ".join(d.to_text().split())


@pytest.mark.parametrize(("content_type", "expected"), [
    ("text/plain; charset=utf-8", "caf\N{REPLACEMENT CHARACTER} denied"),
    ("text/plain; charset=x-no-such-charset", "caf\N{REPLACEMENT CHARACTER} denied"),
    ("text/plain; charset=latin-1", "caf\N{LATIN SMALL LETTER E WITH ACUTE} denied"),
], ids=["utf-8 declared", "unknown charset", "latin-1 declared"])
def test_wrong_or_unknown_charset(serve: Callable[..., Server], content_type: str,
                                  expected: str) -> None:
    """Latin-1 bytes under a wrong or unknown charset: no exception, replacement characters."""
    server = serve(answer("403 Forbidden", {"Content-Type": content_type}, b"caf\xe9 denied"))
    d, _ = timed(server.url + "/v1", 3, budget=1)
    assert d.baseline is not None
    assert (d.baseline.status, d.baseline.body) == (403, expected)
    assert "Traceback" not in d.to_text()
