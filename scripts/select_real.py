#!/usr/bin/env python3
"""Choose the real posts the team reads and labels (corpus/real/), written as reading batches.

Training rows (sets that may train the shipped model), per source a quota drawn from four pools:
  - the current model warns (any category over its threshold): on real text most of these are false
    alarms, the confusions a new model must unlearn (active learning);
  - the current model is unsure (best category within 0.25 of its threshold);
  - words of the known confusions (police, government, election, party, mask, helpline, army, a
    religion or caste, numbers): where a reader's label and the model's most often differ;
  - a random share, so the set stays representative of the source.
Benchmark rows (evaluation-only sets) are drawn without the model, so the benchmark does not favour
any model: per source a random share plus rows with words of each category, so every category has
positives to measure.

    python scripts/select_real.py --model-dir models --out /tmp/cg_label
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
import real_data as rd  # noqa: E402

SEED = 2026
BATCH = 500

TRAIN_QUOTAS = {  # source -> rows to read
    "goemotions-train": 1900, "goemotions-dev": 300, "covid19_rumor-twitter": 600, "covid19_rumor-en_dup": 500,
    "covid19_rumor-news": 300, "mlma_hate-en": 350, "stormfront": 400, "davidson": 1000, "ruhsold-train": 900,
    "roman_urdu_sentiment": 850, "socian_bangla-pos": 350, "socian_bangla-neg": 450, "bengali_hate": 600,
}
BENCH_QUOTAS = {
    "tweeteval-hate-test": 200, "tweeteval-offensive-test": 150, "tweeteval-sentiment-test": 200,
    "tweeteval-stance-*-test": 220, "political_social_media": 250, "liar-test": 160, "constraint-val": 170,
    "trac2-eng-dev": 90, "trac2-hin-dev": 80, "trac2-iben-dev": 60, "ethos": 90,
}
CONFUSION_WORDS = re.compile(
    r"\b(police|cops?|government|govt|sarkar|hukumat|minister|modi|imran|nawaz|hasina|khaleda|trump|obama|biden|"
    r"election|vote|party|pti|pmln|bjp|congress|awami|bnp|protest|mask|helpline|hotline|call|army|fauj|military|"
    r"muslim|hindu|christian|jew|sikh|dalit|shia|sunni|ahmadi|immigrant|refugee|women|leak|confidential|secret|"
    r"rumou?r|fake|forward|news|report|court|judge|buy|sale|discount|subscribe|follow)\b|\d{3}[-. ]?\d{3,4}",
    re.I)
CATEGORY_WORDS = {  # benchmark enrichment: rows where a category is likely enough to be found
    "official_information": r"leak|confidential|classified|internal (memo|report|email)|draft|insider|not yet "
                            r"(announced|public)|documents? (show|reveal)|sources (say|said|tell)|transfer|memo",
    "national_security": r"troops|army|military|deploy|border|missile|nuclear|terror|navy|air ?force|embassy|"
                         r"russia|china|iran|israel|pakistan|india|putin|kim jong|isis",
    "privacy": r"\d{3}[-. ]\d{3}[-. ]?\d{3,4}|address|lives (at|in)|phone|number|patient|diagnos|his wife|her husband|"
               r"@user is",
    "self_promotion": r"buy|discount|sale|subscribe|check out my|my new|order|follow me|dm (me|for)|link in|giveaway|"
                      r"promo|shop|book now|register now|coaching|course",
    "incitement_defamation": r"kill|shoot|burn|hang|attack|riot|destroy|beat|rape|die|f+u+c+k|bitch|whore|slut|liar|"
                             r"corrupt|fraud|crook|thief",
    "criticism_of_government": r"government|govt|police|cops|administration|congress|senate|minister|policy|"
                               r"ministry|officials?|sarkar|modi|trump|obama",
    "political_opinion": r"vote|election|party|democrat|republican|gop|liberal|conservative|#\w+|hillary|trump|"
                         r"obama|bjp|congress",
    "misinformation": r"cure|vaccine|5g|hoax|fake|rumou?r|claims?|secret|they don't want you|forward|share before",
    "hate_speech": r"muslim|islam|jew|black|women|woman|immigrant|refugee|gay|trans|mexican|arab|hindu|christian",
}


def usable(text: str) -> bool:
    words = len(text.split())
    return 4 <= words <= 120 and len(text) <= 700


def norm(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def source_rows(pattern: str) -> list[tuple[str, str]]:
    names = [n for n in rd.SOURCES if re.fullmatch(pattern.replace("*", ".*"), n)]
    rows = []
    for n in names:
        rows += [(i, t) for i, t in rd.iter_source(n) if usable(t)]
    return rows


def dedupe(rows, seen):
    out = []
    for i, t in rows:
        k = norm(t)
        if k not in seen:
            seen.add(k)
            out.append((i, t))
    return out


def labelled_ids() -> set[str]:
    """Ids already read (corpus/real/**), so a later round reads new posts only."""
    ids = set()
    for path in (HERE.parent / "corpus" / "real").glob("*/*.jsonl"):
        ids |= {json.loads(line)["id"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()}
    return ids


def select_train(model_dir: Path, rng: random.Random, seen: set, scale: float = 1.0,
                 skip: frozenset = frozenset(), focus: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """Per source: warned, unsure, confusion words, then (a later round) words of the ``focus`` categories,
    then random; ``skip`` holds ids already read."""
    from conduct_guard.engine.scoring import Classifier
    import numpy as np

    clf = Classifier.from_model_dir(model_dir, threads=2, cache_bytes=0)
    thr = np.array([clf.info.thresholds[c] for c in clf.labels])
    focus_rx = re.compile("|".join(f"(?:{CATEGORY_WORDS[c]})" for c in focus), re.I) if focus else None
    chosen = []
    for name, full_quota in TRAIN_QUOTAS.items():
        quota = int(round(full_quota * scale))
        if quota <= 0:
            continue
        rows = [(i, t) for i, t in source_rows(name) if not rd.held_out_of_training(i) and i not in skip]
        rows = dedupe(rows, set())
        rng.shuffle(rows)
        pool = rows[: max(quota * 4, 2000)]
        probs = clf.probabilities([t for _, t in pool])
        margin = (probs - thr).max(axis=1)
        warned = [r for r, m in zip(pool, margin) if m >= 0]
        unsure = [r for r, m in zip(pool, margin) if -0.25 <= m < 0]
        confusion = [r for r in pool if CONFUSION_WORDS.search(r[1])]
        focused = [r for r in pool if focus_rx and focus_rx.search(r[1])]
        picks: list[tuple[str, str]] = []
        taken = set()
        shares = ((0.3, warned), (0.15, unsure), (0.15, confusion), (0.25, focused), (1.0, pool)) if focus else \
            ((0.35, warned), (0.15, unsure), (0.2, confusion), (1.0, pool))
        for share, group in shares:
            want = quota if share == 1.0 else int(quota * share)
            for r in group:
                if len(picks) >= quota or want <= 0:
                    break
                if r[0] in taken or norm(r[1]) in seen:
                    continue
                taken.add(r[0])
                seen.add(norm(r[1]))
                picks.append(r)
                want -= 1
        print(f"train {name}: {len(picks)} (warned pool {len(warned)}, unsure {len(unsure)}, "
              f"confusion {len(confusion)})", file=sys.stderr)
        chosen += picks
    return chosen


def select_bench(rng: random.Random, seen: set) -> list[tuple[str, str]]:
    chosen = []
    for pattern, quota in BENCH_QUOTAS.items():
        rows = dedupe(source_rows(pattern), set())
        rng.shuffle(rows)
        picks, taken = [], set()

        def take(r):
            if r[0] not in taken and norm(r[1]) not in seen:
                taken.add(r[0])
                seen.add(norm(r[1]))
                picks.append(r)

        for cat, words in CATEGORY_WORDS.items():
            rx = re.compile(words, re.I)
            for r in [r for r in rows if rx.search(r[1])][: max(3, quota // 18)]:
                take(r)
        for r in rows:
            if len(picks) >= quota:
                break
            take(r)
        print(f"bench {pattern}: {len(picks)}", file=sys.stderr)
        chosen += picks
    return chosen


def write_batches(rows, out: Path, prefix: str, rng: random.Random) -> list[Path]:
    rng.shuffle(rows)
    paths = []
    for k in range(0, len(rows), BATCH):
        p = out / f"{prefix}_{k // BATCH + 1:02d}.jsonl"
        p.write_text("".join(json.dumps({"id": i, "text": t}, ensure_ascii=False) + "\n"
                             for i, t in rows[k:k + BATCH]), encoding="utf-8")
        paths.append(p)
    return paths


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--model-dir", type=Path, default=HERE.parent / "models")
    ap.add_argument("--out", type=Path, required=True, help="folder for the reading batches (outside the repo)")
    ap.add_argument("--round", type=int, default=1,
                    help="2 and later: training rows only, skipping every id already in corpus/real")
    ap.add_argument("--scale", type=float, default=1.0, help="multiplies each source's training quota")
    ap.add_argument("--focus", nargs="*", default=[], choices=sorted(CATEGORY_WORDS),
                    help="categories whose words fill a quarter of each source's quota (later rounds)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    seen: set = set()
    bench = select_bench(random.Random(SEED + 1), seen)   # first: a text read for the benchmark never trains
    skip = frozenset(labelled_ids()) if args.round > 1 else frozenset()
    train = select_train(args.model_dir, random.Random(SEED + 100 * (args.round - 1)), seen, args.scale, skip,
                         tuple(args.focus))
    if args.round > 1:
        bench = []  # the benchmark was drawn once; later rounds add training rows only
    prefix = "train" if args.round == 1 else f"train_r{args.round}"
    for p in write_batches(bench, args.out, "bench", random.Random(SEED + 2)) + \
            write_batches(train, args.out, prefix, random.Random(SEED + 3)):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main())
