"""forbidden-kit: find out why a REST API answers 403 Forbidden.

    import kit
    d = kit.explain(response)          # one response, no network
    d = kit.diagnose(url, headers=...) # a few safe probes, then a ranked verdict
    d.findings[0].cause, d.findings[0].confidence, d.findings[0].evidence, d.findings[0].fixes

``kit.plots``, ``kit.widgets`` and ``kit.sandbox`` load on demand (matplotlib, ipywidgets,
uvicorn are never imported by ``import kit``).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names below load on first use; these imports are for type checkers
    from ._causes import CAUSES, Cause, CauseInfo
    from ._challenge import Challenge, parse_www_authenticate
    from ._diagnosis import Diagnosis, Finding, Layer, LayerGuess, Signal
    from ._exchange import Exchange, Hop, NetworkError
    from ._explain import explain
    from ._hooks import (
        ForbiddenError,
        adiagnosis_hook,
        araise_for_refusal,
        diagnosis_hook,
        raise_for_refusal,
    )
    from ._probe import Probe, make_async_client, make_client
    from ._ratelimit import RateLimit, parse_rate_limits, parse_retry_after
    from ._secrets import mask, mask_headers, mask_url
    from ._tokens import Credential, JwtInfo, KeyIssue, inspect_jwt, lint_key
    from ._triage import adiagnose, diagnose

__version__ = "0.1.0"

# Public name -> the private module that defines it. Loading on first use keeps
# `import kit` cheap: httpx, PyJWT and the catalogue load when a function needs them.
_EXPORTS: dict[str, str] = {
    "CAUSES": "._causes",
    "Cause": "._causes",
    "CauseInfo": "._causes",
    "Challenge": "._challenge",
    "parse_www_authenticate": "._challenge",
    "Diagnosis": "._diagnosis",
    "Finding": "._diagnosis",
    "Layer": "._diagnosis",
    "LayerGuess": "._diagnosis",
    "Signal": "._diagnosis",
    "Exchange": "._exchange",
    "Hop": "._exchange",
    "NetworkError": "._exchange",
    "explain": "._explain",
    "ForbiddenError": "._hooks",
    "adiagnosis_hook": "._hooks",
    "araise_for_refusal": "._hooks",
    "diagnosis_hook": "._hooks",
    "raise_for_refusal": "._hooks",
    "Probe": "._probe",
    "make_async_client": "._probe",
    "make_client": "._probe",
    "RateLimit": "._ratelimit",
    "parse_rate_limits": "._ratelimit",
    "parse_retry_after": "._ratelimit",
    "mask": "._secrets",
    "mask_headers": "._secrets",
    "mask_url": "._secrets",
    "Credential": "._tokens",
    "JwtInfo": "._tokens",
    "KeyIssue": "._tokens",
    "inspect_jwt": "._tokens",
    "lint_key": "._tokens",
    "adiagnose": "._triage",
    "diagnose": "._triage",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'kit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(__all__) | {"checks", "plots", "sandbox", "widgets"})

__all__ = [
    "CAUSES",
    "Cause",
    "CauseInfo",
    "Challenge",
    "Credential",
    "Diagnosis",
    "Exchange",
    "Finding",
    "ForbiddenError",
    "Hop",
    "JwtInfo",
    "KeyIssue",
    "Layer",
    "LayerGuess",
    "NetworkError",
    "Probe",
    "RateLimit",
    "Signal",
    "__version__",
    "adiagnose",
    "adiagnosis_hook",
    "araise_for_refusal",
    "diagnose",
    "diagnosis_hook",
    "explain",
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
    "raise_for_refusal",
]
