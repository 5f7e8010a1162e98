"""When two causes stay close: the one action that would tell them apart.

Knowledge as data: for each pair of causes that one refusal often cannot separate, what to
do next so the answer differs between them. ``kit.diagnose`` sends the cheap ones itself;
these are the ones a person takes (time, another network, another credential).
"""

from __future__ import annotations

from .._causes import CAUSES, Cause

CLOSE = 2.0
"""The first cause is "close" to the second when its probability is under twice it."""

P, K, IP, R, A, S, C = (Cause.PERMISSIONS, Cause.API_KEY, Cause.IP_ALLOWLIST, Cause.RATE_LIMIT,
                        Cause.AUTHENTICATION, Cause.SECURITY_POLICY, Cause.CONFIGURATION)

SEPARATORS: dict[frozenset[Cause], str] = {
    frozenset({R, IP}): "Wait 60 s (or the Retry-After) and send the same request once: a "
                        "limiter lets you through, an address block does not; or try from "
                        "another network.",
    frozenset({R, S}): "Wait 60 s and repeat once with a browser-like User-Agent: a limiter "
                       "lets the plain request through after the wait, a bot or WAF rule "
                       "does not.",
    frozenset({IP, S}): "Send the same request from another network: an address rule lets it "
                        "through there, a WAF rule on the request's content does not.",
    frozenset({IP, C}): "Request another path on the same host, and then the same path from "
                        "another network: an address rule refuses every path from your "
                        "address, a configuration rule only this path from everywhere.",
    frozenset({S, C}): "Repeat with a browser-like User-Agent and no unusual payload: a WAF "
                       "or bot rule lets that through, a configuration rule does not.",
    frozenset({P, K}): "Send the request with no credential and then with a made-up one: "
                       "401 for those and 403 for yours means the key is known but lacks "
                       "rights; the same answer for all three means the key is not accepted.",
    frozenset({K, A}): "Decode your token (kit.inspect_jwt) or check the key in the "
                       "provider's console: an expired or badly signed token is "
                       "authentication, an unknown or disabled key is an API-key problem.",
    frozenset({P, A}): "Check the token's expiry and audience first: a valid token refused "
                       "for an action is permissions, an invalid one is authentication.",
    frozenset({P, C}): "Ask for the same resource with an administrator's credential: if it "
                       "is refused too, the API or route is not set up for this request.",
    frozenset({K, C}): "Call the API's root or a documented public endpoint with your key: "
                       "accepted there means this route or product is not enabled for it.",
    frozenset({P, IP}): "Call from another network with the same credential: an address "
                        "rule lets it through there, missing rights do not.",
    frozenset({K, IP}): "Call from another network with the same key: a key restricted to "
                        "addresses or referrers works there, an invalid key does not.",
}


def separate(first: Cause, second: Cause) -> str:
    """One concrete action that would tell ``first`` from ``second``."""
    known = SEPARATORS.get(frozenset({first, second}))
    if known:
        return known
    return (f"To tell {CAUSES[first].title.lower()} from {CAUSES[second].title.lower()}: "
            f"{CAUSES[first].fixes[0]}")


def close(p1: float, p2: float) -> bool:
    """The first probability is not clearly ahead of the second."""
    return p2 > 0 and p1 < CLOSE * p2
