"""send()/asend() against real socket servers on 127.0.0.1: failures become evidence, in time."""

from __future__ import annotations

import asyncio
import contextlib
import gzip
import socket
import threading
import time
from collections.abc import Callable, Iterator
from types import TracebackType

import httpx
import pytest

from kit._http.exchange import BODY_CAP, Exchange
from kit._http.probe import Probe, asend, classify, make_async_client, make_client, send

Handler = Callable[[socket.socket, threading.Event], None]
KEY = "Zq8vR2mK4tX9pL3wN7bC5dF1"


# --- tiny servers written for these tests ---------------------------------------------------


class LoopbackServer:
    """A TCP server on 127.0.0.1 that runs handler(conn, stop) per connection in a thread."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.stop = threading.Event()
        self.peers: list[tuple[str, int]] = []
        self.requests: list[bytes] = []
        self._conns: list[socket.socket] = []
        self._threads: list[threading.Thread] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self.port: int = self._listener.getsockname()[1]
        self._acceptor = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> LoopbackServer:
        self._acceptor.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop.set()
        self._acceptor.join(5)
        for conn in self._conns:
            with contextlib.suppress(OSError):  # already closed by the client
                conn.shutdown(socket.SHUT_RDWR)
        for thread in self._threads:
            thread.join(5)
        for conn in self._conns:
            conn.close()
        self._listener.close()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                conn, peer = self._listener.accept()
            except TimeoutError:
                continue
            conn.settimeout(0.2)
            self.peers.append(peer)
            self._conns.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            self._threads.append(thread)
            thread.start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            self.requests.append(read_request(conn, self.stop))
            self.handler(conn, self.stop)
        except OSError:
            pass  # the client hung up, which several tests make it do


def read_request(conn: socket.socket, stop: threading.Event) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data and not stop.is_set():
        try:
            chunk = conn.recv(65536)
        except TimeoutError:
            continue
        if not chunk:
            break
        data += chunk
    return data


def reply(status: str, headers: dict[str, str], body: bytes) -> Handler:
    def handler(conn: socket.socket, stop: threading.Event) -> None:
        head = f"HTTP/1.1 {status}\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items())
        conn.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body)
    return handler


def silent(conn: socket.socket, stop: threading.Event) -> None:
    """Accept, read the request, never answer."""
    stop.wait()


def drip_body(conn: socket.socket, stop: threading.Event) -> None:
    """Status and headers at once, then one body byte every 0.2 s until told to stop."""
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n")
    while not stop.wait(0.2):
        conn.sendall(b"x")


def drip_head(conn: socket.socket, stop: threading.Event) -> None:
    """The status line itself, one byte every 0.1 s, for about 2.5 s; then a whole answer."""
    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"s" * 8:
        if stop.wait(0.1):
            return
        conn.sendall(bytes([byte]))
    conn.sendall(b"\r\nContent-Length: 2\r\n\r\nok")


def five_megabytes(conn: socket.socket, stop: threading.Event) -> None:
    size = 5 * 1024 * 1024
    conn.sendall(f"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n"
                 f"Content-Length: {size}\r\n\r\n".encode())
    chunk = b"y" * 65536
    for _ in range(size // len(chunk)):
        if stop.is_set():
            return
        conn.sendall(chunk)


def garbage(conn: socket.socket, stop: threading.Event) -> None:
    """Answer with something that is not HTTP, then hang up."""
    conn.sendall(b"220 mail.example ESMTP ready\r\n\r\n")
    conn.shutdown(socket.SHUT_WR)


@pytest.fixture
def serve() -> Iterator[Callable[[Handler], LoopbackServer]]:
    """Start LoopbackServers for a test and stop every one of them afterwards."""
    started: list[LoopbackServer] = []

    def start(handler: Handler) -> LoopbackServer:
        server = LoopbackServer(handler).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)


def closed_port() -> int:
    """A loopback port that was just bound and released, so nothing listens there."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def probe(url: str, **kwargs: object) -> Probe:
    return Probe("GET", url, **kwargs)  # type: ignore[arg-type]


FORBIDDEN = reply("403 Forbidden", {"Content-Type": "application/json",
                                    "WWW-Authenticate": 'Bearer error="insufficient_scope"'},
                  b'{"message": "Resource not accessible by integration"}')


# --- send -----------------------------------------------------------------------------------


def test_send_normal_403(serve: Callable[[Handler], LoopbackServer]) -> None:
    """A plain 403 comes back with status, headers, body, addresses and timing."""
    server = serve(FORBIDDEN)
    with make_client(timeout=5) as client:
        ex = send(probe(f"{server.url}/repos?page=1", headers=(("X-API-Key", KEY),)),
                  client=client, deadline=time.monotonic() + 5)
    assert ex.error is None
    assert ex.status == 403
    assert ex.header("www-authenticate") == 'Bearer error="insufficient_scope"'
    assert "not accessible" in ex.body
    assert ex.body_truncated is False
    assert ex.body_size == len(b'{"message": "Resource not accessible by integration"}')
    assert ex.remote_address == f"127.0.0.1:{server.port}"
    assert ex.local_address is not None
    assert ex.local_address.startswith("127.0.0.1:")
    assert ex.elapsed is not None
    assert 0 < ex.elapsed < 5
    assert ex.started_at is not None
    assert KEY not in ex.to_json()
    assert KEY.encode() in server.requests[0]  # the real key did go on the wire


def test_send_does_not_follow_redirects(serve: Callable[[Handler], LoopbackServer]) -> None:
    """A 302 is the evidence itself: no second request is made."""
    server = serve(reply("302 Found", {"Location": "/elsewhere"}, b""))
    with make_client(timeout=5) as client:
        ex = send(probe(server.url + "/"), client=client, deadline=time.monotonic() + 5)
    assert ex.status == 302
    assert ex.header("location") == "/elsewhere"
    assert ex.history == ()
    assert len(server.requests) == 1


def test_send_sends_the_user_agent_httpx_would(serve: Callable[[Handler], LoopbackServer]
                                               ) -> None:
    """With no User-Agent given, the baseline carries httpx's own, once (as the caller's
    code would send it), not the kit's."""
    server = serve(FORBIDDEN)
    with make_client(timeout=5) as client:
        send(probe(server.url + "/"), client=client, deadline=time.monotonic() + 5)
    sent = server.requests[0].lower()
    assert b"user-agent: python-httpx/" in sent
    assert sent.count(b"user-agent:") == 1
    assert b"forbidden-kit" not in sent


def test_send_keeps_the_callers_user_agent(serve: Callable[[Handler], LoopbackServer]) -> None:
    """A User-Agent the caller gives is the one sent, alone."""
    server = serve(FORBIDDEN)
    with make_client(timeout=5) as client:
        send(probe(server.url + "/", headers=(("User-Agent", "my-app/2.0"),)), client=client,
             deadline=time.monotonic() + 5)
    sent = server.requests[0].lower()
    assert b"user-agent: my-app/2.0" in sent
    assert sent.count(b"user-agent:") == 1


def test_send_connection_refused() -> None:
    """Nothing listening: error kind 'refused' with a hint, no status, no exception."""
    port = closed_port()
    with make_client(timeout=5) as client:
        ex = send(probe(f"http://127.0.0.1:{port}/x"), client=client,
                  deadline=time.monotonic() + 5)
    assert ex.status is None
    assert ex.error is not None
    assert ex.error.kind == "refused"
    assert "listens" in ex.error.hint
    assert "127.0.0.1" in ex.error.hint


def test_send_silent_server_times_out_within_deadline(
    serve: Callable[[Handler], LoopbackServer],
) -> None:
    """A server that accepts and never answers gives kind 'timeout' by the deadline."""
    server = serve(silent)
    budget = 1.0
    with make_client(timeout=30) as client:
        start = time.monotonic()
        ex = send(probe(server.url + "/"), client=client, deadline=start + budget)
        took = time.monotonic() - start
    assert ex.error is not None
    assert ex.error.kind == "timeout"
    assert ex.error.hint
    assert took < budget + 1


def test_send_dripping_body_returns_by_deadline(
    serve: Callable[[Handler], LoopbackServer],
) -> None:
    """A body dripping a byte every 0.2 s forever is cut at the deadline: 200, truncated."""
    server = serve(drip_body)
    budget = 1.5
    with make_client(timeout=30) as client:
        start = time.monotonic()
        ex = send(probe(server.url + "/"), client=client, deadline=start + budget)
        took = time.monotonic() - start
    assert took < budget + 1
    assert ex.status == 200
    assert ex.body_truncated is True
    assert ex.body.strip("x") == ""
    assert 1 <= len(ex.body) <= 20


def test_send_dripping_status_line_returns_by_deadline(
    serve: Callable[[Handler], LoopbackServer],
) -> None:
    """A status line dripping a byte every 0.1 s does not hold send() past the deadline."""
    server = serve(drip_head)
    budget = 0.8
    with make_client(timeout=30) as client:
        start = time.monotonic()
        send(probe(server.url + "/"), client=client, deadline=start + budget)
        took = time.monotonic() - start
    assert took < budget + 1


def test_send_caps_a_five_megabyte_body(serve: Callable[[Handler], LoopbackServer]) -> None:
    """Only BODY_CAP characters are kept; body_size reports the declared 5 MB."""
    server = serve(five_megabytes)
    with make_client(timeout=10) as client:
        ex = send(probe(server.url + "/"), client=client, deadline=time.monotonic() + 10)
    assert ex.status == 200
    assert ex.body_truncated is True
    assert len(ex.body) == BODY_CAP
    assert ex.body_size == 5 * 1024 * 1024


def test_send_garbage_answer_is_a_protocol_error(
    serve: Callable[[Handler], LoopbackServer],
) -> None:
    """A server that does not speak HTTP gives kind 'protocol'."""
    server = serve(garbage)
    with make_client(timeout=5) as client:
        ex = send(probe(server.url + "/"), client=client, deadline=time.monotonic() + 5)
    assert ex.status is None
    assert ex.error is not None
    assert ex.error.kind == "protocol"
    assert "http" in ex.error.hint.lower()


def test_send_hang_up_without_answer_is_a_protocol_error(
    serve: Callable[[Handler], LoopbackServer],
) -> None:
    """A server that closes without a byte of answer gives kind 'protocol'."""
    server = serve(lambda conn, stop: conn.shutdown(socket.SHUT_RDWR))
    with make_client(timeout=5) as client:
        ex = send(probe(server.url + "/"), client=client, deadline=time.monotonic() + 5)
    assert ex.error is not None
    assert ex.error.kind == "protocol"


def test_send_decodes_gzip_body(serve: Callable[[Handler], LoopbackServer]) -> None:
    """A gzip-encoded body is stored decoded."""
    text = '{"message": "API rate limit exceeded"}' * 20
    server = serve(reply("403 Forbidden", {"Content-Type": "application/json",
                                           "Content-Encoding": "gzip"},
                         gzip.compress(text.encode())))
    with make_client(timeout=5) as client:
        ex = send(probe(server.url + "/"), client=client, deadline=time.monotonic() + 5)
    assert ex.status == 403
    assert ex.body == text
    assert ex.body_truncated is False


def test_send_corrupt_gzip_body_is_kept_raw(serve: Callable[[Handler], LoopbackServer]) -> None:
    """A body that claims gzip but is not is kept as it came, without an error."""
    server = serve(reply("403 Forbidden", {"Content-Encoding": "gzip"}, b"plain words"))
    with make_client(timeout=5) as client:
        ex = send(probe(server.url + "/"), client=client, deadline=time.monotonic() + 5)
    assert (ex.status, ex.error, ex.body) == (403, None, "plain words")


def test_send_from_127_0_0_2(serve: Callable[[Handler], LoopbackServer]) -> None:
    """make_client(local_address='127.0.0.2') makes the server see 127.0.0.2."""
    server = serve(FORBIDDEN)
    with make_client(timeout=5, local_address="127.0.0.2") as client:
        ex = send(probe(server.url + "/"), client=client, deadline=time.monotonic() + 5)
    assert ex.status == 403
    assert [host for host, _ in server.peers] == ["127.0.0.2"]
    assert ex.local_address is not None
    assert ex.local_address.startswith("127.0.0.2:")


def test_send_dns_failure_with_mocked_getaddrinfo(monkeypatch: pytest.MonkeyPatch) -> None:
    """With socket.getaddrinfo mocked to fail (no real lookup), the error kind is 'dns'."""
    asked: list[object] = []

    def no_such_name(host: object, *args: object, **kwargs: object) -> list[object]:
        asked.append(host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_such_name)
    with make_client(timeout=5) as client:
        ex = send(probe("http://api.unresolvable.test/v1"), client=client,
                  deadline=time.monotonic() + 5)
    assert asked == ["api.unresolvable.test"]
    assert ex.error is not None
    assert ex.error.kind == "dns"
    assert "api.unresolvable.test" in ex.error.hint


def test_send_masks_key_in_query(serve: Callable[[Handler], LoopbackServer]) -> None:
    """A key in the query string is masked in the Exchange but sent for real."""
    server = serve(FORBIDDEN)
    with make_client(timeout=5) as client:
        ex = send(probe(f"{server.url}/v1?api_key={KEY}&page=2"), client=client,
                  deadline=time.monotonic() + 5)
    assert KEY not in ex.to_json()
    assert KEY.encode() in server.requests[0]
    assert [c.name for c in ex.credentials] == ["api_key"]


def test_send_past_deadline_still_returns(serve: Callable[[Handler], LoopbackServer]) -> None:
    """A deadline already passed gives a quick answer (timeout or truncated), not a hang."""
    server = serve(silent)
    with make_client(timeout=30) as client:
        start = time.monotonic()
        ex = send(probe(server.url + "/"), client=client, deadline=start - 1)
        took = time.monotonic() - start
    assert ex.error is not None
    assert ex.error.kind == "timeout"
    assert took < 1


# --- asend ----------------------------------------------------------------------------------


def test_asend_connection_refused() -> None:
    """The async twin turns a refused connection into kind 'refused'."""
    port = closed_port()

    async def run() -> Exchange:
        async with make_async_client(timeout=5) as client:
            return await asend(probe(f"http://127.0.0.1:{port}/"), client=client,
                               deadline=time.monotonic() + 5)

    ex = asyncio.run(run())
    assert ex.status is None
    assert ex.error is not None
    assert ex.error.kind == "refused"
    assert ex.error.hint


def test_asend_normal_403(serve: Callable[[Handler], LoopbackServer]) -> None:
    """The async twin reads a 403 like send() does."""
    server = serve(FORBIDDEN)

    async def run() -> Exchange:
        async with make_async_client(timeout=5) as client:
            return await asend(probe(server.url + "/", headers=(("Authorization",
                                                                 f"Bearer {KEY}"),)),
                               client=client, deadline=time.monotonic() + 5)

    ex = asyncio.run(run())
    assert ex.status == 403
    assert ex.error is None
    assert "not accessible" in ex.body
    assert ex.remote_address == f"127.0.0.1:{server.port}"
    assert (ex.request_header("authorization") or "").startswith("Bearer [secure")
    assert KEY not in ex.to_json()


def test_asend_silent_server_times_out(serve: Callable[[Handler], LoopbackServer]) -> None:
    """The async twin also gives up on a silent server by the deadline."""
    server = serve(silent)
    budget = 1.0

    async def run() -> Exchange:
        async with make_async_client(timeout=30) as client:
            return await asend(probe(server.url + "/"), client=client,
                               deadline=time.monotonic() + budget)

    start = time.monotonic()
    ex = asyncio.run(run())
    assert time.monotonic() - start < budget + 1
    assert ex.error is not None
    assert ex.error.kind == "timeout"


def test_asend_caps_body_and_decodes_gzip(serve: Callable[[Handler], LoopbackServer]) -> None:
    """The async twin caps a 5 MB body and decodes gzip."""
    big = serve(five_megabytes)
    text = "quota exceeded " * 50
    zipped = serve(reply("429 Too Many Requests", {"Content-Encoding": "gzip"},
                         gzip.compress(text.encode())))

    async def run() -> tuple[Exchange, Exchange]:
        async with make_async_client(timeout=10) as client:
            deadline = time.monotonic() + 10
            return (await asend(probe(big.url + "/"), client=client, deadline=deadline),
                    await asend(probe(zipped.url + "/"), client=client, deadline=deadline))

    capped, decoded = asyncio.run(run())
    assert (capped.status, capped.body_truncated, len(capped.body)) == (200, True, BODY_CAP)
    assert (decoded.status, decoded.body) == (429, text)


# --- Probe and classify ---------------------------------------------------------------------


def test_probe_repr_masks_credentials() -> None:
    """A Probe holds the real key but its repr shows it masked."""
    p = Probe("GET", f"https://api.example.com/x?api_key={KEY}",
              headers=(("Authorization", f"Bearer {KEY}"), ("Accept", "*/*")))
    assert KEY not in repr(p)
    assert "Bearer [secure" in repr(p)
    assert p.header("authorization") == f"Bearer {KEY}"
    assert p.without_headers("Authorization") == (("Accept", "*/*"),)
    assert p.with_(label="fake").label == "fake"


@pytest.mark.parametrize(
    ("exc", "kind"),
    [
        (httpx.ReadTimeout("timed out"), "timeout"),
        (httpx.ConnectTimeout("timed out"), "timeout"),
        (httpx.ConnectError("[Errno 111] Connection refused"), "refused"),
        (httpx.ConnectError("[Errno -2] Name or service not known"), "dns"),
        (httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
         "tls"),
        (httpx.RemoteProtocolError("Server disconnected without sending a response."),
         "protocol"),
        (httpx.ReadError("[Errno 104] Connection reset by peer"), "reset"),
        (OSError(99, "Cannot assign requested address"), "bind"),
        (httpx.UnsupportedProtocol("Request URL has an unsupported protocol 'ftp://'."),
         "other"),
    ],
)
def test_classify(exc: Exception, kind: str) -> None:
    """Each transport failure maps to its kind, with a hint."""
    error = classify(exc, "https://api.example.com/")
    assert error.kind == kind
    assert error.hint
    assert error.message


def test_classify_reads_the_cause_chain() -> None:
    """A refusal wrapped as 'All connection attempts failed' (anyio) is still 'refused'."""
    inner = ConnectionRefusedError(111, "Connect call failed ('127.0.0.1', 9)")
    middle = OSError("All connection attempts failed")
    middle.__cause__ = inner
    outer = httpx.ConnectError("All connection attempts failed")
    outer.__cause__ = middle
    assert classify(outer, "http://127.0.0.1:9/").kind == "refused"
