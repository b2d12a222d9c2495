"""Machine policy: default paths per OS, precedence over user settings, and every invalid value."""

from __future__ import annotations

import json
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

try:
    import conduct_guard  # noqa: F401
except ImportError:  # running from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from conduct_guard.categories import CATEGORIES
from conduct_guard.settings.machine_policy import (
    ENV_VAR,
    MachinePolicy,
    MachinePolicyError,
    default_policy_path,
    load_machine_policy,
    setting_defaults,
    settings_schema,
    validate_settings,
)

FULL = {
    "pack": "pk-federal",
    "enforcement": "block",
    "allow_override": False,
    "require_reason": True,
    "fail_closed": True,
    "allow_pause": False,
    "sites": ["x.com", "facebook.com", "intranet.gov.pk"],
    "org_terms": ["Project Falcon", "MOFA/2024"],
    "thresholds": {"privacy": 0.3, "official_information": 0.45},
    "log_retention_days": 7,
    "service_url": "http://127.0.0.1:47814",
}


def write(tmp_path: Path, data, name="policy.json") -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return p


# ----------------------------------------------------------------- default paths per OS


@pytest.mark.parametrize(
    "platform,env,expected",
    [
        ("win32", {"ProgramData": r"D:\PD"}, PureWindowsPath(r"D:\PD\ConductGuard\policy.json")),
        ("win32", {}, PureWindowsPath(r"C:\ProgramData\ConductGuard\policy.json")),
        ("darwin", {}, PurePosixPath("/Library/Application Support/ConductGuard/policy.json")),
        ("linux", {}, PurePosixPath("/etc/conduct-guard/policy.json")),
        ("linux", {ENV_VAR: "/opt/cg/p.json"}, PurePosixPath("/opt/cg/p.json")),
        ("win32", {ENV_VAR: r"E:\cg.json", "ProgramData": r"D:\PD"}, PureWindowsPath(r"E:\cg.json")),
        ("darwin", {ENV_VAR: "/tmp/x.json"}, PurePosixPath("/tmp/x.json")),
    ],
)
def test_default_path_per_os(platform, env, expected):
    assert default_policy_path(platform, env) == expected


def test_env_var_selects_the_file(tmp_path, monkeypatch):
    p = write(tmp_path, {"enforcement": "block"})
    monkeypatch.setenv(ENV_VAR, str(p))
    pol = load_machine_policy()
    assert pol.settings == {"enforcement": "block"}
    assert pol.path == p
    assert pol.locked_keys() == {"enforcement": str(p)}


# ----------------------------------------------------------------- loading


def test_missing_file_is_no_policy(tmp_path):
    pol = load_machine_policy(tmp_path / "nope.json")
    assert pol.settings == {} and pol.path is None and not pol
    assert pol.locked_keys() == {}


def test_full_policy_loads_and_locks_every_key(tmp_path):
    p = write(tmp_path, FULL)
    pol = load_machine_policy(p)
    assert pol.settings == {**FULL, "thresholds": {"privacy": 0.3, "official_information": 0.45}}
    assert set(pol.locked_keys()) == set(FULL)
    assert all(src == str(p) for src in pol.locked_keys().values())
    with pytest.raises(Exception):
        pol.settings = {}  # frozen


def test_empty_object_locks_nothing(tmp_path):
    pol = load_machine_policy(write(tmp_path, {}))
    assert pol.settings == {} and pol.locked_keys() == {}


def test_bom_is_accepted(tmp_path):
    p = tmp_path / "policy.json"
    p.write_bytes(b"\xef\xbb\xbf" + json.dumps({"fail_closed": True}).encode())
    assert load_machine_policy(p).settings == {"fail_closed": True}


def test_normalisation(tmp_path):
    pol = load_machine_policy(
        write(
            tmp_path,
            {
                "sites": ["x.com", "x.com", "linkedin.com"],
                "org_terms": ["  Project   Falcon ", "Project Falcon"],
                "thresholds": {"privacy": 0},
                "service_url": "http://localhost:5000/",
            },
        )
    )
    assert pol.settings["sites"] == ["x.com", "linkedin.com"]
    assert pol.settings["org_terms"] == ["Project Falcon"]
    assert pol.settings["thresholds"] == {"privacy": 0.0}
    assert pol.settings["service_url"] == "http://localhost:5000"


# ----------------------------------------------------------------- precedence


@pytest.mark.parametrize("platform", ["win32", "darwin", "linux"])
def test_precedence_machine_over_user_over_default(tmp_path, monkeypatch, platform):
    """The service's real layering (config.load_config): defaults < the officer's file < IT's."""
    from conduct_guard.settings.config import load_config

    # the OS's default location, laid out under a fake root (no live OS is touched)
    default = default_policy_path(platform, {})
    p = tmp_path.joinpath(*default.parts[1:])
    p.parent.mkdir(parents=True)
    p.write_text(json.dumps({"enforcement": "block", "sites": ["x.com"], "allow_pause": False}))
    monkeypatch.setenv(ENV_VAR, str(p))
    user = write(tmp_path, {"enforcement": "warn", "sites": ["x.com", "reddit.com"], "fail_closed": True,
                            "pack": "in-aiscr"}, name="user.json")
    monkeypatch.setenv("CONDUCT_GUARD_CONFIG", str(user))
    config = load_config({})
    assert config["CG_ENFORCEMENT"] == "block"        # machine wins
    assert config["CG_SITES"] == ["x.com"]            # machine wins, user cannot add/remove
    assert config["CG_ALLOW_PAUSE"] is False
    assert config["CG_FAIL_CLOSED"] is True           # user wins over default
    assert config["CG_PACK"] == "in-aiscr"            # user (not locked)
    assert config["CG_LOG_RETENTION_DAYS"] == 30      # default
    assert config["CG_LOCKED"] == {"enforcement": str(p), "sites": str(p), "allow_pause": str(p)}
    assert config["CG_SOURCES"]["CG_FAIL_CLOSED"] == str(user)


def test_no_policy_locks_nothing():
    from conduct_guard.settings.config import load_config

    config = load_config({"CG_ENFORCEMENT": "warn"})
    assert config["CG_ENFORCEMENT"] == "warn" and config["CG_LOCKED"] == {}
    assert config["CG_LOG_RETENTION_DAYS"] == setting_defaults()["log_retention_days"]


def test_defaults_are_valid_and_sites_match_contract():
    defaults = setting_defaults()
    assert validate_settings(defaults) == defaults
    assert defaults["sites"] == [
        "x.com", "facebook.com", "instagram.com", "linkedin.com", "web.whatsapp.com",
        "reddit.com", "threads.net", "youtube.com", "web.telegram.org",
    ]
    assert defaults["service_url"] == "http://127.0.0.1:47814"
    assert defaults["enforcement"] == "block"


def test_schema_thresholds_cover_the_nine_categories():
    names = settings_schema()["properties"]["thresholds"]["propertyNames"]["enum"]
    assert tuple(names) == CATEGORIES


def test_every_key_has_a_scope_and_a_description():
    for k, v in settings_schema()["properties"].items():
        assert v.get("x-scope"), k
        assert v.get("description"), k


# ----------------------------------------------------------------- every invalid value

INVALID = [
    # (policy, key named in the message, words in the message)
    ({"pack": 5}, "pack", "must be a string"),
    ({"pack": ""}, "pack", "not a valid value"),
    ({"pack": "PK Federal!"}, "pack", "not a valid value"),
    ({"pack": None}, "pack", "must be a string"),
    ({"enforcement": "blok"}, "enforcement", 'one of "warn", "block"'),
    ({"enforcement": "Block"}, "enforcement", "one of"),
    ({"enforcement": True}, "enforcement", "one of"),
    ({"allow_override": "yes"}, "allow_override", "must be a boolean"),
    ({"allow_override": 1}, "allow_override", "must be a boolean"),
    ({"require_reason": "false"}, "require_reason", "must be a boolean"),
    ({"require_reason": None}, "require_reason", "must be a boolean"),
    ({"fail_closed": 0}, "fail_closed", "must be a boolean"),
    ({"allow_pause": []}, "allow_pause", "must be a boolean"),
    ({"sites": "x.com"}, "sites", "must be an array"),
    ({"sites": ["x.com", 5]}, "sites[1]", "must be a string"),
    ({"sites": ["https://x.com"]}, "sites[0]", "not a host name"),
    ({"sites": ["X.com"]}, "sites[0]", "lower case"),
    ({"sites": ["x.com/path"]}, "sites[0]", "not a host name"),
    ({"sites": ["localhost"]}, "sites[0]", "not a host name"),
    ({"sites": ["x.com:443"]}, "sites[0]", "not a host name"),
    ({"sites": ["*.x.com"]}, "sites[0]", "not a host name"),
    ({"sites": [f"s{i}.example.com" for i in range(201)]}, "sites", "too many"),
    ({"org_terms": "Falcon"}, "org_terms", "must be an array"),
    ({"org_terms": ["a"]}, "org_terms[0]", "too short"),
    ({"org_terms": ["   "]}, "org_terms[0]", "not a valid value"),
    ({"org_terms": ["x" * 101]}, "org_terms[0]", "too long"),
    ({"org_terms": [{"t": 1}]}, "org_terms[0]", "must be a string"),
    ({"thresholds": [0.5]}, "thresholds", "must be an object"),
    ({"thresholds": {"privacy": 1.5}}, "thresholds.privacy", "at most 1"),
    ({"thresholds": {"privacy": -0.1}}, "thresholds.privacy", "at least 0"),
    ({"thresholds": {"privacy": "0.5"}}, "thresholds.privacy", "must be a number"),
    ({"thresholds": {"privacy": True}}, "thresholds.privacy", "must be a number"),
    ({"thresholds": {"gossip": 0.5}}, "thresholds.gossip", "unknown category"),
    ({"log_retention_days": -1}, "log_retention_days", "at least 0"),
    ({"log_retention_days": 99999}, "log_retention_days", "at most 3650"),
    ({"log_retention_days": 2.5}, "log_retention_days", "must be an integer"),
    ({"log_retention_days": "30"}, "log_retention_days", "must be an integer"),
    ({"log_retention_days": False}, "log_retention_days", "must be an integer"),
    ({"service_url": "http://evil.example:47814"}, "service_url", "loopback"),
    ({"service_url": "https://127.0.0.1:47814"}, "service_url", "loopback"),
    ({"service_url": 47814}, "service_url", "must be a string"),
    ({"enforcment": "block"}, "enforcment", "unknown key"),
    ({"default_account": "work"}, "default_account", "one of"),
    ({"account_by_site": {"x.com": "work"}}, "account_by_site.x.com", "one of"),
    ({"account_by_site": {"https://x.com": "official"}}, "account_by_site.https://x.com", "not a host name"),
    ({"account_by_site": ["x.com"]}, "account_by_site", "must be an object"),
    ({"send_events": "no"}, "send_events", "must be a boolean"),
    ({"debounce_ms": 50}, "debounce_ms", "at least 100"),
    ({"debounce_ms": 5000}, "debounce_ms", "at most 3000"),
    ({"debounce_ms": 350.5}, "debounce_ms", "must be an integer"),
    ({"ui_language": "fr"}, "ui_language", 'one of "en", "ur", "hi", "bn", "gu"'),
    ({"ui_language": "UR"}, "ui_language", "one of"),
    ({"ui_language": ""}, "ui_language", "one of"),
    ({"extension_ids": ["abc"]}, "extension_ids[0]", "not a valid value"),
    ({"extension_ids": "cegeplbhbjdnfmfhbimbglkoingnmlpg"}, "extension_ids", "must be an array"),
]


@pytest.mark.parametrize("policy,key,words", INVALID, ids=[f"{k}-{i}" for i, (_, k, _w) in enumerate(INVALID)])
def test_every_invalid_value_names_file_and_key(tmp_path, policy, key, words):
    p = write(tmp_path, policy)
    with pytest.raises(MachinePolicyError) as ei:
        load_machine_policy(p)
    msg = str(ei.value)
    assert msg.startswith(str(p) + ": "), msg
    assert f"key '{key}'" in msg, msg
    assert words in msg, msg
    assert ei.value.key == key and ei.value.path == str(p)


@pytest.mark.parametrize(
    "content,words",
    [
        ("", "empty"),
        ("   \n", "empty"),
        ("{", "invalid JSON at line 1"),
        ('{"enforcement": "block",}', "invalid JSON at line 1"),
        ("[1, 2]", "must be a JSON object"),
        ('"block"', "must be a JSON object"),
        ("null", "must be a JSON object"),
        ('{"fail_closed": NaN}', "NaN is not valid JSON"),
        ('{"enforcement": "warn", "enforcement": "block"}', "appears twice"),
    ],
)
def test_broken_files_name_the_file(tmp_path, content, words):
    p = write(tmp_path, content)
    with pytest.raises(MachinePolicyError) as ei:
        load_machine_policy(p)
    assert str(ei.value).startswith(str(p) + ": ")
    assert words in str(ei.value)


def test_not_utf8(tmp_path):
    p = tmp_path / "policy.json"
    p.write_bytes(b'{"pack": "\xff"}')
    with pytest.raises(MachinePolicyError, match="not UTF-8"):
        load_machine_policy(p)


def test_folder_instead_of_file(tmp_path):
    d = tmp_path / "policy.json"
    d.mkdir()
    with pytest.raises(MachinePolicyError, match="is a folder"):
        load_machine_policy(d)


def test_duplicate_key_is_named(tmp_path):
    p = write(tmp_path, '{"sites": ["x.com"], "sites": []}')
    with pytest.raises(MachinePolicyError) as ei:
        load_machine_policy(p)
    assert ei.value.key == "sites"


def test_policy_object_is_plain_and_frozen():
    pol = MachinePolicy(settings={"pack": "pk-federal"}, path=Path("/etc/conduct-guard/policy.json"))
    assert pol.locked_keys() == {"pack": "/etc/conduct-guard/policy.json"}


# ----------------------------------------------------------------- one source: the browser side

import shutil
import subprocess

from conduct_guard.settings.machine_policy import browser_managed_schema, browser_managed_values

ROOT = Path(__file__).resolve().parents[1]
EXT_SCHEMA = ROOT / "extension" / "managed_schema.json"
SETTINGS_JS = ROOT / "extension" / "src" / "shared" / "settings.js"


def _extension_settings():
    """DEFAULTS and VALIDATORS keys of the extension, read by running its settings.js in node."""
    if not SETTINGS_JS.exists() or not shutil.which("node"):
        pytest.skip("extension settings.js or node not available")
    js = (
        "globalThis.CG = {};"
        f"require({json.dumps(str(SETTINGS_JS))});"
        "const s = globalThis.CG.settings;"
        "console.log(JSON.stringify({defaults: s.DEFAULTS, keys: Object.keys(s.VALIDATORS)}));"
    )
    out = subprocess.run(["node", "-e", js], capture_output=True, text=True, timeout=30)
    if out.returncode != 0:
        pytest.skip(f"cannot evaluate settings.js: {out.stderr[-300:]}")
    return json.loads(out.stdout)


def test_managed_schema_file_matches_the_source():
    """extension/managed_schema.json is generated from settings_schema.json; fails when they drift."""
    if not EXT_SCHEMA.exists():
        pytest.skip("extension/managed_schema.json not written yet")
    assert json.loads(EXT_SCHEMA.read_text(encoding="utf-8")) == browser_managed_schema(), (
        "extension/managed_schema.json drifted from backend/conduct_guard/settings/settings_schema.json: "
        "run python scripts/gen_managed_schema.py"
    )


def test_every_key_the_extension_reads_is_managed():
    ext = _extension_settings()
    props = browser_managed_schema()["properties"]
    missing = [k for k in ext["keys"] if k not in props]
    assert not missing, f"keys the extension reads but settings_schema.json does not define: {missing}"


def test_defaults_agree_with_the_extension():
    ext = _extension_settings()["defaults"]
    mine = browser_managed_values(setting_defaults())
    for key, value in mine.items():
        if key in ext:
            assert ext[key] == value, f"default of {key}: extension {ext[key]!r}, settings_schema {value!r}"


def test_browser_values_from_policy():
    vals = browser_managed_values(validate_settings(FULL))
    assert vals == {
        "allowPause": False,
        "blockOverride": "never",
        "failClosed": True,
        "pack": "pk-federal",
        "serviceUrl": "http://127.0.0.1:47814",
        "sites": ["x.com", "facebook.com", "intranet.gov.pk"],
    }
    assert browser_managed_values({"require_reason": False})["blockOverride"] == "allow"
    assert browser_managed_values({"allow_override": True})["blockOverride"] == "reason"
    assert browser_managed_values({}) == {}
    # the extension's language (issue 23): IT's choice, unset = the browser's language
    assert browser_managed_values(validate_settings({"ui_language": "ur"})) == {"uiLanguage": "ur"}
    assert "uiLanguage" not in browser_managed_values(setting_defaults())


def test_browser_schema_is_chrome_compatible():
    """Chrome accepts only a subset of JSON Schema for managed storage."""
    allowed = {"type", "title", "description", "enum", "items", "properties", "additionalProperties",
               "minimum", "maximum"}

    def walk(node, where):
        assert set(node) <= allowed, (where, set(node) - allowed)
        assert node["type"] in ("boolean", "integer", "number", "string", "array", "object"), where
        if "minimum" in node or "maximum" in node:
            assert node["type"] == "integer", where
        for k, v in node.get("properties", {}).items():
            walk(v, f"{where}.{k}")
        if "items" in node:
            walk(node["items"], where + "[]")
        if "additionalProperties" in node:
            walk(node["additionalProperties"], where + ".*")

    s = browser_managed_schema()
    assert s["type"] == "object"
    walk({k: v for k, v in s.items() if k != "description"} | {"description": ""}, "$")
    # every browser value the kit can produce validates against the generated schema
    import jsonschema

    jsonschema.validate(browser_managed_values(validate_settings(FULL)), s)


def test_gen_script_check_mode(tmp_path):
    script = ROOT / "scripts" / "gen_managed_schema.py"
    out = tmp_path / "managed_schema.json"
    assert subprocess.run([sys.executable, str(script), "--check", "--out", str(out)]).returncode == 1
    assert subprocess.run([sys.executable, str(script), "--out", str(out)]).returncode == 0
    assert json.loads(out.read_text()) == browser_managed_schema()
    assert subprocess.run([sys.executable, str(script), "--check", "--out", str(out)]).returncode == 0
