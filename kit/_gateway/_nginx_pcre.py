"""nginx's regular expressions (PCRE2) in Python.

nginx hands every pattern to PCRE; Python's ``re`` reads most of them the same way. What
differs is translated here, once per pattern:

- ``\\Q...\\E`` (quote a run of characters): escaped with ``re.escape``; a stray ``\\E`` is
  dropped, as PCRE does;
- named groups ``(?<name>`` and ``(?'name'`` become ``(?P<name>``;
- ``\\z`` is Python's ``\\Z``; PCRE's ``\\Z`` (end, or before a final newline) becomes
  ``(?=\\n?\\Z)``.

A pattern ``re`` still cannot compile after that (Unicode properties ``\\p{N}``/``\\P{L}``,
``\\X``, ``\\K``, branch reset ``(?|``, recursion ``(?R)``) is compiled with the ``regex``
module, which implements those PCRE features; ``re`` stays the engine for every other pattern
because it is faster for the plain patterns that make up nearly every configuration (the audit
of a 2,000-location file matches thousands of them per request). ``regex`` is imported only then.
"""

from __future__ import annotations

import functools
import re
from typing import cast

_NAMED = re.compile(r"\(\?<(?=[A-Za-z_])")
_QUOTED_NAME = re.compile(r"\(\?P?'([A-Za-z_]\w*)'")


def pcre_to_python(pattern: str) -> str:
    """The pattern in Python's syntax (see the module docstring)."""
    out: list[str] = []
    plain: list[str] = []  # pattern text outside \Q...\E, converted in one go

    def flush() -> None:
        text = "".join(plain)
        text = _QUOTED_NAME.sub(r"(?P<\1>", _NAMED.sub("(?P<", text))
        out.append(text)
        plain.clear()

    i, n = 0, len(pattern)
    while i < n:
        ch = pattern[i]
        if ch != "\\" or i + 1 >= n:
            plain.append(ch)
            i += 1
            continue
        nxt = pattern[i + 1]
        if nxt == "Q":
            end = pattern.find("\\E", i + 2)
            literal = pattern[i + 2:] if end < 0 else pattern[i + 2:end]
            flush()
            out.append(re.escape(literal))
            i = n if end < 0 else end + 2
        elif nxt == "E":
            i += 2
        elif nxt == "z":
            plain.append("\\Z")
            i += 2
        elif nxt == "Z":
            plain.append("(?=\\n?\\Z)")
            i += 2
        else:
            plain.append(ch + nxt)
            i += 2
    flush()
    return "".join(out)


@functools.lru_cache(maxsize=4096)
def compile_pcre(pattern: str, caseless: bool) -> re.Pattern[str]:
    """Compile an nginx pattern; raises ``re.error`` (with ``re``'s message) when neither
    ``re`` nor ``regex`` can read it."""
    converted = pcre_to_python(pattern)
    flags = re.IGNORECASE if caseless else 0
    try:
        return re.compile(converted, flags)
    except re.error as first:
        try:
            import regex  # PCRE features re lacks (see the module docstring)
        except ImportError:  # pragma: no cover - a declared dependency
            raise first from None
        try:
            compiled = regex.compile(converted, regex.IGNORECASE if caseless else 0)
        except regex.error:
            raise first from None
        # regex's Pattern and Match answer search(), group(), groups() and groupdict() as
        # re's do: those are the only calls the evaluator makes.
        return cast(re.Pattern[str], compiled)
