"""Policy packs: loading and validation, findings, context rules, verdict, enforcement."""

from __future__ import annotations

import copy
import html
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from conduct_guard.categories import CATEGORIES
from conduct_guard.rules.pack import BUILTIN_DIR, DEFAULT_PACK, Pack, PackError, load_pack, load_packs
from conduct_guard.rules.policy import CheckContext, EvidenceLike, apply_pack, enforce, verdict_of

SEEDS = Path(__file__).parents[1].parent / "shared" / "seeds"
BUILTIN_IDS = {"pk-federal", "pk-aiou", "bd-public-servants", "in-ais", "in-gujarat-revenue"}


@dataclass(frozen=True)
class Ev:
    """Stand-in for explain.Evidence (policy only needs these attributes)."""

    category: str
    score: float
    spans: tuple[tuple[int, int], ...] = ()
    recognisers: tuple[str, ...] = ()


def ev(**scores: float) -> dict[str, Ev]:
    return {c: Ev(c, s, ((0, 5),)) for c, s in scores.items()}


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    return load_packs()


def raw(pack_id: str) -> dict[str, Any]:
    return json.loads((BUILTIN_DIR / f"{pack_id}.json").read_text(encoding="utf-8"))


def write(tmp_path: Path, data: Any, name: str = "mine.json") -> Path:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------- built-in packs


def test_builtin_packs_load(packs):
    assert BUILTIN_IDS <= set(packs)
    assert DEFAULT_PACK in packs
    for pack in packs.values():
        assert pack.builtin


@pytest.mark.parametrize("pack_id", sorted(BUILTIN_IDS))
def test_pack_covers_all_nine_categories(packs, pack_id):
    pack = packs[pack_id]
    assert tuple(r.category for r in pack.rules) == CATEGORIES
    for rule in pack.rules:
        assert rule.ref.strip() and rule.title.strip() and rule.quote.strip() and rule.message.strip()
        assert rule.severity in ("info", "warn", "block")
        assert rule.source in {s.file for s in pack.sources}
    d = pack.to_dict()
    assert set(d["categories"]) == set(CATEGORIES)
    json.dumps(d)  # JSON-ready


@pytest.mark.parametrize("pack_id", sorted(BUILTIN_IDS))
def test_pack_cites_existing_seed_files(packs, pack_id):
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds not present beside the repository")
    pack = packs[pack_id]
    cited = {s.file for s in pack.sources} | {r.source for r in pack.rules} | {c.source for c in pack.context_rules}
    for name in cited:
        assert (SEEDS / name).is_file(), name
        readme = (SEEDS / "README.md").read_text(encoding="utf-8")
        assert name in readme


def _seed_words(name: str) -> str:
    """A seed's text as lower-case words only (punctuation, quotes, HTML and the OCR noise that
    seeds/README.md names are not part of a rule's meaning)."""
    text = (SEEDS / name).read_text(encoding="utf-8")
    if text.lstrip().startswith("{"):  # 004: a JSON article with an HTML body
        data = json.loads(text)
        text = html.unescape(data["title"]["rendered"] + " " + re.sub(r"<[^>]+>", " ", data["content"]["rendered"]))
    return _words(text)


_OCR_NOISE = {"t6": "to", "dis'ciplinary": "disciplinary", "gllovernmcnt": "government", "kihdly": "kindly"}


def _words(text: str) -> str:
    text = text.lower().replace("\u2019", "'").replace("\u2018", "'")
    for noise, meant in _OCR_NOISE.items():
        text = text.replace(noise, meant)
    return " ".join(re.findall(r"[a-z0-9]+", text))


@pytest.mark.parametrize("pack_id", sorted(BUILTIN_IDS))
def test_every_quote_is_the_seeds_own_words(packs, pack_id):
    """A rule's ``quote`` is words of its source document: each part between '…' occurs in the seed
    (punctuation aside), so the card never shows a paraphrase as the rule's words."""
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds not present beside the repository")
    pack = packs[pack_id]
    for rule in [*pack.rules, *pack.context_rules]:
        seed = f" {_seed_words(rule.source)} "
        for part in re.split(r"\u2026|\.\.\.", rule.quote):
            if _words(part):
                assert f" {_words(part)} " in seed, (pack_id, rule.ref, part)
        assert len(rule.quote) <= 400, (pack_id, rule.ref, "quote too long for the card")


@pytest.mark.parametrize("pack_id", sorted(BUILTIN_IDS))
def test_every_category_has_quote_instead_and_a_dated_titled_document(packs, pack_id):
    pack = packs[pack_id]
    for rule in pack.rules:
        assert rule.quote.strip() and rule.instead.strip(), (pack_id, rule.category)
        src = pack.source_of(rule.source, rule.document)
        assert src is not None and src.file == rule.source, (pack_id, rule.category)
        assert src.title.strip() and src.title != src.file
        assert re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", src.date), (pack_id, src)
    for source in pack.sources:
        assert source.title.strip() and source.date, (pack_id, source)
        if SEEDS.is_dir():
            assert (SEEDS / source.file).is_file(), (pack_id, source.file)
    for cr in pack.context_rules:
        if cr.effect == "finding":
            assert cr.instead, (pack_id, cr.id)
    d = pack.to_dict()
    for cat, entry in d["categories"].items():
        assert entry["quote"] and entry["instead"] and entry["source_title"] and entry["source_date"], (pack_id, cat)
    for entry in d["context_rules"]:
        assert entry["quote"] and entry["source_title"] and entry["source_date"], (pack_id, entry["id"])
    assert all(set(s) == {"id", "file", "title", "date"} for s in d["sources"])


def test_pakistan_packs_cite_the_om_and_the_1964_rules_not_the_aiou_circular(packs):
    fed = packs["pk-federal"]
    for rule in fed.rules:
        src = fed.source_of(rule.source, rule.document)
        assert "AIOU" not in src.title and "Allama Iqbal" not in src.title, rule.category
    om = fed.source_of(fed.rule("official_information").source)
    assert "Establishment Division" in om.title and om.date == "2021-08-25"
    rules64 = fed.source_of(fed.rule("self_promotion").source)
    assert "Conduct) Rules, 1964" in rules64.title and rules64.date == "1964"
    aiou = packs["pk-aiou"]
    circular = aiou.source_of(aiou.rule("criticism_of_government").source, aiou.rule("criticism_of_government").document)
    assert "Allama Iqbal Open University" in circular.title and circular.date == "2023-09-18"
    om = aiou.source_of(aiou.rule("political_opinion").source, aiou.rule("political_opinion").document)
    assert "Establishment Division" in om.title and om.date == "2021-08-25"


@pytest.mark.parametrize("path,value,needle", [
    ("categories.privacy.instead", "__delete__", "'instead' is a required property"),
    ("categories.privacy.instead", "", "should be non-empty"),
    ("sources.0.date", "__delete__", "'date' is a required property"),
    ("sources.0.date", "25 Aug 2021", "does not match"),
    ("sources.0.title", "__delete__", "'title' is a required property"),
])
def test_schema_requires_instead_and_source_date(tmp_path, path, value, needle):
    data = raw("pk-federal")
    _set(data, path, _DELETE if value == "__delete__" else value)
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data, "pk-federal.json"))
    assert f"pk-federal.json: {path}: " in str(info.value) and needle in str(info.value), str(info.value)


def test_a_file_with_two_documents_needs_ids_and_rules_name_theirs(tmp_path):
    data = raw("pk-aiou")
    del data["categories"]["privacy"]["document"]
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data))
    assert "mine.json: categories.privacy.document: " in str(info.value) and "several documents" in str(info.value)
    data = raw("pk-aiou")
    data["categories"]["privacy"]["document"] = "nope"
    with pytest.raises(PackError, match=r"categories\.privacy\.document: 'nope' is not the id"):
        load_pack(write(tmp_path, data))
    data = raw("pk-aiou")
    for s in data["sources"]:
        s.pop("id", None)
    with pytest.raises(PackError, match=r"sources\.1\.file: .* is listed twice"):
        load_pack(write(tmp_path, data))


def test_rule_numbers_are_those_the_seeds_state(packs):
    """No invented rule numbers: every 'Rule N' in a ref appears in a source of that pack."""
    if not SEEDS.is_dir():
        pytest.skip("shared/seeds not present beside the repository")
    for pack in packs.values():
        corpus = " ".join((SEEDS / s.file).read_text(encoding="utf-8") for s in pack.sources)
        refs = [r.ref for r in pack.rules] + [c.ref for c in pack.context_rules]
        for ref in refs:
            for num in re.findall(r"Rules? ([\d\-A-Z, ]+)", ref):
                for part in re.split(r"[, ]+", num.strip()):
                    if part and part[0].isdigit():
                        assert re.search(rf"\b{re.escape(part)}\b", corpus), (pack.id, ref, part)


def test_expected_refs(packs):
    fed = packs["pk-federal"]
    assert "Rule 18" in fed.rule("official_information").ref
    assert "4(iii)" in fed.rule("political_opinion").ref
    assert "Rule 22" in fed.rule("criticism_of_government").ref
    assert "4(iv)" in fed.rule("misinformation").ref
    assert "4(v)" in fed.rule("hate_speech").ref
    assert "AIOU" in packs["pk-aiou"].rule("criticism_of_government").ref
    assert packs["in-gujarat-revenue"].rule("privacy").source.startswith("003_")
    assert packs["bd-public-servants"].rule("hate_speech").source.startswith("002_")
    assert packs["in-ais"].rule("criticism_of_government").source.startswith("004_")


def test_threshold_null_uses_model_threshold(packs):
    pack = packs["pk-federal"]
    assert pack.rule("privacy").threshold is None
    assert pack.threshold("privacy", {"privacy": 0.37}) == 0.37
    assert pack.threshold("privacy", {}) == 0.5
    assert pack.threshold("privacy", None) == 0.5
    with pytest.raises(KeyError):
        pack.threshold("nonsense", {})


def test_pack_threshold_number_overrides_model(tmp_path):
    data = raw("pk-federal")
    data["id"] = "strict"
    data["categories"]["misinformation"]["threshold"] = 0.2
    pack = load_pack(write(tmp_path, data))
    assert pack.threshold("misinformation", {"misinformation": 0.6}) == 0.2
    findings = apply_pack(pack, "hello", ev(misinformation=0.25), CheckContext("personal", None),
                          model_thresholds={"misinformation": 0.6})
    assert [f["category"] for f in findings] == ["misinformation"]


# ----------------------------------------------------------------------- invalid pack files


def _set(data: dict, path: str, value: Any) -> None:
    keys = path.split(".")
    node = data
    for k in keys[:-1]:
        node = node[int(k)] if isinstance(node, list) else node[k]
    last = keys[-1]
    if value is _DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


_DELETE = object()


@pytest.mark.parametrize("path,value,needle", [
    ("categories.privacy.severity", "sever", "'sever' is not one of ['info', 'warn', 'block']"),
    ("categories.privacy.threshold", 1.5, "1.5 is greater than the maximum of 1"),
    ("categories.privacy.threshold", "0.5", "is not of type"),
    ("categories.privacy.quote", "", "should be non-empty"),
    ("categories.privacy.quote", _DELETE, "'quote' is a required property"),
    ("categories.hate_speech", _DELETE, "'hate_speech' is a required property"),
    ("categories.privacy.color", "red", "Additional properties are not allowed"),
    ("id", "Bad Id!", "does not match"),
    ("default_account", "work", "is not one of ['personal', 'official']"),
    ("sources", [], "should be non-empty"),
    ("categories.privacy.source", "999_missing.txt", "is not one of the pack's sources"),
    ("context_rules.0.effect", "shout", "is not one of ['finding', 'set_severity']"),
    ("context_rules.0.when.account", "both", "is not one of ['personal', 'official']"),
    ("context_rules.0.when.categories_any.0", "politics", "'politics' is not one of"),
    ("context_rules.0.severity", "loud", "'loud' is not one of ['info', 'warn', 'block']"),
    ("context_rules.0.source", "nope.txt", "is not one of the pack's sources"),
])
def test_invalid_field_names_file_and_field(tmp_path, path, value, needle):
    data = raw("pk-federal")
    _set(data, path, value)
    file = write(tmp_path, data, "pk-federal.json")
    with pytest.raises(PackError) as info:
        load_pack(file)
    msg = str(info.value)
    assert msg.startswith("pk-federal.json: ")
    assert f"pk-federal.json: {path}: " in msg, msg
    assert needle in msg, msg
    assert info.value.file == "pk-federal.json"
    assert info.value.path == path


def test_severity_error_message_shape(tmp_path):
    data = raw("pk-federal")
    data["categories"]["privacy"]["severity"] = "sever"
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data, "pk-federal.json"))
    assert str(info.value) == "pk-federal.json: categories.privacy.severity: 'sever' is not one of ['info', 'warn', 'block']"


def test_several_errors_are_all_reported(tmp_path):
    data = raw("pk-federal")
    data["categories"]["privacy"]["severity"] = "x"
    data["categories"]["misinformation"]["threshold"] = -1
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data))
    assert len(info.value.problems) == 2
    assert any("categories.misinformation.threshold" in p for p in info.value.problems)


def test_finding_rule_needs_trigger(tmp_path):
    data = raw("pk-federal")
    data["context_rules"] = [{"id": "x", "effect": "finding", "when": {"account": "official"}, "ref": "r",
                              "title": "t", "source": data["sources"][0]["file"], "quote": "q", "message": "m"}]
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data))
    assert "mine.json: context_rules.0.when: " in str(info.value)


def test_set_severity_rule_needs_categories(tmp_path):
    data = raw("pk-federal")
    data["context_rules"] = [{"id": "x", "effect": "set_severity", "when": {"account": "official"}, "ref": "r",
                              "source": data["sources"][0]["file"], "quote": "q", "severity": "block"}]
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data))
    assert "mine.json: context_rules.0.categories: 'categories' is a required property" in str(info.value)


def test_duplicate_context_rule_ids(tmp_path):
    data = raw("in-gujarat-revenue")
    data["context_rules"][1]["id"] = data["context_rules"][0]["id"]
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, data))
    assert "mine.json: context_rules.1.id: duplicate" in str(info.value)


@pytest.mark.parametrize("content,needle", [
    ("{not json", "invalid JSON at line 1 column 2"),
    ("[]", "(top level): [] is not of type 'object'"),
    ("", "invalid JSON"),
])
def test_broken_files(tmp_path, content, needle):
    with pytest.raises(PackError) as info:
        load_pack(write(tmp_path, content, "broken.json"))
    assert str(info.value).startswith("broken.json: ")
    assert needle in str(info.value)


def test_non_utf8_file(tmp_path):
    path = tmp_path / "latin.json"
    path.write_bytes(b'{"id": "caf\xe9"}')
    with pytest.raises(PackError, match=r"^latin\.json: not UTF-8"):
        load_pack(path)


# ----------------------------------------------------------------------------- load_packs


def test_extra_dir_overrides_builtin(tmp_path):
    data = raw("pk-federal")
    data["title"] = "IT's stricter federal pack"
    data["categories"]["political_opinion"]["severity"] = "block"
    write(tmp_path, data, "our-federal.json")
    extra = copy.deepcopy(raw("in-ais"))
    extra["id"] = "it-custom"
    write(tmp_path, extra, "custom.json")
    packs = load_packs([tmp_path])
    assert packs["pk-federal"].title == "IT's stricter federal pack"
    assert not packs["pk-federal"].builtin
    assert packs["pk-federal"].rule("political_opinion").severity == "block"
    assert "it-custom" in packs and BUILTIN_IDS <= set(packs)


def test_duplicate_ids_in_one_dir(tmp_path):
    data = raw("in-ais")
    write(tmp_path, data, "a.json")
    write(tmp_path, data, "b.json")
    with pytest.raises(PackError) as info:
        load_packs([tmp_path])
    assert str(info.value).startswith("b.json: id: duplicate pack id 'in-ais'")
    assert "a.json" in str(info.value)


def test_bad_pack_in_extra_dir_names_it(tmp_path):
    data = raw("in-ais")
    data["categories"]["privacy"]["severity"] = "high"
    write(tmp_path, data, "it.json")
    with pytest.raises(PackError, match=r"^it\.json: categories\.privacy\.severity: "):
        load_packs([tmp_path])


def test_missing_extra_dir(tmp_path):
    with pytest.raises(PackError, match="does not exist"):
        load_packs([tmp_path / "nope"])


def test_schema_file_is_not_a_pack(packs):
    assert (BUILTIN_DIR / "pack.schema.json").is_file()
    assert all(p.file != "pack.schema.json" for p in packs.values())


# ------------------------------------------------------------------------------- apply_pack


def test_evidence_protocol():
    assert isinstance(Ev("privacy", 0.5), EvidenceLike)


def test_findings_shape_and_threshold(packs):
    pack = packs["pk-federal"]
    text = "Applicant CNIC 35202-1234567-1; I think party X is ruining us"
    evidence = {
        "privacy": Ev("privacy", 0.95, ((15, 30),), ("pk_cnic",)),
        "political_opinion": Ev("political_opinion", 0.49, ((32, 61),)),
        "official_information": Ev("official_information", 0.1),
    }
    findings = apply_pack(pack, text, evidence, CheckContext("personal", "x.com"))
    assert [f["category"] for f in findings] == ["privacy"]
    f = findings[0]
    assert set(f) == {"category", "score", "severity", "rule", "message", "spans"}
    rule = pack.rule("privacy")
    assert f["rule"] == {"pack": "pk-federal", "ref": rule.ref, "title": rule.title, "source": rule.source,
                         "source_title": pack.source_title(rule.source), "source_date": "2021-08-25",
                         "quote": rule.quote, "instead": rule.instead, "note": rule.note}
    assert rule.note and rule.instead and rule.quote
    assert f["severity"] == "warn" and f["score"] == 0.95
    assert f["spans"] == [[15, 30]]
    assert f["message"] == pack.rule("privacy").message
    json.dumps(findings)


def test_score_equal_to_threshold_is_a_finding(packs):
    findings = apply_pack(packs["pk-federal"], "hello", ev(misinformation=0.5), CheckContext())
    assert [f["category"] for f in findings] == ["misinformation"]


def test_resolved_thresholds_win(packs):
    findings = apply_pack(packs["pk-federal"], "hello", ev(misinformation=0.5), CheckContext(),
                          thresholds={"misinformation": 0.9})
    assert findings == []


def test_spans_clipped_sorted_merged(packs):
    text = "0123456789"
    evidence = {"privacy": Ev("privacy", 0.9, ((8, 40), (0, 3), (2, 5), (-4, -1), (6, 6)))}
    findings = apply_pack(packs["pk-federal"], text, evidence, CheckContext())
    assert findings[0]["spans"] == [[0, 5], [8, 10]]


def test_sorted_by_severity_then_score(packs):
    pack = packs["pk-federal"]
    findings = apply_pack(pack, "hello world", ev(privacy=0.99, official_information=0.6, misinformation=0.7,
                                                  hate_speech=0.9), CheckContext("personal", None))
    got = [(f["severity"], f["category"]) for f in findings]
    assert got == [("block", "hate_speech"), ("block", "official_information"),
                   ("warn", "privacy"), ("warn", "misinformation")]


def test_bad_scores_ignored(packs):
    evidence = {"privacy": Ev("privacy", float("nan")), "misinformation": Ev("misinformation", 7.0)}
    findings = apply_pack(packs["pk-federal"], "hi", evidence, CheckContext())
    assert [(f["category"], f["score"]) for f in findings] == [("misinformation", 1.0)]


def test_no_evidence_no_findings(packs):
    for pack in packs.values():
        for account in ("personal", "official"):
            assert apply_pack(pack, "Eid Mubarak!", {}, CheckContext(account, "x.com")) == []


# ---------------------------------------------------------------------------- context rules


def test_gujarat_disclaimer_tip_on_personal_account(packs):
    pack = packs["in-gujarat-revenue"]
    text = "The new land policy is a disaster for farmers."
    evidence = {"criticism_of_government": Ev("criticism_of_government", 0.8, ((0, 46),))}
    findings = apply_pack(pack, text, evidence, CheckContext("personal", "x.com"))
    assert len(findings) == 1
    tip = findings[0]
    assert tip["severity"] == "info" and tip["category"] == "criticism_of_government"
    assert "disclaimer" in tip["message"]
    assert tip["rule"]["source"].startswith("003_")
    assert tip["spans"] == [[0, 46]]
    assert verdict_of(findings) == "ok"


def test_gujarat_no_tip_when_disclaimer_present(packs):
    pack = packs["in-gujarat-revenue"]
    text = "The new land policy is a disaster for farmers. Views are my own."
    evidence = {"criticism_of_government": Ev("criticism_of_government", 0.8, ((0, 46),))}
    findings = apply_pack(pack, text, evidence, CheckContext("personal", "x.com"))
    assert all("disclaimer" not in f["message"] for f in findings)


def test_gujarat_official_account_escalates_views(packs):
    pack = packs["in-gujarat-revenue"]
    evidence = {"political_opinion": Ev("political_opinion", 0.8, ((0, 10),))}
    findings = apply_pack(pack, "Vote for them!", evidence, CheckContext("official", None))
    assert [(f["category"], f["severity"]) for f in findings] == [("political_opinion", "warn")]
    assert verdict_of(findings) == "warn"


def test_bangladesh_personal_content_on_official_account(packs):
    pack = packs["bd-public-servants"]
    text = "Celebrating my daughter's birthday with my family today!"
    official = apply_pack(pack, text, {}, CheckContext("official", "facebook.com"))
    assert len(official) == 1
    f = official[0]
    assert f["severity"] == "info" and f["category"] in CATEGORIES
    assert f["rule"]["source"].startswith("002_")
    assert [text[s:e] for s, e in f["spans"]] == ["my daughter", "my family"]
    assert verdict_of(official) == "ok"
    assert apply_pack(pack, text, {}, CheckContext("personal", "facebook.com")) == []


def test_bangladesh_official_account_escalates(packs):
    pack = packs["bd-public-servants"]
    evidence = ev(political_opinion=0.8)
    personal = apply_pack(pack, "x", evidence, CheckContext("personal", None))
    official = apply_pack(pack, "x", evidence, CheckContext("official", None))
    assert personal[0]["severity"] == "warn"
    assert official[0]["severity"] == "block"


def test_ais_self_promotion_stricter_on_official_account(packs):
    pack = packs["in-ais"]
    evidence = ev(self_promotion=0.9)
    assert apply_pack(pack, "x", evidence, CheckContext("personal", None))[0]["severity"] == "info"
    assert apply_pack(pack, "x", evidence, CheckContext("official", None))[0]["severity"] == "warn"


def test_group_site_admin_tip(packs):
    pack = packs["pk-federal"]
    evidence = ev(misinformation=0.8)
    on_group = apply_pack(pack, "forwarded as received", evidence, CheckContext("personal", "web.whatsapp.com"))
    on_x = apply_pack(pack, "forwarded as received", evidence, CheckContext("personal", "x.com"))
    assert len(on_group) == len(on_x) + 1
    tip = [f for f in on_group if f["rule"]["ref"] == "O.M. para 6"]
    assert tip and tip[0]["severity"] == "info" and tip[0]["category"] == "misinformation"
    assert verdict_of(on_group) == verdict_of(on_x) == "warn"
    lookalike = apply_pack(pack, "forwarded as received", evidence, CheckContext("personal", "notwhatsapp.com"))
    assert lookalike == on_x


def test_account_none_uses_pack_default(packs):
    pack = packs["bd-public-servants"]
    assert pack.default_account == "personal"
    evidence = ev(political_opinion=0.8)
    assert apply_pack(pack, "x", evidence, CheckContext(None, None)) == \
        apply_pack(pack, "x", evidence, CheckContext("personal", None))


def test_context_findings_use_the_nine_ids(packs):
    text = "my family vacation; the policy is bad; forwarded"
    evidence = {c: Ev(c, 0.9, ((0, 5),)) for c in CATEGORIES}
    for pack in packs.values():
        for account in ("personal", "official"):
            for site in (None, "web.whatsapp.com", "x.com"):
                for f in apply_pack(pack, text, evidence, CheckContext(account, site)):
                    assert f["category"] in CATEGORIES
                    assert f["severity"] in ("info", "warn", "block")
                    assert all(0 <= s < e <= len(text) for s, e in f["spans"])
                    assert f["spans"] == sorted(f["spans"])
                    assert f["rule"]["pack"] == pack.id and f["message"]


# ---------------------------------------------------------------------------- verdict, enforce


@pytest.mark.parametrize("severities,verdict", [
    ([], "ok"),
    (["info"], "ok"),
    (["info", "info"], "ok"),
    (["warn"], "warn"),
    (["info", "warn"], "warn"),
    (["warn", "block", "info"], "block"),
    (["block"], "block"),
])
def test_verdict_of(severities, verdict):
    assert verdict_of([{"severity": s} for s in severities]) == verdict


def test_enforce_warn_caps_block():
    findings = [{"category": "privacy", "score": 0.9, "severity": "warn"},
                {"category": "hate_speech", "score": 0.8, "severity": "block"},
                {"category": "misinformation", "score": 0.7, "severity": "info"}]
    capped = enforce(findings, "warn")
    assert [f["severity"] for f in capped] == ["warn", "warn", "info"]
    assert [f["category"] for f in capped] == ["privacy", "hate_speech", "misinformation"]
    assert verdict_of(capped) == "warn"
    assert findings[1]["severity"] == "block"  # input not mutated
    kept = enforce(findings, "block")
    assert [f["severity"] for f in kept] == ["block", "warn", "info"]
    assert verdict_of(kept) == "block"
    with pytest.raises(ValueError):
        enforce(findings, "off")
