"""docs/IT.md as an IT department follows it, against the package as `pip install .` leaves it.

The package is installed with pip into a fresh ``--target`` folder and every
``conduct-guard itkit ...`` command of docs/IT.md runs as written, from a folder outside the
checkout, so the checkout's extension/ and docs/ cannot stand in for files the install lacks.
"""

from __future__ import annotations

import json
import os
import plistlib
import re
import shlex
import subprocess
import sys
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "IT.md"


def code_blocks(text: str) -> list[tuple[str, str]]:
    """(language, body) of every fenced block."""
    return [(m.group(1), m.group(2)) for m in re.finditer(r"^```(\w*)\n(.*?)^```", text, re.S | re.M)]


def itkit_commands(text: str) -> list[str]:
    out = []
    for _, body in code_blocks(text):
        joined = re.sub(r"\\\n\s*", " ", body)  # shell line continuations
        out += [line.strip() for line in joined.splitlines() if line.strip().startswith("conduct-guard itkit")]
    return out


def documented_kit_paths(text: str) -> list[str]:
    """The paths of the kit listing (the block whose lines start with kit/)."""
    for lang, body in code_blocks(text):
        lines = [line.split()[0] for line in body.splitlines() if line.strip()]
        if lang == "" and lines and all(p.startswith("kit/") for p in lines):
            return [p[len("kit/"):] for p in lines]
    raise AssertionError("docs/IT.md has no kit listing")


def test_extension_data_files_match_the_extension_folder():
    proc = subprocess.run([sys.executable, str(ROOT / "scripts" / "extension_data_files.py"), "--check"],
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr


def test_docs_name_the_kit_extra():
    text = DOC.read_text(encoding="utf-8")
    section2 = text[text.index("## 2."):text.index("## 3.")]
    assert '".[kit]"' in section2 and "conduct-guard[kit]" in section2
    assert "\nkit =\n    cryptography" in (ROOT / "setup.cfg").read_text(encoding="utf-8")


def test_itkit_without_the_kit_extra_says_how_to_get_it(monkeypatch, tmp_path):
    import importlib.util

    from click.testing import CliRunner

    from conduct_guard.cli.commands import main

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "cryptography" else real(name, *a))
    result = CliRunner().invoke(main, ["itkit", "--out", str(tmp_path / "kit"), "--key", str(tmp_path / "k.pem"),
                                       "--new-key", "--update-url", "https://example.gov.pk/cg/"])
    assert result.exit_code == 1
    assert 'pip install ".[kit]"' in result.output and "Traceback" not in result.output
    assert not (tmp_path / "kit").exists()


def test_docs_name_the_tray_extra():
    text = DOC.read_text(encoding="utf-8")
    section3 = text[text.index("## 3."):text.index("## 4.")]
    assert '".[tray]"' in section3 and "conduct-guard[tray]" in section3
    assert "\ntray =" in (ROOT / "setup.cfg").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    base = tmp_path_factory.mktemp("installed")
    site = base / "site"
    proc = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--disable-pip-version-check",
                           "--target", str(site), str(ROOT)],
                          cwd=base, capture_output=True, text=True, timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site


def _env(tmp_path: Path, site: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CONDUCT_GUARD_") and k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    env["CONDUCT_GUARD_CONFIG"] = str(tmp_path / "none.json")
    env["CONDUCT_GUARD_MACHINE_POLICY"] = str(tmp_path / "none-policy.json")
    return env


def test_every_documented_itkit_command_works_installed(installed, tmp_path):
    text = DOC.read_text(encoding="utf-8")
    work = tmp_path / "work"  # outside the checkout: no extension/ or docs/ to fall back on
    work.mkdir()
    env = _env(tmp_path, installed)

    # the code really comes from the install, and it finds the installed extension
    where = subprocess.run([sys.executable, "-c",
                            "import conduct_guard, conduct_guard.deploy.itkit as k; "
                            "print(conduct_guard.__file__); print(k.find_extension_dir()); print(k.find_it_doc())"],
                           cwd=work, env=env, capture_output=True, text=True, timeout=60)
    assert where.returncode == 0, where.stderr
    for line in where.stdout.split():
        assert Path(line).resolve().is_relative_to(installed.resolve()), where.stdout
    installed_manifest = installed / "share" / "conduct-guard" / "extension" / "manifest.json"
    assert json.loads(installed_manifest.read_text()) == json.loads((ROOT / "extension" / "manifest.json").read_text())

    commands = itkit_commands(text)
    assert commands, "docs/IT.md shows no conduct-guard itkit command"
    # the files the commands name, made here: the documented example policy and an RSA key
    policy_example = next(body for lang, body in code_blocks(text) if lang == "json")
    policy = json.loads(policy_example)
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    script = installed / "bin" / "conduct-guard"
    assert script.is_file(), "pip did not install the conduct-guard command"

    ids = set()
    for command in commands:
        argv = shlex.split(command)
        opts = {a: argv[i + 1] for i, a in enumerate(argv[:-1]) if a.startswith("--")}
        if "--key" in opts:
            (work / opts["--key"]).write_bytes(pem)
        if "--policy" in opts:
            (work / opts["--policy"]).write_text(policy_example, encoding="utf-8")
        proc = subprocess.run([sys.executable, str(script), *argv[1:]], cwd=work, env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, f"{command}\n{proc.stdout}\n{proc.stderr}"
        out = work / opts["--out"]
        info = json.loads((out / "kit.json").read_text())
        assert info["chrome_id"] in proc.stdout  # "The command prints the Chrome/Edge extension id."
        ids.add(info["chrome_id"])

        # every file of the documented listing
        for rel in documented_kit_paths(text):
            assert (out / rel).exists(), f"{command}: {rel} missing"
        assert len(list((out / "host").iterdir())) == 4  # "copy these four files"
        for rel in ("policies/chrome/conduct-guard.json", "policies/chrome/conduct-guard.reg",
                    "policies/chrome/conduct-guard.mobileconfig", "policies/edge/conduct-guard.json",
                    "policies/edge/conduct-guard.reg", "policies/edge/conduct-guard.mobileconfig",
                    "policies/firefox/policies.json", "service/autostart/conduct-guard-autostart.reg",
                    "service/autostart/org.conductguard.tray.plist", "service/autostart/conduct-guard.desktop",
                    f"packages/conduct-guard-{info['version']}-chrome.zip",
                    f"packages/conduct-guard-{info['version']}-firefox.zip"):
            assert (out / rel).is_file(), f"{command}: {rel} missing"
        # the documented policy reached the machine policy
        service_policy = json.loads((out / "service" / "policy.json").read_text())
        for k, v in policy.items():
            assert service_policy[k] == v

        # README-IT.md: a real page with this organisation's values
        readme = (out / "README-IT.md").read_text(encoding="utf-8")
        assert "See docs/IT.md" not in readme
        assert "## 4. Push the browser policies" in readme and "### Windows with Group Policy" in readme
        assert info["chrome_id"] in readme and info["firefox_id"] in readme
        assert f"{info['chrome_id']};{info['update_xml']}" in readme
        assert opts["--update-url"].rstrip("/") + "/" in readme
        assert f"com.google.Chrome.extensions.{info['chrome_id']}" in readme
        assert f"extensions\\{info['chrome_id']}\\policy" in readme
        for leftover in ("<id>", "conduct-guard-VERSION", "ID;https://.../update.xml"):
            assert leftover not in readme
        for k, v in policy.items():
            assert f"`{k}` | `{json.dumps(v, ensure_ascii=False)}`" in readme
        assert "[tray]" in readme
        pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", readme)
        assert pictures and all((out / rel).is_file() for rel in pictures), pictures  # the kit shows them too

        # autostart: an absolute interpreter running the tray module, as `autostart enable` writes
        desktop = (out / "service/autostart/conduct-guard.desktop").read_text()
        exec_args = shlex.split(re.search(r"^Exec=(.*)$", desktop, re.M).group(1))
        plist = plistlib.loads((out / "service/autostart/org.conductguard.tray.plist").read_bytes())
        reg = (out / "service/autostart/conduct-guard-autostart.reg").read_bytes().decode("utf-16")
        run_value = re.search(r'"ConductGuard"="(.*)"', reg).group(1).replace("\\\\", "\\").replace('\\"', '"')
        for args, pure in ((exec_args, PurePosixPath), (plist["ProgramArguments"], PurePosixPath)):
            assert pure(args[0]).is_absolute() and args[1:] == ["-m", "conduct_guard.tray"], args
            assert args[0] in readme
        win_exe = run_value[1:run_value.index('"', 1)] if run_value.startswith('"') else run_value.split()[0]
        assert PureWindowsPath(win_exe).is_absolute(), run_value
        assert run_value.endswith(" -m conduct_guard.tray")
        assert info["autostart"]["windows"][0] == win_exe

    assert len(ids) == 1  # the same key keeps the same extension id
