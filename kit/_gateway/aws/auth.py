"""The checks after the resource policy: Lambda/Cognito authorizers, the API key, usage-plan
throttling and quotas.

Identity sources (API reference, Authorizer.identitySource,
https://docs.aws.amazon.com/apigateway/latest/api/API_Authorizer.html): TOKEN and
COGNITO_USER_POOLS authorizers read one header; a REQUEST authorizer with caching enabled
checks that every identity source is present, not null and non-empty, and otherwise
"returns a 401 Unauthorized response without calling the Lambda function"; with caching off
(authorizerResultTtlInSeconds 0) they are optional. Usage plans ("Usage plans and API keys",
api-gateway-api-usage-plans.html) throttle per key (429 Too Many Requests) and count a quota
(429 Limit Exceeded); the account throttle per Region comes from "Amazon API Gateway quotas"
(limits.html).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from ..._causes import Cause
from ..model import AuditRequest, AuditResult, Limit, RuleRef, Step
from .gate import Walk
from .openapi import Operation

ACCOUNT_RATE, ACCOUNT_BURST = 10000.0, 5000
PERIODS = {"DAY": dt.timedelta(days=1), "WEEK": dt.timedelta(weeks=1),
           "MONTH": dt.timedelta(days=30)}


def authorize(walk: Walk, operation: Operation) -> AuditResult | None:
    """Lambda/Cognito authorizers, then the API key."""
    req, api = walk.request, walk.api
    assert api is not None
    for scheme in operation.schemes:
        ref = walk._scheme_ref(operation, scheme.keys, f"authorizer {scheme.name} "
                               f"({scheme.kind})")
        if scheme.kind in ("token", "request", "cognito_user_pools"):
            missing = [s for s in scheme.sources if not _present(req, s)]
            if missing and scheme.cached:
                what = ", ".join(_name(s) for s in missing)
                return walk.refuse("UNAUTHORIZED", ref, f"the {scheme.kind} authorizer "
                                   f"{scheme.name} finds no {what} in the request",
                                   f"send {what} (the identity source of authorizer "
                                   f"{scheme.name}, {api.ref(scheme.keys)})",
                                   Cause.AUTHENTICATION)
            walk.steps.append(Step(ref, "pass", f"authorizer {scheme.name}: identity source "
                                   "present; its answer is not known offline"))
            walk.notes.append(f"authorizer {scheme.name} ({scheme.kind}) decides offline-"
                              "unknowably: a rejected token gets 401 Unauthorized, a "
                              "returned Deny policy 403")
        elif scheme.kind == "other":
            walk.notes.append(f"security scheme {scheme.name} is not an API key, IAM or "
                              "authorizer scheme API Gateway enforces; not modelled")
    keyed = [s for s in operation.schemes if s.kind == "api_key"]
    if not keyed:
        return None
    ref = walk._scheme_ref(operation, keyed[0].keys, f"API key required ({keyed[0].name})")
    if api.key_source == "AUTHORIZER":
        walk.notes.append("the API key comes from the authorizer's usageIdentifierKey "
                          "(x-amazon-apigateway-api-key-source: AUTHORIZER): not known offline")
        return None
    if not (req.header("x-api-key") or "").strip():
        return walk.refuse("INVALID_API_KEY", ref, f"{operation.method.upper()} "
                           f"{operation.path} requires an API key and the request sends no "
                           "x-api-key header", f"send header x-api-key with a key in a usage "
                           f"plan of stage {walk.arn.stage or '(this stage)'} (the method's "
                           "API Key Required setting)", Cause.API_KEY)
    if req.context.get("api_key_valid", "").lower() == "false":
        return walk.refuse("INVALID_API_KEY", ref, "the x-api-key value is not an enabled key "
                           "in a usage plan of this stage (context api_key_valid=false)",
                           "use an enabled API key associated with a usage plan of stage "
                           f"{walk.arn.stage or '(this stage)'}", Cause.API_KEY)
    plan = req.context.get("usage_plan")
    walk.steps.append(Step(ref, "pass", "x-api-key sent" + (f" (usage plan {plan})" if plan
                                                            else "")))
    if not plan:
        walk.notes.append("whether the x-api-key value is an enabled key in a usage plan of "
                          "this stage is not in the export (pass context={'usage_plan': ...})")
    return None


def throttle(walk: Walk, operation: Operation) -> AuditResult | None:
    """Usage-plan throttle and quota (from the request context), then the account quota."""
    ctx, rate = walk.request.context, walk.request.rate
    keyed = any(s.kind == "api_key" for s in operation.schemes)
    plan_rate = _number(ctx, "usage_plan_rate")
    plan_ref = RuleRef("request context", None, "usage_plan", "usage plan "
                       + (ctx.get("usage_plan") or ""))
    if keyed and plan_rate is not None:
        burst = ctx.get("usage_plan_burst", "?")
        walk.limits.append(Limit(plan_ref, f"usage plan: {plan_rate:g} requests/second, burst "
                                 f"{burst}", walk.status("THROTTLED"), plan_rate))
        if rate is not None and rate > plan_rate:
            return walk.refuse("THROTTLED", plan_ref, f"{rate:g} requests/second exceeds the "
                               f"usage plan's {plan_rate:g}", f"send at most {plan_rate:g} "
                               "requests/second or raise the usage plan's rate limit",
                               Cause.RATE_LIMIT)
    quota = _number(ctx, "usage_plan_quota")
    if keyed and quota is not None:
        period = str(ctx.get("usage_plan_period", "DAY")).upper()
        walk.limits.append(Limit(plan_ref, f"usage plan quota: {quota:g} requests per "
                                 f"{period.lower()}", walk.status("QUOTA_EXCEEDED"), None,
                                 int(quota), PERIODS.get(period)))
        used = _number(ctx, "usage_plan_used")
        if used is not None and used >= quota:
            return walk.refuse("QUOTA_EXCEEDED", plan_ref, f"{used:g} requests used of the "
                               f"quota of {quota:g} per {period.lower()}",
                               "wait for the quota period to reset or raise the usage "
                               "plan's quota", Cause.RATE_LIMIT)
    account = RuleRef("API Gateway quotas", None, None, "account throttle per Region")
    walk.limits.append(Limit(account, f"{ACCOUNT_RATE:g} requests/second per account and "
                             f"Region, burst {ACCOUNT_BURST} (default)",
                             walk.status("THROTTLED"), ACCOUNT_RATE))
    if rate is not None and rate > ACCOUNT_RATE:
        return walk.refuse("THROTTLED", account, f"{rate:g} requests/second exceeds the "
                           "account's Region-wide throttle", "send fewer requests/second or "
                           "ask AWS for a higher account quota", Cause.RATE_LIMIT)
    return None


def _number(context: Mapping[str, str], key: str) -> float | None:
    value = context.get(key)
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        raise ValueError(f"context {key}={value!r} is not a number") from None


def _present(request: AuditRequest, source: str) -> bool:
    kind, _, name = source.removeprefix("method.request.").partition(".")
    if kind == "header":
        return bool((request.header(name) or "").strip())
    if kind == "querystring":
        return bool(request.param(name))
    return True  # stage variables / context: not the caller's to send


def _name(source: str) -> str:
    kind, _, name = source.removeprefix("method.request.").partition(".")
    return {"header": f"header {name}", "querystring": f"query parameter {name}"}.get(
        kind, source)
