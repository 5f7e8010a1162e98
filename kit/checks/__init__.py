"""Per-cause checks: what one response shows, and what the differential probes show.

Each module covers one cause and exposes ``signals(exchange, now=...)`` (evidence from one
response, no network) and ``differential(evidence)`` (evidence from comparing the baseline
with the variants that ``kit._variants.plan`` chose, read by their labels). This package runs
them all, plus the general vocabulary, the catalogue of named products, and the prior a bare
status deserves.
"""

from __future__ import annotations

import datetime as dt
import re

from .._causes import Cause
from .._diagnosis import Layer, Signal, combine
from .._http.exchange import Exchange
from . import (
    _catalogue,
    api_key,
    authentication,
    configuration,
    ip_allowlist,
    permissions,
    rate_limit,
    security_policy,
)
from ._evidence import Evidence, refused
from ._keywords import find

MODULES = (permissions, api_key, ip_allowlist, rate_limit, authentication, security_policy,
           configuration)

# A bare refusal is worth little: these priors keep a status-only verdict thin.
_PRIORS: dict[int, dict[Cause, float]] = {
    403: {Cause.PERMISSIONS: 0.12, Cause.API_KEY: 0.1, Cause.IP_ALLOWLIST: 0.08,
          Cause.SECURITY_POLICY: 0.08, Cause.CONFIGURATION: 0.07, Cause.AUTHENTICATION: 0.06,
          Cause.RATE_LIMIT: 0.04},
    401: {Cause.AUTHENTICATION: 0.2, Cause.API_KEY: 0.2},
    429: {Cause.RATE_LIMIT: 0.3},
    407: {Cause.CONFIGURATION: 0.3},
    451: {Cause.IP_ALLOWLIST: 0.2, Cause.SECURITY_POLICY: 0.1},
}
_TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.IGNORECASE | re.DOTALL)


def visible_text(ex: Exchange) -> str:
    """The body as a reader sees it: HTML tags, scripts and styles removed."""
    if "html" in ex.content_type or ex.body.lstrip()[:1] == "<":
        return " ".join(_TAGS.sub(" ", ex.body).split())
    return ex.body


def single(ex: Exchange, *, now: dt.datetime | None = None) -> list[Signal]:
    """Every signal one exchange gives, without sending anything."""
    now = now or dt.datetime.now(dt.UTC)
    out: list[Signal] = []
    for cause, weight in _PRIORS.get(ex.status or 0, {}).items():
        out.append(Signal(cause, weight, f"the status is {ex.status}", check="status"))
    if refused(ex) or (ex.status or 0) >= 400:
        text = visible_text(ex)[:20000]
        for phrase, matched in find(text):
            out.append(Signal(phrase.cause, phrase.weight, f"the response says {matched!r} "
                              f"({phrase.meaning})", check="keywords",
                              key=phrase.meaning))
        out += _catalogue.match(ex)
        out += _layer_hints(ex)
    for module in MODULES:
        out += module.signals(ex, now=now)
    return out


def differential(ev: Evidence, *, baseline_signals: list[Signal] | None = None) -> list[Signal]:
    """Every signal from comparing the baseline with the variants.

    ``baseline_signals`` is ``single(ev.baseline)`` when the caller has it already.
    """
    out: list[Signal] = []
    for module in MODULES:
        if module is permissions:
            continue
        out += module.differential(ev)
    if baseline_signals is None:
        baseline_signals = single(ev.baseline, now=ev.now)
    others = [s for s in baseline_signals
              if s.cause not in (None, Cause.PERMISSIONS, Cause.API_KEY) and s.check != "status"]
    competing = max((combine(s.weight for s in others if s.cause is cause) for cause in Cause),
                    default=0.0)
    out += permissions.differential(ev, competing=competing)
    return out


def _layer_hints(ex: Exchange) -> list[Signal]:
    out: list[Signal] = []
    if ex.header("via"):
        out.append(Signal(None, 0.25, f"a Via header ({ex.header('via')}) shows a proxy on the "
                          "path", layer=Layer.PROXY, check="layer"))
    if ex.content_type == "text/html":
        out.append(Signal(None, 0.2, "an HTML error page on an API call usually comes from a "
                          "proxy, CDN or WAF in front of the API", layer=Layer.PROXY,
                          check="layer"))
    elif "json" in ex.content_type or "xml" in ex.content_type:
        out.append(Signal(None, 0.15, f"a structured ({ex.content_type}) error body usually "
                          "comes from the API or its gateway", layer=Layer.ORIGIN, check="layer"))
    return out


__all__ = ["MODULES", "Evidence", "differential", "refused", "single", "visible_text"]
