"""General vocabulary of refusals: phrases any provider might use, per cause, as data.

These carry the verdict where no catalogue row names the provider. Each pattern is a regular
expression over the response body (case-insensitive) with a modest weight: a phrase is
evidence, not proof. Named products and exact codes belong in the catalogue instead.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .._causes import Cause


@dataclass(frozen=True, slots=True)
class Phrase:
    cause: Cause
    pattern: str
    weight: float
    meaning: str


P, K, IP, R, A, S, C = (
    Cause.PERMISSIONS,
    Cause.API_KEY,
    Cause.IP_ALLOWLIST,
    Cause.RATE_LIMIT,
    Cause.AUTHENTICATION,
    Cause.SECURITY_POLICY,
    Cause.CONFIGURATION,
)

PHRASES: tuple[Phrase, ...] = (
    # permissions
    Phrase(P, r"insufficient[_ ](scope|permission|privilege|right|access)", 0.6,
           "insufficient scope or permission"),
    Phrase(P, r"not (authori[sz]ed|permitted|allowed) to (perform|access|call|use|do|read|"
              r"write|view|modify|delete|create)", 0.55, "not authorised to perform an action"),
    Phrase(P, r"permission[_ ]denied|missing (required )?(scope|permission|role|privilege)s?",
           0.5, "permission denied or a missing scope/role"),
    Phrase(P, r"(do(es)?n[’']?t|do(es)? not|lacks?) (have|contain|include)? ?[\w '\".:-]{0,30}?"
              r"(permission|access|role|scope|right|privilege)", 0.5,
           "the identity lacks a permission"),
    Phrase(P, r"\bcannot (get|list|watch|create|update|patch|delete|access|read|write|perform|"
              r"view|use)\b|is unauthori[sz]ed for (user|role|principal)|permissions? error|"
              r"scopes? (does|do) not match", 0.5, "the identity may not perform this action"),
    Phrase(P, r"(premium|pro|paid|enterprise|business) (plan |subscription |account |tier )?"
              r"(is )?required", 0.4, "a higher plan is required"),
    Phrase(P, r"read[- ]only|requires? (the )?[\w:.'\"-]+ (scope|permission|role)|"
              r"(admin|owner|write)\w* (rights|access|privileges?|role) (is )?required", 0.45,
           "a specific scope, role or write access is required"),
    Phrase(P, r"(plan|subscription|tier|licen[cs]e|edition)[^\n]{0,40}(does not|doesn[’']?t|"
              r"not) (include|allow|support|cover|permit)|upgrade (your|the) (plan|subscription)",
           0.5, "the account's plan or subscription does not include this"),
    Phrase(P, r"not authori[sz]ed (for|on) (this|the)|\baccess_denied\b", 0.4,
           "not authorised for this resource"),
    Phrase(P, r"\brbac\b|access to (this|the) resource (is|has been) (denied|forbidden)", 0.4,
           "an access-control rule on the resource"),
    # api_key
    Phrase(K, r"(invalid|incorrect|unknown|bad|wrong|revoked|disabled|expired|deleted|"
              r"inactive|unrecogni[sz]ed|malformed)[_ -]?(api[_ -]?)?(key|subscription key|"
              r"access key|app key|client[_ ]id)\b", 0.6,
           "the key is invalid, revoked or disabled"),
    Phrase(K, r"(missing|no|without( an?)?|requires?( an?)?)[_ -](valid )?api[_ -]?key|"
              r"api[_ -]?key (is )?(missing|required|not (found|provided|valid))|"
              r"key (not found|not provided|is missing)", 0.6, "no (valid) API key in the request"),
    Phrase(K, r"invalid[_ ]key\b(?!=)|invalid[_ ]api[_ ]?key|key[_ ]invalid|\b(api[_ -]?)?key\b"
              r"[^\n]{0,20}?\b(is )?(not valid|invalid|expired|revoked|disabled|not recogni[sz]ed)",
           0.55, "invalid key"),
    Phrase(K, r"subscription key|api key|apikey|x-api-key", 0.2, "mentions an API key"),
    # ip_allowlist
    Phrase(IP, r"\b(ip|address|addr)\b[^\n]{0,60}?(not (allowed|permitted|authori[sz]ed|in)|"
              r"blocked|denied|rejected|restricted|disallowed|allow-?list|white-?list)", 0.55,
           "the source IP address is not allowed"),
    Phrase(IP, r"\b(?:\d{1,3}\.){3}\d{1,3}\b", 0.25, "the message quotes an IP address"),
    Phrase(IP, r"(allow|white)[ -]?list(ed)?|ip[ _-]?(restriction|filter|range|whitelist)", 0.4,
           "an allowlist or IP restriction"),
    Phrase(IP, r"refer+er[^.\n]{0,40}(blocked|not allowed|denied)|(origin|app|bundle|package)"
              r"[^.\n]{0,30}(is )?(not allowed|blocked|restricted)", 0.45,
           "a referrer, origin or app restriction on the key"),
    Phrase(IP, r"(country|region|territory|location|geo)[^.\n]{0,40}(not supported|not allowed|"
              r"blocked|restricted|unavailable)|geo-?(block|restrict)", 0.5,
           "a geographic restriction"),
    # rate_limit
    Phrase(R, r"rate[ _-]?limit(ed|s)?|too many requests|throttl(ed|ing)", 0.65,
           "rate limiting or throttling"),
    Phrase(R, r"quota|(usage|request|call|daily|monthly|hourly) limit|limit (exceeded|reached)|"
              r"exceeded (your|the)?[^.\n]{0,30}(limit|quota)|resource[_ ]exhausted", 0.6,
           "a quota or usage limit"),
    Phrase(R, r"slow down|try again (later|in \d+)|retry after|request (limit|rate)", 0.35,
           "an instruction to retry later"),
    # authentication
    Phrase(A, r"(token|jwt|credential|session|signature|assertion)s?[^.\n]{0,30}(has |have |is )?"
              r"(expired|not yet valid|invalid|malformed|revoked|mismatch)|expired[_ ](token|"
              r"credential|session)", 0.55, "the token or credential failed verification"),
    Phrase(A, r"invalid[_ ]token|invalid[_ ]grant|token[_ ]expired|unauthenticated|"
              r"authentication (failed|required|error|credentials were not provided)|"
              r"not authenticated|bad credentials|invalid credentials", 0.5,
           "authentication failed"),
    Phrase(A, r"signature (does not match|mismatch|is invalid|invalid|expired)|"
              r"(request )?time (too )?skew|clock skew|audience|issuer|\bnbf\b|not before", 0.5,
           "a signature, audience, issuer or clock problem"),
    # security_policy
    Phrase(S, r"\bwaf\b|firewall|security (rule|polic(y|ies)|check|service)|"
              r"(blocked|rejected|denied|forbidden) (by|for) [\w -]{0,20}?(security|polic(y|ies)"
              r"|firewall)", 0.6,
           "a firewall or security rule"),
    Phrase(S, r"request (was |has been )?(blocked|rejected)|you have been blocked|"
              r"access (was )?blocked", 0.45, "the request was blocked"),
    Phrase(S, r"\bbot\b|captcha|checking your browser|are you (a )?human|challenge|"
              r"automated (request|traffic|access)", 0.5, "bot protection or a challenge"),
    Phrase(S, r"\bcsrf\b|\bxsrf\b|cross[- ]site request", 0.65, "a CSRF check"),
    Phrase(S, r"(incident|support|reference|event|request|block|ray)[ _-]?(id|#|number)\b"
              r"[^.\n]{0,5}[:#]?\s*[\w-]{6,}", 0.2, "an incident or reference id to quote"),
    Phrase(S, r"suspicious|malicious|attack|injection|not acceptable", 0.35,
           "the request looked like an attack"),
    # configuration
    Phrase(C, r"(api|service|product|feature)[^.\n]{0,40}(not (been )?(enabled|activated|"
              r"configured|subscribed)|(is )?disabled)|has not been used in project", 0.55,
           "the API or product is not enabled on the account"),
    Phrase(C, r"missing authentication token|no route|route not found|unmapped|"
              r"no matching (route|rule)|not (a )?valid (endpoint|route|path)", 0.55,
           "the route is not mapped on the gateway"),
    Phrase(C, r"method not allowed|unsupported method|directory (listing|index|browsing)|"
              r"misconfigur", 0.5, "a method, directory-listing or configuration rule"),
)

_COMPILED = tuple((p, re.compile(p.pattern, re.IGNORECASE)) for p in PHRASES)


def find(body: str) -> list[tuple[Phrase, str]]:
    """Each phrase found in the body, with the text it matched (first 80 characters)."""
    hits = []
    for phrase, regex in _COMPILED:
        found = regex.search(body)
        if found:
            hits.append((phrase, found.group(0)[:80]))
    return hits
