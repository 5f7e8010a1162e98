"""nginx ``map`` blocks.

map (https://nginx.org/en/docs/http/ngx_http_map_module.html): strings "are matched ignoring
the case"; "the first matching variant
will be chosen, in the following order of priority: string value without a mask; longest
string with a prefix mask (*.example.com); longest with a suffix mask (mail.*); first
matching regular expression (in order of appearance); default value".
``geo`` lives in ``_nginx_geo`` (re-exported here); regexes in ``_nginx_pcre``.
"""

from __future__ import annotations

import re

from .._secrets import is_secret_header, is_secret_param, mask
from ._nginx_geo import build_geo, geo_lookup
from ._nginx_pcre import compile_pcre
from ._nginx_syntax import Directive
from ._nginx_tree import MapDef

__all__ = ["build_geo", "build_map", "compile_regex", "geo_lookup", "is_secret_variable",
           "map_lookup"]


def compile_regex(pattern: str, caseless: bool, d: Directive) -> re.Pattern[str]:
    """A PCRE pattern as nginx would compile it (``_nginx_pcre``), or nginx -t's refusal."""
    try:
        return compile_pcre(pattern, caseless)
    except re.error as exc:
        raise d.error(f'invalid regex "{pattern}": {exc.msg}',
                      "nginx uses PCRE: check brackets and escapes") from None


def is_secret_variable(source: str) -> bool:
    """$http_x_api_key, $http_authorization, $arg_token, $cookie_session: carries credentials."""
    name = source.strip().lstrip("$").strip("{}").lower()
    if name.startswith("http_"):
        return is_secret_header(name[5:].replace("_", "-"))
    if name.startswith(("arg_", "cookie_")):
        return is_secret_param(name.split("_", 1)[1]) or "key" in name or "session" in name
    return False


def _unescape(key: str) -> str:
    return key[1:] if key.startswith("\\") else key


def build_map(d: Directive) -> MapDef:
    """Check and index one ``map`` block."""
    if len(d.args) != 2 or d.block is None or not d.args[1].startswith("$"):
        raise d.error("map takes a source and a $target variable and a block",
                      "map $http_x_api_key $key_ok { default 0; ... }")
    exact: dict[str, tuple[str, Directive]] = {}
    masks: list[tuple[str, str, Directive]] = []
    regexes = []
    default: tuple[str, Directive | None] = ("", None)
    hostnames = any(e.name == "hostnames" and not e.args for e in d.block)
    for e in d.block:
        if not e.args:
            if e.name in ("hostnames", "volatile"):
                continue
            key = mask(e.name) if is_secret_variable(d.args[0]) else e.name
            raise e.error(f'map entry "{key}" has no value', '"key" value;')
        if len(e.args) != 1:
            raise e.error("a map entry is a key and one value", "quote values with spaces")
        key, value = e.name, e.args[0]
        if key == "default":
            default = (value, e)
        elif key == "include":
            raise e.error("include inside map is expanded by load_nginx only",
                          "load the file from disk")
        elif key.startswith("~"):
            caseless = key.startswith("~*")
            regexes.append((compile_regex(key[2 if caseless else 1:], caseless, e), value, e))
        elif hostnames and (key.startswith(("*.", ".")) or key.endswith(".*")):
            masks.append((key.lower(), value, e))
        else:
            exact.setdefault(_unescape(key).lower(), (value, e))  # "matched ignoring the case"
    return MapDef(d, d.args[0], d.args[1][1:], exact, tuple(masks), tuple(regexes), default,
                  hostnames)


def map_lookup(m: MapDef, value: str) -> tuple[str, Directive | None, re.Match[str] | None]:
    """The map's value template for ``value``, the entry that decided, and a regex match."""
    if m.hostnames and value.endswith("."):  # ngx_http_map_variable drops one trailing dot
        value = value[:-1]
    probe = value.lower()
    if probe in m.exact:
        template, entry = m.exact[probe]
        return template, entry, None
    best: tuple[int, str, Directive] | None = None
    for kind in ("prefix", "suffix"):
        for pattern, template, entry in m.masks:
            hit = (kind == "prefix" and pattern.startswith(("*.", ".")) and (
                probe.endswith(pattern.lstrip("*"))
                or (pattern.startswith(".") and probe == pattern[1:])))
            hit = hit or (kind == "suffix" and pattern.endswith(".*")
                          and probe.startswith(pattern[:-1]))
            if hit and (best is None or len(pattern) > best[0]):
                best = (len(pattern), template, entry)
        if best is not None:
            return best[1], best[2], None
    for regex, template, entry in m.regexes:
        match = regex.search(value)
        if match:
            return template, entry, match
    return m.default[0], m.default[1], None
