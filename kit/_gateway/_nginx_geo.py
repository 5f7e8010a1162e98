"""nginx ``geo`` blocks (src/http/modules/ngx_http_geo_module.c, nginx 1.22).

- CIDR mode: a radix tree, so the most specific network wins whatever the order; an entry
  for a network already given replaces its value ("duplicate network"); ``delete net``
  removes that network; ``0.0.0.0/0`` is the same node as ``default``.
- ``ranges`` mode: ``a.b.c.d-e.f.g.h``; a later range takes its span from the ranges before it
  (ngx_http_geo_add_range splits them), and ``delete a-b`` empties that span (the default then
  answers).
- The address: the source variable's value (``$remote_addr`` unless given; a value that is not
  an address reads as 255.255.255.255, INADDR_NONE); then, when the address is one of the
  ``proxy`` networks, the last address of X-Forwarded-For replaces it, or with
  ``proxy_recursive`` the last one that is not itself a trusted proxy
  (ngx_http_get_forwarded_addr). An IPv4-mapped IPv6 address is looked up as IPv4.
"""

from __future__ import annotations

import ipaddress

from ._nginx_syntax import Directive
from ._nginx_tree import Address, GeoDef, Network

_NONE = ipaddress.IPv4Address("255.255.255.255")


def _address(text: str, e: Directive) -> Address:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise e.error(f'invalid address "{text}" in geo', "give an IP address") from None


def _network(text: str, e: Directive) -> Network:
    try:
        return ipaddress.ip_network(text, strict=False)
    except ValueError:
        raise e.error(f'invalid network "{text}" in geo',
                      "give a CIDR like 10.0.0.0/8 or an address") from None


def _range(text: str, e: Directive) -> tuple[Address, Address]:
    lo, _, hi = text.partition("-")
    low, high = _address(lo, e), _address(hi, e)
    if low.version != high.version or low > high:  # type: ignore[operator]
        raise e.error(f'invalid range "{text}" in geo', "write the lower address first")
    return low, high


def build_geo(d: Directive) -> GeoDef:
    """Check and index one ``geo`` block."""
    if len(d.args) not in (1, 2) or d.block is None or not d.args[-1].startswith("$"):
        raise d.error("geo takes [$source] $target and a block",
                      "geo $allowed { default 0; 10.0.0.0/8 1; }")
    source = d.args[0] if len(d.args) == 2 else "$remote_addr"
    networks: dict[Network, tuple[str, Directive]] = {}
    ranges: list[tuple[Address, Address, str | None, Directive]] = []
    proxies: list[Network] = []
    default: tuple[str, Directive | None] = ("", None)
    mode_ranges = recursive = False
    for e in d.block:
        if e.name in ("ranges", "proxy_recursive") and not e.args:
            mode_ranges = mode_ranges or e.name == "ranges"
            recursive = recursive or e.name == "proxy_recursive"
            continue
        if len(e.args) != 1:
            raise e.error("a geo entry is a network and one value", "10.0.0.0/8 1;")
        if e.name == "proxy":
            proxies.append(_network(e.args[0], e))
        elif e.name == "delete":
            if mode_ranges and "-" in e.args[0]:
                lo, hi = _range(e.args[0], e)
                ranges.append((lo, hi, None, e))
            else:
                networks.pop(_network(e.args[0], e), None)
        elif e.name == "default":
            default = (e.args[0], e)
        elif e.name == "include":
            raise e.error("include inside geo is expanded by load_nginx only",
                          "load the file from disk")
        elif mode_ranges and "-" in e.name:
            lo, hi = _range(e.name, e)
            ranges.append((lo, hi, e.args[0], e))
        else:
            net = _network(e.name, e)
            if net.prefixlen == 0 and net.version == 4:
                default = (e.args[0], e)
            networks[net] = (e.args[0], e)
    return GeoDef(d, source, d.args[-1][1:], tuple((n, v, x) for n, (v, x) in networks.items()),
                  tuple(ranges), default, tuple(proxies), recursive)


def _trusted(addr: Address, proxies: tuple[Network, ...]) -> bool:
    return any(addr.version == net.version and addr in net for net in proxies)


def _forwarded(addr: Address, g: GeoDef, forwarded: list[str]) -> Address:
    """The client address behind trusted proxies, from X-Forwarded-For (right to left)."""
    if not g.proxies or not forwarded or not _trusted(addr, g.proxies):
        return addr
    hops = [h.strip() for h in ", ".join(forwarded).split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            addr = ipaddress.ip_address(hop)
        except ValueError:
            return addr
        if not g.proxy_recursive or not _trusted(addr, g.proxies):
            return addr
    return addr


def geo_lookup(g: GeoDef, text: str, forwarded: list[str] | None = None
               ) -> tuple[str, Directive | None]:
    """The value for an address, and the entry that gave it (None for the default)."""
    try:
        addr: Address = ipaddress.ip_address(text.strip())
    except ValueError:
        addr = _NONE
    addr = _forwarded(addr, g, forwarded or [])
    if addr.version == 6 and addr.ipv4_mapped is not None:  # looked up in the IPv4 table
        addr = addr.ipv4_mapped
    if g.ranges:
        if addr.version == 6:  # ranges hold IPv4 only: another address reads as INADDR_NONE
            addr = _NONE
        for lo, hi, value, entry in reversed(g.ranges):
            if lo.version == addr.version and lo <= addr <= hi:  # type: ignore[operator]
                if value is None:
                    break
                return value, entry
        return g.default[0], g.default[1]
    best: tuple[int, str, Directive] | None = None
    for net, value, entry in g.networks:
        if addr.version == net.version and addr in net and (
                best is None or net.prefixlen > best[0]):
            best = (net.prefixlen, value, entry)
    if best is not None:
        return best[1], best[2]
    return g.default[0], g.default[1]
