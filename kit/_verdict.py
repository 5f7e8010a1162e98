"""From signals to Findings: the fitted probabilities, with the evidence that carried each.

Response signals become features (:mod:`kit._scoring.features`), the model gives a probability per
cause (:mod:`kit._scoring.model`), and each finding lists what carried it, strongest first, in the
checks' own sentences. A request without a credential counts for a key problem only when the
response names nothing else: no check, catalogue row or phrase of the vocabulary fired, or
what fired leaves the first cause thin.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._causes import CAUSES, Cause
from ._diagnosis import THIN, Diagnosis, Finding, Layer, LayerGuess, Signal
from ._http.exchange import Exchange
from ._scoring.features import context_name, features, is_context, is_weak, signal_feature
from ._scoring.model import ContextItem, Scores, context_shift, score
from ._scoring.outcomes import facts
from ._scoring.separate import close, separate

SHOWN = 0.02
"""Causes below this probability are left out of the findings."""
MIN_PART = 0.05
"""A feature that moves a cause's log-odds by less than this is not named as evidence."""
_MAX_WORDS = 6
_QUIET = frozenset([
    "a", "an", "and", "are", "as", "at", "be", "been", "but", "by", "can", "could", "do",
    "does", "for", "from", "has", "have", "he", "her", "his", "i", "if", "in", "into", "is",
    "it", "its", "me", "my", "no", "not", "of", "on", "or", "our", "she", "so", "than",
    "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to",
    "us", "was", "we", "were", "what", "when", "which", "who", "will", "with", "would", "you",
    "your", "message", "error", "errors", "code", "status", "detail", "details", "type",
    "title", "description",
])
_HEADER_SENTENCES = {
    "h:retry-after": "the response carries a Retry-After header",
    "h:rate-limit": "the response carries rate-limit headers",
    "h:www-authenticate": "the response carries a WWW-Authenticate challenge",
    "h:set-cookie": "the response sets a cookie",
    "h:cdn": "CDN headers show the answer came from the edge",
    "h:amz": "AWS headers on the response",
    "h:google": "Google headers on the response",
    "h:ms": "Microsoft headers on the response",
    "h:via": "a Via header shows a proxy on the path",
    "h:ct:html": "the refusal is an HTML page",
    "h:ct:json": "the refusal is a JSON document",
    "h:ct:xml": "the refusal is an XML document",
    "h:ct:text": "the refusal is plain text",
    "h:ct:none": "the response has no content type",
    "h:body:empty": "the body is empty",
}


def findings_for(signals: Sequence[Signal], exchanges: Sequence[Exchange]) -> list[Finding]:
    """Ranked findings for the signals of one request.

    The features are read from the first refusal among ``exchanges`` (the baseline, or the
    answer at the end of its redirects); no refusal, no findings.
    """
    baseline = next((e for e in exchanges if e.status is not None and e.status >= 400), None)
    if baseline is None or (exchanges[0].status is None):
        return []
    feats = features(baseline, signals)
    context = [s for s in signals if s.cause is not None and is_context(s)]
    keyless = [s for s in context if s.check != "no-credential"]
    known = facts(exchanges)
    plain: list[ContextItem] = [(None, 0.0, name) for name, _ in known]
    scores = score(feats, [*_items(keyless), *plain])
    named = any(name.startswith("sig:") for name in feats)
    if len(keyless) < len(context) and not (named and scores.ranked()[0][1] >= THIN):
        scores = score(feats, [*_items(context), *plain])
        used = context
    else:
        used = keyless
    return [_finding(cause, p, scores, signals, used, known) for cause, p in scores.ranked()
            if p >= SHOWN]


def _items(signals: Sequence[Signal]) -> list[ContextItem]:
    return [(s.cause, s.weight, context_name(s)) for s in signals if s.cause is not None]


def _finding(cause: Cause, probability: float, scores: Scores, signals: Sequence[Signal],
             context: Sequence[Signal], known: Sequence[tuple[str, str]] = ()) -> Finding:
    parts: list[tuple[float, str]] = []
    by_feature: dict[str, list[Signal]] = {}
    for s in sorted(signals, key=lambda s: -s.weight):
        name = signal_feature(s)
        if name is not None and s.cause is cause:
            by_feature.setdefault(name, []).append(s)
            by_feature.setdefault(f"sig:all:{cause.value}", []).append(s)
    shown_words: list[str] = []
    word_weight = 0.0
    weak: list[tuple[float, str]] = []
    for name, part in scores.carried[cause]:
        if part < MIN_PART:
            break
        if is_weak(name):  # the status, the page's form: named only when nothing else is
            weak += [(part, sentence) for sentence in _sentences(name, by_feature, cause)]
            continue
        if name.startswith("w:"):
            if len(shown_words) < _MAX_WORDS and _telling(name[2:]):
                shown_words.append(name[2:].lstrip("#"))
                word_weight = max(word_weight, part)
            continue
        parts += [(part, sentence) for sentence in _sentences(name, by_feature, cause)]
    if shown_words:
        quoted = ", ".join(f"'{w}'" for w in shown_words)
        parts.append((word_weight, f"the response's own words point here: {quoted}"))
    index = list(Cause).index(cause)
    moved = [(context_shift((s.cause, s.weight, context_name(s)))[index], s)
             for s in context if s.cause is not None]
    parts += [(shift, s.evidence) for shift, s in moved if shift > 0]
    for name, sentence in known:  # the probes' outcomes, where the rig gave them weight
        shift = context_shift((None, 0.0, name))[index]
        if shift >= MIN_PART:
            parts.append((shift, sentence))
    if not parts and weak:
        form = "; ".join(dict.fromkeys(sentence for _, sentence in weak))
        parts = [(weak[0][0], f"the response names no cause; only its form leans here ({form})")]
    parts.sort(key=lambda ps: -ps[0])
    positive = [s for s in signals if s.cause is cause and s.weight > 0]
    positive.sort(key=lambda s: -s.weight)
    fixes = list(dict.fromkeys([s.fix for s in positive if s.fix] + list(CAUSES[cause].fixes)))
    evidence = list(dict.fromkeys(sentence for _, sentence in parts))
    if not evidence:
        evidence = ["nothing in the response points here more than elsewhere (prior odds)"]
    return Finding(
        cause=cause,
        confidence=round(probability, 3),
        evidence=evidence,
        fixes=fixes,
        against=list(dict.fromkeys(s.evidence for shift, s in moved if shift < 0
                                   and s.cause is cause)),
        sources=list(dict.fromkeys(s.source for s in positive if s.source)),
    )


def _telling(words: str) -> bool:
    """A word or pair worth quoting to a reader: no filler word in it."""
    return all(w not in _QUIET and len(w) > 2 for w in words.lstrip("#").split())


_SAYS = {"h:retry-after": {Cause.RATE_LIMIT}, "h:rate-limit": {Cause.RATE_LIMIT},
         "h:www-authenticate": {Cause.AUTHENTICATION, Cause.API_KEY, Cause.PERMISSIONS}}
"""Header families that mean something: named as evidence only for what they mean (for other
causes they still count in the probability, as the corpus weighs them, but are not quoted)."""


def _sentences(name: str, by_feature: dict[str, list[Signal]],
               cause: Cause | None = None) -> list[str]:
    if cause is not None and name in _SAYS and cause not in _SAYS[name]:
        return []
    if name in by_feature:
        return [s.evidence for s in by_feature[name]]
    if name.startswith("s:"):
        return [f"the status is {name[2:]}"]
    if name.startswith("h:server:"):
        return [f"the Server header names {name.removeprefix('h:server:')}"]
    return [_HEADER_SENTENCES[name]] if name in _HEADER_SENTENCES else []


def rank(
    signals: Sequence[Signal],
    exchanges: Sequence[Exchange],
    *,
    next_steps: Sequence[str] = (),
    notes: Sequence[str] = (),
    requests_sent: int = 0,
) -> Diagnosis:
    """Turn signals into findings, most likely first: probabilities from the fitted model."""
    findings = findings_for(signals, exchanges)
    steps = list(dict.fromkeys(next_steps))
    notes = list(notes)
    if len(findings) > 1 and close(findings[0].confidence, findings[1].confidence):
        a, b = findings[0], findings[1]
        notes.append(f"The evidence cannot separate {a.title.lower()} ({a.confidence:.0%}) "
                     f"from {b.title.lower()} ({b.confidence:.0%}).")
        steps.insert(0, separate(a.cause, b.cause))
    if findings and findings[0].thin and not next_steps:
        steps.append("Evidence is thin: run kit.diagnose() on the URL so differential probes "
                     "(no credential, a fake credential, another path) can separate the causes.")
    return Diagnosis(
        findings=findings,
        exchanges=list(exchanges),
        layer=_layer(signals),
        next_steps=steps,
        notes=list(dict.fromkeys(notes)),
        requests_sent=requests_sent,
    )


def _layer(signals: Sequence[Signal]) -> LayerGuess | None:
    scored: dict[Layer, tuple[float, str]] = {}
    for s in signals:
        if s.layer is None:
            continue
        weight = abs(s.weight)
        best = scored.get(s.layer)
        if best is None or weight > best[0]:
            scored[s.layer] = (weight, s.evidence)
    if not scored:
        return None
    layer, (_, evidence) = max(scored.items(), key=lambda kv: kv[1][0])
    return LayerGuess(layer, evidence)
