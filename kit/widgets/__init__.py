"""Notebook panels (ipywidgets), one small class per question; imported on demand only.

    import kit, kit.widgets
    api = kit.sandbox.start()
    panel = kit.widgets.TriagePanel(api)
    panel            # displays the form
    panel.run()      # what the button does: returns a kit.Diagnosis

Every panel composes widgets into ``panel.root`` (a VBox), renders its output into
``HTML.value`` / ``Image.value`` (so a headless run shows it), catches errors at this UI
boundary as a short red message, and keeps secrets out of widget state: a Password box's value
moves into the panel's memory and the box is cleared.
"""

from __future__ import annotations

from ._access import AccessMatrixPanel, AccessReport
from ._allowlist import AllowlistPanel, AllowlistReport
from ._audit import AuditPanel
from ._base import Feedback, SecretField
from ._gateway import GatewayPanel
from ._jwt import JwtPanel, JwtReport
from ._keys import KeyPanel, KeyReport
from ._ratelimit import RateLimitPanel, RateLimitReport
from ._request import RequestForm, ScenarioPicker
from ._security import SecurityPanel, SecurityReport
from ._triage import TriagePanel

__all__ = [
    "AccessMatrixPanel",
    "AccessReport",
    "AllowlistPanel",
    "AllowlistReport",
    "AuditPanel",
    "Feedback",
    "GatewayPanel",
    "JwtPanel",
    "JwtReport",
    "KeyPanel",
    "KeyReport",
    "RateLimitPanel",
    "RateLimitReport",
    "RequestForm",
    "ScenarioPicker",
    "SecretField",
    "SecurityPanel",
    "SecurityReport",
    "TriagePanel",
]

# Issue 4: history and logs over time.
from ._history import HistoryMonitorPanel, HistoryReport
from ._timeline import TimelinePanel, TimelineReport

__all__ += ["HistoryMonitorPanel", "HistoryReport", "TimelinePanel", "TimelineReport"]

# Issue 14: works in curl / Postman / the browser, 403 in my code.
from ._works import ComparePanel  # noqa: E402 - one block per issue keeps merges apart

__all__ += ["ComparePanel"]
