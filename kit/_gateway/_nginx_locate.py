"""Choosing the server block and the location, the way nginx does.

Server: https://nginx.org/en/docs/http/request_processing.html and
https://nginx.org/en/docs/http/server_names.html - among the servers listening on the port:
exact name, longest wildcard starting with an asterisk, longest wildcard ending with an
asterisk, first matching regex (in order), else the port's default_server, else the first.
Location: ngx_http_core_find_location / ngx_http_core_find_static_location in
src/http/ngx_http_core_module.c (nginx master 3f6f782): an ``=`` match ends the search; the
longest prefix is remembered and its nested locations searched; unless that prefix is ``^~``,
the level's regex locations are tried in file order and the first match wins (then its own
nested locations); otherwise the prefix stands. A URI one "/" short of a prefix location
that passes upstream gets a 301 to the URI with the slash (auto_redirect, NGX_DONE).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ._model import AuditRequest, RuleRef, Step
from ._nginx_pcre import compile_pcre
from ._nginx_tree import Location, Model, Server

PASSES = ("proxy_pass", "fastcgi_pass", "uwsgi_pass", "scgi_pass", "memcached_pass", "grpc_pass")
OK, DONE, AGAIN, DECLINED = "ok", "done", "again", "declined"


@dataclass(frozen=True)
class Found:
    """The result of a location search: nginx's return code and the chain of locations."""

    rc: str
    chain: tuple[Location, ...]  # outermost first; empty when no location matched
    match: re.Match[str] | None = None

    @property
    def location(self) -> Location | None:
        return self.chain[-1] if self.chain else None


def select_server(model: Model, request: AuditRequest, host: str,
                  steps: list[Step]) -> tuple[Server, int, re.Match[str] | None]:
    """The server block nginx would pick for the request's port and Host."""
    port = request.port
    servers = [s for s in model.servers if port is None or any(x.serves(port)
                                                               for x in s.listens)]
    if not servers:
        steps.append(Step(RuleRef("listen"), "note", f"no server listens on port {port}: "
                          "all servers were considered"))
        servers = list(model.servers)
    chosen, why, match = _by_name(servers, host)
    if chosen is None:
        defaults = [s for s in servers if any(x.default and (port is None or x.serves(port))
                                              for x in s.listens)]
        chosen = defaults[0] if defaults else servers[0]
        why = ("is the default_server" if defaults else "is the first server") + (
            f" for port {port}" if port else "") + f' (no server_name matches "{host}")'
    used_port = port or chosen.listens[0].port
    if chosen.directive is not None:
        steps.append(Step(chosen.directive.ref(f"server_name {' '.join(chosen.names)}"),
                          "pass", f"server at {chosen.where} {why}"))
    return chosen, used_port, match


def _by_name(servers: list[Server],
             host: str) -> tuple[Server | None, str, re.Match[str] | None]:
    for s in servers:  # "" too: server_name "" takes the requests without a Host
        if host in s.names:
            return s, f'has server_name "{host}"', None
    for lead in (True, False):
        best: tuple[int, Server, str] | None = None
        for s in servers:
            for name in s.names:
                if lead and name.startswith(("*.", ".")):
                    hit = host.endswith(name.lstrip("*")) or host == name.lstrip("*.")
                elif not lead and name.endswith(".*"):
                    hit = host.startswith(name[:-1])
                else:
                    continue
                if hit and (best is None or len(name) > best[0]):
                    best = (len(name), s, name)
        if best is not None:
            return best[1], f'server_name "{best[2]}" matches "{host}"', None
    for s in servers:
        for name in s.names:
            # server_name regexes are caseless (ngx_http_core_server_name: NGX_REGEX_CASELESS)
            match = compile_pcre(name[1:], True).search(host) if name.startswith("~") else None
            if match is not None:  # its captures become variables ($1, $name)
                return s, f'server_name "{name}" matches "{host}"', match
    return None, "", None


def find_location(locations: tuple[Location, ...], uri: str, steps: list[Step],
                  chain: tuple[Location, ...] = ()) -> Found:
    """ngx_http_core_find_location over one level (recursing into nested locations)."""
    for loc in locations:
        if loc.modifier == "=" and loc.pattern == uri:
            steps.append(Step(loc.directive.ref(), "pass", f"{loc.label} matches {uri} exactly"))
            return Found(OK, (*chain, loc))
    prefixes = [x for x in locations if x.modifier in ("", "^~") and uri.startswith(x.pattern)]
    redirect = next((x for x in locations if x.modifier in ("", "=") and x.pattern == uri + "/"
                     and any(x.has(p) for p in PASSES)), None)
    if redirect is not None and redirect.modifier == "=":
        return Found(DONE, (*chain, redirect))
    rc, found = DECLINED, Found(DECLINED, chain)
    noregex = False
    if prefixes:
        best = max(prefixes, key=lambda x: len(x.pattern))
        steps.append(Step(best.directive.ref(), "pass",
                          f"{best.label} is the longest prefix matching {uri}"
                          + (" (^~: regex locations are skipped)" if best.modifier == "^~"
                             else "")))
        noregex = best.modifier == "^~"
        found = Found(AGAIN, (*chain, best))
        if redirect is not None and len(redirect.pattern) > len(best.pattern):
            return Found(DONE, (*chain, redirect))
        inner = find_location(best.nested, uri, steps, found.chain)
        if inner.rc in (OK, DONE):
            return inner
        if inner.rc == AGAIN:
            found = inner
        rc = AGAIN
    elif redirect is not None:
        return Found(DONE, (*chain, redirect))
    if not noregex:
        missed: list[Location] = []
        for loc in locations:
            if loc.regex is None:
                continue
            match = loc.regex.search(uri)
            if not match:
                missed.append(loc)
                if len(missed) <= _TRACE_MISSES:
                    steps.append(Step(loc.directive.ref(), "skip",
                                      f"{loc.label} does not match {uri}"))
                continue
            _quiet(missed, steps)
            steps.append(Step(loc.directive.ref(), "pass", f"{loc.label} matches {uri}"))
            inner = find_location(loc.nested, uri, steps, (*chain, loc))
            if inner.rc == DECLINED:
                return Found(OK, (*chain, loc), match)
            return Found(OK, inner.chain, inner.match or match)
        _quiet(missed, steps)
    return Found(rc, found.chain, found.match)


_TRACE_MISSES = 8
"""Regex locations shown in the trace when they do not match; the rest are counted."""


def _quiet(missed: list[Location], steps: list[Step]) -> None:
    if len(missed) > _TRACE_MISSES:
        first = missed[_TRACE_MISSES]
        steps.append(Step(first.directive.ref(), "note",
                          f"{len(missed) - _TRACE_MISSES} more regex location(s) from "
                          f"{first.directive.ref()} on do not match either (not listed)"))
