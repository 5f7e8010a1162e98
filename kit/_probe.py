"""Sending one request safely: timeouts, no silent redirects, a capped body, errors as evidence.

``Probe`` is the request to send, holding the real credentials; its repr masks them. ``send``
and ``asend`` turn a Probe into an ``Exchange`` and never raise for network failures: a refused
connection, a DNS failure, a TLS error or a timeout becomes ``Exchange.error``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import ssl
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import httpx

from ._exchange import BODY_CAP, Exchange, NetworkError, peer_addresses
from ._secrets import mask_headers, mask_url

USER_AGENT = (
    "forbidden-kit/0.1 (+https://pypi.org/project/forbidden-kit/) "
    f"forbidden-kit/0.1 (+https://pypi.org/project/forbidden-kit/) httpx/{httpx.__version__}"
)


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
        return NetworkError("tls", text, f"the TLS handshake with {host} failed: an expired, "
                            "self-signed or wrong-host certificate, or an intercepting proxy; "
                            "fix the certificate or pass a CA bundle, never disable checks")
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
    return client.build_request(probe.method, probe.url, headers=list(probe.headers),
                                content=probe.content, timeout=httpx.Timeout(timeout))


def send(probe: Probe, *, client: httpx.Client, deadline: float) -> Exchange:
    """Send one probe and keep what came back; ``deadline`` is a time.monotonic() instant."""
    started_at = dt.datetime.now(dt.UTC)
    t0 = time.perf_counter()
    remaining = max(0.05, deadline - time.monotonic())
    request = _request(client, probe, remaining)
    try:
        response = client.send(request, stream=True)
    except (httpx.TransportError, OSError, ValueError) as exc:
        return Exchange.from_error(request, classify(exc, probe.url), label=probe.label,
                                   elapsed=time.perf_counter() - t0, started_at=started_at)
    addresses = peer_addresses(response)
    if response.is_stream_consumed:  # a response event hook (kit.record, say) read it already
        return _finish(response, probe, response.content[: BODY_CAP + 1], False, t0, started_at,
                       addresses, decoded=True)
    body = bytearray()
    truncated = False
    try:
        for chunk in response.iter_raw():
            body.extend(chunk)
            if len(body) > BODY_CAP or time.monotonic() > deadline:
                truncated = True
                break
    except httpx.TransportError:
        truncated = True
    finally:
        response.close()
    return _finish(response, probe, bytes(body), truncated, t0, started_at, addresses)


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
        slow = NetworkError("timeout", f"no complete response within {remaining:.1f} s",
                            "the server answers too slowly (or drips its headers); check it, "
                            "or raise timeout=")
        return Exchange.from_error(request, slow, label=probe.label,
                                   elapsed=time.perf_counter() - t0, started_at=started_at)
    except (httpx.TransportError, OSError, ValueError) as exc:
        return Exchange.from_error(request, classify(exc, probe.url), label=probe.label,
                                   elapsed=time.perf_counter() - t0, started_at=started_at)
    addresses = peer_addresses(response)
    if response.is_stream_consumed:  # a response event hook (kit.record, say) read it already
        return _finish(response, probe, response.content[: BODY_CAP + 1], False, t0, started_at,
                       addresses, decoded=True)
    body = bytearray()
    truncated = False

    async def read() -> None:
        async for chunk in response.aiter_raw():
            body.extend(chunk)
            if len(body) > BODY_CAP:
                raise _Enough

    try:
        await asyncio.wait_for(read(), max(0.01, deadline - time.monotonic()))
    except (_Enough, TimeoutError, httpx.TransportError):
        truncated = True
    finally:
        await response.aclose()
    return _finish(response, probe, bytes(body), truncated, t0, started_at, addresses)


class _Enough(Exception):
    """The body cap was reached: stop reading."""


def _finish(response: httpx.Response, probe: Probe, raw: bytes, truncated: bool, t0: float,
            started_at: dt.datetime, addresses: tuple[str | None, str | None], *,
            decoded: bool = False) -> Exchange:
    body = raw if decoded else _decompress(raw, response.headers.get("content-encoding", ""),
                                           truncated)
    declared = response.headers.get("content-length", "")
    size = int(declared) if declared.isdigit() else len(raw)
    return Exchange.from_response(response, label=probe.label, elapsed=time.perf_counter() - t0,
                                  started_at=started_at, body=body, truncated=truncated,
                                  body_size=size, addresses=addresses)


def _decompress(raw: bytes, encoding: str, truncated: bool) -> bytes:
    """Decode content-encoding of what was read; a partial or unknown encoding stays raw."""
    if not encoding or encoding == "identity":
        return raw
    try:
        decoder = httpx._decoders.SUPPORTED_DECODERS[encoding]()  # no public decoder API
        return decoder.decode(raw) + (b"" if truncated else decoder.flush())
    except (KeyError, httpx.DecodingError):
        return raw
