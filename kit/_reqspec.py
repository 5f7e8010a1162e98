"""RequestSpec: one request as it goes on the wire, read from wherever people have it.

A working request comes as a curl command, a HAR entry, a Postman v2.1 item or an Insomnia
export; a failing one as an ``httpx.Request``, a curl command, a HAR entry or a
``kit.Exchange``. All become a RequestSpec: the method, the URL, the headers in the order and
the letter case they are sent (``Host`` included), the body, the HTTP version and which TLS
stack sends it. A RequestSpec holds real secrets (it is what gets replayed); its repr masks them.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

import httpx

from ._secrets import mask_headers, mask_url

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


def coerce(value: Any, *, role: str) -> RequestSpec:
    """Any supported form of a request -> RequestSpec (ValueError naming what it expected)."""
    from ._curl import parse_curl
    from ._exchange import Exchange
    from ._postman import from_insomnia, from_postman

    if isinstance(value, RequestSpec):
        return value
    if isinstance(value, httpx.Request):
        return from_httpx(value)
    if isinstance(value, Exchange):
        return from_exchange(value)
    if isinstance(value, str) and value.lstrip().startswith("{"):
        value = json.loads(value)
    if isinstance(value, str):
        return parse_curl(value)
    if isinstance(value, Mapping):
        if "log" in value:
            from ._har import har_entries

            return from_har_entry(har_entries(value)[-1])
        if "request" in value and isinstance(value["request"], Mapping) and \
                "response" in value:
            return from_har_entry(value)
        if "_type" in value or "resources" in value:
            return from_insomnia(value)
        if "request" in value or "item" in value:
            return from_postman(value)
    raise ValueError(f"the {role} request must be a curl command, a HAR entry or file, a Postman "
                     f"v2.1 item, an Insomnia export, an httpx.Request or a kit.Exchange, not "
                     f"{type(value).__name__}")


def from_httpx(request: httpx.Request) -> RequestSpec:
    """An httpx.Request as is (build it with ``client.build_request`` to include your
    client's default headers)."""
    try:
        body: bytes | None = request.content
    except httpx.RequestNotRead:
        body = None
    pairs = [(k.decode("latin-1"), v.decode("latin-1")) for k, v in request.headers.raw]
    scheme = request.url.scheme
    return RequestSpec.build(request.method, str(request.url), pairs, body,
                             http_version="1.1", tls="python" if scheme == "https" else "",
                             source="httpx")


def from_exchange(exchange: Any) -> RequestSpec:
    """A kit.Exchange (its secrets are masked: a masked value is replayed only where the
    other request holds the same secret, see kit.compare)."""
    version = "2" if exchange.http_version.upper().startswith("HTTP/2") else "1.1"
    scheme = urlsplit(exchange.url).scheme
    return RequestSpec.build(exchange.method, exchange.url, list(exchange.request_headers),
                             None, http_version=version,
                             tls="python" if scheme == "https" else "", source="exchange")


def from_har_entry(entry: Mapping[str, Any]) -> RequestSpec:
    """A HAR entry's request: headers in their order, cookies, postData, HTTP version."""
    try:
        request = entry["request"]
        headers = [(str(h["name"]), str(h.get("value", ""))) for h in request.get("headers", ())]
        cookies = [f"{c['name']}={c.get('value', '')}" for c in request.get("cookies", ())]
        if cookies and not any(k.lower() == "cookie" for k, _ in headers):
            headers.append(("Cookie", "; ".join(cookies)))
        post = request.get("postData") or {}
        text = post.get("text")
        body = None
        if isinstance(text, str) and text:
            body = (base64.b64decode(text) if post.get("encoding") == "base64"
                    else text.encode())
        elif post.get("params"):
            from urllib.parse import urlencode

            body = urlencode([(p["name"], p.get("value", "")) for p in post["params"]]).encode()
        version = str(request.get("httpVersion") or "")
        url = str(request["url"])
        h2 = version.lower() in ("http/2", "http/2.0", "h2", "h3", "http/3")
        authority = next((v for k, v in headers if k == ":authority"), None)
        if authority and not any(k.lower() == "host" for k, _ in headers):
            headers.insert(0, ("Host", authority))
        return RequestSpec.build(str(request["method"]), url, headers, body,
                                 http_version="2" if h2 else "1.1",
                                 tls="browser" if url.startswith("https") else "",
                                 source="har")
    except (KeyError, TypeError, AttributeError) as exc:
        raise ValueError(f"malformed HAR entry ({type(exc).__name__}: {exc})") from None
