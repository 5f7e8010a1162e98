"""What an exchange is counted under: its endpoint (path with ids as {id}) and its client."""

from __future__ import annotations

from .._http.exchange import Exchange
from .formats import endpoint_of as path_template


def endpoint_of(exchange: Exchange) -> str:
    """The endpoint an exchange counts under: its path, no query, ids as {id} (as logs count)."""
    return path_template(exchange.url)


def client_of(exchange: Exchange) -> str | None:
    """Who sent it: in a log line, the caller's address (a server log's peer, kept as
    ``remote_address``); in recorded traffic, the masked key, else the local address."""
    if exchange.label == "log":
        return _host(exchange.remote_address)
    if exchange.credentials:
        return exchange.credentials[0].masked
    return _host(exchange.local_address)


def _host(address: str | None) -> str | None:
    """'198.51.100.7:5123' -> '198.51.100.7', '[2001:db8::1]:443' -> '2001:db8::1'."""
    if not address:
        return None
    if address.startswith("["):
        return address[1:].partition("]")[0]
    return address.partition(":")[0] if address.count(":") == 1 else address
