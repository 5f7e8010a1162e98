"""Per-cause tools: the access matrix, where a key goes, the rate-limit monitor, the clock,
the network, the notebook forms, User-Agent comparison, the evidence bundle for support."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names load on first use; these imports are for type checkers
    from .access import AccessMatrix, Cell, ScopeDiff, access_matrix, required_scopes, scope_diff
    from .clock import ClockSkew, clock_skew, jwt_claims
    from .compare import compare_user_agents
    from .forms import AUTH_KINDS, build_request, secret_from_env
    from .keycheck import KeyAge, Placement, key_age, key_locations
    from .monitor import RateLimitMonitor, Sample, pacing_advice
    from .support import bundle, owner_lookups, request_ids

# Public name -> the module of this wing that defines it, loaded on first use (as kit's own).
_EXPORTS: dict[str, str] = {
    "AccessMatrix": ".access",
    "Cell": ".access",
    "ScopeDiff": ".access",
    "access_matrix": ".access",
    "required_scopes": ".access",
    "scope_diff": ".access",
    "ClockSkew": ".clock",
    "clock_skew": ".clock",
    "jwt_claims": ".clock",
    "compare_user_agents": ".compare",
    "AUTH_KINDS": ".forms",
    "build_request": ".forms",
    "secret_from_env": ".forms",
    "KeyAge": ".keycheck",
    "Placement": ".keycheck",
    "key_age": ".keycheck",
    "key_locations": ".keycheck",
    "RateLimitMonitor": ".monitor",
    "Sample": ".monitor",
    "pacing_advice": ".monitor",
    "bundle": ".support",
    "owner_lookups": ".support",
    "request_ids": ".support",
}

__all__ = [
    "AUTH_KINDS",
    "AccessMatrix",
    "Cell",
    "ClockSkew",
    "KeyAge",
    "Placement",
    "RateLimitMonitor",
    "Sample",
    "ScopeDiff",
    "access_matrix",
    "build_request",
    "bundle",
    "clock_skew",
    "compare_user_agents",
    "jwt_claims",
    "key_age",
    "key_locations",
    "owner_lookups",
    "pacing_advice",
    "request_ids",
    "required_scopes",
    "scope_diff",
    "secret_from_env",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
