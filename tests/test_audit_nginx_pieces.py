"""The pieces behind the nginx audit's newer semantics, on plain values (issue 15).

The real-nginx comparison is tests/test_audit_nginx_conformance.py; these pin the parts that
can fail on their own: password schemes, PCRE translation, Host validation, geo tables and
the error_page and internal paths of the walk.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import kit
from kit._gateway._nginx_geo import build_geo, geo_lookup
from kit._gateway._nginx_passwd import verify
from kit._gateway._nginx_pcre import compile_pcre, pcre_to_python
from kit._gateway._nginx_syntax import parse_tree
from kit._gateway._nginx_tree import GeoDef
from kit._gateway._nginx_vars import bad_escape, validate_host

# Hashes of "password" (crypt(3) outputs from glibc/libxcrypt, nginx-tests' apr1 line).
HASHES = {
    "sa3tHJ3/KuYvI": True,  # DES
    "$1$salt$qJH7.N4xYta3aEG/dfqo/0": True,
    "$5$salt$Gcm6FsVtF/Qa77ZKD.iwsJlCVPY0XSMgLJL0Hnww/c1": True,
    "$apr1$salt$Xxd1irWT9ycqoYxGFn4cb.": True,
    "{PLAIN}password": True,
    "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=": True,
    "{SSHA}yI6cZwQadOA1e+/f+T+H3eCQQhRzYWx0": True,
}


@pytest.mark.parametrize("stored", sorted(HASHES))
def test_each_scheme_accepts_its_password_and_refuses_another(stored: str) -> None:
    """Every scheme nginx reads verifies the right password and refuses a wrong one."""
    assert verify("password", stored) is True
    assert verify("123", stored) is False


@pytest.mark.parametrize("stored", ["$1$", "$apr1$", "{SSHA}_____wQadOA1e+/f+T+H3eCQQhRzYWx0",
                                    "{SSHA}Zm9vCg==", "{SHA}Zm9vCg==", "garbage", ""])
def test_malformed_hashes_refuse(stored: str) -> None:
    """A broken hash matches no password (nginx answers 401), and never raises."""
    assert verify("1", stored) is False


def test_unknown_scheme_cannot_be_checked() -> None:
    """A well-formed hash of a scheme no library here computes (yescrypt) is None."""
    assert verify("password", "$y$j9T$salt$0123456789abcdefghijklmnopqrstuvwxyzABCDE") is None


@given(st.text(max_size=40), st.text(max_size=80))
def test_verify_never_raises(password: str, stored: str) -> None:
    """Any password against any stored text: True, False or None, never an exception."""
    assert verify(password, stored) in (True, False, None)


@pytest.mark.parametrize(("pattern", "text", "hit"), [
    (r"^(?P<name>[a-z]+)\Q.example.com\E$", "blah.example.com", True),
    (r"^(?P<name>[a-z]+)\Q.example.com\E$", "blahxexample.com", False),
    (r"^/q/\Q.*+", "/q/.*+", True),
    (r"^(?<a>x)(?'b'y)$", "xy", True),
    (r"^ab\z", "ab\n", False),
    (r"^ab\Z", "ab\n", True),
    (r"^www\p{N}+$", "www01", True),
    (r"^www\p{N}+$", "wwwab", False),
])
def test_pcre_forms(pattern: str, text: str, hit: bool) -> None:
    """PCRE-only syntax compiles (re, or regex for \\p{..}) and matches as PCRE would."""
    assert (compile_pcre(pattern, False).search(text) is not None) is hit


def test_pcre_translation_keeps_escapes_and_names() -> None:
    """Named groups convert, a \\Q block is escaped, a lookbehind stays one."""
    assert pcre_to_python(r"(?<n>a)\Q(b)\E(?<=c)") == r"(?P<n>a)\(b\)(?<=c)"
    with pytest.raises(re.error):
        compile_pcre("a(b", False)


@pytest.mark.parametrize(("raw", "host"), [
    ("Example.COM", "example.com"), ("example.com.", "example.com"),
    ("example.com.:88", "example.com"), ("example.com:", "example.com"),
    ("[::1]:80", "[::1]"), ("..example.com", None), (".", None), ("", None),
    ("example.com/x", None), ("a b", None),
])
def test_validate_host(raw: str, host: str | None) -> None:
    """The Host as nginx keeps it, or None where nginx answers 400."""
    assert validate_host(raw) == host


def test_bad_escapes() -> None:
    """A "%" without two hex digits, or %00, is malformed; a proper escape is not."""
    assert bad_escape("/a%")
    assert bad_escape("/a%1")
    assert bad_escape("/%zz")
    assert bad_escape("/%00")
    assert not bad_escape("/a%20b")
    assert not bad_escape("/a")


def _geo(text: str) -> GeoDef:
    top, _files, _skipped = parse_tree(text, "geo.conf", None)
    return build_geo(top[0])


def test_geo_delete_ranges_and_proxies() -> None:
    """delete removes a network, a later range wins its span, X-Forwarded-For behind proxies."""
    cidr = _geo("geo $g { 127.0.0.0/8 lo; 0.0.0.0/0 world; delete 127.0.0.0/8; }")
    assert geo_lookup(cidr, "127.0.0.1")[0] == "world"
    ranges = _geo("geo $g { ranges; default d; 10.0.0.0-10.0.0.255 a; 10.0.0.5-10.0.0.9 b;"
                  " delete 10.0.0.7-10.0.0.7; }")
    assert [geo_lookup(ranges, f"10.0.0.{i}")[0] for i in (1, 5, 7, 10)] == [
        "a", "b", "d", "a"]
    proxy = _geo("geo $g { default d; proxy 127.0.0.1; 192.0.2.0/24 t; 127.0.0.0/8 lo; }")
    recursive = _geo("geo $g { proxy_recursive; default d; proxy 127.0.0.1; 192.0.2.0/24 t;"
                     " 127.0.0.0/8 lo; }")
    xff = ["192.0.2.1, 127.0.0.1"]
    assert geo_lookup(proxy, "127.0.0.1", xff)[0] == "lo"
    assert geo_lookup(recursive, "127.0.0.1", xff)[0] == "t"
    assert geo_lookup(proxy, "127.0.0.2", xff)[0] == "lo"


SITE = """
server {
    listen 80;
    server_name site.test;
    location /int/ { internal; return 201; }
    location /go/ { rewrite ^/go/(.*)$ /int/$1 last; }
    location /deny/ { deny all; error_page 403 /int/page; }
    location /url/ { deny all; error_page 403 https://status.example/; }
    location /basic/ { auth_basic "x"; auth_basic_user_file htpasswd; }
}
"""


def _audit(url: str, **kw: object) -> kit.AuditResult:
    config = kit.parse_config(SITE, kind="nginx")
    return kit.audit(config, url=f"http://site.test{url}", source_address="192.0.2.7",
                     **kw)


def test_internal_location_after_rewrite_and_error_page() -> None:
    """An internal location: 404 from outside, reached by a rewrite, shown by error_page."""
    assert _audit("/int/x").status == 404
    assert _audit("/go/x").status == 201
    page = _audit("/deny/x")
    assert (page.status, page.allowed) == (403, False)
    assert page.rule is not None
    assert page.rule.text == "deny all;"
    assert _audit("/url/x").status == 302


def test_trace_and_malformed_escape_refused_first() -> None:
    """TRACE is 405 and a malformed escape 400, whatever the locations say."""
    trace, escape = _audit("/int/x", method="TRACE"), _audit("/go/%zz")
    host = _audit("/go/x", headers={"host": "site..test"})
    assert (trace.status, escape.status, host.status) == (405, 400, 400)
    assert "TRACE" in trace.fix
    assert "%" in escape.fix
    assert "Host" in host.fix
    assert {r.cause for r in (trace, escape, host)} == {kit.Cause.CONFIGURATION}


def test_malformed_ssha_in_user_file_refuses(tmp_path: Path) -> None:
    """A broken {SSHA} line answers 401 (it used to raise)."""
    folder = tmp_path
    (folder / "htpasswd").write_text("bob:{SSHA}_____wQadOA1e+/f+T+H3eCQQhRzYWx0\n")
    (folder / "site.conf").write_text(SITE)
    token = base64.b64encode(b"bob:1").decode()
    result = kit.audit(folder / "site.conf", url="http://site.test/basic/",
                       headers={"authorization": f"Basic {token}"})
    assert (result.status, result.allowed) == (401, False)


def test_listen_port_range() -> None:
    """`listen 8000-8010` (nginx accepts it) serves every port of the range."""
    config = kit.parse_config("server { listen 8000-8010; location / { return 201; } }\n"
                              "server { listen 9000; location / { return 202; } }", kind="nginx")
    assert kit.audit(config, url="http://x:8005/").status == 201
    assert kit.audit(config, url="http://x:9000/").status == 202


def test_ipv4_mapped_client_meets_ipv4_rules() -> None:
    """A client seen as ::ffff:192.0.2.7 is checked against the IPv4 allow/deny rules."""
    config = kit.parse_config("server { listen 80; location / { allow 192.0.2.0/24; deny all; }"
                              " }", kind="nginx")
    assert kit.audit(config, url="/", source_address="::ffff:192.0.2.7").status == 200
    assert kit.audit(config, url="/", source_address="::ffff:198.51.100.7").status == 403
