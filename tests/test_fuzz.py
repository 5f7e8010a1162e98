"""Hostile input: every parser takes random text, huge values and non-UTF-8 bytes calmly.

Each property asserts that nothing escapes but the documented ValueError (where one is
documented), that results have their documented types, and that masking never shows a secret
of 8 or more characters. Examples per property (the whole file runs in 16-28 s):

    parse_rate_limits 300 (+ 25 with 64 KB values), parse_retry_after 300,
    parse_http_date 300, parse_www_authenticate 300 (+ 25 huge), inspect_jwt 300,
    read_credentials 200, lint_key 300, log line formats and detect() 300,
    line_format specs 300,
    load_log 60 (random or cut-off gzip bytes) + 60 (random lines), exchange_from_saved 200,
    exchange_from_har_entry 200, build_request 300, triage.prepare 300,
    explain on Exchanges 100 (+ 10 with 1 MB bodies / 64 KB headers),
    explain on httpx.Responses with raw bytes 100, mask_url 300, mask_text 300.
"""

from __future__ import annotations

import datetime as dt
import gzip
import os
import string
import tempfile
from pathlib import Path
from typing import Any
from urllib.parse import quote, quote_plus

import httpx
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import kit
from kit import _triage
from kit._history import formats as _logformats
from kit._history import har as _har
from kit._http import ratelimit as _ratelimit
from kit._http import secrets as _secrets
from kit._http import tokens as _tokens
from kit._tools import forms as _forms

NOW = dt.datetime(2026, 11, 22, 7, 30, tzinfo=dt.UTC)
FAST = settings(max_examples=300, deadline=None, database=None)
MEDIUM = settings(max_examples=200, deadline=None, database=None)
SLOW = settings(max_examples=100, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
HUGE = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# -- strategies ------------------------------------------------------------------------------
RATE_HEADERS = [
    "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "X-RateLimit-Used",
    "X-RateLimit-Resource", "X-RateLimit-Reset-After", "X-RateLimit-Bucket",
    "X-RateLimit-Global", "X-RateLimit-Scope", "X-RateLimit-Policy", "X-Rate-Limit-Limit",
    "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset", "RateLimit", "RateLimit-Policy",
    "RateLimit-Limit", "RateLimit-Remaining", "RateLimit-Reset", "X-RateLimit-Limit-Minute",
    "X-RateLimit-Remaining-Minute", "X-RateLimit-Remaining-orders-Hour",
    "x-ratelimit-limit-requests", "x-ratelimit-remaining-tokens", "x-ratelimit-reset-requests",
    "anthropic-ratelimit-requests-limit", "anthropic-ratelimit-tokens-remaining",
    "anthropic-ratelimit-input-tokens-reset", "X-Shopify-Shop-Api-Call-Limit", "Retry-After",
    "WWW-Authenticate", "Date", "Content-Type", "Server", "Set-Cookie", "Authorization",
]
# Lone surrogates: what non-UTF-8 bytes become under surrogateescape (and JSON's \udXXX).
SURROGATES = st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
ANY_CHAR = st.one_of(st.characters(), SURROGATES)
NUMBERS = st.one_of(
    st.integers(-(10**20), 10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.integers(0, 4_000_000_000_000).map(str),
)
DATES = st.datetimes(min_value=dt.datetime(1, 1, 1), max_value=dt.datetime(9999, 12, 31)).map(
    lambda d: d.strftime("%a, %d %b %Y %H:%M:%S GMT"))
SF_LISTS = st.lists(
    st.tuples(st.sampled_from(['"default"', "burst", "100", '"a\\"b', '"', "q", ""]),
              st.lists(st.tuples(st.sampled_from(["q", "w", "r", "t", "l", "limit",
                                                  "remaining", "reset", "pk", ""]),
                                 st.one_of(NUMBERS, st.text(max_size=6))), max_size=4)),
    max_size=4,
).map(lambda items: ", ".join(
    head + "".join(f";{k}={v}" for k, v in params) for head, params in items))
VALUES = st.one_of(NUMBERS, DATES, SF_LISTS, st.text(max_size=40),
                   st.text(ANY_CHAR, max_size=20), st.just(""))
NAMES = st.one_of(st.sampled_from(RATE_HEADERS),
                  st.sampled_from(RATE_HEADERS).map(str.upper), st.text(max_size=20))
HEADER_PAIRS = st.lists(st.tuples(NAMES, VALUES), max_size=12)
KEYISH = string.ascii_letters + string.digits + "-_."
SECRETS = st.text(KEYISH, min_size=8, max_size=48)
SECRET_PARAMS = st.sampled_from(["key", "api_key", "apikey", "token", "access_token",
                                 "client_secret", "sig", "password", "X-Amz-Signature",
                                 "refresh_token", "my_token", "code"])


def huge(size: int) -> st.SearchStrategy[str]:
    """A value of about `size` characters: one random piece repeated."""
    return st.text(min_size=1, max_size=8).map(lambda piece: (piece * (size // len(piece) + 1))
                                                [:size])


def _json_values() -> st.SearchStrategy[Any]:
    leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                       st.text(max_size=20), st.text(ANY_CHAR, max_size=5))
    return st.recursive(leaves, lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(["name", "value", "status", "headers", "content",
                                         "text", "method", "url", "size", "cookies",
                                         "encoding", "time", "startedDateTime", "entries"]),
                        children, max_size=5)), max_leaves=20)


JSONISH = _json_values()


def _attempt(call: Any, *args: Any, **kwargs: Any) -> tuple[Any, str | None]:
    """call(...)'s result and None, or None and the message of the ValueError it raised."""
    try:
        return call(*args, **kwargs), None
    except ValueError as exc:
        return None, str(exc)


def _check_limits(limits: object) -> None:
    assert isinstance(limits, list)
    for item in limits:
        assert isinstance(item, kit.RateLimit)
        assert isinstance(item.exhausted, bool)
        assert item.used_fraction is None or 0.0 <= item.used_fraction <= 1.0
        assert isinstance(item.describe(now=NOW), str)


def _check_diagnosis(d: object) -> None:
    assert isinstance(d, kit.Diagnosis)
    for finding in d.findings:
        assert isinstance(finding, kit.Finding)
        assert isinstance(finding.cause, kit.Cause)
        assert 0.0 <= finding.confidence <= 1.0
        assert all(isinstance(e, str) for e in finding.evidence)
        assert all(isinstance(f, str) for f in finding.fixes)
    assert isinstance(d.to_text(), str)
    assert isinstance(d.to_markdown(), str)


# -- rate limits, Retry-After, dates -------------------------------------------------------
@FAST
@given(HEADER_PAIRS, st.booleans())
def test_parse_rate_limits_never_raises(pairs: list[tuple[str, str]], as_dict: bool) -> None:
    """parse_rate_limits reads any header list (or dict) into a list of RateLimits."""
    headers: Any = dict(pairs) if as_dict else pairs
    _check_limits(kit.parse_rate_limits(headers, now=NOW))


@HUGE
@given(st.sampled_from(RATE_HEADERS), huge(64 * 1024), HEADER_PAIRS)
def test_parse_rate_limits_huge_values(name: str, value: str,
                                       pairs: list[tuple[str, str]]) -> None:
    """A 64 KB rate-limit header value is read (or ignored) without an error."""
    _check_limits(kit.parse_rate_limits([*pairs, (name, value)], now=NOW))


@FAST
@given(st.one_of(VALUES, huge(4096)), st.datetimes(timezones=st.just(dt.UTC)))
def test_parse_retry_after_never_raises(value: str, now: dt.datetime) -> None:
    """Retry-After gives a non-negative timedelta within a year, or None."""
    wait = kit.parse_retry_after(value, now=now)
    assert wait is None or dt.timedelta(0) <= wait <= _ratelimit.MAX_DELAY


@FAST
@given(st.one_of(DATES, VALUES, DATES.map(lambda d: d.replace("GMT", "+9999"))))
def test_parse_http_date_never_raises(value: str) -> None:
    """parse_http_date gives an aware UTC datetime or None."""
    when = _ratelimit.parse_http_date(value)
    assert when is None or when.utcoffset() == dt.timedelta(0)


# -- WWW-Authenticate, JWTs, credentials ---------------------------------------------------
CHALLENGE_TEXT = st.lists(st.one_of(
    st.sampled_from(["Bearer", "Basic", "Negotiate", "Digest", ",", " ", '"', "=", "\\",
                     'realm="x"', 'error="insufficient_scope"', "scope=\"a b\"", "abc=="]),
    st.text(max_size=10)), max_size=20).map("".join)


@FAST
@given(st.one_of(CHALLENGE_TEXT, st.text(ANY_CHAR, max_size=60)))
def test_parse_www_authenticate_never_raises(value: str) -> None:
    """Any WWW-Authenticate text gives a list of Challenges."""
    for challenge in kit.parse_www_authenticate(value):
        assert isinstance(challenge, kit.Challenge)
        assert isinstance(challenge.scopes, tuple)
        assert challenge.error is None or isinstance(challenge.error, str)


@HUGE
@given(CHALLENGE_TEXT, st.integers(1, 4))
def test_parse_www_authenticate_huge(piece: str, kilobytes: int) -> None:
    """A WWW-Authenticate value of tens of KB is parsed without an error."""
    value = ('Bearer realm="x", ' + piece) * (kilobytes * 1024 // (len(piece) + 18) + 1)
    assert isinstance(kit.parse_www_authenticate(value), list)


def _b64(data: bytes) -> str:
    import base64

    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


JWT_PART = st.one_of(st.binary(max_size=40).map(_b64), JSONISH.map(
    lambda v: _b64(repr(v).encode())), st.just("eyJhbGciOiJub25lIn0"), st.text(max_size=20))
JWTS = st.one_of(
    st.lists(JWT_PART, min_size=1, max_size=4).map(".".join),
    st.dictionaries(st.sampled_from(["exp", "nbf", "iat", "aud", "iss", "scope", "scp"]),
                    JSONISH, max_size=5).map(lambda claims: "eyJhbGciOiJub25lIn0." + _b64(
                        __import__("json").dumps(claims).encode()) + "."),
    st.text(ANY_CHAR, max_size=30),
)


@FAST
@given(JWTS)
def test_inspect_jwt_never_raises(token: str) -> None:
    """inspect_jwt returns a JwtInfo, with error set when the token cannot be read."""
    info = kit.inspect_jwt(token)
    assert isinstance(info, kit.JwtInfo)
    assert info.error is None or isinstance(info.error, str)
    assert isinstance(info.aud, tuple)
    assert isinstance(info.scopes, tuple)


CRED_HEADERS = st.lists(st.tuples(
    st.one_of(st.sampled_from(["Authorization", "X-API-Key", "Cookie", "X_Api_Key",
                               "Proxy-Authorization", "X-Auth-Token"]), st.text(max_size=12)),
    st.one_of(st.tuples(st.sampled_from(["Bearer ", "Basic ", "Token ", "", "AWS4-x "]),
                        st.one_of(JWTS, SECRETS, st.text(max_size=20))).map("".join),
              st.text(ANY_CHAR, max_size=20))), max_size=5)
URLS = st.one_of(
    st.tuples(st.sampled_from(["https://", "http://", "ftp://", "", "https://u:", "//"]),
              st.sampled_from(["api.github.com", "x.googleapis.com", "[::1", "[::1]:80",
                               "host:99999", "h", "", "a@b"]),
              st.text(max_size=15), st.lists(st.tuples(
                  st.one_of(SECRET_PARAMS, st.text(max_size=6)), st.text(max_size=12)),
                  max_size=3)).map(lambda p: f"{p[0]}{p[1]}/{p[2]}?" + "&".join(
                      f"{k}={v}" for k, v in p[3])),
    st.text(max_size=40),
    st.text(ANY_CHAR, max_size=20),
)


@MEDIUM
@given(CRED_HEADERS, URLS)
def test_read_credentials_never_raises(headers: list[tuple[str, str]], url: str) -> None:
    """read_credentials returns raw strings and Credentials for any headers and URL."""
    secrets, creds = _tokens.read_credentials(headers, url)
    assert all(isinstance(s, str) for s in secrets)
    for cred in creds:
        assert isinstance(cred, kit.Credential)
        assert isinstance(cred.where, str)
        assert all(isinstance(i, kit.KeyIssue) for i in cred.issues)


@FAST
@given(st.one_of(SECRETS, st.text(ANY_CHAR, max_size=40)), st.text(max_size=12),
       st.one_of(st.none(), st.sampled_from(["Bearer", "Basic", ""])))
def test_lint_key_never_raises(value: str, name: str, scheme: str | None) -> None:
    """lint_key returns a tuple of KeyIssues for any value, name and scheme."""
    issues = kit.lint_key(value, name=name, scheme=scheme)
    assert isinstance(issues, tuple)
    assert all(isinstance(i, kit.KeyIssue) and i.code and i.message for i in issues)


# -- logs -------------------------------------------------------------------------------------
LOG_PIECES = st.sampled_from([
    '127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET /a?token=abcdefghijk HTTP/1.1" 403 12',
    ' "-" "curl/8"', "[99/Zzz/0000:99:99:99 +9999]", '"', "\x00", "\ufffd", "{", "}",
    '{"status": 403, "time": "2026-01-01T00:00:00", "path": "/x"}',
    '{"httpMethod": "GET", "requestTimeEpoch": 1e30, "status": "x"}',
    '{"request": {"method": 1}, "response": {"status": "403"}, "started_at": ',
    "time,status,path", "\n", " ", "-", "403", "1700000000000", '{"log": 1}',
])
LOG_LINES = st.lists(st.one_of(LOG_PIECES, st.text(max_size=30)), max_size=8).map("".join)


@FAST
@given(LOG_LINES, st.sampled_from(["apigateway", "kong", "json", "csv"]))
def test_log_line_parsers_never_raise(line: str, record_name: str) -> None:
    """Each line format reads any line into a Record or None; detect() raises only ValueError."""
    formats: list[Any] = [_logformats.COMBINED, _logformats.COMMON,
                          _logformats.record_format(record_name)]
    for fmt in formats:
        record = fmt.parse(line)
        assert record is None or isinstance(record, _logformats.Record)
    assert isinstance(_logformats.endpoint_of(line), str)
    assert len(_logformats.split_request(line)) == 3
    assert _logformats.parse_time(line) is None or isinstance(_logformats.parse_time(line),
                                                              dt.datetime)
    found, error = _attempt(_logformats.detect, line.splitlines())
    assert error or found in _logformats.NAMES


FORMAT_SPECS = st.lists(st.one_of(st.sampled_from([
    "$remote_addr", "$time_local", "$time_iso8601", "$msec", "$status", '"$request"',
    "${request_time}", "$unknown_var", "%h", "%t", "%>s", '"%r"', "%{Referer}i", "%%", "%b",
    "[", "]", "(", "\\", " ", "'", '"', "$", "%", "%{x"]), st.text(max_size=5)),
    max_size=10).map("".join)


@FAST
@given(FORMAT_SPECS, LOG_LINES)
def test_line_format_specs_only_value_error(spec: str, line: str) -> None:
    """line_format reads any nginx/Apache format string or raises ValueError; parse never raises."""
    fmt, error = _attempt(_logformats.line_format, spec)
    assert error or isinstance(fmt, _logformats.LineFormat)
    if fmt is not None:
        record = fmt.parse(line)
        assert record is None or isinstance(record, _logformats.Record)


def _read_log(data: bytes, suffix: str) -> None:
    fd, name = tempfile.mkstemp(suffix=suffix)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        log, error = _attempt(kit.load_log, name, progress=False)
        if log is not None:
            exchanges, error = _attempt(list, log)
            assert error or all(isinstance(e, kit.Exchange) for e in exchanges)
            assert error or isinstance(str(log.skipped), str)
        assert log is not None or error
    finally:
        Path(name).unlink()


@settings(max_examples=60, deadline=None, database=None)
@given(st.one_of(st.binary(max_size=2000), st.tuples(st.binary(max_size=500),
                                                     st.integers(0, 600)).map(
    lambda p: gzip.compress(p[0])[:p[1] or None])),
    st.sampled_from([".log", ".csv", ".har", ".json", ".log.gz"]))
def test_load_log_random_bytes(data: bytes, suffix: str) -> None:
    """load_log on random bytes (non-UTF-8, cut-off gzip) reads them or raises ValueError."""
    _read_log(data, suffix)


@settings(max_examples=60, deadline=None, database=None)
@given(st.lists(st.one_of(LOG_LINES, st.binary(max_size=30).map(
    lambda b: b.decode("latin-1"))), min_size=1, max_size=20),
    st.sampled_from([".log", ".csv"]), st.sampled_from(["latin-1", "utf-8", "utf-16"]))
def test_load_log_random_lines(lines: list[str], suffix: str, encoding: str) -> None:
    """load_log on log-like lines in any encoding reads them or raises ValueError."""
    _read_log("\n".join(lines).encode(encoding, "replace"), suffix)


# -- HAR and saved responses -----------------------------------------------------------------
HAR_LIKE = st.fixed_dictionaries({}, optional={
    "request": st.one_of(JSONISH, st.fixed_dictionaries(
        {"method": st.one_of(st.just("GET"), JSONISH), "url": st.one_of(URLS, JSONISH)},
        optional={"headers": st.one_of(JSONISH, st.lists(st.fixed_dictionaries(
            {"name": st.one_of(NAMES, JSONISH)}, optional={"value": st.one_of(VALUES, JSONISH)}),
            max_size=4)), "cookies": JSONISH})),
    "response": st.one_of(JSONISH, st.fixed_dictionaries({}, optional={
        "status": st.one_of(st.sampled_from([0, 200, 403, 429, "403", "x", -1, 10**30]),
                            JSONISH),
        "headers": st.one_of(JSONISH, st.lists(st.fixed_dictionaries(
            {"name": NAMES, "value": VALUES}), max_size=4)),
        "content": st.one_of(JSONISH, st.fixed_dictionaries({}, optional={
            "text": st.one_of(st.text(ANY_CHAR, max_size=40), JSONISH),
            "encoding": st.sampled_from(["base64", "utf-8", ""]), "size": JSONISH}))})),
    "time": JSONISH, "startedDateTime": st.one_of(st.text(max_size=30), JSONISH),
    "serverIPAddress": JSONISH,
})


@MEDIUM
@given(st.one_of(HAR_LIKE, JSONISH, st.builds(lambda e: {"log": {"entries": [e]}}, HAR_LIKE),
                 st.dictionaries(st.sampled_from(["status", "headers", "body", "url",
                                                  "method", "request_headers",
                                                  "response_headers", "log"]), JSONISH)),
       st.one_of(st.none(), st.integers(-3, 3)))
def test_exchange_from_saved_only_value_error(data: Any, entry: int | None) -> None:
    """exchange_from_saved turns random JSON into an Exchange or a ValueError with a message."""
    exchange, error = _attempt(_har.exchange_from_saved, data, entry=entry)
    assert error or isinstance(exchange, kit.Exchange)


@MEDIUM
@given(HAR_LIKE)
def test_exchange_from_har_entry_only_value_error(entry: dict[str, Any]) -> None:
    """exchange_from_har_entry turns a random entry into an Exchange or a ValueError."""
    exchange, error = _attempt(_har.exchange_from_har_entry, entry)
    assert error or isinstance(exchange, kit.Exchange)
    assert error or isinstance(exchange.summary(), str)


# -- forms and triage input --------------------------------------------------------------------
HEADER_LINES = st.lists(st.one_of(
    st.tuples(st.one_of(st.sampled_from(["Accept", "X-API-Key", "Authorization", "bad name",
                                         ""]), st.text(max_size=10)),
              st.sampled_from([": ", ":", " ", ""]), st.text(max_size=20)).map("".join),
    st.text(max_size=30)), max_size=5).map("\n".join)


@FAST
@given(URLS, st.one_of(st.sampled_from(["GET", "post", " ", "G3T", "DELETE"]),
                       st.text(max_size=8)),
       st.one_of(st.sampled_from(kit.AUTH_KINDS), st.text(max_size=8)),
       SECRETS, st.text(max_size=12), HEADER_LINES, st.text(max_size=30),
       st.text(max_size=30))
def test_build_request_only_value_error(url: str, method: str, auth: str, secret: str,
                                        name: str, headers: str, body: str,
                                        params: str) -> None:
    """build_request returns diagnose() kwargs or a ValueError whose message hides the secret."""
    kwargs, message = _attempt(_forms.build_request, url, method=method, auth=auth,
                               secret=secret, name=name, extra_headers=headers, body=body,
                               params_text=params)
    if message is not None:
        assert message
        # only the secret field is secret: the other fields may be echoed back
        assume(secret not in url + method + auth + headers + params + name + body)
        assert secret not in message
        return
    assert isinstance(kwargs["url"], str)
    assert isinstance(kwargs["headers"], dict)
    assert isinstance(kwargs["params"], dict)
    assert kwargs["method"].isalpha()


@FAST
@given(URLS, st.one_of(
    st.lists(st.tuples(st.one_of(NAMES, st.integers()), st.one_of(VALUES, st.none())),
             max_size=4),
    st.dictionaries(NAMES, VALUES, max_size=4)),
    st.one_of(st.sampled_from(["GET", "post", ""]), st.text(max_size=6)))
def test_prepare_only_value_error(url: str, headers: Any, method: str) -> None:
    """triage.prepare makes a Probe from random input, or raises ValueError with a message."""
    probe, error = _attempt(_triage.prepare, url, method=method, headers=headers)
    assert error or isinstance(probe.url, str)
    assert error or probe.method.isalpha()


# -- explain --------------------------------------------------------------------------------
STATUSES = st.one_of(st.none(), st.sampled_from([200, 301, 401, 403, 404, 429, 451, 500, 503]),
                     st.integers(-5, 1000))
BODIES = st.one_of(st.text(max_size=200), st.text(ANY_CHAR, max_size=50), st.sampled_from([
    '{"message": "API rate limit exceeded"}', "<html>Attention Required! | Cloudflare</html>",
    '{"error": {"status": "PERMISSION_DENIED"}}', "Request blocked. Access denied",
    "<Code>SignatureDoesNotMatch</Code>"]))


def _exchange(status: int | None, headers: list[tuple[str, str]], body: str,
              request: list[tuple[str, str]], url: str, method: str) -> kit.Exchange:
    return kit.Exchange(method=method, url=url, request_headers=tuple(request), status=status,
                        response_headers=tuple(headers), body=body,
                        body_size=len(body), started_at=NOW, elapsed=0.01)


EXCHANGES = st.builds(_exchange, STATUSES, HEADER_PAIRS, BODIES, CRED_HEADERS, URLS,
                      st.sampled_from(["GET", "POST", "", "x y"]))


@SLOW
@given(EXCHANGES, st.one_of(st.none(), st.datetimes(timezones=st.just(dt.UTC))))
def test_explain_random_exchanges(exchange: kit.Exchange, now: dt.datetime | None) -> None:
    """explain() ranks any Exchange into a Diagnosis with findings of the documented types."""
    _check_diagnosis(kit.explain(exchange, now=now))


@settings(max_examples=10, deadline=None, database=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(STATUSES, st.sampled_from(RATE_HEADERS), huge(64 * 1024), huge(1024 * 1024),
       HEADER_PAIRS)
def test_explain_huge(status: int | None, name: str, value: str, body: str,
                      headers: list[tuple[str, str]]) -> None:
    """A 1 MB body and a 64 KB header value still give a Diagnosis."""
    exchange = _exchange(status, [*headers, (name, value)], body, [], "https://h/x", "GET")
    _check_diagnosis(kit.explain(exchange, now=NOW))


RAW_HEADERS = st.lists(st.tuples(
    st.sampled_from(RATE_HEADERS).map(str.encode),
    st.one_of(VALUES.map(lambda v: v.encode("utf-8", "surrogateescape")),
              st.binary(max_size=30).map(lambda b: b.replace(b"\r", b"").replace(b"\n", b"")))),
    max_size=8)


@SLOW
@given(st.integers(100, 599), RAW_HEADERS, st.binary(max_size=300))
def test_explain_responses_with_raw_bytes(status: int, headers: list[tuple[bytes, bytes]],
                                          content: bytes) -> None:
    """explain() on an httpx.Response with non-UTF-8 header bytes and body gives a Diagnosis."""
    response = httpx.Response(status, headers=headers, content=content,
                              request=httpx.Request("GET", "https://api.example.com/v1/x"))
    _check_diagnosis(kit.explain(response, now=NOW))


# -- masking --------------------------------------------------------------------------------
def _leaks(secret: str, text: str) -> bool:
    return any(form in text for form in {secret, quote(secret, safe=""), quote_plus(secret)})


@FAST
@given(SECRETS, SECRET_PARAMS,
       st.sampled_from(["https://", "http://", "https://[::1", "", "weird://"]),
       st.text(string.ascii_lowercase + "/.:", max_size=7),
       st.lists(st.tuples(st.text(string.ascii_lowercase, min_size=1, max_size=5),
                          st.text(max_size=7)), max_size=3),
       st.booleans(), st.text(max_size=7))
def test_mask_url_hides_secrets(secret: str, param: str, scheme: str, path: str,
                                other: list[tuple[str, str]], in_password: bool,
                                fragment: str) -> None:
    """mask_url never shows a secret query value or password of 8 or more characters."""
    query = "&".join([f"{k}={v}" for k, v in other] + [f"{param}={secret}"])
    userinfo = f"me:{secret}@" if in_password else ""
    url = f"{scheme}{userinfo}host{path}?{query}#{fragment}"
    assume(not _leaks(secret, url.replace(secret, "")))
    masked = kit.mask_url(url)
    assert isinstance(masked, str)
    assert not _leaks(secret, masked)


@FAST
@given(SECRETS, st.lists(st.one_of(st.text(max_size=20), st.text(ANY_CHAR, max_size=5),
                                   st.just("SECRET")), max_size=6), JWTS)
def test_mask_text_hides_secrets(secret: str, pieces: list[str], jwt: str) -> None:
    """mask_text never shows a given secret, however it is surrounded."""
    text = "".join(p.replace("SECRET", secret) for p in pieces) + secret + jwt
    masked = _secrets.mask_text(text, [secret])
    assert isinstance(masked, str)
    assert secret not in masked
