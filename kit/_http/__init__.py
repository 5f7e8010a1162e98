"""The floor: one request sent safely, its secrets masked, its headers read.

Exchange (the one evidence record), probe (send one request), secrets and tokens,
rate-limit headers, WWW-Authenticate challenges, the log filter that keeps secrets
out of httpx's own log records."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names load on first use; these imports are for type checkers
    from .challenge import Challenge, parse_www_authenticate
    from .exchange import Exchange, Hop, NetworkError
    from .probe import Probe, make_async_client, make_client
    from .ratelimit import RateLimit, parse_rate_limits, parse_retry_after
    from .secrets import mask, mask_headers, mask_url
    from .tokens import Credential, JwtInfo, KeyIssue, inspect_jwt, lint_key

# Public name -> the module of this wing that defines it, loaded on first use (as kit's own).
_EXPORTS: dict[str, str] = {
    "Challenge": ".challenge",
    "parse_www_authenticate": ".challenge",
    "Exchange": ".exchange",
    "Hop": ".exchange",
    "NetworkError": ".exchange",
    "Probe": ".probe",
    "make_async_client": ".probe",
    "make_client": ".probe",
    "RateLimit": ".ratelimit",
    "parse_rate_limits": ".ratelimit",
    "parse_retry_after": ".ratelimit",
    "mask": ".secrets",
    "mask_headers": ".secrets",
    "mask_url": ".secrets",
    "Credential": ".tokens",
    "JwtInfo": ".tokens",
    "KeyIssue": ".tokens",
    "inspect_jwt": ".tokens",
    "lint_key": ".tokens",
}

__all__ = [
    "Challenge",
    "Credential",
    "Exchange",
    "Hop",
    "JwtInfo",
    "KeyIssue",
    "NetworkError",
    "Probe",
    "RateLimit",
    "inspect_jwt",
    "lint_key",
    "make_async_client",
    "make_client",
    "mask",
    "mask_headers",
    "mask_url",
    "parse_rate_limits",
    "parse_retry_after",
    "parse_www_authenticate",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
