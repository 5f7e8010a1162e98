"""kit.compare against loopback servers with hidden rules: it names exactly the culprits.

Each server refuses unless a rule the kit does not know is met; the test knows the rule, the
kit only sees the working request (a real-style "Copy as cURL") and the failing one (what an
httpx client builds). Requests are counted on the server.
"""

from __future__ import annotations

import math

import httpx
import pytest

import kit
from tests.rules_server import (
    RulesServer,
    api_rule,
    bot_rule,
    case_rule,
    media_rule,
    order_rule,
    post_rule,
    serve,
    serve_h2_only,
)

CANARY = "CANARY-cmp-7f3e9a1b2c4d5e6f"
CHROME = ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Chrome/124.0 Safari/537.36")


def chrome_copy(url: str, *extra: str) -> str:
    """A command shaped like Chrome's 'Copy as cURL (bash)': lower-case names, one per line."""
    lines = [f"curl '{url}'", "-H 'accept: application/json, text/plain, */*'",
             "-H 'accept-language: en-GB,en;q=0.9'", f"-H 'authorization: Bearer {CANARY}'",
             "-H 'cache-control: no-cache'", "-H 'pragma: no-cache'",
             "-H 'sec-ch-ua: \"Chromium\";v=\"124\", \"Not-A.Brand\";v=\"99\"'",
             "-H 'sec-ch-ua-mobile: ?0'", "-H 'sec-fetch-dest: empty'",
             "-H 'sec-fetch-mode: cors'", "-H 'sec-fetch-site: same-origin'",
             f"-H 'user-agent: {CHROME}'", *extra]
    return " \\\n  ".join(lines)


def my_code(url: str, **headers: str) -> httpx.Request:
    """What `httpx.Client().get(url, headers=...)` sends: httpx's defaults and the caller's."""
    with httpx.Client() as client:
        return client.build_request("GET", url, headers={"Authorization": f"Bearer {CANARY}",
                                                         **headers})


@pytest.fixture(scope="module")
def rules():
    server = RulesServer()
    with serve(server) as running:
        running.rules.update({"/bot": bot_rule, "/api": api_rule(running.port),
                              "/media": media_rule, "/order": order_rule, "/case": case_rule,
                              "/post": post_rule})
        yield running


def names(c: kit.Comparison) -> set[str]:
    return {d.name.lower() for d in c.culprits}


def test_bot_rule_on_user_agent_and_accept_language(rules):
    """A bot rule wanting a browser User-Agent and an Accept-Language: exactly those two."""
    before = rules.hits["/bot"]
    c = kit.compare(chrome_copy(f"{rules.url}/bot/items?page=2"),
                    my_code(f"{rules.url}/bot/items?page=2"))
    assert names(c) == {"user-agent", "accept-language"}
    assert len(c.differences) >= 10
    assert not c.undecided
    assert c.requests_sent == rules.hits["/bot"] - before <= 2 * math.log2(len(c.differences)) + 2


def test_query_parameter_and_same_site_referer(rules):
    """An API wanting ?region=eu and a Referer from its own site."""
    url = f"{rules.url}/api/orders?region=eu&page=1"
    good = chrome_copy(url, f"-H 'referer: {rules.url}/app/'")
    c = kit.compare(good, my_code(f"{rules.url}/api/orders?page=1"))
    assert names(c) == {"region", "referer"}
    assert {d.kind for d in c.culprits} == {"query", "header"}


def test_versioned_media_type(rules):
    """Accept must name the API's version 2 media type."""
    good = f"curl '{rules.url}/media/x' -H 'Accept: application/vnd.example.v2+json' -A 'tool/1'"
    c = kit.compare(good, my_code(f"{rules.url}/media/x", **{"User-Agent": "tool/1"}))
    assert names(c) == {"accept"}


def test_header_order(rules):
    """A rule on header order (User-Agent before Accept, as browsers send them)."""
    c = kit.compare(f"curl '{rules.url}/order' -A '{CHROME}'",
                    my_code(f"{rules.url}/order", **{"User-Agent": CHROME}))
    assert [d.kind for d in c.culprits] == ["header_order"]
    assert rules.seen[-1].headers[0][0] == "Host"


def test_header_name_case(rules):
    """An old server matching 'X-Api-Version' with its exact letter case."""
    good = f"curl '{rules.url}/case' -H 'X-Api-Version: 3'"
    bad = httpx.Request("GET", f"{rules.url}/case",
                        headers=[("user-agent", "curl/8.5.0"), ("accept", "*/*"),
                                 ("x-api-version", "3")])
    c = kit.compare(good, bad)
    assert [d.kind for d in c.culprits] == ["header_case"]
    assert "X-Api-Version" in (c.culprits[0].good or "")


def test_budget_is_a_hard_ceiling(rules):
    """With a budget of 4, at most 4 requests reach the server; the rest is left undecided."""
    before = rules.hits["/bot"]
    c = kit.compare(chrome_copy(f"{rules.url}/bot/a"), my_code(f"{rules.url}/bot/a"), budget=4)
    assert rules.hits["/bot"] - before == c.requests_sent == 4
    assert c.undecided
    assert any("budget" in n for n in c.notes)


def test_no_unsafe_method_without_consent(rules):
    """A POST is never replayed unless replay_unsafe=True; then it is, within the budget."""
    before = rules.hits["/post"]
    good = f"curl '{rules.url}/post' -H 'X-Token-Ok: yes' --data-raw '{{\"a\": 1}}'"
    bad = httpx.Request("POST", f"{rules.url}/post", content=b'{"a": 1}',
                        headers={"Content-Type": "application/x-www-form-urlencoded"})
    c = kit.compare(good, bad)
    assert rules.hits["/post"] == before
    assert c.requests_sent == 0
    assert not c.culprits
    assert any("replay_unsafe" in n for n in c.notes)
    c = kit.compare(good, bad, replay_unsafe=True)
    assert names(c) == {"x-token-ok"}
    assert rules.hits["/post"] > before


def test_retry_after_stops_the_bisection():
    """A refusal with Retry-After ends the comparison after that one request."""
    server = RulesServer(rules={"/bot": bot_rule}, extra_headers={"Retry-After": "30"})
    with serve(server) as s:
        c = kit.compare(chrome_copy(f"{s.url}/bot"), my_code(f"{s.url}/bot"))
        assert s.hits["/bot"] == 1
        assert c.requests_sent == 1
        assert any("Retry-After" in n for n in c.notes)


def test_same_requests_and_working_also_refused(rules):
    """Nothing to bisect: identical requests send nothing; a refused 'working' one says so."""
    req = my_code(f"{rules.url}/bot/x")
    c = kit.compare(req, req)
    assert c.differences == []
    assert c.requests_sent == 0
    c = kit.compare(f"curl {rules.url}/bot/x -A curl/8", my_code(f"{rules.url}/bot/x"))
    assert c.culprits == []
    assert c.requests_sent == 2
    assert any("outside the request" in n for n in c.notes)


def test_no_canary_in_any_rendering(rules, tmp_path, caplog):
    """The shared credential shows nowhere: differences, renderings, JSON, bundle, logs."""
    caplog.set_level("DEBUG")
    c = kit.compare(chrome_copy(f"{rules.url}/bot/z?token={CANARY}"),
                    my_code(f"{rules.url}/bot/z?token={CANARY}"))
    assert names(c) == {"user-agent", "accept-language"}
    assert not any(d.name == "authorization" for d in c.differences)
    path = c.bundle(tmp_path / "b.md")
    texts = [c.to_text(), c.to_markdown(), c.to_html(), c.to_json(), repr(c),
             path.read_text(), caplog.text, *map(repr, c.differences)]
    assert all(CANARY not in t and CANARY[7:] not in t for t in texts)


def test_differing_credentials_are_masked(rules):
    """Two different tokens are a difference, shown masked (fingerprints, never the values)."""
    good = f"curl {rules.url}/x -H 'Authorization: Bearer {CANARY}-good'"
    c = kit.compare(good, my_code(f"{rules.url}/x"), budget=0)
    auth = next(d for d in c.differences if d.name == "authorization")
    assert auth.good.startswith("Bearer [secure")
    assert CANARY not in auth.good + auth.bad


@pytest.fixture(scope="module")
def tls_server(tmp_path_factory):
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    base = tmp_path_factory.mktemp("tls")
    cert_file, key_file, ca_file = base / "cert.pem", base / "key.pem", base / "ca.pem"
    cert.private_key_and_cert_chain_pem.write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    ca.cert_pem.write_to_path(str(ca_file))
    with serve_h2_only(str(cert_file), str(key_file)) as (url, hits):
        yield url, hits, str(ca_file)


def test_http2_only_server(tls_server):
    """A server refusing HTTP/1.1: the culprit is the HTTP version, sent for real over h2."""
    url, hits, ca = tls_server
    good = f"curl '{url}/v1/things' -A 'tool/1'"  # curl negotiates HTTP/2 over https
    bad = httpx.Request("GET", f"{url}/v1/things", headers={"User-Agent": "tool/1",
                                                             "Accept": "*/*"})
    c = kit.compare(good, bad, verify=ca)
    assert [d.kind for d in c.culprits] == ["http_version"]
    assert hits["2"] >= 1
    assert hits["1.1"] >= 1


def test_tls_stack_variant(tls_server):
    """Another TLS stack (curl_cffi, Chrome's client hello) is sent and recorded as such."""
    pytest.importorskip("curl_cffi", reason="the tls extra (curl_cffi) is not installed: only "
                        "this variant is skipped")
    url, hits, ca = tls_server
    before = sum(hits.values())
    har = {"request": {"method": "GET", "url": f"{url}/tls", "httpVersion": "HTTP/1.1",
                       "headers": [{"name": "User-Agent", "value": "tool/1"}]},
           "response": {"status": 200}}
    bad = httpx.Request("GET", f"{url}/tls", headers={"User-Agent": "tool/1"})
    c = kit.compare(har, bad, verify=ca)
    assert {d.kind for d in c.differences} == {"tls"}
    # The h2-only server refuses HTTP/1.1 from either stack: the TLS change alone does not help,
    # and the comparison says the cause lies outside what it changed.
    assert c.culprits == []
    assert sum(hits.values()) - before == c.requests_sent == 2
    assert "with every difference" in c.exchanges[1].label


def test_budget_of_requests_scales_with_log_n(rules):
    """One culprit among many differences costs about log2(n) + 2 requests, not n."""
    extra = [f"-H 'x-extra-{i}: {i}'" for i in range(20)]
    c = kit.compare(f"curl '{rules.url}/media/y' -A 'tool/1' " + " ".join(extra) +
                    " -H 'Accept: application/vnd.example.v2+json'",
                    my_code(f"{rules.url}/media/y", **{"User-Agent": "tool/1"}), budget=32)
    n = len(c.differences)
    assert names(c) == {"accept"}
    assert c.requests_sent <= 2 * math.log2(n) + 1


def test_cli_compare(rules, tmp_path, capsys):
    """`forbidden-kit compare WORKING @FILE` prints the culprits and exits 0; bad input exits 2."""
    from kit.cli import main

    failing = tmp_path / "failing.sh"
    failing.write_text(f"curl '{rules.url}/bot/c' -H 'Authorization: Bearer {CANARY}'")
    code = main(["compare", chrome_copy(f"{rules.url}/bot/c"), f"@{failing}",
                 "--bundle", str(tmp_path / "b.md")])
    out = capsys.readouterr()
    assert code == 0
    assert "What makes the difference: header accept-language, header user-agent" in out.out
    assert CANARY not in out.out + out.err + (tmp_path / "b.md").read_text()
    assert main(["compare", "wget x", f"@{failing}"]) == 2
    assert "not a curl command" in capsys.readouterr().err


def test_wire_variants_find_order_and_case(rules):
    """Each wire-level variant changes one thing; the server's rule answers the right one."""
    order = {v.label: v.status for v in kit.wire_variants(f"{rules.url}/order",
                                                          headers={"User-Agent": CHROME})}
    assert order["as given"] == 403
    assert order["browser header order"] == 200
    assert order["header names lower-case"] == 403
    case = {v.label: v for v in kit.wire_variants(f"{rules.url}/case",
                                                  headers=[("x-api-version", "3")])}
    assert case["header names Title-Case"].status == 200
    assert case["as given"].status == 403
    assert case["HTTP/2"].exchange is None
    assert "https" in case["HTTP/2"].skipped


def test_wire_variants_http2_and_budget(tls_server):
    """Against the HTTP/2-only server only the HTTP/2 variants pass; the budget is a ceiling."""
    url, hits, ca = tls_server
    before = sum(hits.values())
    got = {v.label: v for v in kit.wire_variants(f"{url}/w", verify=ca, budget=4)}
    assert got["as given"].status == 403
    assert got["HTTP/2"].status == 200
    assert sum(hits.values()) - before == 4
    assert "budget" in got["browser TLS stack"].skipped
    with pytest.raises(ValueError, match="not safe"):
        kit.wire_variants(f"{url}/w", method="POST")


def test_masked_record_is_replayed_with_the_working_secret(rules):
    """A recorded Exchange holds masked secrets; those the working request holds too (same
    fingerprint) are replayed for real, in headers and in the query."""
    url = f"{rules.url}/bot/r?api_key={CANARY}"
    with httpx.Client() as client:
        history = kit.record(client)
        client.get(url, headers={"Authorization": f"Bearer {CANARY}"})
    recorded = list(history)[-1]
    assert CANARY not in recorded.url
    c = kit.compare(chrome_copy(url), recorded)
    assert names(c) == {"user-agent", "accept-language"}
    assert not any(d.kind == "query" or d.name == "authorization" for d in c.differences)
    assert rules.seen[-1].query["api_key"] == [CANARY]
