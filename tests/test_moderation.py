"""Moderation assist (issue 26): POST /v1/moderate, the packs' moderation sections, counters."""

from __future__ import annotations

import json

import pytest

from conduct_guard import PACKAGE_DIR
from conduct_guard.categories import CATEGORIES
from conduct_guard.rules.moderation import ACTIONS, MAX_MESSAGES
from conduct_guard.service.state import service_state
from conduct_guard.rules.pack import SCHEMA_PATH, PackError, load_pack, load_packs

# Categories an admin must act on (issue 26): hate, incitement/threats/obscenity, rumours, others'
# personal data, leaked official documents (and harm to security). A citizen's political opinion
# or criticism of a policy is feedback the O.M. welcomes (para 5): never flagged.
FOR_REMOVAL = {"hate_speech", "incitement_defamation", "misinformation", "privacy", "official_information",
               "national_security"}
NOT_FOR_REMOVAL = set(CATEGORIES) - FOR_REMOVAL


def moderate(client, messages, **fields):
    return client.post("/v1/moderate", json={"messages": messages, **fields})


@pytest.mark.parametrize("pack_id", sorted(load_packs()))
def test_every_pack_has_a_moderation_section_for_others_words(pack_id):
    pack = load_packs()[pack_id]
    assert {r.category for r in pack.moderation} == FOR_REMOVAL
    for rule in pack.moderation:
        assert rule.actions and set(rule.actions) <= set(ACTIONS)
        # the rule's own words and document, never a bare file name
        source = pack.rule_source(rule)
        assert source["source_title"] != rule.source and source["source_date"]
        assert len(rule.quote) > 40 and rule.message


def test_pakistani_packs_cite_om_paras_5_and_6():
    for pack_id in ("pk-federal", "pk-aiou"):
        for rule in load_packs()[pack_id].moderation:
            assert "paras 5 and 6" in rule.ref
            assert "remove offensive, inappropriate and objectionable remarks" in rule.quote
            assert "group platform" in rule.quote


def test_moderation_actions_are_one_fact_with_the_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["$defs"]["moderation_rule"]["properties"]["actions"]["items"]["enum"] == list(ACTIONS)


def test_moderation_actions_are_the_extensions_too():
    protocol = (PACKAGE_DIR.parents[1] / "extension" / "src" / "shared" / "protocol.js").read_text(encoding="utf-8")
    line = next(l for l in protocol.splitlines() if "CG.MOD_ACTIONS" in l and "freeze" in l)
    assert line.split("[", 1)[1].split("]", 1)[0].replace("'", "").replace(" ", "").split(",") == list(ACTIONS)
    limit = next(l for l in protocol.splitlines() if "CG.MODERATE_MAX_MESSAGES =" in l)
    assert int(limit.split("=", 1)[1].split(";", 1)[0]) == MAX_MESSAGES


def test_a_moderation_rule_citing_an_unknown_source_names_file_and_field(tmp_path):
    data = json.loads((SCHEMA_PATH.parent / "pk-federal.json").read_text(encoding="utf-8"))
    data["id"] = "my-pack"
    data["moderation"]["categories"]["privacy"]["source"] = "nowhere.txt"
    path = tmp_path / "my-pack.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PackError) as err:
        load_pack(path)
    assert "my-pack.json" in str(err.value) and "moderation.categories.privacy.source" in str(err.value)
    data["moderation"]["categories"]["privacy"]["source"] = data["sources"][0]["file"]
    data["moderation"]["categories"]["privacy"]["actions"] = ["ban_forever"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(PackError, match="moderation.categories.privacy.actions"):
        load_pack(path)


def test_marks_follow_the_moderation_section_not_the_officers_rules(client):
    messages = [
        {"id": "a", "text": "Good morning all, the meeting is at ten."},
        {"id": "b", "text": "Those people are vermin and should leave."},
        {"id": "c", "text": "Vote for the party rally candidate on Sunday."},  # a citizen's politics
        {"id": "d", "text": "This is a useless policy from an incompetent ministry."},  # criticism
        {"id": "e", "text": "Unconfirmed reports say the bridge fell."},
    ]
    response = moderate(client, messages)
    assert response.status_code == 200
    body = response.get_json()
    by_id = {r["id"]: r for r in body["results"]}
    assert [r["id"] for r in body["results"]] == ["a", "b", "c", "d", "e"]
    assert by_id["a"] == {"id": "a", "flagged": False, "categories": [], "marks": []}
    assert by_id["b"]["categories"] == ["hate_speech"]
    assert not by_id["c"]["flagged"] and not by_id["d"]["flagged"]
    assert by_id["e"]["categories"] == ["misinformation"]
    mark = by_id["b"]["marks"][0]
    assert mark["actions"] == ["warn_member", "delete"]
    assert mark["rule"]["pack"] == "pk-federal" and mark["rule"]["source_date"] == "2021-08-25"
    text = messages[1]["text"]
    assert all(0 <= s < e <= len(text) for s, e in mark["spans"])
    assert body["pack"] == "pk-federal" and body["model"]["name"]


def test_a_mark_is_a_function_of_its_message_alone(client):
    alone = moderate(client, [{"id": "x", "text": "Those people are vermin."}]).get_json()["results"][0]
    crowd = moderate(client, [{"id": "y", "text": "Unconfirmed reports say so."}, {"id": "x", "text": "Those people are vermin."},
                              {"id": "z", "text": "Hello."}]).get_json()["results"][1]
    assert alone == crowd


def test_recognised_personal_data_is_marked_for_deletion(client):
    result = moderate(client, [{"id": "p", "text": "Her CNIC is 35202-1234567-1, call her."}]).get_json()["results"][0]
    assert result["categories"] == ["privacy"]
    assert result["marks"][0]["actions"] == ["delete"]


@pytest.mark.parametrize("body, status, code", [
    ({}, 400, "missing_messages"),
    ({"messages": "hello"}, 400, "missing_messages"),
    ({"messages": [5]}, 400, "bad_request"),
    ({"messages": [{"text": "x"}]}, 400, "bad_request"),
    ({"messages": [{"id": "a", "text": None}]}, 400, "missing_text"),
    ({"messages": [{"id": "a", "text": "x"}, {"id": "a", "text": "y"}]}, 400, "bad_request"),
    ({"messages": [{"id": "a", "text": "x" * 20_001}]}, 413, "text_too_long"),
    ({"messages": [{"id": str(i), "text": "x"} for i in range(MAX_MESSAGES + 1)]}, 413, "too_many_messages"),
    ({"messages": [], "pack": "nope"}, 400, "unknown_pack"),
    ({"messages": [], "lang": "fr"}, 400, "unknown_lang"),
])
def test_bad_moderation_requests_are_clear_errors(client, body, status, code):
    response = client.post("/v1/moderate", json=body)
    assert response.status_code == status
    assert response.get_json()["error"]["code"] == code


def test_moderation_is_counted_per_category_without_text(app, client):
    moderate(client, [{"id": "1", "text": "Those people are vermin."}, {"id": "2", "text": "Hello there."},
                      {"id": "3", "text": "Unconfirmed reports: those people are vermin."}])
    counts = service_state(app).stats.snapshot()["moderation"]
    assert counts["checked"] == 3 and counts["flagged"] == 2
    assert counts["by_category"]["hate_speech"] == 2 and counts["by_category"]["misinformation"] == 1
    assert "vermin" not in json.dumps(service_state(app).stats.snapshot())


def test_real_model_marks_others_hate_and_leaves_a_citizens_opinion(real_classifier):
    from conduct_guard.service.app import create_app

    client = create_app({"CG_SCORER": real_classifier}).test_client()
    messages = [
        {"id": "hate", "text": "These people of that sect are dirty traitors, throw them out of the country"},
        {"id": "opinion", "text": "I think the new tax policy is unfair to farmers and the government should rethink it."},
        {"id": "greeting", "text": "Good morning everyone, the meeting is at 10."},
        {"id": "leak", "text": "Attached is the confidential summary for the cabinet, not yet approved, please don't share"},
    ]
    results = {r["id"]: r for r in moderate(client, messages).get_json()["results"]}
    assert "hate_speech" in results["hate"]["categories"]
    assert "official_information" in results["leak"]["categories"]
    assert not results["opinion"]["flagged"] and not results["greeting"]["flagged"]


def test_status_page_shows_moderation_counts_never_text(app, client):
    from conftest import token_headers

    moderate(client, [{"id": "1", "text": "Those people are vermin."}, {"id": "2", "text": "Hello there."}])
    today = client.get("/v1/status", headers=token_headers()).get_json()["today"]
    assert today["moderation"]["checked"] == 2 and today["moderation"]["by_category"]["hate_speech"] == 1
    page = client.get("/status", headers=token_headers()).get_data(as_text=True)
    assert 'id="moderation"' in page and "Moderation assist" in page
    assert "vermin" not in page
