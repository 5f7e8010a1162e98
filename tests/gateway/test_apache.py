"""kit.audit on Apache httpd configurations, offline: reading, detection, hashes, output.

What httpd itself answers is checked in tests/gateway/test_apache_real.py against a real
apache2; these tests cover what needs no server: errors with their line, includes, the
htpasswd schemes, the expression subset, masking, the fix, the panel and the CLI.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from passlib.hash import apr_md5_crypt, des_crypt, md5_crypt, sha512_crypt

import kit
from kit._gateway.apache.expr import ExprError, evaluate
from kit._gateway.apache.parse import load_apache, looks_like_apache, parse_apache
from kit._gateway.apache.passwd import verify
from kit._gateway.model import AuditRequest

KEY = "CANARY-apache-key-7f3e9a1c"


def audit(text: str, url: str = "/", **kw: Any) -> kit.AuditResult:
    return kit.audit(parse_apache(text), url=url, **kw)


def basic(user: str, password: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()}


def test_sample_is_apache_and_explains_its_refusals():
    """The shipped sample: an outside address on /v1/ is an allowlist refusal at its line."""
    config = kit.load_config(kit.sample_config("apache"))
    assert config.kind == "apache"
    result = kit.audit(config, url="http://api.example.com/v1/items",
                       source_address="203.0.113.9")
    assert (result.status, result.allowed, result.cause) == (403, False, kit.Cause.IP_ALLOWLIST)
    assert result.rule is not None
    assert result.rule.text.startswith("Require ip")
    assert "Require ip 203.0.113.9" in result.fix
    inside = kit.audit(config, url="http://api.example.com/v1/items", source_address="127.0.0.2")
    assert (inside.status, inside.allowed) == (200, True)
    assert any("upstream" in a for a in inside.assumptions)


def test_sample_needs_a_password_on_admin_and_refuses_scanners():
    """/admin/ from the office without credentials is 401; sqlmap is refused by RewriteRule."""
    sample = kit.sample_config("apache")
    admin = kit.audit(sample, url="http://api.example.com/admin/x", source_address="10.20.0.5")
    assert (admin.status, admin.cause) == (401, kit.Cause.AUTHENTICATION)
    bot = kit.audit(sample, url="http://api.example.com/v1/items", source_address="127.0.0.2",
                    headers={"User-Agent": "sqlmap/1.7"})
    assert bot.status == 403
    assert bot.rule is not None
    assert "RewriteRule" in bot.rule.text


def test_detection_tells_apache_from_nginx():
    """httpd sections and directives are Apache; nginx blocks stay nginx."""
    assert looks_like_apache("<Directory /srv>\n  Require all granted\n</Directory>\n")
    assert looks_like_apache("Require ip 10.0.0.0/8\n")
    assert not looks_like_apache("server {\n  listen 80;\n  location / { deny all; }\n}\n")
    assert kit.parse_config("<Location /x>\nRequire all denied\n</Location>\n").kind == "apache"
    assert kit.parse_config(kit.sample_config("nginx")[0].read_text()).kind == "nginx"


@pytest.mark.parametrize(("text", "words"), [
    ("<Directory /srv>\nRequire all granted\n", ["<Directory> section is never closed"]),
    ("<Location /a>\n</Directory>\n", [":2", "</Directory>"]),
    ("Require not ip 10.0.0.1\n", [":1", "negative Require"]),
    ("Require nothing\n", ["Unknown Authz provider"]),
    ('<LocationMatch "(">\n</LocationMatch>\n', [":1", "Regular expression"]),
    ("<RequireAll>\nRequire not ip 10.0.0.1\n</RequireAll>\n", ["only negative"]),
    ("Order allow,sideways\n", ["unknown order"]),
])
def test_broken_configurations_name_the_line(text, words):
    """Problems httpd refuses at start-up are ConfigErrors with the line."""
    with pytest.raises(kit.ConfigError) as caught:
        parse_apache(text, "site.conf")
    assert all(w in str(caught.value) for w in words), str(caught.value)


def test_includes_are_followed_and_rules_point_into_them(tmp_path: Path):
    """Include (relative to ServerRoot) and IncludeOptional globs; a missing Include fails."""
    (tmp_path / "conf.d").mkdir()
    (tmp_path / "conf.d" / "deny.conf").write_text("<Location /admin>\n  Require all denied\n"
                                                   "</Location>\n")
    main = tmp_path / "httpd.conf"
    main.write_text(f'ServerRoot "{tmp_path}"\nInclude conf.d/*.conf\n'
                    "IncludeOptional nothing/*.conf\n")
    result = kit.audit(load_apache(main), url="/admin/x")
    assert result.status == 403
    assert result.rule is not None
    assert result.rule.source.endswith("deny.conf")
    assert result.rule.line == 2
    main.write_text(f'ServerRoot "{tmp_path}"\nInclude missing.conf\n')
    with pytest.raises(kit.ConfigError, match=r"missing\.conf"):
        load_apache(main)


def test_text_configuration_notes_unfollowed_includes():
    """Given as text, an Include cannot be followed: said as an assumption, not dropped."""
    result = audit("Include sites/*.conf\nRequire all granted\n", "/x")
    assert any("was not followed" in a for a in result.assumptions)


@pytest.mark.parametrize(("stored", "password"), [
    (apr_md5_crypt.hash("pw"), "pw"), (des_crypt.hash("pw"), "pw"),
    ("{SHA}" + base64.b64encode(hashlib.sha1(b"pw").digest()).decode(), "pw"),  # noqa: S324
    (md5_crypt.hash("pw"), "pw"), (sha512_crypt.hash("pw"), "pw"),
    ("$2y$05$" + "a" * 53, None), ("HIoD8SxAgkCdQ", None),
])
def test_htpasswd_schemes_verify_like_apr(stored, password):
    """Each scheme accepts its password and refuses another; malformed ones just refuse."""
    if password is not None:
        assert verify(password, stored)
    assert not verify("wrong", stored)


@pytest.mark.parametrize("stored", ["$apr1$zz", "$2y$bad", "{SHA}!!", "$6$", "", "plain-text",
                                    "$apr1$" + "x" * 200, "\x00\xff"])
def test_malformed_hashes_never_raise(stored):
    """A malformed hash is a mismatch (httpd answers 401), never an exception."""
    assert verify("plain-text", stored) is False or stored == "plain-text"
    assert verify("x", stored) is False


def test_bcrypt_entry_is_checked():
    """$2y$ entries (htpasswd -B) are verified with bcrypt."""
    import bcrypt

    stored = bcrypt.hashpw(b"pw", bcrypt.gensalt(4)).decode().replace("$2b$", "$2y$")
    assert verify("pw", stored)
    assert not verify("pW", stored)


@pytest.mark.parametrize(("expr", "value"), [
    ("%{REMOTE_ADDR} -ipmatch '10.0.0.0/8'", True),
    ("%{HTTP:X-Key} in { 'a', 'k' } && %{REQUEST_METHOD} == 'GET'", True),
    ("%{HTTP_USER_AGENT} =~ /BOT/i", True), ("! (%{QUERY_STRING} =~ /debug/)", False),
    ("-R '192.168.0.0/16' || false", False), ("-n %{HTTP:X-Missing}", False),
    ("%{REQUEST_URI} -strmatch '/api/*'", True), ("'10' -lt '9'", False),
])
def test_expression_subset(expr, value):
    """The ap_expr subset: comparisons, regexes, -ipmatch, in { }, boolean operators."""
    table = {"REMOTE_ADDR": "10.1.2.3", "HTTP:x-key": "k", "REQUEST_METHOD": "GET",
             "HTTP_USER_AGENT": "goodbot", "QUERY_STRING": "debug=1", "REQUEST_URI": "/api/x"}
    assert evaluate(expr, lambda name: table.get(name, "")) is value


def test_unknown_expressions_are_assumptions_not_crashes():
    """An expression outside the subset is taken as false and said so."""
    with pytest.raises(ExprError):
        evaluate("%{TIME_HOUR} -gt 3 && md5('x') == 'y'", lambda n: "")
    result = audit('<Location /x>\nRequire expr "sha1(%{HTTP:A}) == \'z\'"\n</Location>\n',
                   "/x")
    assert result.status == 403
    assert any("not understood" in a for a in result.assumptions)


def test_keys_in_the_configuration_and_the_request_are_masked():
    """A key compared in `Require expr` never leaks into the result, its text or the lines."""
    text = f"<Location /api>\n  Require expr \"%{{HTTP:X-API-Key}} == '{KEY}'\"\n</Location>\n"
    config = parse_apache(text)
    for headers in ({"X-API-Key": KEY}, {"X-API-Key": "wrong-key-0000"}):
        result = kit.audit(config, url="/api/x", headers=headers)
        shown = str(result) + result.to_markdown() + result._repr_html_() + repr(
            result.to_dict())
        assert KEY not in shown
    assert kit.audit(config, url="/api/x", headers={"X-API-Key": KEY}).allowed
    assert all(KEY not in line for lines in config.lines().values() for line in lines)


def test_keys_in_rewrite_conditions_are_masked():
    """A key matched by RewriteCond (or SetEnvIf) on a key header is masked in the lines."""
    text = ("RewriteEngine On\n"
            f"RewriteCond %{{HTTP:X-API-Key}} !^{KEY}$\nRewriteRule ^/api/ - [F]\n"
            f'SetEnvIf Authorization "^Bearer {KEY}$" trusted\n')
    config = parse_apache(text)
    refused = kit.audit(config, url="/api/x")
    assert refused.status == 403
    assert kit.audit(config, url="/api/x", headers={"X-API-Key": KEY}).status == 200
    shown = str(refused) + refused._repr_html_()
    assert KEY not in shown
    assert all(KEY not in line for lines in config.lines().values() for line in lines)


def test_cross_check_reads_an_apache_configuration():
    """A live 403 from an address the sample does not allow: the configuration explains it."""
    exchange = kit.Exchange(method="GET", url="http://api.example.com/v1/items", status=403,
                            request_headers=(), response_headers=(), body="")
    check = kit.cross_check(exchange, kit.sample_config("apache"),
                            source_address="203.0.113.9")
    assert check.verdict == "explains"
    assert check.audit.kind == "apache"


def test_basic_auth_result_hides_the_password(tmp_path: Path):
    """The Authorization header is masked in every rendering of the result."""
    (tmp_path / "users").write_text(f"ann:{apr_md5_crypt.hash('CANARY-pw-1')}\n")
    text = (f'<Location /m>\nAuthType Basic\nAuthName m\nAuthUserFile "{tmp_path}/users"\n'
            "Require valid-user\n</Location>\n")
    config = parse_apache(text)
    good = kit.audit(config, url="/m/", headers=basic("ann", "CANARY-pw-1"))
    bad = kit.audit(config, url="/m/", headers=basic("ann", "nope"))
    assert (good.allowed, bad.status, bad.cause) == (True, 401, kit.Cause.AUTHENTICATION)
    token = basic("ann", "CANARY-pw-1")["Authorization"].split()[1]
    assert token not in repr(good.request)
    assert token not in str(good)


def test_offline_filesystem_is_an_assumption():
    """A DocumentRoot missing here: files and index taken to exist, .htaccess files unread,
    a rate not checked: each said in the result."""
    result = audit("DocumentRoot /nonexistent/www\n<Directory /nonexistent/www>\n"
                   "Require all granted\nAllowOverride All\n</Directory>\n", "/dir/",
                   rate=50.0)
    assert result.allowed
    assert any("index file" in a for a in result.assumptions)
    assert any("not on this machine" in a for a in result.assumptions)
    assert any("/nonexistent/www/dir/.htaccess" in a for a in result.assumptions)
    assert any("rate=" in a for a in result.assumptions)


def test_html_excerpt_highlights_the_deciding_line():
    """The notebook view shows the configuration around the rule, that line highlighted."""
    result = kit.audit(kit.sample_config("apache"), url="http://api.example.com/internal/x",
                       source_address="127.0.0.2")
    page = result._repr_html_()
    assert "RewriteRule ^/internal/ - [F]" in page
    assert "#ffd6d6" in page
    assert result.to_dict()["kind"] == "apache"


def test_cli_audits_an_apache_file(capsys: Any):
    """forbidden-kit audit -c httpd.conf: exit 1 on a refusal, the rule printed."""
    from kit.cli import main

    code = main(["audit", "-c", str(kit.sample_config("apache")[0]), "--kind", "apache",
                 "--from", "203.0.113.9", "http://api.example.com/v1/items"])
    out = capsys.readouterr().out
    assert code == 1
    assert "DENIED 403 (apache)" in out
    assert "Require ip" in out


def test_panel_offers_apache_and_runs_on_the_sample():
    """The audit panel's dropdown lists Apache; a run on the sample shows the verdict."""
    import kit.widgets as kw

    panel = kw.AuditPanel(kit.sample_config("apache"), url="http://api.example.com/v1/items",
                          source_address="203.0.113.9", kind="apache")
    assert "apache" in panel.kind.options
    result = panel.run()
    assert result is not None
    assert result.status == 403
    assert "Require ip" in panel.result.value


def test_vhost_choice_by_name_alias_and_default():
    """Name-based hosts: ServerName, a wildcard ServerAlias, else the first host."""
    text = ("<VirtualHost *:80>\nServerName a.test\n<Location />\nRequire all denied\n"
            "</Location>\n</VirtualHost>\n<VirtualHost *:80>\nServerName b.test\n"
            "ServerAlias *.b.test\n</VirtualHost>\n")
    config = parse_apache(text)

    def status(host: str) -> int:
        return config.evaluate(AuditRequest.build("GET", f"http://{host}/x.html")).status

    assert (status("a.test"), status("x.b.test"), status("other.test")) == (403, 200, 403)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from([
    "<Directory /srv>", "</Directory>", "<Location /a>", "</Location>", "Require all denied",
    "Require ip 10.0.0.0/8", "<RequireAll>", "</RequireAll>", "RewriteEngine On",
    "RewriteRule ^/a - [F]", "Order deny,allow", "Deny from all", "Options -Indexes",
    "<If \"%{HTTP:X} == 'y'\">", "</If>", "AuthType Basic", "Require valid-user", "<Files *>",
    "</Files>", "ErrorDocument 403 http://x.test/", "Satisfy Any", "RewriteCond %{HTTPS} off",
    "<Limit POST>", "</Limit>", "Require not ip 1.2.3.4", "\\", "#", "<", "\"",
]), max_size=12))
def test_random_configurations_load_or_say_where_they_broke(lines):
    """Any arrangement of directives: a ConfigError, or a configuration that audits."""
    try:
        config = parse_apache("\n".join(lines) + "\n", "fuzz.conf")
    except kit.ConfigError as exc:
        where = exc.source
    else:
        where = ""
    if where:
        assert where == "fuzz.conf"
        return
    for url in ("/", "/a/b.html", "/srv/x"):
        result = config.evaluate(AuditRequest.build("GET", url, source_address="10.1.1.1"))
        assert 100 <= result.status < 600
