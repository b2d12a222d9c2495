"""Per-category decision thresholds chosen on the validation split (never the test split).

Numpy only, so tests can check the rule without torch; scripts/build_model.py calls it on the
shipped int8 model's validation probabilities (through the product's own scoring engine).
"""
from __future__ import annotations

from collections import Counter

import numpy as np

from conduct_guard.categories import CATEGORIES  # noqa: E402

LABELS = list(CATEGORIES)


def group_weights(groups: list[str] | None, n: int) -> np.ndarray:
    """1 / (rows of the row's group): every hand-written original counts once, however many
    variants it has (otherwise one original with ten variants moves a threshold on its own)."""
    if not groups:
        return np.ones(n)
    size = Counter(groups)
    return np.array([1.0 / size[g] for g in groups])


def pick_thresholds(y: np.ndarray, p: np.ndarray, target_fpr: float, per_cat_cap: float,
                    lo: float = 0.15, hi: float = 0.99, tie: float = 0.005,
                    groups: list[str] | None = None, raise_rule: str = "cheapest") -> tuple[dict, dict]:
    """Per category: maximise F1 on validation subject to a cap on the share of benign validation
    originals it fires on; then raise thresholds greedily until the benign FP rate (any label) is
    within target_fpr. Rates and F1 are weighted so that each original (group) counts once.

    raise_rule "cheapest": each step moves one category to its next threshold that clears some
    benign weight, choosing the move that clears the most benign weight per unit of violation recall
    and macro-F1 lost. "most-benign" (the 0.2.0 rule): raise by 0.01 the category that fires on the
    most benign weight, whatever it costs in recall."""
    grid = np.round(np.arange(lo, hi + 1e-9, 0.01), 2)
    benign = y.sum(1) == 0
    w = group_weights(groups, len(y))

    def rate(mask: np.ndarray, within: np.ndarray) -> float:
        return float(w[mask & within].sum() / w[within].sum()) if within.any() else 0.0

    def f1(fired: np.ndarray, c: int) -> float:
        """Weighted F1 of category c when it fires on the rows of ``fired``."""
        tp = float(w[fired & (y[:, c] == 1)].sum())
        fp = float(w[fired & (y[:, c] == 0)].sum())
        fn = float(w[~fired & (y[:, c] == 1)].sum())
        return 2 * tp / max(1e-9, 2 * tp + fp + fn)

    th = {}
    for c, lab in enumerate(LABELS):
        scored = []
        for t in grid:
            pr = p[:, c] >= t
            if benign.any() and rate(pr, benign) > per_cat_cap:
                continue
            scored.append((f1(pr, c), float(t)))
        if not scored:
            th[lab] = hi
            continue
        # near-ties are common on small validation sets: take the middle of the near-best range
        top = max(f for f, _ in scored)
        near = [t for f, t in scored if f >= top - tie]
        th[lab] = round(float(np.median(near)), 2)
    def fpr_of(th):
        pred = p >= np.array([th[l] for l in LABELS])
        return rate(pred.any(1), benign), pred

    def merit(th):
        """(benign FP rate, violation recall + macro-F1) at thresholds th."""
        fpr, pred = fpr_of(th)
        recall = rate(pred.any(1), ~benign) if (~benign).any() else 0.0
        return fpr, recall + float(np.mean([f1(pred[:, c], c) for c in range(len(LABELS))]))

    while raise_rule == "most-benign":
        fpr, pred = fpr_of(th)
        if fpr <= target_fpr:
            break
        # raise the category that fires on the most benign weight, among those not yet at the cap
        counts = np.array([w[pred[:, c] & benign].sum() if th[l] < hi else -1.0 for c, l in enumerate(LABELS)])
        c = int(np.argmax(counts))
        if counts[c] <= 0:
            break
        th[LABELS[c]] = round(min(hi, th[LABELS[c]] + 0.01), 2)
    while raise_rule == "cheapest":
        fpr, value = merit(th)
        if fpr <= target_fpr:
            break
        best = None  # (benign weight cleared per merit lost, category, threshold)
        for lab in LABELS:
            for t in grid[grid > th[lab]]:
                trial = {**th, lab: float(t)}
                fpr2, value2 = merit(trial)
                if fpr2 < fpr - 1e-12:
                    ratio = (fpr - fpr2) / max(value - value2, 1e-6)
                    if best is None or ratio > best[0]:
                        best = (ratio, lab, float(t))
                    break
        if best is None:
            break
        th[best[1]] = best[2]
    fpr, pred = fpr_of(th)
    rep = {"val_benign_fpr": round(fpr, 4),
           "val_violation_recall": round(rate(pred.any(1), ~benign), 4) if (~benign).any() else None,
           "val_rows_benign_fpr": round(float(pred[benign].any(1).mean()), 4) if benign.any() else None,
           "val_rows_violation_recall": round(float(pred[~benign].any(1).mean()), 4) if (~benign).any() else None,
           "weighting": ("each validation original counts once, however many variants it has" if groups
                         else "each validation row counts once"),
           "raise_rule": raise_rule}
    f1s = {lab: round(f1(pred[:, c], c), 4) for c, lab in enumerate(LABELS)}
    rep["val_f1"] = f1s
    rep["val_macro_f1"] = round(float(np.mean(list(f1s.values()))), 4)
    return th, rep
