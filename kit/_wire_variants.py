"""wire_variants(): the same request, changed only in how it goes on the wire.

Each variant changes one wire-level fact and says which: header names lower-case or
Title-Case, a browser's header order (Host, User-Agent, Accept, …, Accept-Language, Cookie),
HTTP/2 instead of HTTP/1.1 (needs ``h2``), a browser's TLS stack (needs ``curl_cffi``, the
``tls`` extra). A server that cares about one of them answers that variant differently.
Safe methods only; at most ``budget`` requests; nothing after Retry-After or an exhausted
limit. A variant that cannot be sent here (no h2, no curl_cffi, plain http) is listed as
skipped with the reason, not faked.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ._exchange import Exchange
from ._reqspec import RequestSpec
from ._wire import Wire, http2_available, tls_available, urlscheme
from .checks import rate_limit

BROWSER_ORDER = ("host", "connection", "content-length", "cache-control", "sec-ch-ua",
                 "sec-ch-ua-mobile", "sec-ch-ua-platform", "upgrade-insecure-requests",
                 "user-agent", "content-type", "accept", "origin", "sec-fetch-site",
                 "sec-fetch-mode", "sec-fetch-user", "sec-fetch-dest", "referer",
                 "accept-encoding", "accept-language", "cookie")
"""Chrome's order for the headers it sends; others go after Accept, in their own order."""


@dataclass(frozen=True, slots=True)
class WireVariant:
    """One variant: what it changed, and what came back (None: not sent, see ``skipped``)."""

    label: str
    changed: str
    exchange: Exchange | None = None
    skipped: str = ""

    @property
    def status(self) -> int | None:
        return self.exchange.status if self.exchange else None


def _title(name: str) -> str:
    return "-".join(part[:1].upper() + part[1:].lower() for part in name.split("-"))


def _browser_order(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    after_accept = BROWSER_ORDER.index("accept") + 0.5

    def rank(kv: tuple[str, str]) -> float:
        name = kv[0].lower()
        return BROWSER_ORDER.index(name) if name in BROWSER_ORDER else after_accept
    return tuple(sorted(headers, key=rank))


def plan(spec: RequestSpec) -> list[tuple[str, str, RequestSpec | None, str]]:
    """(label, what changed, the variant or None, why not) for each wire-level variant."""
    out: list[tuple[str, str, RequestSpec | None, str]] = []
    for style, spell in (("lower-case", str.lower), ("Title-Case", _title)):
        cased = tuple((k if k.lower() == "host" else spell(k), v) for k, v in spec.headers)
        same = cased == spec.headers
        out.append((f"header names {style}", f"every header name written {style}",
                    None if same else spec.with_(headers=cased),
                    f"the names are {style} already" if same else ""))
    ordered = _browser_order(spec.headers)
    out.append(("browser header order", "the order of the headers (Host, User-Agent, Accept, "
                "…, Accept-Language, Cookie)",
                spec.with_(headers=ordered) if ordered != spec.headers else None,
                "" if ordered != spec.headers else "already in a browser's order"))
    https = urlscheme(spec.url) == "https"
    other = "1.1" if spec.http_version == "2" else "2"
    why = ("HTTP/2 needs https here (no cleartext h2)" if not https else
           "pip install 'httpx[http2]' (h2) to send HTTP/2" if not http2_available() else "")
    out.append((f"HTTP/{other}", f"HTTP/{spec.http_version} → HTTP/{other}",
                None if why else spec.with_(http_version=other), why))
    why = ("plain http has no TLS" if not https else "pip install 'forbidden-kit[tls]' "
           "(curl_cffi) for a browser's TLS stack" if not tls_available() else "")
    out.append(("browser TLS stack", "the TLS client hello (Chrome's, through curl_cffi)",
                None if why else spec.with_(tls="browser"), why))
    return out


def wire_variants(url: str, *, method: str = "GET",
                  headers: Mapping[str, str] | Iterable[tuple[str, str]] | None = None,
                  budget: int = 6, timeout: float = 10.0,
                  verify: bool | str = True) -> list[WireVariant]:
    """The request as an httpx client sends it (first), then each wire-level variant, within
    ``budget`` requests; ``verify`` is True, False or a CA bundle path."""
    import httpx

    from ._reqspec import from_httpx

    pairs = list(headers.items()) if isinstance(headers, Mapping) else list(headers or [])
    try:
        with httpx.Client() as client:  # its default headers, in its order, as your code's
            spec = from_httpx(client.build_request(method, url, headers=pairs))
    except (httpx.InvalidURL, httpx.UnsupportedProtocol) as exc:
        raise ValueError(f"{url!r} is not an http(s) URL ({exc})") from None
    if not spec.safe:
        raise ValueError(f"method {method!r} is not safe to repeat; use GET, HEAD or OPTIONS")
    if isinstance(budget, bool) or not isinstance(budget, int) or not 1 <= budget <= 16:
        raise ValueError(f"budget must be an integer from 1 to 16, not {budget!r}")
    wire = Wire(timeout=timeout, verify=verify, tls_stack=spec.tls)
    results: list[WireVariant] = []
    hold = ""
    try:
        for label, changed, variant, why in [("as given", "nothing", spec, ""), *plan(spec)]:
            if variant is None or hold or len([r for r in results if r.exchange]) >= budget:
                reason = why or hold or f"not sent within the budget of {budget} requests"
                results.append(WireVariant(label, changed, skipped=reason))
                continue
            exchange = wire.send(variant, label=label, deadline=time.monotonic() + timeout)
            results.append(WireVariant(label, changed, exchange))
            hold = rate_limit.should_hold_back(exchange, now=dt.datetime.now(dt.UTC)) or ""
    finally:
        wire.close()
    return results
