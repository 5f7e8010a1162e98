"""Allowlists, resolution, IP families and egress, against a real echo server on loopback only."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kit._tools.network import (
    ECHO_BODY_CAP,
    Allowlist,
    Resolution,
    aegress_address,
    egress_address,
    is_loopback,
    parse_allowlist,
    resolve,
    split_family,
)

# --- a tiny IP-echo server on loopback ------------------------------------------------------


class EchoHandler(BaseHTTPRequestHandler):
    """Answers with the caller's address, as plain text, JSON or not at all."""

    def do_GET(self) -> None:
        """Route by path: / text, /json JSON, /host the Host header, /big, /garbage, /fail."""
        ip = self.client_address[0]
        status, body = 200, ip
        if self.path == "/json":
            body = json.dumps({"origin": f"{ip}, 10.9.9.9"})
        elif self.path == "/host":
            body = self.headers.get("Host", "")
        elif self.path == "/big":
            body = ip + " " + "x" * (ECHO_BODY_CAP * 4)
        elif self.path == "/garbage":
            body = "<html>hello</html>"
        elif self.path == "/badjson":
            body = "{not json"
        elif self.path == "/fail":
            status, body = 503, "down"
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


class V6Server(ThreadingHTTPServer):
    """The echo server on [::1]."""

    address_family = socket.AF_INET6


def serve(server_class: type[ThreadingHTTPServer], host: str) -> Iterator[str]:
    """Run an echo server in a thread and yield its base URL."""
    server = server_class((host, 0), EchoHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    shown = f"[{host}]" if ":" in host else host
    try:
        yield f"http://{shown}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@pytest.fixture(scope="module")
def echo() -> Iterator[str]:
    """An IP-echo server on 127.0.0.1."""
    yield from serve(ThreadingHTTPServer, "127.0.0.1")


@pytest.fixture(scope="module")
def echo6() -> Iterator[str]:
    """An IP-echo server on [::1], skipped where the host has no IPv6 loopback."""
    try:
        yield from serve(V6Server, "::1")
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")


def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- allowlists -----------------------------------------------------------------------------

ALLOWLIST = """
# office and CI runners
203.0.113.0/24      # office
198.51.100.7
2001:db8::/32
192.0.2.10-192.0.2.12, 10.0.0.5/8
"""


def test_allowlist_parses_cidrs_addresses_ranges_and_comments() -> None:
    """CIDRs, single addresses, ranges and comma-separated entries all count; comments do not."""
    allowlist = parse_allowlist(ALLOWLIST)
    assert [e.text for e in allowlist.entries][:3] == [
        "203.0.113.0/24",
        "198.51.100.7",
        "2001:db8::/32",
    ]
    assert allowlist.entries[0].line == 3
    assert allowlist.errors == ()
    assert allowlist.families == {4, 6}
    assert [w.reason for w in allowlist.warnings] == ["host bits set; read as 10.0.0.0/8"]


def test_allowlist_collects_bad_entries_with_line_and_reason() -> None:
    """Bad entries land in errors with their line, text and why; good ones still load."""
    allowlist = parse_allowlist(
        ["1.2.3.4", "999.1.1.1", "10.0.*.*", "", "fe80::1%eth0", "9.9.9.9-1.1.1.1"]
    )
    assert [e.text for e in allowlist.entries] == ["1.2.3.4"]
    lines = [(e.line, e.text) for e in allowlist.errors]
    assert lines == [(2, "999.1.1.1"), (3, "10.0.*.*"), (5, "fe80::1%eth0"), (6, "9.9.9.9-1.1.1.1")]
    assert "does not appear to be an IPv4 or IPv6" in allowlist.errors[0].reason
    assert "wildcards" in allowlist.errors[1].reason
    assert "backwards" in allowlist.errors[3].reason


def test_allowlist_check_match_and_miss() -> None:
    """A covered address is allowed by its rule; an uncovered one is refused with a reason."""
    allowlist = parse_allowlist(ALLOWLIST)
    hit = allowlist.check("203.0.113.77")
    assert (hit.allowed, hit.rule) == (True, "203.0.113.0/24")
    assert hit.note == "matches 203.0.113.0/24"
    assert allowlist.check("192.0.2.11").rule == "192.0.2.10-192.0.2.12"
    miss = allowlist.check("8.8.8.8")
    assert (miss.allowed, miss.rule) == (False, None)
    assert miss.note == "no entry matches 8.8.8.8"


def test_allowlist_check_ipv4_mapped_ipv6() -> None:
    """::ffff:203.0.113.5 is checked as 203.0.113.5, and the note says so."""
    check = parse_allowlist("203.0.113.0/24").check("::ffff:203.0.113.5")
    assert check.allowed
    assert "IPv4-mapped IPv6 address" in check.note


def test_allowlist_check_ipv6_egress_against_ipv4_only_list() -> None:
    """An IPv6 caller against an IPv4-only allowlist is told the families differ."""
    check = parse_allowlist("203.0.113.0/24\n198.51.100.7").check("2001:db8::1")
    assert not check.allowed
    assert "your egress is IPv6 but the allowlist holds only IPv4 entries" in check.note


def test_allowlist_check_private_and_loopback_addresses() -> None:
    """Private and loopback addresses are seen only on their own network; a server beyond a NAT
    sees the NAT's address (said once, without claiming both)."""
    allowlist = parse_allowlist("203.0.113.0/24")
    private = allowlist.check("192.168.1.20")
    assert "a private address: only a server on the same network sees it" in private.note
    assert "beyond a NAT or proxy sees that NAT's or proxy's public address" in private.note
    assert "(loopback)" in allowlist.check("127.0.0.1").note


def test_allowlist_check_bad_address_and_empty_list() -> None:
    """A non-address and an empty list give clear refusals, never exceptions."""
    assert parse_allowlist("10.0.0.0/8").check("nope").note == "'nope' is not an IP address"
    empty = Allowlist()
    assert empty.check("8.8.8.8").note == "the allowlist has no valid entries"


@given(st.lists(st.text(max_size=40), max_size=8), st.text(max_size=45))
def test_random_allowlists_never_raise(lines: list[str], address: str) -> None:
    """Every token ends up an entry or an error, and any check returns an AllowCheck."""
    allowlist = parse_allowlist(lines)
    tokens = {
        (number, token)
        for number, line in enumerate(lines, start=1)
        for token in re.split(r"[\s,;]+", line.partition("#")[0])
        if token
    }
    accounted = {(e.line, e.text) for e in allowlist.entries}
    accounted |= {(e.line, e.text) for e in allowlist.errors}
    assert accounted == tokens
    assert isinstance(allowlist.check(address).allowed, bool)


@given(st.ip_addresses())
def test_every_address_is_allowed_by_its_own_entry(
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address,
) -> None:
    """An allowlist holding an address always admits that address."""
    assert parse_allowlist(str(ip)).check(str(ip)).allowed


# --- resolution and loopback ----------------------------------------------------------------


def fake_getaddrinfo(host: str, port: int, **_kwargs: object) -> list[tuple[object, ...]]:
    """A resolver for api.example.test with one IPv4 and two IPv6 answers (one repeated)."""
    if host != "api.example.test":
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
    v4 = (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port))
    v6 = (socket.AF_INET6, socket.SOCK_STREAM, 6, "", ("::1", port, 0, 0))
    return [v4, v6, v6]


def test_resolve_splits_families_and_dedupes() -> None:
    """Answers are split into IPv4 and IPv6 tuples without repeats."""
    resolution = resolve("api.example.test", 443, getaddrinfo=fake_getaddrinfo)
    assert resolution == Resolution(("127.0.0.1",), ("::1",), None)
    assert resolution.dual_stack


def test_resolve_failure_is_a_message() -> None:
    """A name that does not resolve gives an error message, not an exception."""
    resolution = resolve("nowhere.example.test", 443, getaddrinfo=fake_getaddrinfo)
    assert (resolution.v4, resolution.v6) == ((), ())
    assert resolution.error == "cannot resolve 'nowhere.example.test': Name or service not known"


def test_resolve_literal_addresses_with_the_system_resolver() -> None:
    """Literal loopback addresses resolve to themselves without any lookup."""
    assert resolve("127.0.0.1", 80).v4 == ("127.0.0.1",)
    assert resolve("[::1]", 80).v6 == ("::1",)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", True),
        ("LOCALHOST.", True),
        ("api.localhost", True),
        ("127.0.0.2", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("10.0.0.1", False),
        ("example.com", False),
        ("", False),
    ],
)
def test_is_loopback(host: str, expected: bool) -> None:
    """Loopback names and literals are recognised without DNS."""
    assert is_loopback(host) is expected


# --- split_family ---------------------------------------------------------------------------

DUAL = Resolution(("127.0.0.1",), ("::1",))


def test_split_family_pins_each_family_and_keeps_the_host_header() -> None:
    """Each family gets a URL on its literal address and the original Host value."""
    v4 = split_family("https://api.example.test:8443/v1?x=1", 4, resolution=DUAL)
    v6 = split_family("https://api.example.test:8443/v1?x=1", 6, resolution=DUAL)
    assert v4 is not None
    assert v6 is not None
    assert (v4.url, v4.host_header, v4.sni_hostname) == (
        "https://127.0.0.1:8443/v1?x=1",
        "api.example.test:8443",
        "api.example.test",
    )
    assert (v6.url, v6.address) == ("https://[::1]:8443/v1?x=1", "::1")


def test_split_family_missing_family_and_bad_arguments() -> None:
    """No address of the family gives None; nonsense arguments raise ValueError."""
    assert (
        split_family("http://api.example.test/", 6, resolution=Resolution(("127.0.0.1",))) is None
    )
    with pytest.raises(ValueError, match="family"):
        split_family("http://api.example.test/", 5, resolution=DUAL)
    with pytest.raises(ValueError, match="no host"):
        split_family("/relative/path", 4, resolution=DUAL)


def test_split_family_target_reaches_the_server_with_the_original_host(echo: str) -> None:
    """A pinned URL plus its Host header reaches the loopback server as the real name."""
    port = httpx.URL(echo).port
    target = split_family(f"http://api.example.test:{port}/host", 4, getaddrinfo=fake_getaddrinfo)
    assert target is not None
    with httpx.Client() as client:
        response = client.get(target.url, headers={"Host": target.host_header})
    assert response.text == f"api.example.test:{port}"


# --- egress ---------------------------------------------------------------------------------


def test_egress_plain_text(echo: str) -> None:
    """A plain-text echo gives the loopback address and family 4."""
    with httpx.Client() as client:
        egress = egress_address(echo + "/", client=client)
    assert (egress.address, egress.family, egress.error) == ("127.0.0.1", 4, None)


def test_egress_json_origin_takes_the_first_address(echo: str) -> None:
    """A JSON echo with an httpbin-style origin list gives its first address."""
    with httpx.Client() as client:
        assert egress_address(echo + "/json", client=client).address == "127.0.0.1"


def test_egress_follows_the_bound_local_address(echo: str) -> None:
    """Binding the client to 127.0.0.2 makes the echo see 127.0.0.2."""
    transport = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=transport) as client:
        assert egress_address(echo, client=client).address == "127.0.0.2"


def test_egress_over_ipv6_loopback(echo6: str) -> None:
    """An echo on [::1] reports family 6."""
    with httpx.Client() as client:
        egress = egress_address(echo6, client=client)
    assert (egress.address, egress.family) == ("::1", 6)


def test_egress_reads_a_capped_body(echo: str) -> None:
    """A huge answer is cut at the cap and still yields the address in front."""
    with httpx.Client() as client:
        egress = egress_address(echo + "/big", client=client)
    assert egress.address is None
    assert len(egress.answer) <= 200
    assert "no IP address" in (egress.error or "")


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/garbage", "no IP address in the echo answer"),
        ("/badjson", "not valid JSON"),
        ("/fail", "answered HTTP 503"),
    ],
)
def test_egress_bad_answers_are_errors(echo: str, path: str, message: str) -> None:
    """Non-address answers, broken JSON and error statuses become error messages."""
    with httpx.Client() as client:
        egress = egress_address(echo + path, client=client)
    assert egress.address is None
    assert message in (egress.error or "")


def test_egress_unreachable_endpoint_is_an_error() -> None:
    """A refused connection becomes Egress.error instead of an exception."""
    url = f"http://127.0.0.1:{closed_port()}/"
    with httpx.Client(timeout=5) as client:
        egress = egress_address(url, client=client)
    assert egress.address is None
    assert (egress.error or "").startswith(f"could not ask {url}: ConnectError")


def test_async_egress_twin(echo: str) -> None:
    """aegress_address gives the same answers through an AsyncClient, bound address included."""

    async def ask() -> tuple[str | None, str | None, str | None]:
        transport = httpx.AsyncHTTPTransport(local_address="127.0.0.2")
        async with httpx.AsyncClient(transport=transport) as bound, httpx.AsyncClient() as plain:
            first = await aegress_address(echo + "/json", client=bound)
            second = await aegress_address(f"http://127.0.0.1:{closed_port()}/", client=plain)
            return first.address, second.address, second.error

    address, failed, error = asyncio.run(ask())
    assert (address, failed) == ("127.0.0.2", None)
    assert "ConnectError" in (error or "")


def test_egress_unwraps_ipv4_mapped_answers() -> None:
    """An echo that reports ::ffff:a.b.c.d is read as the IPv4 address it carries."""
    answer = "::ffff:203.0.113.9"
    transport = httpx.MockTransport(lambda request: httpx.Response(200, text=answer))
    with httpx.Client(transport=transport) as client:
        egress = egress_address("http://127.0.0.1/", client=client)
    assert (egress.address, egress.family) == ("203.0.113.9", 4)
    assert ipaddress.ip_address(egress.address or "").version == 4
