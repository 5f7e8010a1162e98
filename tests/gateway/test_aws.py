"""AWS API Gateway audit: resource policies (IAM evaluation) and OpenAPI exports."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from kit._causes import Cause
from kit._gateway.auditor import audit
from kit._gateway.aws.config import AwsConfig, load_aws, looks_like_aws
from kit._gateway.document import load_document, parse_document
from kit._gateway.model import AuditRequest, AuditResult, ConfigError

DATA = Path(__file__).parents[1] / "data" / "audit" / "aws"
INVOKE = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com/prod"
ALLOW_ALL = {"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
             "Resource": "execute-api:/*"}


def policy_doc(statements: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": statements}


def config(*docs: dict[str, Any] | str) -> AwsConfig:
    """Documents given as dicts (written as indented JSON) or YAML/JSON text."""
    parsed = []
    for index, doc in enumerate(docs):
        text = doc if isinstance(doc, str) else json.dumps(doc, indent=2)
        name = "policy.json" if isinstance(doc, dict) and "Statement" in doc else f"api{index}"
        parsed.append(parse_document(text, name))
    return load_aws(parsed)


def run(cfg: AwsConfig, method: str = "GET", url: str = "/pets", **kw: Any) -> AuditResult:
    return cfg.evaluate(AuditRequest.build(method, url, **kw))


def files(*names: str) -> AwsConfig:
    return load_aws([load_document(DATA / n) for n in names])


def with_condition(effect: str, condition: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {**ALLOW_ALL, "Effect": effect, "Condition": condition, **extra}


IP_ALLOW = with_condition("Allow", {"IpAddress": {"aws:SourceIp": ["198.51.100.0/24"]}})
NOT_IP_DENY = with_condition("Deny", {"NotIpAddress": {"aws:SourceIp": ["10.0.0.0/8"]}})
IP_DENY = with_condition("Deny", {"IpAddress": {"aws:SourceIp": "203.0.113.9"}})
VPCE_ALLOW = with_condition("Allow", {"StringEquals": {"aws:SourceVpce": "vpce-1a2b"}})

# (statements, request kwargs, allowed, status, deciding statement index or None, cause)
BOTH_DENY = with_condition("Deny", {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                                    "StringNotEquals": {"aws:SourceVpce": "vpce-1a2b"}})
NOT_ALICE = {k: v for k, v in ALLOW_ALL.items() if k != "Principal"} | {
    "Effect": "Deny", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:user/alice"}}
POLICY_CASES = [
    ([ALLOW_ALL, NOT_ALICE], {"identity": "arn:aws:iam::111122223333:user/alice"},
     True, 200, 0, None),
    ([ALLOW_ALL, NOT_ALICE], {}, False, 403, 1, Cause.PERMISSIONS),
    ([with_condition("Allow", {"DateLessThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}})],
     {}, False, 403, 0, Cause.PERMISSIONS),
    ([with_condition("Allow", {"DateGreaterThan": {"aws:CurrentTime": "2000-01-01T00:00:00Z"}})],
     {}, True, 200, 0, None),
    ([ALLOW_ALL, with_condition("Deny", {"ArnNotLike": {"aws:PrincipalArn":
                                                        "arn:aws:iam::*:role/ops-*"}})],
     {"identity": "arn:aws:iam::111122223333:role/ops-1"}, True, 200, 0, None),
    ([ALLOW_ALL, with_condition("Deny", {"ArnNotLike": {"aws:PrincipalArn":
                                                        "arn:aws:iam::*:role/ops-*"}})],
     {"identity": "arn:aws:iam::111122223333:role/dev-1"}, False, 403, 1, Cause.PERMISSIONS),
    ([ALLOW_ALL, BOTH_DENY], {"source_address": "203.0.113.9"}, False, 403, 1,
     Cause.IP_ALLOWLIST),  # both conditions hold (the vpce key is absent)
    ([ALLOW_ALL, BOTH_DENY], {"source_address": "203.0.113.9",
                              "context": {"aws:SourceVpce": "vpce-1a2b"}}, True, 200, 0, None),
    ([ALLOW_ALL, BOTH_DENY], {"source_address": "10.9.9.9"}, True, 200, 0, None),
    ([IP_ALLOW], {"source_address": "198.51.100.7"}, True, 200, 0, None),
    ([IP_ALLOW], {"source_address": "203.0.113.9"}, False, 403, 0, Cause.IP_ALLOWLIST),
    ([ALLOW_ALL, NOT_IP_DENY], {"source_address": "203.0.113.9"}, False, 403, 1,
     Cause.IP_ALLOWLIST),
    ([ALLOW_ALL, NOT_IP_DENY], {"source_address": "10.1.2.3"}, True, 200, 0, None),
    ([ALLOW_ALL, IP_DENY], {"source_address": "203.0.113.9"}, False, 403, 1,
     Cause.IP_ALLOWLIST),
    ([IP_DENY, ALLOW_ALL], {"source_address": "203.0.113.10"}, True, 200, 1, None),
    ([VPCE_ALLOW], {"context": {"aws:SourceVpce": "vpce-1a2b"}}, True, 200, 0, None),
    ([VPCE_ALLOW], {"context": {"aws:SourceVpce": "vpce-9999"}}, False, 403, 0,
     Cause.IP_ALLOWLIST),
    ([VPCE_ALLOW], {}, False, 403, 0, Cause.IP_ALLOWLIST),
    ([VPCE_ALLOW], {"url": "https://a1b2c3-vpce-1a2b.execute-api.us-east-1.amazonaws.com/p/x"},
     True, 200, 0, None),
    ([{**ALLOW_ALL, "Resource": "arn:aws:execute-api:us-east-1:111122223333:*/*/GET/pets/*"}],
     {"url": "/pets/7"}, True, 200, 0, None),
    ([{**ALLOW_ALL, "Resource": "arn:aws:execute-api:us-east-1:111122223333:*/*/GET/pets/*"}],
     {"url": "/pets/7", "method": "POST"}, False, 403, 0, Cause.PERMISSIONS),
    ([{**ALLOW_ALL, "Resource": "arn:aws:execute-api:us-east-1:111122223333:*/*/GET/pets/*"}],
     {"url": "/pets"}, False, 403, 0, Cause.PERMISSIONS),
    ([{**ALLOW_ALL, "Resource": "arn:aws:execute-api:us-east-1:*:*/*/GET/pets/*"}],
     {"url": "https://a1.execute-api.eu-west-1.amazonaws.com/prod/pets/7"},
     False, 403, 0, Cause.PERMISSIONS),
    ([{**ALLOW_ALL, "Resource": "execute-api:/prod/GET/v?/items"}],
     {"url": INVOKE + "/v1/items"}, True, 200, 0, None),
    ([{**ALLOW_ALL, "Resource": "execute-api:/prod/GET/v?/items"}],
     {"url": INVOKE + "/v10/items"}, False, 403, 0, Cause.PERMISSIONS),
    ([{**ALLOW_ALL, "Resource": "execute-api:/prod/*"}],
     {"url": "https://a1.execute-api.eu-west-1.amazonaws.com/dev/pets"}, False, 403, 0,
     Cause.PERMISSIONS),
    ([{k: v for k, v in ALLOW_ALL.items() if k != "Resource"} |
      {"NotResource": "execute-api:/*/*/admin/*"}], {"url": "/admin/users"}, False, 403, 0,
     Cause.PERMISSIONS),
    ([{k: v for k, v in ALLOW_ALL.items() if k != "Resource"} |
      {"NotResource": "execute-api:/*/*/admin/*"}], {"url": "/pets"}, True, 200, 0, None),
    ([with_condition("Allow", {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})],
     {}, True, 200, 0, None),
    ([with_condition("Allow", {"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})],
     {"context": {"aws:SourceVpce": "vpce-2"}}, False, 403, 0, Cause.IP_ALLOWLIST),
    ([with_condition("Allow", {"StringEquals": {"aws:SourceVpce": "vpce-1"}})],
     {}, False, 403, 0, Cause.IP_ALLOWLIST),
    ([with_condition("Allow", {"ForAnyValue:StringLike": {"aws:TagKeys": "te*"}})],
     {"context": {"aws:TagKeys": "x,team"}}, True, 200, 0, None),
    ([with_condition("Allow", {"ForAnyValue:StringLike": {"aws:TagKeys": "te*"}})],
     {"context": {"aws:TagKeys": "x,y"}}, False, 403, 0, Cause.PERMISSIONS),
    ([with_condition("Allow", {"ForAnyValue:StringLike": {"aws:TagKeys": "te*"}})],
     {}, False, 403, 0, Cause.PERMISSIONS),
    ([with_condition("Allow", {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}})],
     {}, True, 200, 0, None),
    ([with_condition("Allow", {"ForAllValues:StringEquals": {"aws:TagKeys": ["a", "b"]}})],
     {"context": {"aws:TagKeys": "a,c"}}, False, 403, 0, Cause.PERMISSIONS),
    ([ALLOW_ALL, with_condition("Deny", {"Null": {"aws:SourceVpce": "true"}})], {},
     False, 403, 1, Cause.IP_ALLOWLIST),
    ([{**ALLOW_ALL, "Action": "Execute-API:invoke"}], {}, True, 200, 0, None),
    ([{k: v for k, v in ALLOW_ALL.items() if k != "Action"} |
      {"NotAction": "execute-api:InvalidateCache"}], {}, True, 200, 0, None),
    ([{**ALLOW_ALL, "Action": "execute-api:InvalidateCache"}], {}, False, 403, 0,
     Cause.PERMISSIONS),
    (ALLOW_ALL, {}, True, 200, 0, None),  # Statement as one object
    ([{**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}],
     {"identity": "arn:aws:iam::111122223333:user/alice"}, True, 200, 0, None),
    ([{**ALLOW_ALL, "Principal": {"AWS": ["arn:aws:iam::111122223333:root"]}}], {},
     False, 403, 0, Cause.PERMISSIONS),
    ([{**ALLOW_ALL, "Principal": {"AWS": "*"}}], {}, True, 200, 0, None),
    ([with_condition("Allow", {"IpAddress": {"aws:SourceIp": "2001:db8::/32"}})],
     {"source_address": "2001:db8::5"}, True, 200, 0, None),
    ([with_condition("Allow", {"Bool": {"aws:SecureTransport": "true"}})],
     {"url": INVOKE + "/pets"}, True, 200, 0, None),
    ([with_condition("Allow", {"StringEqualsIgnoreCase": {"aws:PrincipalOrgID": "O-ABC"}})],
     {"context": {"aws:PrincipalOrgID": "o-abc"}}, True, 200, 0, None),
    ([with_condition("Allow", {"StringEquals": {"aws:PrincipalOrgID": "O-ABC"}})],
     {"context": {"aws:PrincipalOrgID": "o-abc"}}, False, 403, 0, Cause.PERMISSIONS),
    ([with_condition("Allow", {"NumericGreaterThan": {"aws:EpochTime": "1000"}})], {},
     True, 200, 0, None),
    ([with_condition("Allow", {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:user/a*"}})],
     {"identity": "arn:aws:iam::111122223333:user/alice"}, True, 200, 0, None),
    ([with_condition("Allow", {"StringNotLike": {"aws:username": "bob*"}})], {},
     True, 200, 0, None),
]


@pytest.mark.parametrize(("statements", "kw", "allowed", "status", "index", "cause"),
                         POLICY_CASES)
def test_policy_decisions(statements: Any, kw: dict[str, Any], allowed: bool, status: int,
                          index: int | None, cause: Cause | None) -> None:
    """Each policy decides the request as IAM evaluation does, naming the deciding statement."""
    kw = dict(kw)
    result = run(config(policy_doc(statements)), kw.pop("method", "GET"),
                 kw.pop("url", "/pets"), **kw)
    assert (result.allowed, result.status, result.cause) == (allowed, status, cause), result
    where = "$.Statement" if isinstance(statements, dict) else f"$.Statement[{index}]"
    assert result.rule is not None
    assert result.rule.path == where
    assert result.rule.line is not None
    assert result.rule.source == "policy.json"


def test_explicit_deny_reason_and_body() -> None:
    """An explicit deny names the statement (Sid), the condition and API Gateway's message."""
    result = run(files("policy.json", "openapi.yaml"), "GET", "/public",
                 source_address="198.51.100.66")
    assert not result.allowed
    assert result.status == 403
    assert str(result.rule) == f"{DATA / 'policy.json'}:20 $.Statement[2]"
    assert "DenyBlocked" in result.reason
    assert "198.51.100.66" in result.reason
    assert "User: anonymous is not authorized to perform: execute-api:Invoke on resource: " \
           "arn:aws:execute-api:eu-west-1:*:a1b2c3d4e5/prod/GET/public with an explicit " \
           "deny" in result.reason
    assert "remove 198.51.100.66/32 from IpAddress aws:SourceIp" in result.fix
    assert "redeploy the stage" in result.fix
    effects = {s.rule.path: s.effect for s in result.steps}
    assert effects["$.Statement[2]"] == "deny"
    assert effects["$.Statement[3]"] == "skip"


def test_implicit_deny_names_nearest_allow() -> None:
    """With no allow matching, the nearest Allow and the failing condition are named."""
    result = run(files("policy.json", "openapi.yaml"), "GET", "/public",
                 source_address="203.0.113.9")
    assert result.status == 403
    assert result.cause is Cause.IP_ALLOWLIST
    assert result.rule is not None
    assert result.rule.path == "$.Statement[0]"
    assert "implicit deny" in result.reason
    assert "AllowOffice" in result.reason
    assert result.fix.startswith("add 203.0.113.9/32 to IpAddress aws:SourceIp of the Allow "
                                 "statement $.Statement[0] (Sid AllowOffice)")


def test_private_api_vpce_from_fixture() -> None:
    """A private API reached through the listed VPC endpoint is allowed by AllowVpce."""
    result = run(files("policy.json", "openapi.yaml"), "GET", "/public",
                 context={"aws:SourceVpce": "vpce-0123456789abcdef0"})
    assert result.allowed
    assert result.status == 200
    assert any(s.rule.path == "$.Statement[1]" and s.effect == "allow" for s in result.steps)


def test_deny_all_deletes_through_action_wildcard() -> None:
    """execute-api:* and */*/DELETE/* deny a DELETE even from an allowed address."""
    result = run(files("policy.json", "openapi.yaml"), "DELETE", "/files/a",
                 source_address="198.51.100.7", headers={"x-api-key": "k" * 20})
    assert result.status == 403
    assert result.cause is Cause.PERMISSIONS
    assert result.rule is not None
    assert result.rule.path == "$.Statement[3]"
    assert "remove the Deny statement $.Statement[3] (Sid DenyDeletes)" in result.fix


ROUTES = [
    ("GET", "/pets/mine", True, '$.paths["/pets/mine"].get'),
    ("GET", "/pets/42", True, '$.paths["/pets/{id}"].get'),
    ("GET", "/pets", True, '$.paths["/pets"].get'),
    ("PATCH", "/files/a/b/c", True,
     '$.paths["/files/{proxy+}"]["x-amazon-apigateway-any-method"]'),
    ("GET", "/files", False, "$.paths"),
    ("DELETE", "/pets", False, '$.paths["/pets"]'),
    ("GET", "/nowhere", False, "$.paths"),
    ("GET", "/pets/1/2", False, "$.paths"),
]


@pytest.mark.parametrize(("method", "path", "allowed", "where"), ROUTES)
def test_route_lookup(method: str, path: str, allowed: bool, where: str) -> None:
    """Literal beats {param}, {proxy+} is greedy, ANY covers methods; misses are 403 tokens."""
    result = run(files("openapi.yaml"), method, path, headers={"x-api-key": "k" * 20})
    assert result.allowed is allowed
    assert result.rule is not None
    assert result.rule.path == where
    if not allowed:
        assert result.status == 403
        assert result.cause is Cause.CONFIGURATION
        assert "Missing Authentication Token" in result.reason


def test_missing_method_fix_names_path() -> None:
    """A missing method's fix says which method to add to which path, and to redeploy."""
    result = run(files("openapi.yaml"), "DELETE", "/pets")
    assert result.fix.startswith(f"add DELETE to /pets in the OpenAPI definition "
                                 f"({DATA / 'openapi.yaml'}:11)")
    assert result.fix.endswith("redeploy the stage")


@pytest.mark.parametrize(("method", "path", "headers", "status", "cause"), [
    ("GET", "/pets", {}, 403, Cause.API_KEY),  # global security
    ("POST", "/pets", {}, 403, Cause.API_KEY),  # per operation
    ("GET", "/public", {}, 200, None),  # security: [] switches it off
    ("GET", "/pets", {"x-api-key": "abcd1234abcd1234"}, 200, None),
    ("GET", "/reports", {}, 401, Cause.AUTHENTICATION),
    ("GET", "/reports", {"Authorization": "Bearer abcdefgh12345678"}, 200, None),
    ("GET", "/admin", {"X-Admin": "yes"}, 401, Cause.AUTHENTICATION),
    ("GET", "/admin?tenant=t1", {"X-Admin": "yes"}, 200, None),
    ("GET", "/iam", {}, 403, Cause.AUTHENTICATION),
    ("GET", "/iam", {"Authorization": "AWS4-HMAC-SHA256 Credential=x/y, Signature=z"}, 200,
     None),
])
def test_security(method: str, path: str, headers: dict[str, str], status: int,
                  cause: Cause | None) -> None:
    """API keys, Lambda authorizers and AWS_IAM answer with API Gateway's statuses."""
    result = run(files("openapi.yaml"), method, path, headers=headers)
    assert (result.status, result.cause) == (status, cause), result.reason
    if status == 401:
        assert '{"message":"Unauthorized"}' in result.reason
    if cause is Cause.API_KEY:
        assert '{"message":"Forbidden"}' in result.reason
        assert result.fix.startswith("send header x-api-key")
    if status == 200 and path.startswith(("/reports", "/admin")):
        assert any("authorizer" in a for a in result.assumptions)


def test_api_key_known_invalid_and_usage_plan_limits() -> None:
    """Context can say the key is invalid, and usage-plan throttle/quota refuse with 429."""
    cfg, key = files("openapi.yaml"), {"x-api-key": "abcd1234abcd1234"}
    bad = run(cfg, headers=key, context={"api_key_valid": "false"})
    assert bad.status == 403
    assert bad.cause is Cause.API_KEY
    fast = run(cfg, headers=key, rate=50, context={"usage_plan": "gold",
                                                   "usage_plan_rate": "10"})
    assert fast.status == 429
    assert "Too Many Requests" in fast.reason
    assert fast.cause is Cause.RATE_LIMIT
    used = run(cfg, headers=key, context={"usage_plan_quota": "100", "usage_plan_used": "100"})
    assert used.status == 429
    assert "Limit Exceeded" in used.reason
    ok = run(cfg, headers=key, rate=5, context={"usage_plan_rate": "10"})
    assert ok.allowed
    assert any(lim.per_second == 10 for lim in ok.limits)


def test_order_route_before_policy() -> None:
    """Documented order: a missing path answers Missing Authentication Token before the policy."""
    deny_all = policy_doc([{**ALLOW_ALL, "Effect": "Deny"}])
    api = (DATA / "openapi.yaml").read_text()
    cfg = config(deny_all, api)
    missing = run(cfg, "GET", "/nowhere")
    assert missing.status == 403
    assert missing.cause is Cause.CONFIGURATION
    denied = run(cfg, "GET", "/public")
    assert denied.status == 403
    assert denied.cause is Cause.PERMISSIONS
    assert "explicit deny" in denied.reason


def test_policy_before_api_key_and_authorizer() -> None:
    """An explicit deny refuses before the API key or authorizer is looked at."""
    cfg = config(policy_doc([ALLOW_ALL, IP_DENY]), (DATA / "openapi.yaml").read_text())
    result = run(cfg, "GET", "/reports", source_address="203.0.113.9")
    assert result.status == 403
    assert result.cause is Cause.IP_ALLOWLIST
    implicit = config(policy_doc([IP_ALLOW]), (DATA / "openapi.yaml").read_text())
    authorized = run(implicit, "GET", "/reports", source_address="203.0.113.9",
                     headers={"Authorization": "Bearer abcdefgh12345678"})
    assert authorized.allowed
    assert any("authorizer's own policy" in a
                                      for a in authorized.assumptions)


def test_invoke_url_sets_stage_api_and_region() -> None:
    """The invoke URL gives api id, region and stage; the stage is not part of the route."""
    cfg = config(policy_doc([{**ALLOW_ALL, "Resource":
                              "arn:aws:execute-api:eu-west-1:*:a1b2c3d4e5/prod/GET/*"}]),
                 (DATA / "openapi.yaml").read_text())
    ok = run(cfg, "GET", INVOKE + "/public")
    assert ok.allowed
    other = run(cfg, "GET", "https://zz.execute-api.eu-west-1.amazonaws.com/prod/public")
    assert other.status == 403
    assert "arn:aws:execute-api:eu-west-1:*:zz/prod/GET/public" \
        in other.reason


def test_swagger2_with_embedded_policy() -> None:
    """Swagger 2 securityDefinitions and an embedded x-amazon-apigateway-policy both apply."""
    cfg = files("swagger.json")
    key = {"x-api-key": "abcd1234abcd1234"}
    assert run(cfg, "GET", "/orders", headers=key, source_address="192.0.2.4").allowed
    denied = run(cfg, "GET", "/orders", headers=key, source_address="203.0.113.9")
    assert denied.status == 403
    assert denied.cause is Cause.IP_ALLOWLIST
    assert denied.rule is not None
    assert denied.rule.path == '$["x-amazon-apigateway-policy"].Statement[1]'
    assert "z9y8x7w6v5/v1/GET/orders" in denied.reason
    nokey = run(cfg, "GET", "/orders", source_address="192.0.2.4")
    assert nokey.status == 403
    assert nokey.cause is Cause.API_KEY


def test_two_different_policies_refused() -> None:
    """A separate policy differing from the embedded one is a ConfigError."""
    with pytest.raises(ConfigError, match="two resource policies"):
        files("policy.json", "swagger.json")
    with pytest.raises(ConfigError, match="two resource policies"):
        config(policy_doc([ALLOW_ALL]), policy_doc([IP_ALLOW]))


def test_looks_like_aws() -> None:
    """The sniff tells policies from exports and ignores other gateways' files."""
    assert looks_like_aws(policy_doc([ALLOW_ALL])) == "policy"
    assert looks_like_aws({"openapi": "3.0.1", "paths": {}}) == "openapi"
    assert looks_like_aws({"swagger": "2.0", "paths": {}}) == "openapi"
    assert looks_like_aws({"openapi": "3.0.3", "paths": {}, "x-tyk-api-gateway": {}}) is None
    assert looks_like_aws({"_format_version": "3.0"}) is None
    assert looks_like_aws([1]) is None


MALFORMED = [
    ('{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", '
     '"Action": "execute-api:Invoke", "Resource": "*",\n "Condition": {"IpAddress": '
     '{"aws:SourceIp": ["10.0.0.0/33"]}}}]}', "not an IP address",
     '$.Statement[0].Condition.IpAddress["aws:SourceIp"][0]', 2),
    ('{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",\n'
     '"Resource": "*", "Condition": {"IpAddressy": {"aws:SourceIp": "1.2.3.4"}}}]}',
     "unknown condition operator", "$.Statement[0].Condition.IpAddressy", 2),
    ('{"Statement": [\n{"Effect": "Alow", "Principal": "*", "Action": "x", "Resource": "*"}]}',
     "Effect must be", "$.Statement[0].Effect", 2),
    ('{"Version": "2012-10-17", "Statement": "allow everyone"}', "Statement must be",
     "$.Statement", 1),
    ('{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",\n'
     '"Resource": "arn:aws:s3:::bucket/*"}]}', "not an execute-api ARN",
     "$.Statement[0].Resource", 2),
    ('{"Statement": [{"Effect": "Allow", "Action": "execute-api:Invoke", "Resource": "*"}]}',
     "needs a Principal", "$.Statement[0]", 1),
    ('{"Statement": [{"Effect": "Allow", "Principal": "*", "Resource": "*"}]}',
     "exactly one of Action and NotAction", "$.Statement[0]", 1),
    ('{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",'
     '"Resource": "*", "Condition": {"ForSome:StringEquals": {"a:b": "c"}}}]}',
     "unknown set operator", '$.Statement[0].Condition["ForSome:StringEquals"]', 1),
    ("openapi: '3.0.1'\npaths:\n  /a:\n    get:\n      security:\n        - nope: []\n",
     "'nope' is not defined", '$.paths["/a"].get.security[0].nope', 6),
    ("openapi: '3.0.1'\npaths: []\n", "needs a paths object", "$.paths", 2),
]


@pytest.mark.parametrize(("text", "message", "path", "line"), MALFORMED)
def test_malformed_names_file_line_and_path(text: str, message: str, path: str,
                                            line: int) -> None:
    """A malformed policy or export raises ConfigError with file, line, JSON path and hint."""
    with pytest.raises(ConfigError) as info:
        run(load_aws([parse_document(text, "bad.json")]), "GET", "/a")
    error = info.value
    assert message in str(error)
    assert error.source == "bad.json"
    assert (error.path, error.line) == (path, line)
    assert error.hint


@pytest.mark.parametrize(("text", "line"), [
    ('{"Statement": [\n  {"Effect": "Allow",}\n]}', 2),
    ("openapi: 3.0.1\npaths:\n  /a: [\n", 4),
])
def test_syntax_errors_name_line(text: str, line: int) -> None:
    """Invalid JSON/YAML is a ConfigError naming the file and the line."""
    with pytest.raises(ConfigError) as info:
        load_aws([parse_document(text, "broken.json")])
    assert info.value.source == "broken.json"
    assert info.value.line == line


def test_unknown_document_refused() -> None:
    """A JSON file that is neither a policy nor an export is refused by name."""
    with pytest.raises(ConfigError, match="neither an IAM resource policy"):
        load_aws([parse_document('{"hello": 1}', "x.json")])


CANARY = "canary-KEY-0f9e8d7c6b5a4f3e"


@pytest.mark.parametrize(("method", "path", "headers"), [
    ("GET", "/pets", {"x-api-key": CANARY}),
    ("DELETE", "/pets", {"x-api-key": CANARY}),
    ("GET", f"/reports?api_key={CANARY}", {"Authorization": f"Bearer {CANARY}"}),
    ("GET", "/iam", {"Authorization": f"AWS4-HMAC-SHA256 Signature={CANARY}"}),
    ("GET", "/public", {"x-api-key": CANARY}),
])
def test_canary_key_never_leaks(method: str, path: str, headers: dict[str, str]) -> None:
    """Keys and tokens the request carries appear in no output of the audit."""
    cfg = config(policy_doc([IP_ALLOW]), (DATA / "openapi.yaml").read_text())
    for address in ("198.51.100.7", "203.0.113.9"):
        result = run(cfg, method, path, headers=headers, source_address=address)
        text = json.dumps(result.to_dict()) + str(result.rule) + repr(result.steps)
        assert CANARY not in text


def fixed(statements: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return copy.deepcopy(statements)


def test_fix_implicit_ip_deny() -> None:
    """Adding the address the fix names to the Allow's IpAddress lets the request through."""
    statements = [IP_ALLOW]
    denied = run(config(policy_doc(statements)), source_address="203.0.113.9")
    assert "add 203.0.113.9/32 to IpAddress aws:SourceIp of the Allow statement " \
           "$.Statement[0]" in denied.fix
    patched = fixed(statements)
    patched[0]["Condition"]["IpAddress"]["aws:SourceIp"].append("203.0.113.9/32")
    assert run(config(policy_doc(patched)), source_address="203.0.113.9").allowed


def test_fix_not_ip_deny() -> None:
    """Adding the address to the Deny's NotIpAddress list stops the explicit deny."""
    statements = [ALLOW_ALL, NOT_IP_DENY]
    denied = run(config(policy_doc(statements)), source_address="203.0.113.9")
    assert "add 203.0.113.9/32 to NotIpAddress aws:SourceIp of the Deny statement " \
           "$.Statement[1]" in denied.fix
    patched = fixed(statements)
    patched[1]["Condition"]["NotIpAddress"]["aws:SourceIp"].append("203.0.113.9/32")
    assert run(config(policy_doc(patched)), source_address="203.0.113.9").allowed


def test_fix_ip_deny_and_unconditional_deny() -> None:
    """Removing the matching entry, or the unconditional Deny the fix names, allows."""
    statements = [ALLOW_ALL, IP_DENY]
    denied = run(config(policy_doc(statements)), source_address="203.0.113.9")
    assert "remove 203.0.113.9 from IpAddress aws:SourceIp" in denied.fix
    patched = fixed(statements)
    patched[1]["Condition"]["IpAddress"]["aws:SourceIp"] = "198.51.100.1"
    assert run(config(policy_doc(patched)), source_address="203.0.113.9").allowed
    deletes = [ALLOW_ALL, {**ALLOW_ALL, "Effect": "Deny", "Resource": "execute-api:/*/DELETE/*"}]
    refused = run(config(policy_doc(deletes)), "DELETE", "/pets/1")
    assert "remove the Deny statement $.Statement[1]" in refused.fix
    assert run(config(policy_doc(deletes[:1])), "DELETE", "/pets/1").allowed


def test_fix_resource_and_vpce() -> None:
    """A missing Resource gets the shorthand ARN; a missing VPC endpoint names the endpoint."""
    statements = [{**ALLOW_ALL, "Resource": "execute-api:/prod/GET/pets"}]
    denied = run(config(policy_doc(statements)), "GET", INVOKE + "/orders")
    assert 'add "execute-api:/prod/GET/orders" to the Resource' in denied.fix
    patched = fixed(statements)
    patched[0]["Resource"] = [patched[0]["Resource"], "execute-api:/prod/GET/orders"]
    assert run(config(policy_doc(patched)), "GET", INVOKE + "/orders").allowed
    vpce = run(config(policy_doc([VPCE_ALLOW])))
    assert "call the API through VPC endpoint vpce-1a2b" in vpce.fix
    assert run(config(policy_doc([VPCE_ALLOW])),
               context={"aws:SourceVpce": "vpce-1a2b"}).allowed


def test_fix_missing_method_and_key() -> None:
    """Adding the method the fix names to the export, or sending the key, lets it through."""
    text = (DATA / "openapi.yaml").read_text()
    denied = run(config(text), "DELETE", "/pets/1", headers={"x-api-key": "k" * 20})
    assert "add DELETE to /pets/{id}" in denied.fix
    patched = text.replace("  /pets/{id}:\n    get:\n",
                           "  /pets/{id}:\n    delete:\n      responses: {}\n    get:\n")
    assert run(config(patched), "DELETE", "/pets/1", headers={"x-api-key": "k" * 20}).allowed
    nokey = run(config(text), "GET", "/pets")
    assert nokey.fix.startswith("send header x-api-key")
    assert run(config(text), "GET", "/pets", headers={"x-api-key": "k" * 20}).allowed


def test_kit_audit_detects_aws_files() -> None:
    """kit.audit reads the policy and export from files and answers like evaluate."""
    result = audit([DATA / "policy.json", DATA / "openapi.yaml"], method="GET", url="/pets",
                   source_address="198.51.100.7", headers={"x-api-key": "k" * 20})
    assert result.kind == "aws"
    assert result.allowed
    assert result.status == 200
    assert result.config is not None
    assert set(result.config.lines()) == {
        str(DATA / "policy.json"), str(DATA / "openapi.yaml")}
    assert any("usage plan" in a for a in result.assumptions)


def test_unknown_target_parts_are_assumptions() -> None:
    """A bare path with no export says which ARN parts it could not know."""
    result = run(config(policy_doc([ALLOW_ALL])), "GET", "/pets")
    assert result.allowed
    assert any("stage, api_id, region, account_id" in a for a in result.assumptions)


SIGNED = {"Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/x, Signature=abc"}
ALICE = "arn:aws:iam::111122223333:user/alice"
MALLORY = "arn:aws:iam::444455556666:user/mallory"


@pytest.mark.parametrize(("statements", "identity", "allowed", "note"), [
    ([{**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::111122223333:root"}}], ALICE, True,
     ""),
    ([IP_ALLOW], ALICE, True, "caller's own IAM policy"),
    ([IP_ALLOW], MALLORY, False, ""),
    ([{**ALLOW_ALL, "Principal": {"AWS": MALLORY}}], MALLORY, True, ""),
    ([ALLOW_ALL, {**ALLOW_ALL, "Effect": "Deny", "Principal": {"AWS": MALLORY}}], MALLORY,
     False, ""),
])
def test_aws_iam_methods(statements: list[dict[str, Any]], identity: str, allowed: bool,
                         note: str) -> None:
    """AWS_IAM: the signed caller is the principal; same account needs one allow, cross-account
    needs the resource policy's allow (Tables A and B)."""
    cfg = config(policy_doc(statements), (DATA / "openapi.yaml").read_text())
    result = run(cfg, "GET", "/iam", headers=SIGNED, identity=identity,
                 context={"account_id": "111122223333"}, source_address="203.0.113.9")
    assert result.allowed is allowed, result.reason
    if not allowed:
        assert result.status == 403
        assert f"User: {identity} is not authorized" in result.reason
    assert not note or any(note in a for a in result.assumptions)


def test_principal_needs_iam_on_the_method() -> None:
    """Without AWS_IAM on the method the caller is anonymous, so a named Principal never
    matches; the fix says to allow "*"."""
    statements = [{**ALLOW_ALL, "Principal": {"AWS": ALICE}}]
    result = run(config(policy_doc(statements), (DATA / "openapi.yaml").read_text()),
                 "GET", "/public", identity=ALICE)
    assert result.status == 403
    assert result.cause is Cause.PERMISSIONS
    assert 'add "*" as Principal' in result.fix
    assert "User: anonymous" in result.reason


def test_iam_unsigned_is_missing_token_before_policy() -> None:
    """An unsigned call to an AWS_IAM method gets Missing Authentication Token, not the policy."""
    cfg = config(policy_doc([ALLOW_ALL, IP_DENY]), (DATA / "openapi.yaml").read_text())
    result = run(cfg, "GET", "/iam", source_address="203.0.113.9")
    assert result.status == 403
    assert result.cause is Cause.AUTHENTICATION
    assert "Missing Authentication Token" in result.reason
    assert result.fix.startswith("sign the request with AWS Signature Version 4")


AUTHORIZERS = """openapi: "3.0.1"
paths:
  /a:
    get:
      security: [{cognito: []}]
  /b:
    get:
      security: [{uncached: []}]
  /c:
    get:
      security: [{"token": []}, {"key": []}]
components:
  securitySchemes:
    cognito:
      type: apiKey
      name: Authorization
      in: header
      x-amazon-apigateway-authtype: cognito_user_pools
      x-amazon-apigateway-authorizer:
        type: cognito_user_pools
        providerARNs: [arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_x]
    uncached:
      type: apiKey
      name: Unused
      in: header
      x-amazon-apigateway-authorizer:
        type: request
        identitySource: method.request.header.X-Tenant
        authorizerResultTtlInSeconds: 0
    token:
      type: apiKey
      name: X-Token
      in: header
      x-amazon-apigateway-authorizer: {type: token}
    key:
      type: apiKey
      name: x-api-key
      in: header
x-amazon-apigateway-gateway-responses:
  UNAUTHORIZED:
    statusCode: 407
"""


@pytest.mark.parametrize(("path", "headers", "status", "cause"), [
    ("/a", {}, 407, Cause.AUTHENTICATION),  # Cognito header missing; status overridden
    ("/a", {"Authorization": "eyJhbGciOi.e30.sig"}, 200, None),
    ("/b", {}, 200, None),  # REQUEST authorizer without caching: identity source optional
    ("/c", {}, 407, Cause.AUTHENTICATION),  # the authorizer answers before the key check
    ("/c", {"X-Token": "t0k3n-value"}, 403, Cause.API_KEY),
    ("/c", {"X-Token": "t0k3n-value", "x-api-key": "abcd1234abcd1234"}, 200, None),
])
def test_authorizer_kinds_and_gateway_response_override(path: str, headers: dict[str, str],
                                                        status: int,
                                                        cause: Cause | None) -> None:
    """Cognito, uncached REQUEST and TOKEN authorizers, then the API key, in API Gateway's
    order; x-amazon-apigateway-gateway-responses overrides a status."""
    result = run(config(AUTHORIZERS), "GET", path, headers=headers)
    assert (result.status, result.cause) == (status, cause), result.reason


def test_steps_follow_the_documented_order() -> None:
    """The trace reads route, policy statements, then the API key, in that order."""
    cfg = config(policy_doc([ALLOW_ALL]), (DATA / "openapi.yaml").read_text())
    result = run(cfg, "GET", "/pets/1", headers={"x-api-key": "abcd1234abcd1234"})
    assert result.allowed
    assert [s.effect for s in result.steps] == ["pass", "allow", "pass"]
    assert result.steps[0].rule.path == '$.paths["/pets/{id}"].get'
    assert result.steps[1].rule.path == "$.Statement[0]"
    assert result.steps[2].rule.path == "$.security"
    assert any(lim.per_second == 10000 and lim.status == 429 for lim in result.limits)


def test_custom_domain_base_path() -> None:
    """A custom domain's base path given in context is stripped before the route lookup."""
    cfg = files("openapi.yaml")
    result = run(cfg, "GET", "https://api.example.com/pets-api/public",
                 context={"base_path": "pets-api"})
    assert result.allowed
    assert any("custom domain" in a for a in result.assumptions)


def test_root_resource_and_root_greedy() -> None:
    """The root resource "/" matches only the root; a root {proxy+} takes anything else."""
    text = ('openapi: "3.0.1"\npaths:\n  /:\n    get: {}\n  /{proxy+}:\n'
            '    x-amazon-apigateway-any-method: {}\n  /health:\n    get: {}\n')
    cfg = config(text)
    assert run(cfg, "GET", "/").rule.path == '$.paths["/"].get'
    assert run(cfg, "GET", "/health").rule.path == '$.paths["/health"].get'
    deep = run(cfg, "POST", "/a/b")
    assert deep.rule.path == '$.paths["/{proxy+}"]["x-amazon-apigateway-any-method"]'
    assert run(cfg, "POST", "/").status == 403


def test_fix_names_the_failing_value_of_a_set() -> None:
    """ForAllValues: the fix adds the request value that is missing from the list."""
    statements = [with_condition("Allow", {"ForAllValues:StringEquals":
                                           {"aws:TagKeys": ["a", "b"]}})]
    denied = run(config(policy_doc(statements)), context={"aws:TagKeys": "a,c"})
    assert denied.fix.startswith("add c to ForAllValues:StringEquals aws:TagKeys")
    patched = fixed(statements)
    patched[0]["Condition"]["ForAllValues:StringEquals"]["aws:TagKeys"].append("c")
    assert run(config(policy_doc(patched)), context={"aws:TagKeys": "a,c"}).allowed


def test_null_deny_fix_names_the_key() -> None:
    """A Null deny on a missing key asks for that key, not for a value named "true"."""
    denied = run(config(policy_doc([ALLOW_ALL, with_condition(
        "Deny", {"Null": {"aws:SourceVpce": "true"}})])))
    assert denied.fix.startswith("send the request with aws:SourceVpce")
    assert "endpoint true" not in denied.fix


def test_assumed_role_session_matches_role_principal() -> None:
    """An STS session of a role is covered by a Principal naming the role."""
    statements = [{**ALLOW_ALL, "Principal": {"AWS": "arn:aws:iam::111122223333:role/Reader"}}]
    cfg = config(policy_doc(statements))
    session = "arn:aws:sts::111122223333:assumed-role/Reader/alice"
    assert run(cfg, identity=session).allowed
    assert not run(cfg, identity="arn:aws:sts::111122223333:assumed-role/Writer/bob").allowed


def test_masked_key_from_a_diagnosis_is_present_value_unknown() -> None:
    """A masked x-api-key counts as sent; whether it is valid stays an assumption."""
    from kit._http.secrets import mask

    result = run(files("openapi.yaml"), "GET", "/pets",
                 headers={"x-api-key": mask("sbx_live_7Hq2Vx9LmP4tRw8Ys3Kd6Nf1Zc5Bj0Ga")})
    assert result.allowed
    assert any("usage plan" in a for a in result.assumptions)
