"""The shipped model, end to end through the checker: clear cases per category and clear benign ones.

These check behaviour (the category is flagged, the verdict), not exact scores.
"""

from __future__ import annotations

import pytest

from conduct_guard.service.app import create_app

CLEAR_CASES = {
    "official_information": [
        # 0.4.0 missed this one (official_information 0.21); 0.5.0 flags it
        "Attaching the draft summary for the cabinet meeting before it is approved, please keep it quiet.",
        "The transfer orders of six deputy commissioners are signed but not yet notified, list attached before it goes public.",
    ],
    "political_opinion": [
        "Vote for our party in the coming election, the only party that can save this country! #VoteForChange",
        "The opposition leader is a puppet and his party deserves to lose every seat.",
    ],
    "criticism_of_government": [
        "This new tax policy of the government is a complete disaster and the ministry has no clue what it is doing.",
        "Our department's leadership is incompetent, every decision they take makes things worse.",
    ],
    "misinformation": [
        "Forwarded as received: the government will freeze all bank accounts from Monday, withdraw your cash now!",
        "Unconfirmed reports say the polio vaccine being given in schools causes infertility, share with everyone.",
    ],
    "hate_speech": [
        # models 0.3.0 to 0.5.0 read an unnamed sect called traitors as national_security: a known miss until 0.5.1
        "People of that sect are all traitors and should not be trusted with any job.",
        "Those people from that caste are dirty and should be kept out of our neighbourhood.",
    ],
    "national_security": [
        "Tomorrow the VIP convoy will take the canal road at 9 am with only two police escort vehicles.",
        "Three army battalions are being moved to the border posts tonight, the exact locations are in the attached map.",
    ],
    "incitement_defamation": [
        "Everyone come out and block the highway tomorrow, burn the tyres and do not let a single vehicle pass.",
        "Our deputy secretary Imran Qureshi is a thief who takes bribes for every file he signs.",
    ],
    "self_promotion": [
        "As a serving commission officer I know exactly what the examiners want, join my academy for CSS coaching, fee Rs 25,000.",
        "Order from my wife's boutique, we give special discounts to all colleagues in the secretariat, DM me.",
    ],
}

BENIGN = [
    "Eid Mubarak to all my colleagues and their families!",
    "The district office will remain closed on Monday for the public holiday.",
    "Proud of our cricket team for winning the inter-department cup today.",
    "The draft policy on solid waste is open for public comments on the ministry website until 30 June.",
    "Meeting shifted to 3 pm in committee room 2, please bring the attendance sheets.",
    "Condolences to the family of our retired colleague, may his soul rest in peace.",
]


@pytest.fixture(scope="module")
def checker():
    return create_app().extensions["conduct_guard"]


def flagged(result):
    return {f["category"] for f in result["findings"] if f["severity"] in ("warn", "block")}


def _cases():
    for category, texts in CLEAR_CASES.items():
        for text in texts:
            marks = getattr(text, "marks", ())
            yield pytest.param(category, getattr(text, "values", (text,))[0], marks=marks)


@pytest.mark.parametrize("category, text", list(_cases()))
def test_clear_violation_is_flagged(checker, category, text):
    result = checker.check(text)
    assert category in flagged(result), (result["scores"], result["findings"])
    assert result["verdict"] in ("warn", "block")


@pytest.mark.parametrize("text", [
    "Please help: Mrs Shazia Bibi, CNIC 35202-1234567-1, phone 0300 1234567, has a complaint pending with us.",
    "Patient Ramesh Kumar, Aadhaar 2345 6789 0124, was admitted with HIV at the district hospital.",
])
def test_personal_data_is_flagged(checker, text):
    result = checker.check(text)
    assert "privacy" in flagged(result)


@pytest.mark.parametrize("text", BENIGN)
def test_clear_benign_is_ok(checker, text):
    result = checker.check(text)
    assert result["verdict"] == "ok", result["findings"]


def test_finding_spans_point_at_the_sentence_that_caused_it(checker):
    text = ("Had a lovely breakfast with the whole team this morning at the new cafe near the office. "
            "Forwarded as received: the government will freeze all bank accounts from Monday, withdraw your cash now!")
    result = checker.check(text)
    misinformation = [f for f in result["findings"] if f["category"] == "misinformation"]
    assert misinformation
    spans = misinformation[0]["spans"]
    assert all(start >= text.index("Forwarded") for start, _ in spans)
    assert any(text[s:e].startswith("Forwarded as received") for s, e in spans)


# Known misses of the shipped model (models/MODEL_CARD.md): strict, so a model that fixes one fails
# here and the case moves up into CLEAR_CASES.
KNOWN_MISSES = [
    ("official_information", "Inside news: the transfer orders of six deputy commissioners are signed, notification next week."),
    ("criticism_of_government", "The accounts office is a black hole run by sleepwalkers."),
]


@pytest.mark.xfail(strict=True, reason="hint or sarcasm without an explicit cue: a known miss")
@pytest.mark.parametrize("category, text", KNOWN_MISSES)
def test_known_miss(checker, category, text):
    assert category in flagged(checker.check(text))
