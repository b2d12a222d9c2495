#!/usr/bin/env python3
"""Agreement between two independent readings of the same real posts (docs/ANNOTATION.md).

    python scripts/agreement.py                    # corpus/real/second_read vs the first readings
    python scripts/agreement.py --json out.json
    python scripts/agreement.py --second corpus/real/second_read/second_read_r3.jsonl   # one round

Per category: Cohen's kappa of "has the label" between the two readers, and the raw agreement; overall:
exact agreement of the label sets and of violation vs benign. Rows either reader marked unsure are
counted apart (they are left out of training and scoring anyway).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import real_data as rd  # a sibling: a script's own folder is on its path
from conduct_guard.categories import CATEGORIES  # noqa: E402


def cohen_kappa(a: list[bool], b: list[bool]) -> float | None:
    n = len(a)
    if n == 0:
        return None
    po = sum(x == y for x, y in zip(a, b)) / n
    pa, pb = sum(a) / n, sum(b) / n
    pe = pa * pb + (1 - pa) * (1 - pb)
    return None if pe >= 1 else (po - pe) / (1 - pe)


def agreement(first: dict[str, dict], second: dict[str, dict]) -> dict:
    ids = sorted(set(first) & set(second))
    unsure = [i for i in ids if first[i].get("unsure") or second[i].get("unsure")]
    sure = [i for i in ids if i not in set(unsure)]
    out = {"rows_both_read": len(ids), "rows_unsure_by_either": len(unsure), "rows_compared": len(sure),
           "categories": {}}
    for c in CATEGORIES:
        a = [c in first[i]["labels"] for i in sure]
        b = [c in second[i]["labels"] for i in sure]
        k = cohen_kappa(a, b)
        out["categories"][c] = {"kappa": None if k is None else round(k, 3),
                                "first_positive": sum(a), "second_positive": sum(b),
                                "agree": round(sum(x == y for x, y in zip(a, b)) / max(1, len(sure)), 3)}
    va = [bool(first[i]["labels"]) for i in sure]
    vb = [bool(second[i]["labels"]) for i in sure]
    k = cohen_kappa(va, vb)
    out["violation_vs_benign"] = {"kappa": None if k is None else round(k, 3),
                                  "agree": round(sum(x == y for x, y in zip(va, vb)) / max(1, len(sure)), 3)}
    out["exact_label_set_agree"] = round(
        sum(set(first[i]["labels"]) == set(second[i]["labels"]) for i in sure) / max(1, len(sure)), 3)
    kappas = [v["kappa"] for v in out["categories"].values() if v["kappa"] is not None
              and (v["first_positive"] + v["second_positive"]) >= 5]
    out["mean_kappa_categories_with_5_positives"] = round(sum(kappas) / len(kappas), 3) if kappas else None
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--json", type=Path)
    ap.add_argument("--second", type=Path, nargs="*",
                    help="second-reading files to compare (default: all of corpus/real/second_read)")
    args = ap.parse_args(argv)
    first = {r["id"]: r for r in rd.read_labels(sorted((rd.LABELS_DIR / "train").glob("*.jsonl"))
                                                  + sorted((rd.LABELS_DIR / "bench").glob("*.jsonl")))}
    second_files = args.second or sorted((rd.LABELS_DIR / "second_read").glob("*.jsonl"))
    second = {r["id"]: r for r in rd.read_labels(second_files)}
    result = agreement(first, second)
    text = json.dumps(result, indent=2)
    if args.json:
        args.json.write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
