"""The HTTP API against CONTRACT.md, with a small fake classifier (fast)."""

from __future__ import annotations

import json

import pytest

from conduct_guard.categories import CATEGORIES
from conduct_guard.service.state import service_state

EXTENSION_ORIGIN = "chrome-extension://" + "a" * 32


def post(client, body, **headers):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post("/v1/check", data=data, content_type=headers.pop("content_type", "application/json"),
                       headers=headers)


def assert_error(response, status, code=None):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}
    assert body["error"]["message"]
    if code:
        assert body["error"]["code"] == code


def test_health(client):
    response = client.get("/v1/health")
    assert response.status_code == 200
    body = response.get_json()
    assert body["status"] == "ok"
    assert body["model"] == {"name": "fake-keywords", "version": "test"}
    assert body["pack"] == "pk-federal"


def test_check_result_shape(client):
    text = ("Lovely weather today in the hills, we walked for hours with the children and the dog. "
            "Sharing the draft summary before notification, please keep it within our small group of friends!")
    response = post(client, {"text": text})
    assert response.status_code == 200
    result = response.get_json()
    assert set(CATEGORIES) == set(result["scores"])
    assert all(0.0 <= v <= 1.0 for v in result["scores"].values())
    assert result["model"] == {"name": "fake-keywords", "version": "test"}
    assert isinstance(result["elapsed_ms"], (int, float))
    official = [f for f in result["findings"] if f["category"] == "official_information"]
    assert official, result
    finding = official[0]
    assert finding["severity"] in ("info", "warn", "block")
    assert set(finding["rule"]) >= {"pack", "ref", "title", "source"}
    assert finding["rule"]["pack"] == "pk-federal"
    # the span is the second sentence, the one that caused it
    (start, end), = finding["spans"]
    assert text[start:end].startswith("Sharing the draft summary before notification")


def test_verdict_follows_severities(client):
    for text in ["Eid Mubarak to everyone!", "Vote for the party rally tomorrow", "Sharing the draft summary"]:
        result = post(client, {"text": text}).get_json()
        severities = {f["severity"] for f in result["findings"]}
        expected = "block" if "block" in severities else "warn" if "warn" in severities else "ok"
        assert result["verdict"] == expected


def test_benign_is_ok(client):
    result = post(client, {"text": "Eid Mubarak to all colleagues and their families."}).get_json()
    assert result["verdict"] == "ok"
    assert all(f["severity"] == "info" for f in result["findings"])


def test_recogniser_finding_has_exact_span(client):
    text = "Complaint from 35202-1234567-1 received"
    result = post(client, {"text": text}).get_json()
    privacy = [f for f in result["findings"] if f["category"] == "privacy"]
    assert privacy and [15, 30] in privacy[0]["spans"]


def test_pack_and_account_are_used(client):
    result = post(client, {"text": "Sharing the draft summary", "pack": "in-ais", "account": "official",
                           "site": "x.com"}).get_json()
    assert result["pack"] == "in-ais"
    assert {f["rule"]["pack"] for f in result["findings"]} == {"in-ais"}


def test_packs_endpoint(client):
    body = client.get("/v1/packs").get_json()
    ids = {p["id"] for p in body["packs"]}
    assert {"pk-federal", "pk-aiou", "bd-public-servants", "in-ais", "in-gujarat-revenue"} <= ids


@pytest.mark.parametrize("body, code", [
    (b"{not json", "malformed_json"),
    (b"", "malformed_json"),
    (b"[1, 2]", "bad_request"),
    (b'"text"', "bad_request"),
    (json.dumps({}), "missing_text"),
    (json.dumps({"text": None}), "missing_text"),
    (json.dumps({"text": 42}), "bad_request"),
    (json.dumps({"text": ["a"]}), "bad_request"),
    (json.dumps({"text": "hi", "pack": "nowhere"}), "unknown_pack"),
    (json.dumps({"text": "hi", "pack": 3}), "bad_request"),
    (json.dumps({"text": "hi", "account": "business"}), "unknown_account"),
    (json.dumps({"text": "hi", "site": {"x": 1}}), "bad_request"),
    (json.dumps({"text": "hi", "account": ""}), "unknown_account"),
    (json.dumps({"text": "hi", "lang": "fr"}), "unknown_lang"),
    (json.dumps({"text": "hi", "lang": 1}), "bad_request"),
])
def test_bad_requests_are_400(client, body, code):
    assert_error(post(client, body), 400, code)


@pytest.mark.parametrize("lang", ["en", "ur", "hi", "bn", "gu", None])
def test_every_contract_lang_is_answered(client, lang):
    response = post(client, {"text": "Sharing the draft summary before notification", "lang": lang})
    assert response.status_code == 200 and response.get_json()["verdict"] in ("ok", "warn", "block")


def test_text_over_limit_is_413(client):
    assert post(client, {"text": "a" * 20_000}).status_code == 200
    assert_error(post(client, {"text": "a" * 20_001}), 413)


def test_body_over_limit_is_413(client):
    assert_error(post(client, {"text": "hi", "pad": "x" * (256 * 1024)}), 413)


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"])
def test_non_json_is_415(client, content_type):
    assert_error(post(client, json.dumps({"text": "hi"}), content_type=content_type), 415)


def test_web_origin_is_refused(client):
    assert_error(post(client, {"text": "hi"}, Origin="https://evil.example"), 403, "forbidden_origin")
    assert_error(client.get("/v1/health", headers={"Origin": "null"}), 403)


@pytest.mark.parametrize("origin", [EXTENSION_ORIGIN, "moz-extension://0f1e2d3c-aaaa-bbbb-cccc-123456789abc"])
def test_extension_origins_are_allowed(client, app, origin):
    app.config["CG_ALLOWED_ORIGINS"].append(EXTENSION_ORIGIN)
    # the CORS matcher was built at start; a fresh app sees the new list
    from conduct_guard.service.app import create_app
    fresh = create_app({"CG_SCORER": app.extensions["conduct_guard"].scorer,
                        "CG_ALLOWED_ORIGINS": [EXTENSION_ORIGIN, "moz-extension://*"]}).test_client()
    response = post(fresh, {"text": "hi"}, Origin=origin)
    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == origin
    preflight = fresh.options("/v1/check", headers={
        "Origin": origin, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type", "Access-Control-Request-Private-Network": "true"})
    assert preflight.status_code == 200
    assert preflight.headers["Access-Control-Allow-Origin"] == origin
    assert preflight.headers["Access-Control-Allow-Private-Network"] == "true"


def test_default_origins_allow_firefox_but_not_other_extensions(client):
    # any Firefox install's origin (a random UUID), but only a well-formed one (issue 24, point 3)
    assert post(client, {"text": "hi"}, Origin="moz-extension://5c7a0f2e-3b1d-4c6e-9a8f-0c0d0e0f1a2b").status_code == 200
    assert_error(post(client, {"text": "hi"}, Origin="moz-extension://1234-abcd"), 403)
    assert_error(post(client, {"text": "hi"}, Origin="chrome-extension://" + "b" * 32), 403)
    assert_error(post(client, {"text": "hi"}, Origin="moz-extension://x/../evil"), 403)


@pytest.mark.parametrize("host", ["evil.example", "evil.example:47814", "127.0.0.1.evil.example", "10.0.0.1"])
def test_non_loopback_host_is_refused(client, host):
    assert_error(client.get("/v1/health", headers={"Host": host}), 403, "forbidden_host")


@pytest.mark.parametrize("host", ["127.0.0.1:47814", "localhost", "localhost:1", "[::1]:47814", "127.5.6.7"])
def test_loopback_hosts_are_allowed(client, host):
    assert client.get("/v1/health", headers={"Host": host}).status_code == 200


def test_not_found_and_method_not_allowed_are_json(client):
    assert_error(client.get("/v1/nothing"), 404, "not_found")
    assert_error(client.get("/v1/check"), 405, "method_not_allowed")
    assert_error(client.delete("/v1/health"), 405)


def test_checks_are_counted_without_text(client, app):
    post(client, {"text": "Sharing the draft summary, secret word zebra"})
    snapshot = service_state(app).stats.snapshot()
    assert "zebra" not in json.dumps(snapshot)
    assert snapshot["checks"] == 1


def test_request_log_has_no_text(client, caplog):
    caplog.set_level("DEBUG")
    post(client, {"text": "My secret phrase is pineapple-zebra and the draft summary"})
    assert caplog.records, "a request line is logged"
    assert "pineapple" not in caplog.text and "draft summary" not in caplog.text
    assert "chars=57" in caplog.text


def test_default_chrome_origin_is_the_manifest_key_id(client):
    """The allowed Chrome/Edge origin is the id that extension/manifest.json's key gives."""
    import base64
    import hashlib
    from pathlib import Path

    manifest = json.loads((Path(__file__).resolve().parents[1] / "extension" / "manifest.json").read_text())
    digest = hashlib.sha256(base64.b64decode(manifest["key"])).hexdigest()[:32]
    extension_id = "".join(chr(ord("a") + int(c, 16)) for c in digest)
    assert post(client, {"text": "hi"}, Origin=f"chrome-extension://{extension_id}").status_code == 200


def test_an_explicitly_bound_address_is_accepted_as_host(fake_scorer):
    from conduct_guard.service.app import create_app

    app = create_app({"CG_SCORER": fake_scorer})
    service_state(app).extra_hosts = ("192.0.2.10",)  # as `conduct-guard serve --host 192.0.2.10` does
    client = app.test_client()
    assert client.get("/v1/health", headers={"Host": "192.0.2.10:47814"}).status_code == 200
    assert_error(client.get("/v1/health", headers={"Host": "evil.example"}), 403)


def test_it_signed_extension_ids_from_machine_policy_are_allowed(fake_scorer, tmp_path, monkeypatch):
    from conduct_guard.service.app import create_app

    it_id = "p" * 32
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"extension_ids": [it_id]}))
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(policy))
    client = create_app({"CG_SCORER": fake_scorer}).test_client()
    assert post(client, {"text": "hi"}, Origin=f"chrome-extension://{it_id}").status_code == 200
    assert_error(post(client, {"text": "hi"}, Origin="chrome-extension://" + "o" * 32), 403)


def test_finding_rule_names_its_source_document(client):
    result = post(client, {"text": "Sharing the draft summary"}).get_json()
    rule = result["findings"][0]["rule"]
    assert rule["source"].endswith(".txt") and rule["source_title"] and rule["source_title"] != rule["source"]


def test_finding_rule_carries_the_rules_own_words_document_and_what_to_do_instead(client):
    """The card's "see the rule" needs the quote, the document's title and date and an 'instead'
    text, not a seed file name (the contract's four keys stay as they were)."""
    from conduct_guard.rules.pack import load_packs

    packs = load_packs()
    for pack_id, text in [("pk-federal", "Sharing the draft summary"), ("pk-aiou", "What a useless policy"),
                          ("in-gujarat-revenue", "Patient name is on the list"), ("bd-public-servants", "join my academy")]:
        result = post(client, {"text": text, "pack": pack_id}).get_json()
        assert result["findings"], (pack_id, result)
        for finding in result["findings"]:
            rule = finding["rule"]
            assert {"pack", "ref", "title", "source", "source_title", "source_date", "quote", "instead"} <= set(rule)
            assert rule["pack"] == pack_id and rule["source"].endswith(".txt")
            assert rule["quote"] and rule["instead"] and rule["source_date"]
            assert not rule["source_title"].endswith(".txt")
            pack = packs[pack_id]
            if finding["category"] in {r.category for r in pack.rules} and rule["ref"] == pack.rule(finding["category"]).ref:
                assert rule["quote"] == pack.rule(finding["category"]).quote
    aiou = post(client, {"text": "What a useless policy", "pack": "pk-aiou"}).get_json()
    crit = [f for f in aiou["findings"] if f["category"] == "criticism_of_government" and f["severity"] != "info"][0]
    assert "Allama Iqbal Open University" in crit["rule"]["source_title"] and crit["rule"]["source_date"] == "2023-09-18"
    fed = post(client, {"text": "Sharing the draft summary"}).get_json()["findings"][0]["rule"]
    assert "Establishment Division" in fed["source_title"] and "AIOU" not in fed["source_title"]
    assert fed["source_date"] == "2021-08-25"


def test_packs_endpoint_shows_quote_instead_document_and_date(client):
    body = client.get("/v1/packs").get_json()
    for pack in body["packs"]:
        assert all({"file", "title", "date"} <= set(s) for s in pack["sources"])
        for cat in CATEGORIES:
            entry = pack["categories"][cat]
            assert entry["quote"] and entry["instead"] and entry["source_title"] and entry["source_date"], (pack["id"], cat)
        for cr in pack["context_rules"]:
            assert cr["quote"] and cr["source_title"] and cr["source_date"], (pack["id"], cr["id"])
