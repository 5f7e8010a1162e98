"""The parts of httpd's request processing around the section walk: URI checks, mod_alias
redirects, SetEnvIf, Options merging and mod_rewrite's per-directory rule inheritance."""

from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass

from ..model import AuditRequest
from .rewrite import Rule, rules
from .syntax import Directive
from .tree import Server, compile_regex
from .walk import Layer


@dataclass
class Verdict:
    status: int
    directive: Directive | None
    kind: str
    reason: str
    target: str = ""


def inherits(body: tuple[Directive, ...]) -> bool:
    return any(d.key == "rewriteoptions" and any(a.lower() in ("inherit", "inheritbefore")
                                                 for a in d.args) for d in body)


def per_dir_rules(per_dir: list[Layer]) -> list[Rule]:
    """mod_rewrite's config_perdir_merge over the sections that hold rewrite directives: each
    one's rules replace the inherited ones, unless it says RewriteOptions Inherit (its own
    first) or InheritBefore (inherited first)."""
    out: list[Rule] = []
    for layer in per_dir:
        mine = rules(layer.body)
        if inherits(layer.body):
            before = any(a.lower() == "inheritbefore" for d in layer.body
                         if d.key == "rewriteoptions" for a in d.args)
            out = out + mine if before else mine + out
        else:
            out = mine
    return out


_REDIRECT_CODES = {"permanent": 301, "temp": 302, "seeother": 303, "gone": 410}


def server_order(server: Server) -> tuple[Directive, ...]:
    """A host's directives in mod_alias's order: its own first, then the main server's."""
    inherited = server.base[: len(server.base) - len(server.own)]
    return (*server.own, *inherited)


def redirect(server: Server, uri: str) -> Verdict | None:
    """mod_alias Redirect/RedirectMatch/RedirectPermanent/RedirectTemp at server level."""
    for d in server_order(server):
        if d.key not in ("redirect", "redirectmatch", "redirectpermanent", "redirecttemp"):
            continue
        args = list(d.args)
        status = {"redirectpermanent": 301, "redirecttemp": 302}.get(d.key, 302)
        if args and (args[0].lower() in _REDIRECT_CODES or args[0].isdigit()) and (
                len(args) > 2 or args[0].lower() == "gone"):
            first = args.pop(0).lower()
            status = _REDIRECT_CODES.get(first) or int(first)
        if not args:
            continue
        target = args[1] if len(args) > 1 else ""
        if d.key == "redirectmatch":
            m = compile_regex(args[0], d).search(uri)
            if m is None:
                continue
            target = substitute(target, m)
        else:
            prefix = args[0]
            if not (uri == prefix or uri.startswith(prefix.rstrip("/") + "/")):
                continue
            target = target + uri[len(prefix):] if target else ""
        what = f"redirects ({status}) to {target}" if 300 <= status < 400 else \
            f"answers {status}"
        return Verdict(status, d, "redirect" if status < 400 else "rewrite",
                       f"{d.text} ({d.where}) {what}", target)
    return None


def substitute(target: str, m: re.Match[str]) -> str:
    """``$1``..``$9`` in a RedirectMatch/AliasMatch target (a missing group is empty)."""
    groups = (m.group(0), *(g or "" for g in m.groups()))
    return re.sub(r"\$(\d)", lambda g: groups[int(g.group(1))]
                  if int(g.group(1)) < len(groups) else "", target)


def name_match(pattern: str, host: str) -> bool:
    """ServerName/ServerAlias against the Host: exact, or ``*``/``?`` wildcards."""
    return fnmatch.fnmatchcase(host, pattern) if any(c in pattern for c in "*?") \
        else pattern == host


def encoded_slashes(server: Server) -> bool:
    d = server.last("allowencodedslashes")
    return bool(d and d.args and d.args[0].lower() in ("on", "nodecode"))


def normalise(path: str) -> str | None:
    """ap_getparents after merging slashes; None when ``..`` climbs above the root."""
    path = re.sub(r"/{2,}", "/", path)
    out: list[str] = []
    parts = path.split("/")
    for i, part in enumerate(parts[1:], 1):
        if part == "..":
            if not out:
                return None
            out.pop()
            if i == len(parts) - 1:
                out.append("")
        elif part == ".":
            if i == len(parts) - 1:
                out.append("")
        else:
            out.append(part)
    return "/" + "/".join(out)


_ALL = frozenset({"indexes", "includes", "followsymlinks", "execcgi"})  # OPT_ALL


def _section_options(body: tuple[Directive, ...], unset: bool, opts: frozenset[str]
                     ) -> tuple[bool, frozenset[str], frozenset[str], frozenset[str]]:
    """server/core.c set_options over one section: (unset, opts, opts_add, opts_remove)."""
    add: frozenset[str] = frozenset()
    remove: frozenset[str] = frozenset()
    for d in body:
        if d.key != "options":
            continue
        for i, word in enumerate(d.args):
            action = word[:1] if word[:1] in "+-" else ""
            name = word.lstrip("+-").lower()
            if not action and i == 0:
                unset, opts = False, frozenset()
            one = _ALL if name == "all" else frozenset() if name == "none" else {name}
            if action == "-":
                remove, add, opts = remove | one, add - one, opts - one
            elif action == "+":
                add, remove, opts = add | one, remove - one, opts | one
            else:
                opts = opts | one
    return unset, opts, add, remove


def options(layers: list[Layer]) -> set[str]:
    """The Options in force, merged as merge_core_dir_configs does: a section that sets
    Options absolutely replaces them (keeping its own +/- lists), any other re-applies
    the +/- lists gathered so far (so an earlier ``-Indexes`` can outlive a later
    ``Options Indexes`` of the same section)."""
    unset, opts, add, remove = _section_options(
        layers[0].body if layers else (), True, frozenset({"followsymlinks"}))
    for layer in layers[1:]:
        n_unset, n_opts, n_add, n_remove = _section_options(layer.body, True, frozenset())
        if n_unset:
            add = (add - n_remove) | n_add
            remove = (remove - n_add) | n_remove
            opts = (opts - remove) | add
        else:
            opts, add, remove = n_opts, n_add, n_remove
    del unset
    return set(opts)


# The methods httpd knows (ap_method_registry_init, httpd.h M_*): any other is M_INVALID
_METHODS_TEXT = ("GET HEAD PUT POST DELETE CONNECT OPTIONS TRACE PATCH PROPFIND PROPPATCH "
                 "MKCOL COPY MOVE LOCK UNLOCK VERSION-CONTROL CHECKOUT UNCHECKOUT CHECKIN "
                 "UPDATE LABEL REPORT MKWORKSPACE MKACTIVITY BASELINE-CONTROL MERGE")
_KNOWN_METHODS = frozenset(_METHODS_TEXT.split())


def default_handler(method: str, kind: str, path_info: bool, uri: str,
                    filename: str) -> Verdict:
    """server/core.c default_handler: GET/HEAD/POST serve a file (404 when missing, for a
    directory, or with extra path); OPTIONS is answered; an unknown method is 501; any other
    is 405, whether the file exists or not."""
    if method in ("GET", "HEAD", "POST"):
        if kind == "none":
            return Verdict(404, None, "missing", f"{filename} does not exist: httpd answers "
                           "404")
        if kind == "dir":
            return Verdict(404, None, "missing", f"{uri} is a directory with no index file: "
                           f"httpd answers {method} with 404")
        if path_info:
            return Verdict(404, None, "missing", f"{filename} has extra path after a file "
                           "(AcceptPathInfo is off for static files): httpd answers 404")
        return Verdict(200, None, "static", f"{uri} is served as a static file ({filename})")
    if method == "OPTIONS":
        return Verdict(200, None, "static", f"OPTIONS {uri}: answered by httpd itself")
    if method not in _KNOWN_METHODS:
        return Verdict(501, None, "method", f"{method} is not a method httpd knows: 501")
    return Verdict(405, None, "method", f"the default handler refuses {method} with 405 "
                   "(it serves only GET, HEAD, POST and OPTIONS)")


def index_names(layers: list[Layer]) -> list[str]:
    """mod_dir's list: the last section with DirectoryIndex wins; within one section the
    directives add up ("disabled" empties the list)."""
    for layer in reversed(layers):
        found = [d for d in layer.body if d.key == "directoryindex"]
        if found:
            names: list[str] = []
            for d in found:
                if d.args and d.args[0].lower() == "disabled":
                    names = []
                    continue
                names += list(d.args)
            return names
    return ["index.html"]


def set_env(env: dict[str, str], request: AuditRequest, uri: str, layers: list[Layer]) -> None:
    """SetEnvIf, SetEnvIfNoCase, BrowserMatch(NoCase): variables set before access checks."""
    for layer in layers:
        for d in layer.body:
            if d.key not in ("setenvif", "setenvifnocase", "browsermatch",
                             "browsermatchnocase") or len(d.args) < 2:
                continue
            args = list(d.args)
            if d.key.startswith("browsermatch"):
                args.insert(0, "User-Agent")
            attr = args[0]
            low = attr.lower()
            value = {"remote_addr": str(request.source_address or ""),
                     "request_uri": uri, "request_method": request.method,
                     "remote_host": "", "server_addr": ""}.get(low)
            if value is None:
                value = request.header(attr) or ""
            flags = re.IGNORECASE if "nocase" in d.key else 0
            try:
                hit = re.search(args[1], value, flags) is not None
            except re.error:
                hit = False
            if not hit:
                continue
            for item in args[2:]:
                name, _, val = item.partition("=")
                if name.startswith("!"):
                    env.pop(name[1:], None)
                else:
                    env[name] = val or "1"
