"""The probes' outcomes and the request's facts, as named context for the fitted model.

The checks read the variants with rules written by hand (``checks.differential``). Beside
them, every variant's outcome relative to the baseline becomes a plain fact the rig of real
servers can weigh: ``probe:<variant>:<outcome>``, where the outcome is ``same`` (the same
answer), ``through`` (2xx), ``redirect`` (3xx), ``missing`` (404 or 410), ``status-<n>``
(another refusal or error) or ``other-page`` (the same status with a different page). What the
request carried is ``req:credential:<kind>`` (or ``req:credential:none``); how the server asks
for one is ``resp:challenge:<scheme>``. Facts with no weight fitted on the rig count for nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from .._http.challenge import parse_www_authenticate
from .._http.exchange import Exchange
from ..checks._evidence import same_answer, status_of


def outcome(base: Exchange, variant: Exchange) -> str:
    """How a variant's answer differs from the baseline's, in one word."""
    status = variant.status
    if status is None:
        return "no-answer"
    if same_answer(variant, base):
        return "same"
    if status < 300:
        return "through"
    if status < 400:
        return "redirect"  # often to the refused resource itself (a directory's slash)
    if status in (404, 410):
        return "missing"
    if status == base.status:
        return "other-page"
    return f"status-{status}"


def facts(exchanges: Sequence[Exchange]) -> list[tuple[str, str]]:
    """(name, sentence) for each fact of the baseline and its variants."""
    if not exchanges or exchanges[0].status is None:
        return []
    base = exchanges[0]
    out: list[tuple[str, str]] = []
    for variant in exchanges[1:]:
        word = outcome(base, variant)
        out.append((f"probe:{variant.label}:{word}",
                    f"{variant.label}: {status_of(variant)} (yours: {status_of(base)})"))
    if base.request_headers:
        kinds = sorted({c.kind for c in base.credentials})
        out += [(f"req:credential:{k}", f"the request carried a {k} credential") for k in kinds]
        if not kinds:
            out.append(("req:credential:none", "the request carried no credential"))
    for value in base.headers_named("www-authenticate"):
        for challenge in parse_www_authenticate(value):
            scheme = challenge.scheme.lower()
            out.append((f"resp:challenge:{scheme}",
                        f"the server asks for {challenge.scheme} credentials (WWW-Authenticate)"))
    return list(dict.fromkeys(out))
