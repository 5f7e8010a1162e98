"""RequestSpec, the value: one request as it goes on the wire (method, URL, headers in wire
order and case, body, HTTP version, TLS stack). Plain data: the readers (``spec``, ``curl``,
``postman``) build it and import it from here, so none of them imports another back.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import httpx

from .._http.secrets import mask_headers, mask_url

Pairs = tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RequestSpec:
    """A request to compare or replay; ``headers`` keep wire order and case, Host included."""

    method: str
    url: str
    headers: Pairs = ()
    body: bytes | None = None
    http_version: str = "1.1"
    """'1.1' or '2' (what the client negotiates)."""
    tls: str = ""
    """Which TLS stack sends it (curl, browser, python, node); '' for plain http."""
    proxy: str = ""
    source: str = ""
    skipped: tuple[str, ...] = ()
    """What the reader could not reproduce (a -F form, a cookie file), one line each."""

    @classmethod
    def build(cls, method: str, url: str, headers: Sequence[tuple[str, str]],
              body: bytes | None = None, **fields: Any) -> RequestSpec:
        """Normalised: upper-case method, Host first (added when absent), no Content-Length (it is
        computed when sending), no HTTP/2 pseudo-headers."""
        try:
            parsed = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise ValueError(f"{mask_url(url)!r} is not a valid URL ({exc})") from None
        if parsed.scheme not in ("http", "https") or not parsed.host:
            raise ValueError(f"{mask_url(url)!r} is not an http(s) URL with a host")
        pairs = [(k, v) for k, v in headers
                 if not k.startswith(":") and k.lower() not in ("content-length",
                                                                 "transfer-encoding")]
        host = [(k, v) for k, v in pairs if k.lower() == "host"][:1] or [
            ("Host", parsed.netloc.decode("ascii"))]
        pairs = host + [(k, v) for k, v in pairs if k.lower() != "host"]  # first, as h11 sends it
        return cls(method.strip().upper(), str(parsed), tuple(pairs), body or None, **fields)

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)

    @property
    def safe(self) -> bool:
        """GET, HEAD and OPTIONS: safe to send again without changing anything."""
        return self.method in ("GET", "HEAD", "OPTIONS")

    def with_(self, **changes: Any) -> RequestSpec:
        return replace(self, **changes)

    def __repr__(self) -> str:
        headers = dict(mask_headers(self.headers))
        return f"RequestSpec({self.method} {mask_url(self.url)}, headers={headers})"
