"""History: logs and their formats, counting per window, HAR, the store, the recorder,
windows, the timeline, spikes and their charts."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the names load on first use; these imports are for type checkers
    from .incident_merge import incidents
    from .lines import Skipped
    from .logs import Log, load_log
    from .recorder import record, recording_hooks
    from .samples import Incident, sample_log
    from .spike_reports import Spike, SpikeReport, cause_mix, explain_spikes, spikes
    from .store import History, Store, open_history
    from .timeline import (
        Forecast,
        HeadroomPoint,
        error_rates,
        exhaustion_forecast,
        headroom_series,
        resets,
    )
    from .windows import WindowRow, parse_window

# Public name -> the module of this wing that defines it, loaded on first use (as kit's own).
_EXPORTS: dict[str, str] = {
    "Log": ".logs",
    "Skipped": ".lines",
    "load_log": ".logs",
    "Incident": ".samples",
    "sample_log": ".samples",
    "History": ".store",
    "Store": ".store",
    "open_history": ".store",
    "record": ".recorder",
    "recording_hooks": ".recorder",
    "Spike": ".spike_reports",
    "SpikeReport": ".spike_reports",
    "cause_mix": ".spike_reports",
    "explain_spikes": ".spike_reports",
    "incidents": ".incident_merge",
    "spikes": ".spike_reports",
    "Forecast": ".timeline",
    "HeadroomPoint": ".timeline",
    "error_rates": ".timeline",
    "exhaustion_forecast": ".timeline",
    "headroom_series": ".timeline",
    "resets": ".timeline",
    "WindowRow": ".windows",
    "parse_window": ".windows",
}

__all__ = [
    "Forecast",
    "HeadroomPoint",
    "History",
    "Incident",
    "Log",
    "Skipped",
    "Spike",
    "SpikeReport",
    "Store",
    "WindowRow",
    "cause_mix",
    "error_rates",
    "exhaustion_forecast",
    "explain_spikes",
    "headroom_series",
    "incidents",
    "load_log",
    "open_history",
    "parse_window",
    "record",
    "recording_hooks",
    "resets",
    "sample_log",
    "spikes",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
