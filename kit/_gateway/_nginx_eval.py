"""Walking one request through an nginx configuration, phase by phase.

Phases as in ngx_http_core_module.c (ngx_http_init_phase_handlers): server rewrite, find
config (location), rewrite, post rewrite (search again after a URI change, at most 10 times,
then 500 "rewrite or internal redirection cycle"), preaccess (limit_req), access (allow/deny,
auth_basic, auth_request), content (return already answered in rewrite; proxy_pass & co.
pass upstream; otherwise the static module: GET/HEAD serve the file, POST to a file and
other methods get 405 (ngx_http_static_handler, before the index module's
'/' check matters); a directory URI is served by its index file.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from .._secrets import masker
from ._model import AuditRequest, AuditResult, Limit, RuleRef, Step
from ._nginx_access import Subrequest, Verdict, access, innermost, limit_req
from ._nginx_errors import error_page
from ._nginx_fix import cause_and_fix
from ._nginx_locate import DONE, OK, PASSES, Found, find_location, select_server
from ._nginx_rewrite import Outcome, run_script
from ._nginx_syntax import Directive
from ._nginx_tree import Level, Location, Model
from ._nginx_vars import State, bad_escape, normalise_uri, validate_host
from ._scrub import sent_secrets

MAX_URI_CHANGES = 10  # NGX_HTTP_MAX_URI_CHANGES (src/http/ngx_http_request.h)


@dataclass
class Walk:
    """Everything one evaluation gathered."""

    st: State
    steps: list[Step] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    levels: list[Level] = field(default_factory=list)
    location_label: str = "the server level"
    location: Directive | None = None
    changes: int = 0  # URI changes so far (rewrites and internal redirects)


@dataclass(frozen=True)
class NginxConfig:
    """An nginx configuration loaded for auditing (the GatewayConfig for nginx)."""

    source: str
    model: Model
    files: dict[str, list[str]]
    base_dir: Path | None = None
    kind: str = "nginx"

    def secret_values(self) -> list[str]:
        """Credential values written in the configuration, for masking wherever it is shown."""
        return sorted(self.model.secrets)

    def lines(self) -> dict[str, list[str]]:
        """Every file read (the main file and its includes), as lines, keys in it masked."""
        secrets = self.model.secrets
        clean = masker(secrets)
        return {name: [clean(line) for line in lines]
                for name, lines in self.files.items()}

    def evaluate(self, request: AuditRequest) -> AuditResult:
        """What nginx answers to ``request``, the deciding rule, the fix and the trace."""
        walk, verdict = self._walk(request)
        status = verdict.status
        allowed = status < 400
        fix, cause = ("", None) if allowed else cause_and_fix(verdict, walk)
        clean = masker({*self.model.secrets, *sent_secrets(request, names=("cookie",))})

        def ref(rule: RuleRef) -> RuleRef:
            return replace(rule, text=clean(rule.text))

        d = verdict.directive
        return AuditResult(
            kind="nginx", allowed=allowed, status=status,
            rule=ref(d.ref()) if d is not None else None,
            reason=clean(verdict.reason), fix=clean(fix), cause=cause,
            steps=tuple(Step(ref(s.rule), s.effect, clean(s.says)) for s in walk.steps),
            limits=tuple(replace(x, rule=ref(x.rule), describe=clean(x.describe))
                         for x in walk.limits),
            assumptions=tuple(clean(a) for a in walk.st.assumptions), request=request)

    def _walk(self, request: AuditRequest) -> tuple[Walk, Verdict]:
        steps: list[Step] = []
        model = self.model
        raw_host = request.header("host")
        host = validate_host(raw_host) if raw_host is not None else request.host
        server, port, name_match = select_server(model, request, host or "", steps)
        walk = Walk(State(model, request, server, port), steps)
        st = walk.st
        st.set_match(name_match)
        for note in model.notes:
            st.assume(note)
        walk.levels = [model.http, server.body]
        early = _refused_early(request, host, server.directive)
        if early is not None:
            return walk, early
        merge = innermost(walk.levels, "merge_slashes")
        uri = normalise_uri(request.path, merge is None or merge.args != ("off",))
        if uri is None:
            return walk, Verdict(400, server.directive, "bad_uri",
                                 f"the path {request.path} is not valid after normalisation "
                                 "(it climbs above / with ..): nginx answers 400")
        st.uri = uri
        verdict = self._phases(walk)
        return walk, error_page(walk, verdict, self._phases)

    def _phases(self, walk: Walk, named: Location | None = None) -> Verdict:
        """Server rewrite, find config, rewrite, post rewrite, then access and content; a
        named location starts at its own rewrite phase (ngx_http_named_location)."""
        st, steps, server, model = walk.st, walk.steps, walk.st.server, self.model
        walk.levels = [model.http, server.body]
        if named is None:
            out = run_script(server.body, st, steps)
            if out is not None and out.kind in ("return", "redirect"):
                return _ended(out, "server rewrite phase", "server level")
        while True:
            st.if_block, st.uri_changed = None, False
            found = (Found(OK, (named,)) if named is not None
                     else find_location(server.locations, st.uri, steps))
            named = None
            loc = found.location
            walk.levels = [model.http, server.body] + [x.body for x in found.chain]
            walk.location_label = (f"{loc.label} ({loc.directive.where})" if loc
                                   else "the server level")
            walk.location = loc.directive if loc else server.directive
            if found.rc == DONE and loc is not None:
                return Verdict(301, loc.directive, "redirect",
                               f"{loc.label} ({loc.directive.where}) redirects "
                               f"{st.uri} to {st.uri}/ (nginx auto_redirect)")
            st.set_match(found.match)
            if loc is None:
                steps.append(Step(RuleRef(server.where.rsplit(":", 1)[0]), "note",
                                  "no location matches: the server's own configuration serves"))
                break
            internal = loc.has("internal")
            if internal is not None and not st.internal:
                steps.append(Step(internal.ref(), "deny", "internal: outside requests get 404"))
                return Verdict(404, internal, "internal",
                               f"{loc.label} ({loc.directive.where}) is internal: "
                               "nginx answers 404 to a request from outside")
            if internal is not None:
                steps.append(Step(internal.ref(), "pass", "internal: the request came here by "
                                  "an internal redirect (a rewrite or error_page): allowed"))
            out = run_script(loc.body, st, steps)
            if out is not None and out.kind in ("return", "redirect"):
                return _ended(out, "rewrite phase", loc.label)
            if not (out is not None and out.kind == "last") and not st.uri_changed:
                break
            walk.changes += 1
            if walk.changes > MAX_URI_CHANGES:
                d = out.directive if out is not None else loc.directive
                return Verdict(500, d, "cycle", f"the URI changed more than "
                               f"{MAX_URI_CHANGES} times ({d.where}): nginx answers 500 "
                               "(rewrite or internal redirection cycle)")
        return self._after_rewrite(walk, found.chain[-1].body if found.chain else None)

    def _after_rewrite(self, walk: Walk, loc_body: Level | None) -> Verdict:
        st, steps = walk.st, walk.steps
        if st.if_block is not None and st.if_block.block is not None:
            walk.levels.append(st.if_block.block)
        handler_levels = [lv for lv in (st.if_block.block if st.if_block else None, loc_body)
                          if lv is not None]
        if loc_body is not None:
            for d in loc_body:
                if d.name == "limit_except" and d.block is not None:
                    methods = {m.upper() for m in d.args} | (
                        {"HEAD"} if "GET" in {m.upper() for m in d.args} else set())
                    listed = st.method in methods
                    steps.append(Step(d.ref(), "skip" if listed else "note",
                                      f"limit_except: {st.method} is "
                                      + ("listed: its rules do not apply" if listed else
                                         "not listed: the block's rules apply")))
                    if not listed:
                        walk.levels.append(d.block)
                        handler_levels.insert(0, d.block)
        denied = limit_req(walk.levels, st, steps, walk.limits)
        if denied is None:
            denied, _allowed_by = access(walk.levels, st, steps, self._subrequest(walk),
                                        self.base_dir)
        if denied is not None:
            return denied
        return self._content(walk, handler_levels, loc_body)

    def _content(self, walk: Walk, handler_levels: list[Level],
                 loc_body: Level | None) -> Verdict:
        st, steps = walk.st, walk.steps
        for level in handler_levels:
            handler = next((d for d in level if d.name in PASSES), None)
            if handler is not None:
                steps.append(Step(handler.ref(), "allow", f"{handler.name} passes the request on"))
                st.assume(f"the upstream behind {handler.text} answers the request itself "
                          "(200 stands for 'passed on')")
                return Verdict(200, handler, "pass",
                               f"{walk.location_label} passes the request to {handler.name} "
                               f"{handler.args[0] if handler.args else ''} ({handler.where}): "
                               "the upstream decides the final answer", special=False)
        method = st.method
        tries = innermost(walk.levels[2:], "try_files")
        if tries is not None:
            steps.append(Step(tries.ref(), "note", "try_files: the first candidate is assumed "
                              "to exist"))
            st.assume(f"{tries.text} ({tries.where}): the first candidate ({tries.args[0]}) "
                      "is assumed to exist")
        rule = next((d for d in reversed(walk.levels[-1]) if d.name in ("root", "alias")), None)
        rule = rule or innermost(walk.levels, "root")
        where = walk.location_label
        loc_d = walk.location or rule
        if st.uri.endswith("/") and method in ("GET", "HEAD"):
            st.assume(f"an index file exists for {st.uri} (without one nginx answers 403)")
            return Verdict(200, loc_d, "static", f"{where} serves the directory index of "
                           f"{st.uri} (static content)")
        if method in ("GET", "HEAD"):
            st.assume(f"the file for {st.uri} exists under the root (a missing file is 404)")
            return Verdict(200, loc_d, "static", f"{where} serves {st.uri} as a static file")
        if method == "POST":  # ngx_http_static_handler opens the file before refusing POST
            st.assume(f"the file for {st.uri} exists (a missing file is 404, not 405)")
        return Verdict(405, loc_d, "static_method", f"{where} serves static files: nginx's "
                       f"static module answers 405 to {method}")

    def _subrequest(self, walk: Walk) -> Subrequest:
        def answer(target: str) -> tuple[int | None, str]:
            uri, _, args = target.partition("?")
            sub = State(walk.st.model, walk.st.request, walk.st.server, walk.st.port)
            sub.uri, sub.args = normalise_uri(uri) or uri, args
            steps: list[Step] = []
            found = find_location(walk.st.server.locations, sub.uri, steps)
            loc = found.location
            if loc is None:
                return None, f"the auth subrequest {uri} matches no location"
            sub.set_match(found.match)
            out: Outcome | None = run_script(loc.body, sub, steps)
            walk.st.assumptions.extend(a for a in sub.assumptions
                                       if a not in walk.st.assumptions)
            if out is not None and out.kind == "return":
                return out.status, f"{loc.label} ({out.directive.where}) answers {out.status}"
            return None, f"the auth subrequest goes to {loc.label} ({loc.directive.where})"
        return answer


def _refused_early(request: AuditRequest, host: str | None,
                   d: Directive | None) -> Verdict | None:
    """What nginx refuses while it reads the request, before any rule: a malformed escape in
    the path (400), an invalid Host (400), TRACE (405, ngx_http_process_request_header)."""
    if bad_escape(request.path):
        return Verdict(400, d, "bad_uri", f"the path {request.path} has a malformed "
                       "percent-escape: nginx answers 400 before any rule runs")
    if host is None:
        return Verdict(400, d, "bad_host", f"the Host header {request.header('host')!r} is "
                       "not a valid host name: nginx answers 400 before any rule runs")
    if request.method == "TRACE":
        return Verdict(405, d, "trace", "nginx refuses TRACE with 405 before any rule runs")
    return None


def _ended(out: Outcome, phase: str, label: str) -> Verdict:
    d = out.directive
    if out.kind == "redirect":
        return Verdict(out.status, d, "redirect", f"{d.text} ({d.where}) redirects "
                       f"({out.status}) to {out.target}")
    guard = ""
    if out.guards:
        g = out.guards[-1]
        guard = f" because {g[0].text.rstrip('{').strip()} ({g[0].where}) holds: {g[2]}"
    closes = " (444: nginx closes the connection without answering)" if out.status == 444 else ""
    if 300 <= out.status < 400 and out.target:
        closes = f", redirecting to {out.target}"
    # ngx_http_script_return_code: a code below 400, or any code with a text, is sent as it
    # is; a bare error code and every redirect go through the special response (error_page)
    special = out.status in _REDIRECTS or (out.status >= 400 and not out.target)
    return Verdict(out.status, d, "return", f"{d.text} ({d.where}, {label}) answers "
                   f"{out.status} in the {phase}{guard}{closes}", out.guards, special)


_REDIRECTS = frozenset({301, 302, 303, 307, 308})
