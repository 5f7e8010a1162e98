"""The nginx evaluator checked against a real nginx running the very same configuration."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kit._gateway.model import AuditRequest
from kit._gateway.nginx.parse import NginxConfig, load_nginx

from ..conftest import free_port

BINARY = shutil.which("nginx") or "/usr/sbin/nginx"
pytestmark = pytest.mark.skipif(not Path(BINARY).exists(), reason="nginx is not installed")

KEY = "canary-key-5f2a9c1e7b3d"
SITE = r"""
map $http_x_api_key $key_ok { default 0; "@KEY" 1; }
geo $office { default 0; 127.0.0.2 1; }
limit_req_zone $binary_remote_addr zone=tiny:1m rate=1r/m;
server {
  listen 127.0.0.1:@PORT default_server;
  server_name site.test;
  root @WWW;
  if ($http_x_block = "yes") { return 403; }
  location / { }
  location = /exact.html { return 204; }
  location /admin/ { allow 127.0.0.1; deny all; }
  location /both/ { allow 127.0.0.2; deny all; }
  location ^~ /static/ { }
  location ~ \.txt$ { return 410; }
  location ~* \.(gif|jpg)$ { deny all; }
  location /nest/ {
    allow all;
    location /nest/deep/ { deny 127.0.0.3; allow all; }
    location ~ \.bak$ { return 403; }
  }
  location /api/ { if ($key_ok = 0) { return 403; } return 200 "api ok"; }
  location /office/ { if ($office = 0) { return 403; } }
  location /race/ { if ($http_x_debug) { return 403; } allow 127.0.0.1; deny all; }
  location /write/ { limit_except GET { allow 127.0.0.2; deny all; } }
  location /basic/ { auth_basic "Private"; auth_basic_user_file @ROOT/htpasswd; }
  location /ar/ { auth_request /_auth; }
  location = /_auth { internal; if ($http_x_token = "good") { return 204; } return 403; }
  location /int/ { internal; }
  location /limited/ { limit_req zone=tiny; }
  location ^~ /old/ { rewrite ^/old/(.*)$ /admin/$1 last; }
  location /moved { return 301 /static/a.txt; }
  location /ua/ { if ($http_user_agent ~* "curl|bot") { return 403; } }
  set $gate "open";
  if ($arg_close = "1") { set $gate "closed"; }
  location /gate/ { if ($gate = closed) { return 403; } }
  location ^~ /flagless/ { rewrite ^/flagless/(.*)$ /admin/$1; }
  location /pretty/ { deny all; error_page 403 =200 /index.html; }
  location ^~ /caret/ { location ~ \.php$ { return 402; } }
  location ~ \.php$ { return 403; }
  location ~ ^/users/(?<id>\d+)$ { if ($id = 0) { return 404; } return 200 "user $id"; }
  location /both-auth/ { allow 127.0.0.1; deny all; auth_request /_auth; }
  location /cookie/ { if ($cookie_session = "") { return 401; } }
  location /args/ { if ($arg_token !~ "^ok") { return 403; } }
  location /le-auth/ { limit_except GET { auth_basic "w"; auth_basic_user_file @ROOT/htpasswd; } }
  location /proxied/ { proxy_pass http://127.0.0.1:@UP; }
  location /sso/ { auth_request /_sso; }
  location = /_sso { internal; proxy_pass http://127.0.0.1:@UP/; }
  location /maybe/ { if ($http_x_route = "up") { proxy_pass http://127.0.0.1:@UP; } }
  rewrite ^/legacy/(.*)$ /admin/$1;
  location = / { return 200 "home"; }
  location /n2/ { location ^~ /n2/deep/ { } }
  location ~ ^/n2/deep/.*\.html$ { return 418; }
  location /n3/ { location ~ \.html$ { return 402; } }
  location ~ \.html$ { if ($arg_deny) { return 403; } }
  location /sat/ { satisfy any; deny all; auth_request /_auth; }
  location /lx/ { if ($http_x_a) { return 418; } limit_except GET { allow all; } }
  location /anyof/ { satisfy any; allow 127.0.0.2; deny all; auth_basic "x";
                     auth_basic_user_file @ROOT/htpasswd; }
}
server {
  listen 127.0.0.1:@UP;
  location / { return 200 "upstream"; }
}
server {
  listen 127.0.0.1:@PORT;
  server_name www.trail.*;
  location / { return 409; }
}
server {
  listen 127.0.0.1:@PORT;
  server_name other.test *.other.test;
  root @WWW;
  location / { deny 127.0.0.1; allow all; }
}
"""
FILES = ("index.html", "static/a.txt", "static/b.gif", "admin/index.html", "admin/x.html",
         "both/index.html", "nest/index.html", "nest/deep/index.html", "nest/x.bak",
         "office/index.html", "race/index.html", "write/index.html", "basic/index.html",
         "ar/index.html", "int/index.html", "limited/index.html", "ua/index.html", "pic.gif",
         "anyof/index.html", "a.txt", "moved/index.html", "gate/index.html", "caret/x.txt",
         "both-auth/index.html", "cookie/index.html", "args/index.html", "le-auth/index.html",
         "users/x", "sso/index.html", "maybe/index.html", "n2/deep/a.html", "n2/deep/a.css",
         "n3/a.html", "n3/b.css", "sat/index.html", "page.html",
         "admin/data.json", "lx/index.html")
BASIC = {"authorization": "Basic YWxpY2U6d29uZGVy"}  # alice:wonder
BAD_BASIC = {"authorization": "Basic YWxpY2U6d3Jvbmc="}  # alice:wrong


class RealNginx:
    """nginx started with our own full nginx.conf (http block, maps, two servers on a port)."""

    def __init__(self, root: Path, site_text: str = SITE) -> None:
        self.root, self.port, self.upstream = root, free_port(), free_port()
        www = root / "www"
        for name in FILES:
            (www / name).parent.mkdir(parents=True, exist_ok=True)
            (www / name).write_text(f"{name}\n")
        (root / "htpasswd").write_text("alice:{PLAIN}wonder\n")
        site = (site_text.replace("@PORT", str(self.port)).replace("@UP", str(self.upstream))
                .replace("@WWW", str(www)).replace("@ROOT", str(root)).replace("@KEY", KEY))
        (root / "site.conf").write_text(site)
        temp = "".join(f"  {k}_temp_path {root}/{k};\n" for k in
                       ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
        user = "user root;\n" if os.geteuid() == 0 else ""
        self.conf = root / "nginx.conf"
        self.conf.write_text(
            f"{user}worker_processes 1;\npid {root}/nginx.pid;\n"
            f"error_log {root}/error.log warn;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n  access_log off;\n{temp}  include site.conf;\n}}\n")
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        args = [BINARY, "-p", str(self.root), "-c", str(self.conf)]
        check = subprocess.run([*args, "-t"], capture_output=True, text=True, check=False)  # noqa: S603
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen([*args, "-g", "daemon off;"],  # noqa: S603
                                        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while True:
            try:
                httpx.get(f"http://127.0.0.1:{self.port}/", timeout=0.5)
                return
            except httpx.HTTPError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("nginx did not start") from None
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=5)

    def send(self, method: str, path: str, host: str, headers: dict[str, str],
             source: str) -> int:
        transport = httpx.HTTPTransport(local_address=source)
        with httpx.Client(transport=transport, timeout=5) as client:
            answer = client.request(method, f"http://127.0.0.1:{self.port}{path}",
                                    headers={"host": host, **headers})
            return answer.status_code


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RealNginx, NginxConfig]]:
    """A running nginx and the audit's reading of the same nginx.conf (with its include)."""
    server = RealNginx(tmp_path_factory.mktemp("audit-nginx"))
    server.start()
    try:
        yield server, load_nginx(server.conf)
    finally:
        server.stop()


S, OTHER = "site.test", "other.test"
H1, H2, H3 = "127.0.0.1", "127.0.0.2", "127.0.0.3"
TABLE: list[tuple[str, str, str, dict[str, str], str]] = [
    ("GET", "/", S, {}, H1),
    ("HEAD", "/", S, {}, H3),
    ("POST", "/index.html", S, {}, H1),
    ("DELETE", "/", S, {}, H1),
    ("GET", "/exact.html", S, {}, H1),
    ("GET", "/admin/", S, {}, H1),
    ("GET", "/admin/x.html", S, {}, H2),
    ("GET", "/admin/x.html", S, {}, H1),
    ("GET", "/both/", S, {}, H2),
    ("GET", "/both/", S, {"x-block": "yes"}, H2),
    ("GET", "/static/a.txt", S, {}, H3),
    ("GET", "/a.txt", S, {}, H3),
    ("GET", "/static/b.gif", S, {}, H1),
    ("GET", "/pic.gif", S, {}, H1),
    ("GET", "/PIC.GIF", S, {}, H1),
    ("GET", "/nest/", S, {}, H3),
    ("GET", "/nest/deep/", S, {}, H3),
    ("GET", "/nest/deep/", S, {}, H2),
    ("GET", "/nest/x.bak", S, {}, H1),
    ("GET", "/api/", S, {}, H1),
    ("GET", "/api/", S, {"x-api-key": "wrong-key-000000"}, H1),
    ("GET", "/api/", S, {"x-api-key": KEY}, H3),
    ("GET", "/api/", S, {"x-api-key": KEY.upper()}, H3),
    ("GET", "/office/", S, {}, H2),
    ("GET", "/office/", S, {}, H3),
    ("GET", "/race/", S, {}, H1),
    ("GET", "/race/", S, {"x-debug": "1"}, H1),
    ("GET", "/race/", S, {"x-debug": "0"}, H1),
    ("GET", "/race/", S, {}, H3),
    ("GET", "/write/", S, {}, H3),
    ("HEAD", "/write/", S, {}, H3),
    ("POST", "/write/index.html", S, {}, H3),
    ("POST", "/write/index.html", S, {}, H2),
    ("DELETE", "/write/index.html", S, {}, H2),
    ("GET", "/basic/", S, {}, H1),
    ("GET", "/basic/", S, BASIC, H1),
    ("GET", "/basic/", S, BAD_BASIC, H1),
    ("GET", "/ar/", S, {}, H1),
    ("GET", "/ar/", S, {"x-token": "good"}, H1),
    ("GET", "/_auth", S, {"x-token": "good"}, H1),
    ("GET", "/int/", S, {}, H1),
    ("GET", "/old/x.html", S, {}, H1),
    ("GET", "/old/x.html", S, {}, H3),
    ("GET", "/moved", S, {}, H1),
    ("GET", "/moved/", S, {}, H1),
    ("GET", "/ua/", S, {"user-agent": "curl/8.0"}, H1),
    ("GET", "/ua/", S, {"user-agent": "Mozilla/5.0"}, H1),
    ("GET", "/anyof/", S, {}, H2),
    ("GET", "/anyof/", S, {}, H3),
    ("GET", "/anyof/", S, BASIC, H3),
    ("GET", "/", OTHER, {}, H1),
    ("GET", "/", OTHER, {}, H2),
    ("GET", "/", "www.other.test", {}, H1),
    ("GET", "/", "unknown.test", {}, H1),
    ("GET", "/admin/../index.html", S, {}, H1),
    ("GET", "/%61dmin/x.html", S, {}, H3),
    ("GET", "//admin//x.html", S, {}, H3),
    ("GET", "/static/../a.txt", S, {}, H1),
    ("GET", "/gate/", S, {}, H1),
    ("GET", "/gate/?close=1", S, {}, H1),
    ("GET", "/flagless/x.html", S, {}, H1),
    ("GET", "/flagless/x.html", S, {}, H3),
    ("GET", "/pretty/", S, {}, H1),
    ("GET", "/caret/x.php", S, {}, H1),
    ("GET", "/caret/x.txt", S, {}, H1),
    ("GET", "/other/x.php", S, {}, H1),
    ("GET", "/users/0", S, {}, H1),
    ("GET", "/users/42", S, {}, H1),
    ("GET", "/users/x", S, {}, H1),
    ("GET", "/both-auth/", S, {}, H1),
    ("GET", "/both-auth/", S, {"x-token": "good"}, H1),
    ("GET", "/both-auth/", S, {"x-token": "good"}, H2),
    ("GET", "/cookie/", S, {}, H1),
    ("GET", "/cookie/", S, {"cookie": "a=1; session=abc"}, H1),
    ("GET", "/args/?token=okay", S, {}, H1),
    ("GET", "/args/?token=bad", S, {}, H1),
    ("GET", "/args/", S, {}, H1),
    ("GET", "/le-auth/", S, {}, H1),
    ("DELETE", "/le-auth/", S, {}, H1),
    ("DELETE", "/le-auth/", S, BASIC, H1),
    ("GET", "/", "www.trail.example", {}, H1),
    ("GET", "/", "SITE.TEST", {}, H2),
    ("GET", "/proxied/anything", S, {}, H1),
    ("POST", "/proxied/anything", S, {}, H1),
    ("GET", "/proxied", S, {}, H1),
    ("GET", "/sso/", S, {}, H1),
    ("POST", "/maybe/", S, {"x-route": "up"}, H1),
    ("POST", "/maybe/index.html", S, {}, H1),
    ("GET", "/legacy/x.html", S, {}, H1),
    ("GET", "/legacy/x.html", S, {}, H3),
    ("POST", "/", S, {}, H1),
    ("GET", "/n2/deep/a.html", S, {}, H1),
    ("GET", "/n2/deep/a.css", S, {}, H1),
    ("GET", "/n3/a.html", S, {}, H1),
    ("GET", "/n3/b.css", S, {}, H1),
    ("GET", "/page.html", S, {}, H1),
    ("GET", "/page.html?deny=1", S, {}, H1),
    ("GET", "/sat/", S, {}, H1),
    ("GET", "/sat/", S, {"x-token": "good"}, H1),
    ("GET", "/old/data.json", S, {}, H1),
    ("GET", "/old/data.json", S, {}, H3),
    ("GET", "/flagless/data.json", S, {}, H3),
    ("GET", "/legacy/data.json", S, {}, H3),
    ("GET", "/lx/", S, {"x-a": "1"}, H1),
    ("POST", "/lx/index.html", S, {"x-a": "1"}, H1),
    ("DELETE", "/lx/index.html", S, {"x-a": "1"}, H1),
]


def _audit(config: NginxConfig, port: int, row: tuple[str, str, str, dict[str, str], str],
           rate: float | None = None) -> tuple[int, bool]:
    method, path, host, headers, source = row
    request = AuditRequest.build(method, f"http://127.0.0.1:{port}{path}",
                                 headers={"host": host, **headers}, source_address=source,
                                 rate=rate)
    result = config.evaluate(request)
    return result.status, result.allowed


def test_table_matches_real_nginx(real: tuple[RealNginx, NginxConfig]) -> None:
    """Every row of the table: the audit's status equals what nginx really answered."""
    server, config = real
    assert len(TABLE) >= 40
    mismatches = []
    for row in TABLE:
        actual = server.send(row[0], row[1], row[2], row[3], row[4])
        predicted, allowed = _audit(config, server.port, row)
        if predicted != actual or allowed != (actual < 400):
            mismatches.append((row[0], row[1], row[2], row[4], actual, predicted))
    assert mismatches == [], f"{len(TABLE) - len(mismatches)}/{len(TABLE)} match: {mismatches}"


def test_rate_limit_burst_matches_real_nginx(real: tuple[RealNginx, NginxConfig]) -> None:
    """A real burst to a 1r/m zone: the first passes, the rest get 503; the audit agrees."""
    server, config = real
    row: tuple[str, str, str, dict[str, str], str] = ("GET", "/limited/", S, {}, "127.0.0.4")
    answers = [server.send(*row) for _ in range(4)]
    assert answers[0] == 200
    assert set(answers[1:]) == {503}
    assert _audit(config, server.port, row) == (200, True)
    assert _audit(config, server.port, row, rate=4.0) == (503, False)


def test_host_choice_and_orders_match_real_nginx(real: tuple[RealNginx, NginxConfig]) -> None:
    """Host picks the server; a server-level return beats a location allow; ^~ beats a regex."""
    server, config = real
    for row, expected in [(("GET", "/", OTHER, {}, H1), 403), (("GET", "/", S, {}, H1), 200),
                          (("GET", "/both/", S, {"x-block": "yes"}, H2), 403),
                          (("GET", "/static/a.txt", S, {}, H1), 200),
                          (("GET", "/a.txt", S, {}, H1), 410)]:
        assert server.send(*row) == expected
        assert _audit(config, server.port, row)[0] == expected


def test_audit_of_real_config_names_lines(real: tuple[RealNginx, NginxConfig]) -> None:
    """The deciding rule points into site.conf (an include) and the canary key never leaks."""
    server, config = real
    request = AuditRequest.build("GET", f"http://127.0.0.1:{server.port}/api/",
                                 headers={"host": S, "x-api-key": KEY}, source_address=H1)
    result = config.evaluate(request)
    assert result.allowed
    assert result.rule is not None
    assert result.rule.source.endswith("site.conf")
    assert any(name.endswith("site.conf") for name in config.lines())
    assert KEY not in repr(result.to_dict())
    assert KEY not in str(result)


MAPS = r"""
map $host $tenant { hostnames; default none; .shop.test shop; www.* www; api.shop.test api; }
map $uri $section { default ""; ~^/s/(?<name>[a-z]+)/ $name; }
geo $http_x_real_ip $trusted { default 0; 192.0.2.0/24 1; 192.0.2.128/25 0; }
map $http_user_agent $bot { default 0; ~*(curl|wget) 1; }
server {
  listen 127.0.0.1:@PORT;
  server_name ~^(?<sub>[a-z]+)\.shop\.test$ shop.test;
  root @WWW;
  if ($bot) { return 403; }
  location /t/ { if ($tenant = none) { return 403; } if ($tenant = www) { return 402; } }
  location /s/ { if ($section = "") { return 404; } if ($section = admin) { return 403; } }
  location /g/ { if ($trusted = 0) { return 403; } }
  location /sub/ { if ($sub = "admin") { return 403; } }
}
"""
MAP_ROWS: list[tuple[str, str, dict[str, str], int]] = [
    ("/t/", "api.shop.test", {}, 200), ("/t/", "x.shop.test", {}, 200),
    ("/t/", "shop.test", {}, 200), ("/t/", "www.other.test", {}, 402),
    ("/t/", "elsewhere.test", {}, 403), ("/s/docs/index.html", "shop.test", {}, 200),
    ("/s/admin/index.html", "shop.test", {}, 403), ("/s/", "shop.test", {}, 404),
    ("/g/", "shop.test", {"x-real-ip": "192.0.2.8"}, 200),
    ("/g/", "shop.test", {"x-real-ip": "192.0.2.200"}, 403),
    ("/g/", "shop.test", {"x-real-ip": "198.51.100.8"}, 403),
    ("/t/", "shop.test", {"user-agent": "Wget/1.21"}, 403),
    ("/sub/", "admin.shop.test", {}, 403), ("/sub/", "shop.shop.test", {}, 200),
]


def test_maps_geo_and_server_name_captures_match_real_nginx(tmp_path: Path) -> None:
    """map hostnames/regex captures, geo over a header, server_name captures: as nginx."""
    server = RealNginx(tmp_path, MAPS)
    for name in ("t/index.html", "s/docs/index.html", "s/admin/index.html", "s/index.html",
                 "g/index.html", "sub/index.html"):
        (tmp_path / "www" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "www" / name).write_text("x\n")
    server.start()
    try:
        config = load_nginx(server.conf)
        for path, host, headers, expected in MAP_ROWS:
            actual = server.send("GET", path, host, headers, H1)
            predicted = _audit(config, server.port, ("GET", path, host, headers, H1))
            assert (actual, predicted[0]) == (expected, expected), (path, host, headers)
    finally:
        server.stop()


INHERIT = r"""
server {
  listen 127.0.0.1:@PORT default_server;
  server_name site.test;
  root @WWW;
  allow 127.0.0.2;
  deny all;
  location / { }
  location /admin/ { allow all; }
  location /api/ { limit_except GET { deny all; } }
  location ~ \.gif$ { }
  location /x/ { satisfy any; auth_basic "x"; auth_basic_user_file @ROOT/htpasswd; }
}
server { listen 127.0.0.1:@UP; location / { return 200; } }
"""


def test_server_level_access_rules_inherit_as_in_real_nginx(tmp_path: Path) -> None:
    """Server-level allow/deny reach locations without their own rules, limit_except blocks
    and regex locations, and `satisfy any` with basic auth: 20 requests, as nginx answers."""
    server = RealNginx(tmp_path, INHERIT)
    for name in ("api/index.html", "x/index.html"):  # files exist: a 404 is not the audit's
        (tmp_path / "www" / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "www" / name).write_text("x\n")
    server.start()
    try:
        config = load_nginx(server.conf)
        mismatches = []
        for method in ("GET", "POST"):
            for path in ("/", "/admin/", "/api/", "/pic.gif", "/x/"):
                for source in (H1, H2):
                    row = (method, path, S, {}, source)
                    actual = server.send(*row)
                    if _audit(config, server.port, row)[0] != actual:
                        mismatches.append((*row, actual))
        assert mismatches == []
    finally:
        server.stop()
