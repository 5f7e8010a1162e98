"""Kong declarative configuration (``_format_version`` 1.1 / 2.1 / 3.0): walk a request through
Kong's router and plugins, the way kong/runloop/handler.lua does.

Order (github.com/Kong/kong, kong/runloop/handler.lua): the router picks a route, else 404
``no Route matched with those values``; an https-only route answers http with 426 ``Please use
HTTPS protocol`` (or its https_redirect_status_code); then the access phase runs one instance
of each plugin in PRIORITY order (see _kong_plugins); the first that refuses answers.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from ..._causes import Cause
from ..._http.secrets import masker
from ..document import Document
from ..model import AuditRequest, AuditResult, Limit, RuleRef, Step
from ..scrub import scrub, sent_secrets
from . import auth, policy
from .entities import Entities, Plugin, Route
from .load import read_entities
from .plugins import CAUSES, HARMLESS, Env, Outcome, State, check_plugin, priority, select
from .router import Part, build_parts, route_request, rule_of

Evaluator = Callable[[Plugin, AuditRequest, State, Env], Outcome]
EVALUATORS: Mapping[str, Evaluator] = {
    "key-auth": auth.key_auth, "basic-auth": auth.basic_auth, "jwt": auth.jwt,
    "oauth2": auth.other_auth, "hmac-auth": auth.other_auth, "ldap-auth": auth.other_auth,
    "acl": auth.acl, "ip-restriction": policy.ip_restriction,
    "rate-limiting": policy.rate_limiting, "request-termination": policy.request_termination,
    "bot-detection": policy.bot_detection, "cors": policy.cors,
}
# kong/runloop/handler.lua: the router's miss and the https-only answer.
NO_ROUTE = (404, "no Route matched with those values")
HTTPS_ONLY = (426, "Please use HTTPS protocol")

_TOP_LISTS = ("services", "routes", "consumers", "plugins", "upstreams")


def looks_like_kong(data: object) -> bool:
    """A declarative file: ``_format_version``, or top-level services/routes/consumers lists."""
    if not isinstance(data, dict):
        return False
    if "_format_version" in data:
        return True
    return any(isinstance(data.get(k), list) for k in _TOP_LISTS) and not {
        "api_id", "version_data", "Statement", "openapi", "swagger"} & set(data)


def load_kong(document: Document) -> KongConfig:
    """The configuration in ``document``; ConfigError (file, line, path) when malformed."""
    entities = read_entities(document)
    for plugin in entities.plugins:
        check_plugin(plugin, document)
    live = tuple(r for r in entities.routes if r.service is None or r.service.enabled)
    notes = tuple(f"route {r.label} is left out: its service {r.service.label} has enabled: "
                  "false (kong/runloop/handler.lua)" for r in entities.routes
                  if r.service is not None and not r.service.enabled)
    if notes:
        entities = replace(entities, notes=(*entities.notes, *notes))
    parts = build_parts(live, entities.version, document)
    return KongConfig(document.source, document, entities, parts)


@dataclass(frozen=True, repr=False)
class KongConfig:
    """A loaded Kong declarative file, ready to answer for requests."""

    source: str
    document: Document
    entities: Entities
    parts: tuple[Part, ...]
    kind: str = "kong"

    def __repr__(self) -> str:
        e = self.entities
        return (f"KongConfig({self.source!r}, format {e.version}, {len(e.services)} services, "
                f"{len(e.routes)} routes, {len(e.consumers)} consumers, "
                f"{len(e.plugins)} plugins)")

    def secret_values(self) -> list[str]:
        """Credential values written in the configuration, for masking wherever it is shown."""
        return sorted(self.entities.secrets)

    def lines(self) -> dict[str, list[str]]:
        clean = masker(self.entities.secrets)
        return {self.source: [clean(line) for line in self.document.text.splitlines()]}

    def evaluate(self, request: AuditRequest) -> AuditResult:
        result = self._walk(request)
        return scrub(result, self.entities.secrets | _sent_secrets(request, self.entities))

    def _walk(self, request: AuditRequest) -> AuditResult:
        doc, ents = self.document, self.entities
        routed = route_request(self.parts, request, ents.version, doc)
        steps = list(routed.steps)
        base = (*ents.notes,
                "the request's own answer from the upstream service is not known offline")
        if not request.host and not request.header("host") and any(r.hosts for r in ents.routes):
            base = ("the url has no host: routes limited to hosts cannot match it", *base)
        if routed.part is None:
            rule, fix = None, "add a route that matches this request"
            if routed.closest:
                part, missed = routed.closest
                rule = rule_of(part, doc)
                fix = "; ".join(m.fix for m in missed)
            reason = (f"no route matches {request.method} {request.decoded_path}: Kong answers "
                      f"404 {NO_ROUTE[1]!r}" + (f"; closest is {rule}" if rule else ""))
            return _deny(NO_ROUTE[0], rule, reason, fix, Cause.CONFIGURATION, steps, (),
                         base[:-1])
        route = routed.part.route
        route_ref = rule_of(routed.part, doc)
        if request.scheme == "http" and "http" not in route.protocols and \
                "https" in route.protocols:
            status = route.https_redirect_status_code
            line = doc.line_of((*route.keys, "protocols"))
            steps.append(Step(route_ref, "deny", f"route {route.label} takes https only"))
            return _deny(status, route_ref, f"route {route.label} ({route_ref}) takes only "
                         f"https: Kong answers {status}" + (
                             f" {HTTPS_ONLY[1]!r}" if status == 426 else " with a redirect"),
                         f"send the request over https, or add http to the protocols of route "
                         f"{route.label} ({doc.source}:{line})", Cause.CONFIGURATION, steps, (),
                         base[:-1])
        env = Env(doc, ents, route)
        state = State(consumer=None, credential=False)
        limits: list[Limit] = []
        notes: list[str] = []
        for name in self._plugin_names(route):
            chosen, outranked = select(ents.plugins, name, route, state.consumer)
            for p in ents.plugins:
                if p.name == name and not p.enabled and self._in_scope(p, route):
                    steps.append(Step(_plugin_ref(p, doc), "skip",
                                      f"{name} on {p.scope} is disabled (enabled: false)"))
            if chosen is None:
                for p in ents.plugins:
                    if p.name == name and p.enabled and p.consumer is not None and \
                            self._in_scope(p, route):
                        steps.append(Step(_plugin_ref(p, doc), "skip", f"{name} applies to "
                                          f"consumer {p.consumer.label} only"))
                continue
            for p in outranked:
                steps.append(Step(_plugin_ref(p, doc), "skip", f"{name} on {p.scope} is "
                                  f"outranked by the one on {chosen.scope}"))
            ref = _plugin_ref(chosen, doc)
            evaluator = EVALUATORS.get(name)
            if evaluator is None:
                steps.append(Step(ref, "note", f"{name} on {chosen.scope} is not modelled"))
                if name not in HARMLESS:
                    notes.append(f"plugin {name} ({doc.source}:{ref.line}) is not modelled by "
                                 f"this audit and could refuse the request")
                continue
            out = evaluator(chosen, request, state, env)
            steps.append(Step(ref, out.effect, out.says))
            limits += out.limits
            notes += out.assumptions
            state = out.state or state
            if out.effect == "allow":  # the plugin answers itself (cors preflight)
                return AuditResult("kong", True, out.status, ref, f"{name} on {chosen.scope} "
                                   f"({ref}): {out.says}", "", None, tuple(steps),
                                   tuple(limits), tuple(dict.fromkeys(notes)))
            if out.effect == "deny":
                says = out.says.removeprefix(f"{name}: ")
                reason = (f"{name} on {chosen.scope} ({ref}) refuses: {says}; Kong "
                          f"answers {out.status} {out.message!r}")
                return _deny(out.status, ref, reason, out.fix, CAUSES.get(name, Cause
                             .CONFIGURATION), steps, limits, (*notes, *base))
        service = (f" to service {route.service.label} as {_upstream(routed.part, request)}"
                   if route.service else "")
        if route.service is None:
            notes.append(f"route {route.label} has no service: Kong has nowhere to proxy it")
        reason = (f"route {route.label} ({route_ref}) passes the request{service}; no plugin "
                  "refuses it (200 stands for the upstream's own answer)")
        return AuditResult("kong", True, 200, route_ref, reason, "", None, tuple(steps),
                           tuple(limits), tuple(dict.fromkeys((*notes, *base))))

    @staticmethod
    def _in_scope(plugin: Plugin, route: Route) -> bool:
        return (plugin.route is None or plugin.route == route) and (
            plugin.service is None or plugin.service == route.service)

    def _plugin_names(self, route: Route) -> list[str]:
        major = "3" if self.entities.version == "3.0" else "2"
        names = {p.name for p in self.entities.plugins if self._in_scope(p, route)}
        return sorted(names, key=lambda n: (-priority(n, major), n))


def _upstream(part: Part, request: AuditRequest) -> str:
    """The path the service sees: strip_path drops the matched prefix (path_handling v0)."""
    path = request.path
    prefix = next((p for _, p in part.paths if not p.startswith("~") and
                   request.decoded_path.startswith(p)), "")
    if part.route.strip_path and prefix:
        path = request.decoded_path[len(prefix):]
    base = part.route.service.path if part.route.service else ""
    joined = (base.rstrip("/") + "/" + path.lstrip("/")) if base else (path or "/")
    return joined if joined.startswith("/") else "/" + joined


def _plugin_ref(plugin: Plugin, doc: Document) -> RuleRef:
    return doc.ref(plugin.keys, f"plugin {plugin.name} on {plugin.scope}"
                   + ("" if plugin.enabled else " (enabled: false)"))


def _deny(status: int, rule: RuleRef | None, reason: str, fix: str, cause: Cause,
          steps: list[Step], limits: list[Limit] | tuple[Limit, ...],
          notes: tuple[str, ...]) -> AuditResult:
    return AuditResult("kong", False, status, rule, reason, fix, cause, tuple(steps),
                       tuple(limits), tuple(dict.fromkeys(notes)))


def _sent_secrets(request: AuditRequest, entities: Entities) -> set[str]:
    """Credential values the request carries (headers, key_names, secret-looking params)."""
    key_names = {str(n) for p in entities.plugins
                 for n in (p.config.get("key_names") or []) if isinstance(n, str)} | {"apikey"}
    return sent_secrets(request, key_names)
