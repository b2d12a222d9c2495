"""scripts/group_swap.py: counterfactual copies of training rows with the group's name swapped."""
from __future__ import annotations

import random

from hypothesis import given, strategies as st
from scriptload import load_script

group_swap = load_script("group_swap")
FAMILY_OF = {n.lower(): f for f, names in group_swap.GROUP_FAMILIES.items() for n in names}


def test_a_name_becomes_another_of_its_family_in_the_same_case_and_number():
    text = "SHIA and Sunni brothers; the Shias of Karachi, the shias of Lahore"
    out = group_swap.swap_names(text, random.Random(1))
    words = out.replace(";", "").replace(",", "").split()
    new_upper, new_title, new_plural, new_lower_plural = words[0], words[2], words[5], words[9]
    assert new_upper.isupper() and new_upper.lower() not in ("shia", "sunni")
    assert new_title.istitle() and new_title.lower() not in ("shia", "sunni", new_upper.lower())
    # one name maps to one replacement everywhere in the post, its plural kept
    assert new_plural == new_upper.title() + "s" and new_lower_plural == new_upper.lower() + "s"
    assert {FAMILY_OF[new_upper.lower()], FAMILY_OF[new_title.lower()]} == {"faith"}


def test_text_without_a_group_name_is_left_alone():
    assert group_swap.swap_names("Tamilnadu posting for Jatin, congrats Sir 🎉", random.Random(0)) is None


def test_copies_keep_labels_and_flags_and_drop_spans():
    rows = [{"id": "tr-1", "text": "Dalit groom on a mare, whole village came out to bless him", "labels": [],
             "hard_negative": True, "spans": [], "group": "g-a-1"},
            {"id": "tr-2", "text": "Bihari in the office = gutka and paan stains", "labels": ["hate_speech"],
             "hard_negative": False, "spans": [[0, 6, "hate_speech"]], "group": "g-a-2"},
            {"id": "tr-3", "text": "Budget session starts Monday", "labels": [], "group": "g-a-3"}]
    copies = group_swap.group_swapped_rows(rows, copies=2, seed=5)
    # a draw that repeats an earlier copy is dropped, so a row gets one or two copies
    by_row = {r["id"]: [c for c in copies if c["id"].startswith(r["id"] + "#swap")] for r in rows}
    assert 1 <= len(by_row["tr-1"]) <= 2 and 1 <= len(by_row["tr-2"]) <= 2 and by_row["tr-3"] == []
    for c in copies:
        original = next(r for r in rows if c["id"].startswith(r["id"] + "#"))
        assert c["labels"] == original["labels"] and c["hard_negative"] == original["hard_negative"]
        assert c["group"] == original["group"] and c["spans"] == [] and c["augmented"] == "group_swap"
        assert c["text"] != original["text"]
    assert len({c["text"] for c in copies}) == len(copies)
    assert group_swap.group_swapped_rows(rows, copies=2, seed=5) == copies


@given(st.lists(st.sampled_from(sorted(FAMILY_OF)), min_size=1, max_size=2), st.integers(0, 10_000))
def test_every_named_group_is_replaced_within_its_family(names, seed):
    text = " and ".join(names) + " colleagues"
    out = group_swap.swap_names(text, random.Random(seed))
    old, new = text.split()[::2][:-1], out.split()[::2][:-1]
    assert len(new) == len(old)
    for a, b in zip(old, new):
        assert FAMILY_OF[b.lower()] == FAMILY_OF[a]
    # distinct names stay distinct and none is kept (each family has at least four names)
    assert len({b.lower() for b in new}) == len(set(old))
    assert all(b.lower() != a for a, b in zip(old, new))
