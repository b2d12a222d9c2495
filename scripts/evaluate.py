#!/usr/bin/env python
"""Evaluate the shipped model on the project's test set and on public out-of-domain sets.

    python scripts/evaluate.py --model-dir models --test corpus/test.jsonl \
        --data ../shared/data --out models

Writes OUT/EVAL.md and OUT/eval.json. The model runs through the project's own engine
(`conduct_guard.engine.scoring.Classifier`), exactly as the product scores a post (max over sentence
chunks), with the thresholds of model.json. Public sets that are absent are skipped with a note.
"""
from __future__ import annotations

import argparse
import csv
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
from conduct_guard.categories import CATEGORIES  # noqa: E402

from real_data import demojibake  # noqa: E402  (political_social_media's mojibake, one home)

LABELS: list[str] = list(CATEGORIES)
SEED = 13

# --------------------------------------------------------------------------------------
# Keyword baseline: a plain per-category list (English, Roman Urdu/Hindi, Bangla, Urdu/Hindi script)
# --------------------------------------------------------------------------------------
KEYWORDS: dict[str, list[str]] = {
    "official_information": ["confidential", "secret", "leaked", "leak", "internal memo", "draft summary", "file no",
                             "f.no", "transfer list", "posting order", "not yet notified", "before notification",
                             "exam paper", "inquiry report", "meeting minutes", "in today's meeting", "classified",
                             "khufia", "gopon", "গোপন", "خفیہ", "गोपनीय"],
    "political_opinion": ["vote for", "vote", "election", "party", "pti", "pmln", "pml-n", "ppp", "bjp", "congress",
                          "awami league", "bnp", "jamaat", "zindabad", "modi", "imran khan", "nawaz", "rahul gandhi",
                          "sheikh hasina", "campaign", "#", "ووٹ", "वोट", "ভোট"],
    "criticism_of_government": ["government failed", "govt failed", "useless government", "incompetent", "disaster",
                                "clueless", "stupid policy", "nikamma", "bakwas", "failure", "corrupt department",
                                "our ministry", "my department", "shame on", "nalayak", "sarkar", "সরকার", "حکومت",
                                "सरकार"],
    "misinformation": ["forwarded as received", "unconfirmed", "unverified", "rumour", "rumor", "breaking",
                       "share before deleted", "share fast", "sources say", "reportedly", "whatsapp forward",
                       "suna hai", "shuna jacche", "شنید", "सुना है"],
    "hate_speech": ["traitor", "dirty", "inferior", "kafir", "infidel", "mulla", "mulle", "katua", "chamar",
                    "bhangi", "qadiani", "mirzai", "malaun", "malu", "gaddar", "churra", "randi", "kill all",
                    "go back to", "মালাউন", "কাফের", "कटुआ", "قادیانی"],
    "national_security": ["deployment", "deployed", "platoon", "troops", "vip movement", "vip visit", "route",
                          "security arrangements", "checkpost", "army", "terrorist state", "enemy country",
                          "foreign minister is", "president is an idiot", "fauj", "সেনা", "فوج", "सेना"],
    "incitement_defamation": ["burn", "kill", "attack", "come with sticks", "block the road", "teach them a lesson",
                              "thief", "chor", "corrupt", "bribe", "rishwat", "maar do", "jala do", "hang",
                              "চোর", "چور", "चोर"],
    "privacy": ["cnic", "aadhaar", "nid", "phone", "mobile", "address", "house no", "patient", "complainant",
                "applicant", "hiv", "diagnosed", "lives at", "his number", "her number", "ফোন", "فون", "फोन"],
    "self_promotion": ["discount", "dm me", "my shop", "my business", "coaching", "academy", "buy", "order now",
                       "whatsapp me", "paid", "fee", "subscribe", "promo", "sale", "offer", "donate"],
}


def keyword_predict(texts: Sequence[str]) -> np.ndarray:
    """[n, 9] 0/1: a category fires when any of its keywords occurs (case-insensitive, word-ish)."""
    out = np.zeros((len(texts), len(LABELS)), dtype=bool)
    pats = {}
    for lab, words in KEYWORDS.items():
        alts = []
        for w in words:
            e = re.escape(w.lower())
            alts.append(rf"(?<!\w){e}(?!\w)" if re.match(r"\w", w) and re.search(r"\w$", w) else e)
        pats[lab] = re.compile("|".join(alts))
    for i, t in enumerate(texts):
        low = t.lower()
        for c, lab in enumerate(LABELS):
            if pats[lab].search(low):
                out[i, c] = True
    return out


# --------------------------------------------------------------------------------------
# Metrics
# --------------------------------------------------------------------------------------
def read_jsonl(path: Path) -> list[dict]:
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def label_matrix(rows: Sequence[dict]) -> np.ndarray:
    y = np.zeros((len(rows), len(LABELS)), dtype=bool)
    for i, r in enumerate(rows):
        for lab in r.get("labels") or []:
            if lab in LABELS:
                y[i, LABELS.index(lab)] = True
    return y


def _safe_div(a: float, b: float) -> float | None:
    return None if b == 0 else a / b


def prf(y: np.ndarray, pred: np.ndarray) -> dict:
    """Per-category precision/recall/F1 (None when undefined), plus support and counts."""
    out = {}
    for c, lab in enumerate(LABELS):
        tp = int((pred[:, c] & y[:, c]).sum())
        fp = int((pred[:, c] & ~y[:, c]).sum())
        fn = int((~pred[:, c] & y[:, c]).sum())
        p = _safe_div(tp, tp + fp)
        r = _safe_div(tp, tp + fn)
        f1 = _safe_div(2 * tp, 2 * tp + fp + fn)
        out[lab] = {"precision": p, "recall": r, "f1": f1, "support": int(y[:, c].sum()), "tp": tp, "fp": fp,
                    "fn": fn}
    return out


def summary(y: np.ndarray, pred: np.ndarray) -> dict:
    """Headline figures of one prediction matrix against gold labels.

    macro_f1: mean F1 over the categories with at least one gold positive.
    benign_fpr: share of benign rows (no gold label) with any label predicted.
    violation_recall: share of violating rows (>= 1 gold label) with any label predicted.
    violation_recall_right_category: share of violating rows with a gold label among those predicted
      (a warning that names the wrong rule does not count).
    """
    per = prf(y, pred)
    f1s = [v["f1"] or 0.0 for v in per.values() if v["support"] > 0]
    benign = ~y.any(1)
    res = {
        "n": int(len(y)),
        "n_benign": int(benign.sum()),
        "n_violating": int((~benign).sum()),
        "macro_f1": float(np.mean(f1s)) if f1s else None,
        "micro_f1": _safe_div(2 * int((pred & y).sum()), 2 * int((pred & y).sum()) + int((pred & ~y).sum())
                              + int((~pred & y).sum())),
        "benign_fpr": float(pred[benign].any(1).mean()) if benign.any() else None,
        "violation_recall": float(pred[~benign].any(1).mean()) if (~benign).any() else None,
        "violation_recall_right_category": float((pred & y)[~benign].any(1).mean()) if (~benign).any() else None,
        "exact_match": float((pred == y).all(1).mean()) if len(y) else None,
        "per_category": per,
    }
    return res


NATIVE_SCRIPTS = ("ur", "hi", "bn", "gu")


def slices(rows: Sequence[dict], y: np.ndarray, pred: np.ndarray) -> dict:
    """Per language, the code-mixed slice (lang ending in -Latn), hard negatives, register, country."""
    out = {}
    langs = sorted({r.get("lang", "?") for r in rows})
    for lang in langs:
        m = np.array([r.get("lang", "?") == lang for r in rows])
        out[f"lang={lang}"] = _slim(summary(y[m], pred[m]))
    m = np.array([str(r.get("lang", "")).endswith("-Latn") for r in rows])
    if m.any():
        out["code_mixed (-Latn)"] = _slim(summary(y[m], pred[m]))
    m = np.array([r.get("lang") in NATIVE_SCRIPTS for r in rows])
    if m.any():
        out["native_script (ur, hi, bn, gu)"] = _slim(summary(y[m], pred[m]))
    m = np.array([bool(r.get("hard_negative")) for r in rows])
    if m.any():
        out["hard_negatives"] = _slim(summary(y[m], pred[m]))
    for key in ("register", "country"):
        for v in sorted({str(r.get(key)) for r in rows if r.get(key) is not None}):
            m = np.array([str(r.get(key)) == v for r in rows])
            out[f"{key}={v}"] = _slim(summary(y[m], pred[m]))
    return out


def _slim(s: dict) -> dict:
    return {k: v for k, v in s.items() if k != "per_category"}


def predict(probs: np.ndarray, thresholds: dict) -> np.ndarray:
    return probs >= np.array([thresholds[l] for l in LABELS])[None, :]


# --------------------------------------------------------------------------------------
# Running the model (through the project's engine only)
# --------------------------------------------------------------------------------------
def load_classifier(model_dir: Path, model_file: str | None = None):
    from conduct_guard.engine.scoring import Classifier

    return Classifier.from_model_dir(model_dir, model_file=model_file)


def probabilities(clf, texts: Sequence[str]) -> np.ndarray:
    """Probabilities in LABELS order, whatever order the engine reports."""
    p = np.asarray(clf.probabilities(list(texts)), dtype=np.float32).reshape(len(texts), len(LABELS))
    order = [list(clf.info.labels).index(l) for l in LABELS]
    return p[:, order]


def thresholds_of(clf) -> dict:
    th = dict(clf.info.thresholds)
    return {l: float(th.get(l, 0.5)) for l in LABELS}


# --------------------------------------------------------------------------------------
# Spans
# --------------------------------------------------------------------------------------
def gold_spans(row: dict) -> list[tuple[str | None, int, int]]:
    """Normalise the forms a corpus row may use for spans to (category|None, start, end)."""
    raw = row.get("spans")
    out = []
    if not raw:
        return out
    if isinstance(raw, dict):
        for cat, lst in raw.items():
            for s in lst or []:
                if isinstance(s, (list, tuple)) and len(s) >= 2:
                    out.append((cat, int(s[0]), int(s[1])))
        return out
    for s in raw:
        if isinstance(s, dict):
            st, en = s.get("start"), s.get("end")
            cat = s.get("category") or s.get("label")
            if st is not None and en is not None:
                out.append((cat, int(st), int(en)))
        elif isinstance(s, (list, tuple)) and len(s) >= 2:
            cat = s[2] if len(s) >= 3 and isinstance(s[2], str) else None
            out.append((cat, int(s[0]), int(s[1])))
    return out


def span_check(clf, rows: Sequence[dict], thresholds: dict) -> dict | None:
    """For gold spans: is there a chunk scoring over threshold (for the span's category, or for any
    gold category of the row when the span names none) that overlaps it? Also mean chunk precision:
    share of the flagged chunks' characters inside gold spans."""
    rows = [r for r in rows if gold_spans(r)]
    if not rows:
        return None
    scores = clf.score_many([r["text"] for r in rows])
    lab_idx = {l: list(clf.info.labels).index(l) for l in LABELS}
    hit = total = 0
    char_in = char_all = 0
    for r, s in zip(rows, scores):
        cats_row = [l for l in (r.get("labels") or []) if l in LABELS]
        spans = gold_spans(r)
        flagged = []  # (category, start, end)
        for ch, cs in zip(s.chunks, s.chunk_scores):
            for l in LABELS:
                if cs[lab_idx[l]] >= thresholds[l]:
                    flagged.append((l, ch.start, ch.end))
        for cat, st, en in spans:
            cats = [cat] if cat in LABELS else cats_row
            total += 1
            if any(fc in cats and fs < en and st < fe for fc, fs, fe in flagged):
                hit += 1
        gold_chars = set()
        for _, st, en in spans:
            gold_chars.update(range(st, en))
        for _, fs, fe in {(a, b, c) for a, b, c in flagged if a in cats_row}:
            rng = range(fs, fe)
            char_all += len(rng)
            char_in += sum(1 for i in rng if i in gold_chars)
    return {"rows": len(rows), "gold_spans": total, "span_hit_rate": _safe_div(hit, total),
            "flagged_chars_inside_gold": _safe_div(char_in, char_all)}


# --------------------------------------------------------------------------------------
# Public out-of-domain sets (rows used for training are excluded: see build_model.heldout)
# --------------------------------------------------------------------------------------
def _sample(items: list, cap: int, seed: int = SEED) -> list:
    if len(items) <= cap:
        return items
    rng = random.Random(seed)
    return rng.sample(items, cap)


def ood_groups(data: Path, cap: int) -> tuple[list[dict], list[str]]:
    """Groups of texts, each with what it measures. Returns (groups, notes about skipped sets).

    A group: {set, name, texts, kind: 'recall'|'fpr', cats: categories that count, any: bool}
    recall: share of texts where any of cats fires; fpr: share where any of cats fires
    (cats = all nine for an 'any label' false-positive rate).
    """
    groups, notes = [], []

    def add(set_, name, texts, kind, cats):
        texts = _sample([t for t in texts if t and t.strip()], cap)
        if texts:
            groups.append({"set": set_, "name": name, "texts": texts, "kind": kind, "cats": cats})

    p = data / "davidson" / "labeled_data.csv"
    if p.exists():
        hate, neither, off = [], [], []
        with open(p, encoding="utf-8") as fh:
            for i, r in enumerate(csv.DictReader(fh)):
                if i % 5:  # only the rows build_model.py holds out of training
                    continue
                {"0": hate, "1": off, "2": neither}[r["class"]].append(r["tweet"])
        add("davidson", "hate (class 0) -> hate_speech recall", hate, "recall", ["hate_speech"])
        add("davidson", "neither (class 2) -> any-label FP rate", neither, "fpr", LABELS)
        add("davidson", "offensive (class 1) -> hate_speech rate (informational)", off, "fpr", ["hate_speech"])
    else:
        notes.append("davidson: absent, skipped")

    p = data / "ruhsold_roman_urdu" / "task_2_test.tsv"
    if p.exists():
        hate, normal = [], []
        with open(p, encoding="utf-8") as fh:
            for line in fh:
                parts = line.rstrip("\n").rsplit("\t", 1)
                if len(parts) == 2:
                    if parts[1].strip() in ("2", "3"):
                        hate.append(parts[0])
                    elif parts[1].strip() == "1":
                        normal.append(parts[0])
        add("ruhsold", "religious hate + sexism (test) -> hate_speech recall", hate, "recall", ["hate_speech"])
        add("ruhsold", "normal (test) -> any-label FP rate", normal, "fpr", LABELS)
    else:
        notes.append("ruhsold_roman_urdu: absent, skipped")

    p = data / "bengali_hate" / "bengali_hate_v2.0.csv"
    if p.exists():
        hate = []
        with open(p, encoding="utf-8") as fh:
            for i, r in enumerate(csv.DictReader(fh)):
                if i % 5 == 0 and (r.get("label") or "").strip() in ("Religious", "Geopolitical"):
                    hate.append(r.get("text") or "")
        add("bengali_hate", "Religious + Geopolitical (held out) -> hate_speech recall", hate, "recall",
            ["hate_speech"])
    else:
        notes.append("bengali_hate: absent, skipped")

    d = data / "tweeteval" / "hate"
    if (d / "test_text.txt").exists():
        texts = (d / "test_text.txt").read_text(encoding="utf-8").splitlines()
        labs = (d / "test_labels.txt").read_text(encoding="utf-8").splitlines()
        add("tweeteval", "hate test label 1 -> hate_speech recall",
            [t for t, l in zip(texts, labs) if l.strip() == "1"], "recall", ["hate_speech"])
        add("tweeteval", "hate test label 0 -> hate_speech FP rate",
            [t for t, l in zip(texts, labs) if l.strip() == "0"], "fpr", ["hate_speech"])
    else:
        notes.append("tweeteval: absent, skipped")

    p = data / "political_social_media" / "political_social_media.csv"
    if p.exists():
        neutral, partisan = [], []
        with open(p, encoding="utf-8-sig", errors="replace") as fh:
            for r in csv.DictReader(fh):
                t = demojibake(r.get("text") or "")
                (neutral if (r.get("bias") or "").strip() == "neutral" else partisan).append(t)
        add("political_social_media", "neutral posts -> political_opinion FP rate", neutral, "fpr",
            ["political_opinion"])
        add("political_social_media", "partisan posts -> political_opinion recall (informational)", partisan,
            "recall", ["political_opinion"])
    else:
        notes.append("political_social_media: absent, skipped")

    p = data / "liar" / "test.tsv"
    if p.exists():
        false_, true_ = [], []
        with open(p, encoding="utf-8") as fh:
            for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                if len(r) > 2:
                    if r[1] in ("false", "pants-fire"):
                        false_.append(r[2])
                    elif r[1] == "true":
                        true_.append(r[2])
        add("liar", "false + pants-fire -> misinformation recall", false_, "recall", ["misinformation"])
        add("liar", "true -> misinformation FP rate", true_, "fpr", ["misinformation"])
    else:
        notes.append("liar: absent, skipped")

    p = data / "constraint_covid_fakenews" / "Constraint_Val.csv"
    if p.exists():
        fake, real = [], []
        with open(p, encoding="utf-8") as fh:
            for r in csv.DictReader(fh):
                (fake if r.get("label") == "fake" else real).append(r.get("tweet") or "")
        add("constraint_covid_fakenews", "fake (val) -> misinformation recall", fake, "recall", ["misinformation"])
        add("constraint_covid_fakenews", "real (val) -> misinformation FP rate", real, "fpr", ["misinformation"])
    else:
        notes.append("constraint_covid_fakenews: absent, skipped")

    d = data / "trac2_multilingual"
    if d.exists():
        for lang in ("eng", "hin", "iben"):
            p = d / f"trac2_{lang}_dev.csv"
            if not p.exists():
                continue
            oag, gen, calm = [], [], []
            with open(p, encoding="utf-8") as fh:
                for r in csv.DictReader(fh):
                    t = r.get("Text") or ""
                    a, b = r.get("Sub-task A"), r.get("Sub-task B")
                    if a == "OAG":
                        oag.append(t)
                    if b == "GEN":
                        gen.append(t)
                    if a == "NAG" and b == "NGEN":
                        calm.append(t)
            add("trac2", f"{lang} dev overtly aggressive -> hate_speech|incitement recall", oag, "recall",
                ["hate_speech", "incitement_defamation"])
            add("trac2", f"{lang} dev gendered -> hate_speech recall", gen, "recall", ["hate_speech"])
            add("trac2", f"{lang} dev non-aggressive -> any-label FP rate", calm, "fpr", LABELS)
    else:
        notes.append("trac2_multilingual: absent, skipped")
    return groups, notes


def evaluate_ood(clf, thresholds: dict, data: Path, cap: int) -> dict:
    groups, notes = ood_groups(data, cap)
    res = []
    for g in groups:
        p = probabilities(clf, g["texts"])
        pred = predict(p, thresholds)
        idx = [LABELS.index(c) for c in g["cats"]]
        rate = float(pred[:, idx].any(1).mean())
        kb = float(keyword_predict(g["texts"])[:, idx].any(1).mean())
        res.append({"set": g["set"], "slice": g["name"], "n": len(g["texts"]), "metric": g["kind"],
                    "rate": rate, "keyword_baseline_rate": kb})
    return {"groups": res, "notes": notes, "cap_per_slice": cap}


# --------------------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------------------
TARGETS = {"macro_f1": (">=", 0.85), "benign_fpr": ("<=", 0.05), "violation_recall": (">=", 0.90),
           "code_mixed_violation_recall": (">=", 0.75)}


def failures(rows, y, pred, probs, limit=12) -> dict:
    fn, fp = [], []
    for i, r in enumerate(rows):
        gold = [LABELS[c] for c in np.where(y[i])[0]]
        got = [LABELS[c] for c in np.where(pred[i])[0]]
        missed = [g for g in gold if g not in got]
        extra = [g for g in got if g not in gold]
        item = {"id": r.get("id"), "lang": r.get("lang"), "text": r["text"][:240], "gold": gold, "predicted": got,
                "top": {LABELS[c]: round(float(probs[i, c]), 3) for c in np.argsort(-probs[i])[:2]}}
        if missed:
            fn.append({**item, "missed": missed})
        if extra and not gold:
            fp.append(item)
    rng = random.Random(SEED)
    return {"n_rows_with_missed_label": len(fn), "n_benign_false_positive_rows": len(fp),
            "missed_examples": rng.sample(fn, min(limit, len(fn))),
            "false_positive_examples": rng.sample(fp, min(limit, len(fp)))}


def evaluate(model_dir: Path, test: Path, data: Path | None, out: Path | None, ood_cap: int = 600,
             with_ood: bool = True, train_info: Path | None = None, baseline: Path | None = None) -> dict:
    t0 = time.time()
    rows = read_jsonl(test)
    texts = [r["text"] for r in rows]
    y = label_matrix(rows)
    clf = load_classifier(model_dir)
    th = thresholds_of(clf)
    t1 = time.time()
    probs = probabilities(clf, texts)
    infer_s = time.time() - t1
    pred = predict(probs, th)
    report = {
        "model": {**clf.info.public(), "dir": str(model_dir), "thresholds": th,
                  "model_mib": round((model_dir / clf.info.model_file).stat().st_size / 2**20, 2)},
        "test_file": _shown_path(test),
        "model_metrics": summary(y, pred),
        "slices": slices(rows, y, pred),
        "keyword_baseline": summary(y, keyword_predict(texts)),
        "keyword_baseline_slices": {k: v for k, v in slices(rows, y, keyword_predict(texts)).items()
                                    if k.startswith("code_mixed") or k == "hard_negatives"},
        "throughput": {"texts": len(texts), "seconds": round(infer_s, 2),
                       "texts_per_s": round(len(texts) / infer_s, 1) if infer_s > 0 else None},
        "failures": failures(rows, y, pred, probs),
    }
    cm = report["slices"].get("code_mixed (-Latn)")
    m = report["model_metrics"]
    got = {"macro_f1": m["macro_f1"], "benign_fpr": m["benign_fpr"], "violation_recall": m["violation_recall"],
           "code_mixed_violation_recall": cm["violation_recall"] if cm else None}
    report["targets"] = {k: {"target": f"{op} {v}", "value": got[k],
                             "met": None if got[k] is None else (got[k] >= v if op == ">=" else got[k] <= v)}
                         for k, (op, v) in TARGETS.items()}
    fp32 = model_dir / "model.fp32.onnx"
    if fp32.exists():
        p32 = probabilities(load_classifier(model_dir, "model.fp32.onnx"), texts)
        d = np.abs(p32 - probs)
        pred32 = predict(p32, th)
        a, b = probs.ravel() - probs.mean(), p32.ravel() - p32.mean()
        report["int8_vs_fp32"] = {"max_abs_prob_diff": float(d.max()), "mean_abs_prob_diff": float(d.mean()),
                                  "label_agreement": float((pred32 == pred).mean()),
                                  "row_agreement": float((pred32 == pred).all(1).mean()),
                                  "fp32_macro_f1": summary(y, pred32)["macro_f1"],
                                  "prob_correlation": float((a @ b) / np.sqrt((a @ a) * (b @ b)))}
    else:
        report["int8_vs_fp32"] = None
    report["spans"] = span_check(clf, rows, th)
    if with_ood and data is not None and Path(data).exists():
        report["out_of_domain"] = evaluate_ood(clf, th, Path(data), ood_cap)
    else:
        report["out_of_domain"] = {"groups": [], "notes": [f"data folder {data} absent or skipped"]}
    if train_info is not None and train_info.exists():
        ti = json.loads(train_info.read_text())
        report["training"] = {k: ti.get(k) for k in ("train_seconds", "best_epoch", "n_train_corpus", "n_val",
                                                     "n_public", "public", "hyper", "history", "thresholds")}
    if baseline is not None and baseline.exists():
        b = json.loads(baseline.read_text())
        report["baseline"] = {"model": f"{b['model']['name']} {b['model']['version']}", "slices": b["slices"],
                              "model_metrics": _slim(b["model_metrics"])}
    report["eval_seconds"] = round(time.time() - t0, 1)
    if out is not None and (out / "EVAL_REAL.md").exists():
        report["real_text_markdown"] = (out / "EVAL_REAL.md").read_text(encoding="utf-8")
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / "eval.json").write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        (out / "EVAL.md").write_text(render_markdown(report), encoding="utf-8")
    return report


def _f(v, pct=False) -> str:
    if v is None:
        return "n/a"
    return f"{100 * v:.1f}%" if pct else f"{v:.3f}"


def render_markdown(r: dict) -> str:
    m, kb = r["model_metrics"], r["keyword_baseline"]
    L = [f"# Evaluation of {r['model'].get('name')} {r['model'].get('version')}", ""]
    if r.get("real_text_markdown"):  # the headline since 0.5.0: real posts first (scripts/evaluate_real.py)
        L += [r["real_text_markdown"], "## The project's own test set", ""]
    L += [
         f"Test set: `{r['test_file']}` ({m['n']} rows: {m['n_violating']} violating, {m['n_benign']} benign). "
         "Scored through `conduct_guard.engine.scoring.Classifier` (the higher of the best sentence chunk and the whole post, as shipped) with the "
         "thresholds of model.json, which were chosen on the validation split, never on this file.", "",
         "## Headline", "", "| metric | target | model (int8) | keyword baseline | met |", "| --- | --- | --- | --- | --- |"]
    kb_cm = r.get("keyword_baseline_slices", {}).get("code_mixed (-Latn)", {})
    kbv = {"macro_f1": kb["macro_f1"], "benign_fpr": kb["benign_fpr"], "violation_recall": kb["violation_recall"],
           "code_mixed_violation_recall": kb_cm.get("violation_recall")}
    for k, t in r["targets"].items():
        L.append(f"| {k} | {t['target']} | {_f(t['value'])} | {_f(kbv[k])} | "
                 f"{'yes' if t['met'] else ('n/a' if t['met'] is None else '**no**')} |")
    L += ["", f"Micro-F1 {_f(m['micro_f1'])} (baseline {_f(kb['micro_f1'])}); exact label-set match "
          f"{_f(m['exact_match'])} (baseline {_f(kb['exact_match'])}).", "",
          "## Per category", "", "| category | support | precision | recall | F1 | baseline F1 |",
          "| --- | --- | --- | --- | --- | --- |"]
    for lab in LABELS:
        c, b = m["per_category"][lab], kb["per_category"][lab]
        L.append(f"| {lab} | {c['support']} | {_f(c['precision'])} | {_f(c['recall'])} | {_f(c['f1'])} | "
                 f"{_f(b['f1'])} |")
    base = (r.get("baseline") or {}).get("slices", {})
    if base:
        L += ["", "## Per language and script, with the previous model", "",
              f"Baseline: {r['baseline']['model']} on the same test file. Recall counts a violating post only "
              "when a category a reader assigned is among those predicted.", "",
              "| slice | n (benign / violating) | benign FP | recall, right category | baseline benign FP | "
              "baseline recall |", "| --- | --- | --- | --- | --- | --- |"]
        for k, s in r["slices"].items():
            if not (k.startswith("lang=") or k.startswith("native") or k.startswith("code_mixed")):
                continue
            b = base.get(k, {})
            L.append(f"| {k} | {s['n']} ({s['n_benign']} / {s['n_violating']}) | {_f(s['benign_fpr'])} | "
                     f"{_f(s.get('violation_recall_right_category'))} | {_f(b.get('benign_fpr'))} | "
                     f"{_f(b.get('violation_recall_right_category'))} |")
    L += ["", "## Slices", "", "| slice | n | benign | violating | macro-F1 | benign FP rate | violation recall | "
          "recall, right category |", "| --- | --- | --- | --- | --- | --- | --- | --- |"]
    for k, s in r["slices"].items():
        L.append(f"| {k} | {s['n']} | {s['n_benign']} | {s['n_violating']} | {_f(s['macro_f1'])} | "
                 f"{_f(s['benign_fpr'])} | {_f(s['violation_recall'])} | "
                 f"{_f(s.get('violation_recall_right_category'))} |")
    L += ["", "## int8 vs fp32", ""]
    q = r.get("int8_vs_fp32")
    if q:
        L.append(f"On the test texts: max |p_int8 - p_fp32| = {q['max_abs_prob_diff']:.4f}, mean "
                 f"{q['mean_abs_prob_diff']:.4f}, correlation {q['prob_correlation']:.4f}; label agreement "
                 f"{_f(q['label_agreement'], True)} of (row, category) decisions, {_f(q['row_agreement'], True)} of "
                 f"rows identical; fp32 macro-F1 {_f(q['fp32_macro_f1'])} vs int8 {_f(m['macro_f1'])}.")
    else:
        L.append("models/model.fp32.onnx absent (it is git-ignored; rebuild with scripts/build_model.py), skipped.")
    L += ["", "## Spans", ""]
    s = r.get("spans")
    if s:
        L.append(f"{s['gold_spans']} gold spans on {s['rows']} rows: {_f(s['span_hit_rate'], True)} overlap a chunk "
                 f"the model flags for the span's category; {_f(s['flagged_chars_inside_gold'], True)} of flagged "
                 "chunk characters lie inside gold spans (chunks are sentences, spans are usually shorter).")
    else:
        L.append("No test rows carry `spans`; skipped.")
    L += ["", "## Out-of-domain public sets", "",
          "Rows of the sets that train the model (davidson, ruhsold, bengali_hate) are the held-out ones "
          "(index % 5 == 0, or the ruhsold test file). Evaluation-only sets were never trained on. "
          f"At most {r['out_of_domain'].get('cap_per_slice', 'n/a')} texts per slice (seeded sample).", "",
          "| set | slice | n | rate | keyword baseline |", "| --- | --- | --- | --- | --- |"]
    for g in r["out_of_domain"]["groups"]:
        L.append(f"| {g['set']} | {g['slice']} | {g['n']} | {_f(g['rate'], True)} | "
                 f"{_f(g['keyword_baseline_rate'], True)} |")
    for n in r["out_of_domain"].get("notes", []):
        L.append(f"\n- {n}")
    f = r["failures"]
    L += ["", "## What fails (examples from the test set)", "",
          f"{f['n_rows_with_missed_label']} rows miss at least one gold label; {f['n_benign_false_positive_rows']} "
          "benign rows get a label.", "", "Missed:", ""]
    for e in f["missed_examples"]:
        L.append(f"- `{e['id']}` ({e['lang']}) missed {', '.join(e['missed'])}; predicted "
                 f"{', '.join(e['predicted']) or 'nothing'}: \"{_md(e['text'])}\"")
    L += ["", "False positives on benign rows:", ""]
    for e in f["false_positive_examples"]:
        L.append(f"- `{e['id']}` ({e['lang']}) predicted {', '.join(e['predicted'])}: \"{_md(e['text'])}\"")
    t = r.get("training")
    if t:
        L += ["", "## Training run", "", f"Training took {t.get('train_seconds')} s on this machine's CPU "
              f"(best epoch {t.get('best_epoch')}); {t.get('n_train_corpus')} corpus rows, {t.get('n_val')} "
              f"validation rows, {t.get('n_public')} public rows {t.get('public')}."]
        th = t.get("thresholds") or {}
        if th:
            L.append(f"Validation at the chosen thresholds: macro-F1 {_f(th.get('val_macro_f1'))}, benign FP rate "
                     f"{_f(th.get('val_benign_fpr'))}, violation recall {_f(th.get('val_violation_recall'))}"
                     + (f" ({th['weighting']})." if th.get("weighting") else "."))
    tp = r["throughput"]
    L += ["", f"Inference: {tp['texts']} test texts in {tp['seconds']} s ({tp['texts_per_s']} texts/s, int8, "
          "1 thread, this machine). Model file "
          f"{r['model']['model_mib']} MiB. Evaluation took {r['eval_seconds']} s.", ""]
    return "\n".join(L)


def _md(t: str) -> str:
    return t.replace("\n", " ").replace("|", "\\|").replace("`", "'")


def _shown_path(path) -> str:
    """Paths inside the project are shown relative to it, so the report does not depend on the checkout."""
    path = Path(path).resolve()
    try:
        return str(path.relative_to(ROOT))
    except ValueError:
        return str(path)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", default=str(ROOT / "models"))
    ap.add_argument("--test", default=str(ROOT / "corpus" / "test.jsonl"))
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--out", default=str(ROOT / "models"))
    ap.add_argument("--ood-cap", type=int, default=600, help="texts per out-of-domain slice")
    ap.add_argument("--no-ood", action="store_true")
    ap.add_argument("--baseline", help="eval.json of a previous model on the same test file, shown alongside")
    ap.add_argument("--train-info", default=str(ROOT / "scripts" / "out" / "train_info.json"),
                    help="written by build_model.py; adds the training run to the report when present")
    a = ap.parse_args(argv)
    r = evaluate(Path(a.model_dir), Path(a.test), Path(a.data), Path(a.out), a.ood_cap, not a.no_ood,
                 Path(a.train_info), Path(a.baseline) if a.baseline else None)
    print(json.dumps({k: v for k, v in r["targets"].items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
