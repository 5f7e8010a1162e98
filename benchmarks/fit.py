"""Fit the cause model on the corpus of real refusals and write kit/data/model.json.

    python benchmarks/fit.py            # needs the 'fit' extra: pip install -e '.[fit]'

Deterministic: rows in file and line order, a fixed vocabulary rule, L-BFGS (no random
state), weights rounded. The parameter file records the corpus's SHA-256 and these settings;
tests/test_model.py refits and compares. The held-out figures come from benchmarks/accuracy.py.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import sys
from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kit import _corpus, checks  # noqa: E402
from kit._causes import Cause  # noqa: E402
from kit._features import features  # noqa: E402
from kit._model import Params, base_logits, context_shift, score  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "refusals"
RIG = ROOT / "tests" / "data" / "rig" / "observations.jsonl"
OUT = ROOT / "kit" / "data" / "model.json"
NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)  # context checks are not features: any fixed time
SETTINGS = {
    "model": "multinomial logistic regression (scikit-learn, lbfgs, L2)",
    "C": 0.5,
    "class_weight": "balanced",
    "min_providers": 3,
    "max_iter": 5000,
    "temperature_grid": [round(0.5 + 0.05 * i, 2) for i in range(51)],
    "folds": 5,
    "digits": 4,
    "context_l2": 20.0,
    "context_min_products": 3,
    # The rig's correction of the probes' weights (fit_context below), with each cause weighed
    # evenly. On the rig (14 products, 252 refusals) it lifts top-1 from 0.46 (the checks' own
    # weights) to 0.52 leave-one-product-out and 0.52 leave-one-scenario-template-out (the
    # same scenario written for several products held out together; LOPO alone lets a
    # template leak), ECE 0.25 -> 0.10. A weaker penalty scores higher on the rig (l2 10: 0.56
    # LOPO, 0.54 by template) but reads the real nginx of tests/test_nginx.py wrong: a
    # host-wide deny as a security policy, an unmapped location as an API-key problem (every
    # rig scenario carries a credential, so the rig cannot teach what a request without one
    # means). l2 20 is the weakest penalty that keeps those right; accuracy.py --rig measures.
    "fit_context": True,
}


def featurize(rows: Sequence[_corpus.Row]) -> list[dict[str, float]]:
    """The runtime's own features for each row (checks.single, then kit._features)."""
    return [features(r.exchange, checks.single(r.exchange, now=NOW)) for r in rows]


def vocabulary(rows: Sequence[_corpus.Row], feats: Sequence[dict[str, float]],
               min_providers: int) -> list[str]:
    """Features seen with at least ``min_providers`` providers: no provider's private words."""
    seen: dict[str, set[str]] = {}
    for row, f in zip(rows, feats, strict=True):
        for name in f:
            seen.setdefault(name, set()).add(row.provider)
    return sorted(n for n, providers in seen.items() if len(providers) >= min_providers)


def fit(rows: Sequence[_corpus.Row], feats: Sequence[dict[str, float]], *,
        settings: dict[str, object] = SETTINGS, temperature: float = 1.0) -> Params:
    """Fit on these rows; returns runtime parameters (rounded as shipped)."""
    from sklearn.linear_model import LogisticRegression

    names = vocabulary(rows, feats, int(settings["min_providers"]))  # type: ignore[call-overload]
    column = {n: i for i, n in enumerate(names)}
    x = _matrix(feats, column)
    classes = [c.value for c in Cause]
    y = [classes.index(r.cause.value) for r in rows]
    model = LogisticRegression(C=float(settings["C"]),  # type: ignore[arg-type]
                               class_weight=settings["class_weight"],
                               max_iter=int(settings["max_iter"]))  # type: ignore[call-overload]
    model.fit(x, y)
    digits = int(settings["digits"])  # type: ignore[call-overload]
    present = list(model.classes_)
    width = len(classes)

    def row_for(values: Iterable[float]) -> list[float]:
        out = [0.0] * width
        for k, v in zip(present, values, strict=True):
            out[k] = round(float(v), digits)
        return out

    weights = {}
    for j, name in enumerate(names):
        row = row_for(model.coef_[:, j])
        if max(abs(v) for v in row) >= 10 ** -digits:
            weights[name] = row
    intercept = row_for(model.intercept_)
    return Params.from_dict({"classes": classes, "intercept": intercept, "weights": weights,
                             "temperature": temperature})


def _matrix(feats: Sequence[dict[str, float]], column: dict[str, int]):  # type: ignore[no-untyped-def]
    from scipy.sparse import csr_matrix

    data, rows_i, cols = [], [], []
    for i, f in enumerate(feats):
        for name, value in f.items():
            j = column.get(name)
            if j is not None:
                data.append(value)
                rows_i.append(i)
                cols.append(j)
    return csr_matrix((data, (rows_i, cols)), shape=(len(feats), len(column)))


def folds(rows: Sequence[_corpus.Row], k: int) -> list[list[int]]:
    """Row indices in k folds by provider family (none in two folds), deterministic."""
    import hashlib

    def bucket(provider: str) -> int:
        return int(hashlib.sha256(provider.encode()).hexdigest(), 16) % k

    out: list[list[int]] = [[] for _ in range(k)]
    for i, r in enumerate(rows):
        out[bucket(_corpus.family(r.provider))].append(i)
    return out


def out_of_fold(rows: Sequence[_corpus.Row], feats: Sequence[dict[str, float]], k: int,
                settings: dict[str, object] = SETTINGS) -> list[dict[Cause, float]]:
    """Probabilities for every row from a model fitted without its provider (T = 1)."""
    probs: list[dict[Cause, float]] = [{} for _ in rows]
    for held in folds(rows, k):
        held_set = set(held)
        train = [i for i in range(len(rows)) if i not in held_set]
        params = fit([rows[i] for i in train], [feats[i] for i in train], settings=settings)
        for i in held:
            probs[i] = dict(score(feats[i], model=params).probability)
    return probs


def temperature(rows: Sequence[_corpus.Row], feats: Sequence[dict[str, float]],
                settings: dict[str, object] = SETTINGS) -> float:
    """The temperature that minimises the out-of-fold log loss (grouped by provider)."""
    k = int(settings["folds"])  # type: ignore[call-overload]
    logits = _oof_logits(rows, feats, k, settings)
    best, best_loss = 1.0, math.inf
    for t in settings["temperature_grid"]:  # type: ignore[attr-defined]
        loss = 0.0
        for row, z in zip(rows, logits, strict=True):
            scaled = [v / t for v in z]
            top = max(scaled)
            log_total = top + math.log(sum(math.exp(v - top) for v in scaled))
            loss += log_total - scaled[list(Cause).index(row.cause)]
        if loss < best_loss - 1e-9:
            best, best_loss = float(t), loss
    return best


def _oof_logits(rows: Sequence[_corpus.Row], feats: Sequence[dict[str, float]], k: int,
                settings: dict[str, object]) -> list[list[float]]:
    out: list[list[float]] = [[] for _ in rows]
    for held in folds(rows, k):
        held_set = set(held)
        train = [i for i in range(len(rows)) if i not in held_set]
        params = fit([rows[i] for i in train], [feats[i] for i in train], settings=settings)
        for i in held:
            z = list(params.intercept)
            for name in feats[i]:
                w = params.weights.get(name)
                if w is not None:
                    z = [a + b for a, b in zip(z, w, strict=True)]
            out[i] = z
    return out


SERVER_BEHAVIOUR = ("probe:", "ctx:differential:", "ctx:history:")
"""What the rig may correct: how the servers answered the probes. What the request carried
(a credential, a script User-Agent, a payload) was chosen by whoever wrote each scenario, so
on the rig it tracks the label by design, not by mechanism: those keep the checks' weights.
What one response says (its challenge, ``resp:``) the corpus model already weighs."""


def observations(path: Path = RIG) -> list[dict[str, Any]]:
    """The rig's observations that are refusals (benchmarks/rig_collect.py wrote them)."""
    if not path.exists():
        return []
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in rows if (r.get("status") or 0) >= 400]


def fit_context(obs: Sequence[dict[str, Any]], params: Params,
                settings: dict[str, object] = SETTINGS) -> dict[str, list[float]]:
    """Corrections to the context signals' weights (the probes' outcomes, the request's
    facts), fitted on the rig with the response model's log-odds and the checks' own weights
    as a fixed offset: multinomial log loss plus an L2 penalty that pulls each correction to
    zero (to the check's own weight), by L-BFGS from zero (deterministic). Signals seen on
    fewer than ``context_min_products`` products get no correction."""
    import numpy as np
    from scipy.optimize import minimize

    seen: dict[str, set[str]] = {}
    for o in obs:
        for name, _, _ in o["context"]:
            if name.startswith(SERVER_BEHAVIOUR):
                seen.setdefault(name, set()).add(o["product"])
    names = sorted(n for n, ps in seen.items()
                   if len(ps) >= int(settings["context_min_products"]))  # type: ignore[call-overload]
    if not names or not obs:
        return {}
    column = {n: j for j, n in enumerate(names)}
    causes = list(Cause)
    width = len(causes)
    bare = replace(params, context={})  # the checks' own weights, no correction yet
    offset = np.zeros((len(obs), width))
    x = np.zeros((len(obs), len(names)))
    y = np.array([causes.index(Cause(o["cause"])) for o in obs])
    for i, o in enumerate(obs):
        logits, _, _ = base_logits(o["features"], model=params)
        for name, cause, weight in o["context"]:
            if name in column:
                x[i, column[name]] = 1.0
            if cause is not None:  # the check's own weight, which the fit corrects
                own = context_shift((Cause(cause), weight), model=bare)
                logits = [a + b for a, b in zip(logits, own, strict=True)]
        offset[i] = logits
    lam = float(settings["context_l2"])  # type: ignore[arg-type]
    # Each cause weighs the same in the loss whatever its share of the rig's scenarios
    # (scikit-learn's "balanced": n / (classes * count)), as in the response model's fit.
    counts = np.bincount(y, minlength=width).astype(float)
    present = counts > 0
    sample = len(obs) / (present.sum() * counts[y])

    def loss(flat: Any) -> tuple[float, Any]:
        w = flat.reshape(len(names), width)
        z = offset + x @ w
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        nll = -(sample * np.log(p[np.arange(len(obs)), y] + 1e-300)).sum()
        p[np.arange(len(obs)), y] -= 1.0
        p *= sample[:, None]
        grad = x.T @ p + lam * w
        return float(nll + 0.5 * lam * (w * w).sum()), grad.ravel()

    result = minimize(loss, np.zeros(len(names) * width), jac=True, method="L-BFGS-B")
    w = result.x.reshape(len(names), width)
    digits = int(settings["digits"])  # type: ignore[call-overload]
    return {n: [round(float(v), digits) for v in w[j]] for n, j in column.items()}


def build(folder: Path = CORPUS, rig: Path = RIG) -> dict[str, object]:
    """The parameter document for the corpus in ``folder`` and the rig's observations."""
    rows = _corpus.load(folder)
    feats = featurize(rows)
    t = temperature(rows, feats)
    params = fit(rows, feats, temperature=t)
    obs = observations(rig)
    context = fit_context(obs, params) if SETTINGS["fit_context"] else {}
    return {
        "classes": [c.value for c in params.classes],
        "intercept": list(params.intercept),
        "temperature": t,
        "meta": {
            "corpus_sha256": _corpus.digest(folder),
            "rows": len(rows),
            "providers": len({r.provider for r in rows}),
            "settings": SETTINGS,
            "refit": "python benchmarks/fit.py",
            "rig_sha256": hashlib.sha256(rig.read_bytes()).hexdigest() if rig.exists() else None,
            "rig_observations": len(obs),
            "rig_products": len({o["product"] for o in obs}),
        },
        "context": {"weights": context},
        "weights": {name: list(row) for name, row in sorted(params.weights.items())},
    }


def main() -> None:
    document = build()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(document, separators=(",", ":"), sort_keys=False) + "\n",
                   encoding="utf-8")
    meta = document["meta"]
    print(f"wrote {OUT.relative_to(ROOT)}: {len(document['weights'])} features, "  # type: ignore[arg-type]
          f"{meta['rows']} rows, {meta['providers']} providers, T={document['temperature']}")  # type: ignore[index]


if __name__ == "__main__":
    main()
