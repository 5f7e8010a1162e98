"""Known signatures of providers, gateways, CDNs and WAFs: data rows, each with its source.

A row says: where this text or header shows up (body, a header's value, a header's presence),
which cause and layer it points to, how strongly, the real example it was written from, and
the documentation or source it was taken from. ``match(exchange)`` turns rows into Signals.
Rows are knowledge, not code: add one by appending to ``SIGNATURES`` in ``_catalogue_rows``
(each a ``_signature.Signature``).

Weights follow one scale: about 0.8-0.9 for an unambiguous provider code (S3's
``<Code>SignatureDoesNotMatch</Code>``), 0.5-0.7 for a strong phrase, 0.2-0.5 for a weaker
hint or a row that only tells which layer answered (``cause`` None).
"""

from __future__ import annotations

import re
from functools import cache

from .._diagnosis import Signal
from .._http.exchange import Exchange
from ._catalogue_rows import SIGNATURES
from ._signature import WHERE_KINDS, Signature


@cache
def _compiled(pattern: str, flags: int) -> re.Pattern[str]:
    return re.compile(pattern, flags)


def _present(exchange: Exchange, name: str) -> str | None:
    """The first value of a header called ``name`` (``prefix*`` matches by prefix)."""
    if not name.endswith("*"):
        return exchange.header(name)
    prefix = name[:-1].lower()
    return next((v for k, v in exchange.response_headers if k.lower().startswith(prefix)), None)


def match_row(row: Signature, exchange: Exchange) -> str | None:
    """The matched text if this row applies to the exchange, else None."""
    if row.statuses and exchange.status not in row.statuses:
        return None
    kind, _, name = row.where.partition(":")
    if kind == "has":
        return _present(exchange, name)
    if kind == "header":
        for value in exchange.headers_named(name):
            found = _compiled(row.pattern, row.flags).search(value)
            if found:
                return found.group(0)
        return None
    if kind == "body":
        found = _compiled(row.pattern, row.flags).search(exchange.body)
        return found.group(0) if found else None
    raise ValueError(f"signature {row.id}: unknown where={row.where!r}")


def match(exchange: Exchange, rows: tuple[Signature, ...] | None = None) -> list[Signal]:
    """A Signal for every catalogue row that recognises this exchange."""
    signals: list[Signal] = []
    for row in SIGNATURES if rows is None else rows:
        if match_row(row, exchange) is None:
            continue
        signals.append(
            Signal(
                cause=row.cause,
                weight=row.weight,
                evidence=row.evidence,
                fix=row.fix,
                layer=row.layer,
                source=row.source,
                check=f"catalogue:{row.id}",
            )
        )
    return signals


__all__ = ["SIGNATURES", "WHERE_KINDS", "Signature", "match", "match_row"]
