"""The request as API Gateway sees it (stage, method ARN, condition keys) and the checks after
the resource policy: AWS_IAM signing, Lambda/Cognito authorizers, API keys, usage plans."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import unquote

from ..._causes import Cause
from ..model import AuditRequest, AuditResult, Limit, RuleRef, Step
from .arn import MethodArn
from .openapi import OpenApi, Operation, Route

# Gateway response type -> (default status, message). "Gateway response types for API
# Gateway": https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
GATEWAY: dict[str, tuple[int, str]] = {
    "MISSING_AUTHENTICATION_TOKEN": (403, "Missing Authentication Token"),
    "ACCESS_DENIED": (403, "User: ... is not authorized to perform: execute-api:Invoke"),
    "UNAUTHORIZED": (401, "Unauthorized"),
    "INVALID_API_KEY": (403, "Forbidden"),
    "THROTTLED": (429, "Too Many Requests"),
    "QUOTA_EXCEEDED": (429, "Limit Exceeded"),
}
_INVOKE = re.compile(r"^([a-z0-9]+)(?:-(vpce-[a-z0-9]+))?\.execute-api\.([a-z0-9-]+)\."
                     r"amazonaws\.com(?:\.cn)?$")


@dataclass
class Walk:
    """What the walk has gathered so far (steps, notes, limits) and the request's target."""

    request: AuditRequest
    api: OpenApi | None
    path: str  # the API's own path (stage removed)
    arn: MethodArn
    context: dict[str, list[str]]
    steps: list[Step] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    allowed_by: RuleRef | None = None

    def status(self, kind: str) -> int:
        return (self.api.statuses.get(kind) if self.api else None) or GATEWAY[kind][0]

    def deny(self, status: int, rule: RuleRef | None, reason: str, fix: str,
             cause: Cause) -> AuditResult:
        return AuditResult("aws", False, status, rule, reason, fix, cause, tuple(self.steps),
                           tuple(self.limits), tuple(dict.fromkeys(self.notes)))

    def refuse(self, kind: str, rule: RuleRef, why: str, fix: str, cause: Cause) -> AuditResult:
        status = self.status(kind)
        self.steps.append(Step(rule, "deny", why))
        reason = (f"{why} ({rule}): API Gateway answers {status} "
                  f'{{"message":"{GATEWAY[kind][1]}"}}')
        return self.deny(status, rule, reason, fix, cause)

    def missing_route(self, route: Route | None) -> AuditResult:
        api = self.api
        assert api is not None
        method, doc = self.request.method, api.document
        if route is not None:
            rule = api.ref(route.keys, f"{route.path}: {', '.join(route.methods) or 'no methods'}")
            fix = (f"add {method} to {route.path} in the OpenAPI definition ({rule.source}:"
                   f"{rule.line}) and redeploy the stage")
            why = f"{route.path} has no {method} method (nor x-amazon-apigateway-any-method)"
        else:
            rule = api.ref(("paths",), "paths")
            known = ", ".join(r.path for r in api.routes[:5])
            fix = (f"add path {self.path} with {method.lower()} to the OpenAPI definition "
                   f"({doc.source}) and redeploy the stage, or call one of its paths ({known})")
            why = f"no resource of the API matches {self.path}"
        return self.refuse("MISSING_AUTHENTICATION_TOKEN", rule, why, fix, Cause.CONFIGURATION)

    def unsigned(self, operation: Operation) -> AuditResult | None:
        """AWS_IAM: an unsigned request never reaches the policies."""
        auth = self.request.header("authorization") or ""
        scheme = next(s for s in operation.schemes if s.kind == "iam")
        rule = self._scheme_ref(operation, scheme.keys, f"{scheme.name} (AWS_IAM)")
        if auth.upper().startswith("AWS4-HMAC-SHA256") or self.request.param("X-Amz-Signature"):
            self.steps.append(Step(rule, "pass", "the request carries a SigV4 signature"))
            self.notes.append("the SigV4 signature's validity is not checked offline")
            return None
        if self.request.identity:
            self.steps.append(Step(rule, "note", f"AWS_IAM: taken as signed by "
                                   f"{self.request.identity} (identity=)"))
            return None
        return self.refuse("MISSING_AUTHENTICATION_TOKEN", rule, f"{operation.method.upper()} "
                           f"{operation.path} uses AWS_IAM and the request is not signed",
                           "sign the request with AWS Signature Version 4 (Authorization: "
                           "AWS4-HMAC-SHA256 ...) using credentials allowed to call "
                           "execute-api:Invoke", Cause.AUTHENTICATION)

    def cross_account(self, principal: str | None) -> bool:
        caller = principal.split(":")[4] if principal and principal.count(":") >= 5 else None
        return bool(caller and self.arn.account and caller != self.arn.account)

    def _scheme_ref(self, operation: Operation, keys: tuple[str | int, ...],
                    text: str) -> RuleRef:
        assert self.api is not None
        at = self.api.ref(operation.security_keys or keys)
        return RuleRef(at.source, at.line, at.path, text)


def target(request: AuditRequest, api: OpenApi | None) -> tuple[str, MethodArn,
                                                                 dict[str, list[str]]]:
    """(the API's own path, the method ARN, the IAM condition context) for ``request``."""
    given = request.context
    path = unquote(request.path)
    found = _INVOKE.match(request.host)
    context: dict[str, list[str]] = {}
    if found:
        api_id, vpce, region = found[1], found[2], found[3]
        stage, _, rest = path.lstrip("/").partition("/")
        stage_or_none: str | None = stage or None
        path = "/" + rest
        if vpce:
            context["aws:sourcevpce"] = [vpce]
    else:
        api_id = given.get("api_id") or (api.api_id if api else None)
        region = given.get("region") or (api.region if api else None)
        stage_or_none = given.get("stage") or (api.stage if api else None)
        base = given.get("base_path", "").strip("/")
        if base and path.lstrip("/").startswith(base):
            path = "/" + path.lstrip("/")[len(base):].lstrip("/")
    arn = MethodArn(region, given.get("account_id"), api_id, stage_or_none, request.method,
                    path.lstrip("/"))
    if request.source_address is not None:
        context["aws:sourceip"] = [str(request.source_address)]
    for key, value in given.items():
        if ":" in key:
            context[key.lower()] = [v.strip() for v in value.split(",") if v.strip()]
    who = request.identity
    if who and who.count(":") >= 5:
        context.setdefault("aws:principalarn", [who])
        context.setdefault("aws:principalaccount", [who.split(":")[4]])
        if who.split(":", 5)[5].startswith("user/"):
            context.setdefault("aws:username", [who.rsplit("/", 1)[-1]])
    now = request.now.astimezone(dt.UTC)
    context.setdefault("aws:currenttime", [now.strftime("%Y-%m-%dT%H:%M:%SZ")])
    context.setdefault("aws:epochtime", [str(int(now.timestamp()))])
    if "://" in request.url:
        context.setdefault("aws:securetransport", [str(request.scheme == "https").lower()])
    for header, key in (("user-agent", "aws:useragent"), ("referer", "aws:referer")):
        if (sent := request.header(header)) is not None:
            context.setdefault(key, [sent])
    return path, arn, context


def target_notes(walk: Walk) -> list[str]:
    arn, out = walk.arn, []
    unknown = [name for name, value in (("stage", arn.stage), ("api_id", arn.api_id),
                                        ("region", arn.region), ("account_id", arn.account))
               if value is None]
    if unknown:
        out.append(f"not known from the URL or the export: {', '.join(unknown)}; resource "
                   "patterns match any value there (pass context={" + ", ".join(
                       f"'{u}': ..." for u in unknown) + "})")
    if not _INVOKE.match(walk.request.host) and walk.request.host:
        out.append(f"{walk.request.host} is taken as a custom domain whose base path maps to "
                   "this API and stage (pass context={'base_path': ...} if it has one)")
    return out
