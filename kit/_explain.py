"""explain(): one response in, a ranked Diagnosis out, with no network."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import httpx

from . import checks
from ._diagnosis import Diagnosis
from ._history.recent import HistoryLike
from ._history.recent import signals as recent_signals
from ._history.recent import window as recent_window
from ._http.exchange import Exchange
from ._scoring.separate import separate
from ._verdict import rank

_SETTLE = {
    "permissions": "Send the same request without credentials: a 401 there and a 403 with "
                   "yours means the key is known but lacks rights.",
    "api_key": "Send the request with a same-shaped fake key: the same answer as yours means "
               "the server does not accept your key.",
    "ip_allowlist": "Request another path (the API's root) and try from another network or "
                    "address family: an allowlist refuses everything from one address.",
    "rate_limit": "Repeat the request once after a pause: success means a rate limit.",
    "authentication": "Inspect the token's exp/nbf/aud claims and compare the server's Date "
                      "header with your clock.",
    "security_policy": "Repeat the request with a browser-like User-Agent and without unusual "
                       "payloads: success means a WAF or bot rule.",
    "configuration": "Toggle the trailing slash and send OPTIONS to see the allowed methods.",
}


def explain(response: httpx.Response | Exchange, *, now: dt.datetime | None = None,
            history: HistoryLike | None = None) -> Diagnosis:
    """Diagnose one response (an ``httpx.Response`` or an ``Exchange``) without sending anything.

    A verdict that rests on the status code alone stays thin (low confidence) and the
    Diagnosis names the probe that would settle it. ``history=`` (what ``kit.record(client)``
    collected) adds what the client's recent traffic shows: the same request answering 200
    shortly before, a burst of requests, refusals that began at one moment.
    """
    if isinstance(response, httpx.Response):
        exchange = Exchange.from_response(response)
    elif isinstance(response, Exchange):
        exchange = response
    else:
        raise TypeError(f"explain() takes an httpx.Response or a kit.Exchange, not "
                        f"{type(response).__name__}")
    now = now or dt.datetime.now(dt.UTC)
    signals = checks.single(exchange, now=now)
    if history is not None and checks.refused(exchange):
        signals += recent_signals(exchange, recent_window(history, exchange, now=now), now=now)
    diagnosis = rank(signals, [exchange], notes=_notes(exchange))
    top = diagnosis.top
    if top is not None and top.thin:
        steps = [_SETTLE[f.cause.value] for f in diagnosis.findings[:3]]
        steps.append("Or run kit.diagnose(url, ...) to send these probes within a small budget.")
        diagnosis = replace(diagnosis,
                            next_steps=list(dict.fromkeys(_separating(diagnosis) + steps)))
    return diagnosis


def _separating(diagnosis: Diagnosis) -> list[str]:
    """The action that separates two close causes, when rank() named one."""
    if len(diagnosis.findings) < 2:
        return []
    a, b = diagnosis.findings[0].cause, diagnosis.findings[1].cause
    step = separate(a, b)
    return [step] if step in diagnosis.next_steps else []


def _notes(ex: Exchange) -> list[str]:
    notes = []
    if ex.error is not None:
        notes.append(f"No response: {ex.error.kind} ({ex.error.message}). {ex.error.hint}")
    elif ex.status is not None and ex.status < 400:
        notes.append(f"The server answered {ex.status}: nothing was refused.")
    if ex.body_truncated:
        notes.append(f"The body was cut at {len(ex.body)} characters of {ex.body_size} bytes.")
    return notes
