"""One home for each fact (issue 25): where a copy must exist (a JSON schema, a command's default),
it is checked against the home here, so the two cannot drift apart."""

from __future__ import annotations

import inspect
import json

import pytest

from conduct_guard import recognisers
from conduct_guard.cli import commands as cli
from conduct_guard.desktop import tray
from conduct_guard.engine import explain, segment
from conduct_guard.rules import moderation, policy
from conduct_guard.service import server
from conduct_guard.settings.config import DEFAULT_HOST, DEFAULT_PORT, SETTING_KEYS, defaults
from conduct_guard.settings.machine_policy import setting_defaults, settings_schema
from conduct_guard.rules.pack import ACCOUNTS, DEFAULT_ACCOUNT, DEFAULT_PACK, SCHEMA_PATH, load_packs


def test_accounts_in_the_schemas_are_policy_accounts():
    pack_schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert tuple(pack_schema["$defs"]["account"]["enum"]) == ACCOUNTS
    props = settings_schema()["properties"]
    assert tuple(props["default_account"]["enum"]) == ACCOUNTS
    assert tuple(props["account_by_site"]["additionalProperties"]["enum"]) == ACCOUNTS
    assert props["default_account"]["default"] == DEFAULT_ACCOUNT in ACCOUNTS


def test_cli_account_choice_is_policy_accounts():
    option = next(p for p in cli.check.params if p.name == "account")
    assert tuple(option.type.choices) == ACCOUNTS and option.default == DEFAULT_ACCOUNT


def test_default_pack_exists_and_is_the_configured_default():
    assert DEFAULT_PACK in load_packs()
    assert defaults()["CG_PACK"] == DEFAULT_PACK


def test_default_port_everywhere():
    assert setting_defaults()["service_url"] == f"http://{DEFAULT_HOST}:{DEFAULT_PORT}"
    serve = {p.name: p.default for p in cli.serve.params}
    assert (serve["host"], serve["port"]) == (DEFAULT_HOST, DEFAULT_PORT)
    make_server = inspect.signature(server.make_server).parameters
    assert (make_server["host"].default, make_server["port"].default) == (DEFAULT_HOST, DEFAULT_PORT)
    assert tray.TrayController().runner.port == DEFAULT_PORT


@pytest.mark.parametrize("key", sorted(SETTING_KEYS))
def test_service_defaults_are_the_schema_defaults(key):
    """The settings schema is the one home of a setting's default (require_reason is true there:
    the service once answered false for it on /v1/health)."""
    schema_defaults = setting_defaults()
    if key in schema_defaults:
        assert defaults()[SETTING_KEYS[key]] == schema_defaults[key]


def test_health_reports_the_schema_defaults(client):
    reported = client.get("/v1/health").get_json()["policy"]
    schema_defaults = setting_defaults()
    for key in ("enforcement", "allow_override", "require_reason", "fail_closed"):
        assert reported[key] == schema_defaults[key], key
    assert reported["require_reason"] is True


def test_one_span_merger_and_one_phrase_matcher():
    assert explain.merge_spans is segment.merge_spans
    # findings and moderation marks clip their spans with the same function
    assert policy.clip_spans is moderation.clip_spans is segment.clip_spans
    assert segment.clip_spans([(8, 99), ("x", 1), (-3, 2), (4, 4), (1, 3)], 10) == [[0, 3], [8, 10]]
    assert policy.phrase_pattern is recognisers.phrase_pattern
    assert segment.merge_spans([(5, 9), (0, 3), (3, 4), (8, 12), (20, 21)]) == [(0, 4), (5, 12), (20, 21)]
    pattern = recognisers.phrase_pattern(("views  are my own", "views", ""))
    text = "These VIEWS are\nmy own; my views."
    assert [m.span() for m in pattern.finditer(text)] == [(6, 22), (27, 32)]
    assert recognisers.phrase_pattern(("", "  ")) is None
