"""Turn text into model features with the model's own tokenizer.json.

The tokenizer file of all-MiniLM-L6-v2 pads every input to 128 tokens, which
makes a 20-token post cost seven times more (measured: 14 ms instead of 2 ms),
so padding is switched off and batches are padded to their longest member here.
Truncation is also off: a text longer than the window is split into windows on
purpose (see ``windows``), never silently cut.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import numpy as np
from tokenizers import Encoding, Tokenizer

from .modelinfo import ModelError


class TextEncoder:
    def __init__(self, path: Path, max_length: int, pad_id: int = 0):
        try:
            self._tokenizer = Tokenizer.from_file(str(path))
        except Exception as exc:  # the Rust side raises plain Exception for a broken file
            raise ModelError(f"{path}: cannot load tokenizer: {exc}") from None
        self._tokenizer.no_padding()
        self._tokenizer.no_truncation()
        self.max_length = max_length
        self.pad_id = pad_id
        # room for the two special tokens the post-processor adds ([CLS]/[SEP], or <s>/</s>)
        self._content_tokens = max_length - 2

    def encode(self, texts: Sequence[str]) -> list[Encoding]:
        texts = [_encodable(t) for t in texts]
        return self._tokenizer.encode_batch(texts) if len(texts) > 1 else [self._tokenizer.encode(texts[0])]

    def windows(self, text: str, start: int, end: int) -> list[tuple[int, int]]:
        """Split text[start:end] into spans that each fit the model window, overlapping by a quarter.

        Offsets come from the tokenizer, so a window never cuts a token in half.
        """
        if end - start <= self._content_tokens:
            return [(start, end)]  # a WordPiece token spans at least one code point
        encoding = self._tokenizer.encode(_encodable(text[start:end]), add_special_tokens=False)
        offsets = encoding.offsets
        if len(offsets) <= self._content_tokens:
            return [(start, end)]
        size = self._content_tokens
        step = max(1, size - size // 4)
        spans = []
        for first in range(0, len(offsets), step):
            last = min(first + size, len(offsets)) - 1
            spans.append((start + offsets[first][0], start + offsets[last][1]))
            if last == len(offsets) - 1:
                break
        return spans

    def features(self, encodings: Sequence[Encoding]) -> dict[str, np.ndarray]:
        """int64 arrays padded to the longest encoding (the model's pad id, mask 0). The session feeds
        the ones its graph declares (e5 has no token_type_ids input)."""
        length = max(len(e.ids) for e in encodings)
        shape = (len(encodings), length)
        input_ids = np.full(shape, self.pad_id, dtype=np.int64)
        attention_mask = np.zeros(shape, dtype=np.int64)
        token_type_ids = np.zeros(shape, dtype=np.int64)
        for row, encoding in enumerate(encodings):
            n = len(encoding.ids)
            input_ids[row, :n] = encoding.ids
            attention_mask[row, :n] = encoding.attention_mask
            token_type_ids[row, :n] = encoding.type_ids
        return {"input_ids": input_ids, "attention_mask": attention_mask, "token_type_ids": token_type_ids}


def _encodable(text: str) -> str:
    """Lone surrogates (from JSON escapes or undecodable bytes) become '?', one for one,
    so offsets still match the original text; the Rust tokenizer refuses them otherwise."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "replace").decode("utf-8")
