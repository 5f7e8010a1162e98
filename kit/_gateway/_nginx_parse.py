"""Reading an nginx configuration: entry points, the model build and nginx's own checks.

``parse_nginx`` / ``load_nginx`` return an ``NginxConfig`` (the GatewayConfig for nginx).
The checks are the ones ``nginx -t`` makes that matter for a verdict: location modifiers,
regexes (PCRE named groups converted), CIDRs in allow/deny/geo, return codes, limit_req zones
and the contexts a directive may appear in (ngx_http_core_module.c, ngx_http_access_module.c,
ngx_http_rewrite_module.c, ngx_http_limit_req_module.c: each command's NGX_HTTP_*_CONF flags).
"""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from ._document import read_text
from ._model import ConfigError
from ._nginx_checks import check, if_secrets
from ._nginx_eval import NginxConfig
from ._nginx_maps import build_geo, build_map, compile_regex, is_secret_variable
from ._nginx_syntax import Directive, parse_tree
from ._nginx_tree import Level, Listen, Location, Model, Server, Zone

__all__ = ["NginxConfig", "build_model", "load_nginx", "looks_like_nginx", "parse_nginx"]

_MODIFIERS = ("=", "^~", "~", "~*")
_PORTS = re.compile(r"^\d+(?:-\d+)?$")
_RATE = re.compile(r"^rate=(\d+(?:\.\d+)?)r/([sm])$")
_SNIFF = re.compile(r"(?m)^\s*(?:http|server|events|location\s+[^{;]*|upstream\s+\S+"
                    r"|map\s+\$\S+\s+\$\S+|geo\s+(?:\$\S+\s+)?\$\S+)\s*\{"
                    r"|^\s*(?:listen|server_name|proxy_pass|root|worker_processes|limit_req_zone"
                    r"|allow|deny|include)\s+[^;{]+;")


def looks_like_nginx(text: str) -> bool:
    """A cheap sniff: nginx blocks or directives, and not a JSON/YAML document."""
    head = text.lstrip()
    if head.startswith(("{", "[", "---")) or re.match(r"^[\w\"'-]+\s*:\s", head):
        return False
    return bool(_SNIFF.search(head, 0, 1 << 20))


def parse_nginx(text: str, source: str = "<text>", base_dir: Path | None = None) -> NginxConfig:
    """Parse nginx configuration text; ``include`` resolves against ``base_dir``."""
    top, files, skipped = parse_tree(text, source, base_dir)
    model = replace(build_model(top), notes=tuple(skipped))
    return NginxConfig(source=source, model=model, files=files, base_dir=base_dir)


def load_nginx(path: str | Path) -> NginxConfig:
    """Read an nginx configuration file, following its includes like nginx does."""
    path = Path(path)
    return parse_nginx(read_text(path), str(path), path.resolve().parent)


def build_model(top: Level) -> Model:
    """Find http/server/location blocks, check them and build the evaluator's model."""
    http_block = next((d for d in top if d.name == "http" and d.block is not None), None)
    if http_block is not None:
        check(top, "main")
        http: Level = http_block.block or ()
    elif any(d.name == "server" for d in top):
        http = top
    else:  # bare locations: one implicit server
        http = ()
    check(http, "http")
    zones = _zones(http)
    maps = {m.target: m for m in (build_map(d) for d in http if d.name == "map")}
    geos = {g.target: g for g in (build_geo(d) for d in http if d.name == "geo")}
    if http_block is None and not any(d.name == "server" for d in top):
        check(top, "server")
        servers: tuple[Server, ...] = (_server(None, top),)
    else:
        servers = tuple(_server(d, d.block or ()) for d in http if d.name == "server")
    if not servers:
        raise ConfigError("no server block found", source=top[0].source if top else "<text>",
                          line=top[0].line if top else None,
                          hint="an nginx site needs server { listen ...; location ... }")
    _check_zones(http, servers, zones)
    secrets = {entry.name.lstrip("\\") for m in maps.values() if is_secret_variable(m.source)
               for _value, entry in m.exact.values()}
    secrets |= if_secrets(top)
    return Model(http, servers, maps, geos, zones, frozenset(s for s in secrets if len(s) >= 4))


def _zones(http: Level) -> dict[str, Zone]:
    zones: dict[str, Zone] = {}
    for d in http:
        if d.name != "limit_req_zone":
            continue
        name = next((a[5:].split(":")[0] for a in d.args if a.startswith("zone=")), "")
        rate = next((m for a in d.args if (m := _RATE.match(a))), None)
        if not name or not d.args or rate is None:
            raise d.error("limit_req_zone needs a key, zone=name:size and rate=Nr/s",
                          "limit_req_zone $binary_remote_addr zone=one:10m rate=5r/s;")
        per_second = float(rate.group(1)) / (60.0 if rate.group(2) == "m" else 1.0)
        zones[name] = Zone(d, name, d.args[0], per_second, rate.group(0)[5:])
    return zones


def _check_zones(http: Level, servers: tuple[Server, ...], zones: dict[str, Zone]) -> None:
    def walk(level: Level) -> None:
        for d in level:
            if d.name == "limit_req":
                name = next((a[5:] for a in d.args if a.startswith("zone=")), "")
                if name not in zones:
                    raise d.error(f'limit_req zone "{name}" is unknown',
                                  f"define it with limit_req_zone ... zone={name or 'name'}:10m "
                                  "rate=...; in the http block")
            if d.block is not None:
                walk(d.block)
    walk(http)
    for s in servers:
        if s.directive is None:
            walk(s.body)


def _server(d: Directive | None, body: Level) -> Server:
    if d is not None:
        check(body, "server")
    for x in body:
        for name in x.args if x.name == "server_name" else ():
            if name.startswith("~"):
                compile_regex(name[1:], True, x)
    names = tuple(a if a.startswith("~") else a.lower()
                  for x in body if x.name == "server_name" for a in x.args)
    listens = tuple(_listen(x) for x in body if x.name == "listen") or (Listen(80, False, None),)
    locations = tuple(_location(x, "server") for x in body if x.name == "location")
    return Server(d, names or ("",), listens, body, locations)


def _listen(d: Directive) -> Listen:
    if not d.args:
        raise d.error("listen needs an address or port", "listen 80;")
    addr = d.args[0]
    port_text = addr.rsplit("]:", 1)[1] if addr.startswith("[") and "]:" in addr else (
        addr.rsplit(":", 1)[1] if ":" in addr and not addr.startswith("[") else
        (addr if _PORTS.match(addr) else "80"))
    if addr.startswith("unix:"):
        port_text = "0"
    first, _, last = port_text.partition("-")  # a port range: listen 8000-8010
    if not first.isdigit() or int(first) > 65535 or (last and (
            not last.isdigit() or not int(first) <= int(last) <= 65535)):
        raise d.error(f'invalid port in "{addr}" of the "listen" directive', "listen 8080;")
    return Listen(int(first), "default_server" in d.args or "default" in d.args[1:], d,
                  int(last or 0))


def _location(d: Directive, parent: str) -> Location:
    args = d.args
    if d.block is None:
        raise d.error("location needs a { ... } block", "location /path/ { ... }")
    if len(args) == 2:
        modifier, pattern = args
        if modifier not in _MODIFIERS:
            raise d.error(f'invalid location modifier "{modifier}"',
                          "use =, ^~, ~ or ~* (or none for a prefix)")
    elif len(args) == 1:
        pattern, modifier = args[0], ""
        for mod in ("=", "^~", "~*", "~"):
            if pattern.startswith(mod) and len(pattern) > len(mod):
                modifier, pattern = mod, pattern[len(mod):]
                break
        if pattern.startswith("@"):
            modifier = "@"
    else:
        raise d.error("location takes a modifier and a pattern", "location ^~ /static/ { }")
    if modifier == "@" and parent != "server":
        raise d.error(f'named location "{pattern}" can be on server level only',
                      "move it out of the enclosing location")
    regex = compile_regex(pattern, modifier == "~*", d) if modifier in ("~", "~*") else None
    check(d.block, "location")
    nested = tuple(_location(x, "location") for x in d.block if x.name == "location")
    return Location(d, modifier, pattern, regex, d.block, nested)
