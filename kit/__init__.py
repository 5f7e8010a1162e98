"""forbidden-kit: find out why a REST API answers 403 Forbidden.

    import kit
    d = kit.explain(response)          # one response, no network
    d = kit.diagnose(url, headers=...) # a few safe probes, then a ranked verdict
    d.findings[0].cause, d.findings[0].confidence, d.findings[0].evidence, d.findings[0].fixes

``kit.plots``, ``kit.widgets`` and ``kit.sandbox`` load on demand (matplotlib, ipywidgets,
uvicorn are never imported by ``import kit``).
"""

from __future__ import annotations

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
