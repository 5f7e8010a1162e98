"""Words for resource-policy verdicts: what a statement's conditions say about the request,
and the smallest policy change that lets it through.

A changed resource policy takes effect only once the API is deployed again ("Create and
attach an API Gateway resource policy to an API": "If you update the resource policy after
the API is created, you'll need to deploy the API to propagate the changes",
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-create-attach.html).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping, Sequence

from ..._causes import Cause
from .arn import MethodArn
from .cond import OPERATORS, Test
from .policy import Check, Policy, Statement

REDEPLOY = "; then redeploy the stage (a resource policy change takes effect only after a " \
           "deployment)"
NETWORK_KEYS = ("aws:sourceip", "aws:sourcevpce", "aws:sourcevpc")
Context = Mapping[str, Sequence[str]]


def said(test: Test, context: Context) -> str:
    """``NotIpAddress aws:SourceIp [...] holds for 203.0.113.9``-style words."""
    found = context.get(test.key.lower())
    value = "no value (the key is absent)" if found is None else ", ".join(found)
    verdict = "holds" if test.holds(context) else "fails"
    return f"{test.describe()} {verdict} for {value}"


def check_says(check: Check, context: Context) -> str:
    s = check.statement
    verb = "applies" if check.applies else "does not apply"
    return f"{s.effect} {s.label} {verb}: {detail(check, context)}"


def detail(check: Check, context: Context) -> str:
    """Why a statement applies or not, without naming it."""
    if check.scope_miss:
        return check.scope_miss
    if check.failed:
        return "; ".join(said(t, context) for t in check.failed)
    why = "; ".join(said(t, context) for t in check.held)
    return why or "no conditions, its Principal, Action and Resource cover the request"


def cause_of(tests: Sequence[Test]) -> Cause:
    return Cause.IP_ALLOWLIST if tests and tests[0].key.lower() in NETWORK_KEYS else \
        Cause.PERMISSIONS


def _entry(test: Test, value: str) -> str:
    if test.base in ("IpAddress", "NotIpAddress"):
        try:
            address = ipaddress.ip_address(value)
            return f"{address}/{address.max_prefixlen}"
        except ValueError:
            return value
    return value


def _where(policy: Policy, statement: Statement, test: Test | None = None) -> str:
    ref = policy.document.ref(test.keys if test else statement.keys)
    return f"{statement.effect} statement {statement.label} ({ref.source}:{ref.line})"


def _missing(test: Test) -> str:
    if test.base == "Null":
        return f"send the request with {test.key} (Null {test.key} {test.values[0]} decides)"
    if test.key.lower() == "aws:sourcevpce":
        return (f"call the API through VPC endpoint {test.values[0]} (the request has no "
                "aws:SourceVpce: it does not come through a VPC endpoint)")
    if test.key.lower() == "aws:sourceip":
        return "give the audit the client address (source_address=)"
    return f"the request carries no {test.key}: send it with a value {test.operator} accepts"


def deny_fix(policy: Policy, check: Check, context: Context,
             arn: MethodArn) -> tuple[str, Cause]:
    """Make the explicit Deny stop applying: flip one of its conditions, else narrow it."""
    s = check.statement
    present = [t for t in check.held if t.key.lower() in context and t.base != "Null"]
    ordered = sorted(present, key=lambda t: t.key.lower() not in NETWORK_KEYS)
    if ordered:
        test = ordered[0]
        value = context[test.key.lower()][0]
        if test.negated:
            fix = (f"add {_entry(test, value)} to {test.operator} {test.key} of the "
                   f"{_where(policy, s, test)}")
        else:
            hits = [p for p in test.values if OPERATORS[test.base][0](p, value)]
            fix = (f"remove {', '.join(hits)} from {test.operator} {test.key} of the "
                   f"{_where(policy, s, test)} (it matches {value})")
        return fix + REDEPLOY, cause_of([test])
    if check.held:
        return _missing(check.held[0]) + f" (the {_where(policy, s)} applies to requests " \
            "without it)", cause_of(check.held)
    return (f"remove the {_where(policy, s)} or narrow its "
            f"{'NotResource' if s.not_resource else 'Resource'} "
            f"{list(s.resources)} so it no longer covers {arn.text()}" + REDEPLOY,
            Cause.PERMISSIONS)


def allow_fix(policy: Policy, check: Check | None, context: Context, arn: MethodArn,
              principal: str | None) -> tuple[str, Cause]:
    """Make the nearest Allow apply (or add one)."""
    short = f"execute-api:/{arn.stage or '*'}/{arn.method}/{arn.path}"
    if check is None:
        return ('add a statement {"Effect": "Allow", "Principal": "*", "Action": '
                f'"execute-api:Invoke", "Resource": "{short}"}} to the resource policy '
                f"({policy.document.source})" + REDEPLOY, Cause.PERMISSIONS)
    s = check.statement
    if check.scope_miss.startswith(("Resource", "NotResource")):
        verb = "remove the entry covering it from" if s.not_resource else f'add "{short}" to'
        return f"{verb} the Resource of the {_where(policy, s)}" + REDEPLOY, Cause.PERMISSIONS
    if check.scope_miss.startswith(("Principal", "NotPrincipal")):
        who = f'"{principal}" to Principal.AWS' if principal else '"*" as Principal (the ' \
            "caller is anonymous: no IAM authorization on this method)"
        return f"add {who} of the {_where(policy, s)}" + REDEPLOY, Cause.PERMISSIONS
    if check.scope_miss:
        return (f'add "execute-api:Invoke" to the Action of the {_where(policy, s)}' +
                REDEPLOY, Cause.PERMISSIONS)
    parts: list[str] = []
    for test in check.failed:
        found = context.get(test.key.lower())
        if found is None or test.base == "Null":
            parts.append(_missing(test))
            continue
        compare = OPERATORS[test.base][0]
        value = next((v for v in found if any(compare(p, v) for p in test.values)
                      == test.negated), found[0])  # the request value that fails the test
        if test.negated:
            hits = [p for p in test.values if compare(p, value)]
            parts.append(f"remove {', '.join(hits)} from {test.operator} {test.key} of the "
                         f"{_where(policy, s, test)}")
        else:
            parts.append(f"add {_entry(test, value)} to {test.operator} {test.key} of the "
                         f"{_where(policy, s, test)}")
    return "; ".join(parts) + REDEPLOY, cause_of(check.failed)
