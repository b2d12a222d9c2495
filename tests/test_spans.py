"""A finding's spans cover the sentences that carry its category, not the harmless ones beside them
(issue 22, point 7): explain.build_evidence narrows a flagged chunk of several sentences."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conduct_guard.engine.explain import build_evidence
from conduct_guard.recognisers import Match
from conduct_guard.engine.scoring import Classifier, TextScores
from conduct_guard.engine.segment import split_chunks

LABELS = ("political_opinion", "privacy")
THRESHOLDS = {"political_opinion": 0.7, "privacy": 0.5}
# "Thanks to everyone who came!" has five words: under segment.MIN_WORDS, it joins the next sentence.
MIXED = "Thanks to everyone who came! Vote for our party in the coming election, the only party that can save this country!"
HARMLESS = "Thanks to everyone who came!"


def one_chunk_scores(text: str, row) -> TextScores:
    chunks = tuple(split_chunks(text))
    assert len(chunks) == 1, chunks
    scores = np.array([row], np.float32)
    return TextScores(LABELS, scores[0], chunks, scores)


class SentenceStub:
    """Scores each sentence by a table, and remembers what it was asked."""

    def __init__(self, table):
        self.table = table
        self.asked: list[list[str]] = []

    def __call__(self, texts):
        self.asked.append(list(texts))
        return np.array([self.table[t] for t in texts], np.float32)


def test_a_flagged_chunk_is_narrowed_to_the_sentence_that_carries_the_category():
    vote = MIXED[len(HARMLESS) + 1:]
    stub = SentenceStub({HARMLESS: [0.05, 0.01], vote: [0.95, 0.01]})
    evidence = build_evidence(one_chunk_scores(MIXED, [0.96, 0.01]), [], THRESHOLDS, MIXED, stub)
    assert evidence["political_opinion"].spans == ((len(HARMLESS) + 1, len(MIXED)),)
    assert stub.asked == [[HARMLESS, vote]], "each sentence of the flagged chunk, in one call"


def test_when_no_sentence_carries_it_alone_the_span_stays_the_chunk():
    # a violation that needs both sentences (a hint plus its timing): neither passes alone
    text = "Big news coming soon, friends. Watch the cabinet meeting on Thursday evening."
    first, second = text.split(". ")
    stub = SentenceStub({first + ".": [0.4, 0.0], second: [0.5, 0.0]})
    evidence = build_evidence(one_chunk_scores(text, [0.9, 0.0]), [], THRESHOLDS, text, stub)
    assert evidence["political_opinion"].spans == ((0, len(text)),)


def test_nothing_flagged_scores_no_sentence_and_recogniser_spans_stay_exact():
    text = "Thanks to everyone who came! Call Ayesha on 0300 1234567 for the photos."
    stub = SentenceStub({})
    phone = text.index("0300")
    match = Match("phone", "privacy", phone, phone + len("0300 1234567"), 0.9)
    evidence = build_evidence(one_chunk_scores(text, [0.1, 0.2]), [match], THRESHOLDS, text, stub)
    assert stub.asked == [], "no chunk reached a threshold: no sentence is scored"
    assert evidence["privacy"].spans == ((match.start, match.end),)
    assert evidence["political_opinion"].spans == ()


def test_a_one_sentence_chunk_needs_no_sentence_pass():
    text = "Vote for our party in the coming election, the only party that can save this country!"
    stub = SentenceStub({})
    evidence = build_evidence(one_chunk_scores(text, [0.96, 0.0]), [], THRESHOLDS, text, stub)
    assert stub.asked == []
    assert evidence["political_opinion"].spans == ((0, len(text)),)


@pytest.fixture(scope="module")
def real_checker(real_classifier):
    from conduct_guard.service.app import create_app

    return create_app({"CG_SCORER": real_classifier}).extensions["conduct_guard"]


@pytest.mark.parametrize("violation", [
    "Vote for our party in the coming election, the only party that can save this country!",
    "The ruling party is a band of thieves and you must vote them out next election.",
])
def test_real_model_highlights_the_partisan_sentence_and_not_the_thanks(real_checker, violation):
    text = f"{HARMLESS} {violation}"
    result = real_checker.check(text)
    political = [f for f in result["findings"] if f["category"] == "political_opinion"]
    assert political, (result["scores"], result["findings"])
    for finding in political:
        assert finding["spans"], finding
        for start, end in finding["spans"]:
            assert start >= len(HARMLESS), f"{text[start:end]!r} covers the harmless sentence"
        assert any(text[s:e] == violation for s, e in finding["spans"]), finding["spans"]
    # the same with a fresh cache: a result is a function of its request alone (CONTRACT)
    fresh = dataclasses.replace(real_checker, scorer=Classifier(real_checker.scorer.info))
    assert fresh.check(text)["findings"] == result["findings"]
