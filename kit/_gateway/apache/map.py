"""Mapping a URL-path to what serves it: ProxyPass, Alias and friends, DocumentRoot.

mod_proxy's ProxyPass (server level or inside a ``<Location>``) hands the request on;
mod_alias maps by prefix (on a slash boundary) or regex, the host's own entries first;
otherwise the path lands under DocumentRoot (relative to ServerRoot).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from .phases import server_order, substitute
from .syntax import Directive
from .tree import Server, compile_regex

_PAIRS: dict[int, tuple[Server, list[tuple[str, str, Directive]]]] = {}


def proxy_target(server: Server, uri: str) -> tuple[Directive, str] | None:
    """ProxyPass (server level, or inside a <Location>): the directive and the target."""
    hit = _PAIRS.get(id(server))
    pairs = hit[1] if hit is not None and hit[0] is server else _proxy_pairs(server)
    for prefix, target, d in pairs:
        if uri.startswith(prefix):
            return None if target == "!" else (d, target + uri[len(prefix):])
    return None


def _proxy_pairs(server: Server) -> list[tuple[str, str, Directive]]:
    pairs: list[tuple[str, str, Directive]] = []
    for d in server.base:
        if d.key == "proxypass" and len(d.args) >= 2:
            pairs.append((d.args[0], d.args[1], d))
    for loc in server.locations:
        if loc.regex is None:
            pairs += [(loc.pattern, d.args[0], d) for d in loc.body
                      if d.key == "proxypass" and len(d.args) == 1]
    if len(_PAIRS) > 1024:
        _PAIRS.clear()
    _PAIRS[id(server)] = (server, pairs)
    return pairs


def to_url(server: Server, path: str, root: Path | None) -> str:
    """A directory's path as a URL-path (below DocumentRoot), for per-directory rewrites."""
    base = docroot(server, root).rstrip("/")
    return path[len(base):] if base and path.startswith(base) else path


def docroot(server: Server, root: Path | None) -> str:
    """The host's DocumentRoot (relative to ServerRoot), or httpd's compiled-in default."""
    d = server.last("documentroot")
    if d is None or not d.args:
        return "/usr/local/apache2/htdocs"
    path = Path(d.args[0])
    if not path.is_absolute() and root is not None:
        path = root / path
    return str(path).rstrip("/") or "/"


def translate(server: Server, uri: str, root: Path | None,
              assume: Callable[[str], None]) -> str:
    """URL-path to file name: Alias/ScriptAlias/AliasMatch, else DocumentRoot."""
    for d in server_order(server):  # mod_alias: the host's own first, first match wins
        if d.key in ("alias", "scriptalias") and len(d.args) == 2:
            url, target = d.args
            if uri == url or uri.startswith(url.rstrip("/") + "/"):
                return target.rstrip("/") + uri[len(url.rstrip("/")):]
        elif d.key in ("aliasmatch", "scriptaliasmatch") and len(d.args) == 2:
            m = compile_regex(d.args[0], d).search(uri)
            if m is not None:
                return substitute(d.args[1], m)
    base = docroot(server, root)
    if server.last("documentroot") is None:
        assume("no DocumentRoot: httpd's compiled-in default is assumed")
    return base.rstrip("/") + uri


def server_target(server: Server, target: str, root: Path | None) -> str:
    """A server-context RewriteRule target: a file path when its first part exists,
    else a URL-path under DocumentRoot (mod_rewrite's hook_uri2file)."""
    first = "/" + target.lstrip("/").split("/", 1)[0]
    base = docroot(server, root)
    if target.startswith(base + "/") or (Path(first).exists() and first != "/"):
        return target
    return base + target


def read_htaccess(path: Path) -> str | None:
    """A .htaccess file's text, or None when there is none (or it cannot be read)."""
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
