"""mod_rewrite: ``RewriteRule`` with ``RewriteCond``, in server and per-directory context.

Server context runs at URL translation, before any access check; per-directory rules run
in the fixup phase, after access checks, against the path with the directory's prefix
stripped, and a rewritten URI is an internal redirect that walks the request again
(mod_rewrite.c hook_uri2file / hook_fixup; httpd.apache.org/docs/2.4/mod/mod_rewrite.html).
Flags read: F (403), G (410), R[=code] (302 unless given), L, END, N (as L), NC, OR, QSA,
QSD, PT, C, S=n, E=var:value; others are noted and ignored. Conditions: regex (``!``),
``=``, ``<``, ``>``, ``<=``, ``>=``, ``-d``, ``-f``, ``-s``, ``-l``, ``expr``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import Step
from .expr import ExprError, evaluate
from .syntax import Directive
from .tree import compile_regex

_REDIRECTS = {"permanent": 301, "temp": 302, "seeother": 303}


@dataclass(frozen=True)
class Cond:
    directive: Directive
    test: str
    pattern: str
    nocase: bool
    orflag: bool


@dataclass(frozen=True)
class Rule:
    directive: Directive
    pattern: str
    regex: re.Pattern[str]
    negate: bool
    target: str
    flags: dict[str, str]
    conds: tuple[Cond, ...]


@dataclass
class Outcome:
    """What the rules did: kind "status" (F/G), "redirect", "uri" (rewritten), or "none"."""

    kind: str = "none"
    status: int = 0
    directive: Directive | None = None
    target: str = ""
    query: str | None = None
    passthrough: bool = False
    env: dict[str, str] = field(default_factory=dict)


def _flags(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in text.strip("[]").split(","):
        name, _, value = item.strip().partition("=")
        if name:
            out[name.upper()] = value
    return out


_CACHE: dict[int, tuple[tuple[Directive, ...], list[Rule]]] = {}
_LISTED = 8  # rules that do not match: listed up to this many, the rest counted in one note


def rules(body: tuple[Directive, ...]) -> list[Rule]:
    """The RewriteRules of one context, each with the RewriteConds written above it (read
    once per body: a configuration's bodies live as long as it does)."""
    hit = _CACHE.get(id(body))
    if hit is not None and hit[0] is body:
        return hit[1]
    out = _read(body)
    if len(_CACHE) > 4096:
        _CACHE.clear()
    _CACHE[id(body)] = (body, out)
    return out


def _read(body: tuple[Directive, ...]) -> list[Rule]:
    out: list[Rule] = []
    pending: list[Cond] = []
    for d in body:
        if d.key == "rewritecond":
            if len(d.args) < 2:
                raise d.error("RewriteCond: bad argument line", "RewriteCond %{HTTP_HOST} ^x$")
            flags = _flags(d.args[2]) if len(d.args) > 2 else {}
            pending.append(Cond(d, d.args[0], d.args[1], "NC" in flags or "NOCASE" in flags,
                                "OR" in flags or "ORNEXT" in flags))
        elif d.key == "rewriterule":
            if len(d.args) < 2:
                raise d.error("RewriteRule: bad argument line", "RewriteRule ^old$ /new [L]")
            flags = _flags(d.args[2]) if len(d.args) > 2 else {}
            pattern = d.args[0]
            negate = pattern.startswith("!")
            regex = compile_regex(pattern[1:] if negate else pattern, d,
                                  "NC" in flags or "NOCASE" in flags)
            out.append(Rule(d, pattern, regex, negate, d.args[1], flags, tuple(pending)))
            pending = []
    return out


Lookup = Callable[[str], str]


def _expand(text: str, groups: tuple[str, ...], cond_groups: tuple[str, ...],
            lookup: Lookup) -> str:
    def var(m: re.Match[str]) -> str:
        name = m.group(1)
        upper = name.upper()
        if upper.startswith("HTTP:"):
            return lookup("HTTP:" + name[5:].lower())
        if upper.startswith("ENV:"):
            return lookup("ENV:" + name[4:])
        return lookup(upper)

    text = re.sub(r"%\{([^}]*)\}", var, text)
    text = re.sub(r"\$(\d)", lambda m: groups[int(m.group(1))]
                  if int(m.group(1)) < len(groups) else "", text)
    return re.sub(r"%(\d)", lambda m: cond_groups[int(m.group(1))]
                  if int(m.group(1)) < len(cond_groups) else "", text)


def _cond(c: Cond, groups: tuple[str, ...], last: tuple[str, ...], lookup: Lookup,
          assume: Callable[[str], None]) -> tuple[bool, tuple[str, ...]]:
    value = _expand(c.test, groups, last, lookup)
    pattern = c.pattern
    negate = pattern.startswith("!")
    if negate:
        pattern = pattern[1:]
    hit: bool
    new = last
    if c.test == "expr" or pattern == "expr":
        try:
            hit = evaluate(c.test if pattern == "expr" else pattern, lookup)
        except (ExprError, ValueError) as exc:
            assume(f"{c.directive.text} ({c.directive.where}): expression not understood "
                   f"({exc}); taken as false")
            hit = False
    elif pattern in ("-d", "-f", "-F", "-s", "-U", "-l", "-L", "-h", "-x"):
        path = Path(value)
        hit = {"-d": path.is_dir(), "-s": path.is_file() and path.stat().st_size > 0
               if path.is_file() else False, "-l": path.is_symlink(), "-L": path.is_symlink(),
               "-h": path.is_symlink()}.get(pattern, path.is_file())
        if not path.parent.exists():
            assume(f"{c.directive.text} ({c.directive.where}): {value} is not on this machine;"
                   f" {pattern} taken as false")
    elif pattern[:2] in ("<=", ">=") or pattern[:1] in ("<", ">", "="):
        op = pattern[:2] if pattern[:2] in ("<=", ">=") else pattern[:1]
        other = _expand(pattern[len(op):], groups, last, lookup)
        if op == "=" and other == '""':
            other = ""
        a, b = (value.lower(), other.lower()) if c.nocase else (value, other)
        hit = {"=": a == b, "<": a < b, ">": a > b, "<=": a <= b, ">=": a >= b}[op]
    else:
        m = compile_regex(pattern, c.directive, c.nocase).search(value)
        hit = m is not None
        if m is not None and not negate:
            new = (m.group(0), *(g or "" for g in m.groups()))
    return hit != negate, new


def _conds(conds: tuple[Cond, ...], groups: tuple[str, ...], lookup: Lookup,
           assume: Callable[[str], None]) -> tuple[bool, tuple[str, ...]]:
    """All conditions in order; [OR] as mod_rewrite chains it (apply_rewrite_rule)."""
    last: tuple[str, ...] = ()
    i = 0
    while i < len(conds):
        c = conds[i]
        hit, new = _cond(c, groups, last, lookup, assume)
        if hit:
            last = new
        if c.orflag:
            if hit:  # skip the rest of this OR group, including its last member
                while i < len(conds) and conds[i].orflag:
                    i += 1
            i += 1
            continue
        if not hit:
            return False, last
        i += 1
    return True, last


def run(rule_list: list[Rule], subject: str, lookup: Lookup, steps: list[Step],
        assume: Callable[[str], None]) -> Outcome:
    """Apply the rules to ``subject`` (the URL-path, or the per-directory remainder)."""
    mine: list[Step] = []
    out = _run(rule_list, subject, lookup, mine, assume)
    misses = [s for s in mine if s.effect == "skip"]
    if len(misses) > _LISTED:
        hidden = {id(s) for s in misses[_LISTED:]}
        mine = [s for s in mine if id(s) not in hidden]
        mine.append(Step(misses[_LISTED].rule, "note", f"{len(hidden)} more RewriteRules do "
                         "not match (not listed)"))
    steps.extend(mine)
    return out


def _run(rule_list: list[Rule], subject: str, lookup: Lookup, steps: list[Step],
         assume: Callable[[str], None]) -> Outcome:
    out = Outcome()
    current = subject
    skip = 0
    chain_failed = False
    for rule in rule_list:
        if skip:
            skip -= 1
            continue
        if chain_failed:
            chain_failed = "C" in rule.flags
            continue
        m = rule.regex.search(current)
        matched = (m is None) if rule.negate else (m is not None)
        groups = ((m.group(0), *(g or "" for g in m.groups())) if m is not None and
                  not rule.negate else (current,))
        last: tuple[str, ...] = ()
        if matched:
            matched, last = _conds(rule.conds, groups, lookup, assume)
        d = rule.directive
        if not matched:
            steps.append(Step(d.ref(), "skip", f"{d.text}: does not match {current!r}"))
            chain_failed = "C" in rule.flags
            continue
        flags = rule.flags
        for name, value in flags.items():
            if name == "E" or name == "ENV":
                key, _, val = value.partition(":")
                out.env[key] = _expand(val, groups, last, lookup)
        target = rule.target
        if "F" in flags or "FORBIDDEN" in flags:
            steps.append(Step(d.ref(), "deny", f"{d.text}: [F] answers 403"))
            return Outcome("status", 403, d, env=out.env)
        if "G" in flags or "GONE" in flags:
            steps.append(Step(d.ref(), "deny", f"{d.text}: [G] answers 410"))
            return Outcome("status", 410, d, env=out.env)
        new_uri = current if target == "-" else _expand(target, groups, last, lookup)
        query: str | None = None
        if target != "-" and "?" in new_uri:
            new_uri, _, query = new_uri.partition("?")
        redirect = target != "-" and ("R" in flags or "REDIRECT" in flags
                                      or re.match(r"^https?://", new_uri) is not None)
        if redirect:
            code_text = flags.get("R", flags.get("REDIRECT", ""))
            code = _REDIRECTS.get(code_text.lower(), int(code_text) if code_text.isdigit()
                                  else 302)
            if not 300 <= code < 400:
                steps.append(Step(d.ref(), "deny", f"{d.text}: [R={code}] answers {code}"))
                return Outcome("status", code, d, env=out.env)
            steps.append(Step(d.ref(), "note", f"{d.text}: redirects ({code}) to {new_uri}"))
            return Outcome("redirect", code, d, new_uri, query, env=out.env)
        if target != "-":
            steps.append(Step(d.ref(), "note", f"{d.text}: rewrites to {new_uri}"))
            out = Outcome("uri", 0, d, new_uri, query, "PT" in flags or
                          "PASSTHROUGH" in flags, out.env)
            current = new_uri
        else:
            steps.append(Step(d.ref(), "note", f"{d.text}: matches, no substitution"))
        if "S" in flags or "SKIP" in flags:
            skip = int(flags.get("S", flags.get("SKIP", "0")) or 0)
        if any(f in flags for f in ("L", "LAST", "END", "N", "NEXT")):
            break
    return out
