"""AWS API Gateway (REST APIs): a resource policy and/or an OpenAPI export, walked in the
order API Gateway applies them.

Order (each step cited; the docs give no single diagram of the whole pipeline):
1. route lookup: an undefined resource or method answers 403 "Missing Authentication Token"
   (https://repost.aws/knowledge-center/api-gateway-authentication-token-errors). The docs do
   not say whether the resource policy runs before this lookup; we look the route up first
   (the policy is decided on the method ARN, which needs a method) - an assumption.
2. AWS_IAM methods: SigV4 authentication first, then the caller's IAM policies together with
   the resource policy (Tables A/B of "How API Gateway resource policies affect authorization
   workflow", https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-authorization-flow.html).
3. resource policy: an explicit deny refuses at once; with no authorizer an implicit deny
   refuses too; with a Lambda/Cognito authorizer an implicit deny is settled by the
   authorizer's policy (same page).
4. Lambda/Cognito authorizer: a missing identity source answers 401 "Unauthorized"
   ("Use API Gateway Lambda authorizers", apigateway-use-lambda-authorizer.html).
5. API key: the key is read after the authorizer (an AUTHORIZER key source takes it from the
   authorizer's usageIdentifierKey, "Choose an API key source", api-gateway-api-key-source.html);
   no/unknown key answers 403 "Forbidden".
6. usage plan throttle/quota: 429 "Too Many Requests" / "Limit Exceeded".
Statuses and bodies: "Gateway response types",
https://docs.aws.amazon.com/apigateway/latest/developerguide/supported-gateway-response-types.html
(overridable with x-amazon-apigateway-gateway-responses).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..._http.secrets import mask_text
from ..document import Document
from ..model import AuditRequest, AuditResult, ConfigError, Effect, RuleRef, Step
from ..scrub import scrub, sent_secrets
from .auth import authorize, throttle
from .fix import allow_fix, check_says, deny_fix, detail
from .gate import Walk, target, target_notes
from .openapi import ANY, POLICY, OpenApi, parse_openapi
from .policy import Policy, parse_policy

BASE = "the integration's own answer (the backend behind API Gateway) is not known offline"


def looks_like_aws(data: object) -> str | None:
    """"policy" for an IAM policy document, "openapi" for an OpenAPI/Swagger export."""
    if not isinstance(data, dict):
        return None
    if "Statement" in data and ("Version" in data or isinstance(data["Statement"], list | dict)):
        return "policy"
    if ("openapi" in data or "swagger" in data) and "paths" in data and \
            "x-tyk-api-gateway" not in data:
        return "openapi"
    return None


def load_aws(documents: Sequence[Document]) -> AwsConfig:
    """A resource policy and/or an OpenAPI export, at most one of each."""
    if not documents:
        raise ConfigError("no AWS documents given", hint="pass a resource policy (policy.json) "
                          "and/or the API's OpenAPI export")
    policies: list[Policy] = []
    apis: list[OpenApi] = []
    for doc in documents:
        role = looks_like_aws(doc.data)
        if role is None:
            raise ConfigError("neither an IAM resource policy nor an OpenAPI export",
                              source=doc.source, line=doc.line_of(()) or 1, path="$",
                              hint='a policy has "Statement"; an export has "openapi" or '
                                   '"swagger" and "paths"')
        if role == "policy":
            policies.append(parse_policy(doc))
        else:
            api = parse_openapi(doc)
            apis.append(api)
            if api.policy_keys:
                policies.append(parse_policy(doc, (POLICY,)))
    for many, what in ((apis, "OpenAPI definitions"), (policies, "resource policies")):
        if len(many) > 1:
            second = many[1].document
            same = what == "resource policies" and all(
                p.document.get(p.keys) == policies[0].document.get(policies[0].keys)
                for p in policies)
            if not same:
                raise ConfigError(f"two {what} given (an API has one)", source=second.source,
                                  hint="audit one API at a time; a policy embedded as "
                                       f"{POLICY} counts as one")
    policy = next((p for p in policies if p.keys == ()), policies[0]) \
        if policies else None
    source = ", ".join(d.source for d in documents)
    return AwsConfig(source, policy, apis[0] if apis else None, tuple(documents))


@dataclass(frozen=True, repr=False)
class AwsConfig:
    """A REST API's resource policy and/or OpenAPI export, ready to answer for requests."""

    source: str
    policy: Policy | None
    api: OpenApi | None
    documents: tuple[Document, ...]
    kind: str = "aws"

    def __repr__(self) -> str:
        routes = len(self.api.routes) if self.api else 0
        statements = len(self.policy.statements) if self.policy else 0
        return f"AwsConfig({self.source!r}, {statements} statements, {routes} paths)"

    def lines(self) -> dict[str, list[str]]:
        return {d.source: [mask_text(line) for line in d.text.splitlines()]
                for d in self.documents}

    def evaluate(self, request: AuditRequest) -> AuditResult:
        return scrub(self._walk(request), sent_secrets(request))

    def _walk(self, request: AuditRequest) -> AuditResult:
        walk = Walk(request, self.api, *target(request, self.api))
        walk.notes += target_notes(walk)
        api = self.api
        operation = None
        if api is None:
            walk.notes.append("no OpenAPI export given: routes, API keys and authorizers are "
                              "not known (only the resource policy is checked)")
        else:
            route, operation = api.lookup(request.method, walk.path)
            if operation is None:
                return walk.missing_route(route)
            walk.steps.append(Step(api.ref(operation.keys, f"{operation.method} "
                                   f"{operation.path}"), "pass", f"{request.method} "
                                   f"{walk.path} matches {_method(operation.method)} "
                                   f"{operation.path}"))
        kinds = {s.kind for s in operation.schemes} if operation else set()
        if operation and "iam" in kinds and (refused := walk.unsigned(operation)) is not None:
            return refused
        if self.policy is None:
            walk.steps.append(Step(RuleRef(self.source, None, None, "no resource policy"),
                                   "note", "no resource policy: nothing to evaluate"))
        elif (refused := self._policy(walk, kinds)) is not None:
            return refused
        if operation is not None:
            refused = authorize(walk, operation) or throttle(walk, operation)
            if refused is not None:
                return refused
        rule = api.ref(operation.keys, f"{operation.method} {operation.path}") \
            if api and operation else walk.allowed_by
        reason = (f"{request.method} {walk.path} ({rule}) is passed on to the integration: "
                  "nothing in the configuration refuses it (200 stands for the backend's "
                  "own answer)")
        return AuditResult("aws", True, 200, rule, reason, "", None, tuple(walk.steps),
                           tuple(walk.limits), tuple(dict.fromkeys((*walk.notes, BASE))))

    def _policy(self, walk: Walk, kinds: set[str]) -> AuditResult | None:
        policy = self.policy
        assert policy is not None
        principal = walk.request.identity if "iam" in kinds or not self.api else None
        decision, check, checks = policy.evaluate(walk.arn, principal, walk.context)
        for c in checks:
            effect: Effect = ("deny" if c.statement.effect == "Deny" else "allow") \
                if c.applies else "skip"
            walk.steps.append(Step(policy.ref(c.statement), effect,
                                   check_says(c, walk.context)))
        for key in dict.fromkeys(t.key for s in policy.statements for t in s.tests):
            if key.lower() not in walk.context:
                how = "source_address=" if key.lower() == "aws:sourceip" else \
                    f"context={{'{key}': ...}}"
                walk.notes.append(f"condition key {key} is absent from the request context "
                                  f"(taken as not sent; pass {how} if the request carries it)")
        if any("${" in text for s in policy.statements
               for text in (*s.resources, *(v for t in s.tests for v in t.values))):
            walk.notes.append("the policy uses policy variables (${...}); they are compared "
                              "as written, not substituted")
        who = principal or "anonymous"
        body = (f'{{"Message":"User: {who} is not authorized to perform: execute-api:Invoke '
                f'on resource: {walk.arn.text()}')
        status = walk.status("ACCESS_DENIED")
        if decision == "deny" and check is not None:
            fix, cause = deny_fix(policy, check, walk.context, walk.arn)
            at = policy.ref(check.statement)
            reason = (f"the Deny {check.statement.label} ({at.source}:{at.line}) "
                      f"applies ({detail(check, walk.context)}); an explicit deny wins "
                      f"over any allow: API Gateway answers {status} {body} with an explicit "
                      'deny"}')
            return walk.deny(status, policy.ref(check.statement), reason, fix, cause)
        if decision == "allow" and check is not None:
            walk.allowed_by = policy.ref(check.statement)
            if "iam" in kinds and walk.cross_account(principal):
                walk.notes.append("cross-account AWS_IAM caller: its own IAM policy must "
                                  "allow execute-api:Invoke too (Table B), which the audit "
                                  "cannot see")
            return None
        if kinds & {"token", "request", "cognito_user_pools"}:
            walk.notes.append("no statement of the resource policy allows this request: API "
                              "Gateway then lets it through only if the authorizer's own "
                              "policy allows it (Table A of the authorization-flow page)")
            return None
        if "iam" in kinds and not walk.cross_account(principal):
            walk.notes.append("no statement of the resource policy allows this request: with "
                              "AWS_IAM in the same account the caller's own IAM policy must "
                              "allow execute-api:Invoke (Table A), which the audit cannot see")
            return None
        fix, cause = allow_fix(policy, check, walk.context, walk.arn, principal)
        nearest = f"; nearest is {check_says(check, walk.context)}" if check else ""
        rule = policy.ref(check.statement) if check else policy.ref(None)
        reason = (f"no statement of the resource policy ({policy.document.source}) allows "
                  f"{walk.arn.text()} (implicit deny){nearest}: API Gateway answers {status} "
                  f'{body}"}}')
        return walk.deny(status, rule, reason, fix, cause)


def _method(name: str) -> str:
    return "ANY" if name == ANY else name.upper()
