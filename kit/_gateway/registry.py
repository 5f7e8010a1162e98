"""Every gateway the audit knows: its name -> the subpackage that meets ``contract.Gateway``.

Subpackages load on first use, so the CLI and the panel read the names without loading any
evaluator. Adding a gateway adds one line here (docs/architecture.md).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, cast

if TYPE_CHECKING:
    from .contract import Gateway

GATEWAYS: dict[str, str] = {
    "apache": ".apache",  # sniffed first, as before the registry: httpd text has no { } blocks
    "nginx": ".nginx",
    "tyk": ".tyk",
    "kong": ".kong",
    "aws": ".aws",
}


def gateway(kind: str) -> Gateway:
    """The subpackage for ``kind``; ValueError naming the known ones otherwise."""
    if kind not in GATEWAYS:
        raise ValueError(f"kind {kind!r} is not one of {', '.join(GATEWAYS)}")
    module = importlib.import_module(GATEWAYS[kind], __package__)
    if kind != module.KIND:
        raise RuntimeError(f"{module.__name__} says its KIND is {module.KIND!r}, not {kind!r}")
    return cast("Gateway", module)
