"""Network facts behind the ip_allowlist cause: allowlists, name resolution, egress, IP families.

Everything here is pure except `resolve` (the system resolver, injectable) and the two
egress functions (one GET through the caller's `client=`). Bad input becomes data: an
allowlist line that is not an address lands in `Allowlist.errors`, a failed lookup in
`Resolution.error`, an unreachable echo endpoint in `Egress.error`.
"""

from __future__ import annotations

import ipaddress
import json
import re
import socket
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
Resolver = Callable[..., Sequence[tuple[Any, ...]]]
ECHO_BODY_CAP = 4096
"""Bytes of an IP-echo answer that are read; an address never needs more."""
_ECHO_KEYS = ("ip", "origin", "address")
_ACCEPT = {"Accept": "application/json, text/plain"}
_PRIVATE_NOTE = ("a private{kind} address: only a server on the same network sees it; a "
                 "server beyond a NAT or proxy sees that NAT's or proxy's public address")
_BEHIND_NAT = tuple(ipaddress.ip_network(n) for n in (  # RFC 1918, RFC 6598 (CGNAT), RFC 4193
    "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "fc00::/7"))


@dataclass(frozen=True, slots=True)
class AllowlistEntry:
    """One usable allowlist rule: where it was written and the network it stands for."""

    line: int
    text: str
    network: IPNetwork


@dataclass(frozen=True, slots=True)
class AllowlistProblem:
    """An allowlist entry that was rejected (in `errors`) or accepted with a caveat."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True, slots=True)
class AllowCheck:
    """Whether an address passes the allowlist, the rule that let it in, and what to know."""

    allowed: bool
    rule: str | None
    note: str


@dataclass(frozen=True, slots=True)
class Allowlist:
    """Parsed CIDR/address rules; nothing written in the source is silently dropped."""

    entries: tuple[AllowlistEntry, ...] = ()
    errors: tuple[AllowlistProblem, ...] = ()
    warnings: tuple[AllowlistProblem, ...] = ()

    @property
    def families(self) -> frozenset[int]:
        """The IP versions (4, 6) the valid entries cover."""
        return frozenset(e.network.version for e in self.entries)

    def check(self, address: str) -> AllowCheck:
        """Does `address` match a rule? The note explains mapped, private and family mismatches."""
        ip = _parse_ip(address)
        if ip is None:
            return AllowCheck(False, None, f"{address.strip()!r} is not an IP address")
        candidates: list[IPAddress] = [ip]
        notes: list[str] = []
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            candidates.append(ip.ipv4_mapped)
            notes.append(f"{ip} is an IPv4-mapped IPv6 address, so it was checked as "
                         f"{ip.ipv4_mapped} too")
        effective = candidates[-1]
        if effective.is_loopback or effective.is_link_local or any(
            effective in net for net in _BEHIND_NAT if net.version == effective.version
        ):
            kind = " (loopback)" if effective.is_loopback else ""
            notes.append(_PRIVATE_NOTE.format(kind=kind))
        for entry in self.entries:
            if any(c.version == entry.network.version and c in entry.network for c in candidates):
                return AllowCheck(True, entry.text, "; ".join([f"matches {entry.text}", *notes]))
        if not self.entries:
            notes.insert(0, "the allowlist has no valid entries")
        else:
            notes.insert(0, f"no entry matches {ip}")
            if not {c.version for c in candidates} & self.families:
                mine, theirs = ("IPv6", "IPv4") if effective.version == 6 else ("IPv4", "IPv6")
                notes.append(f"your egress is {mine} but the allowlist holds only {theirs} entries")
        return AllowCheck(False, None, "; ".join(notes))


def parse_allowlist(source: str | Iterable[str]) -> Allowlist:
    """CIDRs, single IPv4/IPv6 addresses and a-b ranges, one or more a line; # starts a comment."""
    lines = source.splitlines() if isinstance(source, str) else source
    entries: list[AllowlistEntry] = []
    errors: list[AllowlistProblem] = []
    warnings: list[AllowlistProblem] = []
    for number, line in enumerate(lines, start=1):
        for token in re.split(r"[\s,;]+", line.partition("#")[0].strip()):
            if not token:
                continue
            try:
                networks, caveat = _networks(token)
            except ValueError as exc:
                errors.append(AllowlistProblem(number, token, str(exc)))
                continue
            entries += [AllowlistEntry(number, token, n) for n in networks]
            if caveat:
                warnings.append(AllowlistProblem(number, token, caveat))
    return Allowlist(tuple(entries), tuple(errors), tuple(warnings))


@dataclass(frozen=True, slots=True)
class Resolution:
    """The addresses a name resolves to, by family, or why it did not resolve."""

    v4: tuple[str, ...] = ()
    v6: tuple[str, ...] = ()
    error: str | None = None

    @property
    def dual_stack(self) -> bool:
        """True when the name has both IPv4 and IPv6 addresses (clients may use either)."""
        return bool(self.v4 and self.v6)


def resolve(
    host: str, port: int = 443, *, getaddrinfo: Resolver = socket.getaddrinfo
) -> Resolution:
    """Resolve `host` with the system resolver; a failure becomes `Resolution.error`."""
    name = host.strip().strip("[]")
    try:
        infos = getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        return Resolution(error=f"cannot resolve {name!r}: {exc.strerror or exc}")
    except (OSError, UnicodeError) as exc:
        return Resolution(error=f"cannot resolve {name!r}: {exc}")
    found: dict[int, list[str]] = {socket.AF_INET: [], socket.AF_INET6: []}
    for family, *_rest, sockaddr in infos:
        addresses = found.get(int(family))
        if addresses is not None and str(sockaddr[0]) not in addresses:
            addresses.append(str(sockaddr[0]))
    v4, v6 = tuple(found[socket.AF_INET]), tuple(found[socket.AF_INET6])
    return Resolution(v4, v6, None if v4 or v6 else f"{name!r} resolved to no IP address")


def is_loopback(host: str) -> bool:
    """True for localhost names and loopback literals (IPv4-mapped too); never asks DNS."""
    name = host.strip().strip("[]").rstrip(".").lower()
    if name == "localhost" or name.endswith(".localhost"):
        return True
    ip = _parse_ip(name)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip is not None and ip.is_loopback


@dataclass(frozen=True, slots=True)
class Egress:
    """The source address an IP-echo endpoint saw (family 4 or 6), or why it could not say."""

    address: str | None
    family: int | None
    echo_url: str
    error: str | None = None
    answer: str = ""


def egress_address(echo_url: str, *, client: httpx.Client) -> Egress:
    """Ask an IP-echo endpoint (plain text, or JSON with ip/origin/address) what it sees."""
    try:
        with client.stream("GET", echo_url, headers=_ACCEPT) as r:
            body = b""
            for chunk in r.iter_bytes():
                body += chunk
                if len(body) >= ECHO_BODY_CAP:
                    break
            return _egress(echo_url, r.status_code, body[:ECHO_BODY_CAP])
    except httpx.RequestError as exc:
        return Egress(None, None, echo_url, f"could not ask {echo_url}: {_reason(exc)}")


async def aegress_address(echo_url: str, *, client: httpx.AsyncClient) -> Egress:
    """The awaitable twin of `egress_address`."""
    try:
        async with client.stream("GET", echo_url, headers=_ACCEPT) as r:
            body = b""
            async for chunk in r.aiter_bytes():
                body += chunk
                if len(body) >= ECHO_BODY_CAP:
                    break
            return _egress(echo_url, r.status_code, body[:ECHO_BODY_CAP])
    except httpx.RequestError as exc:
        return Egress(None, None, echo_url, f"could not ask {echo_url}: {_reason(exc)}")


@dataclass(frozen=True, slots=True)
class FamilyTarget:
    """A URL pinned to one address family.

    Send `url` with the header `Host: host_header`; for https also pass
    `extensions={"sni_hostname": sni_hostname}` so TLS still names the real host.
    """

    family: int
    address: str
    url: str
    host_header: str
    sni_hostname: str | None


def split_family(url: str, family: int, *, resolution: Resolution | None = None,
                 getaddrinfo: Resolver = socket.getaddrinfo) -> FamilyTarget | None:
    """Pin `url` to its first IPv4 (family=4) or IPv6 (family=6) address; None if it has none."""
    if family not in (4, 6):
        raise ValueError(f"family must be 4 or 6, not {family!r}")
    parsed = httpx.URL(url)
    if not parsed.host:
        raise ValueError(f"{url!r} has no host")
    host = parsed.raw_host.decode("ascii")
    if resolution is None:
        default = 443 if parsed.scheme == "https" else 80
        resolution = resolve(host, parsed.port or default, getaddrinfo=getaddrinfo)
    addresses = resolution.v4 if family == 4 else resolution.v6
    if not addresses:
        return None
    shown = f"[{host}]" if ":" in host else host
    host_header = shown if parsed.port is None else f"{shown}:{parsed.port}"
    pinned = str(parsed.copy_with(host=addresses[0]))
    sni = host if parsed.scheme == "https" and _parse_ip(host) is None else None
    return FamilyTarget(family, addresses[0], pinned, host_header, sni)


def _networks(token: str) -> tuple[list[IPNetwork], str | None]:
    """The networks one allowlist token stands for, plus a caveat; ValueError says what is wrong."""
    text = token.strip("[]") if "/" not in token else token.replace("[", "").replace("]", "")
    if "*" in text:
        raise ValueError("wildcards are not CIDR notation; write e.g. 10.0.0.0/16 for 10.0.*.*")
    if "%" in text:
        raise ValueError("a zone id (the %... part) has no meaning outside this machine")
    if "-" in text:
        first, last = (_parse_ip(part) for part in text.split("-", 1))
        if first is None or last is None or first.version != last.version:
            raise ValueError("a range needs two addresses of one family, like 10.0.0.1-10.0.0.9")
        if int(first) > int(last):
            raise ValueError("the range runs backwards")
        return list(ipaddress.summarize_address_range(first, last)), None
    try:
        network: IPNetwork = ipaddress.ip_network(text)
        caveat = None
    except ValueError as exc:
        if "host bits set" not in str(exc):
            raise ValueError(str(exc)) from None
        network = ipaddress.ip_network(text, strict=False)
        caveat = f"host bits set; read as {network}"
    if network.prefixlen == 0:
        caveat = f"{network} allows every IPv{network.version} address"
    return [network], caveat


def _parse_ip(text: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(text.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _egress(echo_url: str, status: int, body: bytes) -> Egress:
    text = body.decode("utf-8", "replace").strip()
    if not 200 <= status < 300:
        return Egress(None, None, echo_url, f"{echo_url} answered HTTP {status}", text[:200])
    candidate: object = text
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            return Egress(None, None, echo_url, "the echo answer is not valid JSON", text[:200])
        found = [data[k] for k in _ECHO_KEYS if isinstance(data, dict) and k in data]
        candidate = found[0] if found else ""
    first = str(candidate).split(",")[0].strip()  # httpbin's origin lists the proxies too
    ip = _parse_ip(first) if first else None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip is None:
        return Egress(None, None, echo_url, f"no IP address in the echo answer {text[:80]!r}",
                      text[:200])
    return Egress(str(ip), ip.version, echo_url, None, text[:200])


def _reason(exc: httpx.RequestError) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
