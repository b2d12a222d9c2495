"""Issue 24, point 1: no request can make the service do unbounded work or hold it from others.
Through the real model and the real Checker; model passes are counted at the session."""

from __future__ import annotations

import random
import threading
import time

import pytest

from conduct_guard.engine import explain, scoring
from conduct_guard.service.app import build_checker

WORDS = ["vote", "party", "corrupt", "minister", "leak", "transfer", "kill", "idiots", "Muslims", "rumour",
         "police", "useless"]


def distinct_one_word_sentences(n=20_000):
    return " ".join(f"w{i}." for i in range(n // 5))[:n]


def distinct_violating_sentences(n=20_000):
    rng = random.Random(1)
    return " ".join(f"{rng.choice(WORDS)} {rng.choice(WORDS)} {rng.choice(WORDS)} n{i}." for i in range(n // 28))[:n]


@pytest.fixture
def counted():
    """A real checker whose model passes are counted."""
    checker = build_checker({"CG_WARM_UP": False, "CG_CACHE_BYTES": 0})
    classifier = checker.scorer
    runs = {"n": 0}
    run = classifier._session.run

    def counting(feeds):
        runs["n"] += 1
        return run(feeds)

    classifier._session.run = counting
    return checker, classifier, runs


@pytest.mark.parametrize("make", [distinct_one_word_sentences, distinct_violating_sentences])
def test_a_long_pathological_post_costs_a_bounded_number_of_passes(counted, make):
    """These once took 619 and 756 passes; now the post is read in model windows, and at most
    MAX_SENTENCE_PASSES sentences are narrowed on their own."""
    checker, classifier, runs = counted
    text = make()
    windows = len(classifier._encoder.windows(text, 0, len(text)))
    result = checker.check(text)
    assert result["verdict"] in ("ok", "warn", "block")
    assert runs["n"] <= max(scoring.MAX_PASSES_PER_TEXT, windows) + explain.MAX_SENTENCE_PASSES
    assert windows < 200  # every character read: about tokens / 94 windows


def test_an_ordinary_post_is_scored_by_sentence_and_as_a_whole(counted):
    """Under the budget nothing changes: each chunk, then the whole post."""
    checker, classifier, runs = counted
    text = ("The meeting is at 3 pm in the committee room today. Vote for the only honest party in this "
            "election, friends. Please bring the files.")
    scores = classifier.score(text)
    assert len(scores.chunks) >= 2 and scores.whole is not None
    assert runs["n"] == len(scores.chunks) + 1


def test_a_flagged_post_still_points_at_its_sentence_when_long(counted):
    """Past the budget the post is read in windows; a finding still has spans inside the text."""
    checker, _, _ = counted
    text = distinct_violating_sentences()
    for finding in checker.check(text)["findings"]:
        assert all(0 <= s < e <= len(text) for s, e in finding["spans"])


def test_heavy_posts_run_one_at_a_time_and_an_ordinary_check_is_answered_meanwhile(counted):
    """Two 20,000-character posts once pushed a normal check past 8 s. Heavy ones now take turns
    and leave a core: the ordinary check finishes while they are still being read."""
    checker, _, _ = counted
    done = []

    def heavy(i):
        checker.check(distinct_one_word_sentences() + f" tail {i}")
        done.append(i)

    threads = [threading.Thread(target=heavy, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    time.sleep(0.2)
    result = checker.check("Eid Mubarak to everyone in the office!")
    finished_before = len(done)
    for t in threads:
        t.join()
    assert result["verdict"] == "ok"
    assert finished_before == 0
