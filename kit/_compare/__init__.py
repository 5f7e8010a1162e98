"""Request comparison: a working and a failing request read from wherever people
have them (curl, Postman, HAR, httpx), their differences, which of them
matter (bisect), and the same request varied only on the wire."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names load on first use; these imports are for type checkers
    from .bisect import compare
    from .comparison import Comparison
    from .curl import parse_curl
    from .differences import Difference
    from .request import RequestSpec
    from .variants import WireVariant, wire_variants

# Public name -> the module of this wing that defines it, loaded on first use (as kit's own).
_EXPORTS: dict[str, str] = {
    "compare": ".bisect",
    "Comparison": ".comparison",
    "Difference": ".differences",
    "RequestSpec": ".request",
    "parse_curl": ".curl",
    "WireVariant": ".variants",
    "wire_variants": ".variants",
}

__all__ = [
    "Comparison",
    "Difference",
    "RequestSpec",
    "WireVariant",
    "compare",
    "parse_curl",
    "wire_variants",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
