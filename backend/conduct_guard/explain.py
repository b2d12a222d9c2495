"""Evidence per category: how strongly, and which parts of the text caused it.

The model gives a score per chunk; the recognisers give exact matches. A
category's evidence is the higher of the two, and its spans are the chunks that
reach the category's threshold plus the recogniser matches, so a finding always
points at the sentence or the number that caused it. When only the post read as
a whole reaches the threshold, the span is its highest-scoring sentence.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from .recognisers import Match
from .scoring import TextScores
from .segment import merge_spans


@dataclass(frozen=True)
class Evidence:
    category: str
    score: float
    spans: tuple[tuple[int, int], ...]
    recognisers: tuple[str, ...]


def build_evidence(scores: TextScores, matches: Sequence[Match],
                   thresholds: Mapping[str, float]) -> dict[str, Evidence]:
    """Evidence for all categories (the policy decides which ones become findings)."""
    evidence = {}
    for index, category in enumerate(scores.labels):
        model_score = float(scores.overall[index])
        threshold = thresholds.get(category, 0.5)
        spans = [(c.start, c.end) for c, row in zip(scores.chunks, scores.chunk_scores)
                 if row[index] >= threshold]
        if not spans and model_score >= threshold and len(scores.chunks):
            # only the whole post reached the threshold: point at the sentence that weighs most
            best = int(np.argmax(scores.chunk_scores[:, index]))
            spans = [(scores.chunks[best].start, scores.chunks[best].end)]
        own = [m for m in matches if m.category == category]
        spans.extend((m.start, m.end) for m in own)
        score = max([model_score, *(m.confidence for m in own)])
        evidence[category] = Evidence(
            category=category,
            score=min(1.0, max(0.0, score)),
            spans=tuple(merge_spans(spans)),
            recognisers=tuple(sorted({m.kind for m in own})),
        )
    return evidence
