"""The shape of one catalogue row: ``Signature``, plain data that imports no check.

``_catalogue_rows`` builds its rows from this class and ``_catalogue`` matches them; neither
imports the other back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .._causes import Cause
from .._diagnosis import Layer

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
