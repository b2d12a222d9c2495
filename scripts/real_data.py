#!/usr/bin/env python3
"""Real posts from ../shared/data, each with a stable source id, and the team's labels for them.

The text of a real post never enters the project: the project keeps labels keyed by source id
(corpus/real/), and this module reads the text back from the data folder. A source id is
``<source>:<row>``, where <source> names one file of one set (SOURCES) and <row> is the 0-based
index of the row as the reader below yields it (rows with empty text are counted, so ids do not
move if a reader's filtering changes).

    python scripts/real_data.py sources                 # the sources and whether they may train
    python scripts/real_data.py show goemotions-train:12 # the text of one id
"""
from __future__ import annotations

import csv
import json
import sys
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Iterator

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
LABELS_DIR = ROOT / "corpus" / "real"

csv.field_size_limit(10_000_000)


def demojibake(t: str) -> str:
    """political_social_media was saved as UTF-8 read as cp1252 ("â€™"): undo it where it applies."""
    try:
        return t.encode("cp1252").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return t


def _tsv_column(col: int, **kw) -> Callable[[Path], Iterator[str]]:
    def read(path: Path) -> Iterator[str]:
        with open(path, encoding="utf-8", newline="") as fh:
            for r in csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
                yield r[col] if len(r) > col else ""
    return read


def _tsv_text_label(path: Path) -> Iterator[str]:
    """ruhsold: 'text<TAB>label' with tabs possibly inside the text, so split on the last one."""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield line.rstrip("\n").rsplit("\t", 1)[0].strip()


def _csv_field(name: str, delimiter: str = ",", fix: Callable[[str], str] | None = None,
               encoding: str = "utf-8") -> Callable[[Path], Iterator[str]]:
    def read(path: Path) -> Iterator[str]:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            for r in csv.DictReader(fh, delimiter=delimiter):
                t = r.get(name) or ""
                yield fix(t) if fix else t
    return read


def _csv_column(col: int) -> Callable[[Path], Iterator[str]]:
    def read(path: Path) -> Iterator[str]:
        with open(path, encoding="utf-8", errors="replace", newline="") as fh:
            for r in csv.reader(fh):
                yield r[col] if len(r) > col else ""
    return read


def _lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            yield line.strip().strip('"').strip()


@dataclass(frozen=True)
class Source:
    name: str
    dataset: str        # the folder under shared/data
    path: str           # relative to the dataset folder
    read: Callable[[Path], Iterator[str]]
    trainable: bool     # shared/data/README.md: may it train the shipped model?
    lang: str = "en"


def _sources() -> dict[str, Source]:
    out: list[Source] = []
    for split in ("train", "dev", "test"):
        out.append(Source(f"goemotions-{split}", "goemotions", f"data/original/{split}.tsv", _tsv_column(0), True))
    out += [
        Source("covid19_rumor-twitter", "covid19_rumor", "Data/twitter/Twitter.csv", _csv_field("content"), True),
        Source("covid19_rumor-news", "covid19_rumor", "Data/news/news.csv", _csv_column(2), True),  # no header
        Source("covid19_rumor-en_dup", "covid19_rumor", "Data/en_dup.csv", _csv_field("content"), True),
        Source("mlma_hate-en", "mlma_hate", "en_dataset.csv", _csv_field("tweet"), True),
        Source("stormfront", "stormfront_hate", "derived_sentences_with_labels.csv", _csv_field("text"), True),
        Source("davidson", "davidson", "labeled_data.csv", _csv_field("tweet"), True),
        Source("ruhsold-train", "ruhsold_roman_urdu", "task_2_train.tsv", _tsv_text_label, True, "ur-Latn"),
        Source("ruhsold-test", "ruhsold_roman_urdu", "task_2_test.tsv", _tsv_text_label, True, "ur-Latn"),
        Source("roman_urdu_sentiment", "roman_urdu_sentiment", "Dataset/Roman Urdu DataSet.csv", _csv_column(0),
               True, "ur-Latn"),
        Source("socian_bangla-pos", "socian_bangla_sentiment", "bangla.pos", _lines, True, "bn"),
        Source("socian_bangla-neg", "socian_bangla_sentiment", "bangla.neg", _lines, True, "bn"),
        Source("bengali_hate", "bengali_hate", "bengali_hate_v2.0.csv", _csv_field("text"), True, "bn"),
    ]
    # evaluation only
    for task, splits in (("hate", ("train", "val", "test")), ("offensive", ("train", "val", "test")),
                         ("sentiment", ("val", "test"))):
        for split in splits:
            out.append(Source(f"tweeteval-{task}-{split}", "tweeteval", f"{task}/{split}_text.txt", _lines, False))
    for topic in ("abortion", "atheism", "climate", "feminist", "hillary"):
        for split in ("train", "val", "test"):
            out.append(Source(f"tweeteval-stance-{topic}-{split}", "tweeteval", f"stance/{topic}/{split}_text.txt",
                              _lines, False))
    out.append(Source("political_social_media", "political_social_media", "political_social_media.csv",
                      _csv_field("text", fix=demojibake, encoding="utf-8-sig"), False))
    for split in ("train", "valid", "test"):
        out.append(Source(f"liar-{split}", "liar", f"{split}.tsv", _tsv_column(2), False))
    out.append(Source("constraint-train", "constraint_covid_fakenews", "Constraint_Train.csv", _csv_field("tweet"),
                      False))
    out.append(Source("constraint-val", "constraint_covid_fakenews", "Constraint_Val.csv", _csv_field("tweet"), False))
    for lang, code in (("eng", "en"), ("hin", "hi-Latn"), ("iben", "bn-Latn")):
        for split in ("train", "dev"):
            out.append(Source(f"trac2-{lang}-{split}", "trac2_multilingual", f"trac2_{lang}_{split}.csv",
                              _csv_field("Text"), False, code))
    out.append(Source("ethos", "ethos", "ethos/ethos_data/Ethos_Dataset_Binary.csv",
                      _csv_field("comment", delimiter=";"), False))
    return {s.name: s for s in out}


SOURCES = _sources()


def evaluation_only(source_id: str) -> bool:
    return not SOURCES[source_id.split(":", 1)[0]].trainable


def held_out_of_training(source_id: str) -> bool:
    """Rows that evaluate.py reads as out-of-domain checks of sets that may otherwise train
    (davidson and bengali_hate rows with index % 5 == 0, RUHSOLD's test file; build_model.heldout)."""
    name, row = source_id.split(":", 1)
    return (name in ("davidson", "bengali_hate", "ruhsold-train") and int(row) % 5 == 0) or name == "ruhsold-test"


@lru_cache(maxsize=None)
def _texts(name: str, data: str) -> tuple[str, ...]:
    src = SOURCES[name]
    path = Path(data) / src.dataset / src.path
    if not path.is_file():
        raise FileNotFoundError(f"{path}: data file of source '{name}' is missing (--data names shared/data)")
    return tuple(t.strip() for t in src.read(path))


def iter_source(name: str, data: Path = DEFAULT_DATA) -> Iterator[tuple[str, str]]:
    """(source id, text) for every non-empty row of one source."""
    for i, t in enumerate(_texts(name, str(data))):
        if t:
            yield f"{name}:{i}", t


def text_of(source_id: str, data: Path = DEFAULT_DATA) -> str:
    name, row = source_id.split(":", 1)
    if name not in SOURCES:
        raise KeyError(f"unknown source '{name}' in id {source_id!r}")
    return _texts(name, str(data))[int(row)]


def read_labels(paths: Iterable[Path]) -> list[dict]:
    """Label rows ({"id", "labels", ...}) from corpus/real/**.jsonl files; later files do not override."""
    rows, seen = [], set()
    for path in paths:
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path}:{n}: not JSON: {exc}") from None
            if r["id"] in seen:
                continue
            seen.add(r["id"])
            r["_file"] = path.name
            rows.append(r)
    return rows


def labelled(kind: str, data: Path = DEFAULT_DATA, include_unsure: bool = False) -> list[dict]:
    """The labelled real rows of one kind ('train' or 'bench') with their text read from data.

    A row marked unsure (the reader could not decide) is left out unless asked for: a wrong label is
    worse than a missing one."""
    from conduct_guard.categories import CATEGORIES

    out = []
    for r in read_labels(sorted((LABELS_DIR / kind).glob("*.jsonl"))):
        if r.get("unsure") and not include_unsure:
            continue
        bad = set(r["labels"]) - set(CATEGORIES)
        if bad:
            raise ValueError(f"{r['_file']}: {r['id']}: unknown labels {sorted(bad)}")
        if kind == "train" and (evaluation_only(r["id"]) or held_out_of_training(r["id"])):
            raise ValueError(f"{r['_file']}: {r['id']} may not train the shipped model")
        src = SOURCES[r["id"].split(":", 1)[0]]
        out.append({"id": r["id"], "text": text_of(r["id"], data),
                    "labels": [c for c in CATEGORIES if c in r["labels"]],
                    "lang": r.get("lang") or src.lang, "source": src.name, "unsure": bool(r.get("unsure"))})
    return out


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["sources"]:
        for s in SOURCES.values():
            print(f"{s.name:32} {'train' if s.trainable else 'eval-only':9} {s.dataset}/{s.path}")
        return 0
    if argv[:1] == ["show"] and len(argv) == 2:
        print(text_of(argv[1]))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
