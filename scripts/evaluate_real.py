#!/usr/bin/env python3
"""The real-text benchmark: posts nobody on the project wrote, read and labelled by the team.

    python scripts/evaluate_real.py --model-dir models [--baseline-dir DIR] [--out models]

The benchmark rows (corpus/real/bench, from evaluation-only sets; never trained on) are split once,
by a hash of the source id, into a validation half (it may guide a choice between models) and a
test half (only reported). Everything is measured on what the officer sees: the real Checker with
the default pack, so recognisers, pack rules and thresholds are in, and a warning is a finding of
severity warn or block.

- warning precision: of posts warned, the share where a warned category is one a reader assigned
  ("any"), and where the first (highest-scoring) warned category is ("top");
- recall: of violating posts, the share warned with a category a reader assigned;
- benign false alarms: of benign posts, the share warned at all;
- per category precision and recall, per source, and precision-recall points of the model score.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
import real_data as rd  # noqa: E402
from conduct_guard.categories import CATEGORIES  # noqa: E402

TARGETS = {"warning_precision": (">=", 0.85), "recall": (">=", 0.75), "benign_false_alarm": ("<=", 0.05),
           "political_opinion_recall": (">=", 0.70)}
WARNING = ("warn", "block")


def half_of(source_id: str) -> str:
    return "validation" if int(hashlib.sha256(source_id.encode()).hexdigest()[:8], 16) % 2 == 0 else "test"


def product_results(model_dir: Path, texts: list[str], pack: str | None = None) -> list[dict]:
    from conduct_guard.service.app import create_app

    with tempfile.TemporaryDirectory() as stats:
        app = create_app({"CG_MODEL_DIR": str(model_dir), "CG_WARM_UP": False, "CG_STATS_DIR": stats,
                          **({"CG_PACK": pack} if pack else {})})
        checker = app.extensions["conduct_guard"]
        return [checker.check(t) for t in texts]


def warned_categories(result: dict) -> list[str]:
    """Warned categories, highest score first."""
    found = [f for f in result["findings"] if f["severity"] in WARNING]
    return [f["category"] for f in sorted(found, key=lambda f: -f["score"])]


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 4) if den else None


def metrics(rows: list[dict], results: list[dict]) -> dict:
    warned = [warned_categories(r) for r in results]
    gold = [set(r["labels"]) for r in rows]
    benign = [not g for g in gold]
    n_warned = sum(bool(w) for w in warned)
    any_right = sum(bool(w) and bool(set(w) & g) for w, g in zip(warned, gold))
    top_right = sum(bool(w) and w[0] in g for w, g in zip(warned, gold))
    violating = [i for i, g in enumerate(gold) if g]
    out = {
        "n": len(rows), "n_benign": sum(benign), "n_violating": len(violating), "n_warned": n_warned,
        "warning_precision": _rate(any_right, n_warned),
        "warning_precision_top": _rate(top_right, n_warned),
        "recall": _rate(sum(bool(set(warned[i]) & gold[i]) for i in violating), len(violating)),
        "recall_any_warning": _rate(sum(bool(warned[i]) for i in violating), len(violating)),
        "benign_false_alarm": _rate(sum(bool(w) for w, b in zip(warned, benign) if b), sum(benign)),
        "categories": {},
    }
    for c in CATEGORIES:
        fired = [c in w for w in warned]
        has = [c in g for g in gold]
        tp = sum(f and h for f, h in zip(fired, has))
        out["categories"][c] = {"gold": sum(has), "warned": sum(fired), "precision": _rate(tp, sum(fired)),
                                "recall": _rate(tp, sum(has))}
    out["political_opinion_recall"] = out["categories"]["political_opinion"]["recall"]
    return out


def pr_points(rows: list[dict], results: list[dict]) -> dict:
    """Per category: average precision of the model score and (threshold, precision, recall) points."""
    scores = np.array([[r["scores"][c] for c in CATEGORIES] for r in results])
    y = np.array([[c in r["labels"] for c in CATEGORIES] for r in rows])
    out = {}
    for j, c in enumerate(CATEGORIES):
        if y[:, j].sum() == 0:
            continue
        order = np.argsort(-scores[:, j])
        hits = np.cumsum(y[order, j])
        prec = hits / np.arange(1, len(order) + 1)
        ap = float((prec * y[order, j]).sum() / y[:, j].sum())
        pts = []
        for t in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9):
            f = scores[:, j] >= t
            pts.append([t, _rate(int((f & y[:, j]).sum()), int(f.sum())), _rate(int((f & y[:, j]).sum()),
                                                                                  int(y[:, j].sum()))])
        out[c] = {"average_precision": round(ap, 4), "points": pts}
    return out


def evaluate(model_dir: Path, data: Path, pack: str | None = None) -> dict:
    rows = rd.labelled("bench", data)
    t0 = time.time()
    results = product_results(model_dir, [r["text"] for r in rows], pack)
    report = {"model": results[0]["model"] if results else None, "pack": results[0]["pack"] if results else None,
              "seconds": round(time.time() - t0, 1), "halves": {}}
    for half in ("validation", "test"):
        idx = [i for i, r in enumerate(rows) if half_of(r["id"]) == half]
        hr, hres = [rows[i] for i in idx], [results[i] for i in idx]
        m = metrics(hr, hres)
        by_source = defaultdict(list)
        for i in idx:
            by_source[rows[i]["source"].split("-")[0]].append(i)
        m["sources"] = {s: {k: v for k, v in metrics([rows[i] for i in ii], [results[i] for i in ii]).items()
                            if k != "categories"} for s, ii in sorted(by_source.items())}
        m["pr"] = pr_points(hr, hres)
        report["halves"][half] = m
    test = report["halves"]["test"]
    report["targets"] = {k: {"target": f"{op} {v}", "value": test[k],
                             "met": None if test[k] is None else (test[k] >= v if op == ">=" else test[k] <= v)}
                         for k, (op, v) in TARGETS.items()}
    return report


def _p(v) -> str:
    return "n/a" if v is None else f"{v:.3f}"


def render(report: dict, baseline: dict | None = None) -> str:
    lines = ["## Real-text benchmark (headline)", "",
             "Real posts from the evaluation-only sets (never trained on), each read under the taxonomy "
             "(docs/ANNOTATION.md); measured through the real Checker with the default pack "
             f"(`{report['pack']}`). Test half below; the validation half may guide choices between models.", ""]
    cols = [("model", report)] + ([("baseline " + baseline["model"]["version"], baseline)] if baseline else [])
    lines.append("| test half | target | " + " | ".join(f"{n} ({r['model']['version']})" if n == "model" else n
                                                      for n, r in cols) + " |")
    lines.append("| --- | --- |" + " --- |" * len(cols))
    t = report["halves"]["test"]
    lines.append(f"| rows (benign / violating) | | " + " | ".join(
        f"{r['halves']['test']['n']} ({r['halves']['test']['n_benign']} / {r['halves']['test']['n_violating']})"
        for _, r in cols) + " |")
    for key, label in (("warning_precision", "warning precision (any warned category right)"),
                       ("warning_precision_top", "warning precision (first warned category right)"),
                       ("recall", "recall with a right category"), ("benign_false_alarm", "benign false alarms"),
                       ("political_opinion_recall", "political_opinion recall")):
        tgt = report["targets"].get(key, {}).get("target", "")
        lines.append(f"| {label} | {tgt} | " + " | ".join(_p(r["halves"]["test"][key]) for _, r in cols) + " |")
    lines += ["", "Per category (test half): gold positives, precision / recall"
              + (" (baseline after the slash-pair)" if baseline else ""), "",
              "| category | gold | precision | recall | AP |" + (" baseline P / R |" if baseline else ""),
              "| --- | ---: | ---: | ---: | ---: |" + (" ---: |" if baseline else "")]
    for c in CATEGORIES:
        m = t["categories"][c]
        ap = t["pr"].get(c, {}).get("average_precision")
        row = f"| `{c}` | {m['gold']} | {_p(m['precision'])} | {_p(m['recall'])} | {_p(ap)} |"
        if baseline:
            b = baseline["halves"]["test"]["categories"][c]
            row += f" {_p(b['precision'])} / {_p(b['recall'])} |"
        lines.append(row)
    lines += ["", "Per source (test half):", "", "| source | rows | benign false alarms | recall | warning precision |",
              "| --- | ---: | ---: | ---: | ---: |"]
    for s, m in t["sources"].items():
        lines.append(f"| {s} | {m['n']} | {_p(m['benign_false_alarm'])} | {_p(m['recall'])} | "
                     f"{_p(m['warning_precision'])} |")
    v = report["halves"]["validation"]
    lines += ["", f"Validation half: {v['n']} rows, warning precision {_p(v['warning_precision'])}, recall "
              f"{_p(v['recall'])}, benign false alarms {_p(v['benign_false_alarm'])}.", ""]
    return "\n".join(lines) + "\n"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-dir", type=Path, default=ROOT / "models")
    ap.add_argument("--baseline-dir", type=Path, help="another model folder to report alongside (e.g. 0.4.0)")
    ap.add_argument("--data", type=Path, default=rd.DEFAULT_DATA)
    ap.add_argument("--pack")
    ap.add_argument("--out", type=Path, help="writes eval_real.json and EVAL_REAL.md here")
    args = ap.parse_args(argv)
    report = evaluate(args.model_dir, args.data, args.pack)
    baseline = evaluate(args.baseline_dir, args.data, args.pack) if args.baseline_dir else None
    if baseline:
        report["baseline"] = baseline
    md = render(report, baseline)
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "eval_real.json").write_text(json.dumps(report, indent=1) + "\n")
        (args.out / "EVAL_REAL.md").write_text(md)
    print(md)
    return 0


if __name__ == "__main__":
    sys.exit(main())
