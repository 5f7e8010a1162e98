"""Kong declarative configurations walked through Kong's router and plugins.

The evaluator is kit._gateway.kong.config.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kit._causes import Cause
from kit._gateway.document import load_document, parse_document
from kit._gateway.kong.config import KongConfig, load_kong, looks_like_kong
from kit._gateway.model import AuditRequest, AuditResult, ConfigError, GatewayConfig
from kit._http.secrets import mask

DATA = Path(__file__).parents[1] / "data" / "audit" / "kong"
ALICE = "alice-key-0123456789abcdef"
BOB = "bob-key-fedcba9876543210"


def kong(text: str, source: str = "kong.yml") -> KongConfig:
    return load_kong(parse_document(text, source))


def walk(config: KongConfig, method: str = "GET", url: str = "/", **kw: Any) -> AuditResult:
    return config.evaluate(AuditRequest.build(method, url, **kw))


@pytest.fixture(scope="module")
def main() -> KongConfig:
    return load_kong(load_document(DATA / "kong.yml"))


def test_protocol_and_repr(main: KongConfig) -> None:
    """The loaded file is a GatewayConfig of kind kong, and its repr counts entities."""
    assert isinstance(main, GatewayConfig)
    assert main.kind == "kong"
    assert "6 routes" in repr(main)
    assert main.lines()[main.source][0] == '_format_version: "3.0"'


@pytest.mark.parametrize(("method", "url", "headers", "addr", "allowed", "status", "line",
                          "cause"), [
    ("GET", "/admin", {"apikey": BOB}, "10.1.2.3", True, 200, 9, None),
    ("GET", "/admin", {"apikey": BOB}, "203.0.113.9", False, 403, 12, Cause.IP_ALLOWLIST),
    ("GET", "/admin", {}, "203.0.113.9", False, 401, 52, Cause.API_KEY),
    ("GET", "/admin", {"apikey": ALICE}, "10.1.2.3", False, 403, 15, Cause.PERMISSIONS),
    ("GET", "/admin?apikey=" + BOB, {}, "10.1.2.3", True, 200, 9, None),
    ("GET", "/admin", {"apikey": "not-a-known-key-123"}, "10.1.2.3", False, 401, 52,
     Cause.API_KEY),
    ("POST", "/reports", {"apikey": ALICE}, None, True, 200, 6, None),
    ("GET", "/reports", {"apikey": ALICE}, None, False, 404, 6, Cause.CONFIGURATION),
    ("GET", "/public", {}, None, False, 401, 52, Cause.API_KEY),
    ("GET", "/maintenance", {"apikey": ALICE}, None, False, 503, 33, Cause.CONFIGURATION),
    ("GET", "http://api.test/secure", {"apikey": ALICE}, None, False, 426, 37,
     Cause.CONFIGURATION),
    ("GET", "https://api.test/secure", {"apikey": ALICE}, None, True, 200, 37, None),
    ("GET", "/invoices", {"apikey": ALICE}, None, True, 200, 18, None),
])
def test_main_table(main: KongConfig, method: str, url: str, headers: dict[str, str],
                    addr: str | None, allowed: bool, status: int, line: int,
                    cause: Cause | None) -> None:
    """Each request gets Kong's answer and the deciding rule's line in kong.yml."""
    result = walk(main, method, url, headers=headers, source_address=addr)
    assert (result.allowed, result.status) == (allowed, status), result.reason
    assert result.rule is not None
    assert result.rule.line == line
    assert result.cause == cause
    assert bool(result.fix) is not allowed


def test_messages_name_the_rule(main: KongConfig) -> None:
    """Reasons and fixes carry Kong's message, the file and the concrete value."""
    ip = walk(main, "GET", "/admin", headers={"apikey": BOB}, source_address="203.0.113.9")
    assert "IP address not allowed: 203.0.113.9" in ip.reason
    assert ip.fix == ("add 203.0.113.9 to config.allow of the ip-restriction plugin on route "
                      f"admin ({main.source}:14)")
    nokey = walk(main, "GET", "/admin")
    assert "No API key found in request" in nokey.reason
    assert nokey.fix == f"send the key in header apikey (key-auth key_names at {main.source}:54)"
    method = walk(main, "GET", "/reports", headers={"apikey": ALICE})
    assert "no Route matched with those values" in method.reason
    assert method.fix == f"add GET to route reports' methods ({main.source}:8)"
    group = walk(main, "GET", "/admin", headers={"apikey": ALICE}, source_address="10.0.0.1")
    assert group.fix.startswith("add group admins to consumer alice's acls")


def test_disabled_route_plugin_does_not_hide_global(main: KongConfig) -> None:
    """An enabled: false instance is not loaded, so the global key-auth still applies."""
    result = walk(main, "GET", "/public")
    assert result.status == 401
    assert any(s.effect == "skip" and "disabled" in s.says for s in result.steps)


def test_rate_limit_listed_and_exceeded(main: KongConfig) -> None:
    """Limits are listed; a rate above the tightest one (100/minute) answers 429."""
    calm = walk(main, "GET", "/invoices", headers={"apikey": ALICE}, rate=1.5)
    assert calm.allowed
    assert {lim.quota for lim in calm.limits} == {5, 100}
    assert all(lim.status == 429 for lim in calm.limits)
    busy = walk(main, "GET", "/invoices", headers={"apikey": ALICE}, rate=2)
    assert (busy.allowed, busy.status, busy.cause) == (False, 429, Cause.RATE_LIMIT)
    assert "API rate limit exceeded" in busy.reason
    assert "config.minute" in busy.fix
    assert "120" in busy.fix


ROUTER = """
_format_version: "3.0"
services:
  - name: s
    url: http://upstream
    routes:
      - name: prefix-users
        paths: ["/users"]
      - name: regex-user
        paths: ["~/users/\\\\d+$"]
      - name: regex-low
        paths: ["~/files/.*"]
        regex_priority: 1
      - name: regex-high
        paths: ["~/files/report.*"]
        regex_priority: 5
      - name: api
        paths: ["/api"]
      - name: api-v2
        paths: ["/api/v2"]
      - name: any-host
        paths: ["/shop"]
      - name: wild-host
        hosts: ["*.example.com"]
        paths: ["/shop"]
      - name: plain-host
        hosts: ["eu.example.com"]
        paths: ["/shop"]
      - name: get-only
        methods: ["GET"]
        paths: ["/items"]
      - name: any-method
        paths: ["/items"]
      - name: v2-header
        paths: ["/items"]
        headers:
          x-version: ["2"]
"""


@pytest.mark.parametrize(("method", "url", "headers", "route"), [
    ("GET", "/users/42", {}, "regex-user"),  # regex path beats prefix path
    ("GET", "/users/me", {}, "prefix-users"),
    ("GET", "/files/report-1", {}, "regex-high"),  # higher regex_priority first
    ("GET", "/files/other", {}, "regex-low"),
    ("GET", "/api/v2/x", {}, "api-v2"),  # longest prefix
    ("GET", "/api/v1/x", {}, "api"),
    ("GET", "http://eu.example.com/shop", {}, "plain-host"),  # plain host beats wildcard
    ("GET", "http://us.example.com/shop", {}, "wild-host"),  # more attributes beat fewer
    ("GET", "http://other.test/shop", {}, "any-host"),
    ("GET", "/items", {}, "get-only"),  # methods + paths beats paths alone
    ("POST", "/items", {}, "any-method"),
    ("GET", "/items", {"X-Version": "2"}, "v2-header"),  # ties on weight: headers count
])
def test_router_priority(method: str, url: str, headers: dict[str, str], route: str) -> None:
    """The route Kong's traditional_compatible priority picks for each request."""
    result = walk(kong(ROUTER), method, url, headers=headers)
    assert result.allowed, result.reason
    assert result.rule is not None
    assert result.rule.text.startswith(f"route {route}:")


def test_old_format_detects_regex_heuristically() -> None:
    """In a 2.1 file a path with regex characters is a regex (kong/router.lua 2.8)."""
    text = ROUTER.replace('"3.0"', '"2.1"').replace('"~/users', '"/users')
    result = walk(kong(text), "GET", "/users/42")
    assert result.rule is not None
    assert result.rule.text.startswith("route regex-user:")


def test_no_route_names_closest() -> None:
    """A host mismatch answers 404 with a fix naming the host to send."""
    config = kong("""
_format_version: "3.0"
routes:
  - name: only
    hosts: ["api.example.com"]
    paths: ["/v1"]
""")
    result = walk(config, "GET", "http://other.test/v1")
    assert (result.status, result.cause) == (404, Cause.CONFIGURATION)
    assert "send Host: api.example.com" in result.fix


PRECEDENCE = """
_format_version: "3.0"
services:
  - name: s
    url: http://upstream
    routes:
      - name: partners
        paths: ["/partners"]
        plugins:
          - name: ip-restriction
            config:
              allow: ["203.0.113.0/24"]
      - name: internal
        paths: ["/internal"]
consumers:
  - username: alice
    keyauth_credentials:
      - key: alice-key-0123456789abcdef
    plugins:
      - name: request-termination
        config:
          status_code: 403
          message: "alice is suspended"
  - username: carol
    keyauth_credentials:
      - key: carol-key-0123456789abcdef
plugins:
  - name: ip-restriction
    config:
      allow: ["10.0.0.0/8"]
  - name: key-auth
  - name: bot-detection
"""


@pytest.mark.parametrize(("url", "headers", "addr", "status", "line"), [
    ("/partners", {"apikey": "carol-key-0123456789abcdef"}, "203.0.113.9", 200, 7),
    ("/internal", {"apikey": "carol-key-0123456789abcdef"}, "203.0.113.9", 403, 28),
    ("/internal", {}, "203.0.113.9", 401, 31),  # key-auth (1250) before ip-restriction (990)
    ("/internal", {"apikey": ALICE}, "10.0.0.1", 403, 20),  # consumer-scoped plugin
    ("/internal", {"apikey": "carol-key-0123456789abcdef", "User-Agent": "Googlebot/2.1"},
     "203.0.113.9", 403, 32),  # bot-detection (2500) first
])
def test_precedence_and_priority(url: str, headers: dict[str, str], addr: str, status: int,
                                 line: int) -> None:
    """Route-level instances override global ones; plugins run in PRIORITY order."""
    result = walk(kong(PRECEDENCE), "GET", url, headers=headers, source_address=addr)
    assert result.status == status, result.reason
    assert result.rule is not None
    assert result.rule.line == line


def test_override_step_is_recorded() -> None:
    """The outranked global ip-restriction shows as a skip step."""
    result = walk(kong(PRECEDENCE), "GET", "/partners",
                  headers={"apikey": "carol-key-0123456789abcdef"}, source_address="203.0.113.9")
    assert any(s.effect == "skip" and "outranked" in s.says for s in result.steps)
    names = [s.rule.text.split()[1] for s in result.steps if s.rule.text.startswith("plugin")]
    assert names.index("key-auth") < names.index("ip-restriction")


ACL_ONLY = """
_format_version: "{version}"
routes:
  - name: r
    paths: ["/"]
    plugins:
      - name: acl
        config:
          {key}: ["admins"]
"""


@pytest.mark.parametrize(("version", "key", "status"), [
    ("3.0", "allow", 401), ("2.1", "allow", 401), ("1.1", "whitelist", 403)])
def test_acl_without_consumer(version: str, key: str, status: int) -> None:
    """acl without an authenticated consumer: 401 since 2.x, 403 in 1.x (acl/handler.lua)."""
    result = walk(kong(ACL_ONLY.format(version=version, key=key)), "GET", "/")
    assert (result.allowed, result.status, result.cause) == (False, status, Cause.PERMISSIONS)
    assert "authentication plugin" in result.fix


@pytest.mark.parametrize(("version", "message"), [
    ("3.0", "Unauthorized"), ("2.1", "Invalid authentication credentials")])
def test_invalid_key_message_by_version(main: KongConfig, version: str, message: str) -> None:
    """An unknown key answers 401 with the message of that Kong generation."""
    text = (DATA / "kong.yml").read_text().replace('"3.0"', f'"{version}"')
    result = walk(kong(text), "GET", "/admin", headers={"apikey": "unknown-key-1234"})
    assert result.status == 401
    assert repr(message) in result.reason


def test_anonymous_consumer() -> None:
    """key-auth with anonymous lets a keyless request through as that consumer."""
    config = kong("""
_format_version: "3.0"
consumers:
  - username: guest
routes:
  - name: r
    paths: ["/"]
plugins:
  - name: key-auth
    config: {anonymous: guest}
""")
    result = walk(config, "GET", "/")
    assert result.allowed
    assert any("anonymous consumer guest" in s.says for s in result.steps)


def test_request_termination_trigger() -> None:
    """With trigger set, request-termination answers only when that header is sent."""
    config = kong("""
_format_version: "3.0"
routes:
  - name: r
    paths: ["/"]
    plugins:
      - name: request-termination
        config: {status_code: 418, message: "debug", trigger: x-debug}
""")
    assert walk(config, "GET", "/").allowed
    hit = walk(config, "GET", "/", headers={"X-Debug": "1"})
    assert (hit.status, hit.cause) == (418, Cause.CONFIGURATION)
    assert "x-debug" in hit.fix


def test_top_level_references() -> None:
    """Top-level routes, credentials, acls and plugins resolve by name."""
    config = kong("""
_format_version: "3.0"
services:
  - name: billing
    url: http://billing
routes:
  - name: r
    service: billing
    paths: ["/"]
consumers:
  - username: alice
keyauth_credentials:
  - consumer: alice
    key: alice-key-0123456789abcdef
acls:
  - consumer: {username: alice}
    group: admins
plugins:
  - name: key-auth
    service: billing
  - name: acl
    route: r
    config: {allow: [admins]}
""")
    result = walk(config, "GET", "/", headers={"apikey": ALICE})
    assert result.allowed, result.reason
    assert "service billing" in result.reason


def test_masked_key_matches_its_consumer(main: KongConfig) -> None:
    """A key masked by a saved diagnosis is matched by fingerprint to its consumer."""
    result = walk(main, "GET", "/admin", headers={"apikey": mask(ALICE)}, source_address="10.0.0.1")
    assert (result.status, result.cause) == (403, Cause.PERMISSIONS)
    assert "alice" in result.reason
    assert walk(main, "GET", "/admin", headers={"apikey": mask(BOB)},
                source_address="10.0.0.1").allowed


def test_unresolvable_masked_key_uses_identity(main: KongConfig) -> None:
    """A masked key that matches none falls back to identity, noted as an assumption."""
    masked = mask("some-other-key-0123456789")
    unknown = walk(main, "GET", "/admin", headers={"apikey": masked}, source_address="10.0.0.1")
    assert unknown.status == 401
    assert any("masked" in a for a in unknown.assumptions)
    named = walk(main, "GET", "/admin", headers={"apikey": masked}, source_address="10.0.0.1",
                 identity="bob")
    assert named.allowed
    assert any("identity" in a for a in named.assumptions)


MALFORMED = [
    ("routes:\n  - name: r\n    paths: /x\n", 3, "paths must be a list"),
    ('_format_version: "3.0"\nplugins:\n  - name: acl\n    service: nope\n'
     "    config: {allow: [a]}\n", 4, "service 'nope' is not defined"),
    ('_format_version: "3.0"\nplugins:\n  - name: ip-restriction\n    config:\n'
     '      allow: ["10.0.0.300/8"]\n', 5, "not an IP address or CIDR"),
    ('_format_version: "3.0"\nroutes:\n  - name: r\n    paths: ["~/a(b"]\n', 4,
     "does not compile"),
    ('_format_version: "9.9"\n', 1, "unknown _format_version"),
    ('_format_version: "3.0"\nroutes:\n  - name: r\n    paths: ["/a"]\n    strip_path: "yes"\n',
     5, "strip_path must be true or false"),
    ('_format_version: "3.0"\nplugins:\n  - name: rate-limiting\n    config: {minute: "ten"}\n',
     4, "must be a number"),
    ('_format_version: "3.0"\nroutes:\n  - name: r\n    paths: ["/a"\n', 5, "not valid YAML"),
]


@pytest.mark.parametrize(("text", "line", "words"), MALFORMED)
def test_malformed_configs(text: str, line: int, words: str) -> None:
    """Malformed files raise ConfigError naming the file, the line and what to do."""
    with pytest.raises(ConfigError) as info:
        load_kong(parse_document(text, "bad.yml"))
    error = info.value
    assert (error.source, error.line) == ("bad.yml", line), str(error)
    assert words in str(error)
    assert error.hint


def test_canary_never_leaks(tmp_path: Path) -> None:
    """A key in keyauth_credentials and in the request appears in no output."""
    canary = "CANARY-7f3a9c1e5b2d4a68"
    sent = "SENTCANARY-0a1b2c3d4e5f"
    text = (DATA / "kong.yml").read_text().replace(ALICE, canary)
    config = kong(text)
    outputs: list[str] = [repr(config), json.dumps(config.lines())]
    for headers in ({"apikey": canary}, {"apikey": sent}, {"Authorization": f"Bearer {sent}"},
                    [("apikey", canary), ("apikey", sent)]):
        for url in ("/admin", "/reports", "/admin?apikey=" + sent):
            result = walk(config, "GET", url, headers=headers, source_address="10.0.0.1")
            outputs += [repr(result), str(result), str(result.to_dict()),
                        result.to_markdown(), result._repr_html_()]
    bad = text.replace(f"key: {canary}", f"key: [{canary}]")
    with pytest.raises(ConfigError) as info:
        kong(bad)
    outputs.append(str(info.value))
    for out in outputs:
        assert canary not in out
        assert sent not in out


def _apply(text: str, change: Any) -> KongConfig:
    data = yaml.safe_load(text)
    change(data)
    return kong(yaml.safe_dump(copy.deepcopy(data)))


@pytest.mark.parametrize(("kwargs", "change"), [
    ({"url": "/admin", "headers": {"apikey": BOB}, "source_address": "203.0.113.9"},
     lambda d: d["services"][0]["routes"][1]["plugins"][0]["config"]["allow"].append(
         "203.0.113.9")),
    ({"url": "/admin", "headers": {"apikey": ALICE}, "source_address": "10.0.0.1"},
     lambda d: d["consumers"][0]["acls"].append({"group": "admins"})),
    ({"url": "/reports", "headers": {"apikey": ALICE}},
     lambda d: d["services"][0]["routes"][0]["methods"].append("GET")),
    ({"url": "/maintenance", "headers": {"apikey": ALICE}},
     lambda d: d["services"][0]["routes"][4]["plugins"][0].update(enabled=False)),
    ({"url": "/invoices", "headers": {"apikey": ALICE}, "rate": 2},
     lambda d: d["services"][0]["routes"][2]["plugins"][0]["config"].update(minute=120)),
])
def test_fix_lets_request_through(main: KongConfig, kwargs: dict[str, Any],
                                  change: Any) -> None:
    """Applying the stated fix to a copy of the file lets the same request through."""
    before = walk(main, "GET", **kwargs)
    assert not before.allowed
    after = walk(_apply((DATA / "kong.yml").read_text(), change), "GET", **kwargs)
    assert after.allowed, after.reason


def test_missing_key_fix_lets_request_through(main: KongConfig) -> None:
    """Sending the key where the fix says (header apikey) passes key-auth."""
    assert "header apikey" in walk(main, "GET", "/invoices").fix
    assert walk(main, "GET", "/invoices", headers={"apikey": ALICE}).allowed


@pytest.mark.parametrize(("data", "expected"), [
    ({"_format_version": "3.0"}, True),
    ({"services": [], "routes": []}, True),
    ({"consumers": [{"username": "a"}]}, True),
    ({"api_id": "x", "version_data": {}}, False),
    ({"openapi": "3.0.0", "paths": {}}, False),
    (["a"], False),
])
def test_looks_like_kong(data: object, expected: bool) -> None:
    """The sniff recognises declarative files and nothing else."""
    assert looks_like_kong(data) is expected


AUTH = """
_format_version: "3.0"
services:
  - name: s
    url: http://upstream/base
    routes:
      - name: basic
        paths: ["/basic"]
        plugins:
          - name: basic-auth
      - name: token
        paths: ["/token"]
        plugins:
          - name: jwt
      - name: bots
        paths: ["/bots"]
        plugins:
          - name: bot-detection
            config:
              allow: ["^internal-crawler"]
              deny: ["^curl/"]
      - name: custom-ip
        paths: ["/custom-ip"]
        plugins:
          - name: ip-restriction
            config:
              deny: ["198.51.100.0/24"]
              status: 451
              message: "not from there"
      - name: versioned
        paths: ["/versioned"]
        headers:
          x-version: ["~*^v[23]$"]
  - name: off
    url: http://off
    enabled: false
    routes:
      - name: dead
        paths: ["/dead"]
consumers:
  - username: dana
    basicauth_credentials:
      - username: dana
        password: dana-password-123456
"""


@pytest.mark.parametrize(("url", "headers", "addr", "allowed", "status", "cause"), [
    ("/basic", {}, None, False, 401, Cause.AUTHENTICATION),
    ("/basic", {"Authorization": "Basic ZGFuYTp4eHg="}, None, True, 200, None),
    ("/token", {}, None, False, 401, Cause.AUTHENTICATION),
    ("/token?jwt=abc.def.ghi", {}, None, True, 200, None),
    ("/bots", {"User-Agent": "curl/8.4"}, None, False, 403, Cause.SECURITY_POLICY),
    ("/bots", {"User-Agent": "internal-crawler/1.0 Googlebot/2.1"}, None, True, 200, None),
    ("/bots", {"User-Agent": "Googlebot/2.1"}, None, False, 403, Cause.SECURITY_POLICY),
    ("/bots", {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/120.0"}, None, True, 200,
     None),
    ("/custom-ip", {}, "198.51.100.7", False, 451, Cause.IP_ALLOWLIST),
    ("/custom-ip", {}, "192.0.2.1", True, 200, None),
    ("/versioned", {"X-Version": "V3"}, None, True, 200, None),
    ("/versioned", {"X-Version": "v4"}, None, False, 404, Cause.CONFIGURATION),
    ("/dead", {}, None, False, 404, Cause.CONFIGURATION),
])
def test_other_plugins(url: str, headers: dict[str, str], addr: str | None, allowed: bool,
                       status: int, cause: Cause | None) -> None:
    """basic-auth, jwt, bot-detection, custom ip-restriction status, header regex, disabled
    services: each answers as its handler does."""
    result = walk(kong(AUTH), "GET", url, headers=headers, source_address=addr)
    assert (result.allowed, result.status) == (allowed, status), result.reason
    assert result.cause == cause


def test_assumptions_and_upstream_path() -> None:
    """Credentials taken on trust are assumptions; strip_path decides the upstream path."""
    basic = walk(kong(AUTH), "GET", "/basic/x", headers={"Authorization": "Basic ZGFuYTp4eHg="})
    assert any("password" in a for a in basic.assumptions)
    assert "consumer dana" in " ".join(s.says for s in basic.steps)
    assert "as /base/x" in basic.reason
    custom = walk(kong(AUTH), "GET", "/custom-ip", source_address="198.51.100.7")
    assert "'not from there'" in custom.reason
    assert custom.fix.startswith("remove 198.51.100.0/24 from config.deny")
    dead = walk(kong(AUTH), "GET", "/dead")
    assert any("enabled: false" in a for a in dead.assumptions)


def test_old_ip_message_and_unknown_address() -> None:
    """A 2.1 file answers 'Your IP address is not allowed'; no address is an assumption."""
    text = PRECEDENCE.replace('"3.0"', '"2.1"')
    headers = {"apikey": "carol-key-0123456789abcdef"}
    old = walk(kong(text), "GET", "/internal", headers=headers, source_address="192.0.2.1")
    assert "'Your IP address is not allowed'" in old.reason
    unknown = walk(kong(text), "GET", "/internal", headers=headers)
    assert unknown.allowed
    assert any("source_address" in a for a in unknown.assumptions)


def test_json_export_same_verdict(main: KongConfig) -> None:
    """The same configuration written as JSON (db_export --format json) decides alike."""
    data = yaml.safe_load((DATA / "kong.yml").read_text())
    config = load_kong(parse_document(json.dumps(data, indent=2), "kong.json"))
    kw: dict[str, Any] = {"headers": {"apikey": ALICE}, "source_address": "10.0.0.1"}
    assert walk(config, "GET", "/admin", **kw).status == walk(main, "GET", "/admin", **kw).status
    assert walk(config, "GET", "/admin", **kw).rule.path == "$.services[0].routes[1].plugins[1]"


def test_unmodelled_plugin_is_an_assumption() -> None:
    """A plugin this audit does not model is named in the assumptions, not ignored."""
    config = kong("""
_format_version: "3.0"
routes:
  - name: r
    paths: ["/"]
plugins:
  - name: opa
  - name: correlation-id
""")
    result = walk(config, "GET", "/")
    assert any("opa" in a for a in result.assumptions)
    assert not any("correlation-id" in a for a in result.assumptions)


def test_duplicate_key_header(main: KongConfig) -> None:
    """The key header sent twice answers 401 'Duplicate API key found' (key-auth handler)."""
    result = walk(main, "GET", "/admin", headers=[("apikey", ALICE), ("apikey", BOB)],
                  source_address="10.0.0.1")
    assert (result.status, result.cause) == (401, Cause.API_KEY)
    assert "Duplicate API key found" in result.reason


def test_expression_route_is_noted() -> None:
    """An expressions-router route is left out and said so, not silently ignored."""
    config = kong("""
_format_version: "3.0"
routes:
  - name: expr
    expression: 'http.path == "/x"'
  - name: plain
    paths: ["/y"]
""")
    result = walk(config, "GET", "/x")
    assert result.status == 404
    assert any("expressions" in a for a in result.assumptions)


def test_consumer_plugin_for_someone_else_is_skipped() -> None:
    """A consumer-scoped plugin for alice is skipped, and said so, for carol."""
    result = walk(kong(PRECEDENCE), "GET", "/partners",
                  headers={"apikey": "carol-key-0123456789abcdef"}, source_address="203.0.113.9")
    assert result.allowed
    assert any("consumer alice only" in s.says for s in result.steps)


CORS = """
_format_version: "3.0"
routes:
  - name: api
    hosts: ["api.example.com"]
    paths: ["/"]
plugins:
  - name: key-auth
  - name: cors
    config: {origins: ["https://app.example.com"]}
"""


@pytest.mark.parametrize(("method", "headers", "allowed", "status"), [
    ("OPTIONS", {"Host": "api.example.com", "Origin": "https://app.example.com",
                 "Access-Control-Request-Method": "GET"}, True, 200),  # cors (2000) first
    ("OPTIONS", {"Host": "api.example.com"}, False, 401),  # not a preflight: key-auth
    ("GET", {"Host": "api.example.com:80"}, False, 401),  # Host header with default port
    ("GET", {"Host": "other.example.com"}, False, 404),
])
def test_cors_preflight_and_host_header(method: str, headers: dict[str, str], allowed: bool,
                                        status: int) -> None:
    """cors answers preflights before key-auth; the Host header picks the route."""
    result = walk(kong(CORS), method, "/v1/items", headers=headers)
    assert (result.allowed, result.status) == (allowed, status), result.reason


def test_closest_route_prefers_matching_path() -> None:
    """At a tie in misses, the 404 fix names the route whose path the request matches."""
    config = kong("""
_format_version: "3.0"
routes:
  - name: other
    methods: ["DELETE"]
    paths: ["/other-things"]
  - name: orders
    methods: ["POST"]
    paths: ["/orders"]
""")
    result = walk(config, "DELETE", "/orders/7")
    assert result.status == 404
    assert result.fix.startswith("add DELETE to route orders' methods (kong.yml:8)")
