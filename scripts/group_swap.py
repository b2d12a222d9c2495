"""Counterfactual group swaps: copies of training rows with the named faith, caste or region swapped.

Suspected cause of warm posts about a group scoring as hate: in corpus/train.jsonl (model 0.4.0)
"Bihari" stands in 42 hate_speech rows and 3 benign ones, "Ahmadi" in 26 and 3, "Dalit" in 34 and 13.
Copies of every row that names such a group, with the name swapped for another of the same kind and
the labels kept, make each name equally likely in hateful and warm posts, so only the stance is left
to learn from (counterfactual data augmentation, as in Dixon et al. 2018 and Park et al. 2018).
Tried for candidates G0 and G1 (corpus/src/pending/README.md); it did not help, so it is off by default.

Standard library only, so tests can check it without torch.
"""
from __future__ import annotations

import random
import re

# Names that mark a group, never a person: surnames such as Yadav, Thakur or Jain are left out
# because they name individuals in defamation rows, where a swap would change nothing useful.
GROUP_FAMILIES: dict[str, tuple[str, ...]] = {
    "faith": ("Muslim", "Hindu", "Christian", "Sikh", "Buddhist", "Shia", "Sunni", "Ahmadi", "Parsi"),
    "caste": ("Dalit", "Brahmin", "Valmiki", "Jat", "Rajput"),
    "region": ("Punjabi", "Sindhi", "Baloch", "Pathan", "Pashtun", "Muhajir", "Bihari", "Bengali", "Tamil",
               "Gujarati", "Kashmiri", "Chakma", "Malayali", "Marathi", "Assamese"),
}
_FAMILY_OF = {name.lower(): family for family, names in GROUP_FAMILIES.items() for name in names}
# the name, then an optional plural "s" ("Hindus", "Shias"); word boundaries keep "Tamilnadu" or
# "Jatin" out
_GROUP_NAME = re.compile(r"\b(" + "|".join(sorted(_FAMILY_OF, key=len, reverse=True)) + r")(s?)\b", re.I)


def _same_case(word: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like.islower():
        return word.lower()
    return word


def swap_names(text: str, rng: random.Random) -> str | None:
    """The text with each distinct group name replaced by a name of its family that the text does not
    use (two names never become the same one; a name stays when its family has none left), or None
    when the text names no group."""
    found = []
    for m in _GROUP_NAME.finditer(text):
        name = m.group(1).lower()
        if name not in found:
            found.append(name)
    if not found:
        return None
    taken = set(found)
    replacement = {}
    for name in found:
        choices = [n for n in GROUP_FAMILIES[_FAMILY_OF[name]] if n.lower() not in taken]
        if not choices:
            continue
        new = rng.choice(choices)
        replacement[name] = new
        taken.add(new.lower())
    if not replacement:
        return None

    def sub(m: re.Match) -> str:
        new = replacement.get(m.group(1).lower())
        return m.group(0) if new is None else _same_case(new, m.group(1)) + m.group(2)

    return _GROUP_NAME.sub(sub, text)


def group_swapped_rows(rows: list[dict], copies: int, seed: int) -> list[dict]:
    """Up to `copies` swapped copies of every row that names a group; labels and flags are kept,
    spans are dropped (a swap shifts character offsets). Copies carry "augmented": "group_swap"."""
    rng = random.Random(seed)
    out = []
    for r in rows:
        seen = {r["text"]}
        for k in range(copies):
            text = swap_names(r["text"], rng)
            if text is None:
                break
            if text in seen:
                continue
            seen.add(text)
            out.append({**r, "id": f"{r.get('id')}#swap{k}", "text": text, "spans": [], "augmented": "group_swap"})
    return out
