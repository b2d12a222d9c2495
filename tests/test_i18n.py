"""Findings in the officer's language (issue 23): the packs' translations, the loader's checks of
them, `lang` through apply_pack, /v1/check and the CLI, and the glossary against the packs."""

from __future__ import annotations

import copy
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conduct_guard.categories import CATEGORIES
from conduct_guard.cli.commands import main
from conduct_guard.rules.i18n import BASE_LANG, LANGS, RULE_FIELDS
from conduct_guard.rules.pack import BUILTIN_DIR, Pack, PackError, load_pack, load_packs
from conduct_guard.rules.policy import CheckContext, apply_pack

ROOT = Path(__file__).resolve().parents[1]
GLOSSARY = ROOT / "docs" / "GLOSSARY.md"

# Issue 23: each pack in its country's languages.
EXPECTED_LANGUAGES = {
    "pk-federal": {"en", "ur"},
    "pk-aiou": {"en", "ur"},
    "in-ais": {"en", "hi"},
    "in-gujarat-revenue": {"en", "gu", "hi"},
    "bd-public-servants": {"en", "bn"},
}
# Unicode blocks of each language's script.
SCRIPTS = {
    "ur": [(0x0600, 0x06FF), (0x0750, 0x077F), (0xFB50, 0xFDFF), (0xFE70, 0xFEFF)],
    "hi": [(0x0900, 0x097F)],
    "bn": [(0x0980, 0x09FF)],
    "gu": [(0x0A80, 0x0AFF)],
}
# A pack that has the language, and one that lacks it (falls back to English).
HAS_LANG = {"en": "pk-federal", "ur": "pk-federal", "hi": "in-ais", "bn": "bd-public-servants", "gu": "in-gujarat-revenue"}
LACKS_LANG = {"ur": "in-ais", "hi": "pk-federal", "bn": "pk-federal", "gu": "bd-public-servants"}


@dataclass(frozen=True)
class Ev:
    category: str
    score: float
    spans: tuple[tuple[int, int], ...] = ((0, 5),)
    recognisers: tuple[str, ...] = ()


ALL_HIGH = {c: Ev(c, 0.95) for c in CATEGORIES}


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    return load_packs()


def raw(pack_id: str) -> dict[str, Any]:
    return json.loads((BUILTIN_DIR / f"{pack_id}.json").read_text(encoding="utf-8"))


def write(tmp_path: Path, data: dict, name: str) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def all_rules(pack: Pack):
    return [*pack.rules, *pack.context_rules]


def rule_name(rule) -> str:
    return getattr(rule, "category", None) or rule.id


def in_script(text: str, lang: str) -> float:
    """The share of the text's letters (and vowel signs) that are in ``lang``'s script."""
    letters = [ch for ch in text if unicodedata.category(ch)[0] in "LM"]
    if not letters:
        return 0.0
    ok = sum(any(lo <= ord(ch) <= hi for lo, hi in SCRIPTS[lang]) for ch in letters)
    return ok / len(letters)


def digits(text: str) -> str:
    """Native digits (২০১৬, ૧૨૦, ۱۸) as ASCII, so numbers compare across scripts."""
    return "".join(str(unicodedata.digit(ch)) if ch.isdigit() else ch for ch in text)


# ----------------------------------------------------------------------------- the packs' texts


def test_each_pack_carries_its_countrys_languages(packs):
    for pack_id, expected in EXPECTED_LANGUAGES.items():
        assert set(packs[pack_id].languages) == expected, pack_id
        assert packs[pack_id].languages[0] == BASE_LANG


@pytest.mark.parametrize("pack_id", sorted(EXPECTED_LANGUAGES))
def test_every_text_is_in_each_declared_language(packs, pack_id):
    """Each rule's title, message, quote, instead and note (where the English has one), and the
    pack's title and unofficial-translation note, in every language the pack declares: written in
    that language's script, not an English copy, with the English text's numbers (rule, para,
    date) kept."""
    pack = packs[pack_id]
    for lang in pack.languages:
        if lang == BASE_LANG:
            continue
        for key in ("title", "quote_note"):
            value = pack.i18n[lang][key]
            assert in_script(value, lang) > 0.75, (pack_id, lang, key, value)
        for rule in all_rules(pack):
            for field in RULE_FIELDS:
                english = getattr(rule, field)
                if not english:
                    assert field not in rule.i18n.get(lang, {}), (pack_id, rule_name(rule), lang, field)
                    continue
                value = rule.i18n[lang][field]
                where = (pack_id, rule_name(rule), lang, field)
                assert value.strip() and value != english, where
                assert in_script(value, lang) > 0.75, (*where, value)
                for number in re.findall(r"\d+", english):
                    assert re.search(rf"(?<!\d){number}(?!\d)", digits(value)), (*where, number, value)
                if field == "quote":  # parts joined by … in English are joined so in translation
                    assert english.count("…") == value.count("…"), (*where, value)


def test_translated_quotes_are_marked_unofficial_in_the_pack(packs):
    for pack in packs.values():
        for lang in pack.languages:
            if lang != BASE_LANG:
                assert pack.i18n[lang]["quote_note"], (pack.id, lang)


# ----------------------------------------------------------------------------- the loader


def _drop(data: dict, dotted: str) -> None:
    *parents, last = dotted.split(".")
    node: Any = data
    for part in parents:
        node = node[int(part)] if isinstance(node, list) else node[part]
    del node[last]


@pytest.mark.parametrize("missing, needle", [
    ("categories.privacy.i18n.ur.message", "categories.privacy.i18n.ur.message: missing: the pack declares 'ur'"),
    ("categories.privacy.i18n.ur.note", "categories.privacy.i18n.ur.note: missing"),
    ("categories.hate_speech.i18n.ur.quote", "categories.hate_speech.i18n.ur.quote: missing"),
    ("categories.misinformation.i18n.ur.instead", "categories.misinformation.i18n.ur.instead: missing"),
    ("categories.self_promotion.i18n.ur.title", "categories.self_promotion.i18n.ur.title: missing"),
    ("categories.official_information.i18n", "categories.official_information.i18n.ur: missing"),
    ("context_rules.1.i18n.ur.message", "context_rules.1.i18n.ur.message: missing"),
    ("i18n.ur.quote_note", "i18n.ur.quote_note: 'quote_note' is a required property"),
    ("i18n", "i18n.ur: missing"),
])
def test_loader_rejects_a_missing_translation_naming_file_and_key(tmp_path, missing, needle):
    data = raw("pk-federal")
    _drop(data, missing)
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data, "pk-federal.json"))
    assert f"pk-federal.json: {needle}" in str(info.value), str(info.value)


def test_loader_rejects_a_set_severity_rule_missing_its_quote_translation(tmp_path):
    data = raw("bd-public-servants")
    del data["context_rules"][0]["i18n"]["bn"]["quote"]
    with pytest.raises(PackError, match=r"bd-public-servants\.json: context_rules\.0\.i18n\.bn\.quote: missing"):
        load_pack(write(tmp_path, data, "bd-public-servants.json"))


def test_declaring_a_language_needs_all_its_texts(tmp_path):
    data = raw("pk-federal")
    data["languages"].append("hi")
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data, "pk-federal.json"))
    problems = info.value.problems
    assert problems[0].startswith("pk-federal.json: i18n.hi: missing: the pack declares 'hi' in 'languages'")
    for cat in CATEGORIES:
        assert any(p.startswith(f"pk-federal.json: categories.{cat}.i18n.hi: missing") for p in problems), cat
    assert info.value.file == "pk-federal.json"


@pytest.mark.parametrize("change, needle", [
    (lambda d: d["categories"]["privacy"]["i18n"].update(hi={"message": "x"}),
     "categories.privacy.i18n.hi: 'hi' is not one of the pack's languages"),
    (lambda d: d["categories"]["political_opinion"]["i18n"]["ur"].update(note="ایک نوٹ"),
     "categories.political_opinion.i18n.ur.note: there is no English 'note' here to translate"),
    (lambda d: d["categories"]["privacy"]["i18n"].update(en={"message": "x"}),
     "categories.privacy.i18n: 'en' is not one of"),
    (lambda d: d["categories"]["privacy"]["i18n"].update(fr={"message": "x"}),
     "categories.privacy.i18n: 'fr' is not one of"),
    (lambda d: d["categories"]["privacy"]["i18n"]["ur"].update(message=""),
     "categories.privacy.i18n.ur.message: '' should be non-empty"),
    (lambda d: d["categories"]["privacy"]["i18n"]["ur"].update(mesage="x"),
     "categories.privacy.i18n.ur.mesage: Additional properties are not allowed"),
    (lambda d: d.update(languages=["ur"]), "languages: ['ur'] does not contain items matching"),
    (lambda d: d.update(languages=["en", "ur", "ur"]), "languages: ['en', 'ur', 'ur'] has non-unique elements"),
    (lambda d: d.update(languages=["en", "ur", "fr"]), "languages.2: 'fr' is not one of"),
])
def test_loader_rejects_bad_translations(tmp_path, change, needle):
    data = raw("pk-federal")
    change(data)
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data, "ours.json"))
    assert f"ours.json: {needle}" in str(info.value), str(info.value)


def test_a_set_severity_rule_takes_no_translated_title_or_message(tmp_path):
    data = raw("in-ais")
    data["context_rules"][0]["i18n"]["hi"]["message"] = "संदेश"
    with pytest.raises(PackError, match=r"context_rules\.0\.i18n\.hi\.message: there is no English 'message'"):
        load_pack(write(tmp_path, data, "in-ais.json"))


def test_an_english_only_pack_still_loads_and_answers_in_english(tmp_path):
    """IT's own packs need no translations: without `languages` a pack is English only."""
    data = raw("pk-federal")
    del data["languages"], data["i18n"]
    for rule in [*data["categories"].values(), *data["context_rules"]]:
        rule.pop("i18n", None)
    pack = load_pack(write(tmp_path, data, "ours.json"))
    assert pack.languages == ("en",) and pack.to_dict()["languages"] == ["en"]
    english = apply_pack(pack, "hello", ALL_HIGH, CheckContext())
    assert apply_pack(pack, "hello", ALL_HIGH, CheckContext(), lang="ur") == english
    assert all("lang" not in f["rule"] for f in english)


# ----------------------------------------------------------------------------- apply_pack


@pytest.mark.parametrize("pack_id", sorted(EXPECTED_LANGUAGES))
def test_apply_pack_answers_in_each_language_of_the_pack(packs, pack_id):
    pack = packs[pack_id]
    for account, site in [("personal", None), ("official", "web.whatsapp.com")]:
        text = "my family vacation selfie, hello"  # triggers the personal-content tips on official accounts
        context = CheckContext(account, site)
        english = apply_pack(pack, text, ALL_HIGH, context)
        for lang in pack.languages:
            findings = apply_pack(pack, text, ALL_HIGH, context, lang=lang)
            # only the texts change with lang: the same findings, severities, scores and spans
            strip = [(f["category"], f["severity"], f["score"], f["spans"], f["rule"]["ref"]) for f in findings]
            assert strip == [(f["category"], f["severity"], f["score"], f["spans"], f["rule"]["ref"]) for f in english]
            if lang == BASE_LANG:
                assert findings == english
                continue
            for f in findings:
                rule = _rule_of(pack, f)
                texts = rule.i18n[lang]
                assert f["message"] == texts["message"]
                assert f["rule"]["title"] == texts["title"]
                assert f["rule"]["quote"] == texts["quote"]
                assert f["rule"]["instead"] == texts["instead"]
                assert f["rule"].get("note") == texts.get("note")
                assert f["rule"]["lang"] == lang
                assert f["rule"]["quote_original"] == rule.quote
                assert f["rule"]["quote_note"] == pack.i18n[lang]["quote_note"]
                # the document, the ref and the file name stay as they are
                assert f["rule"]["source_title"] == pack.rule_source(rule)["source_title"]


def _rule_of(pack: Pack, finding: dict):
    for cr in pack.context_rules:
        if cr.effect == "finding" and cr.ref == finding["rule"]["ref"] and cr.message and any(
                finding["message"] == cr.text("message", lang) for lang in pack.languages):
            return cr
    return pack.rule(finding["category"])


@pytest.mark.parametrize("lang", ["ur", "hi", "bn", "gu"])
def test_a_language_the_pack_lacks_falls_back_to_english(packs, lang):
    pack = packs[LACKS_LANG[lang]]
    assert lang not in pack.languages
    assert apply_pack(pack, "hi", ALL_HIGH, CheckContext(), lang=lang) == apply_pack(pack, "hi", ALL_HIGH, CheckContext())


def test_a_context_tip_without_its_own_instead_borrows_its_categorys_in_the_same_language(tmp_path):
    data = raw("pk-federal")
    tip = data["context_rules"][0]
    del tip["instead"], tip["i18n"]["ur"]["instead"]
    pack = load_pack(write(tmp_path, data, "pk-federal.json"))
    findings = apply_pack(pack, "hello", {"political_opinion": Ev("political_opinion", 0.95)}, CheckContext(), lang="ur")
    tips = [f for f in findings if f["rule"]["ref"] == tip["ref"]]
    assert tips and tips[0]["rule"]["instead"] == data["categories"]["political_opinion"]["i18n"]["ur"]["instead"]


def test_a_gujarati_or_hindi_disclaimer_counts_as_one(packs):
    """The translated tip tells the officer to write "views are my own" in their language; once
    they have, the tip goes."""
    pack = packs["in-gujarat-revenue"]
    ev = {"political_opinion": Ev("political_opinion", 0.95)}
    tip = "Add a 'views are my own' disclaimer"

    def titles(text):
        return [f["rule"]["title"] for f in apply_pack(pack, text, ev, CheckContext("personal"))]

    assert tip in titles("આ સરકાર ખોટી દિશામાં છે")
    assert tip not in titles("આ સરકાર ખોટી દિશામાં છે. મંતવ્યો મારાં પોતાનાં છે, સરકારનાં નહીં.")
    assert tip not in titles("यह सरकार गलत दिशा में है। विचार मेरे अपने हैं।")


def test_packs_to_dict_exposes_languages_and_texts(packs):
    for pack in packs.values():
        d = pack.to_dict()
        assert d["languages"] == list(pack.languages)
        assert set(d["i18n"]) == set(pack.languages) - {BASE_LANG}
        for lang in set(pack.languages) - {BASE_LANG}:
            for cat, entry in d["categories"].items():
                assert entry["i18n"][lang]["message"] == pack.rule(cat).i18n[lang]["message"]
            for entry in d["context_rules"]:
                assert entry["i18n"][lang]["quote"]
        json.dumps(d, ensure_ascii=False)


# ----------------------------------------------------------------------------- HTTP and CLI


def post(client, body):
    return client.post("/v1/check", data=json.dumps(body), content_type="application/json")


TEXT = "Sharing the draft summary before notification"  # official_information in every pack (fake scorer)


@pytest.mark.parametrize("lang", LANGS)
def test_check_answers_in_the_requested_language_where_the_pack_has_it(client, packs, lang):
    pack = packs[HAS_LANG[lang]]
    result = post(client, {"text": TEXT, "pack": pack.id, "lang": lang}).get_json()
    finding = next(f for f in result["findings"] if f["category"] == "official_information")
    rule = pack.rule("official_information")
    assert finding["message"] == rule.text("message", lang)
    assert finding["rule"]["title"] == rule.text("title", lang)
    assert finding["rule"]["quote"] == rule.text("quote", lang)
    assert finding["rule"]["instead"] == rule.text("instead", lang)
    if lang == BASE_LANG:
        assert finding["message"] == rule.message and "lang" not in finding["rule"]
    else:
        assert finding["message"] == rule.i18n[lang]["message"] != rule.message
        assert finding["rule"]["lang"] == lang and finding["rule"]["quote_original"] == rule.quote
    # the contract's four rule keys are there as ever
    assert {"pack", "ref", "title", "source"} <= set(finding["rule"])
    assert finding["rule"]["ref"] == rule.ref and finding["rule"]["source"] == rule.source


@pytest.mark.parametrize("lang", ["ur", "hi", "bn", "gu"])
def test_check_falls_back_to_english_where_the_pack_lacks_the_language(client, packs, lang):
    pack_id = LACKS_LANG[lang]
    asked = post(client, {"text": TEXT, "pack": pack_id, "lang": lang}).get_json()
    english = post(client, {"text": TEXT, "pack": pack_id}).get_json()
    assert asked["findings"] == english["findings"]
    rule = packs[pack_id].rule("official_information")
    finding = next(f for f in asked["findings"] if f["category"] == "official_information")
    assert finding["message"] == rule.message and finding["rule"]["title"] == rule.title
    assert "lang" not in finding["rule"]


def test_lang_changes_only_the_texts_of_a_result(client):
    """CONTRACT: a result is a function of its request; lang picks the texts, nothing else."""
    body = {"text": TEXT + ". Vote for the party rally, forwarded as received.", "pack": "in-gujarat-revenue",
            "account": "official", "site": "web.whatsapp.com"}
    results = {lang: post(client, {**body, "lang": lang}).get_json() for lang in LANGS}
    shape = {lang: (r["verdict"], r["scores"], [(f["category"], f["severity"], f["score"], f["spans"]) for f in r["findings"]])
             for lang, r in results.items()}
    assert len({json.dumps(s) for s in shape.values()}) == 1
    assert results["gu"]["findings"][0]["message"] != results["hi"]["findings"][0]["message"]
    assert results["ur"]["findings"] == results["en"]["findings"]  # the pack has no Urdu
    again = post(client, {**body, "lang": "gu"}).get_json()
    assert again["findings"] == results["gu"]["findings"]


def test_unknown_lang_is_still_a_400(client):
    response = post(client, {"text": "hi", "lang": "pa"})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "unknown_lang"


def test_packs_endpoint_lists_languages(client):
    body = client.get("/v1/packs").get_json()
    by_id = {p["id"]: p for p in body["packs"]}
    for pack_id, expected in EXPECTED_LANGUAGES.items():
        assert set(by_id[pack_id]["languages"]) == expected
        other = (expected - {"en"}).pop()
        assert by_id[pack_id]["categories"]["privacy"]["i18n"][other]["message"]
        assert by_id[pack_id]["i18n"][other]["quote_note"]


CNIC_TEXT = "Complaint from 35202-1234567-1 received"  # privacy through the CNIC recogniser, any model


def test_cli_lang_gives_the_translated_message(packs):
    runner = CliRunner()
    result = runner.invoke(main, ["check", "--lang", "ur", CNIC_TEXT], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    privacy = next(f for f in body["findings"] if f["category"] == "privacy")
    assert privacy["message"] == packs["pk-federal"].rule("privacy").i18n["ur"]["message"]
    assert privacy["rule"]["lang"] == "ur"
    # and a `lang` field in --jsonl lines, beside English and a fallback
    lines = [{"id": 1, "text": CNIC_TEXT, "lang": "ur"}, {"id": 2, "text": CNIC_TEXT},
             {"id": 3, "text": CNIC_TEXT, "lang": "bn", "pack": "bd-public-servants"},
             {"id": 4, "text": CNIC_TEXT, "lang": "gu"}]
    result = runner.invoke(main, ["check", "--jsonl", "-"], input="".join(json.dumps(x) + "\n" for x in lines),
                           catch_exceptions=False)
    out = [json.loads(line) for line in result.output.splitlines()]
    messages = [next(f["message"] for f in o["findings"] if f["category"] == "privacy") for o in out]
    fed = packs["pk-federal"].rule("privacy")
    assert messages == [fed.i18n["ur"]["message"], fed.message,
                        packs["bd-public-servants"].rule("privacy").i18n["bn"]["message"], fed.message]


def test_cli_packs_json_lists_languages():
    result = CliRunner().invoke(main, ["packs", "--json"], catch_exceptions=False)
    by_id = {p["id"]: p for p in json.loads(result.output)["packs"]}
    assert by_id["in-gujarat-revenue"]["languages"] == ["en", "hi", "gu"]


# ----------------------------------------------------------------------------- the glossary


def _table(section: str) -> list[list[str]]:
    """The rows of the markdown table under ``## section`` in docs/GLOSSARY.md (header and rule
    lines left out), each as its stripped cells."""
    text = GLOSSARY.read_text(encoding="utf-8")
    body = text.split(f"## {section}\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in body.splitlines() if line.startswith("|")]
    return [[c.strip() for c in row.strip("|").split("|")] for row in rows[2:]]


def _texts(pack: Pack, lang: str, rules=None) -> str:
    rules = all_rules(pack) if rules is None else rules
    parts = [*pack.i18n[lang].values()]
    for rule in rules:
        parts.extend(rule.i18n.get(lang, {}).values())
    return "\n".join(parts)


def _terms() -> dict[str, dict[str, str]]:
    """key -> {lang: the form the packs use (a cell's first form)}, plus 'checked'."""
    out = {}
    for key, en, ur, hi, bn, gu, checked in _table("Terms"):
        forms = {lang: cell.split(" / ")[0].strip() for lang, cell in zip(("en", "ur", "hi", "bn", "gu"), (en, ur, hi, bn, gu))}
        out[key.strip("`")] = {**forms, "checked": checked.strip("`")}
    return out


def test_glossary_has_every_term_the_issue_names_in_every_language():
    terms = _terms()
    for key in ("official_information", "conduct_rules", "political_opinion", "criticism_of_government",
                "misinformation", "hate_speech", "national_security", "incitement", "defamation", "privacy",
                "self_promotion", "post_anyway", "warn", "block", "the_rule", "instead"):
        assert key in terms, key
        for lang in LANGS:
            assert terms[key][lang], (key, lang)
            if lang != "en":
                assert in_script(terms[key][lang], lang) > 0.75, (key, lang, terms[key][lang])


@pytest.mark.parametrize("pack_id", sorted(EXPECTED_LANGUAGES))
def test_packs_use_the_glossary_terms(packs, pack_id):
    """Drift test: each checked glossary term occurs in its category's texts (or every tip, or the
    unofficial-translation note) of every pack in that language."""
    pack = packs[pack_id]
    checked = {k: v for k, v in _terms().items() if v["checked"]}
    assert {"official_information", "political_opinion", "unverified", "personal_data"} <= set(checked)
    for lang in pack.languages:
        if lang == BASE_LANG:
            continue
        for key, term in checked.items():
            word, where = term[lang], term["checked"]
            if where == "tip":
                for rule in all_rules(pack):
                    if rule.message and rule.message.startswith(term["en"]):
                        assert rule.i18n[lang]["message"].startswith(word), (pack_id, lang, rule_name(rule))
                    elif rule.message:
                        assert not rule.i18n[lang]["message"].startswith(word), (pack_id, lang, rule_name(rule))
            elif where == "quote_note":
                assert word in pack.i18n[lang]["quote_note"], (pack_id, lang, key)
            else:
                assert where in CATEGORIES, key
                texts = _texts(pack, lang, [pack.rule(where)])
                assert word in texts, (pack_id, lang, key, word)


def test_packs_name_their_documents_as_the_glossary_does(packs):
    rows = _table("Document names")
    assert {r[0].strip("`") for r in rows} == set(EXPECTED_LANGUAGES)
    for pack_id, lang, name in rows:
        pack = packs[pack_id.strip("`")]
        assert lang in pack.languages, (pack_id, lang)
        assert name in _texts(pack, lang), (pack_id, lang, name)


def test_packs_avoid_the_glossarys_rejected_synonyms(packs):
    rows = _table("Words to avoid")
    assert {r[0] for r in rows} == set(LANGS) - {"en"}
    for lang, avoid, use in rows:
        for pack in packs.values():
            if lang in pack.languages:
                assert avoid not in _texts(pack, lang), (pack.id, lang, avoid, f"use {use}")
