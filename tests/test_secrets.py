"""Which headers and parameters carry secrets, and the masking every output goes through."""

from __future__ import annotations

import re
import string
from urllib.parse import parse_qsl, urlsplit

import jwt
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kit._http.secrets import (
    MASK,
    is_secret_header,
    is_secret_param,
    mask,
    mask_header_value,
    mask_headers,
    mask_text,
    mask_url,
)

LONG = "Zq8vR2mK4tX9pL3wN7bC5dF1"  # 24 characters, no vendor prefix
GITHUB_PAT = "ghp_abcdefABCDEF0123456789"


def pieces(secret: str, size: int = 8) -> set[str]:
    return {secret[i:i + size] for i in range(len(secret) - size + 1)}


def leaks(secret: str, text: str, *, public_prefix: str = "") -> list[str]:
    """8-character pieces of the secret found in text, ignoring a shown public prefix."""
    return [p for p in pieces(secret) if p in text and p not in public_prefix]


# --- is_secret_header / is_secret_param -----------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Authorization", "authorization", "Proxy-Authorization", "Cookie", "Set-Cookie",
        "X-API-Key", "x-api-key", "Api-Key", "X-Goog-Api-Key", "Ocp-Apim-Subscription-Key",
        "X-Auth-Token", "Private-Token", "X-Client-Secret", "X-Authentication", "X-Signature",
        "X-Session-Id", "X-Password", "X-Amz-Security-Token", "X-CSRF-Token",
    ],
)
def test_is_secret_header_true(name: str) -> None:
    """Credential headers, and any name with key/token/secret/auth/signature/session/password."""
    assert is_secret_header(name)


@pytest.mark.parametrize(
    "name",
    [
        "WWW-Authenticate", "www-authenticate", "X-Accepted-OAuth-Scopes", "X-OAuth-Scopes",
        "Content-Type", "Keep-Alive", "Accept", "User-Agent", "Host", "Content-Length",
        "X-Request-Id", "Retry-After",
    ],
)
def test_is_secret_header_false(name: str) -> None:
    """Challenge, scope-list and ordinary headers are not secret, despite their words."""
    assert not is_secret_header(name)


@pytest.mark.parametrize(
    "name",
    [
        "key", "KEY", "api_key", "apikey", "api-key", "access_token", "id_token", "token",
        "sig", "signature", "X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token",
        "client_secret", "password", "refresh_token", "my_api_key", "session_token",
    ],
)
def test_is_secret_param_true(name: str) -> None:
    """Parameters that carry keys, tokens, signatures and client secrets."""
    assert is_secret_param(name)


@pytest.mark.parametrize(
    "name", ["page", "q", "limit", "per_page", "X-Amz-Date", "X-Amz-Expires", "sort", "fields"]
)
def test_is_secret_param_false(name: str) -> None:
    """Paging, search and date parameters are not secret."""
    assert not is_secret_param(name)


# --- mask -----------------------------------------------------------------------------------


def test_mask_empty() -> None:
    """An empty secret is shown as [empty]."""
    assert mask("") == "[empty]"


@pytest.mark.parametrize("secret", ["abc", "abcdefgh", "s3cr3t-pw-15ch"])
def test_mask_short_secret_shows_only_length(secret: str) -> None:
    """A secret under 16 characters shows its length and nothing else."""
    assert mask(secret) == f"[secure … {len(secret)} chars]"


def test_mask_long_secret_shows_length_and_fingerprint() -> None:
    """A secret of 16 or more characters shows its length and a 6-hex fingerprint."""
    masked = mask(LONG)
    assert re.fullmatch(r"\[secure … 24 chars #[0-9a-f]{6}\]", masked), masked
    assert re.fullmatch(r"\[secure … 16 chars #[0-9a-f]{6}\]", mask(LONG[:16]))


def test_mask_fingerprint_tells_keys_apart_and_is_stable() -> None:
    """The same secret masks the same; two secrets of equal length mask differently."""
    other = LONG[::-1]
    assert mask(LONG) == mask(LONG)
    assert mask(LONG) != mask(other)


@pytest.mark.parametrize(
    ("secret", "prefix"),
    [
        (GITHUB_PAT, "ghp_"),
        ("github_pat_11ABCDEFG0aBcDeFgHiJkLmNoP", "github_pat_"),
        ("sk-proj-abcdefghijklmnop", "sk-proj-"),
        ("sk_live_abcdefghijklmnop", "sk_live_"),
        ("AKIAFAKE_TESTKEY_0001", "AKIA"),
        ("AIzaSyA1b2C3d4E5f6G7h8I9j0", "AIza"),
        ("glpat-abcdefghij0123456789", "glpat-"),
    ],
)
def test_mask_keeps_vendor_prefix_of_long_secret(secret: str, prefix: str) -> None:
    """A long secret with a known vendor prefix shows the prefix, then the length."""
    masked = mask(secret)
    assert masked.startswith(f"[secure {prefix}… {len(secret)} chars #")
    assert not leaks(secret, masked, public_prefix=prefix)


@pytest.mark.parametrize("secret", ["ghp_short", "sk-abc12345", "AKIA12345678"])
def test_mask_hides_vendor_prefix_of_short_secret(secret: str) -> None:
    """A short secret does not show even its vendor prefix (it would be most of the secret)."""
    assert mask(secret) == f"[secure … {len(secret)} chars]"


@pytest.mark.parametrize(
    "secret",
    [LONG, GITHUB_PAT, "abcdefgh", "a" * 64, "0123456789abcdef0123", "  padded-secret-1234  "],
)
def test_mask_never_shows_the_secret_or_a_piece(secret: str) -> None:
    """The mask holds neither the secret nor any 8-character piece beyond a public prefix."""
    masked = mask(secret)
    assert secret not in masked
    prefix = masked.removeprefix("[secure ").split("…")[0]
    assert not leaks(secret, masked, public_prefix=prefix)


KEY_CHARS = string.ascii_letters + string.digits + "-_.~+/="


@given(st.text(alphabet=KEY_CHARS, min_size=8, max_size=120))
def test_mask_property_never_contains_secret(secret: str) -> None:
    """For any key-alphabet secret of 8+ characters, mask(s) does not contain s."""
    assert secret not in mask(secret)


def not_mask_wording(text: str) -> bool:
    # A "secret" spelled like the mask itself ("8 chars]", "[secure ") trivially appears in it.
    return not any(word in text for word in ("[", "]", "…", "chars", "secure"))


@given(st.text(min_size=8, max_size=80).filter(not_mask_wording))
def test_mask_property_any_text(secret: str) -> None:
    """Any text secret (not spelled like the mask's own wording) is absent from its mask."""
    assert secret not in mask(secret)


# --- mask_header_value / mask_headers -------------------------------------------------------


@pytest.mark.parametrize("scheme", ["Bearer", "bearer", "Basic", "Token", "Digest", "ApiKey"])
def test_mask_header_value_keeps_the_scheme_word(scheme: str) -> None:
    """'Bearer <token>' becomes 'Bearer [secure …]': the scheme stays, the token goes."""
    masked = mask_header_value("Authorization", f"{scheme} {LONG}")
    assert masked == f"{scheme} {mask(LONG)}"
    assert LONG not in masked


def test_mask_header_value_without_scheme_masks_everything() -> None:
    """A bare key in a secret header is masked whole."""
    assert mask_header_value("X-API-Key", LONG) == mask(LONG)
    assert mask_header_value("Authorization", LONG) == mask(LONG)


def test_mask_header_value_unknown_first_word_is_not_kept() -> None:
    """A first word that is not a scheme (it may be part of the secret) is masked too."""
    masked = mask_header_value("Authorization", f"{LONG[:10]} {LONG[10:]}")
    assert LONG[:10] not in masked
    assert masked.startswith("[secure")


def test_mask_header_value_leaves_public_headers_alone() -> None:
    """Public headers pass through unchanged."""
    assert mask_header_value("Content-Type", "application/json") == "application/json"
    challenge = 'Bearer realm="api", error="invalid_token"'
    assert mask_header_value("WWW-Authenticate", challenge) == challenge


def test_mask_header_value_cookie() -> None:
    """A cookie header is masked whole, names included."""
    masked = mask_header_value("Cookie", f"session={LONG}; theme=dark")
    assert LONG not in masked
    assert masked.startswith("[secure")


def test_mask_headers_keeps_order_and_duplicates() -> None:
    """mask_headers masks each secret header and keeps names, order and repeats."""
    headers = [("Accept", "*/*"), ("Cookie", "a=1" + LONG), ("Cookie", "b=2" + LONG),
               ("Authorization", f"Bearer {LONG}")]
    masked = mask_headers(headers)
    assert [k for k, _ in masked] == ["Accept", "Cookie", "Cookie", "Authorization"]
    assert masked[0] == ("Accept", "*/*")
    assert LONG not in repr(masked)
    assert masked[3][1].startswith("Bearer [secure")


# --- mask_url -------------------------------------------------------------------------------


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


def test_mask_url_masks_secret_params_and_keeps_the_others() -> None:
    """api_key is masked; page and q keep their values and survive a re-parse of the URL."""
    url = f"https://api.example.com/v1/items?page=2&api_key={LONG}&q=hello+world"
    masked = mask_url(url)
    assert LONG not in masked
    query = query_of(masked)
    assert query["page"] == "2"
    assert query["q"] == "hello world"
    assert query["api_key"] == mask(LONG)
    parts = urlsplit(masked)
    assert (parts.scheme, parts.netloc, parts.path, parts.fragment) == (
        "https", "api.example.com", "/v1/items", "")


def test_mask_url_masks_aws_presigned_params() -> None:
    """X-Amz-Signature and X-Amz-Credential are masked; X-Amz-Date is kept."""
    url = ("https://bucket.s3.amazonaws.com/o?X-Amz-Credential=AKIAFAKE_TESTKEY_0001%2F2024"
           f"&X-Amz-Date=20240101T000000Z&X-Amz-Signature={'ab12' * 16}")
    masked = mask_url(url)
    assert "AKIAFAKE_TESTKEY_0001" not in masked
    assert "ab12ab12" not in masked
    assert query_of(masked)["X-Amz-Date"] == "20240101T000000Z"


def test_mask_url_masks_userinfo_password_keeps_user() -> None:
    """user:password@ becomes user:[secure]@."""
    masked = mask_url("https://alice:hunter2-secret@api.example.com/x")
    assert masked == f"https://alice:{MASK}@api.example.com/x"


def test_mask_url_masks_bare_userinfo() -> None:
    """A bare userinfo (often a key used as the user name) is masked whole."""
    masked = mask_url(f"https://{LONG}@api.example.com/x")
    assert LONG not in masked
    assert masked.endswith("@api.example.com/x")


def test_mask_url_without_secrets_is_unchanged() -> None:
    """A URL without secrets comes back exactly as given."""
    url = "https://api.example.com/v1/items?page=1&q=a%20b#top"
    assert mask_url(url) == url


def test_mask_url_keeps_fragment() -> None:
    """The fragment survives next to a masked parameter."""
    masked = mask_url(f"https://h.example/x?sig={LONG}#part")
    assert urlsplit(masked).fragment == "part"
    assert LONG not in masked


def test_mask_url_unparseable_url_still_masks_secrets() -> None:
    """A URL that urlsplit rejects still has its secret query values and password masked."""
    masked = mask_url(f"http://[::1/x?page=3&api_key={LONG}&token={GITHUB_PAT}")
    assert LONG not in masked
    assert GITHUB_PAT not in masked
    assert "page=3" in masked
    masked = mask_url("http://alice:hunter2-secret@[::1/x")
    assert "hunter2" not in masked


# --- mask_text ------------------------------------------------------------------------------


def test_mask_text_masks_jwts() -> None:
    """A JWT anywhere in free text is masked."""
    token = jwt.encode({"sub": "u"}, "k" * 32, algorithm="HS256")
    text = mask_text(f"error: token {token} was rejected")
    assert token not in text
    assert token.split(".")[2] not in text
    assert text.startswith("error: token [secure eyJ…")
    assert text.endswith(" was rejected")


def test_mask_text_masks_given_secrets_everywhere() -> None:
    """Each given secret is masked at every occurrence."""
    text = mask_text(f"key={LONG}; again {LONG}.", [LONG])
    assert LONG not in text
    assert text.count(mask(LONG)) == 2


def test_mask_text_longest_secret_first() -> None:
    """A secret that contains another is masked whole, not piecewise."""
    inner = LONG[:12]
    text = mask_text(f"value {LONG}", [inner, LONG])
    assert text == f"value {mask(LONG)}"


def test_mask_text_ignores_tiny_secrets() -> None:
    """Secrets under 4 characters are not replaced (they would shred ordinary text)."""
    assert mask_text("a b c", ["a", ""]) == "a b c"


def test_mask_text_leaves_plain_text() -> None:
    """Text without JWTs or given secrets is unchanged."""
    text = "403 Forbidden: you lack the repo scope"
    assert mask_text(text, [LONG]) == text


@settings(max_examples=300, deadline=None, database=None)
@given(secrets=st.lists(st.text(alphabet="qwz!%", min_size=4, max_size=12), max_size=8),
       filler=st.lists(st.text(alphabet="qwz!% ", max_size=6), max_size=8))
def test_masker_leaves_no_secret_behind(secrets, filler):
    """The compiled masker hides every secret, overlapping ones included, like mask_text."""
    from kit._http.secrets import masker

    text = " ".join(a + b for a, b in zip(filler, [*secrets, *filler], strict=False))
    out = masker(secrets)(text)
    assert not any(secret in out for secret in secrets)
    assert not any(secret in mask_text(text, secrets) for secret in secrets)
