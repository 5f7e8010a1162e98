"""HS256 tokens the sandbox mints for its scenarios and verifies against an injected clock."""

from __future__ import annotations

import enum
import secrets
from dataclasses import dataclass, field
from typing import Any

import jwt
from jwt.types import Options
from starlette.requests import Request

ISSUER = "sandbox"
OTHER_AUDIENCE = "https://other-api.example"
_FOREIGN_SECRET = secrets.token_urlsafe(32)  # signs the bad-signature token; never verifies


class Verdict(enum.Enum):
    """The outcome of checking a bearer token, first failure wins."""

    OK = "ok"
    MISSING = "missing"
    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    EXPIRED = "expired"
    NOT_YET_VALID = "not_yet_valid"
    WRONG_AUDIENCE = "wrong_audience"
    WRONG_ISSUER = "wrong_issuer"


DESCRIPTIONS: dict[Verdict, str] = {
    Verdict.MALFORMED: "The access token is malformed",
    Verdict.BAD_SIGNATURE: "The signature is invalid",
    Verdict.EXPIRED: "The access token expired",
    Verdict.NOT_YET_VALID: "The access token is not valid yet",
    Verdict.WRONG_AUDIENCE: "The audience is invalid",
    Verdict.WRONG_ISSUER: "The issuer is invalid",
}
"""RFC 6750-style ``error_description`` for each failure."""


@dataclass(frozen=True, slots=True)
class Checked:
    """A verdict and, when the signature held, the token's claims."""

    verdict: Verdict
    claims: dict[str, Any] = field(default_factory=dict)


def bearer(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer`` header (scheme case-insensitive), else None."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return token.strip() or None


def verify(token: str | None, secret: str, *, audience: str, now: float) -> Checked:
    """Check signature, then exp and nbf against ``now``, then audience and issuer."""
    if not token:
        return Checked(Verdict.MISSING)
    options: Options = {"verify_exp": False, "verify_nbf": False, "verify_iat": False,
               "verify_aud": False, "verify_iss": False}
    try:
        claims: dict[str, Any] = jwt.decode(token, secret, algorithms=["HS256"], options=options)
    except jwt.InvalidSignatureError:
        return Checked(Verdict.BAD_SIGNATURE)
    except jwt.InvalidTokenError:
        return Checked(Verdict.MALFORMED)
    verdict = Verdict.OK
    if not isinstance(claims.get("exp"), int | float) or claims["exp"] <= now:
        verdict = Verdict.EXPIRED
    elif isinstance(claims.get("nbf"), int | float) and claims["nbf"] > now:
        verdict = Verdict.NOT_YET_VALID
    elif claims.get("aud") != audience:
        verdict = Verdict.WRONG_AUDIENCE
    elif claims.get("iss") != ISSUER:
        verdict = Verdict.WRONG_ISSUER
    return Checked(verdict, claims)


def mint(secret: str, claims: dict[str, Any]) -> str:
    """Sign ``claims`` with HS256."""
    return jwt.encode(claims, secret, algorithm="HS256")


def mint_tokens(secret: str, *, audience: str, now: float, skew: float) -> dict[str, str]:
    """Every token the scenarios use, with times relative to ``now`` (template names as keys)."""
    t = int(now)
    base: dict[str, Any] = {"iss": ISSUER, "aud": audience, "sub": "sbx-user-1", "iat": t,
                            "exp": t + 3600, "scope": "items:read"}
    return {
        "jwt_valid": mint(secret, base),
        "jwt_items_read": mint(secret, base),
        "jwt_reports_read": mint(secret, base | {"scope": "items:read reports:read"}),
        "jwt_expired": mint(secret, base | {"iat": t - 7200, "exp": t - 3600}),
        "jwt_not_yet_valid": mint(secret, base | {"nbf": t + 3600, "exp": t + 7200}),
        "jwt_other_audience": mint(secret, base | {"aud": OTHER_AUDIENCE}),
        "jwt_bad_signature": mint(_FOREIGN_SECRET, base),
        # valid by the caller's clock, expired by the skewed server's (skew/2 = 300 s by default)
        "jwt_skewed": mint(secret, base | {"exp": t + max(1, int(skew / 2))}),
    }
