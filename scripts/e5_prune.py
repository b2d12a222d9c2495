#!/usr/bin/env python
"""Prune the vocabulary of a converted encoder (scripts/e5_convert.py) to the scripts Conduct Guard reads.

    python scripts/e5_prune.py SRC_DIR OUT_DIR [--texts FILE]

Word embeddings are 250,002 x 384 fp32 = 384 MB of the 470 MB model, and most rows belong to
scripts the product never sees. `prune` keeps the special tokens, every piece the tokenizer
produces on `texts` (default: the fixed strings of scripts/e5_verify.py; --texts FILE reads one text
per line) and every piece made only of characters from SCRIPTS below, renumbers them (<s> <pad> </s>
<unk> stay 0-3, <mask> becomes the last id) and rewrites model.safetensors, config.json and
tokenizer.json. It then checks, on the fixed strings and on `texts`, that the pruned tokenizer
yields the same pieces as the full one and that the pruned model's hidden states equal the full
model's to 1e-5.

Why the pieces stay the same: Unigram picks the best-scoring path over the pieces that match
substrings of the normalised text. If every character of a text lies in SCRIPTS, every piece made
of characters that such a text can hold after normalisation is kept, so every piece that can match
is kept and the lattice and the best path are unchanged. The check is on normalised characters
because the normaliser maps some characters out of SCRIPTS (see reachable_chars); using the raw
ranges changed the pieces of 595 of 20,000 random strings. The unknown-character score is
min(score) - 10 over the vocabulary, so a piece with the global minimum score is also kept.

Measured (SRC from e5_convert.py, default texts): 250,002 -> 127,198 pieces (ASCII-only 83,007,
Latin-1/combining 15,868, Arabic/Urdu 14,639, Devanagari 7,726, Bengali 2,499, Gujarati 2,265,
emoji/symbols/punctuation and what normalisation maps them to 1,193, <s> <pad> </s> <unk> <mask>),
model.safetensors 470.0 MB -> 281.4 MB. Same ids and hidden states (difference 0.0) on the 133 fixed
strings, also when pruned with no texts at all (--texts /dev/null), and same ids on 20,000 random
strings drawn from SCRIPTS.
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np

SCRIPTS = [
    (0x0000, 0x00FF),  # ASCII (incl. digits) + Latin-1
    (0x2000, 0x206F),  # general punctuation (dashes, quotes, ellipsis, ZWJ/ZWNJ)
    (0x20A0, 0x20CF),  # currency symbols (₹, €): not in the brief's list, added for prices in posts
    (0x0300, 0x036F),  # combining diacritics: not in the brief's list, added because neither e5.c nor
    #                    tokenizer.json composes, so decomposed (NFD) Latin text uses them (44 pieces)
    (0x2581, 0x2581),  # '▁', the metaspace marker every word-initial piece starts with
    (0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF),  # Arabic / Urdu
    (0x0900, 0x097F),  # Devanagari (incl. danda । and Devanagari digits)
    (0x0980, 0x09FF),  # Bengali
    (0x0A80, 0x0AFF),  # Gujarati
    # emoji: pictographs/emoticons/transport/supplemental (incl. regional-indicator flags, skin
    # tones), misc symbols + dingbats, arrows, technical (⌚), geometric shapes, stars (⭐),
    # letterlike (™ ℹ), keycap combiner, variation selectors, tag characters (subdivision flags)
    (0x1F000, 0x1FAFF), (0x2600, 0x27BF), (0x2190, 0x21FF), (0x2300, 0x23FF), (0x25A0, 0x25FF),
    (0x2B00, 0x2BFF), (0x2100, 0x214F), (0x20D0, 0x20FF), (0xFE00, 0xFE0F), (0xE0020, 0xE007F),
    (0x3030, 0x3030), (0x303D, 0x303D), (0x3297, 0x3297), (0x3299, 0x3299),
]
SPECIAL = ["<s>", "<pad>", "</s>", "<unk>"]  # ids 0-3 in the source and in the result
MASK = "<mask>"


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


LATIN = [(0x0000, 0x024F), (0x0300, 0x036F), (0x2000, 0x206F), (0x20A0, 0x20CF), (0x2581, 0x2581)]


def is_latin_piece(piece: str) -> bool:
    return all(any(lo <= ord(c) <= hi for lo, hi in LATIN) for c in piece)


def prune(model_dir, out_dir, texts, latin_from_texts: bool = False) -> dict:
    """Write the pruned model to out_dir; returns a summary (also saved as out_dir/prune.json).

    latin_from_texts: Latin-script pieces (every language written in Latin letters, 83,000 of the
    127,000 the scripts keep) are kept only when the texts use them, or when they are one character
    (so no Latin text ever falls to <unk>); the four South Asian scripts and emoji are kept whole.
    A Latin word the texts never used is then split into smaller pieces than the full vocabulary
    would give; the size budget (50 MiB int8) needs it: the whole Latin set alone is 31 MiB."""
    import torch
    from safetensors.torch import load_file, save_file
    from tokenizers import Tokenizer

    src, out = Path(model_dir), Path(out_dir)
    texts = list(texts)
    spec = json.loads((src / "tokenizer.json").read_text(encoding="utf-8"))
    vocab = spec["model"]["vocab"]  # [[piece, score], ...] in id order
    pieces = [p for p, _ in vocab]
    if pieces[:4] != SPECIAL or pieces[-1] != MASK:
        raise SystemExit(f"{src}: expected {SPECIAL} at 0-3 and {MASK} last")
    full_tok = Tokenizer.from_file(str(src / "tokenizer.json"))

    allowed = reachable_chars(full_tok.normalizer)
    texts = list(dict.fromkeys(fixed_strings() + texts))
    by_scripts = {i for i, p in enumerate(pieces) if all(c in allowed for c in p)}
    if latin_from_texts:
        by_scripts = {i for i in by_scripts if not is_latin_piece(pieces[i]) or len(pieces[i].lstrip("\u2581")) <= 1}
    from_texts = {i for e in full_tok.encode_batch(texts, add_special_tokens=False) for i in e.ids}
    keep = by_scripts | from_texts
    scores = np.array([s for _, s in vocab])
    lowest = int(np.argmin(scores[4:-1])) + 4
    if scores[sorted(keep - {0, 1, 2, 3})].min() > scores[lowest]:
        keep.add(lowest)  # keeps min(score), hence the unknown-character score, unchanged
    old_ids = [0, 1, 2, 3] + sorted(keep - {0, 1, 2, 3, len(pieces) - 1}) + [len(pieces) - 1]

    out.mkdir(parents=True, exist_ok=True)
    spec["model"]["vocab"] = [vocab[i] for i in old_ids]
    (out / "tokenizer.json").write_text(json.dumps(spec, ensure_ascii=False, indent=2), encoding="utf-8")
    config = json.loads((src / "config.json").read_text())
    config["vocab_size"] = len(old_ids)
    (out / "config.json").write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")
    state = load_file(str(src / "model.safetensors"))
    key = "embeddings.word_embeddings.weight"
    state[key] = state[key][torch.tensor(old_ids)].contiguous()
    save_file(state, str(out / "model.safetensors"), metadata={"format": "pt"})

    check = verify(src, out, old_ids, texts[:5000] if latin_from_texts else texts)
    summary = {
        "source": {f: sha256(src / f) for f in ("config.json", "model.safetensors", "tokenizer.json")},
        "vocab": len(old_ids), "vocab_before": len(pieces),
        "kept_from_texts_only": len(from_texts - by_scripts),
        "model_safetensors_bytes": (out / "model.safetensors").stat().st_size, **check,
        "outputs": {f: sha256(out / f) for f in ("config.json", "model.safetensors", "tokenizer.json")},
        "old_ids": old_ids,  # new id i was old id old_ids[i]
    }
    (out / "prune.json").write_text(json.dumps(summary) + "\n")
    return summary


def reachable_chars(normalizer) -> set[str]:
    """Every character a text written in SCRIPTS can hold once normalised. The normaliser moves some
    out of SCRIPTS (U+1F21D squared CJK -> 後, U+2137 ℷ -> Hebrew ג, ﰲ -> في) and removes others
    (NBSP, presentation forms, ZWJ), so the ranges are mapped rather than used as they are."""
    chars = {"▁"}  # the normaliser rewrites U+2581 to a space, the pre-tokenizer puts it back
    for lo, hi in SCRIPTS:
        for cp in range(lo, hi + 1):
            chars.update(normalizer.normalize_str(chr(cp)))
    return chars


def fixed_strings() -> list[str]:
    from e5_verify import STRINGS

    return list(STRINGS)


def verify(full_dir: Path, pruned_dir: Path, old_ids: list[int], texts: list[str]) -> dict:
    """Same pieces (and ids mapping back to the old ones) and same hidden states on `texts`."""
    import torch
    from tokenizers import Tokenizer
    from transformers import BertModel

    full, pruned = (Tokenizer.from_file(str(d / "tokenizer.json")) for d in (full_dir, pruned_dir))
    same_pieces = 0
    for t in texts:
        a, b = full.encode(t), pruned.encode(t)
        ok = a.tokens == b.tokens and a.ids == [old_ids[i] for i in b.ids]
        same_pieces += ok
        if not ok:
            print(f"PIECES DIFFER {t!r}\n  full   {a.tokens} {a.ids}\n  pruned {b.tokens} {b.ids}")
    models = [BertModel.from_pretrained(str(d), add_pooling_layer=False).eval() for d in (full_dir, pruned_dir)]
    diff = 0.0
    with torch.inference_mode():
        for t in texts:
            h = [m(input_ids=torch.tensor([tok.encode("passage: " + t).ids])).last_hidden_state
                 for m, tok in zip(models, (full, pruned))]
            diff = max(diff, float((h[0] - h[1]).abs().max()))
    print(f"pieces equal on {same_pieces}/{len(texts)} texts; max |hidden state difference| {diff:.2e}")
    if same_pieces != len(texts) or diff > 1e-5:
        raise SystemExit("pruned model differs from the full one")
    return {"checked_texts": len(texts), "max_abs_hidden_diff": diff}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("src", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--texts", type=Path, help="one text per line (default: the fixed strings of e5_verify.py)")
    ap.add_argument("--latin-from-texts", action="store_true",
                    help="keep Latin-script pieces only where the texts use them (or one character long)")
    args = ap.parse_args()
    texts = args.texts.read_text(encoding="utf-8").splitlines() if args.texts else fixed_strings()
    s = prune(args.src, args.out, texts, args.latin_from_texts)
    print(f"vocab {s['vocab_before']} -> {s['vocab']} ({s['kept_from_texts_only']} only because of the texts); "
          f"model.safetensors {s['model_safetensors_bytes'] / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
