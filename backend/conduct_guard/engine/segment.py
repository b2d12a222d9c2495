"""Split a post into sentence-sized chunks with their code-point spans.

The classifier scores each chunk on its own: the chunk that scores high is the
span a finding points at, and while the officer types only the chunk that
changed is new work (the others come from the cache). Short sentences carry
little meaning alone ("Yes.", "Can't say more 😉") and every model run has a
fixed cost, so sentences are joined until a chunk has MIN_WORDS words. MIN_WORDS
was chosen on the validation split (thresholds recalibrated for each): 3 words
gave benign FP 3.9% / violation recall 81.7% / macro-F1 0.834, 6 words 3.9% /
84.5% / 0.843, 8 words 4.3% / 82.9% / 0.829, 12 words 4.5% / 80.5% / 0.834.
Longer chunks are cheaper (64-token posts of 8-14-word sentences: 5.0 chunks and
6.7 ms at 3 words, 2.1 chunks and 4.9 ms at 12) but were less accurate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Sentence ends: Latin, the danda of Hindi, Bangla and Gujarati (।, ॥), the Urdu full stop (۔), the
# Arabic question mark (؟), ellipsis; or a line break (posts often use lines instead of full stops).
# A run of end marks is matched whole and then checked for the whitespace after it: a lookahead
# inside the pattern made the regex retry every suffix of a long run (20,000 dots took 5 s).
_END_RUN = re.compile(r"[.!?।॥۔؟…]+[\"'”’)\]]*|\n+")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof sr jr st no nos vs etc eg ie govt dept engr lt col gen capt maj hon rs "
    "approx f.no fno ref sec art para cf fig ltd pvt co inc jan feb mar apr jun jul aug sep sept "
    "oct nov dec".split()
)
_WORD = re.compile(r"\w+", re.UNICODE)
MIN_WORDS = 6


def merge_spans(spans) -> list[tuple[int, int]]:
    """Sorted [start, end) spans with overlapping or touching ones joined (the one span merger:
    evidence and findings both use it)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def clip_spans(spans, n: int) -> list[list[int]]:
    """Spans as a result gives them: clipped into a text of ``n`` code points, malformed and
    empty ones dropped, sorted and merged, as ``[start, end]`` lists (findings and moderation
    marks both use it)."""
    out: list[tuple[int, int]] = []
    for span in spans or ():
        try:
            s, e = int(span[0]), int(span[1])
        except (TypeError, ValueError, IndexError):
            continue
        s, e = max(0, min(s, n)), max(0, min(e, n))
        if e > s:
            out.append((s, e))
    return [[s, e] for s, e in merge_spans(out)]


@dataclass(frozen=True)
class Chunk:
    start: int
    end: int

    def text_of(self, text: str) -> str:
        return text[self.start:self.end]


def _is_abbreviation(text: str, dot_index: int) -> bool:
    """True when the full stop at dot_index ends an abbreviation or a number like 'F.No.' or '3.'."""
    if text[dot_index] != ".":
        return False
    head = text[max(0, dot_index - 12):dot_index]
    match = re.search(r"([\w.]+)$", head)
    if not match:
        return False
    word = match.group(1).lower()
    if word in _ABBREVIATIONS or word.replace(".", "") in _ABBREVIATIONS:
        return True
    # single initials ("A. Khan") and enumerations ("1.") are not sentence ends
    return len(word) == 1 or word.isdigit() and len(word) <= 2


def split_sentences(text: str) -> list[Chunk]:
    """Sentence spans, trimmed of surrounding whitespace; empty text gives no chunks."""
    pieces: list[Chunk] = []
    start = 0
    for match in _END_RUN.finditer(text):
        if match.group(0)[0] != "\n":
            if match.end() >= len(text) or not text[match.end()].isspace():
                continue
            if _is_abbreviation(text, match.start()):
                continue
        pieces.append(Chunk(start, match.end()))
        start = match.end()
    pieces.append(Chunk(start, len(text)))
    trimmed = []
    for piece in pieces:
        segment = text[piece.start:piece.end]
        stripped_left = len(segment) - len(segment.lstrip())
        stripped_right = len(segment.rstrip())
        if stripped_right > stripped_left:
            trimmed.append(Chunk(piece.start + stripped_left, piece.start + stripped_right))
    return trimmed


def _word_count(text: str, chunk: Chunk) -> int:
    return len(_WORD.findall(text, chunk.start, chunk.end))


def split_chunks(text: str, min_words: int = MIN_WORDS) -> list[Chunk]:
    """Sentences joined until each chunk has min_words words; a short tail joins the last chunk.
    Words are counted once per sentence (recounting the growing chunk was quadratic in the text)."""
    chunks: list[Chunk] = []
    pending: Chunk | None = None
    words = 0
    for sentence in split_sentences(text):
        pending = sentence if pending is None else Chunk(pending.start, sentence.end)
        words += _word_count(text, sentence)
        if words >= min_words:
            chunks.append(pending)
            pending = None
            words = 0
    if pending is not None:
        if chunks:
            chunks[-1] = Chunk(chunks[-1].start, pending.end)
        else:
            chunks.append(pending)
    return chunks
