"""The fitted model: features of a response in, a probability per cause out.

The parameters are a multinomial logistic regression fitted on the corpus of real refusals
(``tests/data/refusals/``) by ``python benchmarks/fit.py`` and shipped as ``data/model.json``
(read on first use; no new runtime dependency). Probabilities over the seven causes sum to 1.

Context the corpus cannot know (what the request carried, the local clock, the differential
probes) enters as log-odds added to the fitted scores. The checks' weights meant "alone, this
sure": a signal of weight ``w`` moves its cause from even odds over seven causes to ``w``, a
likelihood ratio of ``6w / (1 - w)`` (never below 1); a negative ``w`` scales its cause's odds
by ``1 + w``. The rig of real servers then corrects each signal it saw on enough products
(``context`` in the parameters: a shift per cause added to the check's own).

When nothing but the status and the page's form speaks, the response's probabilities are
pulled toward even odds so the first stays below ``THIN`` (not enough evidence, and the report
says so); context then moves them from there.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from .._causes import Cause
from .features import is_weak

CAUSES = tuple(Cause)
UNDECIDED_CAP = 0.33
"""The first probability when only the status and the page's form speak."""


@dataclass(frozen=True, slots=True)
class Params:
    """Fitted parameters: one intercept and one weight per cause for every feature."""

    classes: tuple[Cause, ...]
    intercept: tuple[float, ...]
    weights: Mapping[str, tuple[float, ...]]
    temperature: float
    meta: Mapping[str, Any]
    context: Mapping[str, tuple[float, ...]] = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Params:
        classes = tuple(Cause(c) for c in data["classes"])
        width = len(classes)
        weights = {name: tuple(float(v) for v in row) for name, row in data["weights"].items()}
        if any(len(row) != width for row in weights.values()) or len(data["intercept"]) != width:
            raise ValueError("model parameters: every weight row needs one value per cause")
        context = {name: tuple(float(v) for v in row)
                   for name, row in data.get("context", {}).get("weights", {}).items()}
        if any(len(row) != width for row in context.values()):
            raise ValueError("model parameters: every context row needs one value per cause")
        return cls(classes, tuple(float(v) for v in data["intercept"]), weights,
                   float(data.get("temperature", 1.0)), dict(data.get("meta", {})), context)


@cache
def params() -> Params:
    """The shipped parameters (loaded once, on first use)."""
    text = resources.files("kit").joinpath("data/model.json").read_text(encoding="utf-8")
    return Params.from_dict(json.loads(text))


@dataclass(frozen=True, slots=True)
class Scores:
    """Probabilities per cause and what carried each: feature -> contribution (log-odds)."""

    probability: Mapping[Cause, float]
    carried: Mapping[Cause, tuple[tuple[str, float], ...]]
    undecided: bool

    def ranked(self) -> list[tuple[Cause, float]]:
        order = {c: i for i, c in enumerate(CAUSES)}
        return sorted(self.probability.items(), key=lambda kv: (-kv[1], order[kv[0]]))


def context_log_odds(weight: float) -> float:
    """A check's weight as log-odds: ``w`` > 0 -> ln(max(1, 6w/(1-w))); ``w`` < 0 -> ln(1+w)."""
    w = max(-0.95, min(0.95, weight))
    if w > 0:
        return math.log(max(1.0, (len(CAUSES) - 1) * w / (1 - w)))
    return math.log(1 + w)


ContextItem = tuple[Cause | None, float] | tuple[Cause | None, float, str]
"""A context signal: its cause, the check's weight, and (optionally) its name for fitted
weights, ``ctx:<check>:<key>:<cause>`` (see :func:`kit._scoring.features.context_name`). A plain
fact with no check behind it (a probe's outcome) has no cause and weight 0: only a fitted
weight moves the odds for it."""


def base_logits(features: Mapping[str, float], *, model: Params | None = None
                ) -> tuple[list[float], dict[str, list[float]], bool]:
    """What the response alone says, as log-odds per cause (pulled toward even odds when it
    names nothing), each feature's part in them, and whether it named nothing."""
    p = model or params()
    width = len(p.classes)
    logits = list(p.intercept)
    parts: dict[str, list[float]] = {}
    for name, value in features.items():
        row = p.weights.get(name)
        if row is None or not value:
            continue
        for i in range(width):
            logits[i] += row[i] * value
        mean = sum(row) / width
        parts[name] = [(row[i] - mean) * value / p.temperature for i in range(width)]
    logits = [x / p.temperature for x in logits]
    undecided = all(is_weak(n) for n in parts)
    if undecided:  # the response names nothing: start from near-even odds, not its form
        logits = [math.log(q) for q in _pull_to_even(_softmax(logits), UNDECIDED_CAP)]
    return logits, parts, undecided


def context_shift(item: ContextItem, *, model: Params | None = None) -> list[float]:
    """How one context signal moves the log-odds of each cause: the check's own weight (see
    above) plus the correction fitted on the rig of real servers where that signal was seen
    there (the fit starts from the check's weight and moves it only as far as the rig shows)."""
    p = model or params()
    cause, weight = item[0], item[1]
    shift = [0.0] * len(p.classes)
    if cause is not None:
        shift[p.classes.index(cause)] = context_log_odds(weight)
    fitted = p.context.get(item[2]) if len(item) == 3 else None
    if fitted is not None:
        shift = [a + b for a, b in zip(shift, fitted, strict=True)]
    return shift


def score(features: Mapping[str, float], context: Sequence[ContextItem] = (),
          *, model: Params | None = None) -> Scores:
    """Probabilities per cause from response features plus context signals."""
    p = model or params()
    logits, parts, undecided = base_logits(features, model=p)
    for item in context:
        logits = [a + b for a, b in zip(logits, context_shift(item, model=p), strict=True)]
    probs = _softmax(logits)
    carried = {
        c: tuple(sorted(((n, v[i]) for n, v in parts.items() if v[i] > 0),
                        key=lambda nv: -nv[1]))
        for i, c in enumerate(p.classes)
    }
    return Scores(dict(zip(p.classes, probs, strict=True)), carried, undecided)


def _softmax(logits: Sequence[float]) -> list[float]:
    top = max(logits)
    exps = [math.exp(x - top) for x in logits]
    total = sum(exps)
    return [e / total for e in exps]


def _pull_to_even(probs: list[float], cap: float) -> list[float]:
    """Mix with even odds: at least half even, and enough that the largest is at most ``cap``
    (a page that names nothing keeps at most half of what its form suggests)."""
    even = 1 / len(probs)
    top = max(probs)
    keep = 0.5 if top <= cap else min(0.5, (cap - even) / (top - even))
    return [keep * q + (1 - keep) * even for q in probs]
