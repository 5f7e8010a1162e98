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
    from ._access import AccessMatrix, Cell, ScopeDiff, access_matrix, required_scopes, scope_diff
    from ._causes import CAUSES, Cause, CauseInfo
    from ._challenge import Challenge, parse_www_authenticate
    from ._clock import ClockSkew, clock_skew, jwt_claims
    from ._compare import compare_user_agents
    from ._diagnosis import Diagnosis, Finding, Layer, LayerGuess, Signal
    from ._exchange import Exchange, Hop, NetworkError
    from ._explain import explain
    from ._forms import AUTH_KINDS, build_request, secret_from_env
    from ._gateway._audit import CrossCheck, audit, cross_check
    from ._gateway._load import load_config, parse_config
    from ._gateway._model import (
        AuditRequest,
        AuditResult,
        ConfigError,
        GatewayConfig,
        Limit,
        RuleRef,
        Step,
    )
    from ._gateway._samples import sample_config
    from ._history import History, Store, open_history
    from ._hooks import (
        ForbiddenError,
        adiagnosis_hook,
        araise_for_refusal,
        diagnosis_hook,
        raise_for_refusal,
    )
    from ._incidents import incidents
    from ._keycheck import KeyAge, Placement, key_age, key_locations
    from ._logs import Log, Skipped, load_log
    from ._monitor import RateLimitMonitor, Sample, pacing_advice
    from ._probe import Probe, make_async_client, make_client
    from ._ratelimit import RateLimit, parse_rate_limits, parse_retry_after
    from ._record import record, recording_hooks
    from ._samples import Incident, sample_log
    from ._secrets import mask, mask_headers, mask_url
    from ._spikes import Spike, SpikeReport, cause_mix, explain_spikes, spikes
    from ._timeline import (
        Forecast,
        HeadroomPoint,
        error_rates,
        exhaustion_forecast,
        headroom_series,
        resets,
    )
    from ._tokens import Credential, JwtInfo, KeyIssue, inspect_jwt, lint_key
    from ._triage import adiagnose, diagnose
    from ._windows import WindowRow, parse_window

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
    "AccessMatrix": "._access",
    "Cell": "._access",
    "ScopeDiff": "._access",
    "access_matrix": "._access",
    "required_scopes": "._access",
    "scope_diff": "._access",
    "ClockSkew": "._clock",
    "clock_skew": "._clock",
    "jwt_claims": "._clock",
    "compare_user_agents": "._compare",
    "AUTH_KINDS": "._forms",
    "build_request": "._forms",
    "secret_from_env": "._forms",
    "KeyAge": "._keycheck",
    "Placement": "._keycheck",
    "key_age": "._keycheck",
    "key_locations": "._keycheck",
    "Log": "._logs",
    "Skipped": "._logs",
    "load_log": "._logs",
    "Incident": "._samples",
    "sample_log": "._samples",
    "RateLimitMonitor": "._monitor",
    "Sample": "._monitor",
    "pacing_advice": "._monitor",
    "History": "._history",
    "Store": "._history",
    "open_history": "._history",
    "record": "._record",
    "recording_hooks": "._record",
    "Spike": "._spikes",
    "SpikeReport": "._spikes",
    "cause_mix": "._spikes",
    "explain_spikes": "._spikes",
    "incidents": "._incidents",
    "spikes": "._spikes",
    "Forecast": "._timeline",
    "HeadroomPoint": "._timeline",
    "error_rates": "._timeline",
    "exhaustion_forecast": "._timeline",
    "headroom_series": "._timeline",
    "resets": "._timeline",
    "WindowRow": "._windows",
    "parse_window": "._windows",
    "CrossCheck": "._gateway._audit",
    "audit": "._gateway._audit",
    "cross_check": "._gateway._audit",
    "load_config": "._gateway._load",
    "parse_config": "._gateway._load",
    "AuditRequest": "._gateway._model",
    "AuditResult": "._gateway._model",
    "ConfigError": "._gateway._model",
    "GatewayConfig": "._gateway._model",
    "Limit": "._gateway._model",
    "RuleRef": "._gateway._model",
    "Step": "._gateway._model",
    "sample_config": "._gateway._samples",
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
    "AUTH_KINDS",
    "CAUSES",
    "AccessMatrix",
    "AuditRequest",
    "AuditResult",
    "Cause",
    "CauseInfo",
    "Cell",
    "Challenge",
    "ClockSkew",
    "ConfigError",
    "Credential",
    "CrossCheck",
    "Diagnosis",
    "Exchange",
    "Finding",
    "ForbiddenError",
    "Forecast",
    "GatewayConfig",
    "HeadroomPoint",
    "History",
    "Hop",
    "Incident",
    "JwtInfo",
    "KeyAge",
    "KeyIssue",
    "Layer",
    "LayerGuess",
    "Limit",
    "Log",
    "NetworkError",
    "Placement",
    "Probe",
    "RateLimit",
    "RateLimitMonitor",
    "RuleRef",
    "Sample",
    "ScopeDiff",
    "Signal",
    "Skipped",
    "Spike",
    "SpikeReport",
    "Step",
    "Store",
    "WindowRow",
    "__version__",
    "access_matrix",
    "adiagnose",
    "adiagnosis_hook",
    "araise_for_refusal",
    "audit",
    "build_request",
    "cause_mix",
    "clock_skew",
    "compare_user_agents",
    "cross_check",
    "diagnose",
    "diagnosis_hook",
    "error_rates",
    "exhaustion_forecast",
    "explain",
    "explain_spikes",
    "headroom_series",
    "incidents",
    "inspect_jwt",
    "jwt_claims",
    "key_age",
    "key_locations",
    "lint_key",
    "load_config",
    "load_log",
    "make_async_client",
    "make_client",
    "mask",
    "mask_headers",
    "mask_url",
    "open_history",
    "pacing_advice",
    "parse_config",
    "parse_rate_limits",
    "parse_retry_after",
    "parse_window",
    "parse_www_authenticate",
    "raise_for_refusal",
    "record",
    "recording_hooks",
    "required_scopes",
    "resets",
    "sample_config",
    "sample_log",
    "scope_diff",
    "secret_from_env",
    "spikes",
]

# Issue 14: works there, not here: compare two requests, bisect, and the evidence bundle.
if TYPE_CHECKING:
    from ._bisect import compare
    from ._bundle import bundle, owner_lookups, request_ids
    from ._comparison import Comparison
    from ._curl import parse_curl
    from ._reqspec import RequestSpec
    from ._requests_diff import Difference
    from ._wire_variants import WireVariant, wire_variants
_EXPORTS.update({
    "compare": "._bisect",
    "Comparison": "._comparison",
    "Difference": "._requests_diff",
    "RequestSpec": "._reqspec",
    "parse_curl": "._curl",
    "bundle": "._bundle",
    "owner_lookups": "._bundle",
    "request_ids": "._bundle",
    "WireVariant": "._wire_variants",
    "wire_variants": "._wire_variants",
})
__all__ += ["Comparison", "Difference", "RequestSpec", "WireVariant", "bundle", "compare",
            "owner_lookups", "parse_curl", "request_ids", "wire_variants"]
