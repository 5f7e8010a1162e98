"""API Gateway resource policies (IAM policy JSON): parse, then decide execute-api:Invoke.

IAM evaluation logic (IAM User Guide, "Policy evaluation logic",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
a statement applies when its Action/NotAction, Resource/NotResource, Principal/NotPrincipal
and every Condition match; any applying Deny wins ("explicit deny"), else any applying Allow
allows, else the request is implicitly denied.

Resources are method ARNs, ``arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}
/{path}`` ("Resource format of permissions for executing API in API Gateway",
https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-control-access-using-iam-policies-to-invoke-api.html);
API Gateway expands the shorthand ``execute-api:/{stage}/{METHOD}/{path}`` to this API's ARN
("Access policy language overview for Amazon API Gateway",
https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-policy-language-overview.html).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ..document import Document
from ..model import ConfigError, RuleRef
from .arn import SHORTHAND, MethodArn
from .cond import Test, glob_match, parse_condition

ACTION = "execute-api:Invoke"
Keys = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Statement:
    index: int
    keys: Keys  # JSON path of the statement
    effect: str  # "Allow" / "Deny"
    sid: str
    actions: tuple[str, ...]
    not_action: bool
    resources: tuple[str, ...]
    not_resource: bool
    principals: tuple[str, ...]  # "*" for everyone; IAM ARNs or account ids
    not_principal: bool
    tests: tuple[Test, ...]

    @property
    def label(self) -> str:
        return f"$.Statement[{self.index}]" + (f" (Sid {self.sid})" if self.sid else "")


@dataclass(frozen=True, slots=True)
class Check:
    """How one statement fared against the request."""

    statement: Statement
    scope_miss: str  # "" when action, resource and principal all match
    failed: tuple[Test, ...]  # conditions that do not hold
    held: tuple[Test, ...]

    @property
    def applies(self) -> bool:
        return not self.scope_miss and not self.failed


@dataclass(frozen=True, slots=True)
class Policy:
    document: Document
    keys: Keys  # where the policy sits in its document: () or ("x-amazon-apigateway-policy",)
    statements: tuple[Statement, ...]

    def ref(self, statement: Statement | None) -> RuleRef:
        if statement is None:
            return self.document.ref(self.keys, "resource policy")
        return self.document.ref(statement.keys, _summary(statement))

    def evaluate(self, arn: MethodArn, principal: str | None,
                 context: Mapping[str, Sequence[str]]) -> tuple[str, Check | None, list[Check]]:
        """("deny" | "allow" | "implicit", deciding check, every check in order)."""
        checks = [_check(s, arn, principal, context) for s in self.statements]
        deny = next((c for c in checks if c.applies and c.statement.effect == "Deny"), None)
        if deny:
            return "deny", deny, checks
        allow = next((c for c in checks if c.applies), None)
        if allow:
            return "allow", allow, checks
        return "implicit", _closest(checks), checks


def _closest(checks: list[Check]) -> Check | None:
    """The Allow that came nearest: scope matched but a condition failed, else any Allow."""
    allows = [c for c in checks if c.statement.effect == "Allow"]
    return next((c for c in allows if not c.scope_miss), allows[0] if allows else None)


def _check(s: Statement, arn: MethodArn, principal: str | None,
           context: Mapping[str, Sequence[str]]) -> Check:
    miss = ""
    action_hit = any(glob_match(a, ACTION, ignore_case=True) for a in s.actions)
    if action_hit == s.not_action:
        miss = f"{'NotAction' if s.not_action else 'Action'} does not cover {ACTION}"
    elif any(arn.covered_by(r) for r in s.resources) == s.not_resource:
        miss = f"{'NotResource' if s.not_resource else 'Resource'} does not cover {arn.text()}"
    elif _principal_hit(s.principals, principal) == s.not_principal:
        who = principal or "anonymous"
        miss = f"{'NotPrincipal' if s.not_principal else 'Principal'} does not cover {who}"
    failed = tuple(t for t in s.tests if not t.holds(context))
    held = tuple(t for t in s.tests if t not in failed)
    return Check(s, miss, failed, held)


def _principal_hit(principals: tuple[str, ...], principal: str | None) -> bool:
    """"*", the caller's ARN, its account (id or :root), or the role of an STS session."""
    if "*" in principals:
        return True
    if principal is None:
        return False
    account = principal.split(":")[4] if principal.count(":") >= 5 else ""
    names = {principal, account, f"arn:aws:iam::{account}:root"}
    session = principal.split(":", 5)[-1]
    if session.startswith("assumed-role/"):  # arn:aws:sts::111:assumed-role/Role/session
        names.add(f"arn:aws:iam::{account}:role/{session.split('/')[1]}")
    return any(entry in names for entry in principals)


def _summary(s: Statement) -> str:
    words = [s.effect, ("NotAction " if s.not_action else "") + ",".join(s.actions),
             ("NotResource " if s.not_resource else "") + ",".join(s.resources)]
    words += [t.describe() for t in s.tests]
    return (f"{s.sid}: " if s.sid else "") + " ".join(words)


def parse_policy(doc: Document, keys: Keys = ()) -> Policy:
    """The policy at ``keys`` of ``doc``; ConfigError (file, line, JSON path) when malformed."""
    data = doc.get(keys)
    if isinstance(data, str):  # an export may carry the policy as an escaped JSON string
        raise _error(doc, keys, "the policy is a string, not an object",
                     "paste the policy document itself (a JSON object)")
    if not isinstance(data, dict):
        raise _error(doc, keys, "a resource policy must be an object",
                     'write {"Version": "2012-10-17", "Statement": [...]}')
    raw = data.get("Statement")
    if isinstance(raw, dict):
        items: list[tuple[Keys, object]] = [((*keys, "Statement"), raw)]
    elif isinstance(raw, list) and raw:
        items = [((*keys, "Statement", i), s) for i, s in enumerate(raw)]
    else:
        raise _error(doc, (*keys, "Statement"), "Statement must be a statement object or a "
                     "non-empty list of them", 'write "Statement": [{"Effect": "Allow", ...}]')
    return Policy(doc, keys, tuple(_statement(doc, k, s, i) for i, (k, s) in enumerate(items)))


def _statement(doc: Document, keys: Keys, raw: object, index: int) -> Statement:
    if not isinstance(raw, dict):
        raise _error(doc, keys, "a statement must be an object", 'write {"Effect": ...}')
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise _error(doc, (*keys, "Effect"), f"Effect must be \"Allow\" or \"Deny\", not "
                     f"{effect!r}", 'write "Effect": "Allow" or "Effect": "Deny" (exact case)')
    actions, not_action = _pair(doc, keys, raw, "Action", "NotAction")
    resources, not_resource = _pair(doc, keys, raw, "Resource", "NotResource")
    field = "NotResource" if not_resource else "Resource"
    for i, res in enumerate(resources):
        at = (*keys, field, i) if isinstance(raw[field], list) else (*keys, field)
        _check_arn(doc, at, res)
    principals, not_principal = _principals(doc, keys, raw)
    tests = parse_condition(doc, (*keys, "Condition")) if "Condition" in raw else ()
    return Statement(index, keys, effect, str(raw.get("Sid") or ""), actions, not_action,
                     resources, not_resource, principals, not_principal, tests)


def _pair(doc: Document, keys: Keys, raw: dict[str, object], name: str,
          negated: str) -> tuple[tuple[str, ...], bool]:
    if (name in raw) == (negated in raw):
        raise _error(doc, keys, f"a statement needs exactly one of {name} and {negated}",
                     f'add "{name}": ' + ('"execute-api:Invoke"' if name == "Action"
                                          else '"execute-api:/*"'))
    field = name if name in raw else negated
    value = raw[field]
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise _error(doc, (*keys, field), f"{field} must be text or a list of text",
                     f'write "{field}": ["..."]')
    return tuple(values), field == negated


def _principals(doc: Document, keys: Keys, raw: dict[str, object]) -> tuple[tuple[str, ...], bool]:
    field = "Principal" if "Principal" in raw else "NotPrincipal" if "NotPrincipal" in raw \
        else None
    if field is None:
        raise _error(doc, keys, "a resource policy statement needs a Principal",
                     'add "Principal": "*" (everyone; conditions then narrow it down)')
    value = raw[field]
    if value == "*":
        return ("*",), field == "NotPrincipal"
    if not isinstance(value, dict) or not value:
        raise _error(doc, (*keys, field), f"{field} must be \"*\" or an object like "
                     '{"AWS": [...]}',
                     f'write "{field}": {{"AWS": "arn:aws:iam::111122223333:root"}}')
    out: list[str] = []
    for kind, entries in value.items():
        items = [entries] if isinstance(entries, str) else entries
        if not isinstance(items, list) or not all(isinstance(e, str) for e in items):
            raise _error(doc, (*keys, field, kind), f"{field}.{kind} must be text or a list of "
                         "text", "list ARNs or account ids")
        if kind == "AWS":
            out += items  # Service/Federated/CanonicalUser principals never match a caller here
    return tuple(out), field == "NotPrincipal"


def _check_arn(doc: Document, keys: Keys, resource: str) -> None:
    if resource == "*" or resource.startswith(SHORTHAND):
        return
    parts = resource.split(":", 5)
    if len(parts) == 6 and parts[0] == "arn" and glob_match(parts[2], "execute-api"):
        return
    raise _error(doc, keys, f"{resource!r} is not an execute-api ARN",
                 "write arn:aws:execute-api:{region}:{account}:{api-id}/{stage}/{METHOD}/{path} "
                 "or the shorthand execute-api:/{stage}/{METHOD}/{path}")


def _error(doc: Document, keys: Keys, message: str, hint: str) -> ConfigError:
    ref = doc.ref(keys)
    return ConfigError(message, source=doc.source, line=ref.line, path=ref.path, hint=hint)
