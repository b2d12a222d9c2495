"""scripts/evaluate.py: metric arithmetic on hand-made matrices, and the report on a tiny fixture
with the shipped model (skipped when models/ holds no model)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import numpy as np
import pytest
from scriptload import load_script

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))
ev = load_script("evaluate")

FIXTURE = ROOT / "tests" / "fixtures" / "eval_tiny.jsonl"
MODELS = Path(os.environ.get("CG_TEST_MODEL_DIR", ROOT / "models"))
HAVE_MODEL = (MODELS / "model.onnx").exists() and (MODELS / "model.json").exists()


def _matrix(rows: list[list[str]]) -> np.ndarray:
    m = np.zeros((len(rows), len(ev.LABELS)), dtype=bool)
    for i, labs in enumerate(rows):
        for lab in labs:
            m[i, ev.LABELS.index(lab)] = True
    return m


def test_precision_recall_f1_by_hand():
    # privacy: gold on rows 0,1,2; predicted on rows 0,1,3,4 -> tp 2, fp 2, fn 1
    y = _matrix([["privacy"], ["privacy"], ["privacy"], [], [], ["hate_speech"]])
    p = _matrix([["privacy"], ["privacy"], [], ["privacy"], ["privacy"], []])
    per = ev.prf(y, p)["privacy"]
    assert (per["tp"], per["fp"], per["fn"]) == (2, 2, 1)
    assert per["precision"] == pytest.approx(2 / 4)
    assert per["recall"] == pytest.approx(2 / 3)
    assert per["f1"] == pytest.approx(2 * 2 / (2 * 2 + 2 + 1))
    hate = ev.prf(y, p)["hate_speech"]
    assert hate["precision"] is None and hate["recall"] == 0.0 and hate["f1"] == 0.0
    # a category with no gold and no prediction has undefined scores
    assert ev.prf(y, p)["self_promotion"]["f1"] is None


def test_summary_headline_figures_by_hand():
    y = _matrix([["privacy"], ["privacy"], ["privacy"], [], [], ["hate_speech"]])
    p = _matrix([["privacy"], ["privacy"], [], ["privacy"], ["privacy"], []])
    s = ev.summary(y, p)
    assert s["n"] == 6 and s["n_benign"] == 2 and s["n_violating"] == 4
    assert s["benign_fpr"] == pytest.approx(2 / 2)        # both benign rows got a label
    assert s["violation_recall"] == pytest.approx(2 / 4)  # rows 0,1 flagged; 2 and 5 missed
    # macro-F1 over categories with gold positives: privacy 4/7, hate_speech 0
    assert s["macro_f1"] == pytest.approx((4 / 7 + 0.0) / 2)
    assert s["exact_match"] == pytest.approx(2 / 6)


def test_predict_uses_thresholds_inclusively():
    probs = np.full((2, 9), 0.5, dtype=np.float32)
    probs[1, 0] = 0.49
    th = {lab: 0.5 for lab in ev.LABELS}
    pred = ev.predict(probs, th)
    assert pred[0].all() and not pred[1, 0] and pred[1, 1:].all()


def test_keyword_baseline_and_slices():
    rows = ev.read_jsonl(FIXTURE)
    assert 15 <= len(rows) <= 30
    kb = ev.keyword_predict([r["text"] for r in rows])
    assert kb.shape == (len(rows), 9) and kb.dtype == bool
    assert kb[[r["id"] for r in rows].index("t14"), ev.LABELS.index("privacy")]
    y = ev.label_matrix(rows)
    sl = ev.slices(rows, y, kb)
    assert "code_mixed (-Latn)" in sl and "hard_negatives" in sl and "lang=en" in sl
    assert sl["code_mixed (-Latn)"]["n"] == sum(r["lang"].endswith("-Latn") for r in rows)


def test_gold_span_forms():
    assert ev.gold_spans({"spans": [[1, 4]]}) == [(None, 1, 4)]
    assert ev.gold_spans({"spans": [[1, 4, "privacy"]]}) == [("privacy", 1, 4)]
    assert ev.gold_spans({"spans": [{"start": 2, "end": 5, "category": "privacy"}]}) == [("privacy", 2, 5)]
    assert ev.gold_spans({"spans": {"privacy": [[0, 3]]}}) == [("privacy", 0, 3)]
    assert ev.gold_spans({}) == []


@pytest.mark.skipif(not HAVE_MODEL, reason="no shipped model in models/")
def test_report_on_fixture_with_shipped_model(tmp_path):
    r = ev.evaluate(MODELS, FIXTURE, data=None, out=tmp_path, with_ood=False)
    for key in ("model", "model_metrics", "slices", "keyword_baseline", "targets", "int8_vs_fp32", "spans",
                "out_of_domain", "failures", "throughput"):
        assert key in r
    m = r["model_metrics"]
    assert set(m["per_category"]) == set(ev.LABELS)
    assert m["n"] == 20
    for k in ("macro_f1", "benign_fpr", "violation_recall"):
        assert 0.0 <= m[k] <= 1.0
    assert set(r["targets"]) == {"macro_f1", "benign_fpr", "violation_recall", "code_mixed_violation_recall"}
    assert r["spans"]["gold_spans"] == 2
    # the report's numbers are those of the engine's probabilities at model.json's thresholds
    clf = ev.load_classifier(MODELS)
    rows = ev.read_jsonl(FIXTURE)
    pred = ev.predict(ev.probabilities(clf, [x["text"] for x in rows]), ev.thresholds_of(clf))
    assert m == json.loads(json.dumps(ev.summary(ev.label_matrix(rows), pred)))
    saved = json.loads((tmp_path / "eval.json").read_text(encoding="utf-8"))
    assert saved["model_metrics"]["macro_f1"] == pytest.approx(m["macro_f1"])
    md = (tmp_path / "EVAL.md").read_text(encoding="utf-8")
    assert "## Headline" in md and "keyword baseline" in md and "## Per category" in md


def test_committed_report_is_of_the_shipped_model():
    """models/eval.json must describe the model.json beside it (version and thresholds) and carry the
    issue's int8-vs-fp32 check: evaluating a copied int8 file without its git-ignored fp32 twin
    silently writes "skipped" there, which is how 0.4.0's first report went out."""
    shipped = json.loads((ROOT / "models" / "model.json").read_text(encoding="utf-8"))
    report = json.loads((ROOT / "models" / "eval.json").read_text(encoding="utf-8"))
    assert report["model"]["version"] == shipped["version"]
    assert report["model"]["thresholds"] == shipped["thresholds"]
    fidelity = report["int8_vs_fp32"]
    assert fidelity is not None, "re-run scripts/evaluate.py with models/model.fp32.onnx present"
    assert 0.0 <= fidelity["mean_abs_prob_diff"] <= fidelity["max_abs_prob_diff"] <= 1.0
    assert "int8 vs fp32" in (ROOT / "models" / "EVAL.md").read_text(encoding="utf-8")
