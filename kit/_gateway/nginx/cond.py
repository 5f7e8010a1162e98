"""nginx ``if (...)`` conditions (ngx_http_rewrite_module.c, ngx_http_rewrite_if_condition).

https://nginx.org/en/docs/http/ngx_http_rewrite_module.html#if: a variable alone is false
when empty or "0"; ``=``/``!=`` compare strings; ``~``/``~*``/``!~``/``!~*`` match a regex
(captures become $1..$9); ``-f``/``-d``/``-e``/``-x`` (and ``!``) test files, which an
offline audit cannot do: they are assumed false and recorded as an assumption.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..._http.secrets import mask
from .maps import compile_regex, is_secret_variable
from .syntax import Directive
from .vars import State, expand, variables_in

_OPS = ("=", "!=", "~", "~*", "!~", "!~*")
_FILE_TESTS = ("-f", "!-f", "-d", "!-d", "-e", "!-e", "-x", "!-x")


@dataclass(frozen=True)
class Condition:
    """One parsed ``if`` condition."""

    subject: str  # a variable (or, for file tests, a path template)
    op: str  # "" (truthiness), one of _OPS, or a file test
    operand: str = ""
    regex: re.Pattern[str] | None = None

    @property
    def text(self) -> str:
        if self.op in _FILE_TESTS:
            return f"{self.op} {self.subject}"
        if not self.op:
            return self.subject
        operand = self.operand if self.operand and " " not in self.operand else \
            '"' + self.operand.replace('"', '\\"') + '"'
        return f"{self.subject} {self.op} {operand}"

    def variables(self) -> list[str]:
        return variables_in(self.subject) + variables_in(self.operand)


def parse_condition(d: Directive) -> Condition:
    """Parse the arguments of ``if`` the way nginx does (parentheses may be separate)."""
    args = list(d.args)
    hint = 'write it as if ($variable = "value") { ... }'
    if not args or not args[0].startswith("(") or not args[-1].endswith(")"):
        raise d.error("invalid condition: it must be in parentheses", hint)
    args[0] = args[0][1:]
    args[-1] = args[-1][:-1]
    args = [a for i, a in enumerate(args) if a or i not in (0, len(args) - 1)]
    if d.block is None:
        raise d.error("if needs a { ... } block", hint)
    if len(args) == 1 and args[0].startswith("$"):
        return Condition(args[0], "")
    if len(args) == 2 and args[0] in _FILE_TESTS:
        return Condition(args[1], args[0])
    if len(args) == 3 and args[1] in _OPS and args[0].startswith("$"):
        regex = None
        if "~" in args[1]:
            regex = compile_regex(args[2], args[1].endswith("*"), d)
        return Condition(args[0], args[1], args[2], regex)
    shown = d.args
    if any(_secret(a.strip("()")) for a in d.args):  # never echo a key compared with a header
        shown = tuple(a if a.strip("()").startswith("$") or a in _OPS else mask(a)
                      for a in d.args)
    raise d.error(f'invalid condition "{" ".join(shown)}"', hint)


def holds(cond: Condition, st: State) -> tuple[bool, str]:
    """Whether the condition is true for this request, and why, in words."""
    if cond.op in _FILE_TESTS:
        st.assume(f"the file test `{cond.text}` cannot be checked offline: assumed false")
        return False, f"{cond.text} is a file test (assumed false)"
    value = expand(cond.subject, st)
    shown = _show(cond.subject, value)
    if cond.op == "":
        truth = value not in ("", "0")
        return truth, f"{cond.subject} is {shown}: {'true' if truth else 'false'}"
    if cond.regex is not None:
        match = cond.regex.search(value)
        truth = (match is not None) != cond.op.startswith("!")
        if match is not None and not cond.op.startswith("!"):
            st.set_match(match)
        return truth, f"{cond.subject} ({shown}) {cond.op} {cond.operand}: {str(truth).lower()}"
    operand = expand(cond.operand, st)
    truth = (value == operand) != (cond.op == "!=")
    said = "the value written in the config" if _secret(cond.subject) else _show(
        cond.operand, operand)
    return truth, f"{cond.subject} ({shown}) {cond.op} {said}: {str(truth).lower()}"


def _secret(template: str) -> bool:
    return any(is_secret_variable("$" + v) for v in variables_in(template))


def _show(template: str, value: str) -> str:
    if _secret(template):
        return "present" if value else "empty"
    return f'"{value}"'
