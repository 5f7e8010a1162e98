"""The sandbox against plain httpx: every scenario is refused, every fix works."""

from __future__ import annotations

import collections
import email.utils
import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import jwt
import pytest

from kit._causes import Cause
from kit.sandbox import (
    GENERIC_PAGE,
    SCENARIO_NAMES,
    Sandbox,
    Scenario,
    TokenBucket,
    _cli,
    main,
    serve,
)
from kit.sandbox._scenarios import ROWS

GENERIC_NAMES = [row.name for row in ROWS if row.generic]
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
LIVE = "sbx_live_7Hq2Vx9LmP4tRw8Ys3Kd6Nf1Zc5Bj0Ga"


@pytest.fixture(scope="module")
def api() -> Iterator[Sandbox]:
    """One running sandbox for the whole module."""
    with serve() as running:
        yield running


def send(kwargs: dict[str, Any], *, follow: bool = True, ua: str | None = None) -> httpx.Response:
    """Send ``kit.diagnose``-style kwargs with plain httpx (local_address via the transport)."""
    kwargs = dict(kwargs)
    transport = httpx.HTTPTransport(local_address=kwargs.pop("local_address", None))
    with httpx.Client(transport=transport, follow_redirects=follow, timeout=10) as client:
        if ua is not None:
            client.headers["user-agent"] = ua
        return client.request(**kwargs)


def get(url: str, **kwargs: Any) -> httpx.Response:
    """A plain GET."""
    return send({"url": url, "method": "GET", **kwargs})


# --- the table -----------------------------------------------------------------------------


def test_every_cause_has_three_scenarios_and_a_generic_one() -> None:
    """Each of the seven causes has at least three scenarios, one of them generic."""
    causes = collections.Counter(row.cause for row in ROWS)
    assert set(causes) == set(Cause)
    assert min(causes.values()) >= 3
    assert {row.cause for row in ROWS if row.generic} == set(Cause)
    assert len(set(SCENARIO_NAMES)) == len(SCENARIO_NAMES) == len(ROWS)


def test_scenarios_point_at_the_running_server(api: Sandbox) -> None:
    """Scenario URLs use the server's ports, and perimeter ones the perimeter listener."""
    for scenario in api.scenarios:
        assert isinstance(scenario, Scenario)
        root = api.perimeter_url if scenario.name == "ip-allowlist-generic" else api.url
        assert scenario.url.startswith(root + "/")
        assert scenario.description
        assert "\n" not in scenario.description
        assert scenario.fix


def test_request_kwargs_omit_none(api: Sandbox) -> None:
    """request() leaves out None values and carries local_address when the scenario has one."""
    assert set(api.scenario("api-key-missing").request()) == {"url", "method", "headers",
                                                              "params"}
    assert api.scenario("ip-allowlist-json").request()["local_address"] == "127.0.0.1"
    assert api.scenario("csrf-missing").request()["content"] == b"name=sbx+widget"


def test_unknown_scenario_is_a_keyerror_listing_names(api: Sandbox) -> None:
    """scenario() with an unknown name raises KeyError naming the known scenarios."""
    with pytest.raises(KeyError, match="waf-user-agent"):
        api.scenario("no-such-scenario")


def test_credentials_are_fake_and_tokens_fresh(api: Sandbox) -> None:
    """Keys start with sbx_; JWTs are HS256 with exp relative to the moment of reading."""
    now = time.time()
    names = {"x-api-key", "x-goog-api-key", "key", "api_key", "authorization"}
    for scenario in api.scenarios:
        for request in (scenario.request(), scenario.fixed_request()):
            sent = {**request["headers"], **request["params"]}
            for value in (v for k, v in sent.items() if k.lower() in names):
                credential = value.strip().removeprefix("Bearer ")
                assert credential.startswith(("sbx_", "eyJ")), (scenario.name, credential)
    expired = api.scenario("auth-expired-jwt").headers["Authorization"].split()[1]
    claims = jwt.decode(expired, options={"verify_signature": False})
    assert jwt.get_unverified_header(expired)["alg"] == "HS256"
    assert claims["exp"] < now - 3000
    assert claims["iss"] == "sandbox"
    assert claims["aud"] == api.url
    valid = api.scenario("auth-expired-jwt").fixed_request()["headers"]["Authorization"]
    exp = jwt.decode(valid.split()[1], options={"verify_signature": False})["exp"]
    assert now + 3000 < exp < now + 3700


# --- every scenario, refused and fixed -----------------------------------------------------


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenario_is_refused(api: Sandbox, name: str) -> None:
    """The scenario's own request is answered 401, 403 or 429 with a correct Content-Length."""
    response = send(api.scenario(name).request())
    assert response.status_code in {401, 403, 429}
    assert int(response.headers["content-length"]) == len(response.content)
    assert response.headers["content-type"]
    assert response.headers["date"]


@pytest.mark.parametrize("name", SCENARIO_NAMES)
def test_scenario_fix_works(api: Sandbox, name: str) -> None:
    """The fixed request (right key, header, UA, path or address) is answered 2xx."""
    response = send(api.scenario(name).fixed_request())
    assert 200 <= response.status_code < 300, response.text


@pytest.mark.parametrize("name", GENERIC_NAMES)
def test_generic_scenarios_answer_the_bare_page(api: Sandbox, name: str) -> None:
    """Generic scenarios answer nginx's bare page with no other hint."""
    response = send(api.scenario(name).request())
    assert response.status_code == 403
    assert response.content == GENERIC_PAGE
    assert response.headers["content-type"] == "text/html"
    assert response.headers["server"] == "nginx"
    allowed = {"content-type", "server", "content-length", "date", "retry-after"}
    assert set(response.headers) <= allowed
    assert ("retry-after" in response.headers) == (name == "rate-limit-generic")


@pytest.mark.parametrize("name", ["rate-limit-github", "rate-limit-ietf-429",
                                  "rate-limit-generic", "rate-limit-quota"])
def test_exhausted_buckets_stay_exhausted(api: Sandbox, name: str) -> None:
    """Repeating a rate-limit scenario keeps getting refused."""
    statuses = {send(api.scenario(name).request()).status_code for _ in range(3)}
    assert statuses <= {403, 429}


# --- top-level routes and roots ------------------------------------------------------------


def test_index_health_and_ip(api: Sandbox) -> None:
    """GET / lists the scenarios; /health is 200; /ip echoes the client address."""
    index = get(api.url + "/").json()
    assert [s["name"] for s in index] == list(SCENARIO_NAMES)
    assert {s["cause"] for s in index} == {cause.value for cause in Cause}
    assert get(api.url + "/health").status_code == 200
    assert get(api.url + "/ip").json() == {"ip": "127.0.0.1"}
    assert get(api.url + "/ip", local_address="127.0.0.2").json() == {"ip": "127.0.0.2"}


def test_family_roots_behave_like_their_apis(api: Sandbox) -> None:
    """An open root is 200; API Gateway's unmapped root is Missing Authentication Token."""
    assert get(api.url + "/s/api-key-revoked/").status_code == 200
    root = get(api.url + "/s/api-key-missing/")
    assert root.status_code == 403
    assert root.json() == {"message": "Missing Authentication Token"}
    assert get(api.url + "/s/no-such-family/").status_code == 404


# --- per-cause details ---------------------------------------------------------------------


def test_insufficient_scope_speaks_rfc_6750(api: Sandbox) -> None:
    """403 insufficient_scope with the needed scope; 401 challenges without or with a bad token."""
    scenario = api.scenario("permissions-insufficient-scope")
    refused = send(scenario.request())
    challenge = refused.headers["www-authenticate"]
    assert 'error="insufficient_scope"' in challenge
    assert 'scope="reports:read"' in challenge
    assert refused.json()["error"] == "insufficient_scope"
    missing = get(scenario.url)
    assert missing.status_code == 401
    assert missing.headers["www-authenticate"] == 'Bearer realm="sandbox"'
    bad = get(scenario.url, headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401
    assert 'error="invalid_token"' in bad.headers["www-authenticate"]


def test_key_variants_tell_identity_from_permission(api: Sandbox) -> None:
    """Read-only key 403; no key or an unknown key 401, in each family's own format."""
    url = api.scenario("permissions-read-key-on-write").url
    assert send({"url": url, "method": "POST"}).json() == {"message": "Missing API key"}
    unknown = send({"url": url, "method": "POST", "headers": {"X-API-Key": "sbx_read_x"}})
    assert unknown.status_code == 401
    generic = api.scenario("permissions-generic").url
    for headers in ({}, {"X-API-Key": "sbx_member_unknown"}):
        response = get(generic, headers=headers)
        assert response.status_code == 401
        assert b"401 Authorization Required" in response.content
        assert "www-authenticate" not in response.headers


def test_google_style_errors(api: Sandbox) -> None:
    """PERMISSION_DENIED, referrer ErrorInfo and SERVICE_DISABLED use google.rpc.Status JSON."""
    denied = send(api.scenario("permissions-google-style").request()).json()["error"]
    assert denied == {"code": 403, "message": "The caller does not have permission",
                      "status": "PERMISSION_DENIED"}
    referrer = send(api.scenario("ip-allowlist-referrer").request()).json()["error"]
    assert referrer["message"] == "Requests from referer <empty> are blocked."
    info = referrer["details"][0]
    assert info["@type"] == "type.googleapis.com/google.rpc.ErrorInfo"
    assert (info["reason"], info["domain"]) == ("API_KEY_HTTP_REFERRER_BLOCKED", "googleapis.com")
    disabled = send(api.scenario("config-api-not-enabled").request()).json()["error"]
    assert "has not been used in project 1234 before or it is disabled" in disabled["message"]
    assert any(d.get("reason") == "SERVICE_DISABLED" for d in disabled["details"])


def test_api_gateway_answers(api: Sandbox) -> None:
    """Missing key and unmapped path answer like AWS API Gateway, with x-amzn headers."""
    forbidden = send(api.scenario("api-key-missing").request())
    assert forbidden.json() == {"message": "Forbidden"}
    assert forbidden.headers["x-amzn-errortype"] == "ForbiddenException"
    uuid.UUID(forbidden.headers["x-amzn-requestid"])
    missing = send(api.scenario("config-aws-missing-auth-token").request())
    assert missing.headers["x-amzn-errortype"] == "MissingAuthenticationTokenException"


def test_api_key_answers_do_not_depend_on_the_key(api: Sandbox) -> None:
    """Revoked, unknown and absent keys get byte-identical refusals; wrong header gets Kong's."""
    url = api.scenario("api-key-revoked").url
    bodies = {get(url, headers=h).content for h in ({}, {"X-API-Key": "sbx_live_unknown"})}
    assert bodies == {GENERIC_PAGE}
    wrong = send(api.scenario("api-key-wrong-header").request()).json()
    assert wrong == {"error": "unauthorized", "message": "No API key found in request"}
    assert send(api.scenario("api-key-whitespace").request()).json() == {"error": "invalid_key"}


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE", "OPTIONS"])
@pytest.mark.parametrize("path", ["/", "/v1/items", "/anything/else"])
def test_perimeter_refuses_everything_from_elsewhere(api: Sandbox, method: str, path: str) -> None:
    """From 127.0.0.1, every path, method and credential on the perimeter gets the bare 403."""
    for headers in ({}, {"X-API-Key": LIVE, "User-Agent": BROWSER}):
        response = send({"url": api.perimeter_url + path, "method": method, "headers": headers,
                         "local_address": "127.0.0.1"})
        assert (response.status_code, response.content) == (403, GENERIC_PAGE)


def test_perimeter_admits_its_address(api: Sandbox) -> None:
    """From 127.0.0.2 the perimeter is a normal API: open root, 401 without a key."""
    assert get(api.perimeter_url + "/", local_address="127.0.0.2").status_code == 200
    assert get(api.perimeter_url + "/v1/items", local_address="127.0.0.2").status_code == 401


def test_pinned_key_names_the_address(api: Sandbox) -> None:
    """The per-key allowlist refusal names the client address; key variants get 401."""
    scenario = api.scenario("ip-allowlist-json")
    assert send(scenario.request()).json() == {
        "error": "forbidden", "message": "Client address 127.0.0.1 is not in this key's allowlist"}
    assert get(scenario.url).status_code == 401
    assert get(scenario.url, headers={"X-API-Key": "sbx_pinned_nope"}).status_code == 401


def test_github_rate_limit_headers(api: Sandbox) -> None:
    """GitHub-style 403 with x-ratelimit-* headers; a token with headroom gets them too."""
    refused = send(api.scenario("rate-limit-github").request())
    assert refused.json()["message"] == "API rate limit exceeded for user ID 1."
    headers = refused.headers
    assert (headers["x-ratelimit-limit"], headers["x-ratelimit-remaining"]) == ("60", "0")
    assert (headers["x-ratelimit-used"], headers["x-ratelimit-resource"]) == ("60", "core")
    assert int(headers["x-ratelimit-reset"]) > time.time() + 3000
    ok = send(api.scenario("rate-limit-github").fixed_request())
    assert 0 < int(ok.headers["x-ratelimit-remaining"]) < 60


def test_ietf_rate_limit_answer(api: Sandbox) -> None:
    """429 problem+json with RateLimit-Policy, RateLimit and Retry-After that agree."""
    response = send(api.scenario("rate-limit-ietf-429").request())
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["ratelimit-policy"] == '"default";q=100;w=60'
    wait = int(response.headers["retry-after"])
    assert wait > 3000
    assert response.headers["ratelimit"] == f'"default";r=0;t={wait}'
    quota = send(api.scenario("rate-limit-quota").request()).json()["error"]
    assert quota["status"] == "RESOURCE_EXHAUSTED"


def test_token_bucket_spends_and_refills() -> None:
    """A bucket of 10 per 10 s allows 10, refuses the 11th, and refills by elapsed time."""
    now = [1000.0]
    bucket = TokenBucket(10, 10.0, clock=lambda: now[0])
    assert all(bucket.take().allowed for _ in range(10))
    refused = bucket.take()
    assert not refused.allowed
    assert refused.remaining == 0
    assert refused.retry_after == 1
    now[0] += 5
    assert bucket.peek().remaining == 5
    assert bucket.peek().reset_at == 1010
    late = TokenBucket(60, 3600.0, tokens=0, refill_from=1000.0 + 3600, clock=lambda: now[0])
    assert late.take().retry_after == 3655


def test_token_bucket_is_thread_safe() -> None:
    """Eight threads racing on a frozen bucket of 500 get exactly 500 tokens."""
    bucket = TokenBucket(500, 60.0, clock=lambda: 0.0)
    allowed: list[bool] = []

    def spend() -> None:
        allowed.extend(bucket.take().allowed for _ in range(100))

    threads = [threading.Thread(target=spend) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(True) == 500


def test_token_failures(api: Sandbox) -> None:
    """Expired tokens get the RFC 6750 challenge; a not-yet-valid family's 401 is bare."""
    expired = send(api.scenario("auth-expired-jwt").request())
    assert expired.headers["www-authenticate"] == (
        'Bearer error="invalid_token", error_description="The access token expired"')
    bare = get(api.scenario("auth-not-yet-valid").url)
    assert bare.status_code == 401
    assert "www-authenticate" not in bare.headers
    audience = send(api.scenario("auth-wrong-audience").request()).json()
    assert audience == {"error": "invalid_token", "error_description": "The audience is invalid"}
    signature = send(api.scenario("auth-bad-signature").request()).json()
    assert signature == {"message": "Invalid token signature"}


def test_clock_skew_shows_in_date_header(api: Sandbox) -> None:
    """The skewed family's Date runs clock_skew ahead; other routes show the real time."""
    skewed = send(api.scenario("auth-clock-skew").request())
    assert skewed.json()["error_description"] == "Token has expired"
    ahead = email.utils.parsedate_to_datetime(skewed.headers["date"]).timestamp() - time.time()
    assert abs(ahead - api.clock_skew) < 5
    plain = get(api.url + "/health").headers["date"]
    assert abs(email.utils.parsedate_to_datetime(plain).timestamp() - time.time()) < 5


@pytest.mark.parametrize("agent", ["python-httpx/0.28.1", "curl/8.5.0", "Wget/1.21",
                                   "Go-http-client/1.1", "okhttp/4.12.0", "axios/1.7.2",
                                   "node-fetch/1.0", "Java/17.0.2", "libwww-perl/6.72", ""])
def test_waf_blocks_default_agents_everywhere(api: Sandbox, agent: str) -> None:
    """Default client User-Agents get the bare 403 on every path of the UA-filtered API."""
    scenario = api.scenario("waf-user-agent")
    for url in (scenario.url, api.url + "/s/waf-user-agent/", api.url + "/s/waf-user-agent/x"):
        response = send({"url": url, "method": "GET", "headers": {"X-API-Key": LIVE}}, ua=agent)
        assert (response.status_code, response.content) == (403, GENERIC_PAGE)


@pytest.mark.parametrize("query", ["1' OR '1'='1", "<script>alert(1)</script>",
                                   "../../etc/passwd", "1 UNION SELECT password FROM users"])
def test_waf_blocks_attack_payloads(api: Sandbox, query: str) -> None:
    """Attack-like payloads get the WAF's own block page with an incident ID."""
    response = get(api.scenario("waf-injection").url, params={"q": query})
    assert response.status_code == 403
    assert response.headers["x-sandbox-waf"] == "block"
    assert response.headers["content-type"].startswith("text/html")
    assert "Request blocked" in response.text
    assert "security rule" in response.text
    assert "Incident ID:" in response.text


def test_csrf_failure_and_real_form_flow(api: Sandbox) -> None:
    """A bare POST fails Django's CSRF check; fetching the form first makes it pass."""
    scenario = api.scenario("csrf-missing")
    refused = send(scenario.request())
    assert "CSRF verification failed. Request aborted." in refused.text
    with httpx.Client(timeout=10) as browser:
        form = browser.get(scenario.url + "/new")
        token = browser.cookies["csrftoken"]
        assert token in form.text
        saved = browser.post(scenario.url, content=b"name=x&csrfmiddlewaretoken=" + token.encode(),
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert saved.status_code == 200


def test_bot_challenge_page(api: Sandbox) -> None:
    """Clients without the clearance cookie get the JS challenge, whose cookie lets them in."""
    refused = send(api.scenario("bot-challenge").request())
    assert refused.headers["x-bot-challenge"] == "js"
    assert "Checking your browser..." in refused.text
    clearance = refused.text.split("sbx_clearance=")[1].split(";")[0]
    cookie = {"Cookie": f"sbx_clearance={clearance}"}
    assert get(api.scenario("bot-challenge").url, headers=cookie).status_code == 200


def test_unmapped_method_gateway(api: Sandbox) -> None:
    """OPTIONS lists POST; HEAD is refused; POST without a key gets the bare 401."""
    url = api.scenario("config-unmapped-method").url
    options = send({"url": url, "method": "OPTIONS"})
    assert (options.status_code, options.headers["allow"]) == (204, "POST, OPTIONS")
    assert send({"url": url, "method": "HEAD"}).status_code == 403
    assert send({"url": url, "method": "POST"}).status_code == 401


def test_redirect_target_receives_no_credential(api: Sandbox) -> None:
    """httpx follows the 301 to another origin and the target sees no Authorization."""
    scenario = api.scenario("config-redirect-drops-credentials")
    first = send(scenario.request(), follow=False)
    assert first.status_code == 301
    assert first.headers["location"].startswith(api.localhost_url + "/")
    api.reset_hits()
    final = send(scenario.request())
    assert (final.status_code, final.content) == (403, GENERIC_PAGE)
    v1, v2 = api.hits
    assert v1.path.endswith("/v1/items")
    assert v1.headers["authorization"].startswith("Bearer ")
    assert v2.path.endswith("/v2/items")
    assert "authorization" not in v2.headers
    assert v2.headers["host"] == api.localhost_url.removeprefix("http://")


# --- hits, latency, lifecycle, CLI ---------------------------------------------------------


def test_hits_are_recorded(api: Sandbox) -> None:
    """Every request is recorded with method, path, query, headers, address, port, status."""
    api.reset_hits()
    get(api.url + "/s/api-key-whitespace/items", params={"api_key": "x"},
        headers={"X-Trace": "t1"})
    get(api.perimeter_url + "/", local_address="127.0.0.2")
    hit, edge = api.hits
    assert (hit.method, hit.path, hit.query, hit.status) == (
        "GET", "/s/api-key-whitespace/items", "api_key=x", 403)
    assert hit.headers["x-trace"] == "t1"
    assert hit.client_ip == "127.0.0.1"
    assert hit.port == int(api.url.rsplit(":", 1)[1])
    assert abs(hit.at - time.time()) < 5
    assert (edge.client_ip, edge.port, edge.status) == (
        "127.0.0.2", int(api.perimeter_url.rsplit(":", 1)[1]), 200)
    api.reset_hits()
    assert api.hits == []


def test_latency_is_injected(api: Sandbox) -> None:
    """Setting api.latency delays each response by about that long."""
    api.latency = 0.3
    try:
        started = time.perf_counter()
        get(api.url + "/health")
        elapsed = time.perf_counter() - started
    finally:
        api.latency = 0.0
    assert 0.3 <= elapsed < 3.0
    with pytest.raises(ValueError, match="latency"):
        api.latency = -1


def test_monitor_endpoint_drains(api: Sandbox) -> None:
    """The live bucket allows 10 quick requests, then answers 429 with headers."""
    statuses = [get(api.monitor_url) for _ in range(12)]
    assert statuses[0].headers["x-ratelimit-limit"] == "10"
    assert statuses[-1].status_code == 429
    assert "retry-after" in statuses[-1].headers


def test_serve_leaves_no_thread_running() -> None:
    """After the with block, the server thread is gone and the port is closed."""
    before = set(threading.enumerate())
    with serve(latency=0.0) as running:
        started = set(threading.enumerate()) - before
        url = running.url
    assert any(t.name.startswith("kit-sandbox-") for t in started)
    assert not any(t.is_alive() for t in started)
    with pytest.raises(httpx.ConnectError):
        httpx.get(url + "/health", timeout=2)


def test_serve_rejects_nonsense() -> None:
    """A non-positive clock skew or a negative latency is refused before starting."""
    with pytest.raises(ValueError, match="clock_skew"), serve(clock_skew=0):
        pass
    with pytest.raises(ValueError, match="latency"), serve(latency=-1):
        pass


def test_main_prints_the_table(monkeypatch: pytest.MonkeyPatch,
                               capsys: pytest.CaptureFixture[str]) -> None:
    """main() prints the URL and every scenario, and stops cleanly on Ctrl-C."""

    def interrupt() -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(_cli, "_wait_forever", interrupt)
    assert main(["--port", "0", "--latency", "0"]) == 0
    out = capsys.readouterr().out
    assert "http://127.0.0.1:" in out
    assert all(name in out for name in SCENARIO_NAMES)


def test_import_kit_does_not_load_the_server_stack() -> None:
    """`import kit` loads neither starlette nor uvicorn."""
    code = ("import json, sys, kit; print(json.dumps(sorted({m.split('.')[0] for m in "
            "sys.modules} & {'starlette', 'uvicorn'})))")
    command = [sys.executable, "-c", code]  # a fixed command, no untrusted input
    result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        pytest.skip(f"kit does not import right now: {result.stderr.strip().splitlines()[-1]}")
    assert json.loads(result.stdout) == []
