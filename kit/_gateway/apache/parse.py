"""Reading an httpd configuration: entry points, the server/section model and httpd's checks.

``parse_apache``/``load_apache`` return an ``ApacheConfig`` (the GatewayConfig for httpd).
The checks are the ones httpd makes at start-up that matter for a verdict: sections
closed and well formed, regexes that compile, ``Require`` providers known, a negated
``Require`` only inside a ``<RequireAll>``/``<RequireNone>``, ``Order`` values.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..document import read_text
from .eval import ApacheConfig
from .startup import check
from .syntax import Directive, parse_tree
from .tree import SECTION_KINDS, Body, Model, Section, Server, address, section

__all__ = ["ApacheConfig", "load_apache", "looks_like_apache", "parse_apache"]

_SNIFF = re.compile(
    r"(?im)^[ \t]*</?(?:VirtualHost|Directory|DirectoryMatch|Location|LocationMatch|Files"
    r"|FilesMatch|IfModule|RequireAll|RequireAny|RequireNone|LimitExcept|IfDefine)\b[^>\n]*>"
    r"|^[ \t]*(?:DocumentRoot|ServerRoot|LoadModule|RewriteEngine|AllowOverride|AuthType"
    r"|AuthUserFile|Require[ \t]+(?:all|ip|valid-user|user|group|env|host|local)"
    r"|Order[ \t]+(?:allow|deny)|Options[ \t]+[-+]?\w+|DirectoryIndex|ServerName"
    r")\b[^;{\n]*$")


def looks_like_apache(text: str) -> bool:
    """A cheap sniff: httpd sections or directives (no ``{ }`` blocks, no ``;`` ends)."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith(("{", "[", "---")):
        return False
    return bool(_SNIFF.search(head, 0, 1 << 20))


def parse_apache(text: str, source: str = "<text>",
                 base_dir: Path | None = None) -> ApacheConfig:
    """Parse httpd configuration text; ``Include`` resolves against ServerRoot/``base_dir``."""
    top, files, skipped, server_root = parse_tree(text, source, base_dir)
    model = build_model(top, tuple(skipped))
    return ApacheConfig(source=source, model=model, files=files,
                        root=server_root or base_dir)


def load_apache(path: str | Path) -> ApacheConfig:
    """Read an httpd configuration file (apache2.conf, httpd.conf, a site file)."""
    path = Path(path)
    return parse_apache(read_text(path), str(path), path.resolve().parent)


def build_model(top: Body, notes: tuple[str, ...] = ()) -> Model:
    check(top)
    main = _server(None, top, None)
    hosts = tuple(_server(d, d.block or (), main) for d in top if d.key == "virtualhost")
    listens = tuple(int(p) for d in top if d.key == "listen" and d.args
                    for p in [d.args[0].rsplit(":", 1)[-1]] if p.isdigit())
    return Model(main, hosts, listens, notes, frozenset(_secrets(top)))


# `%{HTTP:X-API-Key} == 'value'`, `req('Authorization') = "value"`: a credential written down
_COMPARED = re.compile(r"""(?:%\{HTTP:([\w-]+)\}|(?:req|http)\(['"]([\w-]+)['"]\))\s*"""
                       r"""(?:==|=|!=)\s*['"]([^'"]{4,})['"]""")


def _secrets(body: Body) -> set[str]:
    from ..._http.secrets import is_secret_header

    found: set[str] = set()
    for d in body:
        for m in _COMPARED.finditer(d.text):
            if is_secret_header(m.group(1) or m.group(2)):
                found.add(m.group(3))
        header = ""
        if d.key == "rewritecond" and len(d.args) >= 2:
            hit = re.fullmatch(r"%\{HTTP:([\w-]+)\}", d.args[0])
            header = hit.group(1) if hit else ""
        elif d.key in ("setenvif", "setenvifnocase") and len(d.args) >= 2:
            header = d.args[0]
        if header and is_secret_header(header):
            literal = d.args[1].lstrip("!=").removeprefix("^").removesuffix("$")
            if len(literal) >= 8 and not re.search(r"[\\.*+?()\[\]{}|]", literal):
                found.add(literal)
        if d.block is not None:
            found |= _secrets(d.block)
    return found


def _sections(body: Body) -> list[Section]:
    return [section(d) for d in body if d.block is not None and d.key in SECTION_KINDS]


def _server(d: Directive | None, body: Body, main: Server | None) -> Server:
    plain = tuple(x for x in body if x.block is None or x.key in ("limit", "limitexcept",
                                                                 "requireall", "requireany",
                                                                 "requirenone"))
    own = _sections(body)
    names: list[str] = []
    for x in plain:
        if x.key == "servername" and x.args:
            host = x.args[0].split("://")[-1]
            names.insert(0, host.rsplit(":", 1)[0].lower() if "]" not in host else host)
        elif x.key == "serveralias":
            names.extend(a.lower() for a in x.args)
    addresses = tuple(address(a, d) for a in d.args) if d is not None else ()
    if d is not None and not addresses:
        raise d.error("<VirtualHost> needs an address", "<VirtualHost *:80>")
    inherited: list[Section] = []
    base: Body = plain
    if main is not None:
        inherited = [*main.directories, *main.files, *main.locations, *main.ifs]
        base = (*main.base, *plain)
    every = [*inherited, *own]
    plain_dirs = [s for s in every if s.kind == "directory" and s.regex is None]
    regex_dirs = [s for s in every if s.kind == "directory" and s.regex is not None]
    plain_dirs.sort(key=lambda s: s.components)  # stable: ties keep their order
    return Server(
        d, addresses, tuple(names), base, plain,
        tuple(plain_dirs + regex_dirs),
        tuple(s for s in every if s.kind == "files"),
        tuple(s for s in every if s.kind == "location"),
        tuple(s for s in every if s.kind in ("if", "elseif", "else")))
