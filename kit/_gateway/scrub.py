"""Masking every text of an AuditResult: the evaluators' last step before a result leaves.

A verdict quotes rules, conditions and request values; any of them may hold a key written in
the configuration or sent by the caller. ``scrub`` masks the given secrets in the rule text,
reason, fix, trace, limits and assumptions.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from .._http.secrets import is_secret_header, is_secret_param, masker

if TYPE_CHECKING:  # annotations only: the model's methods render through here
    from .model import AuditRequest, AuditResult, RuleRef


def sent_secrets(request: AuditRequest, names: Iterable[str] = ()) -> set[str]:
    """Credential values the request carries: secret-looking headers and parameters, plus
    any header or parameter named in ``names`` (a gateway's own key names)."""
    extra = {n.lower() for n in names}
    out = {v for k, v in request.headers if is_secret_header(k) or k in extra}
    out |= {part for v in set(out) for part in v.split(" ") if len(part) >= 4}
    out |= {v for k, v in request.params() if is_secret_param(k) or k.lower() in extra}
    return {s for s in out if len(s) >= 4}


def scrub(result: AuditResult, secrets: Iterable[str]) -> AuditResult:
    """The result with every secret masked in each of its texts."""
    m = masker(secrets)

    def ref(rule: RuleRef | None) -> RuleRef | None:
        return None if rule is None else replace(rule, text=m(rule.text))

    return replace(
        result, rule=ref(result.rule), reason=m(result.reason), fix=m(result.fix),
        steps=tuple(replace(s, rule=ref(s.rule) or s.rule, says=m(s.says)) for s in result.steps),
        limits=tuple(replace(lim, rule=ref(lim.rule) or lim.rule, describe=m(lim.describe))
                     for lim in result.limits),
        assumptions=tuple(m(a) for a in result.assumptions))
