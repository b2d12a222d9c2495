"""The IT kit: CRX3 signing, ids, update manifests, Chrome/Edge/Firefox policies, machine policy."""

from __future__ import annotations

import base64
import io
import json
import plistlib
import shutil
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

try:
    import conduct_guard  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from click.testing import CliRunner

from conduct_guard.deploy import crx, itkit
from conduct_guard.cli.admin import itkit as itkit_cli
from conduct_guard.settings.machine_policy import MachinePolicyError, browser_managed_values, load_machine_policy

ROOT = Path(__file__).resolve().parents[1]
POLICY = {
    "pack": "pk-aiou",
    "enforcement": "block",
    "allow_override": False,
    "fail_closed": True,
    "sites": ["x.com", "facebook.com"],
    "org_terms": ["Project Falcon"],
    "thresholds": {"privacy": 0.4},
    "log_retention_days": 14,
}


@pytest.fixture(scope="module")
def key_path(tmp_path_factory):
    p = tmp_path_factory.mktemp("key") / "it.pem"
    itkit.load_or_create_key(p, create=True)
    return p


@pytest.fixture
def ext_dir(tmp_path):
    """A small extension folder (the real one when present)."""
    real = ROOT / "extension"
    if (real / "manifest.json").exists():
        return real
    d = tmp_path / "ext"
    (d / "src").mkdir(parents=True)
    (d / "manifest.json").write_text(json.dumps({
        "manifest_version": 3, "name": "CG", "version": "0.1.0",
        "browser_specific_settings": {"gecko": {"id": "conduct-guard@conduct-guard.org"}}}))
    (d / "src" / "a.js").write_text("console.log(1)")
    return d


@pytest.fixture
def kit(tmp_path, key_path, ext_dir):
    pol = tmp_path / "policy.json"
    pol.write_text(json.dumps(POLICY))
    out = tmp_path / "kit"
    info = itkit.build_kit(out, key_path, "https://it.example.gov.pk/conduct-guard", pol, ext_dir)
    return out, info


# ----------------------------------------------------------------- CRX3


def test_crx3_roundtrip_and_signature(key_path):
    key = itkit.load_or_create_key(key_path)
    z = io.BytesIO()
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("manifest.json", '{"manifest_version": 3, "name": "x", "version": "1"}')
    crx = itkit.crx3_pack(z.getvalue(), key)
    assert crx[:4] == b"Cr24" and struct.unpack("<I", crx[4:8])[0] == 3
    parsed = itkit.crx3_parse(crx)
    assert parsed["zip"] == z.getvalue()
    assert parsed["id"] == itkit.extension_id(itkit.public_key_der(key))
    # a changed byte in the archive breaks the signature
    bad = bytearray(crx)
    bad[-5] ^= 0xFF
    with pytest.raises(Exception):
        itkit.crx3_parse(bytes(bad))


def test_protobuf_varints():
    assert crx._varint(1) == b"\x01" and crx._varint(300) == b"\xac\x02"
    # field 10000, wire type 2 (signed_header_data): tag 80002
    assert crx._field_bytes(10000, b"")[:3] == b"\x82\xf1\x04"


def test_extension_id_known_vector():
    """The id Chrome gives the project's manifest key (also in config.EXTENSION_ORIGINS)."""
    mf = ROOT / "extension" / "manifest.json"
    if not mf.exists():
        pytest.skip("no extension manifest")
    key = json.loads(mf.read_text())["key"]
    ext_id = itkit.extension_id_from_manifest_key(key)
    assert len(ext_id) == 32 and set(ext_id) <= set("abcdefghijklmnop")
    try:
        from conduct_guard.settings.config import EXTENSION_ORIGINS
    except Exception:
        return
    assert f"chrome-extension://{ext_id}" in EXTENSION_ORIGINS


def test_key_errors(tmp_path):
    with pytest.raises(itkit.KitError, match="not found"):
        itkit.load_or_create_key(tmp_path / "missing.pem")
    bad = tmp_path / "bad.pem"
    bad.write_text("not a key")
    with pytest.raises(itkit.KitError, match="PEM"):
        itkit.load_or_create_key(bad)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    ecp = tmp_path / "ec.pem"
    ecp.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(itkit.KitError, match="RSA"):
        itkit.load_or_create_key(ecp)
    small = tmp_path / "small.pem"
    small.write_bytes(rsa.generate_private_key(65537, 1024).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    with pytest.raises(itkit.KitError, match="2048"):
        itkit.load_or_create_key(small)


# ----------------------------------------------------------------- the kit


def test_kit_layout_and_ids(kit, key_path):
    out, info = kit
    for rel in ["README-IT.md", "kit.json", "managed_settings.json", "host/update.xml", "host/updates.json",
                f"host/conduct-guard-{info['version']}.crx", f"host/conduct-guard-{info['version']}.xpi",
                f"packages/conduct-guard-{info['version']}-chrome.zip", "policies/firefox/policies.json",
                "service/policy.json", "service/autostart/conduct-guard-autostart.reg",
                "service/autostart/org.conductguard.tray.plist", "service/autostart/conduct-guard.desktop"]:
        assert (out / rel).is_file(), rel
    for b in ("chrome", "edge"):
        for ext in ("json", "reg", "mobileconfig"):
            assert (out / f"policies/{b}/conduct-guard.{ext}").is_file()
    key = itkit.load_or_create_key(key_path)
    assert info["chrome_id"] == itkit.extension_id(itkit.public_key_der(key))
    kj = json.loads((out / "kit.json").read_text())
    assert kj["chrome_id"] == info["chrome_id"] and kj["update_url"] == "https://it.example.gov.pk/conduct-guard/"
    import hashlib

    for rel, digest in kj["files"].items():
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest


def test_crx_contents(kit):
    out, info = kit
    parsed = itkit.crx3_parse((out / f"host/conduct-guard-{info['version']}.crx").read_bytes())
    assert parsed["id"] == info["chrome_id"]
    zf = zipfile.ZipFile(io.BytesIO(parsed["zip"]))
    mf = json.loads(zf.read("manifest.json"))
    assert base64.b64decode(mf["key"]) == parsed["public_key"]  # the manifest key matches the signer
    assert mf["update_url"] == "https://it.example.gov.pk/conduct-guard/update.xml"
    names = zf.namelist()
    assert not any(n.startswith(("tests/", "node_modules/", ".")) for n in names)
    store = zipfile.ZipFile(out / f"packages/conduct-guard-{info['version']}-chrome.zip")
    smf = json.loads(store.read("manifest.json"))
    assert "key" not in smf and "update_url" not in smf  # stores refuse both
    assert sorted(store.namelist()) == sorted(names)


def test_update_manifests(kit):
    out, info = kit
    import xml.etree.ElementTree as ET

    root = ET.fromstring((out / "host/update.xml").read_text())
    ns = {"g": "http://www.google.com/update2/response"}
    app = root.find("g:app", ns)
    assert app.get("appid") == info["chrome_id"]
    uc = app.find("g:updatecheck", ns)
    assert uc.get("version") == info["version"]
    assert uc.get("codebase") == f"https://it.example.gov.pk/conduct-guard/conduct-guard-{info['version']}.crx"
    ff = json.loads((out / "host/updates.json").read_text())
    upd = ff["addons"][info["firefox_id"]]["updates"][0]
    assert upd["version"] == info["version"] and upd["update_link"].endswith(".xpi")
    assert upd["update_hash"].startswith("sha256:")
    xpi = zipfile.ZipFile(out / f"host/conduct-guard-{info['version']}.xpi")
    gecko = json.loads(xpi.read("manifest.json"))["browser_specific_settings"]["gecko"]
    assert gecko["update_url"] == "https://it.example.gov.pk/conduct-guard/updates.json"


def test_one_source_for_browser_and_machine_policy(kit):
    """The machine policy file and every browser policy carry the same settings."""
    out, info = kit
    service = load_machine_policy(out / "service/policy.json")  # valid machine policy
    expected = browser_managed_values(service.settings)
    assert info["chrome_id"] in service.settings["extension_ids"]
    assert expected == json.loads((out / "managed_settings.json").read_text())
    assert expected["blockOverride"] == "never" and expected["sites"] == ["x.com", "facebook.com"]
    for b in ("chrome", "edge"):
        pol = json.loads((out / f"policies/{b}/conduct-guard.json").read_text())
        assert pol["3rdparty"]["extensions"][info["chrome_id"]] == expected
        assert pol["ExtensionInstallForcelist"] == [f"{info['chrome_id']};{info['update_xml']}"]
        s = pol["ExtensionSettings"][info["chrome_id"]]
        assert s["installation_mode"] == "force_installed" and s["update_url"] == info["update_xml"]
    ff = json.loads((out / "policies/firefox/policies.json").read_text())["policies"]
    assert ff["3rdparty"]["Extensions"][info["firefox_id"]] == expected
    fs = ff["ExtensionSettings"][info["firefox_id"]]
    assert fs["installation_mode"] == "force_installed" and fs["install_url"] == info["xpi"]
    # org terms and thresholds are the service's business, not the browser's
    assert "org_terms" in service.settings and "orgTerms" not in expected


def test_ui_language_reaches_every_browser_policy(tmp_path, key_path, ext_dir):
    """IT's ui_language (the extension's language, issue 23) is the managed uiLanguage everywhere."""
    pol = tmp_path / "policy.json"
    pol.write_text(json.dumps({"pack": "pk-federal", "ui_language": "ur"}))
    out = tmp_path / "kit"
    info = itkit.build_kit(out, key_path, "https://it.example.gov.pk/conduct-guard", pol, ext_dir)
    assert info["managed"]["uiLanguage"] == "ur"
    assert json.loads((out / "managed_settings.json").read_text())["uiLanguage"] == "ur"
    for b in ("chrome", "edge"):
        pol_json = json.loads((out / f"policies/{b}/conduct-guard.json").read_text())
        assert pol_json["3rdparty"]["extensions"][info["chrome_id"]]["uiLanguage"] == "ur"
        reg = _parse_reg((out / f"policies/{b}/conduct-guard.reg").read_bytes().decode("utf-16"))
        key = next(k for k in reg if k.endswith(f"\\3rdparty\\extensions\\{info['chrome_id']}\\policy"))
        assert reg[key]["uiLanguage"] == "ur"
        plist = plistlib.loads((out / f"policies/{b}/conduct-guard.mobileconfig").read_bytes())
        ext_payload = next(p for p in plist["PayloadContent"] if ".extensions." in p["PayloadType"])
        assert ext_payload["uiLanguage"] == "ur"
    ff = json.loads((out / "policies/firefox/policies.json").read_text())["policies"]
    assert ff["3rdparty"]["Extensions"][info["firefox_id"]]["uiLanguage"] == "ur"
    assert json.loads((out / "service/policy.json").read_text())["ui_language"] == "ur"


def _parse_reg(text: str) -> dict:
    assert text.startswith("Windows Registry Editor Version 5.00\r\n")
    keys, cur = {}, None
    for line in text.split("\r\n"):
        if line.startswith("["):
            cur = line.strip("[]")
            keys[cur] = {}
        elif "=" in line and cur:
            name, _, val = line.partition("=")
            name = json.loads(name)
            if val.startswith("dword:"):
                keys[cur][name] = int(val[6:], 16)
            else:
                keys[cur][name] = json.loads(val)  # .reg string escaping is JSON-compatible here
    return keys


@pytest.mark.parametrize("browser,vendor", [("chrome", "Google\\Chrome"), ("edge", "Microsoft\\Edge")])
def test_windows_reg(kit, browser, vendor):
    out, info = kit
    raw = (out / f"policies/{browser}/conduct-guard.reg").read_bytes()
    assert raw[:2] == b"\xff\xfe"  # UTF-16LE with BOM, as regedit writes them
    keys = _parse_reg(raw.decode("utf-16"))
    base = f"HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\{vendor}"
    assert keys[f"{base}\\ExtensionInstallForcelist"]["1"] == f"{info['chrome_id']};{info['update_xml']}"
    assert json.loads(keys[base]["ExtensionSettings"])[info["chrome_id"]]["installation_mode"] == "force_installed"
    pol = keys[f"{base}\\3rdparty\\extensions\\{info['chrome_id']}\\policy"]
    assert pol["failClosed"] == 1 and pol["blockOverride"] == "never" and pol["pack"] == "pk-aiou"
    assert json.loads(pol["sites"]) == ["x.com", "facebook.com"]  # lists as JSON strings


@pytest.mark.parametrize("browser,domain", [("chrome", "com.google.Chrome"), ("edge", "com.microsoft.Edge")])
def test_macos_mobileconfig(kit, browser, domain):
    out, info = kit
    prof = plistlib.loads((out / f"policies/{browser}/conduct-guard.mobileconfig").read_bytes())
    assert prof["PayloadType"] == "Configuration" and prof["PayloadScope"] == "System"
    by_type = {p["PayloadType"]: p for p in prof["PayloadContent"]}
    assert by_type[domain]["ExtensionInstallForcelist"] == [f"{info['chrome_id']};{info['update_xml']}"]
    ext = by_type[f"{domain}.extensions.{info['chrome_id']}"]
    assert ext["blockOverride"] == "never" and ext["sites"] == ["x.com", "facebook.com"]
    uuids = [p["PayloadUUID"] for p in prof["PayloadContent"]] + [prof["PayloadUUID"]]
    assert len(set(uuids)) == len(uuids)


def test_kit_is_reproducible(tmp_path, key_path, ext_dir):
    pol = tmp_path / "p.json"
    pol.write_text(json.dumps(POLICY))
    a = itkit.build_kit(tmp_path / "a", key_path, "https://h/x", pol, ext_dir)
    b = itkit.build_kit(tmp_path / "b", key_path, "https://h/x", pol, ext_dir)
    same = {k for k in a["files"] if a["files"][k] == b["files"][k]}
    assert same == set(a["files"])  # RSA PKCS#1 v1.5 is deterministic, zips use a fixed time


def test_defaults_without_policy(tmp_path, key_path, ext_dir):
    info = itkit.build_kit(tmp_path / "k", key_path, "https://h/x", None, ext_dir)
    assert info["managed"] == {}
    assert json.loads((tmp_path / "k/service/policy.json").read_text()) == {"extension_ids": [info["chrome_id"]]}


def test_bad_inputs(tmp_path, key_path, ext_dir):
    with pytest.raises(itkit.KitError, match="update-url"):
        itkit.build_kit(tmp_path / "k1", key_path, "ftp://x/", None, ext_dir)
    bad = tmp_path / "bad.json"
    bad.write_text('{"enforcement": "strict"}')
    with pytest.raises(MachinePolicyError, match="key 'enforcement'"):
        itkit.build_kit(tmp_path / "k2", key_path, "https://h/", bad, ext_dir)
    (tmp_path / "k3").mkdir()
    (tmp_path / "k3" / "x").write_text("")
    with pytest.raises(itkit.KitError, match="not empty"):
        itkit.build_kit(tmp_path / "k3", key_path, "https://h/", None, ext_dir)


def test_cli(tmp_path, ext_dir):
    pol = tmp_path / "p.json"
    pol.write_text(json.dumps(POLICY))
    r = CliRunner().invoke(itkit_cli, ["--out", str(tmp_path / "kit"), "--key", str(tmp_path / "k.pem"), "--new-key",
                                       "--update-url", "https://h/cg", "--policy", str(pol),
                                       "--extension-dir", str(ext_dir)])
    assert r.exit_code == 0, r.output
    assert "Chrome/Edge extension id:" in r.output
    r = CliRunner().invoke(itkit_cli, ["--out", str(tmp_path / "kit2"), "--key", str(tmp_path / "none.pem"),
                                       "--update-url", "https://h/cg", "--extension-dir", str(ext_dir)])
    assert r.exit_code != 0 and "not found" in r.output
    pol.write_text('{"sites": ["https://x.com"]}')
    r = CliRunner().invoke(itkit_cli, ["--out", str(tmp_path / "kit3"), "--key", str(tmp_path / "k.pem"),
                                       "--update-url", "https://h/cg", "--policy", str(pol),
                                       "--extension-dir", str(ext_dir)])
    assert r.exit_code != 0 and "sites[0]" in r.output and str(pol) in r.output


def test_http_update_url_warns_and_leaves_firefox_without_update_url(tmp_path, key_path, ext_dir):
    info = itkit.build_kit(tmp_path / "k", key_path, "http://127.0.0.1:8080/cg", None, ext_dir)
    assert info["warnings"] and "https" in info["warnings"][0]
    xpi = zipfile.ZipFile(tmp_path / f"k/host/conduct-guard-{info['version']}.xpi")
    assert "update_url" not in json.loads(xpi.read("manifest.json"))["browser_specific_settings"]["gecko"]


def _zip_manifest(data) -> dict:
    return json.loads(zipfile.ZipFile(io.BytesIO(data) if isinstance(data, bytes) else data).read("manifest.json"))


def test_the_kit_packages_each_browser_by_the_one_definition(kit, ext_dir):
    """browser_targets.json says what each package leaves out; the kit's CRX, store zip and XPI follow
    it (they once kept background.scripts for Chrome and the service worker for Firefox)."""
    out, info = kit
    source = json.loads((ext_dir / "manifest.json").read_text())
    crx_mf = _zip_manifest(itkit.crx3_parse((out / f"host/conduct-guard-{info['version']}.crx").read_bytes())["zip"])
    expected = itkit.manifest_for("chrome-it", source)
    assert crx_mf.pop("update_url") == "https://it.example.gov.pk/conduct-guard/update.xml"
    assert crx_mf.pop("key") != expected.pop("key", None)  # IT's own key, not the project's
    assert crx_mf == expected
    store_mf = _zip_manifest(out / f"packages/conduct-guard-{info['version']}-chrome.zip")
    assert store_mf == itkit.manifest_for("chrome", source)
    xpi_mf = _zip_manifest(out / f"host/conduct-guard-{info['version']}.xpi")
    xpi_mf["browser_specific_settings"]["gecko"].pop("update_url")
    assert xpi_mf == itkit.manifest_for("firefox", source)


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_package_extension_mjs_uses_the_same_definition(tmp_path):
    """scripts/package_extension.mjs (the store zips) reads the same browser_targets.json."""
    subprocess.run(["node", str(ROOT / "scripts" / "package_extension.mjs"), "--out", str(tmp_path)], check=True,
                   capture_output=True, cwd=ROOT)
    source = json.loads((ROOT / "extension" / "manifest.json").read_text())
    for target in ("chrome", "chrome-it", "firefox"):
        assert _zip_manifest(tmp_path / f"{target}.zip") == itkit.manifest_for(target, source), target
    firefox = _zip_manifest(tmp_path / "firefox.zip")
    assert "service_worker" not in firefox["background"] and "key" not in firefox
    chrome = _zip_manifest(tmp_path / "chrome.zip")
    assert "scripts" not in chrome["background"] and "browser_specific_settings" not in chrome
