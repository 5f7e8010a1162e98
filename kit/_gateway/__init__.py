"""kit.audit: which rule of a gateway's own configuration decides a request, offline.

The front door (``auditor``), loading and detection (``load``), the request and result values
(``model``), their rendering and masking (``render``, ``scrub``), the contract every gateway
meets (``contract``) and the registry of gateways (``registry``); one subpackage per gateway.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names load on first use; these imports are for type checkers
    from .auditor import CrossCheck, audit, cross_check
    from .load import load_config, parse_config
    from .model import AuditRequest, AuditResult, ConfigError, GatewayConfig, Limit, RuleRef, Step
    from .samples import sample_config

# Public name -> the module of this wing that defines it, loaded on first use (as kit's own).
_EXPORTS: dict[str, str] = {
    "CrossCheck": ".auditor",
    "audit": ".auditor",
    "cross_check": ".auditor",
    "load_config": ".load",
    "parse_config": ".load",
    "AuditRequest": ".model",
    "AuditResult": ".model",
    "ConfigError": ".model",
    "GatewayConfig": ".model",
    "Limit": ".model",
    "RuleRef": ".model",
    "Step": ".model",
    "sample_config": ".samples",
}

__all__ = [
    "AuditRequest",
    "AuditResult",
    "ConfigError",
    "CrossCheck",
    "GatewayConfig",
    "Limit",
    "RuleRef",
    "Step",
    "audit",
    "cross_check",
    "load_config",
    "parse_config",
    "sample_config",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
