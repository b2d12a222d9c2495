"""Evidence per category: how strongly, and which parts of the text caused it.

The model gives a score per chunk; the recognisers give exact matches. A
category's evidence is the higher of the two, and its spans are the sentences
that carry the category plus the recogniser matches, so a finding points at the
sentence or the number that caused it and not at the harmless sentence beside it.

A chunk is several sentences when short ones joined a neighbour (segment.MIN_WORDS),
so "Thanks to everyone who came! Vote for X, the only honest party." is one chunk.
Each sentence of a chunk that reaches a threshold is therefore scored on its own
(the same scorer, so cached and a pure function of its text) and the span is the
sentences whose own score reaches the category's threshold; when none does, the
violation needs the sentences together and the span stays the chunk. When only
the post read as a whole reaches the threshold, the span is its highest-scoring
chunk, narrowed the same way.

Cost, measured on the 2-core development machine beside a training job: a post
with nothing flagged scores no sentence (scripts/bench.py's posts: no more model
passes, but for 9.28 instead of 9.25 a post among its 128-token ones; /v1/check p50
for its 280-character post 14.7 ms, budget 25). A flagged chunk costs one pass per sentence the cache does not hold yet: 4.9 ms
p50 for a 22-character sentence, 7.5 ms for a 79-character one; a 307-character
post ending "Such a lovely evening! <partisan sentence>" took 6 passes instead of 4,
+12 ms p50 (paired, fresh cache). While typing, unchanged sentences come from the cache.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

import numpy as np

from ..recognisers import Match
from .scoring import TextScores
from .segment import Chunk, merge_spans, split_sentences

# Sentences scored on their own per text (issue 24, point 1): 20,000 characters of distinct short
# violating sentences once took 636 sentence passes after scoring. Narrowing stops when the next
# flagged chunk's sentences would pass the budget; later flagged chunks keep whole-chunk spans.
# A post with three flagged paragraphs of ten sentences stays within it.
MAX_SENTENCE_PASSES = 32

# Scores texts each on its own: [len(texts), labels], in the order of TextScores.labels.
SentenceScorer = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True)
class Evidence:
    category: str
    score: float
    spans: tuple[tuple[int, int], ...]
    recognisers: tuple[str, ...]


def _flagged_chunks(scores: TextScores, index: int, threshold: float) -> list[int]:
    """The chunks that reach the threshold; when only the whole post does, its strongest chunk."""
    hits = [i for i, row in enumerate(scores.chunk_scores) if row[index] >= threshold]
    if not hits and float(scores.overall[index]) >= threshold and len(scores.chunks):
        hits = [int(np.argmax(scores.chunk_scores[:, index]))]
    return hits


def build_evidence(scores: TextScores, matches: Sequence[Match], thresholds: Mapping[str, float],
                   text: str | None = None, score_sentences: SentenceScorer | None = None,
                   ) -> dict[str, Evidence]:
    """Evidence for all categories (the policy decides which ones become findings).

    With ``text`` and ``score_sentences`` the spans of a chunk of several sentences are narrowed
    to the sentences that carry the category (see above); without them they are whole chunks."""
    limits = [thresholds.get(category, 0.5) for category in scores.labels]
    flagged = {category: _flagged_chunks(scores, i, limits[i]) for i, category in enumerate(scores.labels)}
    sentences = _sentence_scores(scores, flagged, text, score_sentences)
    evidence = {}
    for index, category in enumerate(scores.labels):
        spans: list[tuple[int, int]] = []
        for c in flagged[category]:
            chunk = scores.chunks[c]
            inside = sentences.get(c, ())
            carrying = [(s.start, s.end) for s, row in inside if row[index] >= limits[index]]
            spans.extend(carrying or [(chunk.start, chunk.end)])
        own = [m for m in matches if m.category == category]
        spans.extend((m.start, m.end) for m in own)
        score = max([float(scores.overall[index]), *(m.confidence for m in own)])
        evidence[category] = Evidence(
            category=category,
            score=min(1.0, max(0.0, score)),
            spans=tuple(merge_spans(spans)),
            recognisers=tuple(sorted({m.kind for m in own})),
        )
    return evidence


def _sentence_scores(scores: TextScores, flagged: Mapping[str, list[int]], text: str | None,
                     score_sentences: SentenceScorer | None) -> dict[int, list[tuple[Chunk, np.ndarray]]]:
    """Each sentence of every flagged chunk of two or more sentences, with its own scores, by
    chunk index. One call to the scorer for all of them; nothing when no chunk is flagged."""
    if text is None or score_sentences is None:
        return {}
    wanted = sorted({c for hits in flagged.values() for c in hits})
    if not wanted:
        return {}
    all_sentences = split_sentences(text)
    starts = [s.start for s in all_sentences]  # sorted: a chunk's sentences are found by bisection
    inside: dict[int, list[Chunk]] = {}
    budget = MAX_SENTENCE_PASSES
    for c in wanted:
        chunk = scores.chunks[c]
        parts = [s for s in all_sentences[bisect_left(starts, chunk.start):bisect_right(starts, chunk.end)]
                 if s.end <= chunk.end]
        if len(parts) > budget:
            break
        if len(parts) >= 2:
            inside[c] = parts
            budget -= len(parts)
    pieces = [s for parts in inside.values() for s in parts]
    if not pieces:
        return {}
    rows = np.asarray(score_sentences([s.text_of(text) for s in pieces]))
    out: dict[int, list[tuple[Chunk, np.ndarray]]] = {}
    at = 0
    for c, parts in inside.items():
        out[c] = list(zip(parts, rows[at:at + len(parts)]))
        at += len(parts)
    return out
