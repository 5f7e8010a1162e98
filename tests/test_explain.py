"""kit.explain(): one response, no network, a ranked Diagnosis from general signals."""

from __future__ import annotations

import datetime as dt
import email.utils

import httpx
import jwt
import pytest

import kit
from kit import Cause

NOW = dt.datetime(2026, 11, 22, 12, 0, tzinfo=dt.UTC)
SECRET = "test-signing-secret-that-is-long-enough-for-hs256"


def response(status=403, *, headers=None, json=None, text=None, request_headers=None,
             url="https://api.example.com/v1/items"):
    request = httpx.Request("GET", url, headers={"User-Agent": "my-app/1.0",
                                                 **(request_headers or {})})
    return httpx.Response(status, headers=headers, json=json, text=text, request=request)


def token(**claims):
    return jwt.encode(claims, SECRET, algorithm="HS256")


def top(d):
    return d.findings[0].cause


def test_status_alone_is_never_a_confident_verdict():
    """A bare 403 with an empty body gives only thin findings and names the probes to send."""
    d = kit.explain(response(text="", request_headers={"X-API-Key": "abcd1234efgh5678"}), now=NOW)
    assert all(f.confidence < 0.35 for f in d.findings)
    assert d.next_steps


def test_rfc6750_insufficient_scope_is_permissions():
    """WWW-Authenticate error=insufficient_scope names permissions and the scope needed."""
    d = kit.explain(response(headers={"WWW-Authenticate": 'Bearer realm="api", '
                                      'error="insufficient_scope", scope="repo admin:org"'},
                             request_headers={"Authorization": "Bearer " + token(scope="repo")}),
                    now=NOW)
    assert top(d) is Cause.PERMISSIONS
    assert any("admin:org" in e for e in d.findings[0].evidence)
    assert any("admin:org" in f for f in d.findings[0].fixes)


def test_rfc6750_invalid_token_expired_is_authentication():
    """WWW-Authenticate error=invalid_token with an expiry description is authentication."""
    d = kit.explain(response(401, headers={"WWW-Authenticate": 'Bearer error="invalid_token", '
                                           'error_description="The access token expired"'}),
                    now=NOW)
    assert top(d) is Cause.AUTHENTICATION
    assert d.findings[0].confidence >= 0.6


@pytest.mark.parametrize(
    "headers",
    [
        {"x-ratelimit-limit": "60", "x-ratelimit-remaining": "0",
         "x-ratelimit-reset": str(int(NOW.timestamp()) + 600), "x-ratelimit-resource": "core"},
        {"X-Rate-Limit-Limit": "15", "X-Rate-Limit-Remaining": "0", "X-Rate-Limit-Reset": "900"},
        {"RateLimit-Limit": "100", "RateLimit-Remaining": "0", "RateLimit-Reset": "30"},
        {"RateLimit": '"default";r=0;t=30', "RateLimit-Policy": '"default";q=100;w=60'},
        {"x-ratelimit-limit-requests": "500", "x-ratelimit-remaining-requests": "0",
         "x-ratelimit-reset-requests": "6m0s"},
        {"X-RateLimit-Limit-Minute": "5", "X-RateLimit-Remaining-Minute": "0"},
    ],
    ids=["github", "x-rate-limit", "ietf-draft", "ietf-structured", "openai", "kong"],
)
def test_every_rate_limit_convention_on_a_bare_403_is_rate_limit(headers):
    """An exhausted limit, in any convention, makes a bodiless 403 a rate limit: a verdict,
    not a hint (how sure is the fitted model's, from real refusals)."""
    d = kit.explain(response(headers=headers, text=""), now=NOW)
    assert top(d) is Cause.RATE_LIMIT
    assert not d.findings[0].thin


@pytest.mark.parametrize("value", [
    "120", email.utils.format_datetime(NOW + dt.timedelta(minutes=5), usegmt=True)],
    ids=["seconds", "http-date"])
def test_retry_after_on_a_bare_403_raises_the_rate_limit_but_does_not_settle_it(value):
    """Retry-After (either form) makes a rate limit likelier than on the same bare 403 without
    it, and is quoted as evidence; it does not settle it alone: in the corpus of real refusals
    most 403s that carry Retry-After were other refusals (a WAF page, a permission error)."""
    bare = kit.explain(response(text=""), now=NOW).finding(Cause.RATE_LIMIT)
    with_retry = kit.explain(response(headers={"Retry-After": value}, text=""), now=NOW)
    limit = with_retry.finding(Cause.RATE_LIMIT)
    assert limit is not None
    assert bare is None or limit.confidence > bare.confidence
    assert any("Retry-After" in e for e in limit.evidence)


def test_expired_jwt_is_authentication():
    """A JWT whose exp is in the past is named, with how long ago it expired."""
    expired = token(exp=int((NOW - dt.timedelta(hours=2)).timestamp()))
    d = kit.explain(response(text="", request_headers={"Authorization": f"Bearer {expired}"}),
                    now=NOW)
    assert top(d) is Cause.AUTHENTICATION
    assert any("expired 2 h ago" in e for e in d.findings[0].evidence)


def test_clock_skew_from_date_header_explains_a_fresh_token():
    """A token valid by our clock but expired by the server's Date is put down to clock skew."""
    fresh = token(exp=int((NOW + dt.timedelta(minutes=5)).timestamp()))
    server_date = email.utils.format_datetime(NOW + dt.timedelta(minutes=10), usegmt=True)
    d = kit.explain(response(text="", headers={"Date": server_date},
                             request_headers={"Authorization": f"Bearer {fresh}"}), now=NOW)
    assert top(d) is Cause.AUTHENTICATION
    assert any("server's clock" in e for e in d.findings[0].evidence)


def test_not_yet_valid_jwt_is_authentication():
    """A JWT whose nbf lies an hour ahead is not valid yet."""
    early = token(nbf=int((NOW + dt.timedelta(hours=1)).timestamp()))
    d = kit.explain(response(text="", request_headers={"Authorization": f"Bearer {early}"}),
                    now=NOW)
    assert top(d) is Cause.AUTHENTICATION


def test_whitespace_padded_key_is_an_api_key_problem():
    """A key with a trailing space and quotes is flagged by the key lint."""
    d = kit.explain(response(text="", request_headers={"X-API-Key": '"abcd1234efgh5678" '}),
                    now=NOW)
    assert top(d) is Cause.API_KEY
    assert any("quotes" in e for e in d.findings[0].evidence)


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        ({"error": "Your IP address 203.0.113.9 is not allowed to access this API"},
         Cause.IP_ALLOWLIST),
        ({"message": "You have exceeded your monthly quota"}, Cause.RATE_LIMIT),
        ({"detail": "Invalid API key provided"}, Cause.API_KEY),
        ({"error": "The caller does not have the required permission"}, Cause.PERMISSIONS),
        ({"error": "Token has expired"}, Cause.AUTHENTICATION),
        ({"error": "This API is not enabled for your account"}, Cause.CONFIGURATION),
    ],
)
def test_unseen_provider_wording_is_carried_by_general_vocabulary(body, cause):
    """Messages from a provider no catalogue row names still point to the right cause."""
    d = kit.explain(response(json=body, request_headers={"X-API-Key": "abcd1234efgh5678"}),
                    now=NOW)
    assert top(d) is cause


def test_waf_block_page_is_security_policy():
    """An HTML block page with a reference id, from an unnamed WAF, is a security policy."""
    page = ("<html><head><title>Request Rejected</title></head><body><h1>Request blocked"
            "</h1><p>The request was blocked by our web application firewall.</p>"
            "<p>Support ID: 1847392018374</p></body></html>")
    d = kit.explain(response(text=page, headers={"Content-Type": "text/html"}), now=NOW)
    assert top(d) is Cause.SECURITY_POLICY
    assert d.layer is not None


def test_explain_accepts_an_exchange_and_refuses_other_types():
    """An Exchange works as input; anything else gets a TypeError naming what was passed."""
    ex = kit.Exchange.from_response(response(status=429, text=""))
    assert kit.explain(ex, now=NOW).cause is Cause.RATE_LIMIT
    with pytest.raises(TypeError, match="dict"):
        kit.explain({"status": 403})  # type: ignore[arg-type]


def test_a_success_has_no_findings():
    """A 200 is nothing to explain: no findings, and a note that says so."""
    d = kit.explain(response(status=200, json=[]), now=NOW)
    assert d.findings == []
    assert any("200" in n for n in d.notes)


def test_forbidden_error_carries_the_diagnosis():
    """raise_for_refusal raises an httpx.HTTPStatusError subclass with .diagnosis attached."""
    r = response(headers={"X-RateLimit-Limit": "60", "X-RateLimit-Remaining": "0"}, text="")
    with pytest.raises(httpx.HTTPStatusError) as info:
        kit.raise_for_refusal(r)
    assert isinstance(info.value, kit.ForbiddenError)
    assert info.value.diagnosis.cause is Cause.RATE_LIMIT
    kit.raise_for_refusal(response(status=200, json={}))  # a success passes silently


def test_event_hook_collects_a_diagnosis_per_refusal():
    """diagnosis_hook hands every 403 to the callback and lets the response through."""
    found = []

    def handler(request):
        return httpx.Response(403 if request.url.path == "/no" else 200, json={})

    with httpx.Client(transport=httpx.MockTransport(handler),
                      event_hooks={"response": [kit.diagnosis_hook(found.append)]}) as client:
        assert client.get("https://api.example.com/no").status_code == 403
        client.get("https://api.example.com/yes")
    assert len(found) == 1
    assert isinstance(found[0], kit.Diagnosis)
