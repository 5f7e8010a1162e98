"""The same request with different User-Agents: does a WAF or bot rule look at who is asking?"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Mapping
from typing import Final

import httpx

from .._http.politeness import should_hold_back
from .._http.probe import Probe, make_client, send

BROWSER: Final = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0 Safari/537.36")
CURL: Final = "curl/8.5.0"
HTTPX_DEFAULT: Final = f"python-httpx/{httpx.__version__}"


def default_agents(headers: Mapping[str, str] | None = None) -> dict[str, str]:
    """label -> User-Agent: ``default`` (the one in ``headers``, else httpx's own), a browser,
    curl, and an empty one."""
    sent = next((v for k, v in (headers or {}).items() if k.lower() == "user-agent"), None)
    return {"default": sent if sent is not None else HTTPX_DEFAULT, "browser": BROWSER,
            "curl": CURL, "empty": ""}


def compare_user_agents(url: str, *, headers: Mapping[str, str] | None = None,
                        agents: Mapping[str, str] | None = None, budget: int = 4,
                        client: httpx.Client | None = None, method: str = "GET",
                        timeout: float = 10.0) -> list[tuple[str, int | None]]:
    """(label, status) for the same request sent with each User-Agent, in order.

    ``agents`` defaults to ``default_agents(headers)``. At most ``budget`` requests are sent;
    agents beyond it, or after the server sends Retry-After or an exhausted rate limit, are
    left out. A status of None means no response arrived.
    """
    verb = method.strip().upper()
    if verb not in ("GET", "HEAD", "OPTIONS"):
        raise ValueError(f"method {method!r} is not safe to repeat; use GET, HEAD or OPTIONS")
    chosen = dict(agents) if agents is not None else default_agents(headers)
    base = tuple((k, v) for k, v in (headers or {}).items() if k.lower() != "user-agent")
    own = client is None
    http = client if client is not None else make_client(timeout=timeout)
    results: list[tuple[str, int | None]] = []
    try:
        for label, agent in list(chosen.items())[:max(budget, 0)]:
            probe = Probe(verb, url, (*base, ("User-Agent", agent)), label=f"UA {label}")
            exchange = send(probe, client=http, deadline=time.monotonic() + timeout)
            results.append((label, exchange.status))
            if should_hold_back(exchange, now=dt.datetime.now(dt.UTC)) is not None:
                break
    finally:
        if own:
            http.close()
    return results
