"""A client learns nothing of another client's checks through the cache (issue 24, point 4).

With one shared cache, a sentence another client had checked came back without a model pass, so
elapsed_ms and wall time told whether someone had typed it. The cache is partitioned per client:
these tests check the behaviour (cache statistics and model passes), not timings.
"""

from __future__ import annotations

import json

import pytest

from conduct_guard.engine.scoring import CACHE_CLIENTS, Classifier

TEXT = ("The transfer list of the district officers will be notified on Monday morning. "
        "Please keep it within this group until the order is signed by the secretary.")
MOZ_ORIGIN = "moz-extension://0f1e2d3c-aaaa-bbbb-cccc-123456789abc"


@pytest.fixture
def classifier():
    return Classifier.from_model_dir(cache_bytes=1024 * 1024)


def count_runs(classifier, monkeypatch) -> list:
    runs = []
    original = classifier._session.run
    monkeypatch.setattr(classifier._session, "run", lambda features: runs.append(1) or original(features))
    return runs


def test_another_clients_check_is_not_reused(classifier, monkeypatch):
    runs = count_runs(classifier, monkeypatch)
    a_first = classifier.score(TEXT, client="A")
    uncached_runs = len(runs)
    assert uncached_runs >= 3, "two sentences and the post as a whole"

    runs.clear()
    b = classifier.score(TEXT, client="B")
    assert len(runs) == uncached_runs, "B pays the same model passes as for a text nobody checked"
    stats = classifier.cache_stats("B")
    assert stats.hits == 0 and stats.misses == uncached_runs
    assert (b.overall == a_first.overall).all(), "the partition changes where a result is kept, never the result"

    runs.clear()
    classifier.score(TEXT, client="A")
    assert runs == [] and classifier.cache_stats("A").hits == uncached_runs, "A still reuses its own checks"


def test_a_client_cannot_evict_another_clients_entries(monkeypatch):
    classifier = Classifier.from_model_dir(cache_bytes=CACHE_CLIENTS * 8 * 1024)
    runs = count_runs(classifier, monkeypatch)
    classifier.score(TEXT, client="A")
    for i in range(200):  # ~70 KiB of pieces: more than B's 8 KiB partition, and than the 32 KiB in all
        classifier.score(f"Flood number {i} of the probing client, with enough words to be one chunk.", client="B")
    assert classifier.cache_stats("B").bytes <= 8 * 1024
    runs.clear()
    classifier.score(TEXT, client="A")
    assert runs == [], "B's checks did not push A's entries out (which would tell B that A had checked something)"


def test_partitions_are_capped_and_the_oldest_client_goes(classifier):
    for i in range(CACHE_CLIENTS + 1):
        classifier.score("Eid Mubarak to all my colleagues and their families!", client=f"c{i}")
    assert classifier.cache_stats("c0").entries == 0
    assert all(classifier.cache_stats(f"c{i}").entries == 1 for i in range(1, CACHE_CLIENTS + 1))


def test_http_clients_do_not_share_cache_entries(classifier, monkeypatch):
    """Over HTTP: the extension (an Origin) checks a post; a no-Origin caller then checks the same
    post and pays every model pass, as for a post nobody checked; its statistics show no hit."""
    from conduct_guard.service.api import client_key
    from conduct_guard.service.app import create_app

    app = create_app({"CG_SCORER": classifier, "CG_ALLOWED_ORIGINS": [MOZ_ORIGIN]})
    http = app.test_client()
    runs = count_runs(classifier, monkeypatch)

    def check(**headers):
        response = http.post("/v1/check", data=json.dumps({"text": TEXT}), content_type="application/json",
                             headers=headers)
        assert response.status_code == 200
        return response.get_json()

    a = check(Origin=MOZ_ORIGIN)
    uncached_runs = len(runs)
    runs.clear()
    b = check()
    assert len(runs) == uncached_runs
    with app.test_request_context(headers={"Origin": MOZ_ORIGIN}) as a_context:
        a_key = client_key(a_context.request)
    with app.test_request_context() as b_context:
        b_key = client_key(b_context.request)
    assert a_key != b_key
    assert classifier.cache_stats(b_key).hits == 0 and classifier.cache_stats(a_key).misses == uncached_runs
    assert a["scores"] == b["scores"] and a["findings"] == b["findings"]

    runs.clear()
    check(Origin=MOZ_ORIGIN)
    assert runs == [] and classifier.cache_stats(a_key).hits == uncached_runs


def test_the_api_names_the_client_by_origin(app, fake_scorer):
    http = app.test_client()
    moz = MOZ_ORIGIN
    for headers in ({}, {"Origin": moz}, {}, {"Origin": moz}):
        response = http.post("/v1/check", data=json.dumps({"text": "hello"}), content_type="application/json",
                             headers=headers)
        assert response.status_code == 200
    first, second, third, fourth = fake_scorer.clients
    assert first == third and second == fourth and first != second
    assert moz in second, "an Origin is its own client"
