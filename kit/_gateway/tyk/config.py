"""Tyk Classic: walk one request through an API definition, its policies and key sessions.

The order is Tyk's own middleware chain, gateway/api_loader.go ``processSpec``
(github.com/TykTechnologies/tyk): the router picks the API (listen path, domain), then
VersionCheck (version, expiry, white/black/ignored paths), IP allow list, IP block list, the
auth middlewares, KeyExpired, AccessRightsCheck, GranularAccess (allowed_urls),
RateLimitAndQuotaCheck, and RateLimitForAPI (global_rate_limit). A keyless API skips the key
steps; an ``ignored`` path skips auth, key, access and quota checks.

Quota use cannot be read offline: pass ``context={"quota_remaining": "0"}`` to audit a key
whose quota is used up (Tyk answers 403 "Quota exceeded").
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass, field

from ..._http.secrets import masker
from ..document import Document
from ..model import Address, AuditRequest, AuditResult, RuleRef, Step
from ..scrub import sent_secrets
from .auth import AuthOk, authenticate, read_token
from .checks import access, api_rate, granular, key_state, limits
from .keyfiles import Policy, Session
from .load import Api, looks_like_tyk, read_documents
from .paths import check_version
from .rights import Holder, holder, policy_ids
from .route import select_api
from .trace import Trace, Verdict, deny
from .where import Where

__all__ = ["TykConfig", "load_tyk", "looks_like_tyk"]


def load_tyk(documents: Sequence[Document]) -> TykConfig:
    """Read API definitions, policies and key sessions (any order) into one configuration."""
    docs = list(documents)
    apis, policies, sessions = read_documents(docs)
    return TykConfig(docs, apis, {p.policy_id: p for p in policies}, sessions)


@dataclass
class TykConfig:
    """Loaded Tyk Classic files, ready to answer for requests (a GatewayConfig)."""

    documents: list[Document]
    apis: list[Api]
    policies: dict[str, Policy]
    sessions: list[Session]
    kind: str = "tyk"
    source: str = field(default="")

    def __post_init__(self) -> None:
        self.source = self.source or ", ".join(d.source for d in self.documents)

    def __repr__(self) -> str:
        return (f"TykConfig({self.source!r}, apis={[a.api_id for a in self.apis]}, "
                f"policies={list(self.policies)}, sessions={len(self.sessions)})")

    def secret_values(self) -> list[str]:
        """Credential values written in the configuration, for masking wherever it is shown."""
        return sorted(set(self._secrets(None)))

    def lines(self) -> dict[str, list[str]]:
        secrets = self._secrets(None)
        clean = masker(secrets)
        return {d.source: clean(d.text).splitlines() for d in self.documents}

    def _secrets(self, request: AuditRequest | None) -> list[str]:
        out = [s.key for s in self.sessions if s.key]
        if request is not None:
            out += sent_secrets(request)
            for api in self.apis:
                for kind in ("authToken", "oauth", "basic", "jwt"):
                    out.append(read_token(api, kind, request).value or "")
        return [s for s in out if s and len(s) >= 4]

    def evaluate(self, request: AuditRequest) -> AuditResult:
        """Walk ``request`` through Tyk's chain; the first middleware that refuses answers."""
        trace = Trace()
        verdict = self._walk(request, trace)
        return self._result(request, trace, verdict)

    def _walk(self, request: AuditRequest, trace: Trace) -> Verdict | None:
        api = select_api(self.apis, request, trace)
        if api is None:
            first = self.apis[0].where.ref("proxy", "listen_path")
            paths = ", ".join(sorted({a.listen_path for a in self.apis}))
            return deny("no_api", first, f"no served API's listen path takes "
                        f"{request.decoded_path} (listen paths: {paths})",
                        f"send the request under one of the listen paths ({paths}), or add an "
                        f"API definition whose proxy.listen_path starts "
                        f"{request.decoded_path}")
        routed = check_version(api, request, trace)
        if isinstance(routed, Verdict):
            return routed
        found = _ip_lists(api, request, trace)
        if found is not None:
            return found
        if api.where.get("use_keyless", bool, False):
            trace.add(api.where.ref("use_keyless"), "pass", "use_keyless: no key is checked")
            return api_rate(api, request, trace)
        if api.where.get("use_mutual_tls_auth", bool, False):
            trace.assume("the client certificate is one of the API's client_certificates "
                         "(use_mutual_tls_auth)")
        if routed.ignored is not None:
            trace.add(routed.ignored, "allow", "ignored path: auth, key, access-rights and "
                                               "quota checks are skipped")
            return api_rate(api, request, trace)
        auth = authenticate(api, self.sessions, request, trace)
        if isinstance(auth, Verdict):
            return auth
        who = self._holder(auth, request, trace)
        if isinstance(who, Verdict):
            return who
        if who is not None:  # KeyExpired, AccessRightsCheck, Granular, RateLimitAndQuota
            found = key_state(who, request, trace) or access(api, who, routed, trace) or \
                granular(api, who, request, trace) or limits(api, who, request, trace)
            if found is not None:
                return found
        return api_rate(api, request, trace)

    def _holder(self, auth: AuthOk, request: AuditRequest,
                trace: Trace) -> Holder | Verdict | None:
        session = auth.session
        identity = (request.identity or "").strip()
        if session is None and identity:
            session = next((s for s in self.sessions if s.alias == identity), None)
            if session is None and identity in self.policies:
                policy = self.policies[identity]
                trace.add(policy.where.ref(), "note", f"the key is taken to carry policy "
                                                      f"{identity!r} (identity)")
                return holder(policy.where, f"policy {identity!r}", None, [identity],
                              self.policies, trace)
        if session is not None:
            return holder(session.where, session.label(), session, policy_ids(session.where),
                          self.policies, trace)
        keyed = [s for s in self.sessions if s.key]
        cred = auth.credential
        if cred is not None and cred.value and keyed:
            files = sorted({s.where.doc.source for s in keyed})
            rule = Where(keyed[0].where.doc, (), tuple(s.key or "" for s in keyed)).ref(
                text=f"{len(keyed)} key session(s)")
            return deny(auth.unknown, rule, f"the key in {cred.said} is none of the "
                        f"{len(keyed)} keys in {', '.join(files)}",
                        f"send one of the keys in {', '.join(files)}, or create this key "
                        "(Tyk key API / Dashboard) and add its session to the files")
        trace.assume("the key exists in Tyk's key store and carries access rights for this "
                     "API; load its session file or pass identity=<policy id> to check them")
        return None

    def _result(self, request: AuditRequest, trace: Trace,
                verdict: Verdict | None) -> AuditResult:
        hide = masker(self._secrets(request))

        def ref(rule: RuleRef) -> RuleRef:
            return RuleRef(rule.source, rule.line, hide(rule.path or "") or None,
                           hide(rule.text))

        steps = [Step(ref(s.rule), s.effect, hide(s.says)) for s in trace.steps]
        if verdict is not None and not verdict.allowed:
            fix = verdict.fix
            if "$" in fix and verdict.rule.source not in fix:  # name the file of the path
                fix += f" (in {verdict.rule.source})"
            steps.append(Step(ref(verdict.rule), "deny", hide(verdict.reason)))
            return AuditResult(
                "tyk", False, verdict.answer.status, ref(verdict.rule),
                hide(f"{verdict.reason}: Tyk answers {verdict.answer.status} "
                     f"\"{verdict.answer.message}\""), hide(fix),
                verdict.answer.cause, tuple(steps), tuple(trace.limits),
                tuple(hide(a) for a in trace.assumptions), request)
        if verdict is not None:  # a mock reply
            return AuditResult("tyk", True, verdict.answer.status, ref(verdict.rule),
                               hide(verdict.reason), "", None, tuple(steps),
                               tuple(trace.limits), tuple(hide(a) for a in trace.assumptions),
                               request)
        deciding = next((s.rule for s in reversed(steps) if s.effect == "allow"), None) or next(
            (s.rule for s in reversed(steps) if s.effect == "pass"), None)
        trace.assume("the upstream's own answer (Tyk passes the request on)")
        return AuditResult(
            "tyk", True, 200, deciding,
            f"every Tyk check passes ({deciding}): the request is passed on to the upstream, "
            "which decides the answer", "", None, tuple(steps), tuple(trace.limits),
            tuple(hide(a) for a in trace.assumptions), request)


def _real_ip(request: AuditRequest) -> tuple[Address | None, str]:
    """request/real_ip.go RealIP: X-Real-IP, then the first X-Forwarded-For, then the peer."""
    for name in ("x-real-ip", "x-forwarded-for"):
        value = (request.header(name) or "").split(",")[0].strip()
        try:
            return ipaddress.ip_address(value), f" (from {name})"
        except ValueError:
            continue
    return request.source_address, ""


def _ip_lists(api: Api, request: AuditRequest, trace: Trace) -> Verdict | None:
    """mw_ip_whitelist.go / mw_ip_blacklist.go; each is on when its list is not empty and
    ip_access_control_disabled is false (or its enable_ flag is true)."""
    off = api.where.get("ip_access_control_disabled", bool, False)
    address, via = _real_ip(request)
    for key, flag, allow in (("allowed_ips", "enable_ip_whitelisting", True),
                             ("blacklisted_ips", "enable_ip_blacklisting", False)):
        entries: list[str] = api.where.get(key, list, [])
        if not entries or (off and not api.where.get(flag, bool, False)):
            continue
        if not api.where.get(flag, bool, False):
            trace.assume(f"{key} is checked although {flag} is false: current Tyk "
                         "(gateway/mw_ip_*list.go EnabledForSpec) checks a non-empty list unless "
                         "ip_access_control_disabled is true; older versions went by the flag")
        if address is None:
            trace.assume(f"the client address is allowed by {key} (no source_address given)")
            continue
        hit = next((i for i, e in enumerate(entries)
                    if address in ipaddress.ip_network(e.strip(), strict=False)), None)
        rule = api.where.ref(key) if hit is None else api.where.ref(key, hit)
        if allow and hit is None:
            return deny("ip", rule, f"{address}{via} is not in {key} {entries}",
                        f"add \"{address}\" to {api.where.ref(key).path} in {rule.source}")
        if not allow and hit is not None:
            return deny("ip", rule, f"{address}{via} matches {key} entry {entries[hit]!r}",
                        f"remove {entries[hit]!r} from {rule.path} in {rule.source} (or "
                        f"narrow it so it no longer covers {address})")
        trace.add(rule, "allow" if allow else "pass", f"{address}{via} "
                  + (f"is in {key} ({entries[hit or 0]})" if allow else f"is not in {key}"))
    return None

