"""nginx variables for one request: built-ins, ``set``, regex captures, ``map`` and ``geo``.

Built-in names follow https://nginx.org/en/docs/http/ngx_http_core_module.html#variables.
A variable the audit cannot know (a file path, an unknown name) reads as empty and is
recorded as an assumption, never guessed silently.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from ._model import AuditRequest
from ._nginx_maps import geo_lookup, map_lookup
from ._nginx_syntax import Directive
from ._nginx_tree import Model, Server

_VAR = re.compile(r"\$(?:\{(\w+)\}|(\d)|(\w+))")


class State:
    """The mutable per-request state nginx keeps while a request runs its phases."""

    def __init__(self, model: Model, request: AuditRequest, server: Server, port: int) -> None:
        self.model, self.request, self.server, self.port = model, request, server, port
        self.uri = "/"
        self.args = request.query
        self.vars: dict[str, str] = {}
        self.captures: tuple[str, ...] = ()
        self.named: dict[str, str] = {}
        self.assumptions: list[str] = []
        self.map_hits: dict[str, Directive | None] = {}
        self.if_block: Directive | None = None  # the last ``if`` whose condition held
        self.uri_changed = False
        self.method = request.method  # error_page redirects turn it into GET
        self.internal = False  # r->internal: after a rewrite of the URI or an internal redirect
        self.error_page_done = False  # r->error_page: one error_page per request

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)

    def set_match(self, match: re.Match[str] | None) -> None:
        """Captures $0..$9 and named groups from the last successful regex."""
        if match is None:
            return
        self.captures = (match.group(0), *tuple(g or "" for g in match.groups()))
        self.named.update({k: v or "" for k, v in match.groupdict().items()})

    def host(self) -> str:
        header = self.request.header("host")
        if header:
            return validate_host(header) or ""
        return self.request.host or self.server.names[0]


def validate_host(raw: str) -> str | None:
    """The Host as nginx keeps it (ngx_http_validate_host): lower case, without the port and
    one trailing dot; None when nginx refuses it with 400 (empty, "..", a "/", a control
    character or space)."""
    host = raw.strip(" \t")
    end, dot, literal = len(host), -2, False
    for i, ch in enumerate(host):
        if ch == ".":
            if dot == i - 1:
                return None
            dot = i
        elif ch == ":":
            if not literal and end == len(host):
                end = i
        elif ch == "[" and i == 0:
            literal = True
        elif ch == "]" and literal:
            end, literal = i + 1, False
        elif ch == "/" or ord(ch) <= 0x20 or ord(ch) == 0x7F:
            return None
    if dot == end - 1:
        end -= 1
    return host[:end].lower() if end > 0 else None


def bad_escape(raw: str) -> bool:
    """A "%" not followed by two hex digits, or an escaped NUL: nginx answers 400 while it
    parses the request line (ngx_http_parse_complex_uri), before any rule runs."""
    return bool(_BAD_ESCAPE.search(raw))


_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})|%00")


def expand(template: str, st: State) -> str:
    """``$name``, ``${name}`` and ``$1`` replaced by their values."""
    return _VAR.sub(lambda m: variable(m.group(1) or m.group(2) or m.group(3), st), template)


def variables_in(template: str) -> list[str]:
    return [m.group(1) or m.group(2) or m.group(3) for m in _VAR.finditer(template)]


def variable(name: str, st: State) -> str:
    """The value of ``$name`` for this request."""
    if name.isdigit():
        index = int(name)
        return st.captures[index] if index < len(st.captures) else ""
    if name in st.vars:
        return st.vars[name]
    if name in st.named:
        return st.named[name]
    model = st.model
    if name in model.maps:
        m = model.maps[name]
        template, entry, match = map_lookup(m, expand(m.source, st))
        st.map_hits[name] = entry
        saved = st.captures, dict(st.named)
        st.set_match(match)
        value = expand(template, st)
        st.captures, st.named = saved
        return value
    if name in model.geos:
        g = model.geos[name]
        value, entry = geo_lookup(g, expand(g.source, st),
                                  st.request.header_values("x-forwarded-for"))
        st.map_hits[name] = entry
        return value
    return _builtin(name.lower(), st)


def _builtin(name: str, st: State) -> str:
    req = st.request
    address = str(req.source_address) if req.source_address else ""
    simple = {
        "request_method": req.method, "uri": st.uri, "document_uri": st.uri,
        "request_uri": req.path + (f"?{req.query}" if req.query else ""),
        "args": st.args, "query_string": st.args, "is_args": "?" if st.args else "",
        "scheme": req.scheme, "https": "on" if req.scheme == "https" else "",
        "server_port": str(st.port), "server_protocol": "HTTP/1.1",
        "request": f"{req.method} {req.path}{'?' + req.query if req.query else ''} HTTP/1.1",
        "host": st.host(), "server_name": st.server.names[0],
        "remote_addr": address, "realip_remote_addr": address,
        "binary_remote_addr": address and f"<{address} as 4/16 bytes>",
        "content_type": req.header("content-type") or "",
        "content_length": req.header("content-length") or "",
        "remote_user": _remote_user(req),
    }
    if name in simple:
        if name in ("remote_addr", "binary_remote_addr", "realip_remote_addr") and not address:
            st.assume("the client address is unknown (no source_address): $remote_addr is "
                      "empty")
        return simple[name]
    if name.startswith("http_"):
        header = name[5:].replace("_", "-")
        values = req.header_values(header)
        return ("; " if header == "cookie" else ", ").join(values)
    if name.startswith("arg_"):
        wanted = name[4:]
        for pair in st.args.split("&"):
            key, _, value = pair.partition("=")
            if key.lower() == wanted:
                return value
        return ""
    if name.startswith("cookie_"):
        return req.cookie(name[7:]) or ""
    st.assume(f"${name} cannot be known offline: it was read as empty")
    return ""


def _remote_user(req: AuditRequest) -> str:
    import base64
    import binascii

    value = req.header("authorization") or ""
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "basic":
        return ""
    try:
        return base64.b64decode(token.strip(), validate=True).decode().partition(":")[0]
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return ""


def normalise_uri(raw: str, merge_slashes: bool = True) -> str | None:
    """The URI nginx matches locations against (ngx_http_parse_complex_uri): percent-decoded,
    slashes merged, ``.``/``..`` resolved; None when ``..`` climbs above the root (400)."""
    if not raw.startswith("/"):
        return None
    decoded = unquote(raw, errors="surrogateescape")
    if merge_slashes:
        decoded = re.sub(r"/{2,}", "/", decoded)
    out: list[str] = []
    parts = decoded.split("/")
    for i, part in enumerate(parts[1:], start=1):
        last = i == len(parts) - 1
        if part == ".":
            if last:
                out.append("")
            continue
        if part == "..":
            if not out:
                return None
            out.pop()
            if last:
                out.append("")
            continue
        out.append(part)
    return "/" + "/".join(out)
