"""The triage against a real nginx (Debian's package), started by the test on loopback.

Every refusal below is nginx's own bare 403 page: the verdict has to come from the
differential probes and the request, not from the wording of the body.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import kit

from .conftest import Nginx

pytestmark = pytest.mark.skipif(shutil.which("nginx") is None and not Path("/usr/sbin/nginx")
                                .exists(), reason="nginx is not installed (.ci/run installs it)")

# Served from a file: `return` would answer in the rewrite phase, before allow/deny run.
OK = ("    root @www;\n    default_type application/json;\n"
      "    location / { try_files /ok.json =404; }")
SERVERS = {
    # an IP allowlist for the whole host that does not list 127.0.0.1
    "ip_deny": "    allow 127.0.0.2;\n    deny all;\n" + OK,
    # a per-address request limit answered with 403 instead of 503
    "limit_req": "    limit_req zone=perip;\n    limit_req_status 403;\n" + OK,
    # a User-Agent rule against default HTTP clients
    "ua_block": "    if ($http_user_agent ~* \"(python|curl|httpx|wget|go-http|forbidden-kit)\") "
                "{ return 403; }\n" + OK,
    # writes refused on a read-only location (nginx's limit_except)
    "read_only": "    root @www;\n    default_type application/json;\n"
                 "    location / { limit_except GET { deny all; } try_files /ok.json =404; }",
    # only some routes are mapped; the gateway refuses everything else under /api/
    "unmapped": "    root @www;\n    default_type application/json;\n"
                "    location = / { try_files /ok.json =404; }\n"
                "    location = /api/items { try_files /ok.json =404; }\n"
                "    location /api/ { return 403; }",
}


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Nginx]:
    server = Nginx(tmp_path_factory.mktemp("nginx"), SERVERS)
    server.start()
    yield server
    server.stop()


def test_nginx_ip_deny_is_an_allowlist(nginx: Nginx) -> None:
    """A host-wide `deny` refuses every variant alike: the triage names the IP allowlist."""
    d = kit.diagnose(nginx.url("ip_deny", "/v1/items"), headers={"X-API-Key": "k3y-0123456789"},
                     local_address="127.0.0.1")
    assert d.status == 403
    assert d.cause is kit.Cause.IP_ALLOWLIST, d.to_text()


def test_nginx_ip_deny_admits_the_listed_address(nginx: Nginx) -> None:
    """The same server lets 127.0.0.2 through, so the refusal above really is the address."""
    with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.2")) as client:
        assert client.get(nginx.url("ip_deny", "/v1/items")).status_code == 200


def test_nginx_limit_req_403_is_a_rate_limit(nginx: Nginx) -> None:
    """limit_req with limit_req_status 403: the paced repeat succeeds, so it is a rate limit."""
    url = nginx.url("limit_req", "/v1/items")
    with httpx.Client() as client:
        statuses = [client.get(url).status_code for _ in range(5)]
    assert 403 in statuses  # the burst above tripped the limiter
    d = kit.diagnose(url)
    assert d.status == 403
    assert d.cause is kit.Cause.RATE_LIMIT, d.to_text()
    assert d.requests_sent <= 8


def test_nginx_user_agent_block_is_a_security_policy(nginx: Nginx) -> None:
    """A UA rule refuses httpx but not a browser-like User-Agent: a security policy."""
    d = kit.diagnose(nginx.url("ua_block", "/v1/items"))
    assert d.cause is kit.Cause.SECURITY_POLICY, d.to_text()


def test_nginx_unmapped_location_is_configuration(nginx: Nginx) -> None:
    """A path with no route gets the catch-all 403 an unknown path gets: configuration."""
    d = kit.diagnose(nginx.url("unmapped", "/api/orders"))
    assert d.cause is kit.Cause.CONFIGURATION, d.to_text()


def test_nginx_method_rule_is_configuration(nginx: Nginx) -> None:
    """POST refused by limit_except: the kit never replays the POST, but a GET on the same
    path gets through, so the rule depends on the method: configuration."""
    d = kit.diagnose(nginx.url("read_only", "/v1/items"), "POST", content=b'{"n": 1}',
                     headers={"Content-Type": "application/json"})
    assert d.status == 403
    assert [e.method for e in d.exchanges].count("POST") == 1
    assert any(e.label == "GET on the same path" and e.status == 200 for e in d.exchanges)
    assert d.cause is kit.Cause.CONFIGURATION, d.to_text()


def test_nginx_mapped_route_is_not_refused(nginx: Nginx) -> None:
    """The mapped route next to it answers 200 and the kit finds nothing to explain."""
    d = kit.diagnose(nginx.url("unmapped", "/api/items"))
    assert d.status == 200
    assert d.requests_sent == 1
