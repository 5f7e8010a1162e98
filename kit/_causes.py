"""The seven reasons a server answers 403, each with an explanation, fixes and prevention."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Cause(enum.StrEnum):
    """Why a server answered 403. The value is a stable id used in reports and the sandbox."""

    PERMISSIONS = "permissions"
    API_KEY = "api_key"
    IP_ALLOWLIST = "ip_allowlist"
    RATE_LIMIT = "rate_limit"
    AUTHENTICATION = "authentication"
    SECURITY_POLICY = "security_policy"
    CONFIGURATION = "configuration"

    @property
    def info(self) -> CauseInfo:
        """The plain-language explanation, fixes and prevention for this cause."""
        return CAUSES[self]

    @property
    def label(self) -> str:
        """A short human title ("Rate limit or quota exceeded")."""
        return CAUSES[self].title


@dataclass(frozen=True, slots=True)
class CauseInfo:
    """What a cause means and what to do about it, in plain words."""

    title: str
    explanation: str
    fixes: tuple[str, ...]
    prevention: tuple[str, ...]


CAUSES: dict[Cause, CauseInfo] = {
    Cause.PERMISSIONS: CauseInfo(
        title="Insufficient permissions",
        explanation=(
            "The server knows who you are, but that identity lacks the scope, role or "
            "resource right this endpoint needs."
        ),
        fixes=(
            "Read the provider's documentation for the scopes or roles this endpoint requires.",
            "Compare the scopes your token carries with the ones the API asks for, then "
            "request a token or key with the missing scope.",
            "Ask the resource owner or an administrator to grant your identity access to "
            "this resource (a role, a policy statement, a team membership).",
        ),
        prevention=(
            "Review roles and permissions regularly as needs change; remove what is unused.",
            "Give each integration its own least-privilege credential so a change for one "
            "does not break another.",
        ),
    ),
    Cause.API_KEY: CauseInfo(
        title="API key problem",
        explanation=(
            "The key is missing, invalid, malformed, revoked or disabled, sent in the wrong "
            "header or parameter, or not enabled for this API."
        ),
        fixes=(
            "Check the key character by character: no surrounding whitespace, quotes or "
            "trailing newline (a common result of copying from a file or a shell).",
            "Send the key where the provider documents it (header name, query parameter, "
            "scheme word such as 'Bearer' or 'Token').",
            "Confirm in the provider's console that the key is active, not expired, and "
            "enabled for this API or product; regenerate it if it was revoked or leaked.",
        ),
        prevention=(
            "Rotate keys on a schedule and watch their age; keep them in a secret store, "
            "never in code.",
            "Read keys with a loader that strips whitespace and fails loudly when empty.",
        ),
    ),
    Cause.IP_ALLOWLIST: CauseInfo(
        title="Source address not allowed",
        explanation=(
            "The server only admits listed source addresses (or referrers, origins or "
            "countries), and the address your request leaves from is not on the list."
        ),
        fixes=(
            "Find the address the server actually sees (your egress IPv4 and IPv6 address, "
            "a NAT gateway, a proxy or a VPN exit) and add it to the allowlist.",
            "If your network prefers IPv6 but the allowlist holds only IPv4 addresses, add "
            "the IPv6 address or force IPv4 for this client.",
            "Check key restrictions too: an HTTP-referrer, origin or app restriction on a key "
            "refuses calls from anywhere else.",
        ),
        prevention=(
            "Send API traffic through a fixed egress address (a NAT gateway or proxy) and "
            "update the allowlist when that address changes.",
            "Keep the allowlist in version control with a note on who owns each entry.",
        ),
    ),
    Cause.RATE_LIMIT: CauseInfo(
        title="Rate limit or quota exceeded",
        explanation=(
            "You sent more requests (or tokens, or cost) than the limit allows in a window, "
            "or used up a quota. Many APIs answer this with 403 rather than 429."
        ),
        fixes=(
            "Wait until the reset time or for Retry-After before calling again.",
            "Pace requests below the limit, back off exponentially with jitter on 403/429, "
            "and batch work into fewer calls where the API allows it.",
            "Ask the provider for a higher limit or quota, or spread load over the window.",
        ),
        prevention=(
            "Read the rate-limit headers on every response and slow down before they reach "
            "zero; monitor headroom over time.",
            "Cache responses that do not change and avoid polling loops.",
        ),
    ),
    Cause.AUTHENTICATION: CauseInfo(
        title="Authentication failed",
        explanation=(
            "A credential was presented but failed verification: an expired or not-yet-"
            "valid token, a bad signature, the wrong audience or issuer, or a clock that is "
            "too far from the server's."
        ),
        fixes=(
            "Refresh or re-issue the token and retry; check its exp, nbf and iat claims.",
            "Synchronise your clock (NTP); a few minutes of skew breaks tokens and signed "
            "requests.",
            "Check the token was issued for this API (audience) by the issuer it trusts, and "
            "that request signing uses the right secret, region and canonical request.",
        ),
        prevention=(
            "Check the authentication method end to end: how the token is obtained, "
            "refreshed before expiry, and sent.",
            "Handle auth errors with clear messages that say which check failed.",
        ),
    ),
    Cause.SECURITY_POLICY: CauseInfo(
        title="Blocked by a security policy",
        explanation=(
            "A web application firewall, bot protection, CSRF check or other security rule "
            "blocked the request before it reached the API logic."
        ),
        fixes=(
            "Send a descriptive User-Agent and the headers the API documents; some rules "
            "block default client User-Agents.",
            "Remove payloads that look like attacks (SQL or script fragments, path traversal) "
            "or encode them as the API expects.",
            "Contact the API owner with the block page's reference id so they can see which "
            "rule fired and add an exception.",
        ),
        prevention=(
            "Audit security rules regularly and log which rule blocked which request.",
            "Monitor requests and errors for anomalous patterns before they become outages.",
        ),
    ),
    Cause.CONFIGURATION: CauseInfo(
        title="Gateway or server configuration",
        explanation=(
            "The gateway, server or account is misconfigured rather than your credentials: "
            "an unmapped route or method, a trailing-slash mismatch, an API not enabled, a "
            "forbidden directory listing, or credentials dropped on a redirect."
        ),
        fixes=(
            "Check the exact path, method and trailing slash against the API's documentation "
            "or its OpenAPI definition.",
            "Audit the gateway configuration (Tyk, Kong, AWS API Gateway, nginx): routes, "
            "methods, CORS preflight and access rules for this path; if you own it, "
            "kit.audit(config, method=..., url=...) names the rule that refuses the request.",
            "Call the final URL directly instead of following a redirect that drops "
            "credentials, and enable the API or product on the account if required.",
        ),
        prevention=(
            "Keep gateway configuration in version control and test it with real requests "
            "in CI.",
            "Audit gateway and access rules whenever routes change.",
        ),
    ),
}
