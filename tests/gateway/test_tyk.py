"""The Tyk Classic evaluator: Tyk's middleware order, paths, keys, policies, limits, errors."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

import kit
from kit._causes import Cause
from kit._gateway.document import load_document, parse_document
from kit._gateway.model import AuditRequest, AuditResult, ConfigError, GatewayConfig
from kit._gateway.tyk.config import TykConfig, load_tyk, looks_like_tyk
from kit._http.secrets import mask

DATA = Path(__file__).parents[1] / "data" / "audit" / "tyk"
MAIN = ("api.json", "policies.json", "sessions.json")
NOW = dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC)
READER = "acme_reader_Xk29fLq7Vb3Nz8Wd5Hr1Tm6Yc4Pg0Js"
ADMIN = "acme_admin_Rt5Yh8Kj2Mn6Bv9Cx3Zl7Qw1Ep4As0Df"
EXPIRED = "acme_expired_Lp3Ok9Ij7Uh5Yg1Tf6Rd2Es8Wa4Qz0Xc"
DIRECT = "acme_direct_Mn8Bv2Cx6Zl4Kj9Hg3Fd7Sa1Qw5Er0Ty"
WRONG = "acme_wrongapi_Gh7Jk1Lz5Xc9Vb3Nm8Qw2Er6Ty4Ui0Op"
FROZEN = "acme_frozen_Qa2Ws3Ed4Rf5Tg6Yh7Uj8Ik9Ol0Pz1Xc"
V1 = "$.version_data.versions.v1.extended_paths"


def originals() -> dict[str, Any]:
    return {name: json.loads((DATA / name).read_text()) for name in MAIN}


def build(tmp_path: Path, data: dict[str, Any]) -> TykConfig:
    """Write edited copies of the files and load them."""
    docs = []
    for name, value in data.items():
        (tmp_path / name).write_text(json.dumps(value, indent=2))
        docs.append(load_document(tmp_path / name))
    return load_tyk(docs)


@pytest.fixture(scope="module")
def config() -> TykConfig:
    return load_tyk([load_document(DATA / name) for name in MAIN])


def req(method: str = "GET", url: str = "/orders/items", key: str | None = None,
        ip: str = "10.1.1.1", version: str | None = None, **extra: Any) -> AuditRequest:
    headers = dict(extra.pop("headers", {}))
    if key is not None:
        headers["X-Api-Key"] = key
    if version is not None:
        headers["x-api-version"] = version
    return AuditRequest.build(method, url, headers=headers, source_address=ip, now=NOW, **extra)


# (request, allowed, status, rule path, cause)
CASES = [
    (req(key=READER), True, 200, '$[0].access_rights.orders.allowed_urls[0]', None),
    (req(url="/orders/items/42", key=READER), True, 200, "allowed_urls[0]", None),
    (req(url="/orders/items?api_key=" + READER), True, 200, "allowed_urls[0]", None),
    (req(), False, 401, "$.auth_configs.authToken", Cause.API_KEY),
    (req(key="acme_nobody_000000000000000000000000"), False, 403, "$", Cause.API_KEY),
    (req(key="ab"), False, 403, "$.auth_configs.authToken", Cause.API_KEY),
    (req(ip="203.0.113.9"), False, 403, "$.allowed_ips", Cause.IP_ALLOWLIST),
    (req(ip="192.0.2.7", key=READER), True, 200, "allowed_urls[0]", None),
    (req(ip="10.66.3.4", key=READER), False, 403, "$.blacklisted_ips[0]", Cause.IP_ALLOWLIST),
    (req(headers={"X-Forwarded-For": "203.0.113.9"}, key=READER), False, 403, "$.allowed_ips",
     Cause.IP_ALLOWLIST),
    (req("POST", key=READER), False, 403, f"{V1}.white_list", Cause.CONFIGURATION),
    (req(url="/orders/secret", key=READER), False, 403, f"{V1}.white_list",
     Cause.CONFIGURATION),
    (req(url="/orders/public/x"), True, 200, f"{V1}.ignored[0]", None),
    (req(url="/orders/public/x", ip="203.0.113.9"), False, 403, "$.allowed_ips",
     Cause.IP_ALLOWLIST),
    (req(url="/orders/status", ip="203.0.113.9"), True, 200, f"{V1}.white_list[2]", None),
    (req(key=READER, version="v3"), False, 403, "$.version_data.versions",
     Cause.CONFIGURATION),
    (req(key=READER, version="old"), False, 403, "$.version_data.versions.old.expires",
     Cause.CONFIGURATION),
    (req(key=READER, version="v2"), False, 403, "$[0].access_rights.orders.versions",
     Cause.PERMISSIONS),
    (req("DELETE", "/orders/admin/users", key=ADMIN, version="v2"), False, 403,
     "$.version_data.versions.v2.extended_paths.black_list[0]", Cause.CONFIGURATION),
    (req("DELETE", "/orders/admin/users", ip="203.0.113.9", version="v2"), False, 403,
     "$.version_data.versions.v2.extended_paths.black_list[0]", Cause.CONFIGURATION),
    (req("GET", "/orders/admin/users", key=ADMIN, version="v2"), True, 200,
     "$[1].access_rights.orders.versions", None),
    (req(key=EXPIRED), False, 401, ".expires", Cause.API_KEY),
    (req(key=WRONG), False, 403, "$[2].access_rights", Cause.PERMISSIONS),
    (req(key=FROZEN), False, 403, "$[3].is_inactive", Cause.API_KEY),
    (req(key=DIRECT, rate=5), False, 429, ".rate", Cause.RATE_LIMIT),
    (req(key=DIRECT, rate=1), True, 200, None, None),
    (req(key=DIRECT, context={"quota_remaining": "0"}), False, 403, ".quota_max",
     Cause.RATE_LIMIT),
    (req(key=READER, rate=4), True, 200, None, None),
    (req(key=ADMIN, rate=20), False, 429, "$.global_rate_limit", Cause.RATE_LIMIT),
    (req(url="/nowhere", key=READER), False, 404, "$.proxy.listen_path", Cause.CONFIGURATION),
]


@pytest.mark.parametrize(("request_", "allowed", "status", "path", "cause"), CASES)
def test_requests_get_tyks_answer(config, request_, allowed, status, path, cause):
    """Each request gets Tyk's verdict, status, deciding rule and cause."""
    result = config.evaluate(request_)
    assert (result.allowed, result.status, result.cause) == (allowed, status, cause), result
    if path is not None:
        assert result.rule is not None
        assert path in (result.rule.path or ""), result.rule
    assert bool(result.fix) is not allowed
    assert result.steps


def test_config_is_a_gateway_config(config):
    """TykConfig satisfies the shared protocol and shows every file's lines."""
    assert isinstance(config, GatewayConfig)
    assert config.kind == "tyk"
    assert set(config.lines()) == {str(DATA / name) for name in MAIN}


def test_version_check_runs_before_the_ip_lists(config):
    """A black-listed path from a blocked address gets the path answer (VersionCheck is first)."""
    result = config.evaluate(req("DELETE", "/orders/admin/x", ip="203.0.113.9", version="v2"))
    assert "Requested endpoint is forbidden" in result.reason
    assert not any("allowed_ips" in (s.rule.path or "") for s in result.steps)


def test_ip_list_runs_before_the_key_check(config):
    """No key from a refused address: the IP answer, not "Authorization field missing"."""
    result = config.evaluate(req(ip="203.0.113.9"))
    assert "access from this IP has been disallowed" in result.reason
    assert "Authorization field missing" not in result.reason


def test_limits_are_listed_with_their_status(config):
    """The key's rate and quota and the API's global rate are listed even when not exceeded."""
    result = config.evaluate(req(key=READER))
    assert {(lim.status, lim.per_second, lim.quota) for lim in result.limits} == {
        (429, 5.0, None), (403, None, 1000), (429, 10.0, None)}


def test_a_masked_key_matches_its_session(config):
    """A key masked by a saved diagnosis still finds its session by fingerprint."""
    result = config.evaluate(req(key=mask(READER)))
    assert result.allowed
    assert any("reader app" in s.says for s in result.steps)
    assert not config.evaluate(req(key=mask(READER + "x"))).allowed


def test_identity_names_a_policy(tmp_path):
    """With no session file, identity=<policy id> is evaluated as a key carrying that policy."""
    data = originals()
    del data["sessions.json"]
    cfg = build(tmp_path, data)
    other = cfg.evaluate(req(key="some-key-123", identity="other"))
    assert (other.allowed, other.status, other.cause) == (False, 403, Cause.PERMISSIONS)
    assert "policy 'other'" in other.fix
    assert cfg.evaluate(req(key="some-key-123", identity="admin")).allowed
    unknown = cfg.evaluate(req(key="some-key-123"))
    assert unknown.allowed
    assert any("key store" in a for a in unknown.assumptions)


def test_identity_names_a_session_alias(config):
    """identity may name a session by its alias when the key itself is not known."""
    result = config.evaluate(req(key="not-a-known-key-1", identity="wrong api"))
    assert result.cause is Cause.PERMISSIONS


KEYS = (READER, ADMIN, EXPIRED, DIRECT, WRONG, FROZEN)


def _outputs(result: AuditResult) -> str:
    return " ".join([repr(result), str(result), result.to_markdown(),
                     json.dumps(result.to_dict()), result._repr_html_()])


@pytest.mark.parametrize("key", KEYS)
def test_keys_never_leak(config, key):
    """Keys from the session file and the request never appear in any output."""
    texts = [_outputs(config.evaluate(r)) for r in (
        req(key=key), req(key=key, ip="203.0.113.9"), req("POST", key=key),
        req(key=key, version="v2", rate=1000), req(url=f"/orders/items?api_key={key}"),
        req(key=key + "zz"))]
    texts.append(repr(config))
    texts += ["\n".join(lines) for lines in config.lines().values()]
    assert not any(key in text for text in texts)


def test_error_messages_never_show_a_key(tmp_path):
    """A malformed session keyed by its secret is reported without the secret."""
    data = originals()
    data["sessions.json"][READER]["expires"] = "soon"
    with pytest.raises(ConfigError) as caught:
        build(tmp_path, data)
    assert READER not in str(caught.value)
    assert "expires" in str(caught.value)
    assert caught.value.line is not None


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d["api.json"].__setitem__("allowed_ips", "10.0.0.1"), "allowed_ips"),
    (lambda d: d["api.json"]["allowed_ips"].append("10.0.0.0/33"), "allowed_ips[2]"),
    (lambda d: d["api.json"]["blacklisted_ips"].append("not-an-ip"), "blacklisted_ips[1]"),
    (lambda d: d["api.json"]["version_data"]["versions"]["v1"]["extended_paths"]["white_list"]
     .append({"path": "^/(broken"}), "white_list[3].path"),
    (lambda d: d["api.json"]["version_data"]["versions"]["v1"]["extended_paths"]["ignored"]
     .append({"path": "^/(?!admin)"}), "ignored[1].path"),
    (lambda d: d["api.json"]["definition"].__setitem__("location", "body"), "location"),
    (lambda d: d["api.json"]["proxy"].__setitem__("listen_path", 5), "listen_path"),
    (lambda d: d["api.json"].__setitem__("use_keyless", "no"), "use_keyless"),
    (lambda d: d["api.json"].pop("api_id"), "api_id"),
    (lambda d: d["policies.json"][0]["access_rights"]["orders"]["allowed_urls"][0]
     .__setitem__("methods", "GET"), "methods"),
    (lambda d: d["policies.json"][0].__setitem__("rate", "fast"), "rate"),
    (lambda d: d["policies.json"][1].pop("id"), "id"),
])
def test_malformed_configs_name_file_and_path(tmp_path, edit, where):
    """Wrong types, bad CIDRs and regexes raise ConfigError naming the file and JSON path."""
    data = originals()
    edit(data)
    with pytest.raises(ConfigError) as caught:
        build(tmp_path, data)
    error = caught.value
    assert error.path is not None
    assert error.path.endswith(where), error
    assert str(tmp_path) in str(error)
    assert error.hint


def test_json_syntax_error_names_the_line():
    """A JSON syntax error is a ConfigError with file and line."""
    with pytest.raises(ConfigError, match=r"api\.json:3"):
        parse_document('{\n  "api_id": "x",\n  "proxy": {,}\n}', "api.json")


def test_a_document_of_no_known_kind_is_named():
    """A file that is no API, policy or session is refused, naming it."""
    with pytest.raises(ConfigError, match=r"notes\.json"):
        load_tyk([parse_document('{"hello": "world"}', "notes.json")])


@pytest.mark.parametrize(("data", "role"), [
    ({"api_id": "a", "proxy": {"listen_path": "/"}}, "api"),
    ([{"api_id": "a", "proxy": {"listen_path": "/"}}], "api"),
    ({"apis": [{"api_id": "a", "proxy": {"listen_path": "/"}}]}, "api"),
    ({"p1": {"name": "P", "access_rights": {}}}, "policies"),
    ([{"id": "p1", "access_rights": {}}], "policies"),
    ({"id": "p1", "name": "P", "access_rights": {}}, "policies"),
    ({"k1": {"apply_policies": ["p1"], "expires": 0}}, "session"),
    ({"k1": {"access_rights": {}, "rate": 1}}, "session"),
    ({"p1": {"name": "P", "rate": 1}}, "policies"),
    ({"apply_policies": ["p1"], "expires": 0, "alias": "x"}, "session"),
    ({"hello": "world"}, None),
    ([1, 2], None),
    ("text", None),
])
def test_looks_like_tyk(data, role):
    """Auto-detection names the role of each Tyk file and nothing else."""
    assert looks_like_tyk(data) == role


def test_the_shipped_sample_is_detected_and_loads():
    """kit.load_config reads the shipped Tyk sample with load_tyk and audits it."""
    assert [looks_like_tyk(load_document(p).data) for p in kit.sample_config("tyk")] == [
        "api", "policies", "session"]
    cfg = kit.load_config(kit.sample_config("tyk"), kind="tyk")
    assert isinstance(cfg, TykConfig)
    result = cfg.evaluate(AuditRequest.build("GET", "/v1/admin/x", source_address="10.0.0.1"))
    assert (result.allowed, result.status) == (False, 403)


# -- other APIs: keyless, domains, inactive, basic auth, JWT ----------------------------------
@pytest.fixture(scope="module")
def shop() -> TykConfig:
    return load_tyk([load_document(DATA / "apis.json")])


@pytest.mark.parametrize(("url", "headers", "rate", "status", "api"), [
    ("/shop/items", {}, None, 200, "catalogue"),
    ("/shop/items", {}, 50, 429, "catalogue"),
    ("/shop/admin/users", {}, None, 401, "catalogue-admin"),
    ("/shop/admin/users", {"Authorization": "Basic"}, None, 400, "catalogue-admin"),
    ("/shop/admin/users", {"Authorization": "Basic dTpw"}, None, 200, "catalogue-admin"),
    ("http://partner.example.com/anything", {}, None, 200, "partner"),
    ("http://other.example.com/anything", {}, None, 404, None),
    ("http://shop.example.com/retired/x", {}, None, 404, None),
    ("/retired/x", {}, None, 200, "partner"),
    ("/jwt/x", {}, None, 400, "jwt-api"),
])
def test_api_selection_and_other_auth(shop, url, headers, rate, status, api):
    """Longest listen path, domains, inactive APIs, keyless, basic auth and JWT answers."""
    result = shop.evaluate(AuditRequest.build("GET", url, headers=headers, rate=rate))
    assert result.status == status, result
    if api is not None:
        assert any(f"API {api} " in s.says for s in result.steps)


# -- fixes: applying the suggested change lets the request through ----------------------------
def _v1(data: dict[str, Any]) -> dict[str, Any]:
    version: dict[str, Any] = data["api.json"]["version_data"]["versions"]["v1"]
    return version


FIXES = [
    (req(ip="192.0.2.99", key=READER), "192.0.2.99",
     lambda d: d["api.json"]["allowed_ips"].append("192.0.2.99")),
    (req(ip="10.66.3.4", key=READER), "10.66.0.0/16",
     lambda d: d["api.json"]["blacklisted_ips"].remove("10.66.0.0/16")),
    (req("POST", key=ADMIN), "add POST to the method_actions",
     lambda d: _v1(d)["extended_paths"]["white_list"][0]["method_actions"].__setitem__(
         "POST", {"action": "no_action"})),
    (req("DELETE", "/orders/admin", key=ADMIN, version="v2"), "black_list entry ^/admin",
     lambda d: d["api.json"]["version_data"]["versions"]["v2"]["extended_paths"]["black_list"]
     .clear()),
    (req(key=WRONG), "give policy 'other' access_rights for api_id 'orders'",
     lambda d: d["policies.json"][2]["access_rights"].__setitem__(
         "orders", {"api_id": "orders", "versions": ["v1"]})),
    (req(key=READER, version="v2"), 'add "v2"',
     lambda d: d["policies.json"][0]["access_rights"]["orders"]["versions"].append("v2")),
    (req(url="/orders/items/7", method="GET", key=READER, version="v2"), 'add "v2"',
     lambda d: d["policies.json"][0]["access_rights"]["orders"]["versions"].append("v2")),
    (req(key=EXPIRED), "set expires to 0",
     lambda d: d["sessions.json"][EXPIRED].__setitem__("expires", 0)),
    (req(key=FROZEN), "set is_inactive to false",
     lambda d: d["policies.json"][3].__setitem__("is_inactive", False)),
]


@pytest.mark.parametrize(("request_", "says", "apply"), FIXES)
def test_the_fix_lets_the_request_through(tmp_path, config, request_, says, apply):
    """The suggested fix, applied by hand to a copy of the files, lets the request through."""
    before = config.evaluate(request_)
    assert not before.allowed
    assert says in before.fix, before.fix
    data = copy.deepcopy(originals())
    apply(data)
    after = build(tmp_path, data).evaluate(request_)
    assert after.allowed, after


def test_granular_fix_adds_the_method(tmp_path):
    """An allowed_urls refusal names the entry to extend; extending it lets the request in."""
    data = originals()
    _v1(data)["extended_paths"]["white_list"][0]["method_actions"]["POST"] = {
        "action": "no_action"}
    (tmp_path / "a").mkdir()
    before = build(tmp_path / "a", data).evaluate(req("POST", key=READER))
    assert before.cause is Cause.PERMISSIONS
    assert "add POST to the methods of the allowed_urls entry" in before.fix
    data["policies.json"][0]["access_rights"]["orders"]["allowed_urls"][0]["methods"].append(
        "POST")
    (tmp_path / "b").mkdir()
    assert build(tmp_path / "b", data).evaluate(req("POST", key=READER)).allowed


def test_the_trace_follows_tyks_chain_order(config):
    """Steps come in api_loader.go's order: route, version/paths, IP, key, rights, limits."""
    paths = [s.rule.path or "" for s in config.evaluate(req(key=READER)).steps]
    order = ["$.proxy.listen_path", "white_list[0]", "$.allowed_ips[0]", "$.blacklisted_ips",
             "$[0]", ".expires", "access_rights.orders.versions", "allowed_urls[0]", "$[0].rate",
             "$[0].quota_max", "$.global_rate_limit"]
    found = [next(i for i, p in enumerate(paths) if p.endswith(o)) for o in order]
    assert found == sorted(found), paths


def test_a_refusal_stops_the_chain(config):
    """An expired key is refused before access rights and limits are looked at."""
    result = config.evaluate(req(key=EXPIRED))
    assert result.limits == ()
    assert result.steps[-1].effect == "deny"
    assert not any("grants" in s.says for s in result.steps)


# -- hand-built definitions written inline ----------------------------------------------------
def api(**fields: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "api_id": "inline", "name": "Inline", "use_standard_auth": True,
        "proxy": {"listen_path": "/in/"},
        "version_data": {"not_versioned": True, "versions": {"Default": {"name": "Default"}}}}
    base.update(fields)
    return base


def inline(*objects: tuple[str, Any]) -> TykConfig:
    return load_tyk([parse_document(json.dumps(obj, indent=2), name) for name, obj in objects])


def versions(**named: Any) -> dict[str, Any]:
    return {"not_versioned": False, "default_version": "", "versions": named}


KEY = "inline_key_Zx8Cv7Bn6Mm5Ll4Kk3Jj2Hh1Gg0Ff"


@pytest.mark.parametrize(("definition", "url", "headers", "status", "says"), [
    (api(use_oauth2=True, use_standard_auth=False), "/in/x", {}, 400,
     "Authorization field missing"),
    (api(use_oauth2=True, use_standard_auth=False), "/in/x", {"Authorization": "Token abc d"},
     400, "Bearer token malformed"),
    (api(enable_signature_checking=True, use_standard_auth=False), "/in/x", {}, 400,
     "malformed or invalid"),
    (api(auth={"auth_header_name": "X-Key", "use_cookie": True, "cookie_name": "k"}), "/in/x",
     {"Cookie": "k=" + KEY}, 200, "passed on"),
    (api(auth={"auth_header_name": "X-Key"}), "/in/x", {"X-Key": "Bearer " + KEY}, 200,
     "passed on"),
    (api(version_data={"not_versioned": True, "versions": {"a": {}, "b": {}}}), "/in/x",
     {"Authorization": KEY}, 403, "No default API version"),
    (api(version_data={"not_versioned": True, "versions": {"Default": {}, "default": {}}}),
     "/in/x", {"Authorization": KEY}, 403, "Ambiguous default"),
    (api(version_data=versions(v1={"name": "v1"})), "/in/x", {"Authorization": KEY}, 403,
     "Version information not found"),
    (api(version_data=versions(v1={"name": "v1"}), definition={"location": "url"}), "/in/v1/x",
     {"Authorization": KEY}, 200, "passed on"),
    (api(version_data=versions(v1={"name": "v1"}), definition={"location": "url-param",
                                                                 "key": "ver"}),
     "/in/x?ver=v2", {"Authorization": KEY}, 403, "does not seem to exist"),
    (api(version_data={"not_versioned": True, "versions": {"Default": {
        "paths": {"black_list": ["/legacy"], "white_list": [], "ignored": []}}}}),
     "/in/legacy/x", {"Authorization": KEY}, 403, "Requested endpoint is forbidden"),
    (api(version_data={"not_versioned": True, "versions": {"Default": {
        "use_extended_paths": True, "extended_paths": {"black_list": [
            {"path": "/x", "method": "GET", "method_actions": {}}]}}}}),
     "/in/x", {"Authorization": KEY}, 200, "passed on"),
    (api(version_data={"not_versioned": True, "versions": {"Default": {
        "use_extended_paths": True, "extended_paths": {"white_list": [
            {"path": "/X", "method": "GET", "ignore_case": True}]}}}}),
     "/in/x", {"Authorization": KEY}, 200, "passed on"),
    (api(version_data={"not_versioned": True, "versions": {"Default": {
        "use_extended_paths": True, "extended_paths": {"black_list": [
            {"path": "^/[[:digit:]]+$", "method": "GET"}]}}}}),
     "/in/42", {"Authorization": KEY}, 403, "Requested endpoint is forbidden"),
    (api(expiration="2020-01-01 00:00"), "/in/x", {"Authorization": KEY}, 403,
     "API has expired"),
    (api(allowed_ips=["10.0.0.0/8"], ip_access_control_disabled=True), "/in/x",
     {"Authorization": KEY}, 200, "passed on"),
    (api(allowed_ips=["10.0.0.0/8"]), "/in/x", {"Authorization": KEY}, 403,
     "access from this IP"),
])
def test_inline_definitions(definition, url, headers, status, says):
    """Auth methods, version locations, legacy paths, method_actions and IP list switches."""
    result = inline(("api.json", definition)).evaluate(
        AuditRequest.build("GET", url, headers=headers, source_address="203.0.113.9", now=NOW))
    assert result.status == status, result
    assert says in result.reason
    assert KEY not in _outputs(result)


def test_policy_partitions_and_missing_policies():
    """Partitions combine; a missing policy among several is skipped, a lone one refuses."""
    policies = {
        "acl": {"name": "ACL", "partitions": {"acl": True},
                "access_rights": {"inline": {"api_id": "inline", "versions": ["Default"]}}},
        "fast": {"name": "Rate", "partitions": {"rate_limit": True}, "rate": 7, "per": 1,
                 "access_rights": {"inline": {"api_id": "inline", "versions": ["Default"]}}},
        "empty": {"name": "Nothing", "access_rights": {}},
    }
    sessions = {KEY: {"alias": "two", "apply_policies": ["acl", "fast", "gone"]},
                "other_key_Qq1Ww2Ee3Rr4Tt5Yy6Uu7Ii8": {"alias": "lost",
                                                      "apply_policies": ["gone"]},
                "third_key_Aa1Ss2Dd3Ff4Gg5Hh6Jj7Kk8": {"alias": "empty",
                                                      "apply_policies": ["empty"]}}
    cfg = inline(("api.json", api()), ("policies.json", policies), ("sessions.json", sessions))
    two = cfg.evaluate(AuditRequest.build("GET", "/in/x", headers={"Authorization": KEY},
                                          rate=8, now=NOW))
    assert (two.status, two.rule and two.rule.path) == (429, '$.fast.rate')
    assert any("'gone'" in s.says and s.effect == "skip" for s in two.steps)
    lost = cfg.evaluate(AuditRequest.build(
        "GET", "/in/x", headers={"Authorization": "other_key_Qq1Ww2Ee3Rr4Tt5Yy6Uu7Ii8"}))
    assert (lost.status, lost.cause) == (403, Cause.API_KEY)
    assert lost.rule is not None
    assert (lost.rule.path or "").endswith("apply_policies[0]")
    empty = cfg.evaluate(AuditRequest.build(
        "GET", "/in/x", headers={"Authorization": "third_key_Aa1Ss2Dd3Ff4Gg5Hh6Jj7Kk8"}))
    assert empty.status == 403
    assert "no valid policies" in empty.reason


def test_single_policy_and_keyless_session_files():
    """A single policy object and a session without its key (as the key API returns it)."""
    policy = {"id": "solo", "name": "Solo", "rate": 1, "per": 1,
              "access_rights": {"elsewhere": {"api_id": "elsewhere", "versions": []}}}
    session = {"apply_policies": ["solo"], "expires": 0, "alias": "mine"}
    cfg = inline(("api.json", api()), ("policy.json", policy), ("session.json", session))
    result = cfg.evaluate(AuditRequest.build("GET", "/in/x", headers={"Authorization": KEY}))
    assert (result.status, result.cause) == (403, Cause.PERMISSIONS)
    assert "give policy 'solo' access_rights for api_id 'inline'" in result.fix
    assert any("session without its key" in a for a in result.assumptions)


def test_disabled_limits_are_not_listed():
    """disable_rate_limit and disable_quota switch the key's limits and the API's off."""
    sessions = {KEY: {"alias": "k", "rate": 1, "per": 1, "quota_max": 5, "access_rights": {}}}
    cfg = inline(("api.json", api(disable_rate_limit=True, disable_quota=True,
                                  global_rate_limit={"rate": 1, "per": 1})),
                 ("sessions.json", sessions))
    result = cfg.evaluate(AuditRequest.build("GET", "/in/x", headers={"Authorization": KEY},
                                             rate=100, context={"quota_remaining": "0"}))
    assert (result.allowed, result.limits) == (True, ())


def _places(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    items = node.items() if isinstance(node, dict) else enumerate(node) \
        if isinstance(node, list) else []
    for key, value in items:
        out += _places(value, (*prefix, key))
    return out


@pytest.mark.parametrize("name", MAIN)
def test_any_wrong_type_is_a_config_error_or_a_verdict(name):
    """Every value of a file replaced by a wrong type: a ConfigError or a verdict, no crash."""
    others = [load_document(DATA / n) for n in MAIN if n != name]
    errors = []
    for place in _places(originals()[name]):
        for wrong in (5, "x", None, {"a": 1}):
            data = originals()[name]
            node = data
            for key in place[:-1]:
                node = node[key]
            node[place[-1]] = wrong
            try:
                cfg = load_tyk([*others, parse_document(json.dumps(data), name)])
            except ConfigError as error:
                errors.append(error)
                continue
            for request_ in (req(key=READER), req("POST", key=ADMIN, version="v2"),
                             req(key=DIRECT, rate=9), req(url="/orders/public/x")):
                assert cfg.evaluate(request_).status in (200, 400, 401, 403, 404, 429)
    assert len(errors) > 20
    assert all(e.source == name and e.hint for e in errors)


def test_an_allow_list_without_its_flag_is_still_checked_and_said():
    """Current Tyk checks a non-empty allowed_ips even with enable_ip_whitelisting false."""
    cfg = inline(("api.json", api(allowed_ips=["10.0.0.0/8"], enable_ip_whitelisting=False)))
    result = cfg.evaluate(AuditRequest.build("GET", "/in/x", headers={"Authorization": KEY},
                                             source_address="203.0.113.9"))
    assert (result.status, result.cause) == (403, Cause.IP_ALLOWLIST)
    assert any("ip_access_control_disabled" in a for a in result.assumptions)
    off = inline(("api.json", api(allowed_ips=["10.0.0.0/8"], ip_access_control_disabled=True)))
    assert off.evaluate(AuditRequest.build("GET", "/in/x", headers={"Authorization": KEY},
                                           source_address="203.0.113.9")).allowed


def test_a_short_mask_that_fits_several_keys_is_an_assumption():
    """A mask with only a length cannot pick a key: assumed present, not refused."""
    sessions = {"k1-aaaaaaa": {"alias": "one", "expires": 0},
                "k2-bbbbbbb": {"alias": "two", "expires": 0}}
    cfg = inline(("api.json", api()), ("sessions.json", sessions))
    masked = mask("k1-aaaaaaa")
    assert "#" not in masked
    result = cfg.evaluate(AuditRequest.build("GET", "/in/x", headers={"Authorization": masked}))
    assert result.allowed
    assert any("could be any of 2 keys" in a for a in result.assumptions)
