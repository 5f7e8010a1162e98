"""Which headers and parameters carry secrets, and the one masking policy every output uses.

A masked secret shows only what is safe and useful when comparing notes: a public vendor
prefix (``ghp_``, ``sk-``), the length, and for long secrets a short fingerprint that tells two
keys apart without revealing either.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qsl, quote_plus, unquote_plus, urlencode, urlsplit, urlunsplit

_SECRET_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key", "api-key"}
)
_SECRET_WORDS = ("key", "token", "secret", "auth", "signature", "session", "password", "passwd")
# Headers whose names contain a secret word but which carry no secret.
_PUBLIC_HEADERS = frozenset(
    {
        "www-authenticate",
        "x-accepted-oauth-scopes",
        "x-oauth-scopes",
        "x-oauth-client-id",
        "keep-alive",
        "x-amzn-errortype",
    }
)
_SECRET_PARAMS = frozenset(
    {
        "key",
        "api_key",
        "apikey",
        "api-key",
        "token",
        "access_token",
        "id_token",
        "refresh_token",
        "client_secret",
        "sig",
        "signature",
        "password",
        "x-amz-signature",
        "x-amz-credential",
        "x-amz-security-token",
        "code",
    }
)
_VENDOR_PREFIX = re.compile(
    r"^(github_pat_|gh[pousr]_|sk-proj-|sk-ant-|sk_live_|sk_test_|rk_live_|rk_test_|pk_live_|"
    r"pk_test_|sk-|xox[abposr]-|AKIA|ASIA|AIza|glpat-|SG\.|key-|eyJ)"
)
_JWT = re.compile(r"eyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{2,}\.[A-Za-z0-9_-]*")
_SCHEMES = ("bearer", "basic", "token", "digest", "apikey", "api-key", "key", "aws4-hmac-sha256")
# For URLs urlsplit rejects: query pairs and a user:password@ part, found by pattern.
_LOOSE_PAIR = re.compile(r"([?&;#])([^=&#;?]*)=([^&#;]*)")
_LOOSE_USERINFO = re.compile(r"^([^:/?#]*://[^/@:?#]*):[^/@?#]*@")

MASK = "[secure]"
_URL_HEADERS = frozenset({"location", "content-location"})


def is_secret_header(name: str) -> bool:
    """True when a header of this name may carry a credential."""
    lower = name.lower()
    if lower in _PUBLIC_HEADERS:
        return False
    return lower in _SECRET_HEADERS or any(word in lower for word in _SECRET_WORDS)


def is_secret_param(name: str) -> bool:
    """True when a query parameter of this name may carry a credential."""
    lower = name.lower()
    return lower in _SECRET_PARAMS or any(
        word in lower for word in ("token", "secret", "password", "apikey", "api_key")
    )


def mask(secret: str) -> str:
    """A safe stand-in for a secret: vendor prefix, length and (when long) a fingerprint."""
    if not secret:
        return "[empty]"
    prefix_match = _VENDOR_PREFIX.match(secret.strip())
    prefix = prefix_match.group(1) if prefix_match and len(secret) >= 16 else ""
    parts = [f"{prefix}…" if prefix else "…", f"{len(secret)} chars"]
    if len(secret) >= 16:
        parts.append("#" + hashlib.sha256(secret.encode("utf-8", "replace")).hexdigest()[:6])
    return f"[secure {' '.join(parts)}]"


def mask_header_value(name: str, value: str) -> str:
    """Mask a header value, keeping a leading scheme word (``Bearer [secure …]``).

    A URL-valued header (``Location``, ``Content-Location``) keeps its URL with secret query
    values masked: a redirect can carry a key the caller never sent in this request.
    """
    if name.lower() in _URL_HEADERS:
        return mask_url(value)
    if not is_secret_header(name):
        return value
    scheme, sep, rest = value.partition(" ")
    if sep and scheme.lower() in _SCHEMES and rest:
        return f"{scheme} {mask(rest)}"
    return mask(value)


def mask_headers(headers: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Every secret header value masked, order and duplicates kept."""
    return tuple((name, mask_header_value(name, value)) for name, value in headers)


def mask_url(url: str) -> str:
    """The URL with secret query values and any userinfo password masked."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return mask_text(_mask_url_loosely(url))
    if _broken_userinfo(url, parts.netloc):
        scheme, _, rest = url.partition("://")
        user, _, after = rest.partition(":")
        return mask_text(_mask_url_loosely(f"{scheme}://{user}:{MASK}@{after.rpartition('@')[2]}"))
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user = userinfo.split(":", 1)[0]
        netloc = f"{user}:{MASK}@{host}" if ":" in userinfo else f"{MASK}@{host}"
    path = parts.path
    if not netloc and "@" in path.split("/", 1)[0]:
        # 'user:password@host' typed without '//': urlsplit reads 'user' as the scheme
        userinfo, _, rest = path.partition("@")
        if ":" in userinfo:
            path = f"{userinfo.split(':', 1)[0]}:{MASK}@{rest}"
        elif parts.scheme:
            path = f"{MASK}@{rest}"
    # A fragment can carry a token too (OAuth's implicit flow: #access_token=...).
    query, fragment = _mask_query(parts.query), _mask_query(parts.fragment)
    return urlunsplit((parts.scheme, netloc, path, query, fragment))


def _mask_query(query: str) -> str:
    """A query string (or fragment) with secret values masked; unchanged when it holds none."""
    if "=" not in query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_secret_param(k) for k, _ in pairs):
        return query
    return urlencode([(k, mask(v) if is_secret_param(k) else v) for k, v in pairs], safe="[]… ")


def _broken_userinfo(url: str, netloc: str) -> bool:
    """True for 'user:pass/word@host': a '/', '?' or '#' in a password ends the netloc early,
    leaving a non-numeric "port" and the rest of the password (and an '@') further on."""
    if "@" in netloc or ":" not in netloc or "@" not in url.partition("://")[2]:
        return False
    port = netloc.rpartition(":")[2]
    return not port.isdigit() and "]" not in port


def _mask_url_loosely(url: str) -> str:
    """mask_url for a URL that does not parse: a secret left in it would reach error messages."""
    url = _LOOSE_USERINFO.sub(rf"\1:{MASK}@", url)
    return _LOOSE_PAIR.sub(
        lambda m: f"{m[1]}{m[2]}={quote_plus(mask(unquote_plus(m[3])), safe='[]… ')}"
        if is_secret_param(unquote_plus(m[2])) else m[0],
        url,
    )


def mask_text(text: str, secrets: Iterable[str] = ()) -> str:
    """Free text with JWTs and each given secret masked (longest first)."""
    for secret in sorted({s for s in secrets if len(s) >= 4}, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, mask(secret))
    return _JWT.sub(lambda m: mask(m.group(0)), text)


def masker(secrets: Iterable[str]) -> Callable[[str], str]:
    """``mask_text`` with the secrets compiled once, for masking many texts.

    The secrets become one regular expression shaped like a trie, so a text is scanned once
    whatever their number (a Kong file or an nginx map may list thousands of keys); at a
    position the longest secret wins, as in ``mask_text``.
    """
    pattern = _compiled(frozenset(s for s in secrets if len(s) >= 4))

    def apply(text: str) -> str:
        if pattern is not None:
            text = pattern.sub(lambda m: mask(m.group(0)), text)
        return _JWT.sub(lambda m: mask(m.group(0)), text)

    return apply


@functools.lru_cache(maxsize=32)  # a configuration's keys are compiled once, not per request
def _compiled(known: frozenset[str]) -> re.Pattern[str] | None:
    short = sorted(s for s in known if len(s) <= 256)
    long_ = sorted((s for s in known if len(s) > 256), key=len, reverse=True)
    parts = [re.escape(s) for s in long_] + ([_trie(short)] if short else [])
    return re.compile("|".join(parts)) if parts else None


def _trie(words: list[str]) -> str:
    """A regex matching any of ``words`` (sorted), longest first at each branch."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = True

    def emit(node: dict[str, Any]) -> str:
        branches = [re.escape(char) + emit(child) for char, child in sorted(node.items())
                    if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return emit(root)


_MASKED = re.compile(r"^\[secure(?: [^\]]*)?\]$")


def is_masked(value: str) -> bool:
    """True when a value is the kit's masked stand-in (from a Diagnosis or a saved Exchange)."""
    return bool(_MASKED.match(value.strip()))


def same_secret(sent: str, known: str) -> bool | None:
    """Does the credential the request carries equal one written in the configuration?

    A plain value compares exactly. A masked value (``[secure … 32 chars #653bb1]``) compares
    by length and fingerprint: True/False when the mask has a fingerprint, None ("cannot
    tell") when it only has a length that matches.
    """
    sent = sent.strip()
    if not is_masked(sent):
        return sent == known
    if "#" not in sent:  # a short secret's mask keeps only its length
        return None if mask(known) == sent else False
    return mask(known) == sent
