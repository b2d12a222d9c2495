"""Shared fixtures: an isolated environment, a small fake classifier, and the real model."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "backend"))  # a checkout works without installing

from conduct_guard.categories import CATEGORIES  # noqa: E402
from conduct_guard.engine.scoring import TextScores  # noqa: E402
from conduct_guard.engine.segment import split_chunks  # noqa: E402

# Words that make the fake classifier score a chunk high for a category.
FAKE_KEYWORDS = {
    "official_information": ["draft summary", "leak", "before notification"],
    "political_opinion": ["vote for", "party rally"],
    "criticism_of_government": ["useless policy", "incompetent ministry"],
    "misinformation": ["forwarded as received", "unconfirmed reports"],
    "hate_speech": ["those people are vermin"],
    "national_security": ["troop movement", "vip route"],
    "incitement_defamation": ["burn it down", "is a thief"],
    "privacy": ["patient name"],
    "self_promotion": ["join my academy"],
}


class FakeScorer:
    """Scores each chunk 0.9 for a category whose keyword it holds, else 0.02; counts calls."""

    labels = CATEGORIES
    info = None

    def __init__(self):
        self.calls = 0
        self.clients: list[str] = []  # the client each call was made for (api.client_key)

    def _chunk_scores(self, chunk_text: str) -> np.ndarray:
        lowered = chunk_text.lower()
        return np.array([0.9 if any(k in lowered for k in FAKE_KEYWORDS[c]) else 0.02 for c in CATEGORIES],
                        dtype=np.float32)

    def score_many(self, texts, client="local", screen=None):
        """Every chunk is scored, whatever the screen (the real Classifier's screen is tested
        through it, tests/test_screen.py)."""
        self.calls += 1
        self.clients.append(client)
        out = []
        for text in texts:
            chunks = split_chunks(text)
            rows = np.array([self._chunk_scores(c.text_of(text)) for c in chunks], dtype=np.float32)
            rows = rows.reshape(len(chunks), len(CATEGORIES))
            overall = rows.max(axis=0) if len(chunks) else np.zeros(len(CATEGORIES), np.float32)
            out.append(TextScores(CATEGORIES, overall, tuple(chunks), rows))
        return out

    def model_public(self):
        return {"name": "fake-keywords", "version": "test"}


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path, monkeypatch):
    """No test reads the developer's own settings or this machine's IT policy."""
    monkeypatch.setenv("CONDUCT_GUARD_CONFIG", str(tmp_path / "no-user-config.json"))
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(tmp_path / "no-machine-policy.json"))
    monkeypatch.setenv("CONDUCT_GUARD_STATS_DIR", str(tmp_path / "stats"))
    # this test's own service token (auth.py), never the developer's
    monkeypatch.setenv("CONDUCT_GUARD_TOKEN_FILE", str(tmp_path / "token"))
    for name in ("CONDUCT_GUARD_PACK", "CONDUCT_GUARD_ORG_TERMS", "CONDUCT_GUARD_ALLOWED_ORIGINS",
                 "CONDUCT_GUARD_ENFORCEMENT", "CONDUCT_GUARD_PACK_DIRS"):
        monkeypatch.delenv(name, raising=False)


def token_headers() -> dict:
    """The header with this test's token (what the tray, the CLI and the extension send to
    pause, post events and read counters)."""
    from conduct_guard.service.auth import TOKEN_HEADER, load_or_create_token

    return {TOKEN_HEADER: load_or_create_token()}


@pytest.fixture
def fake_scorer():
    return FakeScorer()


@pytest.fixture
def app(fake_scorer):
    from conduct_guard.service.app import create_app

    return create_app({"CG_SCORER": fake_scorer})


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def real_classifier():
    from conduct_guard.engine.scoring import Classifier

    return Classifier.from_model_dir()


WORD = re.compile(r"\w+")
