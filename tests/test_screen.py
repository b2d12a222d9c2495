"""The screen (scoring.SCREEN_FRACTION, issue 24 point 11), through the real Classifier and Checker
with the shipped model: a post of several chunks whose whole-post scores are all far below what
could raise a finding is scored as a whole only; anything near a threshold is scored as before."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from conduct_guard.checker import screen_for
from conduct_guard.engine.scoring import SCREEN_FRACTION, Classifier
from conduct_guard.rules.pack import ContextRule, load_packs
from conduct_guard.service.app import create_app

BENIGN = ("The district office will stay open on Saturday for the flood relief registration drive. "
          "Colleagues are requested to submit the attendance sheets before the review meeting. "
          "Wishing everyone a peaceful weekend with their families.")
PARTISAN = ("Thanks to everyone who came to the school function today! "
            "Vote for the People's Party in the election, the only honest party in this country.")


@pytest.fixture
def fresh_classifier(real_classifier):
    """The shipped model with an empty cache of its own, whose model passes are counted."""
    clf = Classifier(real_classifier.info, cache_bytes=0)
    clf.passes = 0
    run = clf._session.run

    def counted(features):
        clf.passes += 1
        return run(features)

    clf._session.run = counted
    return clf


def screen_of(clf: Classifier) -> np.ndarray:
    return np.array([SCREEN_FRACTION * clf.info.thresholds[c] for c in clf.labels], dtype=np.float32)


def test_a_clearly_benign_post_is_read_whole_only(fresh_classifier):
    clf = fresh_classifier
    full = clf.score(BENIGN)
    assert len(full.chunks) >= 2 and full.whole is not None
    full_passes = clf.passes

    clf.passes = 0
    screened = clf.score_many([BENIGN], screen=screen_of(clf))[0]
    assert (screened.whole < screen_of(clf)).all()
    assert screened.chunks == () and screened.chunk_scores.shape == (0, len(clf.labels))
    np.testing.assert_array_equal(screened.overall, screened.whole)
    np.testing.assert_array_equal(screened.whole, full.whole)
    assert clf.passes == full_passes - len(full.chunks)


def test_a_post_near_a_threshold_is_scored_as_without_the_screen(fresh_classifier):
    clf = fresh_classifier
    full = clf.score(PARTISAN)
    assert len(full.chunks) >= 2
    assert (full.whole >= screen_of(clf)).any()
    screened = clf.score_many([PARTISAN], screen=screen_of(clf))[0]
    assert screened.chunks == full.chunks
    np.testing.assert_array_equal(screened.chunk_scores, full.chunk_scores)
    np.testing.assert_array_equal(screened.overall, full.overall)


def test_a_single_chunk_post_is_never_screened(fresh_classifier):
    clf = fresh_classifier
    text = "Wishing everyone a peaceful weekend."
    screened = clf.score_many([text], screen=np.ones(len(clf.labels), np.float32))[0]
    assert len(screened.chunks) == 1 and clf.passes == 1


def test_the_checker_screens_at_a_fraction_of_its_thresholds(real_classifier):
    checker = create_app({"CG_SCORER": real_classifier, "CG_WARM_UP": False}).extensions["conduct_guard"]
    benign = checker.check(BENIGN)
    whole = real_classifier.score(BENIGN).whole
    assert benign["verdict"] == "ok"
    assert benign["scores"] == {c: round(float(s), 4) for c, s in zip(real_classifier.labels, whole)}

    flagged = checker.check(PARTISAN)
    full = real_classifier.score(PARTISAN)
    assert "political_opinion" in {f["category"] for f in flagged["findings"]}
    assert flagged["scores"] == {c: round(float(s), 4) for c, s in zip(real_classifier.labels, full.overall)}


def test_a_context_rule_with_its_own_min_score_lowers_the_screen(real_classifier):
    pack = load_packs()["pk-federal"]
    thresholds = dict(real_classifier.info.thresholds)
    rule = ContextRule(id="low-political", effect="finding", ref="test", source="test", quote="test",
                       categories_any=("political_opinion",), min_score=0.05)
    lowered = dataclasses.replace(pack, context_rules=(*pack.context_rules, rule))
    screen = dict(zip(real_classifier.labels, screen_for(lowered, thresholds, real_classifier.labels)))
    assert screen["political_opinion"] == pytest.approx(SCREEN_FRACTION * 0.05)
    assert screen["hate_speech"] == pytest.approx(SCREEN_FRACTION * thresholds["hate_speech"])
