"""The team's labels on real posts (corpus/real): ids and labels only, on the right side of the
training/evaluation line, and every id found in ../shared/data when it is present."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from conduct_guard.categories import CATEGORIES

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import real_data as rd  # noqa: E402

# pending: read for a candidate model that did not ship (corpus/real/pending/README.md); not trained on
KINDS = ("train", "bench", "second_read", "pending")


def rows(kind: str) -> list[dict]:
    return rd.read_labels(sorted((rd.LABELS_DIR / kind).glob("*.jsonl")))


def test_label_files_hold_ids_and_labels_only():
    for kind in KINDS:
        for r in rows(kind):
            assert set(r) - {"_file"} <= {"id", "labels", "unsure", "note"}, r
            assert set(r["labels"]) <= set(CATEGORIES), r
            assert r["id"].split(":", 1)[0] in rd.SOURCES, r


def test_training_labels_come_only_from_sets_that_may_train():
    for r in rows("train") + rows("pending"):
        assert not rd.evaluation_only(r["id"]) and not rd.held_out_of_training(r["id"]), r["id"]


def test_benchmark_labels_come_only_from_evaluation_sets_and_never_train():
    train = {r["id"] for r in rows("train") + rows("pending")}
    for r in rows("bench"):
        assert rd.evaluation_only(r["id"]) and r["id"] not in train, r["id"]


def test_sizes_the_issue_asks_for():
    train = [r for r in rows("train") if not r.get("unsure")]
    bench = [r for r in rows("bench") if not r.get("unsure")]
    assert len(train) >= 8000 and sum(not r["labels"] for r in train) >= 0.4 * len(train)
    assert len(bench) >= 1500 and sum(not r["labels"] for r in bench) >= 600


def test_a_second_reading_covers_a_sample_of_both():
    second = {r["id"] for r in rows("second_read")}
    assert len(second & {r["id"] for r in rows("train")}) >= 100
    assert len(second & {r["id"] for r in rows("bench")}) >= 100


@pytest.mark.skipif(not rd.DEFAULT_DATA.is_dir(), reason="../shared/data is not beside the checkout")
def test_every_id_names_a_real_row_of_the_data():
    for kind in KINDS:
        for r in rows(kind):
            assert rd.text_of(r["id"]).strip(), r["id"]


def test_no_text_of_the_data_is_committed():
    """Spot check: label files never carry a text field, and notes stay short."""
    for path in (rd.LABELS_DIR).glob("*/*.jsonl"):
        for line in path.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            assert "text" not in r and len(r.get("note", "")) <= 80
