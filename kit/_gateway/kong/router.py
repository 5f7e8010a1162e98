"""Kong's router: which route takes a request, in Kong's own priority order.

Kong 3.x's default ``router_flavor = traditional_compatible`` splits each route by path group
(its regex paths together, its prefix paths by length: ``split_routes_and_services_by_path``)
and gives each part one priority number (``get_priority`` in kong/router/transform.lua):

    match_weight (bits 61-63: how many of methods, hosts, headers, paths are set)
    > plain hosts only (bit 60) > number of headers (bits 52-59) > regex path (bit 51)
    > regex_priority, regex paths only (bits 19-50) > prefix length (bits 0-18)

The highest priority part whose every attribute matches wins. That priority was written to
reproduce the traditional router (kong/router/traditional.lua ``sort_routes``), so it also
stands for Kong 1.x/2.x files, where a path is a regex when it holds a character outside
``[a-zA-Z0-9.\\-_~/%]`` (kong/router.lua in 2.8) instead of starting with ``~``.
Protocols do not take part in http matching (transform.lua); a match that is https-only
answers 426 (kong/runloop/handler.lua), which the evaluator handles.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..document import Document, json_path
from ..model import AuditRequest, ConfigError, RuleRef, Step
from .entities import Route

_PLAIN_PATH = re.compile(r"[a-zA-Z0-9.\-_~/%]*")  # kong/router.lua (2.8): not a regex


@dataclass(frozen=True)
class Part:
    """One path group of a route, as traditional_compatible splits it."""

    route: Route
    paths: tuple[tuple[int, str], ...]  # (index in route.paths, path as written)
    patterns: tuple[re.Pattern[str] | None, ...]  # compiled regex, None for a prefix
    host_patterns: tuple[re.Pattern[str] | None, ...]
    priority: tuple[int, ...]


@dataclass(frozen=True)
class Miss:
    """One attribute of a route the request does not satisfy, and what would fix it."""

    field: str
    says: str
    fix: str


@dataclass(frozen=True)
class Routed:
    part: Part | None
    steps: tuple[Step, ...]
    closest: tuple[Part, tuple[Miss, ...]] | None  # when nothing matched


def is_regex(path: str, version: str) -> bool:
    if version == "3.0":
        return path.startswith("~")
    return _PLAIN_PATH.fullmatch(path) is None


def build_parts(routes: tuple[Route, ...], version: str, doc: Document) -> tuple[Part, ...]:
    """Every route split into its path groups, sorted by Kong's priority (highest first)."""
    parts: list[Part] = []
    for route in routes:
        hosts = tuple(_host_pattern(h) for h in route.hosts)
        groups: dict[object, list[tuple[int, str]]] = {}
        for index, path in enumerate(route.paths):
            groups.setdefault("regex" if is_regex(path, version) else len(path), []).append(
                (index, path))
        for group in groups.values() if groups else [[]]:
            regex = bool(group) and is_regex(group[0][1], version)
            patterns = tuple(_compile(route, i, p, version, doc) if regex else None
                             for i, p in group)
            weight = sum(bool(x) for x in (route.methods, route.hosts, route.headers, route.paths))
            plain_hosts = bool(route.hosts) and not any("*" in h for h in route.hosts)
            length = 0 if regex or not group else len(group[0][1])
            priority = (weight, int(plain_hosts), len(route.headers), int(regex),
                        route.regex_priority if regex else 0, length, -route.order)
            parts.append(Part(route, tuple(group), patterns, hosts, priority))
    return tuple(sorted(parts, key=lambda p: p.priority, reverse=True))


def _compile(route: Route, index: int, path: str, version: str,
             doc: Document) -> re.Pattern[str]:
    text = path[1:] if version == "3.0" else path
    try:
        return re.compile(text)
    except re.error as exc:
        keys = (*route.keys, "paths", index)
        raise ConfigError(f"regex path {path!r} of route {route.label} does not compile "
                          f"({exc.msg})", source=doc.source, line=doc.line_of(keys),
                          path=json_path(keys), hint="fix the regex, or drop the ~ for a prefix"
                          ) from None


def _host_pattern(host: str) -> re.Pattern[str] | None:
    """kong/router/traditional.lua: ``*`` stands for one or more characters, port optional."""
    if "*" not in host:
        return None
    body = re.escape(host).replace(r"\*", ".+")
    return re.compile(body + ("" if ":" in host else r"(?::\d+)?"))


def request_host(request: AuditRequest) -> tuple[str, str]:
    """(host, host:port) as Kong reads them: the Host header, else the URL's host."""
    header = (request.header("host") or "").strip().lower()
    host, port = request.host, request.port
    if header:
        name, sep, number = header.rpartition(":") if not header.endswith("]") else ("", "", "")
        host, port = (name, int(number)) if sep and number.isdigit() else (header, None)
    port = port or (443 if request.scheme == "https" else 80)
    return host, f"{host}:{port}"


def _host_ok(part: Part, request: AuditRequest) -> bool:
    host_only, with_port = request_host(request)
    for host, pattern in zip(part.route.hosts, part.host_patterns, strict=True):
        if pattern is None and host in (host_only, with_port):
            return True
        if pattern is not None and pattern.fullmatch(with_port):
            return True
    return False


def _path_ok(part: Part, path: str) -> str | None:
    for (_, written), pattern in zip(part.paths, part.patterns, strict=True):
        if pattern is None and path.startswith(written):
            return written
        if pattern is not None and pattern.match(path):
            return written
    return None


def misses(part: Part, request: AuditRequest, version: str, doc: Document) -> tuple[Miss, ...]:
    """The attributes of this route part the request fails, empty when it matches."""
    route, out = part.route, []
    where = f"route {route.label} ({doc.source}:{doc.line_of(route.keys)})"
    if route.methods and request.method not in route.methods:
        line = doc.line_of((*route.keys, "methods"))
        out.append(Miss("methods", f"method {request.method} is not in {list(route.methods)}",
                        f"add {request.method} to route {_own(route.label)} methods "
                        f"({doc.source}:{line})"))
    if route.hosts and not _host_ok(part, request):
        line = doc.line_of((*route.keys, "hosts"))
        shown = request_host(request)[0] or "(no host: the url is a bare path)"
        out.append(Miss("hosts", f"host {shown} is not in {list(route.hosts)}",
                        f"send Host: {route.hosts[0].replace('*', 'www')} (route "
                        f"{_own(route.label)} hosts at {doc.source}:{line})"))
    for name, values in route.headers:
        sent = [v.lower() for v in request.header_values(name)]
        pattern = values[0][2:] if version == "3.0" and len(values) == 1 and \
            values[0].startswith("~*") else None
        ok = any(v in {x.lower() for x in values} for v in sent) or (
            pattern is not None and any(_search(pattern, v) for v in sent))
        if not ok:
            out.append(Miss("headers", f"header {name} is not one of {list(values)}",
                            f"send header {name}: {values[0]} ({where} headers)"))
    path = request.decoded_path if version == "3.0" else request.path
    if part.paths and _path_ok(part, path) is None:
        written = [p for _, p in part.paths]
        line = doc.line_of((*route.keys, "paths"))
        out.append(Miss("paths", f"path {path} matches none of {written}",
                        f"add {path} to route {_own(route.label)} paths ({doc.source}:{line})"))
    return tuple(out)


def _distance(missed: tuple[Miss, ...]) -> tuple[int, bool]:
    """Fewer misses first; at a tie, a route whose path matches is the closer one."""
    return len(missed), any(m.field == "paths" for m in missed)


def _own(label: str) -> str:
    return label + ("'" if label.endswith("s") else "'s")


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


def route_request(parts: tuple[Part, ...], request: AuditRequest, version: str,
                  doc: Document) -> Routed:
    """The route part Kong picks, the parts it looked at before, or the closest miss."""
    steps: list[Step] = []
    best: tuple[Part, tuple[Miss, ...]] | None = None
    quiet = 0  # routes whose path alone does not match: noise in a trace past the first few
    for part in parts:
        missed = misses(part, request, version, doc)
        if not missed:
            path = request.decoded_path if version == "3.0" else request.path
            matched = _path_ok(part, path) if part.paths else None
            says = f"route {part.route.label} matches" + (
                f" (path {matched})" if matched else "") + " and has the highest priority"
            steps.append(Step(rule_of(part, doc), "pass", says))
            return Routed(part, _with_quiet(steps, quiet, doc), None)
        if [m.field for m in missed] == ["paths"] and len(steps) >= _TRACE_MISSES:
            quiet += 1
        else:
            steps.append(Step(rule_of(part, doc), "skip", f"route {part.route.label}: "
                              + "; ".join(m.says for m in missed)))
        if best is None or _distance(missed) < _distance(best[1]):
            best = (part, missed)
    return Routed(None, _with_quiet(steps, quiet, doc), best)


_TRACE_MISSES = 8
"""Routes shown in the trace that miss on their path alone; the rest are counted."""


def _with_quiet(steps: list[Step], quiet: int, doc: Document) -> tuple[Step, ...]:
    if quiet:
        steps.insert(-1 if steps and steps[-1].effect == "pass" else len(steps), Step(
            RuleRef(doc.source), "note",
            f"{quiet} more route(s) whose paths do not match (not listed)"))
    return tuple(steps)


def rule_of(part: Part, doc: Document) -> RuleRef:
    route = part.route
    bits = [f"paths {[p for _, p in part.paths]}" if part.paths else "",
            f"methods {list(route.methods)}" if route.methods else "",
            f"hosts {list(route.hosts)}" if route.hosts else "",
            f"headers {dict(route.headers)}" if route.headers else ""]
    text = f"route {route.label}: " + ", ".join(b for b in bits if b)
    return doc.ref(route.keys, text)
