"""Tyk's answers (status and message) and the trace one request leaves through its chain.

Every answer below is read from Tyk's source (github.com/TykTechnologies/tyk, master 2026-08);
the file that returns it is named beside it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..._causes import Cause
from ..model import Effect, Limit, RuleRef, Step


@dataclass(frozen=True)
class Answer:
    status: int
    message: str
    cause: Cause


C = Cause
ANSWERS = {
    # gateway/proxy_muxer.go handle404: no API's listen path (or domain) matches
    "no_api": Answer(404, "Not Found", C.CONFIGURATION),
    # gateway/api_definition.go RequestStatus constants; mw_version_check.go answers 403
    "version_missing": Answer(403, "Version information not found", C.CONFIGURATION),
    "version_unknown": Answer(403, "This API version does not seem to exist", C.CONFIGURATION),
    "version_expired": Answer(403, "Api Version has expired, please check documentation or "
                                   "contact administrator", C.CONFIGURATION),
    "api_expired": Answer(403, "API has expired, please check documentation or contact "
                               "administrator", C.CONFIGURATION),
    "no_default": Answer(403, "No default API version for this non-versioned API found",
                         C.CONFIGURATION),
    "ambiguous": Answer(403, "Ambiguous default API version for this non-versioned API",
                        C.CONFIGURATION),
    "endpoint": Answer(403, "Requested endpoint is forbidden", C.CONFIGURATION),
    # gateway/mw_ip_whitelist.go / mw_ip_blacklist.go
    "ip": Answer(403, "access from this IP has been disallowed", C.IP_ALLOWLIST),
    # gateway/mw_auth_key.go (messages in handler_error.go): no key 401, unknown key 403
    "key_missing": Answer(401, "Authorization field missing", C.API_KEY),
    "key_unknown": Answer(403, "Access to this API has been disallowed", C.API_KEY),
    # gateway/mw_oauth2_key_exists.go
    "oauth_missing": Answer(400, "Authorization field missing", C.AUTHENTICATION),
    "oauth_malformed": Answer(400, "Bearer token malformed", C.AUTHENTICATION),
    "oauth_unknown": Answer(403, "Key not authorised", C.API_KEY),
    # gateway/mw_basic_auth.go basicAuthHeaderCredentials
    "basic_missing": Answer(401, "Authorization field missing", C.AUTHENTICATION),
    "basic_malformed": Answer(400, "Attempted access with malformed header, header not in "
                                   "basic auth format", C.AUTHENTICATION),
    # gateway/mw_jwt.go (400 unless protected resource metadata is on)
    "jwt_missing": Answer(400, "Authorization field missing", C.AUTHENTICATION),
    # gateway/mw_http_signature_validation.go authorizationError
    "hmac_missing": Answer(400, "Authorization field missing, malformed or invalid",
                           C.AUTHENTICATION),
    # gateway/mw_key_expired_check.go
    "inactive": Answer(403, "Key is inactive, please renew", C.API_KEY),
    "expired": Answer(401, "Key has expired, please renew", C.API_KEY),
    # gateway/mw_access_rights.go
    "api_denied": Answer(403, "Access to this API has been disallowed", C.PERMISSIONS),
    # gateway/mw_granular_access.go block()
    "url_denied": Answer(403, "Access to this resource has been disallowed", C.PERMISSIONS),
    # gateway/mw_rate_limiting.go + middleware.go handleRateLimitFailure (429)
    "rate": Answer(429, "Rate Limit Exceeded", C.RATE_LIMIT),
    # gateway/mw_rate_limiting.go handleQuotaFailure
    "quota": Answer(403, "Quota exceeded", C.RATE_LIMIT),
    # gateway/mw_api_rate_limit.go RateLimitForAPI
    "api_rate": Answer(429, "API Rate Limit Exceeded", C.RATE_LIMIT),
}


@dataclass(frozen=True)
class Verdict:
    """A middleware's refusal (or a reply it gives itself)."""

    answer: Answer
    rule: RuleRef
    reason: str
    fix: str
    allowed: bool = False


@dataclass
class Trace:
    """What the walk through the chain records, in order."""

    steps: list[Step] = field(default_factory=list)
    limits: list[Limit] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)

    def add(self, rule: RuleRef, effect: Effect, says: str) -> None:
        self.steps.append(Step(rule, effect, says))

    def assume(self, text: str) -> None:
        if text not in self.assumptions:
            self.assumptions.append(text)


def deny(key: str, rule: RuleRef, reason: str, fix: str) -> Verdict:
    return Verdict(ANSWERS[key], rule, reason, fix)
