"""Known signatures of providers, gateways, CDNs and WAFs: data rows, each with its source.

A row says: where this text or header shows up (body, a header's value, a header's presence),
which cause and layer it points to, how strongly, the real example it was written from, and
the documentation or source it was taken from. ``match(exchange)`` turns rows into Signals.
Rows are knowledge, not code: add one by appending to ``SIGNATURES`` in ``_catalogue_rows``.

Weights follow one scale: about 0.8-0.9 for an unambiguous provider code (S3's
``<Code>SignatureDoesNotMatch</Code>``), 0.5-0.7 for a strong phrase, 0.2-0.5 for a weaker
hint or a row that only tells which layer answered (``cause`` None).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache

from .._causes import Cause
from .._diagnosis import Layer, Signal
from .._http.exchange import Exchange

WHERE_KINDS = ("body", "header", "has")
"""``body``: regex over the body; ``header:<name>``: regex over that header's values;
``has:<name>``: the header is present (a trailing ``*`` matches a name prefix)."""


@dataclass(frozen=True, slots=True)
class Signature:
    """One recognisable trait of a provider's or product's refusal.

    ``where`` is ``body`` (regex over the response body), ``header:<name>`` (regex over that
    header's value), or ``has:<name>`` (the header is present; pattern is ignored; a name
    ending in ``*`` matches every header starting with the rest, e.g. ``has:x-akamai-*``).
    ``statuses`` limits the row to those response statuses (empty: any status).
    ``cause`` None marks a row that only tells which layer answered.
    ``example`` is the real message or header value the row was written from.
    """

    id: str
    provider: str
    cause: Cause | None
    where: str
    pattern: str
    evidence: str
    source: str
    example: str
    weight: float = 0.6
    layer: Layer | None = None
    fix: str | None = None
    statuses: tuple[int, ...] = (401, 403, 429)
    flags: int = field(default=re.IGNORECASE)

    @property
    def kind(self) -> str:
        """``body``, ``header`` or ``has``."""
        return self.where.partition(":")[0]

    @property
    def header_name(self) -> str:
        """The header a ``header:`` or ``has:`` row reads (empty for body rows)."""
        return self.where.partition(":")[2]


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


# The rows are built from Signature above, so they load after it (and only through here).
from ._catalogue_rows import SIGNATURES  # noqa: E402

__all__ = ["SIGNATURES", "WHERE_KINDS", "Signature", "match", "match_row"]
