"""How often the kit names the right cause on real refusals it was not fitted on.

    python benchmarks/accuracy.py            # grouped cross-validation on the development part
    python benchmarks/accuracy.py --frozen   # plus the frozen split (evaluate once, after tuning)

Cross-validation is grouped by provider family (``google-maps`` and ``google-drive`` are one
group): no provider is in both the training and the test folds, and the temperature is
fitted inside the training folds only. The frozen split is the last fifth of provider families
gathered (per corpus file); it is left out of everything else.
A seven-regex keyword classifier runs on the same rows as a floor to beat.
Needs the 'fit' extra (scikit-learn).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import fit

from kit import _corpus
from kit._causes import Cause
from kit._model import score

_REGEXES = [  # the floor: seven keyword regexes, first match wins
    (Cause.RATE_LIMIT, r"rate.?limit|too many|quota|throttl|exceeded"),
    (Cause.IP_ALLOWLIST, r"\bip\b|address|whitelist|allowlist|country|referr?er"),
    (Cause.SECURITY_POLICY, r"waf|firewall|captcha|bot|csrf|blocked|security"),
    (Cause.AUTHENTICATION, r"token|expired|signature|unauthenticated|credential"),
    (Cause.API_KEY, r"api.?key|\bkey\b|subscription"),
    (Cause.CONFIGURATION, r"not enabled|disabled|directory|route|method|configur"),
    (Cause.PERMISSIONS, r"permission|scope|role|not authori[sz]ed|access denied|forbidden"),
]


def keyword_floor(row: _corpus.Row) -> Cause:
    text = row.exchange.body.lower()
    for cause, pattern in _REGEXES:
        if re.search(pattern, text):
            return cause
    return Cause.PERMISSIONS


def evaluate(rows: Sequence[_corpus.Row], probs: Sequence[dict[Cause, float]]) -> dict[str, object]:
    """top-1, top-2, per-cause recall, confusion, ECE (10 bins), mean confidence."""
    top1 = top2 = 0
    confusion: Counter[tuple[Cause, Cause]] = Counter()
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(10)]
    for row, p in zip(rows, probs, strict=True):
        ranked = sorted(p, key=lambda c: -p[c])
        right = ranked[0] is row.cause
        top1 += right
        top2 += row.cause in ranked[:2]
        confusion[(row.cause, ranked[0])] += 1
        conf = p[ranked[0]]
        bins[min(9, int(conf * 10))].append((conf, right))
    n = len(rows)
    ece = sum(abs(sum(c for c, _ in b) / len(b) - sum(r for _, r in b) / len(b)) * len(b) / n
              for b in bins if b)
    recall = {}
    for cause in Cause:
        total = sum(v for (truth, _), v in confusion.items() if truth is cause)
        recall[cause.value] = (confusion[(cause, cause)], total)
    return {"n": n, "top1": top1 / n, "top2": top2 / n, "ece": ece, "recall": recall,
            "confidence": sum(max(p.values()) for p in probs) / n, "confusion": confusion}


def report(title: str, rows: Sequence[_corpus.Row], result: dict[str, object]) -> None:
    floor = (sum(keyword_floor(r) is r.cause for r in rows) / len(rows)
             if all(r.exchange is not None for r in rows) else float("nan"))
    print(f"\n{title}: {result['n']} rows, {len({r.provider for r in rows})} providers")
    print(f"  top-1 {result['top1']:.3f}   top-2 {result['top2']:.3f}   "
          f"ECE(10 bins) {result['ece']:.3f}   mean top confidence {result['confidence']:.3f}   "
          f"keyword regexes top-1 {floor:.3f}")
    print("  recall: " + ", ".join(f"{c} {k}/{t} ({k / t:.2f})" if t else f"{c} -"
                                   for c, (k, t) in result["recall"].items()))  # type: ignore[attr-defined]
    confusion = result["confusion"]
    short = [c.value[:6] for c in Cause]
    print("  confusion (rows: truth, columns: verdict)")
    print("  " + " " * 16 + " ".join(f"{s:>6}" for s in short))
    for truth in Cause:
        cells = " ".join(f"{confusion[(truth, v)]:>6}" for v in Cause)  # type: ignore[index]
        print(f"  {truth.value:<16}{cells}")


def cross_validate(rows: Sequence[_corpus.Row], feats: Sequence[dict[str, float]]
                   ) -> list[dict[Cause, float]]:
    """Grouped k-fold: the temperature comes from inner folds of the training part only."""
    k = int(fit.SETTINGS["folds"])  # type: ignore[call-overload]
    probs: list[dict[Cause, float]] = [{} for _ in rows]
    for held in fit.folds(rows, k):
        held_set = set(held)
        train = [i for i in range(len(rows)) if i not in held_set]
        train_rows, train_feats = [rows[i] for i in train], [feats[i] for i in train]
        t = fit.temperature(train_rows, train_feats)
        params = fit.fit(train_rows, train_feats, temperature=t)
        for i in held:
            probs[i] = dict(score(feats[i], model=params).probability)
    return probs


def rig_probs(obs: Sequence[dict[str, object]], params: object, context: dict[str, list[float]]
              ) -> list[dict[Cause, float]]:
    """Probabilities for rig observations with these fitted context weights."""
    from dataclasses import replace

    model = replace(params, context={k: tuple(v) for k, v in context.items()})  # type: ignore[type-var]
    out = []
    for o in obs:
        items = [(Cause(c) if c else None, float(w), n)
                 for n, c, w in o["context"]]  # type: ignore[attr-defined]
        out.append(dict(score(o["features"], items, model=model).probability))  # type: ignore[arg-type]
    return out


def template(o: dict[str, object]) -> str:
    """A scenario's template: its id without the product ('nginx/gateway-unmapped-route' ->
    'gateway-unmapped-route'); the same template was written for several products."""
    return str(o["id"]).split("/", 1)[-1]


def held_out(obs: Sequence[dict[str, object]], params: object, group: Any
             ) -> list[dict[Cause, float]]:
    """Probabilities for each observation with context weights fitted without its group."""
    held_probs: list[dict[Cause, float]] = [{} for _ in obs]
    for key in sorted({group(o) for o in obs}):
        train = [o for o in obs if group(o) != key]
        context = fit.fit_context(train, params)  # type: ignore[arg-type]
        idx = [i for i, o in enumerate(obs) if group(o) == key]
        for i, p in zip(idx, rig_probs([obs[i] for i in idx], params, context), strict=True):
            held_probs[i] = p
    return held_probs


def rig_report(params: object) -> None:
    """Leave-one-product-out on the rig: context weights fitted without the product; and
    leave-one-template-out (the same scenario on every product held out together)."""
    obs = fit.observations()
    if not obs:
        print("\nrig: no observations (run benchmarks/rig_collect.py with the rig up)")
        return
    products = sorted({str(o["product"]) for o in obs})
    held_probs = held_out(obs, params, lambda o: o["product"])
    rows = [_Label(str(o["product"]), Cause(str(o["cause"]))) for o in obs]
    report("rig of real servers, leave-one-product-out (context weights fitted without it)",
           rows, evaluate(rows, held_probs))  # type: ignore[arg-type]
    by_template = held_out(obs, params, template)
    report(f"rig of real servers, leave-one-scenario-template-out "
           f"({len({template(o) for o in obs})} templates)",
           rows, evaluate(rows, by_template))  # type: ignore[arg-type]
    bridge = rig_probs(obs, params, {})
    report("rig of real servers, the checks' own weights (nothing fitted on the rig)",
           rows, evaluate(rows, bridge))  # type: ignore[arg-type]
    hits = [max(q, key=q.__getitem__) is r.cause for r, q in zip(rows, held_probs, strict=True)]
    per = []
    for p in products:
        mine = [h for r, h in zip(rows, hits, strict=True) if r.provider == p]
        per.append(f"{p} {sum(mine)}/{len(mine)}")
    print("  per product (leave-one-product-out top-1): " + ", ".join(per))
    generic = [i for i, o in enumerate(obs) if o.get("generic_page")]
    if generic:
        right = sum(max(held_probs[i], key=held_probs[i].__getitem__) is rows[i].cause
                    for i in generic)
        print(f"  generic pages: {right}/{len(generic)}")


class _Label:
    """A rig observation in the shape report() and evaluate() read."""

    def __init__(self, provider: str, cause: Cause) -> None:
        self.provider, self.cause = provider, cause
        self.exchange = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--frozen", action="store_true", help="also evaluate the frozen split")
    parser.add_argument("--rig", action="store_true", help="also the rig, leave-one-product-out")
    parser.add_argument("--rig-only", action="store_true", help="only the rig (no corpus folds)")
    args = parser.parse_args()
    if args.rig_only:
        from kit._model import params as shipped

        rig_report(shipped())
        return
    rows = _corpus.load(fit.CORPUS)
    frozen = _corpus.frozen_providers(rows)
    dev = [r for r in rows if _corpus.family(r.provider) not in frozen]
    held = [r for r in rows if _corpus.family(r.provider) in frozen]
    print(f"corpus: {len(rows)} rows, {len({r.provider for r in rows})} providers; "
          f"development {len(dev)} rows, frozen {len(held)} rows ({len(frozen)} provider families)")
    print("rows per cause: " + ", ".join(f"{c.value} {sum(r.cause is c for r in rows)}"
                                         for c in Cause))
    dev_feats = fit.featurize(dev)
    report("provider-grouped 5-fold cross-validation (development part)", dev,
           evaluate(dev, cross_validate(dev, dev_feats)))
    if args.frozen:
        t = fit.temperature(dev, dev_feats)
        params = fit.fit(dev, dev_feats, temperature=t)
        probs = [dict(score(f, model=params).probability) for f in fit.featurize(held)]
        report("frozen split (fitted on the development part, evaluated once)", held,
               evaluate(held, probs))
    if args.rig:
        from kit._model import params as shipped

        rig_report(shipped())


if __name__ == "__main__":
    main()
