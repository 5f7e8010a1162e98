"""IAM Condition blocks: the operators, checked at load time and decided against a request.

Rules (IAM User Guide, "IAM JSON policy elements: Condition operators",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html,
and "Condition", reference_policies_elements_condition.html):
- several operators in one block, and several keys under one operator, are ANDed;
  several values for one key are ORed (for a negated operator: the key must match none);
- a key missing from the request context makes a positive operator false and a negated one
  (StringNotEquals, NotIpAddress, ArnNotLike...) true; ``...IfExists`` makes a missing key
  true; ``Null`` tests presence itself;
- ``ForAnyValue:`` is true when any request value satisfies the operator (false for an empty
  or missing key), ``ForAllValues:`` when every one does (true for an empty or missing key);
- condition keys are case-insensitive, values are case-sensitive unless ``...IgnoreCase``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from ..document import Document
from ..model import ConfigError

Compare = Callable[[str, str], bool]


@lru_cache(maxsize=8192)  # a policy may hold thousands of resource patterns
def _glob(pattern: str, ignore_case: bool = False) -> re.Pattern[str]:
    """IAM wildcards: ``*`` any run of characters, ``?`` one character."""
    body = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.compile(body, re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, ignore_case: bool = False) -> bool:
    return _glob(pattern, ignore_case).fullmatch(value) is not None


def arn_like(pattern: str, value: str) -> bool:
    """ArnLike: each of the six colon-separated parts matched on its own (wildcards allowed)."""
    pats, vals = pattern.split(":", 5), value.split(":", 5)
    if len(pats) != len(vals):
        return pattern == "*"
    return all(glob_match(p, v) for p, v in zip(pats, vals, strict=True))


def _ip(policy: str, value: str) -> bool:
    network, address = _network(policy), _address(value)
    return network is not None and address is not None and address in network


@lru_cache(maxsize=8192)
def _network(text: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network | None:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None


@lru_cache(maxsize=256)
def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _typed(parse: Callable[[str], Any], op: Callable[[Any, Any], bool]) -> Compare:
    """A Numeric/Date comparison: both sides parsed; a value that does not parse never holds."""
    def compare(policy: str, value: str) -> bool:
        try:
            return op(parse(value), parse(policy))
        except ValueError:
            return False
    return compare


def _num(op: Callable[[float, float], bool]) -> Compare:
    return _typed(float, op)


def _date(op: Callable[[dt.datetime, dt.datetime], bool]) -> Compare:
    return _typed(_when, op)


def _when(text: str) -> dt.datetime:
    if text.isdigit():
        return dt.datetime.fromtimestamp(int(text), dt.UTC)
    out = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return out if out.tzinfo else out.replace(tzinfo=dt.UTC)


# operator (without IfExists / set prefix) -> (compare(policy_value, request_value), negated)
# Source: the operator tables of reference_policies_elements_condition_operators.html.
OPERATORS: Mapping[str, tuple[Compare, bool]] = {
    "StringEquals": (lambda p, v: p == v, False),
    "StringNotEquals": (lambda p, v: p == v, True),
    "StringEqualsIgnoreCase": (lambda p, v: p.lower() == v.lower(), False),
    "StringNotEqualsIgnoreCase": (lambda p, v: p.lower() == v.lower(), True),
    "StringLike": (glob_match, False),
    "StringNotLike": (glob_match, True),
    "NumericEquals": (_num(lambda a, b: a == b), False),
    "NumericNotEquals": (_num(lambda a, b: a == b), True),
    "NumericLessThan": (_num(lambda a, b: a < b), False),
    "NumericLessThanEquals": (_num(lambda a, b: a <= b), False),
    "NumericGreaterThan": (_num(lambda a, b: a > b), False),
    "NumericGreaterThanEquals": (_num(lambda a, b: a >= b), False),
    "DateEquals": (_date(lambda a, b: a == b), False),
    "DateNotEquals": (_date(lambda a, b: a == b), True),
    "DateLessThan": (_date(lambda a, b: a < b), False),
    "DateLessThanEquals": (_date(lambda a, b: a <= b), False),
    "DateGreaterThan": (_date(lambda a, b: a > b), False),
    "DateGreaterThanEquals": (_date(lambda a, b: a >= b), False),
    "Bool": (lambda p, v: p.lower() == v.lower(), False),
    "BinaryEquals": (lambda p, v: p == v, False),
    "IpAddress": (_ip, False),
    "NotIpAddress": (_ip, True),
    "ArnEquals": (arn_like, False), "ArnLike": (arn_like, False),
    "ArnNotEquals": (arn_like, True), "ArnNotLike": (arn_like, True),
    "Null": (lambda p, v: True, False),  # decided on presence, see Test.holds
}


@dataclass(frozen=True, slots=True)
class Test:
    """One key under one operator: ``"NotIpAddress": {"aws:SourceIp": [...]}``."""

    operator: str  # as written, e.g. "ForAnyValue:StringLikeIfExists"
    base: str  # "StringLike"
    key: str  # as written, e.g. "aws:SourceIp"
    values: tuple[str, ...]
    keys: tuple[str | int, ...]  # JSON path of the key inside the document
    if_exists: bool = False
    qualifier: str = ""  # "", "ForAnyValue", "ForAllValues"

    @property
    def negated(self) -> bool:
        return OPERATORS[self.base][1]

    def holds(self, context: Mapping[str, Sequence[str]]) -> bool:
        found = context.get(self.key.lower())
        if self.base == "Null":
            return (found is None) == (self.values[0].lower() == "true")
        if found is None:
            if self.qualifier == "ForAllValues":
                return True
            if self.qualifier == "ForAnyValue":
                return False
            return self.if_exists or self.negated
        compare, negated = OPERATORS[self.base]

        def one(value: str) -> bool:
            hit = any(compare(p, value) for p in self.values)
            return not hit if negated else hit

        if self.qualifier == "ForAllValues":
            return all(one(v) for v in found)
        return any(one(v) for v in found)

    def describe(self) -> str:
        shown = self.values[0] if len(self.values) == 1 else list(self.values)
        return f"{self.operator} {self.key} {shown}"


def parse_condition(doc: Document, keys: tuple[str | int, ...]) -> tuple[Test, ...]:
    """The tests of the Condition block at ``keys``; ConfigError when malformed."""
    block = doc.get(keys)
    if not isinstance(block, dict):
        raise _error(doc, keys, "Condition must be an object of operators",
                     'write "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}')
    tests: list[Test] = []
    for operator, body in block.items():
        where = (*keys, operator)
        qualifier, _, rest = str(operator).rpartition(":")
        if qualifier not in ("", "ForAnyValue", "ForAllValues"):
            raise _error(doc, where, f"unknown set operator {qualifier!r}",
                         "use ForAnyValue: or ForAllValues:")
        base = rest[:-8] if rest.endswith("IfExists") and rest != "IfExists" else rest
        if base not in OPERATORS or (base == "Null" and rest != base):
            raise _error(doc, where, f"unknown condition operator {operator!r}",
                         "use one of " + ", ".join(sorted(OPERATORS)) + " (optionally with "
                         "IfExists, ForAnyValue:/ForAllValues:)")
        if not isinstance(body, dict) or not body:
            raise _error(doc, where, f"{operator} must map condition keys to values",
                         f'write "{operator}": {{"aws:SourceIp": ["203.0.113.0/24"]}}')
        for key, raw in body.items():
            values = [raw] if not isinstance(raw, list) else raw
            if not values or not all(isinstance(v, str | int | float | bool) for v in values):
                raise _error(doc, (*where, key), f"the values of {key} must be text or a list "
                             "of text", 'write ["value1", "value2"]')
            texts = tuple(str(v).lower() if isinstance(v, bool) else str(v) for v in values)
            if base in ("IpAddress", "NotIpAddress"):
                for index, text in enumerate(texts):
                    try:
                        ipaddress.ip_network(text, strict=False)
                    except ValueError:
                        at = (*where, key, index) if isinstance(raw, list) else (*where, key)
                        raise _error(doc, at, f"{text!r} is not an IP address or CIDR range",
                                     "write an address like 203.0.113.9 or a range like "
                                     "203.0.113.0/24 (IPv6: 2001:db8::/32)") from None
            tests.append(Test(str(operator), base, str(key), texts, (*where, str(key)),
                              rest != base, qualifier))
    return tuple(tests)


def _error(doc: Document, keys: tuple[str | int, ...], message: str, hint: str) -> ConfigError:
    ref = doc.ref(keys)
    return ConfigError(message, source=doc.source, line=ref.line, path=ref.path, hint=hint)
