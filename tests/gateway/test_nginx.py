"""The nginx evaluator on hand-built configurations with known answers."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from kit._causes import Cause
from kit._gateway.model import AuditRequest, AuditResult, ConfigError
from kit._gateway.nginx.parse import load_nginx, looks_like_nginx, parse_nginx
from kit._http.secrets import mask

CANARY = "canary-7f3e9a1b5c2d4e6f"

SITE = """\
map $http_x_api_key $key_ok {
    default 0;
    "CANARY" 1;
    ~^test- 2;
}
map $http_user_agent $bad_agent { default 0; ~*(curl|wget) 1; }
geo $office { default 0; 10.0.0.0/8 1; 10.9.0.0/16 0; }
geo $remote_addr $partner { ranges; default 0; 192.0.2.10-192.0.2.20 1; }
limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;
server {
    listen 80 default_server;
    server_name example.com;
    if ($bad_agent) { return 403; }
    location / { root /srv/www; }
    location = /health { return 200 "ok"; }
    location /admin/ {
        allow 203.0.113.0/24;
        deny all;
    }
    location /api/ {
        limit_req zone=api burst=5 nodelay;
        if ($key_ok = 0) { return 403; }
        proxy_pass http://127.0.0.1:9000;
    }
    location ^~ /static/ { root /srv/static; }
    location ~* \\.(png|jpg)$ { deny all; }
    location /office/ { if ($office = 0) { return 403; } allow all; }
    location /partner/ { if ($partner = 0) { return 403; } }
    location /files/ {
        location /files/private/ { deny all; }
        location ~ \\.tmp$ { return 404; }
    }
    location /old/ { rewrite ^/old/(.*)$ /admin/$1 last; }
    location /loop/ { rewrite ^ /loop/again last; }
    location /write/ { limit_except GET { allow 198.51.100.7; deny all; } }
    location /basic/ { auth_basic "Private"; auth_basic_user_file /nonexistent/htpasswd; }
    location /sso/ { auth_request /_check; proxy_pass http://127.0.0.1:9001; }
    location = /_check { internal; proxy_pass http://127.0.0.1:9002; }
    location /hidden/ { internal; }
    location /closed/ { return 403; }
    location /race/ { if ($http_x_debug) { return 403; } allow 192.0.2.1; deny all; }
    location /pretty/ { deny all; error_page 403 =200 /sorry.html; }
    location ~ ^/users/(?<id>\\d+)$ { if ($id = 0) { return 404; } return 200 "user"; }
}
server {
    listen 80;
    server_name *.example.org;
    location / { deny all; }
}
server {
    listen 8080;
    server_name ~^api\\d+\\.example\\.net$;
    location / { return 418; }
}
""".replace("CANARY", CANARY)


@pytest.fixture(scope="module")
def site() -> object:
    """The hand-built site, parsed from text."""
    return parse_nginx(SITE, "site.conf")


def audit(config: object, method: str, url: str, address: str | None = "198.51.100.1",
          headers: dict[str, str] | None = None, **kw: object) -> AuditResult:
    request = AuditRequest.build(method, url, headers=headers or {}, source_address=address,
                                 **kw)  # type: ignore[arg-type]
    return config.evaluate(request)  # type: ignore[attr-defined, no-any-return]


CASES = [
    # method, url, address, headers, status, rule line, cause
    ("GET", "/", "198.51.100.1", {}, 200, 14, None),
    ("GET", "/health", None, {}, 200, 15, None),
    ("GET", "/admin/users", "203.0.113.9", {}, 200, 16, None),
    ("GET", "/admin/users", "198.51.100.1", {}, 403, 18, Cause.IP_ALLOWLIST),
    ("GET", "/api/x", "198.51.100.1", {}, 403, 22, Cause.API_KEY),
    ("GET", "/api/x", "198.51.100.1", {"x-api-key": CANARY}, 200, 23, None),
    ("GET", "/api/x", "198.51.100.1", {"x-api-key": "test-abc"}, 200, 23, None),
    ("GET", "/static/a.png", "198.51.100.1", {}, 200, 25, None),
    ("GET", "/b.PNG", "198.51.100.1", {}, 403, 26, Cause.IP_ALLOWLIST),
    ("GET", "/office/", "10.1.2.3", {}, 200, 27, None),
    ("GET", "/office/", "10.9.1.1", {}, 403, 27, Cause.IP_ALLOWLIST),
    ("GET", "/partner/", "192.0.2.15", {}, 200, 28, None),
    ("GET", "/partner/", "192.0.2.21", {}, 403, 28, Cause.IP_ALLOWLIST),
    ("GET", "/files/private/x", "198.51.100.1", {}, 403, 30, Cause.IP_ALLOWLIST),
    ("GET", "/files/a.tmp", "198.51.100.1", {}, 404, 31, Cause.CONFIGURATION),
    ("GET", "/files/private/a.tmp", "198.51.100.1", {}, 404, 31, Cause.CONFIGURATION),
    ("GET", "/old/users", "198.51.100.1", {}, 403, 18, Cause.IP_ALLOWLIST),
    ("GET", "/old/users", "203.0.113.5", {}, 200, 16, None),
    ("GET", "/loop/x", "198.51.100.1", {}, 500, 34, Cause.CONFIGURATION),
    ("GET", "/write/", "198.51.100.1", {}, 200, 35, None),
    ("POST", "/write/", "198.51.100.1", {}, 403, 35, Cause.IP_ALLOWLIST),
    ("POST", "/write/x", "198.51.100.7", {}, 405, 35, Cause.CONFIGURATION),
    ("GET", "/basic/", "198.51.100.1", {}, 401, 36, Cause.AUTHENTICATION),
    ("GET", "/sso/", "198.51.100.1", {}, 200, 37, None),
    ("GET", "/hidden/", "198.51.100.1", {}, 404, 39, Cause.CONFIGURATION),
    ("GET", "/closed/", "198.51.100.1", {}, 403, 40, Cause.CONFIGURATION),
    ("GET", "/race/", "192.0.2.1", {"x-debug": "1"}, 403, 41, Cause.CONFIGURATION),
    ("GET", "/race/", "192.0.2.1", {}, 200, 41, None),
    ("GET", "/pretty/", "198.51.100.1", {}, 200, 42, None),
    ("GET", "/users/0", "198.51.100.1", {}, 404, 43, Cause.CONFIGURATION),
    ("GET", "/users/7", "198.51.100.1", {}, 200, 43, None),
    ("GET", "/", "198.51.100.1", {"user-agent": "curl/8"}, 403, 13, Cause.SECURITY_POLICY),
    ("GET", "http://a.example.org/", "198.51.100.1", {}, 403, 48, Cause.IP_ALLOWLIST),
    ("GET", "http://api7.example.net:8080/", "198.51.100.1", {}, 418, 53, Cause.CONFIGURATION),
    ("GET", "/a/../../etc/passwd", "198.51.100.1", {}, 400, 10, Cause.CONFIGURATION),
    ("GET", "/%61dmin/x", "203.0.113.1", {}, 200, 16, None),
    ("DELETE", "/x.html", "198.51.100.1", {}, 405, 14, Cause.CONFIGURATION),
]


@pytest.mark.parametrize(("method", "url", "address", "headers", "status", "line", "cause"),
                         CASES)
def test_decisions(site: object, method: str, url: str, address: str | None,
                   headers: dict[str, str], status: int, line: int, cause: Cause | None) -> None:
    """Each request gets nginx's status, the deciding rule's line and the cause."""
    result = audit(site, method, url, address, headers)
    assert (result.status, result.allowed) == (status, status < 400), result.reason
    assert result.rule is not None
    assert result.rule.line == line, (result.rule, result.reason)
    assert result.cause == cause
    assert (result.fix == "") == result.allowed


def test_steps_limits_and_assumptions(site: object) -> None:
    """The trace lists the location search; limits and assumptions are reported."""
    result = audit(site, "GET", "/api/x", headers={"x-api-key": CANARY})
    assert any("longest prefix" in s.says for s in result.steps)
    assert [lim.per_second for lim in result.limits] == [10.0]
    assert result.limits[0].status == 503
    assert any("upstream" in a for a in result.assumptions)


def test_rate_above_zone_is_refused(site: object) -> None:
    """Faster than the zone's rate: limit_req's 503; the rewrite-phase key check comes first."""
    assert audit(site, "GET", "/api/x", rate=50.0).status == 403  # rewrite before preaccess
    result = audit(site, "GET", "/api/x", rate=50.0, headers={"x-api-key": CANARY})
    assert (result.status, result.cause) == (503, Cause.RATE_LIMIT)
    assert result.rule is not None
    assert result.rule.line == 21
    assert "rate=" in result.fix
    assert "site.conf:9" in result.fix


def test_auth_request_answer_from_context(site: object) -> None:
    """The auth endpoint's answer is an assumption unless context names it."""
    allowed = audit(site, "GET", "/sso/")
    assert allowed.allowed
    assert any("auth_request" in a for a in allowed.assumptions)
    refused = audit(site, "GET", "/sso/", context={"auth_request": "403"})
    assert (refused.status, refused.cause) == (403, Cause.AUTHENTICATION)
    assert audit(site, "GET", "/sso/", context={"auth_request": "500"}).status == 500


def test_basic_auth_with_header_is_an_assumption(site: object) -> None:
    """Credentials present but the user file unreadable: allowed, with an assumption."""
    token = base64.b64encode(b"alice:secret").decode()
    result = audit(site, "GET", "/basic/", headers={"authorization": f"Basic {token}"})
    assert result.allowed
    assert any("not readable" in a for a in result.assumptions)


def test_basic_auth_checks_plain_and_sha_entries(tmp_path: Path) -> None:
    """A readable htpasswd with {PLAIN} and {SHA} entries is checked for real."""
    (tmp_path / "users").write_text("alice:{PLAIN}wonder\nbob:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=\n")
    conf = tmp_path / "site.conf"
    conf.write_text('server { location / { auth_basic "x"; auth_basic_user_file users; } }\n')
    config = load_nginx(conf)

    def basic(pair: str) -> dict[str, str]:
        return {"authorization": "Basic " + base64.b64encode(pair.encode()).decode()}

    assert audit(config, "GET", "/", headers=basic("alice:wonder")).status == 200
    assert audit(config, "GET", "/", headers=basic("alice:nope")).status == 401
    assert audit(config, "GET", "/", headers=basic("bob:password")).status == 200
    assert audit(config, "GET", "/", headers=basic("carol:x")).status == 401


def test_masked_credentials_are_present_value_unknown(site: object) -> None:
    """A masked Authorization header (from a Diagnosis) counts as present, validity assumed."""
    result = audit(site, "GET", "/basic/", headers={"authorization": f"Basic {mask(CANARY)}"})
    assert result.allowed
    assert any("could not be checked" in a for a in result.assumptions)


def test_canary_never_leaks(site: object) -> None:
    """A key written in the config and sent in the request appears nowhere in the result."""
    for headers in ({"x-api-key": CANARY}, {"x-api-key": "wrong", "authorization": CANARY}):
        result = audit(site, "GET", "/api/x", headers=headers)
        text = str(result) + repr(result.to_dict()) + result.to_markdown() + repr(result)
        assert CANARY not in text
    assert CANARY not in repr(site.lines())  # type: ignore[attr-defined]
    assert CANARY in SITE
    refused = audit(site, "GET", "/api/x", headers={"x-api-key": CANARY + "x"})
    assert refused.status == 403
    assert CANARY not in repr(refused.to_dict())


def test_if_comparison_key_is_masked() -> None:
    """A key compared in an if is a secret too: the rule text masks it."""
    config = parse_nginx(f'server {{ location / {{ if ($http_x_api_key != "{CANARY}") '
                         '{ return 403; } } }', "k.conf")
    result = audit(config, "GET", "/", headers={"x-api-key": "other"})
    assert result.status == 403
    assert result.cause == Cause.API_KEY
    assert CANARY not in repr(result.to_dict())


def _apply(text: str, old: str, new: str) -> object:
    assert old in text
    return parse_nginx(text.replace(old, new, 1), "site.conf")


def test_fix_for_deny_lets_the_request_through(site: object) -> None:
    """The deny fix ("add allow X above deny all") applied by hand admits the request."""
    result = audit(site, "GET", "/admin/users", "198.51.100.1")
    assert "add `allow 198.51.100.1;` above `deny all;` at site.conf:18" in result.fix
    fixed = _apply(SITE, "        deny all;\n", "        allow 198.51.100.1;\n        deny all;\n")
    assert audit(fixed, "GET", "/admin/users", "198.51.100.1").allowed


def test_fix_for_geo_guarded_return(site: object) -> None:
    """The geo fix names the geo block; adding the address there admits the request."""
    result = audit(site, "GET", "/office/", "10.9.1.1")
    assert "geo $office block at site.conf:7" in result.fix
    assert "before the `allow` rules at :27" in result.fix
    fixed = _apply(SITE, "10.9.0.0/16 0;", "10.9.0.0/16 0; 10.9.1.1 1;")
    assert audit(fixed, "GET", "/office/", "10.9.1.1").allowed


def test_fix_for_closed_location_and_limit_except(site: object) -> None:
    """return-403 and limit_except fixes name the line; applying them admits the request."""
    closed = audit(site, "GET", "/closed/")
    assert "remove the `return 403;` at site.conf:40" in closed.fix
    fixed = _apply(SITE, "location /closed/ { return 403; }", "location /closed/ { }")
    assert audit(fixed, "GET", "/closed/").allowed
    write = audit(site, "POST", "/write/x", "198.51.100.9")
    assert "add POST to `limit_except GET` at site.conf:35" in write.fix
    fixed = _apply(SITE, "limit_except GET {", "limit_except GET POST {")
    assert audit(fixed, "POST", "/write/x", "198.51.100.9").status == 405  # static refuses POST


def test_fix_for_rate_limit(site: object) -> None:
    """Raising the zone's rate as the fix says lets the caller's rate through."""
    assert not audit(site, "GET", "/api/x", rate=50.0, headers={"x-api-key": CANARY}).allowed
    fixed = _apply(SITE, "rate=10r/s", "rate=100r/s")
    assert audit(fixed, "GET", "/api/x", rate=50.0, headers={"x-api-key": CANARY}).allowed


def test_file_tests_and_unknown_variables_are_assumptions() -> None:
    """A file test condition is assumed false, an unknown variable empty: both recorded."""
    config = parse_nginx("server { location / { if (!-f $request_filename) { return 404; } "
                         "} }", "t.conf")
    result = audit(config, "GET", "/x")
    assert result.status == 200
    assert any("file test" in a for a in result.assumptions)
    config = parse_nginx("server { location / { if (-f $request_filename) { return 404; } "
                         "if ($mystery) { return 403; } } }", "t.conf")
    result = audit(config, "GET", "/x")
    assert result.status == 200
    assert any("file test" in a for a in result.assumptions)
    assert any("$mystery" in a for a in result.assumptions)


def test_rewrite_without_flag_searches_again_and_captures() -> None:
    """A flagless rewrite changes $uri; nginx searches the locations again afterwards."""
    config = parse_nginx("server { location /a/ { rewrite ^/a/(.*)$ /b/$1; } "
                         "location /b/ { return 410; } location /c/ { rewrite ^ /b/ break; "
                         "return 403; } }", "r.conf")
    assert audit(config, "GET", "/a/x").status == 410
    assert audit(config, "GET", "/c/").status == 200  # break: no re-search, no return
    moved = parse_nginx("server { location / { rewrite ^/(.*)$ https://x.test/$1 permanent; } }")
    assert audit(moved, "GET", "/p").status == 301


def test_nested_prefix_inside_caret_tilde_and_regex_order() -> None:
    """^~ stops the outer regexes; a nested regex still runs; the first regex wins."""
    config = parse_nginx(r"""server {
        location ^~ /s/ { location ~ \.php$ { return 402; } }
        location ~ \.php$ { return 403; }
        location ~ \.ph { return 404; }
        location = /s/x.php { return 200; }
    }""", "n.conf")
    assert audit(config, "GET", "/s/a.php").status == 402
    assert audit(config, "GET", "/s/x.php").status == 200
    assert audit(config, "GET", "/a.php").status == 403
    assert audit(config, "GET", "/a.phtml").status == 404


def test_server_level_return_beats_location_allow() -> None:
    """A server-level if/return answers before the location's allow is consulted."""
    config = parse_nginx('server { if ($http_x_block) { return 403; } '
                         'location / { allow all; } }', "s.conf")
    result = audit(config, "GET", "/", headers={"x-block": "1"})
    assert result.status == 403
    assert "server rewrite phase" in result.reason


def test_satisfy_any_and_auto_redirect() -> None:
    """satisfy any: one OK is enough, 401 wins over 403; /x redirects to /x/ for a proxy."""
    config = parse_nginx('server { location / { satisfy any; allow 10.0.0.1; deny all; '
                         'auth_basic "x"; } location /app/ { proxy_pass http://u; } }', "a.conf")
    assert audit(config, "GET", "/", "10.0.0.1").status == 200
    assert audit(config, "GET", "/", "10.0.0.2").status == 401
    assert audit(config, "GET", "/app").status == 301


def test_bare_locations_form_an_implicit_server() -> None:
    """A file of location blocks only is one implicit server."""
    config = parse_nginx("location / { deny all; }\nlocation /ok/ { allow all; }\n", "l.conf")
    assert audit(config, "GET", "/").status == 403
    assert audit(config, "GET", "/ok/").status == 200


MALFORMED = [
    ("server { location / { deny all; }", "b.conf:1", "expecting"),
    ("server {\n  location / { deny all }\n}", "b.conf:2", 'no ending ";"'),
    ("server { }\n}", "b.conf:2", 'unexpected "}"'),
    ("server {\n location !~ /x { }\n}", "b.conf:2", "invalid location modifier"),
    ("server {\n location ~ ^/(x { }\n}", "b.conf:2", "invalid regex"),
    ("server {\n location / {\n  allow 10.0.0.300;\n }\n}", "b.conf:3", "invalid parameter"),
    ("server {\n return /nowhere;\n}", "b.conf:2", "invalid return code"),
    ("server {\n location / { limit_req zone=nope; }\n}", "b.conf:2", "unknown"),
    ("server {\n location / {\n  if ($a) { allow all; }\n }\n}", "b.conf:3", "not allowed"),
    ('server {\n location / { return 200 "x; }\n}\n', "b.conf:2", "unterminated"),
    ("server {\n if $a { return 403; }\n}", "b.conf:2", "parentheses"),
    ("geo $g {\n default 0;\n 10.0.0/33 1;\n}\nserver { }", "b.conf:3", "invalid network"),
]


@pytest.mark.parametrize(("text", "where", "words"), MALFORMED)
def test_malformed_configs_name_file_and_line(text: str, where: str, words: str) -> None:
    """A malformed configuration raises ConfigError with file:line and a hint."""
    with pytest.raises(ConfigError) as caught:
        parse_nginx(text, "b.conf")
    assert where in str(caught.value)
    assert words in str(caught.value)
    assert caught.value.hint


def test_includes_globs_and_missing_files(tmp_path: Path) -> None:
    """include follows globs relative to the main file; a missing plain file names the line."""
    (tmp_path / "sites").mkdir()
    (tmp_path / "sites" / "a.conf").write_text("server {\n  location / { deny all; }\n}\n")
    main = tmp_path / "nginx.conf"
    main.write_text("events { }\nhttp {\n  include sites/*.conf;\n  include none/*.conf;\n}\n")
    config = load_nginx(main)
    result = audit(config, "GET", "/")
    assert result.status == 403
    assert result.rule is not None
    assert result.rule.source.endswith("a.conf")
    assert result.rule.line == 2
    assert set(config.lines()) == {str(main), str(tmp_path / "sites" / "a.conf")}
    main.write_text("http {\n  include sites/a.conf;\n  include missing.conf;\n}\n")
    with pytest.raises(ConfigError, match=r"nginx\.conf:3.*missing\.conf"):
        load_nginx(main)


def test_looks_like_nginx() -> None:
    """The sniff tells nginx text from JSON and YAML."""
    assert looks_like_nginx("server {\n listen 80;\n location / { }\n}\n")
    assert looks_like_nginx("# site\nlocation /api/ { proxy_pass http://x; }\n")
    assert looks_like_nginx("http {\n server { }\n}\n")
    assert not looks_like_nginx('{"server": {"listen": 80}}')
    assert not looks_like_nginx("server:\n  listen: 80\n")
    assert not looks_like_nginx("just some words\n")


def test_catch_all_return_suggests_a_location() -> None:
    """A return in the catch-all location: the fix proposes a location for the path."""
    config = parse_nginx("server {\n  location / { return 403; }\n}\n", "c.conf")
    result = audit(config, "GET", "/reports/2024")
    assert "add a `location /reports/`" in result.fix
    assert "c.conf:2" in result.fix
    fixed = parse_nginx("server {\n  location / { return 403; }\n  location /reports/ { }\n}\n")
    assert audit(fixed, "GET", "/reports/2024").allowed


def test_merge_slashes_off_and_query_values_not_overmasked() -> None:
    """merge_slashes off keeps // (no prefix match); plain query values stay readable."""
    config = parse_nginx("server {\n merge_slashes off;\n location /a/ { return 403; }\n"
                         " location / { }\n}\n", "m.conf")
    assert audit(config, "GET", "//a/x").status == 200
    assert audit(config, "GET", "/a/x").status == 403
    result = audit(config, "GET", "/a/x?page=admin-area")
    assert "/a/" in result.reason
    assert "location /a/" in result.fix


def test_include_in_text_is_noted_and_try_files_assumed() -> None:
    """Text with an include: not followed, recorded; try_files' first candidate is assumed."""
    config = parse_nginx("server {\n include snippets/x.conf;\n location / {\n"
                         "  try_files $uri $uri/ =404;\n }\n}\n", "t.conf")
    result = audit(config, "GET", "/page")
    assert result.status == 200
    assert any("t.conf:2" in a and "not followed" in a for a in result.assumptions)
    assert any("try_files" in a for a in result.assumptions)
    closed = audit(parse_nginx("server { location / { return 444; } }"), "GET", "/")
    assert closed.status == 444
    assert not closed.allowed


MAPS = r"""
map $host $tenant { hostnames; default none; .shop.test shop; www.* www; api.shop.test api; }
map $uri $section { volatile; default ""; ~^/s/(?<name>[a-z]+)/ $name; \default literal; }
geo $http_x_real_ip $trusted { default 0; 192.0.2.0/24 1; }
server {
  location /t/ { if ($tenant = none) { return 403; } if ($tenant = www) { return 402; } }
  location /s/ { if ($section = "") { return 404; } if ($section = admin) { return 403; } }
  location /g/ { if ($trusted = 0) { return 403; } }
}
"""


@pytest.mark.parametrize(("url", "headers", "status"), [
    ("http://api.shop.test/t/", {}, 200),  # exact beats the .shop.test mask
    ("http://x.shop.test/t/", {}, 200),
    ("http://shop.test/t/", {}, 200),  # ".shop.test" also matches the bare name
    ("http://www.other.test/t/", {}, 402),  # suffix mask
    ("http://elsewhere.test/t/", {}, 403),  # default
    ("/s/docs/x", {}, 200),  # regex capture becomes the value
    ("/s/admin/x", {}, 403),
    ("/s/", {}, 404),
    ("/g/", {"x-real-ip": "192.0.2.8"}, 200),  # geo over a given variable
    ("/g/", {"x-real-ip": "198.51.100.8"}, 403),
])
def test_map_and_geo_variants(url: str, headers: dict[str, str], status: int) -> None:
    """map: exact, masks, regex captures; geo over a header: the value nginx would compute."""
    config = parse_nginx(MAPS, "maps.conf")
    assert audit(config, "GET", url, headers=headers).status == status


def test_unknown_client_address_is_an_assumption(site: object) -> None:
    """Without a source address the allow rules cannot match; the audit says so."""
    result = audit(site, "GET", "/admin/x", address=None)
    assert result.status == 403
    assert any("client address is unknown" in a for a in result.assumptions)


@pytest.mark.parametrize("text", [
    'server { location / { if ($http_x_api_key = "%s" extra) { return 403; } } }',
    "map $http_x_api_key $ok {\n default 0;\n %s;\n}\nserver { }",
])
def test_config_errors_never_echo_keys(text: str) -> None:
    """A malformed line holding a key: the ConfigError names the line, not the key."""
    with pytest.raises(ConfigError) as caught:
        parse_nginx(text.replace("%s", CANARY), "k.conf")
    assert "k.conf:" in str(caught.value)
    assert CANARY not in str(caught.value)


def test_empty_limit_key_is_not_limited_and_default_server() -> None:
    """A limit_req key that maps to "" is not counted; an unknown Host gets default_server."""
    config = parse_nginx("""
map $remote_addr $limit_key { default $binary_remote_addr; 10.0.0.1 ""; }
limit_req_zone $limit_key zone=z:1m rate=1r/s;
server { listen 80; server_name first.test; location / { return 200; } }
server { listen 80 default_server; server_name second.test; location / { return 418; }
         location /l/ { limit_req zone=z; } }
""", "z.conf")
    assert audit(config, "GET", "http://nothing.test/").status == 418
    assert audit(config, "GET", "http://first.test/").status == 200
    trusted = audit(config, "GET", "http://second.test/l/", "10.0.0.1", rate=100.0)
    assert trusted.status == 200
    assert trusted.limits == ()
    limited = audit(config, "GET", "http://second.test/l/", "10.0.0.2", rate=100.0)
    assert (limited.status, limited.cause) == (503, Cause.RATE_LIMIT)


def test_limit_req_status_and_return_url() -> None:
    """limit_req_status changes the refusal code; `return URL` is a 302 redirect."""
    config = parse_nginx("""
limit_req_zone $binary_remote_addr zone=z:1m rate=5r/s;
server {
  limit_req_status 429;
  location /l/ { limit_req zone=z burst=10 nodelay; }
  location /go { return https://example.com$request_uri; }
}""", "q.conf")
    limited = audit(config, "GET", "/l/", rate=6.0)
    assert (limited.status, limited.cause) == (429, Cause.RATE_LIMIT)
    assert limited.limits[0].status == 429
    assert "burst 10 nodelay" in limited.limits[0].describe
    assert audit(config, "GET", "/l/", rate=5.0).status == 200
    moved = audit(config, "GET", "/go?x=1")
    assert (moved.status, moved.allowed) == (302, True)
    assert "https://example.com/go?x=1" in moved.reason
