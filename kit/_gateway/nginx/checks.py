"""nginx -t's checks that matter for a verdict: contexts, addresses, return codes, regexes.

Each directive's allowed contexts are the NGX_HTTP_*_CONF flags of its module's command
table (ngx_http_core_module.c, ngx_http_access_module.c, ngx_http_rewrite_module.c,
ngx_http_limit_req_module.c, ngx_http_auth_basic_module.c, ngx_http_auth_request_module.c).
"""

from __future__ import annotations

import ipaddress

from .cond import parse_condition
from .maps import compile_regex, is_secret_variable
from .syntax import Directive
from .tree import Level

# "if" = a location-level if block, "sif" = a server-level if block.
_CONTEXTS: dict[str, frozenset[str]] = {
    name: frozenset(ctx.split()) for name, ctx in {
        "allow": "http server location limit_except",
        "deny": "http server location limit_except",
        "auth_basic": "http server location limit_except",
        "auth_basic_user_file": "http server location limit_except",
        "auth_request": "http server location",
        "satisfy": "http server location",
        "limit_req": "http server location",
        "limit_req_zone": "http",
        "limit_req_status": "http server location",
        "map": "http", "geo": "http",
        "server": "http", "listen": "server", "server_name": "server",
        "location": "server location",
        "limit_except": "location",
        "internal": "location",
        "if": "server location",
        "rewrite": "server location if sif", "return": "server location if sif",
        "set": "server location if sif", "break": "server location if sif",
        "proxy_pass": "location if limit_except", "fastcgi_pass": "location if",
        "uwsgi_pass": "location if", "scgi_pass": "location if", "grpc_pass": "location if",
        "memcached_pass": "location if",
    }.items()
}

def if_secrets(level: Level) -> set[str]:
    """Values compared with a credential in ``if ($http_x_api_key = "...")``: keys to mask."""
    found: set[str] = set()
    for d in level:
        if d.name == "if" and len(d.args) >= 3 and is_secret_variable(d.args[0].lstrip("(")):
            found.add(d.args[-1].rstrip(")") or d.args[-2])
        if d.block is not None:
            found |= if_secrets(d.block)
    return found


def check(level: Level, context: str) -> None:
    for d in level:
        allowed = _CONTEXTS.get(d.name)
        if allowed is not None and context not in allowed and context != "main":
            raise d.error(f'"{d.name}" directive is not allowed here ({context} context)',
                          f"nginx -t rejects it; move it to one of: {', '.join(sorted(allowed))}")
        if d.name == "allow" or d.name == "deny":
            _check_address(d)
        elif d.name == "return":
            _check_return(d)
        elif d.name == "rewrite":
            if len(d.args) < 2:
                raise d.error("rewrite needs a regex and a replacement", "rewrite ^/a /b last;")
            compile_regex(d.args[0], False, d)
            if len(d.args) > 2 and d.args[2] not in ("last", "break", "redirect", "permanent"):
                raise d.error(f'invalid rewrite flag "{d.args[2]}"',
                              "use last, break, redirect or permanent")
        elif d.name == "if":
            parse_condition(d)
        if d.block is None:
            continue
        inner = {"http": "http", "server": "server", "location": "location",
                 "limit_except": "limit_except",
                 "if": "if" if context in ("location", "if") else "sif"}.get(d.name)
        if inner is not None and d.name not in ("location", "server"):
            check(d.block, inner)


def _check_address(d: Directive) -> None:
    if len(d.args) != 1:
        raise d.error(f"{d.name} takes one address, CIDR or all", f"{d.name} 203.0.113.0/24;")
    value = d.args[0]
    if value == "all" or value.startswith("unix:"):
        return
    try:
        ipaddress.ip_network(value, strict=False)
    except ValueError:
        raise d.error(f'invalid parameter "{value}" in {d.name}',
                      "give an IP address, a CIDR like 10.0.0.0/8, or all") from None


def _check_return(d: Directive) -> None:
    if not d.args or len(d.args) > 2:
        raise d.error("return takes a code, a code and a text/URL, or a URL",
                      "return 403; or return 301 https://example.com$request_uri;")
    first = d.args[0]
    if first.isdigit():
        if int(first) > 999:
            raise d.error(f'invalid return code "{first}"', "use an HTTP status 100-599 or 444")
    elif len(d.args) == 2 or not first.startswith(("http://", "https://", "$scheme")):
        raise d.error(f'invalid return code "{first}"',
                      "give a status code first, or a URL starting with http:// or https://")
