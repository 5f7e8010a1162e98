"""Sending a RequestSpec as written: header order and name case kept, HTTP/1.1 or HTTP/2, and
optionally another TLS stack (curl_cffi's browser impersonation, the ``tls`` extra).

httpx adds its own default headers in ``build_request``; the clients made here have none, so
what goes on the wire is exactly the spec's headers (h11 always writes ``Host`` first, as
browsers and curl do). HTTP/2 needs the ``h2`` package (``httpx[http2]``); without it an
HTTP/2 variant cannot be sent and is reported so, not faked.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import ssl
import time
from typing import Any

import httpx

from ._exchange import Exchange, NetworkError
from ._logging import install as mask_http_logs
from ._probe import Probe, send
from ._reqspec import RequestSpec

IMPERSONATE = {"browser": "chrome", "curl": "chrome", "node": "chrome"}
"""Which curl_cffi impersonation stands for a working request's TLS stack."""


def http2_available() -> bool:
    return importlib.util.find_spec("h2") is not None


def tls_available() -> bool:
    return importlib.util.find_spec("curl_cffi") is not None


def _context(verify: bool | str) -> ssl.SSLContext | bool:
    if isinstance(verify, str):
        return ssl.create_default_context(cafile=verify)
    if verify:
        from ._probe import _tls

        return _tls()
    return False


class Wire:
    """httpx clients per (HTTP version, proxy), made on first use and closed together."""

    def __init__(self, *, timeout: float, verify: bool | str = True, tls_stack: str = "") -> None:
        self.timeout = timeout
        self.verify = verify
        self.tls_stack = tls_stack
        """The failing request's TLS stack: a spec with another one goes through curl_cffi."""
        self._clients: dict[tuple[bool, str], httpx.Client] = {}

    def client(self, *, http2: bool, proxy: str) -> httpx.Client:
        key = (http2, proxy)
        if key not in self._clients:
            mask_http_logs()
            transport = httpx.HTTPTransport(http2=http2, proxy=proxy or None,
                                            verify=_context(self.verify))
            made = httpx.Client(transport=transport, timeout=httpx.Timeout(self.timeout),
                                follow_redirects=False)
            made.headers.clear()  # no default headers: the spec's are the only ones sent
            self._clients[key] = made
        return self._clients[key]

    def send(self, spec: RequestSpec, *, label: str, deadline: float) -> Exchange:
        """One request exactly as the spec says; never raises for network failures."""
        if spec.tls and spec.tls != self.tls_stack and urlscheme(spec.url) == "https":
            return self._send_cffi(spec, label=label, deadline=deadline)
        headers = list(spec.headers)
        if spec.body is not None:
            headers.append(("Content-Length", str(len(spec.body))))
        probe = Probe(spec.method, spec.url, tuple(headers), spec.body, label=label)
        http2 = spec.http_version == "2" and urlscheme(spec.url) == "https"
        return send(probe, client=self.client(http2=http2, proxy=spec.proxy), deadline=deadline)

    def _send_cffi(self, spec: RequestSpec, *, label: str, deadline: float) -> Exchange:
        from curl_cffi import CurlHttpVersion
        from curl_cffi import requests as cffi

        from ._har import _build

        started = dt.datetime.now(dt.UTC)
        t0 = time.perf_counter()
        verify: Any = self.verify
        try:
            with cffi.Session(impersonate=IMPERSONATE.get(spec.tls, "chrome"),
                              default_headers=False) as session:
                r = session.request(spec.method, spec.url,
                                    headers=[f"{k}: {v}" for k, v in spec.headers],
                                    data=spec.body, allow_redirects=False, verify=verify,
                                    proxy=spec.proxy or None,
                                    http_version=CurlHttpVersion.V2TLS
                                    if spec.http_version == "2" else CurlHttpVersion.V1_1,
                                    timeout=max(0.05, deadline - time.monotonic()))
        except cffi.RequestsError as exc:
            request = httpx.Request(spec.method, spec.url, headers=list(spec.headers))
            return Exchange.from_error(request, NetworkError("other", str(exc)), label=label,
                                       elapsed=time.perf_counter() - t0, started_at=started)
        return _build(method=spec.method, url=spec.url, request_headers=list(spec.headers),
                      status=r.status_code,
                      response_headers=[(str(k), str(v)) for k, v in r.headers.multi_items()],
                      body=r.text, body_size=len(r.content),
                      http_version={2: "HTTP/2", 3: "HTTP/3"}.get(
                          int(getattr(r, "http_version", 0) or 0), "HTTP/1.1"),
                      elapsed=time.perf_counter() - t0, started_at=started, label=label)

    def close(self) -> None:
        for c in self._clients.values():
            c.close()
        self._clients.clear()


def urlscheme(url: str) -> str:
    return url.split(":", 1)[0].lower()
