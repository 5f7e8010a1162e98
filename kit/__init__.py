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
    from ._diagnosis import Diagnosis, Finding, Layer, LayerGuess, Signal
    from ._explain import explain
    from ._gateway.auditor import CrossCheck, audit, cross_check
    from ._gateway.load import load_config, parse_config
    from ._gateway.model import (
        AuditRequest,
        AuditResult,
        ConfigError,
        GatewayConfig,
        Limit,
        RuleRef,
        Step,
    )
    from ._gateway.samples import sample_config
    from ._history.logs import Log, Skipped, load_log
    from ._history.recorder import record, recording_hooks
    from ._history.samples import Incident, sample_log
    from ._history.spike_reports import Spike, SpikeReport, cause_mix, explain_spikes, spikes
    from ._history.store import History, Store, open_history
    from ._history.timeline import (
        Forecast,
        HeadroomPoint,
        error_rates,
        exhaustion_forecast,
        headroom_series,
        resets,
    )
    from ._history.windows import WindowRow, parse_window
    from ._hooks import (
        ForbiddenError,
        adiagnosis_hook,
        araise_for_refusal,
        diagnosis_hook,
        raise_for_refusal,
    )
    from ._http.challenge import Challenge, parse_www_authenticate
    from ._http.exchange import Exchange, Hop, NetworkError
    from ._http.probe import Probe, make_async_client, make_client
    from ._http.ratelimit import RateLimit, parse_rate_limits, parse_retry_after
    from ._http.secrets import mask, mask_headers, mask_url
    from ._http.tokens import Credential, JwtInfo, KeyIssue, inspect_jwt, lint_key
    from ._tools.access import (
        AccessMatrix,
        Cell,
        ScopeDiff,
        access_matrix,
        required_scopes,
        scope_diff,
    )
    from ._tools.clock import ClockSkew, clock_skew, jwt_claims
    from ._tools.compare import compare_user_agents
    from ._tools.forms import AUTH_KINDS, build_request, secret_from_env
    from ._tools.keycheck import KeyAge, Placement, key_age, key_locations
    from ._tools.monitor import RateLimitMonitor, Sample, pacing_advice
    from ._triage import adiagnose, diagnose

__version__ = "0.1.0"

# Public name -> the private module that defines it. Loading on first use keeps
# `import kit` cheap: httpx, PyJWT and the catalogue load when a function needs them.
_EXPORTS: dict[str, str] = {
    "CAUSES": "._causes",
    "Cause": "._causes",
    "CauseInfo": "._causes",
    "Challenge": "._http.challenge",
    "parse_www_authenticate": "._http.challenge",
    "Diagnosis": "._diagnosis",
    "Finding": "._diagnosis",
    "Layer": "._diagnosis",
    "LayerGuess": "._diagnosis",
    "Signal": "._diagnosis",
    "Exchange": "._http.exchange",
    "Hop": "._http.exchange",
    "NetworkError": "._http.exchange",
    "explain": "._explain",
    "ForbiddenError": "._hooks",
    "adiagnosis_hook": "._hooks",
    "araise_for_refusal": "._hooks",
    "diagnosis_hook": "._hooks",
    "raise_for_refusal": "._hooks",
    "Probe": "._http.probe",
    "make_async_client": "._http.probe",
    "make_client": "._http.probe",
    "RateLimit": "._http.ratelimit",
    "parse_rate_limits": "._http.ratelimit",
    "parse_retry_after": "._http.ratelimit",
    "mask": "._http.secrets",
    "mask_headers": "._http.secrets",
    "mask_url": "._http.secrets",
    "Credential": "._http.tokens",
    "JwtInfo": "._http.tokens",
    "KeyIssue": "._http.tokens",
    "inspect_jwt": "._http.tokens",
    "lint_key": "._http.tokens",
    "adiagnose": "._triage",
    "diagnose": "._triage",
    "AccessMatrix": "._tools.access",
    "Cell": "._tools.access",
    "ScopeDiff": "._tools.access",
    "access_matrix": "._tools.access",
    "required_scopes": "._tools.access",
    "scope_diff": "._tools.access",
    "ClockSkew": "._tools.clock",
    "clock_skew": "._tools.clock",
    "jwt_claims": "._tools.clock",
    "compare_user_agents": "._tools.compare",
    "AUTH_KINDS": "._tools.forms",
    "build_request": "._tools.forms",
    "secret_from_env": "._tools.forms",
    "KeyAge": "._tools.keycheck",
    "Placement": "._tools.keycheck",
    "key_age": "._tools.keycheck",
    "key_locations": "._tools.keycheck",
    "Log": "._history.logs",
    "Skipped": "._history.logs",
    "load_log": "._history.logs",
    "Incident": "._history.samples",
    "sample_log": "._history.samples",
    "RateLimitMonitor": "._tools.monitor",
    "Sample": "._tools.monitor",
    "pacing_advice": "._tools.monitor",
    "History": "._history.store",
    "Store": "._history.store",
    "open_history": "._history.store",
    "record": "._history.recorder",
    "recording_hooks": "._history.recorder",
    "Spike": "._history.spike_reports",
    "SpikeReport": "._history.spike_reports",
    "cause_mix": "._history.spike_reports",
    "explain_spikes": "._history.spike_reports",
    "spikes": "._history.spike_reports",
    "Forecast": "._history.timeline",
    "HeadroomPoint": "._history.timeline",
    "error_rates": "._history.timeline",
    "exhaustion_forecast": "._history.timeline",
    "headroom_series": "._history.timeline",
    "resets": "._history.timeline",
    "WindowRow": "._history.windows",
    "parse_window": "._history.windows",
    "CrossCheck": "._gateway.auditor",
    "audit": "._gateway.auditor",
    "cross_check": "._gateway.auditor",
    "load_config": "._gateway.load",
    "parse_config": "._gateway.load",
    "AuditRequest": "._gateway.model",
    "AuditResult": "._gateway.model",
    "ConfigError": "._gateway.model",
    "GatewayConfig": "._gateway.model",
    "Limit": "._gateway.model",
    "RuleRef": "._gateway.model",
    "Step": "._gateway.model",
    "sample_config": "._gateway.samples",
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
    from ._compare.bisect import compare
    from ._compare.comparison import Comparison
    from ._compare.curl import parse_curl
    from ._compare.differences import Difference
    from ._compare.spec import RequestSpec
    from ._compare.variants import WireVariant, wire_variants
    from ._tools.support import bundle, owner_lookups, request_ids
_EXPORTS.update({
    "compare": "._compare.bisect",
    "Comparison": "._compare.comparison",
    "Difference": "._compare.differences",
    "RequestSpec": "._compare.spec",
    "parse_curl": "._compare.curl",
    "bundle": "._tools.support",
    "owner_lookups": "._tools.support",
    "request_ids": "._tools.support",
    "WireVariant": "._compare.variants",
    "wire_variants": "._compare.variants",
})
__all__ += ["Comparison", "Difference", "RequestSpec", "WireVariant", "bundle", "compare",
            "owner_lookups", "parse_curl", "request_ids", "wire_variants"]
