"""Sending one request safely: timeouts, no silent redirects, a capped body, errors as evidence.

``Probe`` is the request to send, holding the real credentials; its repr masks them. ``send``
and ``asend`` turn a Probe into an ``Exchange`` and never raise for network failures: a refused
connection, a DNS failure, a TLS error or a timeout becomes ``Exchange.error``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import functools
import socket
import ssl
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from .exchange import BODY_CAP, Exchange, NetworkError, peer_addresses
from .logfilter import install as mask_http_logs
from .secrets import mask_headers, mask_url

USER_AGENT = f"python-httpx/{httpx.__version__}"
"""The baseline goes out as the caller's own httpx code would send it: their User-Agent when
they give one, else httpx's default (a WAF rule on script agents must see what they send)."""


@dataclass(frozen=True, slots=True)
class Probe:
    """One request to send: the baseline or a variant that changes one thing."""

    method: str
    url: str
    headers: tuple[tuple[str, str], ...] = ()
    content: bytes | None = None
    label: str = "baseline"
    local_address: str | None = None
    meta: Mapping[str, str] = field(default_factory=dict)

    def with_(self, **changes: Any) -> Probe:
        return replace(self, **changes)

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    def without_headers(self, *names: str) -> tuple[tuple[str, str], ...]:
        drop = {n.lower() for n in names}
        return tuple((k, v) for k, v in self.headers if k.lower() not in drop)

    def __repr__(self) -> str:
        headers = dict(mask_headers(self.headers))
        return f"Probe({self.label!r}, {self.method} {mask_url(self.url)}, headers={headers})"


@functools.cache
def _tls() -> ssl.SSLContext:
    """One verifying TLS context per process: loading the CA bundle costs ~45 ms each time."""
    return httpx.create_ssl_context()


def make_client(*, timeout: float = 10.0, proxy: str | None = None,
                local_address: str | None = None) -> httpx.Client:
    """An httpx.Client as the kit uses it: no redirects followed, bounded time, optional bind."""
    transport = httpx.HTTPTransport(local_address=local_address, proxy=proxy, verify=_tls())
    return httpx.Client(transport=transport, **_settings(timeout))


def make_async_client(*, timeout: float = 10.0, proxy: str | None = None,
                      local_address: str | None = None) -> httpx.AsyncClient:
    """The async twin of make_client."""
    transport = httpx.AsyncHTTPTransport(local_address=local_address, proxy=proxy,
                                         verify=_tls())
    return httpx.AsyncClient(transport=transport, **_settings(timeout))


def _settings(timeout: float) -> dict[str, Any]:
    mask_http_logs()  # httpx logs each request URL, query secrets and all, at INFO
    return {
        "timeout": httpx.Timeout(timeout),
        "follow_redirects": False,
        "headers": {"User-Agent": USER_AGENT},
        "limits": httpx.Limits(max_connections=8, max_keepalive_connections=4),
    }


def classify(exc: Exception, url: str) -> NetworkError:
    """A network failure in words: what failed and what to try."""
    text = str(exc) or type(exc).__name__
    host = httpx.URL(url).host if url else "the host"
    # anyio (the async twin) wraps the OS error: 'All connection attempts failed' from
    # ConnectionRefusedError; read the whole cause chain, not only the outer message.
    chain = _causes(exc)
    lowered = " | ".join(str(e) for e in chain).lower()
    if isinstance(exc, httpx.TimeoutException):
        return NetworkError("timeout", f"{type(exc).__name__}: {text}",
                            f"{host} did not answer in time; check the URL and port, a firewall "
                            "that drops packets, or raise timeout=")
    if "certificate" in lowered or "ssl" in lowered or "tls" in lowered or any(
        isinstance(e, ssl.SSLError) for e in chain
    ):
        hint = next((h for words, h in _TLS_HINTS if any(w in lowered for w in words)),
                    "the TLS handshake with {host} failed: an expired, self-signed or "
                    "wrong-host certificate, or an intercepting proxy; fix the certificate or "
                    "pass a CA bundle, never disable checks")
        return NetworkError("tls", text, hint.format(host=host))
    if any(s in lowered for s in ("name or service not known", "nodename nor servname",
                                  "getaddrinfo", "name resolution", "no address associated")):
        return NetworkError("dns", text, f"the name {host} does not resolve; check its spelling "
                            "and your DNS or VPN")
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or any(
        s in lowered for s in ("refused", "errno 111", "errno 61")
    ):
        return NetworkError("refused", text, f"nothing listens on {host} at that port; check "
                            "the port, and that the service is running")
    if isinstance(exc, httpx.RemoteProtocolError | httpx.LocalProtocolError):
        return NetworkError("protocol", text, "the server's answer is not valid HTTP (or it "
                            "closed the connection early); check the scheme (http vs https) "
                            "and port")
    if isinstance(exc, httpx.ReadError | httpx.WriteError):
        return NetworkError("reset", text, "the connection was reset mid-exchange; a proxy or "
                            "firewall may be cutting it")
    if isinstance(exc, OSError) and "assign requested address" in lowered:
        return NetworkError("bind", text, "the local address to send from is not on this "
                            "machine; pick one of its own addresses")
    return NetworkError("other", f"{type(exc).__name__}: {text}", "see the message above")


_TLS_HINTS = (  # OpenSSL's verify messages -> what to try
    (("has expired", "not yet valid"), "the certificate of {host} has expired or is not yet "
     "valid; renew it on the server, or check this machine's clock"),
    (("mismatch", "not valid for", "doesn't match"), "the certificate is for another name "
     "than {host}; call the host name it was issued for, or reissue it with {host} among its "
     "names"),
    (("local issuer", "self-signed", "self signed", "unknown ca"), "{host} shows a certificate "
     "from a CA this machine does not trust (self-signed, a private CA or an intercepting "
     "proxy); pass that CA bundle (SSL_CERT_FILE, or client=httpx.Client(verify=...)), never "
     "disable checks"),
)


def _causes(exc: BaseException) -> list[BaseException]:
    """exc, its __cause__/__context__ chain and any grouped exceptions, each once."""
    found: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop(0)
        if e is None or any(e is f for f in found) or len(found) > 20:
            continue
        found.append(e)
        todo += [e.__cause__, e.__context__, *getattr(e, "exceptions", ())]
    return found


def _request(client: httpx.Client | httpx.AsyncClient, probe: Probe, timeout: float
             ) -> httpx.Request:
    mask_http_logs()  # the caller's own client= logs through httpx too
    return client.build_request(probe.method, probe.url, headers=list(probe.headers),
                                content=probe.content, timeout=httpx.Timeout(timeout))


def send(probe: Probe, *, client: httpx.Client, deadline: float) -> Exchange:
    """Send one probe and keep what came back; ``deadline`` is a time.monotonic() instant."""
    started_at = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    remaining = max(0.05, deadline - time.monotonic())
    request = _request(client, probe, remaining)
    watchdog = _Watchdog(request, remaining)
    try:
        response = client.send(request, stream=True)
    except (httpx.TransportError, OSError, ValueError) as exc:
        error = _slow(remaining) if watchdog.fired else classify(exc, probe.url)
        return Exchange.from_error(request, error, label=probe.label,
                                   elapsed=time.perf_counter() - t0, started_at=started_at)
    finally:
        watchdog.cancel()
    addresses = peer_addresses(response)
    if response.is_stream_consumed:  # a response event hook (kit.record, say) read it already
        return _finish(response, probe, response.content[: BODY_CAP + 1], False, t0, started_at,
                       addresses, decoded=True)
    body = bytearray()
    truncated, cut = False, ""
    try:
        for chunk in response.iter_raw():
            body.extend(chunk)
            if len(body) > BODY_CAP or time.monotonic() > deadline:
                truncated, cut = True, "" if len(body) > BODY_CAP else _LATE
                break
    except httpx.TransportError as exc:
        truncated, cut = True, _broken(exc, len(body))
    finally:
        response.close()
    return _finish(response, probe, bytes(body), truncated, t0, started_at, addresses, cut=cut)


async def asend(probe: Probe, *, client: httpx.AsyncClient, deadline: float) -> Exchange:
    """The async twin of send."""
    started_at = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    remaining = max(0.05, deadline - time.monotonic())
    request = _request(client, probe, remaining)
    try:
        # Per-read timeouts cannot stop a server that drips its headers; the deadline can.
        response = await asyncio.wait_for(client.send(request, stream=True), remaining)
    except TimeoutError:
        return Exchange.from_error(request, _slow(remaining), label=probe.label,
                                   elapsed=time.perf_counter() - t0, started_at=started_at)
    except (httpx.TransportError, OSError, ValueError) as exc:
        return Exchange.from_error(request, classify(exc, probe.url), label=probe.label,
                                   elapsed=time.perf_counter() - t0, started_at=started_at)
    addresses = peer_addresses(response)
    if response.is_stream_consumed:  # a response event hook (kit.record, say) read it already
        return _finish(response, probe, response.content[: BODY_CAP + 1], False, t0, started_at,
                       addresses, decoded=True)
    body = bytearray()
    truncated, cut = False, ""

    async def read() -> None:
        async for chunk in response.aiter_raw():
            body.extend(chunk)
            if len(body) > BODY_CAP:
                raise _Enough

    try:
        await asyncio.wait_for(read(), max(0.01, deadline - time.monotonic()))
    except _Enough:
        truncated = True
    except TimeoutError:
        truncated, cut = True, _LATE
    except httpx.TransportError as exc:
        truncated, cut = True, _broken(exc, len(body))
    finally:
        await response.aclose()
    return _finish(response, probe, bytes(body), truncated, t0, started_at, addresses, cut=cut)


_LATE = "the deadline passed while the body was still arriving (a slow or dripping server)"


def _broken(exc: httpx.TransportError, got: int) -> str:
    """Why a body stopped early, in words: the connection failed after ``got`` bytes."""
    why = str(exc) or type(exc).__name__
    return (f"the connection failed after {got} bytes of the body ({why}); a proxy, load "
            "balancer or firewall may be cutting long responses")


def _slow(remaining: float) -> NetworkError:
    return NetworkError("timeout", f"no complete response within {remaining:.1f} s",
                        "the server answers too slowly (or drips its headers); check it, "
                        "or raise timeout=")


class _Watchdog:
    """Shuts down the socket a sync request opened if its headers are not in by the deadline.

    Blocking reads are bounded one read at a time, so a server dripping its status line could
    hold send() far past the deadline. The socket comes from httpcore's trace extension when
    the connection is made; a reused keep-alive connection is not covered (per-read timeouts
    still bound it).
    """

    def __init__(self, request: httpx.Request, seconds: float) -> None:
        self.fired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._inner = request.extensions.get("trace")
        request.extensions["trace"] = self._trace
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _trace(self, name: str, info: dict[str, Any]) -> None:
        if name in ("connection.connect_tcp.complete", "connection.start_tls.complete"):
            sock = info["return_value"].get_extra_info("socket")
            with self._lock:
                self._sock = sock if isinstance(sock, socket.socket) else None
        if self._inner is not None:
            self._inner(name, info)

    def _fire(self) -> None:
        with self._lock:
            if self._sock is not None:
                self.fired = True
                with contextlib.suppress(OSError):  # already closed: nothing to stop
                    socket.socket.shutdown(self._sock, socket.SHUT_RDWR)  # not SSLSocket's

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            self._sock = None


class _Enough(Exception):
    """The body cap was reached: stop reading."""


def _finish(response: httpx.Response, probe: Probe, raw: bytes, truncated: bool, t0: float,
            started_at: dt.datetime, addresses: tuple[str | None, str | None], *,
            decoded: bool = False, cut: str = "") -> Exchange:
    body = raw if decoded else _decompress(raw, response.headers.get("content-encoding", ""),
                                           truncated)
    declared = response.headers.get("content-length", "")
    size = int(declared) if declared.isdigit() else len(raw)
    return Exchange.from_response(response, label=probe.label, elapsed=time.perf_counter() - t0,
                                  started_at=started_at, body=body, truncated=truncated,
                                  body_size=size, addresses=addresses, cut=cut)


_DECODER_PACKAGES = {"br": "brotli", "zstd": "zstandard"}


def undecoded(exchange: Exchange) -> str | None:
    """A note when the body is in a Content-Encoding this install cannot decode (kept raw)."""
    encodings = [e.strip().lower() for e in (exchange.header("content-encoding") or "").split(",")]
    missing = [e for e in encodings if e and e != "identity"
               and e not in httpx._decoders.SUPPORTED_DECODERS]  # no public decoder API
    if not missing:
        return None
    packages = [_DECODER_PACKAGES[e] for e in missing if e in _DECODER_PACKAGES]
    fix = f"; pip install {' '.join(packages)} to read it" if packages else ""
    return (f"The body is {', '.join(missing)}-encoded, which this install cannot decode, so it "
            f"is shown raw{fix}.")


def _decompress(raw: bytes, encoding: str, truncated: bool) -> bytes:
    """Decode content-encoding of what was read; a partial or unknown encoding stays raw."""
    if not encoding or encoding == "identity":
        return raw
    try:
        decoder = httpx._decoders.SUPPORTED_DECODERS[encoding]()  # no public decoder API
        return decoder.decode(raw) + (b"" if truncated else decoder.flush())
    except (KeyError, httpx.DecodingError):
        return raw
