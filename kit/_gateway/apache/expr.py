"""httpd's ``ap_expr`` (``<If>``, ``Require expr``, ``RewriteCond expr``): the subset read here.

Supported (docs: httpd.apache.org/docs/2.4/expr.html): ``true``/``false``, ``!``, ``&&``,
``||``, parentheses; string and number comparisons ``==`` ``!=`` ``=`` ``<`` ``<=`` ``>``
``>=`` ``-eq`` ``-ne`` ``-lt`` ``-le`` ``-gt`` ``-ge``; ``=~``/``!~`` with ``/re/`` or
``m#re#`` (``i`` flag); ``-ipmatch``, ``-strmatch``, ``-strcmatch``, ``-R``, ``-n``, ``-z``,
``in { 'a', 'b' }``; words: quoted strings with ``%{VAR}`` inside, ``%{VAR}``, ``%{HTTP:h}``,
``%{ENV:v}``, numbers, ``req('h')``/``http('h')``/``env('v')``/``tolower()``/``toupper()``.
Anything else raises ``ExprError`` (the caller says the expression was not understood).
"""

from __future__ import annotations

import fnmatch
import ipaddress
import re
from collections.abc import Callable

Lookup = Callable[[str], str]


class ExprError(ValueError):
    """An expression (or part of one) outside the supported subset."""


_TOKEN = re.compile(r"""\s*(?:(?P<str>'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")
    |(?P<re>m?(?P<d>[/#]).+?(?P=d)i?(?=\s|\)|$))
    |(?P<var>%\{[^}]*\})
    |(?P<op>&&|\|\||==|!=|=~|!~|<=|>=|-[a-zA-Z]+|[()!<>=,{}])
    |(?P<word>[\w.:/*+-]+))""", re.VERBOSE)


def tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        m = _TOKEN.match(text, pos)
        if m is None or m.end() == pos:
            raise ExprError(f"cannot read the expression at {text[pos:pos + 20]!r}")
        kind = m.lastgroup if m.lastgroup != "d" else "re"
        kind = next(k for k in ("str", "re", "var", "op", "word") if m.group(k) is not None)
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Parser:
    def __init__(self, text: str, lookup: Lookup) -> None:
        self.toks = tokens(text)
        self.i = 0
        self.lookup = lookup

    def peek(self) -> tuple[str, str] | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def take(self) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise ExprError("the expression ends too early")
        self.i += 1
        return tok

    def parse(self) -> bool:
        value = self.or_()
        if self.peek() is not None:
            raise ExprError(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return value

    def or_(self) -> bool:
        value = self.and_()
        while self.peek() == ("op", "||"):
            self.take()
            right = self.and_()
            value = value or right
        return value

    def and_(self) -> bool:
        value = self.unary()
        while self.peek() == ("op", "&&"):
            self.take()
            right = self.unary()
            value = value and right
        return value

    def unary(self) -> bool:
        tok = self.peek()
        if tok == ("op", "!"):
            self.take()
            return not self.unary()
        if tok == ("op", "("):
            self.take()
            value = self.or_()
            if self.take() != ("op", ")"):
                raise ExprError("missing )")
            return value
        if tok is not None and tok[0] == "word" and tok[1] in ("true", "false"):
            self.take()
            return tok[1] == "true"
        if tok is not None and tok[0] == "op" and tok[1] in ("-n", "-z", "-R", "-T"):
            self.take()
            arg = self.word()
            if tok[1] == "-n":
                return arg != ""
            if tok[1] == "-z":
                return arg == ""
            if tok[1] == "-T":
                return arg.lower() not in ("", "0", "off", "false", "no")
            return _ipmatch(self.lookup("REMOTE_ADDR"), arg)
        left = self.word()
        op = self.take()
        if op[1] in ("=~", "!~"):
            rx = self.take()
            if rx[0] != "re":
                raise ExprError("=~ needs /regex/")
            hit = _regex(rx[1]).search(left) is not None
            return hit if op[1] == "=~" else not hit
        if op[1] == "in":
            if self.take() != ("op", "{"):
                raise ExprError("in needs { ... }")
            items = [self.word()]
            while self.peek() == ("op", ","):
                self.take()
                items.append(self.word())
            if self.take() != ("op", "}"):
                raise ExprError("missing }")
            return left in items
        right = self.word()
        return _compare(left, op[1], right)

    def word(self) -> str:
        kind, value = self.take()
        if kind == "str":
            return _interpolate(value[1:-1], self.lookup)
        if kind == "var":
            return _variable(value[2:-1], self.lookup)
        if kind == "word" and self.peek() == ("op", "("):
            self.take()
            arg = self.word()
            if self.take() != ("op", ")"):
                raise ExprError("missing ) after a function argument")
            return _function(value, arg, self.lookup)
        if kind == "word" and re.fullmatch(r"-?\d+", value):
            return value
        raise ExprError(f"{value!r} is not a value the audit reads")


def _variable(name: str, lookup: Lookup) -> str:
    upper = name.upper()
    if upper.startswith("HTTP:"):
        return lookup("HTTP:" + name[5:].lower())
    if upper.startswith("ENV:"):
        return lookup("ENV:" + name[4:])
    return lookup(upper)


def _interpolate(text: str, lookup: Lookup) -> str:
    return re.sub(r"%\{([^}]*)\}", lambda m: _variable(m.group(1), lookup), text)


def _function(name: str, arg: str, lookup: Lookup) -> str:
    name = name.lower()
    if name in ("req", "http", "resp"):
        return lookup("HTTP:" + arg.lower())
    if name in ("env", "reqenv", "osenv", "note"):
        return lookup("ENV:" + arg)
    if name == "tolower":
        return arg.lower()
    if name == "toupper":
        return arg.upper()
    raise ExprError(f"function {name}() is outside the subset the audit reads")


def _regex(text: str) -> re.Pattern[str]:
    if text.startswith("m"):
        text = text[1:]
    flags = re.IGNORECASE if text.endswith("i") else 0
    body = text[1:-2] if flags else text[1:-1]
    return re.compile(body, flags)


def _ipmatch(value: str, network: str) -> bool:
    try:
        return ipaddress.ip_address(value) in ipaddress.ip_network(network, strict=False)
    except ValueError:
        return False


def _compare(left: str, op: str, right: str) -> bool:
    if op in ("==", "="):
        return left == right
    if op == "!=":
        return left != right
    if op in ("<", "<=", ">", ">="):
        return {"<": left < right, "<=": left <= right, ">": left > right,
                ">=": left >= right}[op]
    if op == "-ipmatch":
        return _ipmatch(left, right)
    if op == "-strmatch":
        return fnmatch.fnmatchcase(left, right)
    if op == "-strcmatch":
        return fnmatch.fnmatchcase(left.lower(), right.lower())
    if op in ("-eq", "-ne", "-lt", "-le", "-gt", "-ge"):
        try:
            a, b = int(left), int(right)
        except ValueError:
            raise ExprError(f"{op} compares integers") from None
        return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b,
                "-ge": a >= b}[op]
    raise ExprError(f"operator {op} is outside the subset the audit reads")


def evaluate(text: str, lookup: Lookup) -> bool:
    """The expression's value; ``lookup`` gives a variable's value ("" when unset)."""
    return _Parser(text, lookup).parse()
