"""nginx ``map`` and ``geo`` blocks, and nginx (PCRE) regexes in Python.

map (https://nginx.org/en/docs/http/ngx_http_map_module.html): strings "are matched ignoring
the case"; "the first matching variant
will be chosen, in the following order of priority: string value without a mask; longest
string with a prefix mask (*.example.com); longest with a suffix mask (mail.*); first
matching regular expression (in order of appearance); default value".
geo (https://nginx.org/en/docs/http/ngx_http_geo_module.html): CIDR entries, the most
specific network wins (a radix tree); ``ranges`` mode takes ``a.b.c.d-e.f.g.h``; the address
comes from $remote_addr unless a variable is given.
"""

from __future__ import annotations

import ipaddress
import re

from .._secrets import is_secret_header, is_secret_param, mask
from ._nginx_syntax import Directive
from ._nginx_tree import Address, GeoDef, MapDef, Network


def pcre_to_python(pattern: str) -> str:
    """PCRE named groups ``(?<name>`` / ``(?'name'`` as Python's ``(?P<name>``."""
    converted = re.sub(r"\(\?<(?=[A-Za-z_])", "(?P<", pattern)
    return re.sub(r"\(\?P?'([A-Za-z_]\w*)'", r"(?P<\1>", converted)


def compile_regex(pattern: str, caseless: bool, d: Directive) -> re.Pattern[str]:
    """A PCRE pattern as nginx would compile it; ``(?<name>`` becomes ``(?P<name>``."""
    converted = pcre_to_python(pattern)
    try:
        return re.compile(converted, re.IGNORECASE if caseless else 0)
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
    probe = value.lower()
    if probe in m.exact:
        template, entry = m.exact[probe]
        return template, entry, None
    best: tuple[int, str, Directive] | None = None
    for kind in ("prefix", "suffix"):
        for pattern, template, entry in m.masks:
            hit = (kind == "prefix" and pattern.startswith(("*.", ".")) and (
                probe.endswith(pattern.lstrip("*")) or probe == pattern.lstrip("*.")))
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


def _address(text: str, e: Directive) -> Address:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise e.error(f'invalid address "{text}" in geo', "give an IP address") from None


def build_geo(d: Directive) -> GeoDef:
    """Check and index one ``geo`` block."""
    if len(d.args) not in (1, 2) or d.block is None or not d.args[-1].startswith("$"):
        raise d.error("geo takes [$source] $target and a block",
                      "geo $allowed { default 0; 10.0.0.0/8 1; }")
    source = d.args[0] if len(d.args) == 2 else "$remote_addr"
    networks: list[tuple[Network, str, Directive]] = []
    ranges: list[tuple[Address, Address, str, Directive]] = []
    default: tuple[str, Directive | None] = ("", None)
    for e in d.block:
        if e.name in ("ranges", "proxy_recursive") or (e.name in ("proxy", "delete")):
            continue
        if len(e.args) != 1:
            raise e.error("a geo entry is a network and one value", "10.0.0.0/8 1;")
        if e.name == "default":
            default = (e.args[0], e)
        elif e.name == "include":
            raise e.error("include inside geo is expanded by load_nginx only",
                          "load the file from disk")
        elif "-" in e.name and "/" not in e.name:
            lo, _, hi = e.name.partition("-")
            ranges.append((_address(lo, e), _address(hi, e), e.args[0], e))
        else:
            try:
                net = ipaddress.ip_network(e.name, strict=False)
            except ValueError:
                raise e.error(f'invalid network "{e.name}" in geo',
                              "give a CIDR like 10.0.0.0/8 or an address") from None
            networks.append((net, e.args[0], e))
    return GeoDef(d, source, d.args[-1][1:], tuple(networks), tuple(ranges), default)


def geo_lookup(g: GeoDef, text: str) -> tuple[str, Directive | None]:
    """The value for an address (longest prefix; ranges in order), else the default."""
    try:
        addr = ipaddress.ip_address(text.strip())
    except ValueError:
        return g.default[0], g.default[1]
    best: tuple[int, str, Directive] | None = None
    for net, value, entry in g.networks:
        if addr.version == net.version and addr in net and (
                best is None or net.prefixlen > best[0]):
            best = (net.prefixlen, value, entry)
    if best is not None:
        return best[1], best[2]
    for lo, hi, value, entry in g.ranges:
        if lo.version == addr.version and lo <= addr <= hi:  # type: ignore[operator]
            return value, entry
    return g.default[0], g.default[1]
