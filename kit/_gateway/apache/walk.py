"""Which sections apply to a request, in httpd's merge order (server/request.c).

httpd.apache.org/docs/2.4/sections.html#merging: ``<Directory>`` (plain paths, shortest
first, each level followed by its ``.htaccess``), then ``<DirectoryMatch>``, then
``<Files>``/``<FilesMatch>``, then ``<Location>``/``<LocationMatch>``, then ``<If>``. Later
sections override earlier ones. ``<Directory>`` levels exist only for directories that
exist: ap_directory_walk stops at the first missing path component. When the document root
is not on this machine every component is taken to exist (said as an assumption).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..model import ConfigError, Step
from .expr import ExprError, evaluate
from .startup import check
from .syntax import Directive, parse_htaccess
from .tree import KNOWN, OVERRIDE_OF, SECTION_KINDS, Body, Section, Server, section


@dataclass(frozen=True)
class Layer:
    """One set of directives merged into the request's configuration."""

    kind: str  # "server", "directory", "htaccess", "files", "location", "if"
    label: str  # "<Directory /srv/www> (httpd.conf:12)"
    body: Body
    directive: Directive | None = None
    path: str = ""  # the directory of a directory/.htaccess layer


@dataclass
class Walked:
    layers: list[Layer]
    kind: str  # "dir", "file", "none": what the filename is on disk
    known: bool  # the filesystem was really consulted
    bad_override: Directive | None = None  # a .htaccess directive AllowOverride forbids
    broken: str = ""  # why a .htaccess file could not be read (httpd answers 500)
    path_info: bool = False  # path components after a file
    steps: list[Step] = field(default_factory=list)


def plain(body: Body) -> Body:
    """The directives of a body that merge directly (nested sections come separately)."""
    return tuple(d for d in body if d.block is None or d.key not in SECTION_KINDS)


def last(layers: list[Layer], name: str) -> Directive | None:
    for layer in reversed(layers):
        for d in reversed(layer.body):
            if d.key == name:
                return d
            if d.key in ("limit", "limitexcept") and d.block is not None:
                hit = next((x for x in reversed(d.block) if x.key == name), None)
                if hit is not None:
                    return hit
    return None


def overrides(layers: list[Layer]) -> set[str]:
    """AllowOverride in force (from <Directory> sections only); httpd 2.4 defaults to None."""
    d = next((d for layer in reversed(layers) if layer.kind == "directory"
              for d in reversed(layer.body) if d.key == "allowoverride"), None)
    if d is None:
        return set()
    names = {a.lower().split("=")[0] for a in d.args}
    if "all" in names:
        return {"authconfig", "limit", "options", "indexes", "fileinfo"}
    return names - {"none"}


def check_htaccess(body: Body, top: bool = True) -> None:
    """httpd's checks on a .htaccess file: known directives, the Require rules' own checks."""
    for d in body:
        if d.key not in KNOWN:
            raise d.error(f"Invalid command '{d.name}', perhaps misspelled or defined by a "
                          "module not included in the server configuration")
        if d.block is not None:
            check_htaccess(d.block, top=False)
    if top:
        check(body)


def _dir_match(s: Section, path: str) -> bool:
    if s.wild:
        return fnmatch.fnmatchcase(path, s.pattern)
    return s.pattern == path


def walk(server: Server, base: Layer, filename: str, uri: str, docroot_known: bool,
         read_htaccess: Callable[[Path], str | None], lookup: Callable[[str], str],
         assume: Callable[[str], None]) -> Walked:
    layers = [base]
    nested_files: list[Section] = []
    nested_ifs: list[Section] = []
    out = Walked(layers, "dir", docroot_known)
    if filename.startswith("proxy:"):  # proxied: no <Directory>/<Files> walk (no file)
        out.kind = "proxy"
        _tail(server, layers, uri, [], lookup, assume, out)
        return out
    parts = [p for p in filename.split("/") if p]
    trailing = filename.endswith("/")
    kind = "dir"
    plain_dirs = [s for s in server.directories if s.regex is None]
    for level in range(1, len(parts) + 2):
        path = "/" + "/".join(parts[: level - 1])
        for s in plain_dirs:
            if s.components == level and _dir_match(s, path):
                layers.append(Layer("directory", f"{s.label} ({s.where})", plain(s.body),
                                    s.directive, path))
                nested_files += [section(d) for d in s.body if d.key in ("files", "filesmatch")
                                 and d.block is not None]
                nested_ifs += [section(d) for d in s.body if d.key in ("if", "elseif", "else")
                               and d.block is not None]
        allowed = overrides(layers)
        if allowed:
            name_d = last(layers, "accessfilename")
            name = name_d.args[0] if name_d is not None and name_d.args else ".htaccess"
            text = read_htaccess(Path(path) / name)
            if text is None and not docroot_known:
                assume(f"AllowOverride lets {path}/{name} add rules, but that file is not on "
                       "this machine: what it says is not part of this audit")
            if text is not None:
                source = str(Path(path) / name)
                try:
                    body = parse_htaccess(text, source)
                    check_htaccess(body)
                except ConfigError as exc:
                    out.broken = out.broken or str(exc)
                    body = ()
                for d in body:
                    need = OVERRIDE_OF.get(d.key)
                    if need is not None and need not in allowed and out.bad_override is None:
                        out.bad_override = d
                layers.append(Layer("htaccess", f"{source}", plain(body), None, path))
                nested_files += [section(d) for d in body if d.key in ("files", "filesmatch")
                                 and d.block is not None]
                nested_ifs += [section(d) for d in body if d.key in ("if", "elseif", "else")
                               and d.block is not None]
        if level > len(parts):
            break
        nxt = "/" + "/".join(parts[:level])
        if docroot_known:
            p = Path(nxt)
            if p.is_dir():
                continue
            kind = "file" if p.is_file() else "none"
            out.path_info = kind == "file" and level < len(parts)
            filename = nxt  # the walk stops here: the rest is path info (request.c)
        else:
            last_part = level == len(parts)
            if last_part and not trailing:
                kind = "file"
            else:
                continue
        break
    out.kind = kind
    if not docroot_known:
        assume(f"{filename} is not on this machine: every directory on the way is taken to "
               "exist" + ("" if trailing else ", and the file too"))
    # ap_directory_walk matches the regexes against r->filename as the walk left it: a
    # directory keeps the request's trailing slash, a file or a missing part ends the path
    for s in server.directories:
        if s.regex is not None and s.regex.search(filename):
            layers.append(Layer("directory", f"{s.label} ({s.where})", plain(s.body),
                                s.directive, filename.rstrip("/").rsplit("/", 1)[0]
                                if kind != "dir" else filename.rstrip("/")))
    base_name = filename.rsplit("/", 1)[-1]  # file_walk: empty after a trailing slash
    if base_name:
        for s in (*server.files, *nested_files):
            hit = (s.regex.search(base_name) is not None if s.regex is not None else
                   fnmatch.fnmatchcase(base_name, s.pattern))
            if hit:
                layers.append(Layer("files", f"{s.label} ({s.where})", plain(s.body),
                                    s.directive))
                nested_ifs += [section(d) for d in s.body if d.key in ("if", "elseif", "else")
                               and d.block is not None]
    _tail(server, layers, uri, nested_ifs, lookup, assume, out)
    return out


def _tail(server: Server, layers: list[Layer], uri: str, nested_ifs: list[Section],
          lookup: Callable[[str], str], assume: Callable[[str], None], out: Walked) -> None:
    for s in server.locations:
        if _location_match(s, uri):
            layers.append(Layer("location", f"{s.label} ({s.where})", plain(s.body),
                                s.directive))
            nested_ifs += [section(d) for d in s.body if d.key in ("if", "elseif", "else")
                           and d.block is not None]
    layers.extend(_ifs([*server.ifs, *nested_ifs], lookup, assume, out.steps))


def _location_match(s: Section, uri: str) -> bool:
    if s.regex is not None:
        return s.regex.search(uri) is not None
    pattern = s.pattern
    if s.wild:
        return fnmatch.fnmatchcase(uri, pattern)
    if not uri.startswith(pattern):
        return False
    return (pattern.endswith("/") or len(uri) == len(pattern) or uri[len(pattern)] == "/")


def _ifs(sections: list[Section], lookup: Callable[[str], str], assume: Callable[[str], None],
         steps: list[Step]) -> list[Layer]:
    out: list[Layer] = []
    chain_done = False
    for s in sections:
        if s.kind == "if":
            chain_done = False
        elif chain_done:
            continue
        if s.kind == "else":
            hit = True
        else:
            try:
                hit = evaluate(s.pattern, lookup)
            except (ExprError, ValueError) as exc:
                assume(f"{s.label} ({s.where}): expression not understood ({exc}); taken as "
                       "false")
                hit = False
        steps.append(Step(s.directive.ref(), "note",
                          f"{s.label} {'holds' if hit else 'does not hold'}"))
        if hit:
            chain_done = True
            out.append(Layer("if", f"{s.label} ({s.where})", plain(s.body), s.directive))
    return out
