"""A located JSON object of a Tyk file: typed reads, rule references and masked errors.

Session files key each session by its API key, a secret: every path, text and error made here
masks the secrets the object was given.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ..._http.secrets import mask, mask_text
from ..document import Document, PathKey, json_path
from ..model import ConfigError, RuleRef


@dataclass(frozen=True)
class Where:
    """A JSON object inside a document, with the secrets its paths must not show."""

    doc: Document
    at: PathKey
    secrets: tuple[str, ...] = ()

    def ref(self, *keys: str | int, text: str | None = None) -> RuleRef:
        full = (*self.at, *keys)
        base = self.doc.ref(full, text)
        return RuleRef(base.source, base.line, self.hide(base.path or ""),
                       self.hide(base.text))

    def hide(self, text: str) -> str:
        # every key of the files, however short (mask_text skips those under 4 characters),
        # longest first so a key that contains another is masked whole; then JWTs
        for secret in sorted(filter(None, self.secrets), key=len, reverse=True):
            text = text.replace(secret, mask(secret))
        return mask_text(text)

    def error(self, keys: Sequence[str | int], message: str, hint: str) -> ConfigError:
        full = (*self.at, *keys)
        return ConfigError(self.hide(message), source=self.doc.source,
                           line=self.doc.line_of(full), path=self.hide(json_path(full)),
                           hint=hint)

    def get(self, key: str, kinds: type | tuple[type, ...], default: Any = None) -> Any:
        """The value at ``key`` of this object, checked against ``kinds``."""
        data = self.doc.get(self.at)
        value = data.get(key, default) if isinstance(data, dict) else default
        if value is None or value is default:
            return default
        if isinstance(value, bool) and bool not in _as_tuple(kinds):
            value = None  # true/false where a number or text belongs
        if value is None or not isinstance(value, kinds):
            names = " or ".join(_TYPE_NAMES.get(k, k.__name__) for k in _as_tuple(kinds))
            raise self.error((key,), f"{key} must be {names}, not {_kind(data.get(key))}",
                             f"write {key} as {names} (see Tyk's API definition reference)")
        return value

    def child(self, *keys: str | int) -> Where:
        return Where(self.doc, (*self.at, *keys), self.secrets)

    def object(self, example: str) -> Where:
        """This place, checked to hold a JSON object."""
        value = self.doc.get(self.at)
        if not isinstance(value, dict):
            raise self.error((), f"expected an object here, not {_kind(value)}",
                             f"write it as an object, like {example}")
        return self


_TYPE_NAMES = {str: "text", bool: "true/false", int: "a whole number", float: "a number",
               list: "a list", dict: "an object"}
NUMBER = (int, float)


def _as_tuple(kinds: type | tuple[type, ...]) -> tuple[type, ...]:
    return kinds if isinstance(kinds, tuple) else (kinds,)


def _kind(value: object) -> str:
    return {bool: "true/false", str: "text", int: "a number", float: "a number",
            list: "a list", dict: "an object"}.get(type(value), "null")



_MUX_PARAM = re.compile(r"{([^}]+)}")
_RE2_MISSING = re.compile(r"\(\?<?[=!]|\\[1-9]|\(\?P=")  # lookaround, backreferences
_POSIX = {"[:alpha:]": "a-zA-Z", "[:digit:]": "0-9", "[:alnum:]": "a-zA-Z0-9",
          "[:upper:]": "A-Z", "[:lower:]": "a-z", "[:space:]": "\\s", "[:word:]": "\\w",
          "[:xdigit:]": "0-9A-Fa-f"}


@functools.lru_cache(maxsize=8192)  # a large API lists thousands of paths; re caches 512
def tyk_regex(pattern: str, ignore_case: bool = False) -> re.Pattern[str] | None:
    """A Tyk Classic path as Tyk compiles it (internal/httputil/mux.go PreparePathRegexp:
    ``{name}`` -> ``([^/]+)``, ``/*`` -> ``/.*``; unanchored), or None if it does not compile."""
    if pattern.count("{") and pattern.count("{") == pattern.count("}"):
        pattern = _MUX_PARAM.sub("([^/]+)", pattern)
    if "/*" in pattern:
        pattern = pattern.replace("/*/", "/[^/]+/").replace("/*", "/.*")
    for posix, plain_class in _POSIX.items():
        pattern = pattern.replace(posix, plain_class)
    pattern = pattern.replace("\\z", "\\Z")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    except re.error:
        return None


def check_regex(where: Where, key: str | int, pattern: str) -> None:
    """A path or URL pattern Go's regexp (RE2) cannot compile is a ConfigError."""
    problem = "uses lookaround or backreferences, which Go's RE2 lacks" if \
        _RE2_MISSING.search(pattern) else ""
    if not problem and tyk_regex(pattern) is None:
        try:
            re.compile(pattern)
            problem = "does not compile"
        except re.error as exc:
            problem = f"is not a valid regular expression ({exc})"
    if problem:
        raise where.error((key,), f"{pattern!r} {problem}",
                          "Tyk Classic paths are regular expressions (Go RE2 syntax): escape "
                          "special characters like ( [ ? + with a backslash")


def plain(mapping: object) -> Mapping[str, Any]:
    """``mapping`` when it is a dict, else an empty one (values were checked on load)."""
    return mapping if isinstance(mapping, dict) else {}
