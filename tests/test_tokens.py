"""JWT inspection, API-key lint, reading credentials from a request, and same-shaped fakes."""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import string

import jwt
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit._http.tokens import (
    Credential,
    JwtInfo,
    KeyIssue,
    fake_like,
    inspect_jwt,
    lint_key,
    looks_like_jwt,
    read_credentials,
)

SIGNING_KEY = "k" * 32  # HS256 wants at least 32 bytes, or PyJWT warns
NOW = 1_700_000_000  # a fixed instant: 2023-11-14T22:13:20Z


def at(epoch: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(epoch, tz=dt.UTC)


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def handmade(header: object, claims: object, signature: str = "c2ln") -> str:
    """A JWT built by hand, for claims PyJWT refuses to encode."""
    return ".".join((b64url(json.dumps(header).encode()), b64url(json.dumps(claims).encode()),
                     signature))


def codes(issues: tuple[KeyIssue, ...]) -> list[str]:
    return [issue.code for issue in issues]


# --- inspect_jwt ----------------------------------------------------------------------------


def test_inspect_jwt_reads_time_claims() -> None:
    """exp, nbf and iat become aware UTC datetimes at the encoded instants."""
    token = jwt.encode({"exp": NOW + 3600, "nbf": NOW - 60, "iat": NOW - 120}, SIGNING_KEY,
                       algorithm="HS256")
    info = inspect_jwt(token)
    assert info.error is None
    assert info.exp == at(NOW + 3600)
    assert info.nbf == at(NOW - 60)
    assert info.iat == at(NOW - 120)
    assert info.exp is not None
    assert info.exp.tzinfo is not None


def test_inspect_jwt_reads_header_fields() -> None:
    """alg, typ and kid come from the JOSE header."""
    token = jwt.encode({"sub": "u"}, SIGNING_KEY, algorithm="HS256", headers={"kid": "key-7"})
    info = inspect_jwt(token)
    assert (info.alg, info.typ, info.kid) == ("HS256", "JWT", "key-7")


def test_inspect_jwt_expired_token_is_read_not_rejected() -> None:
    """An expired token is still readable: exp lies in the past and there is no error."""
    token = jwt.encode({"exp": NOW - 3600}, SIGNING_KEY, algorithm="HS256")
    info = inspect_jwt(token)
    assert info.error is None
    assert info.exp == at(NOW - 3600)


def test_inspect_jwt_wrong_key_is_not_verified() -> None:
    """No signature check happens: a token signed with another key reads the same."""
    claims = {"iss": "https://issuer.example", "exp": NOW}
    mine = inspect_jwt(jwt.encode(claims, SIGNING_KEY, algorithm="HS256"))
    theirs = inspect_jwt(jwt.encode(claims, "z" * 32, algorithm="HS256"))
    assert mine == theirs
    assert mine.iss == "https://issuer.example"


def test_inspect_jwt_string_audience() -> None:
    """A single-string aud becomes a one-element tuple, without audience verification."""
    info = inspect_jwt(jwt.encode({"aud": "api://one"}, SIGNING_KEY, algorithm="HS256"))
    assert info.error is None
    assert info.aud == ("api://one",)


def test_inspect_jwt_list_audience() -> None:
    """A list aud keeps every audience in order."""
    info = inspect_jwt(jwt.encode({"aud": ["a", "b", "c"]}, SIGNING_KEY, algorithm="HS256"))
    assert info.aud == ("a", "b", "c")


def test_inspect_jwt_issuer() -> None:
    """iss is read as a string."""
    info = inspect_jwt(jwt.encode({"iss": "auth.example"}, SIGNING_KEY, algorithm="HS256"))
    assert info.iss == "auth.example"


def test_inspect_jwt_scope_space_string() -> None:
    """An OAuth scope string is split on spaces."""
    info = inspect_jwt(jwt.encode({"scope": "repo read:org  user"}, SIGNING_KEY,
                                  algorithm="HS256"))
    assert info.scopes == ("repo", "read:org", "user")


def test_inspect_jwt_scp_list() -> None:
    """An scp list (Azure AD, Okta) is read item by item."""
    info = inspect_jwt(jwt.encode({"scp": ["Mail.Read", "User.Read"]}, SIGNING_KEY,
                                  algorithm="HS256"))
    assert info.scopes == ("Mail.Read", "User.Read")


def test_inspect_jwt_scope_and_scp_merge_without_duplicates() -> None:
    """scope and scp together give each scope once, first occurrence first."""
    info = inspect_jwt(jwt.encode({"scope": "a b", "scp": ["b", "c"]}, SIGNING_KEY,
                                  algorithm="HS256"))
    assert info.scopes == ("a", "b", "c")


def test_inspect_jwt_missing_claims_are_empty() -> None:
    """A token without the optional claims gives None and empty tuples, not errors."""
    info = inspect_jwt(jwt.encode({"sub": "x"}, SIGNING_KEY, algorithm="HS256"))
    assert info == JwtInfo(alg="HS256", typ="JWT")


def test_inspect_jwt_alg_none() -> None:
    """An unsigned alg=none token is read and reports alg 'none'."""
    token = jwt.encode({"aud": "x", "exp": NOW}, None, algorithm="none")
    assert token.endswith(".")
    info = inspect_jwt(token)
    assert info.error is None
    assert info.alg == "none"
    assert info.exp == at(NOW)


def test_inspect_jwt_surrounding_whitespace_is_ignored() -> None:
    """A token with a trailing newline (read from a file) still reads."""
    token = jwt.encode({"iss": "me"}, SIGNING_KEY, algorithm="HS256")
    assert inspect_jwt(f" {token}\n").iss == "me"


@pytest.mark.parametrize(
    "claims",
    [{"exp": "tomorrow"}, {"exp": True}, {"exp": None}, {"exp": [1]}, {"exp": 1e300}],
    ids=["string", "bool", "null", "list", "overflow"],
)
def test_inspect_jwt_unusable_exp_is_ignored(claims: dict[str, object]) -> None:
    """A non-numeric or out-of-range exp is dropped, not an error."""
    info = inspect_jwt(handmade({"alg": "HS256"}, {**claims, "iss": "still-read"}))
    assert info.error is None
    assert info.exp is None
    assert info.iss == "still-read"


def test_inspect_jwt_non_numeric_iat_and_nbf_are_ignored() -> None:
    """String iat/nbf do not stop the other claims from being read."""
    info = inspect_jwt(handmade({"alg": "HS256"}, {"iat": "x", "nbf": "y", "exp": NOW}))
    assert (info.iat, info.nbf, info.exp, info.error) == (None, None, at(NOW), None)


@pytest.mark.parametrize(
    ("token", "reason"),
    [
        ("eyJ!!!.eyJ!!!.sig", "padding"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ", "segments"),
        ("garbage", "segments"),
        ("", "segments"),
        (b64url(b"[1]") + "." + b64url(b"{}") + ".sig", "json object"),
        (b64url(b'{"alg":"HS256"}') + "." + b64url(b"not json") + ".sig", "payload"),
        (b64url(b'{"alg":"HS256"}') + "." + b64url(b"[1, 2]") + ".sig", "json object"),
    ],
    ids=["bad-base64", "two-parts", "garbage", "empty", "header-list", "payload-text",
         "payload-list"],
)
def test_inspect_jwt_corrupt_token_reports_error(token: str, reason: str) -> None:
    """A corrupt token gives JwtInfo.error saying it is unreadable and why; nothing else set."""
    info = inspect_jwt(token)
    assert info.error is not None
    assert info.error.startswith("not a readable JWT")
    assert reason in info.error.lower()
    assert info == JwtInfo(error=info.error)


@given(st.text(max_size=200))
def test_inspect_jwt_never_raises_on_text(text: str) -> None:
    """Any text gives a JwtInfo (maybe with an error), never an exception."""
    assert isinstance(inspect_jwt(text), JwtInfo)


@given(st.lists(st.text(alphabet=string.ascii_letters + string.digits + "-_", max_size=40),
                min_size=1, max_size=5))
def test_inspect_jwt_never_raises_on_jwt_shaped_text(parts: list[str]) -> None:
    """Dot-joined base64url-alphabet fragments starting like a JWT never raise."""
    assert isinstance(inspect_jwt("eyJ" + ".".join(parts)), JwtInfo)


def test_looks_like_jwt() -> None:
    """Only three dot-separated base64url parts starting with eyJ look like a JWT."""
    token = jwt.encode({"a": 1}, SIGNING_KEY, algorithm="HS256")
    assert looks_like_jwt(token)
    assert looks_like_jwt(jwt.encode({"a": 1}, None, algorithm="none"))
    assert not looks_like_jwt("ghp_abcdefABCDEF0123456789")
    assert not looks_like_jwt("abc.def.ghi")
    assert not looks_like_jwt(token.rsplit(".", 1)[0])


# --- lint_key -------------------------------------------------------------------------------

CLEAN = "Zq8vR2mK4tX9pL3wN7bC"


@pytest.mark.parametrize(
    ("value", "kwargs", "code"),
    [
        ("", {}, "empty"),
        ("   \t", {}, "empty"),
        (CLEAN + "\n", {}, "newline"),
        (CLEAN[:10] + "\r\n" + CLEAN[10:], {}, "newline"),
        (" " + CLEAN, {}, "whitespace"),
        (CLEAN + "\t", {}, "whitespace"),
        (f'"{CLEAN}"', {}, "quotes"),
        (f"'{CLEAN}'", {}, "quotes"),
        (f"`{CLEAN}`", {}, "quotes"),
        (f"Bearer {CLEAN}", {"scheme": "Bearer"}, "doubled_scheme"),
        (f"Bearer {CLEAN}", {}, "doubled_scheme"),
        (f"{CLEAN[:8]} {CLEAN[8:]}", {}, "inner_whitespace"),
        (f"{CLEAN[:8]}\t{CLEAN[8:]}", {}, "inner_whitespace"),
        (CLEAN[:8] + "\u2013" + CLEAN[8:], {}, "non_ascii"),
        ("\u201c" + CLEAN + "\u201d", {}, "non_ascii"),
        ("<your-api-key>", {}, "placeholder"),
        ("YOUR_API_KEY", {}, "placeholder"),
        ("${API_KEY}", {}, "placeholder"),
        ("xxxxxxxx", {}, "placeholder"),
        ("changeme", {}, "placeholder"),
        ("'your-token'", {}, "placeholder"),
        (CLEAN, {"name": "X_Api_Key"}, "underscore_header"),
    ],
)
def test_lint_key_flags_each_rule(value: str, kwargs: dict[str, str], code: str) -> None:
    """Each lint rule fires on a key that breaks it, with a non-empty message."""
    issues = lint_key(value, **kwargs)
    assert code in codes(issues)
    assert all(issue.message for issue in issues)


def test_lint_key_empty_stops_further_checks() -> None:
    """An empty key reports only 'empty'."""
    assert codes(lint_key("  ", name="X_Key")) == ["empty"]


def test_lint_key_trailing_newline_reports_both_newline_and_whitespace() -> None:
    """A trailing newline is both a line break and trailing whitespace."""
    assert codes(lint_key(CLEAN + "\n")) == ["newline", "whitespace"]


def test_lint_key_doubled_scheme_is_not_also_inner_whitespace() -> None:
    """'Bearer <key>' is reported once, as a doubled scheme."""
    assert codes(lint_key(f"Bearer {CLEAN}", scheme="Bearer")) == ["doubled_scheme"]


@pytest.mark.parametrize(
    ("value", "kwargs"),
    [
        (CLEAN, {}),
        ("ghp_abcdefABCDEF0123456789", {"name": "Authorization", "scheme": "Bearer"}),
        ("sk-proj-Ab3_x-Y9z", {"name": "X-API-Key"}),
        ("dXNlcjpwYXNz", {"scheme": "Basic"}),
        ("token-with-a-word-inside-it", {}),
        ("bearer.abc", {}),
    ],
)
def test_lint_key_clean_key_has_no_issues(value: str, kwargs: dict[str, str]) -> None:
    """A well-formed key, sent in a well-named header, gives no issues."""
    assert lint_key(value, **kwargs) == ()


# --- read_credentials -----------------------------------------------------------------------

API = "https://api.example.com/v1/items"
GITHUB_PAT = "ghp_abcdefABCDEF0123456789"
OPAQUE = "Zq8vR2mK4tX9pL3wN7bC5dF1"


def only(headers: list[tuple[str, str]], url: str = API) -> tuple[list[str], Credential]:
    secrets, found = read_credentials(headers, url)
    assert len(found) == 1
    return secrets, found[0]


def test_read_credentials_bearer_jwt() -> None:
    """A Bearer JWT is kind jwt with its claims read and no issues."""
    token = jwt.encode({"exp": NOW, "scope": "read"}, SIGNING_KEY, algorithm="HS256")
    secrets, cred = only([("Authorization", f"Bearer {token}")])
    assert (cred.location, cred.name, cred.kind, cred.scheme) == (
        "header", "Authorization", "jwt", "Bearer")
    assert cred.length == len(token)
    assert cred.jwt is not None
    assert cred.jwt.exp == at(NOW)
    assert cred.jwt.scopes == ("read",)
    assert cred.issues == ()
    assert token in secrets
    assert cred.where == "the Authorization header (Bearer)"


def test_read_credentials_bearer_opaque_key() -> None:
    """A Bearer opaque key is kind api_key with the vendor prefix in the mask."""
    secrets, cred = only([("Authorization", f"Bearer {GITHUB_PAT}")])
    assert (cred.kind, cred.scheme, cred.length) == ("api_key", "Bearer", len(GITHUB_PAT))
    assert cred.masked.startswith("[secure ghp_")
    assert cred.jwt is None
    assert GITHUB_PAT in secrets


def test_read_credentials_basic_valid() -> None:
    """A well-formed Basic credential is kind basic with no issues."""
    value = base64.b64encode(b"alice:s3cret-pw").decode()
    secrets, cred = only([("Authorization", f"Basic {value}")])
    assert (cred.kind, cred.scheme, cred.issues) == ("basic", "Basic", ())
    assert value in secrets


def test_read_credentials_basic_not_base64() -> None:
    """A Basic credential that is not base64 is flagged basic_not_base64."""
    _, cred = only([("Authorization", "Basic alice:pw!")])
    assert "basic_not_base64" in codes(cred.issues)


def test_read_credentials_basic_without_colon() -> None:
    """A Basic credential decoding to text without ':' is flagged basic_no_colon."""
    _, cred = only([("Authorization", "Basic " + base64.b64encode(b"alicepw").decode())])
    assert codes(cred.issues) == ["basic_no_colon"]


def test_read_credentials_authorization_without_scheme() -> None:
    """A bare key in Authorization is flagged scheme_missing."""
    secrets, cred = only([("Authorization", OPAQUE)])
    assert cred.scheme is None
    assert "scheme_missing" in codes(cred.issues)
    assert OPAQUE in secrets


def test_read_credentials_x_api_key() -> None:
    """X-API-Key is read as an api_key header credential with no issues on a generic host."""
    secrets, cred = only([("X-API-Key", OPAQUE)])
    assert (cred.location, cred.name, cred.kind, cred.issues) == (
        "header", "X-API-Key", "api_key", ())
    assert cred.where == "the X-API-Key header"
    assert OPAQUE in secrets


def test_read_credentials_cookie() -> None:
    """A Cookie header is one credential of kind cookie."""
    value = f"session={OPAQUE}; theme=dark"
    secrets, cred = only([("Cookie", value)])
    assert (cred.kind, cred.length) == ("cookie", len(value))
    assert value in secrets


def test_read_credentials_set_cookie_is_not_a_request_credential() -> None:
    """Set-Cookie (a response header) is not read as a credential."""
    assert read_credentials([("Set-Cookie", f"s={OPAQUE}")], API) == ([], ())


def test_read_credentials_query_api_key() -> None:
    """An api_key query parameter is a query credential; other parameters are not."""
    secrets, cred = only([], f"{API}?page=2&api_key={OPAQUE}")
    assert (cred.location, cred.name, cred.kind) == ("query", "api_key", "api_key")
    assert cred.where == "the query parameter 'api_key'"
    assert secrets == [OPAQUE]


def test_read_credentials_userinfo_password() -> None:
    """A password in the URL's userinfo is a credential named after the user."""
    secrets, cred = only([], "https://alice:hunter2-long-pass@api.example.com/x")
    assert (cred.location, cred.name) == ("userinfo", "alice")
    assert cred.where == "the URL's user:password part"
    assert secrets == ["hunter2-long-pass"]


def test_read_credentials_unexpected_location() -> None:
    """X-API-Key sent to api.github.com is flagged: GitHub expects Authorization."""
    _, cred = only([("X-API-Key", OPAQUE)], "https://api.github.com/user")
    unexpected = [i for i in cred.issues if i.code == "unexpected_location"]
    assert len(unexpected) == 1
    assert "api.github.com" in unexpected[0].message
    assert "authorization" in unexpected[0].message


def test_read_credentials_expected_location_is_not_flagged() -> None:
    """Authorization sent to api.github.com carries no placement issue."""
    _, cred = only([("Authorization", f"token {GITHUB_PAT}")], "https://api.github.com/user")
    assert cred.issues == ()


def test_read_credentials_query_key_for_github_is_unexpected() -> None:
    """A query token for api.github.com is flagged unexpected_location."""
    _, cred = only([], f"https://api.github.com/user?access_token={OPAQUE}")
    assert "unexpected_location" in codes(cred.issues)


def test_read_credentials_unusual_header() -> None:
    """A secret-looking header that no API commonly uses is flagged unusual_header."""
    _, cred = only([("X-My-Secret", OPAQUE)])
    assert codes(cred.issues) == ["unusual_header"]


def test_read_credentials_ignores_ordinary_headers() -> None:
    """Accept and User-Agent are not credentials."""
    assert read_credentials([("Accept", "*/*"), ("User-Agent", "x/1")], API) == ([], ())


def test_read_credentials_several_in_order() -> None:
    """Header credentials come first, in order, then query, then userinfo."""
    url = f"https://bob:pw-{OPAQUE}@api.example.com/x?token={OPAQUE}X"
    _, found = read_credentials([("X-API-Key", OPAQUE), ("Authorization", "Bearer abc")], url)
    assert [(c.location, c.name) for c in found] == [
        ("header", "X-API-Key"), ("header", "Authorization"), ("query", "token"),
        ("userinfo", "bob")]


def test_read_credentials_unparseable_url_does_not_raise() -> None:
    """A URL that does not parse still gives the header credentials."""
    _, found = read_credentials([("X-API-Key", OPAQUE)], f"http://[::1/x?api_key={OPAQUE}")
    assert [c.name for c in found] == ["X-API-Key"]


SECRET_REQUESTS = [
    ([("Authorization", f"Bearer {jwt.encode({'exp': NOW}, SIGNING_KEY, algorithm='HS256')}")],
     API),
    ([("Authorization", f"Bearer {GITHUB_PAT}")], API),
    ([("Authorization", "Basic " + base64.b64encode(b"alice:s3cret-pw-123").decode())], API),
    ([("Authorization", OPAQUE)], API),
    ([("X-API-Key", OPAQUE)], "https://api.github.com/"),
    ([("Cookie", f"session={OPAQUE}")], API),
    ([], f"{API}?api_key={OPAQUE}"),
    ([], f"https://alice:{OPAQUE}@api.example.com/"),
    ([("X-My-Secret", OPAQUE)], API),
]


def secret_of(headers: list[tuple[str, str]], url: str) -> str:
    if headers:
        value = headers[0][1]
        return value.split(" ", 1)[1] if " " in value else value
    return OPAQUE


@pytest.mark.parametrize(("headers", "url"), SECRET_REQUESTS)
def test_read_credentials_secrets_list_holds_the_values(
    headers: list[tuple[str, str]], url: str
) -> None:
    """The first return value holds each raw secret, so callers can mask it in text."""
    secrets, _ = read_credentials(headers, url)
    assert secret_of(headers, url) in secrets


@pytest.mark.parametrize(("headers", "url"), SECRET_REQUESTS)
def test_credentials_never_contain_the_secret(headers: list[tuple[str, str]], url: str) -> None:
    """Neither repr nor asdict of a Credential holds the secret or any 8-char piece of it."""
    secret = secret_of(headers, url)
    _, found = read_credentials(headers, url)
    assert found
    for cred in found:
        text = repr(cred) + repr(dataclasses.asdict(cred)) + str(cred)
        assert secret not in text
        # Public vendor prefixes ('ghp_') are shorter than 8 characters here.
        pieces = {secret[i:i + 8] for i in range(len(secret) - 7)}
        assert not [p for p in pieces if p in text]


# --- fake_like ------------------------------------------------------------------------------


def char_class(ch: str) -> str:
    if ch.isdigit():
        return "digit"
    if ch.islower():
        return "lower"
    if ch.isupper():
        return "upper"
    return ch


@pytest.mark.parametrize(
    ("value", "prefix"),
    [
        (GITHUB_PAT, "ghp_"),
        ("github_pat_11ABCDEFG0aBcDeFgHiJkLmNoP", "github_pat_"),
        ("sk-proj-Ab3_x-Y9zQ", "sk-proj-"),
        ("AKIAFAKE_TEST_123456", "AKIA"),
        ("AIzaSyA1b2C3d4E5f6G7h8I9j0", "AIza"),
        ("xoxb-1234-5678-abcdEFGH", "xoxb-"),
        (OPAQUE, ""),
        ("a1-B2_c3.d4", ""),
    ],
)
def test_fake_like_keeps_shape(value: str, prefix: str) -> None:
    """The fake keeps the vendor prefix, the length and each character's class, and differs."""
    fake = fake_like(value, seed=7)
    assert fake != value
    assert len(fake) == len(value)
    assert fake.startswith(prefix)
    assert [char_class(c) for c in fake] == [char_class(c) for c in value]


def test_fake_like_jwt_changes_only_the_signature() -> None:
    """A JWT fake keeps header and payload and replaces the signature with one as long."""
    token = jwt.encode({"sub": "u", "exp": NOW}, SIGNING_KEY, algorithm="HS256")
    head, body, sig = token.split(".")
    for seed in range(20):  # a signature of random base64 characters is often non-canonical
        fake = fake_like(token, seed=seed)
        fhead, fbody, fsig = fake.split(".")
        assert (fhead, fbody) == (head, body)
        assert fsig != sig
        assert len(fsig) == len(sig)
        assert inspect_jwt(fake) == inspect_jwt(token)
        with pytest.raises(jwt.InvalidSignatureError):
            jwt.decode(fake, SIGNING_KEY, algorithms=["HS256"])


def test_fake_like_unsigned_jwt_gets_a_signature() -> None:
    """An alg=none token (empty signature) still gets a non-empty fake signature."""
    token = jwt.encode({"a": 1}, None, algorithm="none")
    fake = fake_like(token, seed=1)
    assert fake != token
    assert fake.rsplit(".", 1)[0] == token.rsplit(".", 1)[0]
    assert fake.rsplit(".", 1)[1]


def test_fake_like_is_deterministic_with_a_seed() -> None:
    """The same seed gives the same fake; another seed gives another."""
    assert fake_like(OPAQUE, seed=3) == fake_like(OPAQUE, seed=3)
    assert fake_like(OPAQUE, seed=3) != fake_like(OPAQUE, seed=4)


@pytest.mark.parametrize("value", ["0", "a", "Z", "9"])
def test_fake_like_one_character_key_still_differs(value: str) -> None:
    """Even a one-character key gets a different fake, whatever the seed."""
    assert all(fake_like(value, seed=s) != value for s in range(30))


@given(st.text(alphabet=string.ascii_letters + string.digits + "-_.", min_size=1, max_size=60),
       st.integers(min_value=0, max_value=2**32))
def test_fake_like_property(value: str, seed: int) -> None:
    """For any key of key characters the fake has the same length and differs."""
    fake = fake_like(value, seed=seed)
    assert len(fake) == len(value)
    assert fake != value


# --- Credential.from_dict -------------------------------------------------------------------


@pytest.mark.parametrize(("headers", "url"), SECRET_REQUESTS)
def test_credential_from_dict_round_trips(headers: list[tuple[str, str]], url: str) -> None:
    """Credential.from_dict(asdict(c)) == c, issues and JWT info included."""
    _, found = read_credentials(headers, url)
    for cred in found:
        assert Credential.from_dict(dataclasses.asdict(cred)) == cred


def test_credential_from_dict_accepts_iso_strings() -> None:
    """JWT datetimes given as ISO strings (as in JSON) are parsed back to datetimes."""
    cred = Credential("header", "Authorization", "jwt", "[secure …]", 40, "Bearer",
                      (KeyIssue("whitespace", "w"),),
                      JwtInfo(alg="RS256", aud=("a", "b"), exp=at(NOW), nbf=at(NOW - 5),
                              iat=at(NOW - 9), scopes=("x",)))
    data = json.loads(json.dumps(dataclasses.asdict(cred), default=dt.datetime.isoformat))
    assert isinstance(data["jwt"]["exp"], str)
    assert Credential.from_dict(data) == cred
