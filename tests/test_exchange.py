"""Exchange: built from an httpx.Response, masked, capped, and round-tripped through JSON."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import httpx
import jwt
import pytest

from kit._http.exchange import BODY_CAP, Exchange, Hop, NetworkError
from kit._http.secrets import mask
from kit._http.tokens import Credential, JwtInfo, KeyIssue

KEY = "Zq8vR2mK4tX9pL3wN7bC5dF1"
QUERY_KEY = "qK7w2Lr9Xv4Tz8Nb3Mc6"
URL = f"https://api.example.com/v1/items?page=2&api_key={QUERY_KEY}"
NOW = dt.datetime(2024, 5, 1, 12, 0, tzinfo=dt.UTC)


def response(status: int = 403, *, content: bytes = b'{"message": "Forbidden"}',
             headers: dict[str, str] | None = None,
             request_headers: dict[str, str] | None = None, url: str = URL,
             history: list[httpx.Response] | None = None) -> httpx.Response:
    request = httpx.Request("GET", url, headers=request_headers or {"Authorization":
                                                                      f"Bearer {KEY}"})
    return httpx.Response(status, headers=headers or {"Content-Type": "application/json"},
                          content=content, request=request, history=history or [])


def all_text(ex: Exchange) -> str:
    return "\n".join((ex.to_json(), repr(ex), ex.summary(), str(dataclasses.asdict(ex))))


# --- from_response --------------------------------------------------------------------------


def test_from_response_keeps_status_headers_and_body() -> None:
    """Status, response headers (in order), body and sizes are kept."""
    ex = Exchange.from_response(response(headers={"Content-Type": "application/json",
                                                  "X-RateLimit-Remaining": "0",
                                                  "Retry-After": "30"}))
    assert ex.status == 403
    assert ex.method == "GET"
    assert ex.header("x-ratelimit-remaining") == "0"
    assert ex.header("RETRY-AFTER") == "30"
    assert ex.header("missing", "dflt") == "dflt"
    assert ex.content_type == "application/json"
    assert json.loads(ex.body) == {"message": "Forbidden"}
    assert ex.body_size == len(b'{"message": "Forbidden"}')
    assert ex.body_truncated is False
    assert ex.refused
    assert not ex.ok
    assert ex.http_version == "HTTP/1.1"
    assert [k for k, _ in ex.response_headers][:3] == [
        "content-type", "x-ratelimit-remaining", "retry-after"]


def test_from_response_repeated_headers_are_kept() -> None:
    """Repeated response headers stay separate and headers_named returns each."""
    request = httpx.Request("GET", "https://api.example.com/")
    resp = httpx.Response(401, headers=[("WWW-Authenticate", 'Basic realm="a"'),
                                        ("WWW-Authenticate", 'Bearer realm="b"')],
                          request=request)
    ex = Exchange.from_response(resp)
    assert ex.headers_named("www-authenticate") == ['Basic realm="a"', 'Bearer realm="b"']


def test_from_response_masks_authorization_and_query_key() -> None:
    """The Authorization value and the api_key query value are masked; the scheme stays."""
    ex = Exchange.from_response(response())
    assert ex.request_header("authorization") == f"Bearer {mask(KEY)}"
    assert "page=2" in ex.url
    assert KEY not in all_text(ex)
    assert QUERY_KEY not in all_text(ex)


def test_from_response_describes_credentials() -> None:
    """The Authorization header and api_key parameter become masked Credentials."""
    ex = Exchange.from_response(response())
    assert [(c.location, c.name, c.scheme) for c in ex.credentials] == [
        ("header", "authorization", "Bearer"), ("query", "api_key", None)]
    assert ex.credentials[0].masked == mask(KEY)


def test_from_response_masks_secrets_echoed_in_body_and_headers() -> None:
    """A key echoed back in the body, a Location or a custom header is masked there too."""
    resp = response(302, content=f"bad key {KEY}".encode(),
                    headers={"Location": f"https://api.example.com/v2?api_key={QUERY_KEY}",
                             "X-Debug-Echo": KEY, "Content-Type": "text/plain"})
    ex = Exchange.from_response(resp)
    assert ex.body == f"bad key {mask(KEY)}"
    assert KEY not in all_text(ex)
    assert QUERY_KEY not in all_text(ex)
    assert (ex.header("location") or "").startswith("https://api.example.com/v2?api_key=")


def test_from_response_masks_set_cookie() -> None:
    """A Set-Cookie response header is masked."""
    ex = Exchange.from_response(response(headers={"Set-Cookie": f"session={KEY}; HttpOnly"}))
    assert (ex.header("set-cookie") or "").startswith("[secure")
    assert KEY not in all_text(ex)


def test_from_response_caps_the_body() -> None:
    """A body over BODY_CAP keeps BODY_CAP characters, says it was truncated, counts it all."""
    big = b"a" * (BODY_CAP * 3 + 17)
    ex = Exchange.from_response(response(200, content=big, headers={"Content-Type":
                                                                    "text/plain"}))
    assert len(ex.body) == BODY_CAP
    assert ex.body_truncated is True
    assert ex.body_size == len(big)


def test_from_response_body_exactly_at_cap_is_not_truncated() -> None:
    """A body of exactly BODY_CAP bytes is kept whole."""
    ex = Exchange.from_response(response(200, content=b"b" * BODY_CAP))
    assert (len(ex.body), ex.body_truncated, ex.body_size) == (BODY_CAP, False, BODY_CAP)


def test_from_response_explicit_body_and_size() -> None:
    """A body passed in (as send() does) wins, with the truncation flag and size given."""
    ex = Exchange.from_response(response(200), body=b"partial", truncated=True,
                                body_size=10_000)
    assert (ex.body, ex.body_truncated, ex.body_size) == ("partial", True, 10_000)


def test_from_response_decodes_latin1_charset() -> None:
    """A latin-1 body is decoded by its declared charset."""
    text = "Accès refusé: clé invalide"
    ex = Exchange.from_response(response(content=text.encode("latin-1"),
                                         headers={"Content-Type":
                                                  "text/plain; charset=ISO-8859-1"}))
    assert ex.body == text


def test_from_response_unknown_charset_falls_back_to_utf8() -> None:
    """An unknown charset decodes as UTF-8 instead of failing."""
    ex = Exchange.from_response(response(content="zugriff verweigert ✓".encode(),
                                         headers={"Content-Type":
                                                  "text/plain; charset=x-no-such"}))
    assert ex.body == "zugriff verweigert ✓"


def test_from_response_undecodable_bytes_are_replaced() -> None:
    """Bytes invalid in the charset become replacement characters, not an error."""
    ex = Exchange.from_response(response(content=b"ok \xff\xfe end",
                                         headers={"Content-Type": "text/plain; charset=utf-8"}))
    assert ex.body.startswith("ok ")
    assert ex.body.endswith(" end")
    assert "\ufffd" in ex.body


def test_from_response_unread_stream_gives_empty_body() -> None:
    """A streamed response not yet read gives an empty body, not an exception."""
    request = httpx.Request("GET", "https://api.example.com/")
    resp = httpx.Response(403, stream=httpx.ByteStream(b"never read"), request=request)
    ex = Exchange.from_response(resp)
    assert (ex.status, ex.body, ex.body_size) == (403, "", 0)


def test_from_response_history_hops_are_masked() -> None:
    """Redirects become Hops with their status, and masked URL and Location."""
    first_req = httpx.Request("GET", f"http://api.example.com/v1?api_key={QUERY_KEY}")
    hop = httpx.Response(301, headers={"Location": f"https://api.example.com/v1?api_key="
                                                   f"{QUERY_KEY}"}, request=first_req)
    ex = Exchange.from_response(response(history=[hop]))
    assert len(ex.history) == 1
    assert ex.history[0].status == 301
    assert ex.history[0].url.startswith("http://api.example.com/v1?api_key=")
    assert ex.history[0].location.startswith("https://api.example.com/v1?api_key=")
    assert QUERY_KEY not in all_text(ex)


def test_from_response_label_elapsed_started_at() -> None:
    """label, elapsed and started_at are carried through and shown in summary()."""
    ex = Exchange.from_response(response(), label="fake_key", elapsed=0.25, started_at=NOW)
    assert (ex.label, ex.elapsed, ex.started_at) == ("fake_key", 0.25, NOW)
    assert ex.summary().startswith("fake_key: GET https://api.example.com/v1/items?")
    assert ex.summary().endswith("-> 403 in 250 ms")


def test_from_error_masks_message() -> None:
    """A network error's message has the request's secrets masked."""
    request = httpx.Request("GET", URL, headers={"X-API-Key": KEY})
    ex = Exchange.from_error(request, NetworkError("refused", f"refused for {KEY}", "start it"))
    assert ex.status is None
    assert ex.error is not None
    assert ex.error.kind == "refused"
    assert KEY not in all_text(ex)
    assert mask(KEY) in ex.error.message
    assert "no response (refused)" in ex.summary()


# --- summary / repr -------------------------------------------------------------------------


def test_summary_and_repr_hold_no_secret() -> None:
    """summary() and repr() show method, masked URL and status, never a secret."""
    ex = Exchange.from_response(response(), elapsed=0.012)
    for text in (ex.summary(), repr(ex)):
        assert "GET" in text
        assert "403" in text
        assert KEY not in text
        assert QUERY_KEY not in text
    assert repr(ex).startswith("<Exchange baseline: GET ")


def test_summary_without_response_or_error() -> None:
    """An Exchange with neither status nor error still summarises without raising."""
    ex = Exchange(method="GET", url="https://x.example/")
    assert ex.summary().startswith("baseline: GET https://x.example/ -> ")
    assert not ex.ok
    assert not ex.refused


# --- JSON round trip ------------------------------------------------------------------------


def rich_exchange() -> Exchange:
    token = jwt.encode({"exp": 1_700_000_000, "nbf": 1_699_990_000, "iat": 1_699_990_000,
                        "aud": ["a", "b"], "iss": "auth.example", "scope": "read write"},
                       "k" * 32, algorithm="HS256", headers={"kid": "k1"})
    hop = httpx.Response(302, headers={"Location": "https://api.example.com/v2"},
                         request=httpx.Request("GET", "http://api.example.com/v1"))
    resp = response(request_headers={"Authorization": f"Bearer {token}", "X-API-Key": " k y"},
                    headers={"Content-Type": "application/json", "Retry-After": "5"},
                    history=[hop])
    return Exchange.from_response(resp, label="baseline", elapsed=0.5, started_at=NOW)


def test_json_round_trip_with_jwt_credentials_and_history() -> None:
    """to_json then from_json gives an equal Exchange: JWT datetimes, issues and Hops included."""
    ex = rich_exchange()
    jwt_info = ex.credentials[0].jwt
    assert jwt_info is not None
    assert jwt_info.exp == dt.datetime.fromtimestamp(1_700_000_000, tz=dt.UTC)
    assert ex.credentials[1].issues  # whitespace lint issues travel too
    assert ex.history
    text = ex.to_json()
    json.loads(text)  # plain JSON, nothing exotic
    back = Exchange.from_json(text)
    assert back == ex
    assert back.credentials[0].jwt == jwt_info
    assert isinstance(back.history[0], Hop)
    assert isinstance(back.credentials[1].issues[0], KeyIssue)


def test_json_round_trip_with_network_error() -> None:
    """An Exchange carrying a NetworkError round-trips with kind, message and hint."""
    ex = Exchange(method="POST", url="https://api.example.com/", elapsed=1.5, started_at=NOW,
                  error=NetworkError("timeout", "ReadTimeout: timed out", "raise timeout="),
                  local_address="127.0.0.1:50000", label="variant")
    back = Exchange.from_json(ex.to_json())
    assert back == ex
    assert back.error == NetworkError("timeout", "ReadTimeout: timed out", "raise timeout=")


def test_json_round_trip_of_handmade_credentials() -> None:
    """Credentials built by hand with every JwtInfo field survive JSON."""
    cred = Credential("header", "Authorization", "jwt", "[secure …]", 99, "Bearer",
                      (KeyIssue("quotes", "q"),),
                      JwtInfo(alg="RS256", typ="JWT", kid="x", iss="i", aud=("a",),
                              exp=NOW, nbf=NOW, iat=NOW, scopes=("s",), error=None))
    ex = Exchange(method="GET", url="https://a.example/", status=403, credentials=(cred,),
                  history=(Hop(301, "http://a.example/", "https://a.example/"),))
    assert Exchange.from_json(ex.to_json()) == ex


def test_to_dict_is_json_ready() -> None:
    """to_dict() serialises with plain json.dumps: headers as lists, every time as a string."""
    data = rich_exchange().to_dict()
    json.dumps(data)  # raises TypeError if a datetime is left anywhere
    assert isinstance(data["started_at"], str)
    assert isinstance(data["request_headers"][0], list)
    assert isinstance(data["credentials"][0]["jwt"]["exp"], str)


def test_from_dict_defaults() -> None:
    """A minimal dict (method and url) gives an Exchange with defaults."""
    ex = Exchange.from_dict({"method": "GET", "url": "https://a.example/"})
    assert ex == Exchange(method="GET", url="https://a.example/")


@pytest.mark.parametrize("field", ["method", "url"])
def test_from_dict_requires_method_and_url(field: str) -> None:
    """method and url are required keys."""
    data = {"method": "GET", "url": "https://a.example/"}
    del data[field]
    with pytest.raises(KeyError):
        Exchange.from_dict(data)
