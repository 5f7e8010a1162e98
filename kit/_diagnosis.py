"""Signals, Findings and the Diagnosis: how pieces of evidence become a ranked verdict.

Each check emits Signals: a cause, a weight in (-1, 1) and one evidence sentence. What the
response shows becomes features of a model fitted on real refusals
(:mod:`kit._scoring.model`), which gives a probability per cause; :mod:`kit._verdict` turns
those into Findings. A 403 on its own is worth little, so a verdict resting on the status code
alone stays below ``THIN``.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ._causes import CAUSES, Cause
from ._http.exchange import Exchange

THIN = 0.35
"""Below this, a finding is a hint, not a verdict: the report says which probe would settle it."""


class Layer(enum.StrEnum):
    """Which part of the path between client and API answered."""

    CDN_WAF = "cdn/waf"
    GATEWAY = "gateway"
    PROXY = "proxy"
    ORIGIN = "origin"


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence for (weight > 0) or against (weight < 0) a cause.

    A signal with no cause only says which layer answered (weight: how sure).
    """

    cause: Cause | None
    weight: float
    evidence: str
    fix: str | None = None
    layer: Layer | None = None
    source: str | None = None
    check: str = ""
    key: str = ""
    """A stable name for signals of one check that differ in kind (a vocabulary phrase)."""


@dataclass(frozen=True, slots=True)
class LayerGuess:
    """Which layer most likely produced the response, and why."""

    layer: Layer
    evidence: str


@dataclass(frozen=True, slots=True)
class Finding:
    """One cause, how sure the kit is, the evidence for it and what to do."""

    cause: Cause
    confidence: float
    evidence: list[str]
    fixes: list[str]
    against: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return CAUSES[self.cause].title

    @property
    def explanation(self) -> str:
        return CAUSES[self.cause].explanation

    @property
    def prevention(self) -> list[str]:
        return list(CAUSES[self.cause].prevention)

    @property
    def thin(self) -> bool:
        return self.confidence < THIN

    def __repr__(self) -> str:
        return f"<Finding {self.cause.value} {self.confidence:.2f}: {len(self.evidence)} evidence>"


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Ranked findings for one request, with the exchanges they rest on."""

    findings: list[Finding]
    exchanges: list[Exchange]
    layer: LayerGuess | None = None
    next_steps: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    requests_sent: int = 0

    @property
    def top(self) -> Finding | None:
        return self.findings[0] if self.findings else None

    @property
    def cause(self) -> Cause | None:
        """The most likely cause, or None when no cause stands out."""
        return self.findings[0].cause if self.findings else None

    @property
    def baseline(self) -> Exchange | None:
        return self.exchanges[0] if self.exchanges else None

    @property
    def status(self) -> int | None:
        return self.baseline.status if self.baseline else None

    def finding(self, cause: Cause | str) -> Finding | None:
        return next((f for f in self.findings if f.cause == cause), None)

    def to_text(self, *, color: bool = False) -> str:
        from ._report import to_text

        return to_text(self, color=color)

    def to_markdown(self) -> str:
        from ._report import to_markdown

        return to_markdown(self)

    def to_html(self) -> str:
        from ._card_html import card

        return card(self)

    def to_dict(self) -> dict[str, object]:
        from ._report import to_dict

        return to_dict(self)

    def _repr_html_(self) -> str:
        return self.to_html()

    def bundle(self, path: str | Path, *, egress: str | None = None) -> Path:
        """Write the redacted evidence bundle for support (Markdown, or JSON for a .json
        name): verdict, UTC times, request ids, egress address, HAR, curl with $TOKEN."""
        from ._report import headline
        from ._tools.support import bundle

        return bundle(path, self.exchanges, verdict=headline(self), details=self.to_markdown(),
                      egress=egress, notes=self.notes)

    def __str__(self) -> str:
        return self.to_text()

    def __repr__(self) -> str:
        top = self.top
        verdict = f"{top.cause.value} {top.confidence:.2f}" if top else "no cause found"
        return f"<Diagnosis {verdict}, {len(self.exchanges)} exchange(s)>"


def combine(weights: Iterable[float]) -> float:
    """Noisy-OR of positive weights, scaled down by each negative one."""
    positive = 1.0
    negative = 1.0
    for w in weights:
        w = max(-0.99, min(0.99, w))
        if w > 0:
            positive *= 1 - w
        elif w < 0:
            negative *= 1 + w
    return round((1 - positive) * negative, 3)


def logistic(x: float) -> float:
    """A smooth 0..1 squashing used by checks that grade evidence by magnitude."""
    return 1 / (1 + math.exp(-x))
