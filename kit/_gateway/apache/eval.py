"""Walking one request through an httpd configuration, phase by phase.

Order (server/request.c, ap_process_request_internal): URI checks (400 for a path above
the root, 404 for an encoded slash under ``AllowEncodedSlashes Off``), translate (server
``RewriteRule``: F/G/R answer here; ``Alias``; ``DocumentRoot``), the section walks
(_apache_walk), ``SetEnvIf``, the access phases (_apache_access), fixups (per-directory
``RewriteRule``, then mod_dir: 301 to the slash, ``DirectoryIndex``, mod_autoindex under
``Options Indexes``, 403 without it), the handler (404 for a missing file, 405 for
methods a static file does not take), and ``ErrorDocument`` (a full URL turns the error
into a 302; a local page or a text keeps the status).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import unquote

from ..._http.secrets import masker
from ..model import AuditRequest, AuditResult, RuleRef, Step
from ..scrub import sent_secrets
from .access import Refusal, phases
from .authz import Ctx
from .fix import cause_and_fix
from .map import (
    docroot,
    proxy_target,
    read_htaccess,
    server_target,
    to_url,
    translate,
)
from .phases import (
    Verdict,
    default_handler,
    encoded_slashes,
    index_names,
    inherits,
    name_match,
    normalise,
    options,
    per_dir_rules,
    redirect,
    set_env,
)
from .rewrite import rules, run
from .syntax import Directive
from .tree import Model, Server
from .walk import Layer, Walked, last, walk

MAX_REDIRECTS = 10  # LimitInternalRecursion's default


@dataclass
class State:
    request: AuditRequest
    server: Server
    steps: list[Step] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    layers: list[Layer] = field(default_factory=list)
    uri: str = "/"
    filename: str = ""
    user: str | None = None
    ctx: Ctx | None = None  # the access phases' context, once they run (REMOTE_USER)

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)


@dataclass(frozen=True)
class ApacheConfig:
    """An httpd configuration loaded for auditing (the GatewayConfig for Apache httpd)."""

    source: str
    model: Model
    files: dict[str, list[str]]
    root: Path | None = None  # ServerRoot (relative paths), else the main file's directory
    kind: str = "apache"

    def secret_values(self) -> list[str]:
        return sorted(self.model.secrets)

    def lines(self) -> dict[str, list[str]]:
        """Every file read (the main file and its includes), keys written in it masked."""
        clean = masker(self.model.secrets)
        return {name: [clean(line) for line in lines] for name, lines in self.files.items()}

    def evaluate(self, request: AuditRequest) -> AuditResult:
        """What httpd answers to ``request``, the deciding rule, the fix and the trace."""
        st, verdict = self._walk(request)
        allowed = verdict.status < 400
        fix, cause = ("", None) if allowed else cause_and_fix(verdict, st)
        clean = masker({*self.model.secrets, *sent_secrets(request)})
        d = verdict.directive
        rule = replace(d.ref(), text=clean(d.text)) if d is not None else None
        return AuditResult(
            kind="apache", allowed=allowed, status=verdict.status, rule=rule,
            reason=clean(verdict.reason), fix=clean(fix), cause=cause,
            steps=tuple(replace(s, says=clean(s.says), rule=replace(s.rule, text=clean(
                s.rule.text))) for s in st.steps),
            assumptions=tuple(clean(a) for a in st.assumptions), request=request)

    def _walk(self, request: AuditRequest) -> tuple[State, Verdict]:
        host = (request.header("host") or request.host or "").strip().lower().rstrip(".")
        if host.startswith("["):
            host = host.split("]")[0] + "]"
        elif ":" in host:
            host = host.rsplit(":", 1)[0]
        server = self._select(request, host)
        st = State(request, server)
        for note in self.model.notes:
            st.assume(note)
        if request.rate is not None:
            st.assume("request-rate limits (mod_evasive, mod_qos, mod_security) are not read "
                      "from an httpd configuration: rate= is not checked")
        st.steps.append(Step(server.directive.ref() if server.directive else
                             _main_ref(self.source),
                             "note", f"server: {server.where}"
                             + (f" ({server.names[0]})" if server.names else "")))
        raw = request.path
        if re.search(r"%2f", raw, re.IGNORECASE) and not encoded_slashes(server):
            return st, Verdict(404, None, "encoded_slash", "the path holds an encoded slash "
                               "(%2F): with AllowEncodedSlashes Off httpd answers 404")
        if re.search(r"%(?![0-9a-fA-F]{2})", raw):
            return st, Verdict(400, None, "bad_uri", "the path has a malformed %-escape: "
                               "httpd answers 400")
        uri = normalise(unquote(raw))
        if uri is None:
            return st, Verdict(400, None, "bad_uri", f"the path {raw} climbs above / with "
                               "..: httpd answers 400")
        if request.method == "TRACE":  # core answers TRACE itself, before any section
            trace = server.last("traceenable")
            if trace is not None and trace.args and trace.args[0].lower() == "off":
                return st, Verdict(405, trace, "method", f"{trace.text} ({trace.where}): "
                                   "httpd refuses TRACE with 405")
            st.assume("TRACE is echoed by httpd's core (TraceEnable on) before access checks")
            return st, Verdict(200, trace, "trace", "httpd answers TRACE itself (TraceEnable "
                               "on, the default), before any section is consulted")
        verdict = self._process(st, uri, request.query, 0)
        if verdict.status >= 400:
            verdict = self._error_document(st, verdict)
        return st, verdict

    def _select(self, request: AuditRequest, host: str) -> Server:
        port = request.port or (443 if request.scheme == "https" else 80)
        try:
            ip = str(ipaddress.ip_address(request.host.strip("[]")))
        except ValueError:
            ip = None
        exact, wild = [], []
        for h in self.model.hosts:
            for addr, p in h.addresses:
                if p is not None and p != port:
                    continue
                if addr in ("*", "_default_"):
                    wild.append(h)
                elif ip is not None and addr == ip:
                    exact.append(h)
                elif ip is None and addr not in ("*", "_default_"):
                    exact.append(h)  # a named address: taken as the one connected to
                break
        group = exact or wild
        if not group:
            return self.model.main
        for h in group:
            if any(name_match(n, host) for n in h.names):
                return h
        return group[0]

    def _process(self, st: State, uri: str, query: str, depth: int) -> Verdict:
        if depth > MAX_REDIRECTS:
            return Verdict(500, None, "loop", "more than 10 internal redirects (request "
                           "exceeded the limit of 10 internal redirects): httpd answers 500")
        server = st.server
        st.uri = uri
        lookup = self._lookup(st, query)
        filename: str | None = None
        # the engine's state is inherited by virtual hosts (the rules are not)
        engine = last([Layer("server", "", server.base)], "rewriteengine")
        if engine is not None and engine.args and engine.args[0].lower() == "on":
            server_rules = rules(server.own)
            if server is not self.model.main and inherits(server.own):
                server_rules = server_rules + rules(self.model.main.own)
            out = run(server_rules, uri, lookup, st.steps, st.assume)
            st.env.update(out.env)
            if out.kind == "status":
                return Verdict(out.status, out.directive, "rewrite", f"{_t(out.directive)} "
                               f"answers {out.status} (server context, before access checks)")
            if out.kind == "redirect":
                return Verdict(out.status, out.directive, "redirect", f"{_t(out.directive)} "
                               f"redirects ({out.status}) to {out.target}", out.target)
            if out.kind == "uri":
                if out.query is not None:
                    query = out.query
                if out.passthrough:
                    uri = st.uri = out.target
                else:
                    filename = server_target(server, out.target, self.root)
        moved = redirect(server, uri) if filename is None else None
        if moved is not None:
            st.steps.append(Step(moved.directive.ref() if moved.directive else
                                 _main_ref(self.source), "note", moved.reason))
            return moved
        proxy = proxy_target(server, uri) if filename is None else None
        if proxy is not None:
            filename = "proxy:" + proxy[1]
        if filename is None:
            filename = translate(server, uri, self.root, st.assume)
        st.filename = filename
        root_dir = docroot(server, self.root)
        known = Path(root_dir).is_dir() if root_dir else False
        walked = walk(server, Layer("server", server.where, server.base), filename, uri,
                      known, read_htaccess, lookup, st.assume)
        st.layers = walked.layers
        st.steps.extend(walked.steps)
        for layer in walked.layers[1:]:
            st.steps.append(Step(layer.directive.ref() if layer.directive else
                                 _main_ref(layer.label), "note", f"applies: {layer.label}"))
        if walked.broken:
            return Verdict(500, None, "htaccess", f"a .htaccess file cannot be read: "
                           f"{walked.broken} (httpd answers 500)")
        if walked.bad_override is not None:
            d = walked.bad_override
            return Verdict(500, d, "htaccess", f"{d.text} ({d.where}) is not allowed here: "
                           "AllowOverride does not permit it (httpd answers 500)")
        set_env(st.env, st.request, st.uri, walked.layers)
        ctx = Ctx(st.request, st.request.method, st.env, lookup, steps=st.steps,
                  assumptions=st.assumptions)
        st.ctx = ctx
        refused: Refusal | None = phases(walked.layers, ctx, self.root)
        st.user = ctx.user
        if refused is not None:
            return Verdict(refused.status, refused.directive, refused.kind, refused.reason)
        if proxy is not None:
            d = proxy[0]
            st.steps.append(Step(d.ref(), "allow", f"{d.text}: passed on to {proxy[1]}"))
            st.assume(f"the upstream behind {d.text} ({d.where}) answers the request itself "
                      "(200 stands for 'passed on')")
            return Verdict(200, d, "pass", f"{d.text} ({d.where}) passes the request on: the "
                           "upstream decides the final answer")
        return self._fixups(st, walked, uri, query, depth, lookup)

    def _fixups(self, st: State, walked: Walked, uri: str, query: str, depth: int,
                lookup: object) -> Verdict:
        layers = walked.layers
        # mod_rewrite's per-directory config exists only in sections that hold its directives
        per_dir = [x for x in layers if x.kind != "server" and any(
            d.key.startswith("rewrite") for d in x.body)]
        engine = last(per_dir, "rewriteengine")
        # a request for the rules' own directory without its slash is left to mod_dir
        no_slash = bool(per_dir) and walked.kind == "dir" and not uri.endswith("/") and \
            bool(per_dir[-1].path) and st.filename.rstrip("/") == per_dir[-1].path.rstrip(
                "/") and not any(a.lower() == "allownoslash" for lay in per_dir
                                 for d in lay.body if d.key == "rewriteoptions"
                                 for a in d.args)
        if engine is not None and engine.args and engine.args[0].lower() == "on" and per_dir \
                and not no_slash:
            own = per_dir[-1]
            rule_list = per_dir_rules(per_dir)
            if not {"followsymlinks", "symlinksifownermatch"} & options(layers):
                return Verdict(403, engine, "rewrite", f"{_t(engine)}: per-directory "
                               "RewriteRules need Options FollowSymLinks or "
                               "SymLinksIfOwnerMatch; with both off httpd answers 403 "
                               "(AH00670)")
            if rule_list:
                prefix = own.path.rstrip("/") + "/" if own.path else ""
                subject = st.filename[len(prefix):] if prefix and st.filename.startswith(
                    prefix) else st.filename if own.path else uri
                out = run(rule_list, subject, self._lookup(st, query), st.steps, st.assume)
                if out.kind == "status":
                    return Verdict(out.status, out.directive, "rewrite",
                                   f"{_t(out.directive)} answers {out.status}")
                if out.kind == "redirect":
                    return Verdict(out.status, out.directive, "redirect",
                                   f"{_t(out.directive)} redirects ({out.status}) to "
                                   f"{out.target}", out.target)
                if out.kind == "uri" and out.target != subject:
                    new = out.target
                    if not new.startswith("/"):
                        base = last(per_dir, "rewritebase")
                        new = (base.args[0].rstrip("/") if base is not None and base.args
                               else to_url(st.server, own.path, self.root)) + "/" + new
                    return self._process(st, normalise(new) or new,
                                         out.query if out.query is not None else query,
                                         depth + 1)
        if walked.kind == "dir":
            if not uri.endswith("/"):
                return Verdict(301, None, "slash", f"{uri} is a directory: mod_dir redirects "
                               f"to {uri}/")
            index_d = last(layers, "directoryindex")
            names = index_names(layers)
            refused: Verdict | None = None
            for name in names:
                if not walked.known:
                    st.assume(f"an index file ({name}) exists for {uri}")
                # mod_dir (fixup_dir) looks each name up as a subrequest: a file that exists
                # is served; a redirect, or a 401 for the only name, is the answer; any
                # other refusal is kept and answered if no name is served
                found = self._process(st, uri + name, query, depth + 1)
                if found.kind == "missing":
                    continue
                if found.kind in _HANDLED or 300 <= found.status < 400 or (
                        found.status == 401 and len(names) == 1):
                    if found.status >= 400:
                        st.layers = layers  # the ErrorDocument of the directory request
                    return found
                refused = found
            if refused is not None:
                st.layers = layers
                return refused
            opt_d = last(layers, "options")
            method = st.request.method
            if method not in ("GET", "HEAD"):  # mod_autoindex takes GET only
                return default_handler(method, "dir", False, uri, st.filename)
            if "indexes" in options(layers):
                return Verdict(200, opt_d, "autoindex", f"{uri} has no index file; "
                               "Options Indexes lists the directory")
            return Verdict(403, opt_d or index_d, "no_index",
                           f"{uri} has no index file ({', '.join(names) or 'none'}) and "
                           "Options does not include Indexes: httpd answers 403")
        accept = last(layers, "acceptpathinfo")
        path_info = walked.path_info and not (accept is not None and accept.args
                                              and accept.args[0].lower() == "on")
        return default_handler(st.request.method, walked.kind, path_info, uri, st.filename)

    def _lookup(self, st: State, query: str) -> Callable[[str], str]:
        request = st.request

        def lookup(name: str) -> str:
            if name.startswith("HTTP:"):
                return request.header(name[5:]) or ""
            if name.startswith("ENV:"):
                return st.env.get(name[4:], "")
            if name.startswith("HTTP_"):
                return request.header(name[5:].replace("_", "-")) or ""
            values = {
                "REQUEST_URI": st.uri, "REQUEST_METHOD": request.method,
                "QUERY_STRING": query, "REMOTE_ADDR": str(request.source_address or ""),
                "REQUEST_SCHEME": request.scheme, "HTTPS": "on" if request.scheme == "https"
                else "off", "SERVER_PORT": str(request.port or 80),
                "REQUEST_FILENAME": st.filename, "SCRIPT_FILENAME": st.filename,
                "DOCUMENT_ROOT": docroot(st.server, self.root),
                "REMOTE_USER": (st.ctx.user if st.ctx else st.user) or "",
                "THE_REQUEST": f"{request.method} {request.path}"
                + (f"?{request.query}" if request.query else "") + " HTTP/1.1",
                "SERVER_NAME": st.server.names[0] if st.server.names else "",
            }
            return values.get(name, "")
        return lookup

    def _error_document(self, st: State, verdict: Verdict) -> Verdict:
        for layer in reversed(st.layers):
            for d in reversed(layer.body):
                if d.key == "errordocument" and len(d.args) >= 2 and \
                        d.args[0] == str(verdict.status):
                    target = d.args[1]
                    st.steps.append(Step(d.ref(), "note", f"{d.text}: the error page"))
                    if re.match(r"^https?://", target) and verdict.status == 401:
                        st.assume(f"{d.text} ({d.where}): httpd ignores a full URL for 401 "
                                  "(the browser must see the challenge)")
                        return verdict
                    if re.match(r"^https?://", target):
                        return replace(verdict, status=302, reason=verdict.reason
                                       + f"; ErrorDocument ({d.where}) redirects to {target}")
                    if target.startswith("/"):
                        return self._error_page(st, verdict, d, target)
                    return verdict
        return verdict

    def _error_page(self, st: State, verdict: Verdict, d: Directive, target: str) -> Verdict:
        """A local ErrorDocument is an internal redirect: httpd keeps the first status,
        except when mod_rewrite refuses the error page itself ([F], [G])."""
        page = State(st.request, st.server)
        uri, _, query = target.partition("?")
        found = self._process(page, normalise(uri) or uri, query, MAX_REDIRECTS - 2)
        if found.kind == "rewrite" and found.status >= 400:
            st.steps.append(Step(d.ref(), "deny", f"the error page {target} is refused by "
                                 f"{_t(found.directive)}: {found.status}"))
            return replace(found, reason=f"{verdict.reason}; the ErrorDocument {target} "
                           f"({d.where}) is itself refused: {found.reason}")
        return verdict


_HANDLED = frozenset({"static", "method", "autoindex", "no_index", "pass", "trace"})


def _t(d: Directive | None) -> str:
    return f"{d.text} ({d.where})" if d is not None else "a rewrite rule"


def _main_ref(source: str) -> RuleRef:
    return RuleRef(source)
