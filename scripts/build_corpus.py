#!/usr/bin/env python3
"""Build the Conduct Guard labelled corpus from the hand-written material in corpus/src.

Pure standard library, deterministic (seeded): running it twice gives byte-identical files.

    python scripts/build_corpus.py            # rewrites corpus/train.jsonl, corpus/test.jsonl, corpus/README.md
    python scripts/build_corpus.py --out DIR  # writes the same three files into DIR instead

Source format (corpus/src/train/*.txt and corpus/src/test/*.txt), one post per line:

    # comment                       ignored
    %% key=value key=value          section defaults for the following lines
                                    (labels=a,b  lang=hi-Latn  country=IN  register=whatsapp
                                     hard=1  k=4   ; k = variants generated per line in train)
    opts || text                    per-line options before ' || ' (same keys, plus +category)
    text                            a post; {slot} fills from the slot lists,
                                    [[category,category|sentence]] marks the sentence(s) that cause a label

A line's labels are the section labels, plus every +category option, plus every category named in a
[[...]] span. Lines in a section without labels and without spans are benign. Literal '\\n' in a
line becomes a newline in the post.
"""
from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, OrderedDict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "corpus" / "src"
SEED = 20240917

from conduct_guard.categories import CATEGORIES  # noqa: E402  (the one list of the nine ids)

LANGS = ("en", "ur-Latn", "hi-Latn", "bn-Latn", "ur", "hi", "bn", "gu")
CODE_MIXED = ("ur-Latn", "hi-Latn", "bn-Latn")
REGISTERS = ("tweet", "facebook", "linkedin", "whatsapp", "comment", "official_account")
COUNTRIES = ("PK", "IN", "BD")
LANG_COUNTRY = {"ur-Latn": "PK", "ur": "PK", "hi-Latn": "IN", "hi": "IN", "bn-Latn": "BD", "bn": "BD", "gu": "IN"}
PERSONAL_REGISTERS = ("tweet", "facebook", "whatsapp", "comment", "linkedin")
REGISTER_WEIGHTS = (30, 25, 25, 15, 5)

SPAN_RE = re.compile(r"\[\[([a-z_,]+)\|(.*?)\]\]", re.S)
SLOT_RE = re.compile(r"\{([a-z_]+[0-9]?)\}")


# --------------------------------------------------------------------------- slot lists

def load_slots(path: Path) -> dict[str, list[str]]:
    pools: dict[str, list[str]] = {}
    cur = None
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.rstrip()
        if not line or line.startswith("# ") or line == "#":
            continue
        if line.startswith("[") and line.endswith("]"):
            cur = line[1:-1].strip()
            pools.setdefault(cur, [])
            continue
        if cur is None:
            raise ValueError(f"{path}: value before any [pool] header: {line!r}")
        pools[cur].append(line.strip())
    return pools


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def generated_slot(name: str, country: str, rng: random.Random) -> str | None:
    """Slots whose values are generated rather than listed."""
    if name == "n":
        return str(rng.randint(2, 48))
    if name == "nn":
        return f"{rng.randint(120, 9800):,}"
    if name == "pct":
        return str(rng.randint(3, 42))
    if name == "amt":
        v = f"{rng.choice([5, 8, 12, 15, 20, 25, 35, 40, 45, 60, 75, 90, 120, 150, 250]) * 1000:,}"
        return {"PK": "Rs " + v, "IN": "₹" + v, "BD": "Tk " + v}[country]
    if name == "crore":
        v = rng.choice(["2.5", "4", "7", "12", "18", "30", "45", "60", "85", "120"])
        return {"PK": f"Rs {v} crore", "IN": f"₹{v} crore", "BD": f"Tk {v} crore"}[country]
    if name == "phone":
        if country == "PK":
            p = "03" + rng.choice("0123456") + _digits(rng, 1)
            return rng.choice([f"{p}-{_digits(rng, 7)}", f"{p} {_digits(rng, 7)}", f"+92 {p[1:]} {_digits(rng, 7)}"])
        if country == "IN":
            p = rng.choice("6789") + _digits(rng, 4)
            return rng.choice([f"{p}{_digits(rng, 5)}", f"{p} {_digits(rng, 5)}", f"+91 {p} {_digits(rng, 5)}"])
        p = "01" + rng.choice("3456789") + _digits(rng, 2)
        return rng.choice([f"{p}-{_digits(rng, 6)}", f"{p}{_digits(rng, 6)}", f"+880 {p[1:]} {_digits(rng, 6)}"])
    if name == "idno":
        if country == "PK":
            return f"{rng.choice(['35202', '61101', '42101', '17301', '37405'])}-{_digits(rng, 7)}-{rng.randint(1, 9)}"
        if country == "IN":
            return f"{rng.randint(2, 9)}{_digits(rng, 3)} {_digits(rng, 4)} {_digits(rng, 4)}"
        return _digits(rng, 10)
    if name == "fileno":
        y = rng.choice(["2023", "2024", "2025"])
        if country == "PK":
            return rng.choice([
                f"F.No.{rng.randint(1, 30)}-{rng.randint(1, 250)}/{y}-Admn",
                f"No.SO(E-I){rng.randint(1, 12)}-{rng.randint(10, 99)}/{y}",
                f"F.{rng.randint(2, 19)}({rng.randint(1, 40)})/{y}-Estt",
            ])
        if country == "IN":
            return rng.choice([
                f"File No. {rng.choice(['GAD', 'RD', 'HD', 'UDD'])}/{rng.randint(10, 999)}/{y}-E",
                f"No. {rng.randint(1, 40)}/{rng.randint(1, 30)}/{y}-Estt.(A)",
                f"F.No.{rng.randint(100, 999)}/{y}-Vig",
            ])
        return rng.choice([
            f"Memo No. {rng.randint(5, 60)}.00.0000.{rng.randint(100, 999)}.{rng.randint(10, 99)}.{rng.randint(1, 99)}.{y[2:]}",
            f"Smarok No. {rng.randint(100, 999)}/{y}",
        ])
    if name == "time":
        return rng.choice(["9am", "10am", "10:30 am", "11am", "11.30", "12 noon", "2pm", "2:30 pm", "3pm", "3.30pm",
                           "4pm", "4:15 pm", "5 pm"])
    if name == "date":
        return f"{rng.randint(1, 28)} {rng.choice(['Jan', 'Feb', 'March', 'April', 'May', 'June', 'July', 'Aug', 'Sept', 'Oct', 'Nov', 'Dec'])}"
    if name == "year":
        return rng.choice(["2024", "2025", "2026"])
    return None


class Filler:
    def __init__(self, pools: dict[str, list[str]], rng: random.Random):
        self.pools = pools
        self.rng = rng

    def fill(self, text: str, country: str, lang: str) -> str:
        chosen: dict[str, str] = {}
        used: dict[str, set[str]] = {}

        def repl(m: re.Match) -> str:
            token = m.group(1)
            if token in chosen:
                return chosen[token]
            base = token.rstrip("0123456789")
            val = generated_slot(base, country, self.rng)
            if val is None:
                pool = None
                for key in (f"{base}.{country}.{lang}", f"{base}.{lang}", f"{base}.{country}", base):
                    if key in self.pools:
                        pool = self.pools[key]
                        break
                if pool is None:
                    raise KeyError(f"no slot pool for {{{token}}} (country {country})")
                avoid = used.setdefault(base, set())
                options = [v for v in pool if v not in avoid] or pool
                val = self.rng.choice(options)
                avoid.add(val)
            chosen[token] = val
            return val

        return SLOT_RE.sub(repl, text)


# --------------------------------------------------------------------------- source parsing

def parse_opts(s: str) -> dict:
    opts: dict = {}
    for tok in s.split():
        if not tok:
            continue
        if tok.startswith("+"):
            opts.setdefault("extra", []).extend(x for x in tok[1:].split(",") if x)
        elif "=" in tok:
            k, v = tok.split("=", 1)
            opts[k] = v
        else:
            raise ValueError(f"bad option {tok!r}")
    return opts


def parse_source(path: Path) -> list[dict]:
    items = []
    section: dict = {}
    for lineno, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("# ") or line == "#":
            continue
        if line.startswith("%%"):
            section = parse_opts(line[2:])
            continue
        opts = dict(section)
        opts.pop("extra", None)
        extra = list(section.get("extra", []))
        if " || " in line:
            o, line = line.split(" || ", 1)
            lo = parse_opts(o)
            extra += lo.pop("extra", [])
            opts.update(lo)
        labels = set(x for x in opts.get("labels", "").split(",") if x) | set(extra)
        for m in SPAN_RE.finditer(line):
            labels |= set(m.group(1).split(","))
        bad = labels - set(CATEGORIES)
        if bad:
            raise ValueError(f"{path.name}:{lineno}: unknown labels {sorted(bad)}")
        lang = opts.get("lang", "en")
        if lang not in LANGS:
            raise ValueError(f"{path.name}:{lineno}: unknown lang {lang}")
        items.append({
            "src": f"{path.name}:{lineno}",
            "template": line.replace("\\n", "\n"),
            "labels": labels,
            "lang": lang,
            "country": opts.get("country"),
            "register": opts.get("register"),
            "hard": opts.get("hard", "0") == "1",
            "k": int(opts.get("k", "1")),
        })
    return items


def segments_of(text: str, labels: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Split a filled template into (text, span categories) segments."""
    segs = []
    pos = 0
    for m in SPAN_RE.finditer(text):
        if m.start() > pos:
            segs.append((text[pos:m.start()], ()))
        segs.append((m.group(2), tuple(m.group(1).split(","))))
        pos = m.end()
    if pos < len(text):
        segs.append((text[pos:], ()))
    return segs


# --------------------------------------------------------------------------- augmentation (train only)

WORD_RE = re.compile(r"[A-Za-z]{5,}")


def typo(s: str, rng: random.Random) -> str:
    words = [m for m in WORD_RE.finditer(s)]
    if not words:
        return s
    m = rng.choice(words)
    w = m.group(0)
    i = rng.randint(1, len(w) - 2)
    kind = rng.random()
    if kind < 0.4:
        w2 = w[:i] + w[i + 1] + w[i] + w[i + 2:]
    elif kind < 0.75:
        w2 = w[:i] + w[i + 1:]
    else:
        w2 = w[:i] + w[i] + w[i:]
    return s[:m.start()] + w2 + s[m.end():]


def assemble(segs, opener: str, closer: str):
    text = ""
    spans = []
    if opener:
        text = opener + (" " if not opener.endswith("\n") else "")
    for seg, cats in segs:
        start = len(text)
        text += seg
        if cats:
            # trim whitespace at span edges
            s, e = start, len(text)
            while s < e and text[s].isspace():
                s += 1
            while e > s and text[e - 1].isspace():
                e -= 1
            for c in cats:
                spans.append([s, e, c])
    if closer:
        text = text.rstrip() + ("" if closer.startswith("\n") else " ") + closer
    return text, spans


def augment(segs, item, register, lang, rng, pools):
    latin = lang in ("en",) + CODE_MIXED
    segs = [list(s) for s in segs]
    # casing
    r = rng.random()
    if latin and r < 0.06:
        segs = [[s.lower(), c] for s, c in segs]
    elif latin and r < 0.09 and register in ("tweet", "comment", "whatsapp", "facebook"):
        segs = [[s.upper(), c] for s, c in segs]
    # typos
    if latin and rng.random() < 0.22:
        for _ in range(rng.choice([1, 1, 2])):
            j = rng.randrange(len(segs))
            segs[j][0] = typo(segs[j][0], rng)
    # drop final punctuation
    if rng.random() < 0.18:
        segs[-1][0] = segs[-1][0].rstrip().rstrip(".")
    opener = closer = ""
    if register != "official_account":
        if rng.random() < 0.22:
            key = f"opener.{register}.{lang}" if f"opener.{register}.{lang}" in pools else f"opener.{lang}"
            if key in pools:
                opener = rng.choice(pools[key])
        r = rng.random()
        if r < 0.18:
            closer = rng.choice(pools["emoji"])
        elif r < 0.26 and register in ("tweet", "facebook", "linkedin"):
            closer = rng.choice(pools["closer.hashtag"])
    return [tuple(s) for s in segs], opener, closer


# --------------------------------------------------------------------------- normalisation / leakage

def norm(t: str) -> str:
    return re.sub(r"\s+", " ", t.lower()).strip()


SENT_SPLIT = re.compile(r"(?<=[.!?।۔؟])\s+|\n+")


def sentences(t: str) -> list[str]:
    out = []
    for s in SENT_SPLIT.split(t):
        s = norm(re.sub(r"[^\w\s]", " ", s))
        if len(s.split()) >= 5:
            out.append(s)
    return out


# --------------------------------------------------------------------------- build

def build_split(items, pools, rng, train: bool):
    filler = Filler(pools, rng)
    rows = []
    seen = set()
    for it in items:
        k = it["k"]
        attempts = 0
        made = 0
        while made < k and attempts < k * 4:
            attempts += 1
            country = it["country"] or LANG_COUNTRY.get(it["lang"]) or rng.choice(COUNTRIES)
            register = it["register"] or rng.choices(PERSONAL_REGISTERS, REGISTER_WEIGHTS)[0]
            filled = filler.fill(it["template"], country, it["lang"])
            segs = segments_of(filled, it["labels"])
            if train:
                segs, opener, closer = augment(segs, it, register, it["lang"], rng, pools)
            else:
                opener = closer = ""
            text, spans = assemble(segs, opener, closer)
            text = text.strip() if not spans else text
            key = norm(text)
            if key in seen:
                continue
            seen.add(key)
            made += 1
            rows.append({
                "text": text,
                "labels": [c for c in CATEGORIES if c in it["labels"]],
                "lang": it["lang"],
                "register": register,
                "country": country,
                "hard_negative": bool(it["hard"] and not it["labels"]),
                "spans": spans,
                "_src": it["src"],
                "group": "g-" + it["src"].replace(".txt:", "-"),
            })
    return rows


def fix_spans(row):
    # text may have been stripped; spans were computed before, so recompute defensively
    t = row["text"]
    row["spans"] = [s for s in row["spans"] if 0 <= s[0] < s[1] <= len(t)]
    return row


def finish(rows, prefix):
    out = []
    for i, r in enumerate(rows, 1):
        d = OrderedDict()
        d["id"] = f"{prefix}-{i:06d}"
        d["text"] = r["text"]
        d["labels"] = r["labels"]
        d["lang"] = r["lang"]
        d["register"] = r["register"]
        d["country"] = r["country"]
        d["hard_negative"] = r["hard_negative"]
        d["spans"] = r["spans"]
        if prefix == "tr":
            # id of the hand-written original this row was expanded from: rows sharing a group are
            # near-copies of one another and must stay on the same side of any validation split
            d["group"] = r["group"]
        out.append(d)
    return out


def dump(rows) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)


def stats_table(train, test) -> str:
    def block(rows):
        c = Counter()
        for r in rows:
            for l in r["labels"]:
                c[l] += 1
        return c

    lines = []
    ctr, cte = block(train), block(test)
    bt = sum(1 for r in train if not r["labels"])
    be = sum(1 for r in test if not r["labels"])
    lines.append("| | train | test |")
    lines.append("| --- | ---: | ---: |")
    lines.append(f"| examples | {len(train)} | {len(test)} |")
    lines.append(f"| benign (no label) | {bt} ({100 * bt / len(train):.1f}%) | {be} ({100 * be / len(test):.1f}%) |")
    lines.append(f"| hard negatives | {sum(r['hard_negative'] for r in train)} | {sum(r['hard_negative'] for r in test)} |")
    lines.append(f"| multi-label (2+ labels) | {sum(len(r['labels']) > 1 for r in train)} | {sum(len(r['labels']) > 1 for r in test)} |")
    lines.append(f"| with spans | {sum(bool(r['spans']) for r in train)} | {sum(bool(r['spans']) for r in test)} |")
    for c in CATEGORIES:
        lines.append(f"| `{c}` | {ctr[c]} | {cte[c]} |")
    lines.append("")
    lines.append("| lang | train | test |")
    lines.append("| --- | ---: | ---: |")
    lt = Counter(r["lang"] for r in train)
    le = Counter(r["lang"] for r in test)
    for l in LANGS:
        lines.append(f"| {l} | {lt[l]} | {le[l]} |")
    cmt = sum(lt[l] for l in CODE_MIXED)
    cme = sum(le[l] for l in CODE_MIXED)
    lines.append(f"| code-mixed (ur-Latn + hi-Latn + bn-Latn) | {cmt} | {cme} |")
    lines.append("")
    lines.append("| register | train | test |")
    lines.append("| --- | ---: | ---: |")
    rt = Counter(r["register"] for r in train)
    re_ = Counter(r["register"] for r in test)
    for g in REGISTERS:
        lines.append(f"| {g} | {rt[g]} | {re_[g]} |")
    lines.append("")
    lines.append("| country | train | test |")
    lines.append("| --- | ---: | ---: |")
    ct = Counter(r["country"] for r in train)
    ce = Counter(r["country"] for r in test)
    for g in COUNTRIES:
        lines.append(f"| {g} | {ct[g]} | {ce[g]} |")
    return "\n".join(lines) + "\n"


def batch_order(path: Path) -> list:
    """Train files in this order: numbers in names compare as numbers, so zz_batch10_* comes after
    zz_batch9_*. One seeded generator fills the files in order, so an appended batch must sort last to
    leave earlier rows unchanged. (Test files keep plain name order: it fixed test.jsonl.)"""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", path.name)]


def build(out_dir: Path) -> dict:
    train_pools = load_slots(SRC / "slots_train.txt")
    test_pools = load_slots(SRC / "slots_test.txt")
    train_items = []
    for p in sorted((SRC / "train").glob("*.txt"), key=batch_order):
        train_items += parse_source(p)
    test_items = []
    for p in sorted((SRC / "test").glob("*.txt")):
        test_items += parse_source(p)

    test_rows = build_split(test_items, test_pools, random.Random(SEED + 1), train=False)
    test_rows = [fix_spans(r) for r in test_rows]
    test_keys = {norm(r["text"]) for r in test_rows}
    test_sents = set()
    for r in test_rows:
        test_sents.update(sentences(r["text"]))

    train_rows = build_split(train_items, train_pools, random.Random(SEED), train=True)
    train_rows = [fix_spans(r) for r in train_rows]
    dropped = 0
    kept = []
    for r in train_rows:
        if norm(r["text"]) in test_keys or any(s in test_sents for s in sentences(r["text"])):
            dropped += 1
            continue
        kept.append(r)
    train_rows = kept

    random.Random(SEED + 2).shuffle(train_rows)
    random.Random(SEED + 3).shuffle(test_rows)
    train = finish(train_rows, "tr")
    test = finish(test_rows, "te")

    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "train.jsonl").write_text(dump(train), encoding="utf-8")
    (out_dir / "test.jsonl").write_text(dump(test), encoding="utf-8")
    tmpl = (SRC / "README.template.md").read_text(encoding="utf-8")
    table = stats_table(train, test)
    (out_dir / "README.md").write_text(tmpl.replace("{{COUNTS}}", table), encoding="utf-8")
    return {"train": len(train), "test": len(test), "dropped_for_overlap": dropped,
            "train_templates": len(train_items), "test_templates": len(test_items)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=ROOT / "corpus", help="output folder (default: corpus/)")
    args = ap.parse_args(argv)
    info = build(args.out)
    print(json.dumps(info), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
