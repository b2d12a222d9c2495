"""scripts/thresholds.py: the validation threshold rule on small hand-made score matrices."""
from __future__ import annotations

import numpy as np
from scriptload import load_script

thresholds = load_script("thresholds")
LABELS = thresholds.LABELS
A, B = LABELS.index("hate_speech"), LABELS.index("privacy")


def _case():
    """20 benign rows: two score 0.95 on hate_speech, one 0.85 on privacy. 14 violations: nine
    hate_speech at 0.70; privacy two at 0.80 and three at 0.90. Everything else scores 0.05.
    Clearing the hate_speech false alarms costs nine violations, the privacy one costs two."""
    p = np.full((34, len(LABELS)), 0.05)
    y = np.zeros((34, len(LABELS)), dtype=int)
    p[0, A] = p[1, A] = 0.95
    p[2, B] = 0.85
    for i in range(20, 29):
        y[i, A], p[i, A] = 1, 0.70
    for i, score in zip(range(29, 34), (0.80, 0.80, 0.90, 0.90, 0.90)):
        y[i, B], p[i, B] = 1, score
    return y, p


def test_target_is_met_by_the_cheapest_raise():
    y, p = _case()
    th, rep = thresholds.pick_thresholds(y, p, target_fpr=0.10, per_cat_cap=1.0, raise_rule="cheapest")
    assert rep["val_benign_fpr"] <= 0.10
    assert 0.85 < th["privacy"] <= 0.90 and th["hate_speech"] <= 0.70
    assert rep["val_violation_recall"] == round(12 / 14, 4)


def test_the_old_rule_raises_the_noisiest_category_whatever_it_costs():
    y, p = _case()
    th, rep = thresholds.pick_thresholds(y, p, target_fpr=0.10, per_cat_cap=1.0, raise_rule="most-benign")
    assert rep["val_benign_fpr"] <= 0.10
    assert th["hate_speech"] > 0.95 and rep["val_violation_recall"] == round(5 / 14, 4)


def test_each_original_counts_once_however_many_variants():
    y, p = _case()
    # twenty more benign rows, all variants of one original that scores 0.85 on privacy
    p = np.vstack([p, np.tile(np.where(np.arange(len(LABELS)) == B, 0.85, 0.05), (20, 1))])
    y = np.vstack([y, np.zeros((20, len(LABELS)), dtype=int)])
    groups = [f"g{i}" for i in range(34)] + ["noisy"] * 20
    th_weighted, weighted = thresholds.pick_thresholds(y, p, 1.0, 1.0, groups=groups)
    th_by_row, by_row = thresholds.pick_thresholds(y, p, 1.0, 1.0)
    # counted once, the noisy original is one false alarm among 21 benign originals: privacy stays
    # low enough for all five privacy violations (4 of 21 benign originals fire)
    assert th_weighted["privacy"] <= 0.80 and weighted["val_benign_fpr"] == round(4 / 21, 4)
    # counted by row, its twenty variants alone push privacy above two of the violations
    assert th_by_row["privacy"] > 0.85 and by_row["val_violation_recall"] == round(12 / 14, 4)
