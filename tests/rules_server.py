"""Loopback servers with hidden rules, for kit.compare: they refuse with 403 unless a request
meets a rule the test knows and the kit does not.

The HTTP/1.1 server reads the request line and headers itself, so it sees header names in the
letter case and order they were sent (a framework would normalise both). The HTTP/2 server is
hypercorn over TLS (a trustme certificate), refusing anything that is not HTTP/2.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from urllib.parse import parse_qs, urlsplit

Headers = list[tuple[str, str]]


@dataclass
class Seen:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Headers
    body: bytes

    def get(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


def bot_rule(r: Seen) -> bool:
    """A bot rule: a browser User-Agent and an Accept-Language, or no entry."""
    return "Mozilla/" in (r.get("user-agent") or "") and bool(r.get("accept-language"))


def api_rule(port: int) -> Callable[[Seen], bool]:
    """An API that wants ?region=eu and a Referer from its own site."""
    def rule(r: Seen) -> bool:
        referer = r.get("referer") or ""
        return r.query.get("region") == ["eu"] and \
            referer.startswith(f"http://127.0.0.1:{port}/")
    return rule


def media_rule(r: Seen) -> bool:
    """A versioned media type: Accept must name version 2."""
    return "application/vnd.example.v2+json" in (r.get("accept") or "")


def order_rule(r: Seen) -> bool:
    """Browser header order: User-Agent comes before Accept (httpx puts it after)."""
    names = [k.lower() for k, _ in r.headers]
    return "user-agent" in names and "accept" in names and \
        names.index("user-agent") < names.index("accept")


def case_rule(r: Seen) -> bool:
    """An old server that looks up 'X-Api-Version' with its exact letter case."""
    return any(k == "X-Api-Version" for k, _ in r.headers)


def post_rule(r: Seen) -> bool:
    return r.get("x-token-ok") == "yes"


@dataclass
class RulesServer:
    """A threaded raw HTTP/1.1 server; ``rules`` maps a path prefix to a predicate."""

    rules: dict[str, Callable[[Seen], bool]] = field(default_factory=dict)
    extra_headers: dict[str, str] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    seen: list[Seen] = field(default_factory=list)
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def handle(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(5)
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, body = data.partition(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, target, _ = lines[0].split(" ", 2)
            headers = [(k, v.strip()) for k, _, v in (x.partition(":") for x in lines[1:])]
            length = int(next((v for k, v in headers if k.lower() == "content-length"), "0"))
            while len(body) < length:
                body += conn.recv(65536)
            parts = urlsplit(target)
            seen = Seen(method, parts.path, parse_qs(parts.query), headers, body)
            self.seen.append(seen)
            prefix = next((p for p in self.rules if parts.path.startswith(p)), None)
            self.hits[prefix or "(none)"] += 1
            ok = prefix is not None and self.rules[prefix](seen)
            status, text = (200, b'{"ok": true}') if ok else (403, b'{"error": "Forbidden"}')
            extra = "".join(f"{k}: {v}\r\n" for k, v in self.extra_headers.items())
            conn.sendall(f"HTTP/1.1 {status} {'OK' if ok else 'Forbidden'}\r\nContent-Type: "
                         f"application/json\r\nContent-Length: {len(text)}\r\n{extra}"
                         "Connection: close\r\n\r\n".encode() + text)


@contextlib.contextmanager
def serve(server: RulesServer) -> Iterator[RulesServer]:
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    sock.settimeout(0.1)  # so the accept loop sees the stop flag
    server.port = sock.getsockname()[1]
    stop = threading.Event()

    def loop() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(5)
            threading.Thread(target=server.handle, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        stop.set()
        sock.close()
        thread.join(timeout=5)


@contextlib.contextmanager
def serve_h2_only(cert_file: str, key_file: str) -> Iterator[tuple[str, Counter[str]]]:
    """hypercorn over TLS with ALPN h2 and http/1.1; 403 unless the request came over HTTP/2."""
    from hypercorn.asyncio import serve as hserve
    from hypercorn.config import Config

    hits: Counter[str] = Counter()

    async def app(scope: dict, receive: Callable, send: Callable) -> None:  # type: ignore[type-arg]
        if scope["type"] != "http":
            return
        hits[scope["http_version"]] += 1
        ok = scope["http_version"] == "2"
        await send({"type": "http.response.start", "status": 200 if ok else 403,
                    "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"ok" if ok else b"Forbidden"})

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    config = Config()
    config.bind = [f"127.0.0.1:{port}"]
    config.certfile, config.keyfile = cert_file, key_file
    config.alpn_protocols = ["h2", "http/1.1"]
    config.accesslog = config.errorlog = None
    loop = asyncio.new_event_loop()
    stopped = asyncio.Event()
    ready = threading.Event()

    def run() -> None:
        asyncio.set_event_loop(loop)

        async def main() -> None:
            task = loop.create_task(hserve(app, config, shutdown_trigger=stopped.wait))  # type: ignore[arg-type]
            for _ in range(100):
                with contextlib.suppress(OSError):
                    socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                    break
                await asyncio.sleep(0.05)
            ready.set()
            await task

        loop.run_until_complete(main())

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    ready.wait(10)
    try:
        yield f"https://127.0.0.1:{port}", hits
    finally:
        loop.call_soon_threadsafe(stopped.set)
        thread.join(timeout=10)
        loop.close()
