"""Credentials in a request: where they are, what shape they have, JWT claims and key lint.

Nothing here verifies a signature: PyJWT reads the header and claims of a token so the kit
can tell an expired or not-yet-valid token from a refused one. The raw secret never leaves
``read_credentials``' first return value, which callers use only to mask text.
"""

from __future__ import annotations

import base64
import datetime as dt
import random
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jwt

from .secrets import is_secret_header, is_secret_param, mask

_JWT_SHAPE = re.compile(r"^[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*$")
_SCHEMES = {"bearer", "basic", "token", "digest", "apikey", "api-key", "key", "sso-key", "dpop"}
_PLACEHOLDERS = re.compile(
    r"^(<.*>|\{.*\}|\$\{?[A-Za-z_]+\}?|your[_-]?.*|x{3,}|changeme|undefined|null|none|"
    r"todo|test|secret|token|api[_-]?key|\*+)$",
    re.IGNORECASE,
)
_COMMON_KEY_HEADERS = {
    "authorization",
    "x-api-key",
    "api-key",
    "apikey",
    "x-auth-token",
    "x-access-token",
    "private-token",
    "x-goog-api-key",
    "ocp-apim-subscription-key",
    "x-functions-key",
    "x-amz-security-token",
    "proxy-authorization",
    "cookie",
    "x-csrf-token",
    "x-xsrf-token",
}
# Where well-known APIs expect their credential: host suffix -> accepted header names.
EXPECTED_LOCATIONS: dict[str, tuple[str, ...]] = {
    "api.github.com": ("authorization",),
    "api.openai.com": ("authorization",),
    "api.anthropic.com": ("x-api-key", "authorization"),
    "api.stripe.com": ("authorization",),
    "googleapis.com": ("authorization", "x-goog-api-key", "?key"),
    "azure-api.net": ("ocp-apim-subscription-key", "authorization", "?subscription-key"),
    "openai.azure.com": ("api-key", "authorization"),
    "gitlab.com": ("private-token", "authorization", "job-token"),
    "execute-api.amazonaws.com": ("x-api-key", "authorization"),
    "api.sendgrid.com": ("authorization",),
    "slack.com": ("authorization",),
}


@dataclass(frozen=True, slots=True)
class KeyIssue:
    """One thing wrong with how a key looks or is sent; code is a stable id."""

    code: str
    message: str


@dataclass(frozen=True, slots=True)
class JwtInfo:
    """The readable parts of a JWT (never the signature), or why it could not be read."""

    alg: str | None = None
    typ: str | None = None
    kid: str | None = None
    iss: str | None = None
    aud: tuple[str, ...] = ()
    exp: dt.datetime | None = None
    nbf: dt.datetime | None = None
    iat: dt.datetime | None = None
    scopes: tuple[str, ...] = ()
    error: str | None = None

    def _repr_html_(self) -> str:
        from .reprs import jwt_info_html

        return jwt_info_html(self)


@dataclass(frozen=True, slots=True)
class Credential:
    """A credential found in a request, described without its value."""

    location: str  # header, query, cookie or userinfo
    name: str
    kind: str  # jwt, api_key, basic, cookie, signature or unknown
    masked: str
    length: int
    scheme: str | None = None
    issues: tuple[KeyIssue, ...] = ()
    jwt: JwtInfo | None = None

    @property
    def where(self) -> str:
        """Where it was sent, in words: 'the Authorization header (Bearer)'."""
        if self.location == "query":
            return f"the query parameter {self.name!r}"
        if self.location == "userinfo":
            return "the URL's user:password part"
        scheme = f" ({self.scheme})" if self.scheme else ""
        return f"the {self.name} header{scheme}"

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Credential:
        info = data.get("jwt")
        return cls(
            location=data["location"],
            name=data["name"],
            kind=data["kind"],
            masked=data["masked"],
            length=int(data["length"]),
            scheme=data.get("scheme"),
            issues=tuple(KeyIssue(**i) for i in data.get("issues", ())),
            jwt=_jwt_from_dict(info) if info else None,
        )


def _jwt_from_dict(data: Mapping[str, Any]) -> JwtInfo:
    def when(key: str) -> dt.datetime | None:
        value = data.get(key)
        return dt.datetime.fromisoformat(value) if isinstance(value, str) else value

    return JwtInfo(
        alg=data.get("alg"),
        typ=data.get("typ"),
        kid=data.get("kid"),
        iss=data.get("iss"),
        aud=tuple(data.get("aud", ())),
        exp=when("exp"),
        nbf=when("nbf"),
        iat=when("iat"),
        scopes=tuple(data.get("scopes", ())),
        error=data.get("error"),
    )


def looks_like_jwt(value: str) -> bool:
    return bool(_JWT_SHAPE.match(value.strip())) and value.strip().startswith("eyJ")


def inspect_jwt(token: str) -> JwtInfo:
    """Header and claims of a JWT without verifying it; a corrupt token says why."""
    token = token.strip()
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, UnicodeError) as exc:  # UnicodeError: lone surrogates
        return JwtInfo(error=f"not a readable JWT ({exc})")
    return JwtInfo(
        alg=_str(header.get("alg")),
        typ=_str(header.get("typ")),
        kid=_str(header.get("kid")),
        iss=_str(claims.get("iss")),
        aud=_strings(claims.get("aud")),
        exp=_epoch(claims.get("exp")),
        nbf=_epoch(claims.get("nbf")),
        iat=_epoch(claims.get("iat")),
        scopes=_scopes(claims),
    )


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def _strings(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple):
        return tuple(str(v) for v in value)
    return (str(value),)


def _epoch(value: Any) -> dt.datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return dt.datetime.fromtimestamp(value, tz=dt.UTC)
    except (OverflowError, OSError, ValueError):
        return None


def _scopes(claims: Mapping[str, Any]) -> tuple[str, ...]:
    found: list[str] = []
    for key in ("scope", "scp", "scopes", "permissions", "roles"):
        value = claims.get(key)
        if isinstance(value, str):
            found.extend(value.replace(",", " ").split())
        elif isinstance(value, list):
            found.extend(str(v) for v in value)
    return tuple(dict.fromkeys(found))


def lint_key(value: str, *, name: str = "", scheme: str | None = None) -> tuple[KeyIssue, ...]:
    """What looks wrong with a key as sent: whitespace, quotes, placeholders, doubled scheme."""
    issues: list[KeyIssue] = []
    add = issues.append
    if not value.strip():
        add(KeyIssue("empty", "the credential is empty"))
        return tuple(issues)
    if "\n" in value or "\r" in value:
        add(KeyIssue("newline", "the key contains a line break (often a trailing newline "
                     "read from a file or `echo`)"))
    if value != value.strip():
        add(KeyIssue("whitespace", "the key has leading or trailing whitespace"))
    core = value.strip()
    if len(core) >= 2 and core[0] == core[-1] and core[0] in "'\"`":
        add(KeyIssue("quotes", "the key is wrapped in quotes, which are sent as part of it"))
    first = core.split(" ", 1)[0].lower()
    if first in _SCHEMES and (scheme is not None or " " in core):
        add(KeyIssue("doubled_scheme", f"the value starts with the scheme word {first!r} "
                     "again (for example 'Bearer Bearer ...')"))
    elif " " in core or "\t" in core:
        add(KeyIssue("inner_whitespace", "the key contains a space or tab"))
    if any(ord(ch) > 126 for ch in core):
        add(KeyIssue("non_ascii", "the key contains non-ASCII characters (smart quotes or "
                     "look-alike letters from copy and paste)"))
    if _PLACEHOLDERS.match(core.strip("'\"")):
        add(KeyIssue("placeholder", "the key looks like a placeholder, not a real key"))
    if "_" in name:
        add(KeyIssue("underscore_header", f"the header name {name!r} contains an underscore; "
                     "nginx and many proxies drop such headers silently"))
    return tuple(issues)


def read_credentials(
    headers: Iterable[tuple[str, str]], url: str
) -> tuple[list[str], tuple[Credential, ...]]:
    """The raw secret values (for masking only) and a description of each credential."""
    secrets: list[str] = []
    found: list[Credential] = []
    for name, value in headers:
        lower = name.lower()
        if not is_secret_header(lower) or lower in ("set-cookie",):
            continue
        secrets.extend((value, value.partition(" ")[2].strip(), value.strip()))
        found.append(_describe_header(name, value))
    try:
        parts = urlsplit(url)
    except ValueError:
        parts = None
    host = ((parts.hostname if parts is not None else None) or "").lower()
    if parts is not None:
        for key, value in parse_qsl(parts.query, keep_blank_values=True):
            if is_secret_param(key):
                secrets.append(value)
                found.append(_describe(value, "query", key, None))
        if parts.password:
            secrets.append(parts.password)
            found.append(_describe(parts.password, "userinfo", parts.username or "", None))
    extra = _placement_issues(found, host)
    return secrets, tuple(
        Credential(c.location, c.name, c.kind, c.masked, c.length, c.scheme,
                   c.issues + extra.get(i, ()), c.jwt)
        for i, c in enumerate(found)
    )


def _describe_header(name: str, value: str) -> Credential:
    lower = name.lower()
    if lower == "cookie":
        return Credential("header", name, "cookie", mask(value), len(value))
    scheme, sep, rest = value.partition(" ")
    if lower in ("authorization", "proxy-authorization") and sep and scheme.lower() in _SCHEMES:
        return _describe(rest, "header", name, scheme)
    if lower in ("authorization", "proxy-authorization") and value.upper().startswith("AWS4-"):
        return Credential("header", name, "signature", mask(value), len(value), "AWS4-HMAC-SHA256")
    cred = _describe(value, "header", name, None)
    if lower == "authorization" and not sep and value.strip():
        issue = KeyIssue("scheme_missing", "the Authorization header has no scheme word; most "
                         "APIs expect 'Bearer <token>' (or the scheme they document)")
        return Credential(cred.location, name, cred.kind, cred.masked, cred.length, None,
                          (*cred.issues, issue), cred.jwt)
    return cred


def _describe(value: str, location: str, name: str, scheme: str | None) -> Credential:
    issues = lint_key(value, name=name if location == "header" else "", scheme=scheme)
    if scheme and scheme.lower() == "basic":
        issues = issues + _basic_issues(value)
        return Credential(location, name, "basic", mask(value), len(value), scheme, issues)
    if looks_like_jwt(value):
        return Credential(location, name, "jwt", mask(value), len(value), scheme, issues,
                          inspect_jwt(value))
    if value.strip().startswith("eyJ") and value.count(".") >= 1:
        info = inspect_jwt(value)
        return Credential(location, name, "jwt", mask(value), len(value), scheme, issues, info)
    return Credential(location, name, "api_key", mask(value), len(value), scheme, issues)


def _basic_issues(value: str) -> tuple[KeyIssue, ...]:
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):  # binascii.Error, or non-ASCII text
        return (KeyIssue("basic_not_base64", "the Basic credential is not valid base64 of "
                         "'user:password'"),)
    if ":" not in decoded:
        return (KeyIssue("basic_no_colon", "the Basic credential decodes to text without a "
                         "':' between user and password"),)
    return ()


def _placement_issues(found: list[Credential], host: str) -> dict[int, tuple[KeyIssue, ...]]:
    issues: dict[int, tuple[KeyIssue, ...]] = {}
    expected = next((v for k, v in EXPECTED_LOCATIONS.items() if host.endswith(k)), None)
    for i, cred in enumerate(found):
        name = cred.name.lower()
        here = f"?{name}" if cred.location == "query" else name
        if expected is not None and here not in expected and cred.kind != "cookie":
            where = ", ".join(e.lstrip("?") for e in expected)
            issues[i] = (KeyIssue("unexpected_location", f"{host} expects its credential in "
                                  f"{where}, not in {cred.where}"),)
        elif expected is None and cred.location == "header" and name not in _COMMON_KEY_HEADERS:
            issues[i] = (KeyIssue("unusual_header", f"{cred.name!r} is not a common header for "
                                  "API keys; check the name the API documents"),)
    return issues


def fake_like(value: str, *, seed: int | None = None) -> str:
    """A same-shaped fake of a credential: same prefix, length and character classes.

    For a JWT the header and claims are kept and the signature replaced, so the fake differs
    from the real token only in being unverifiable.
    """
    rng = random.Random(seed)
    stripped = value.strip()
    if looks_like_jwt(stripped) and stripped.count(".") == 2:
        head, body, sig = stripped.split(".")
        # Random bytes, base64url-encoded: a canonical signature of the same length, so
        # strict decoders (PyJWT >= 2.10) read the fake and reject only its signature.
        raw = rng.randbytes(len(sig) * 3 // 4 or 32)
        fake_sig = base64.urlsafe_b64encode(raw).rstrip(b"=").decode()
        return f"{head}.{body}.{fake_sig}"
    prefix = ""
    for known in ("github_pat_", "ghp_", "gho_", "sk-proj-", "sk-ant-", "sk_live_", "sk_test_",
                  "sk-", "xoxb-", "xoxp-", "AKIA", "AIza", "glpat-"):
        if stripped.startswith(known):
            prefix = known
            break
    out = [prefix]
    for ch in stripped[len(prefix):]:
        if ch.isdigit():
            out.append(rng.choice(string.digits))
        elif ch.islower():
            out.append(rng.choice(string.ascii_lowercase))
        elif ch.isupper():
            out.append(rng.choice(string.ascii_uppercase))
        else:
            out.append(ch)
    fake = "".join(out)
    if fake == stripped and stripped:
        fake = stripped[:-1] + ("0" if stripped[-1] != "0" else "1")
    return fake
