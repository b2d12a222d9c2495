"""Autostart entries for Windows, macOS and Linux, per user and machine-wide (file contents, no live OS)."""

from __future__ import annotations

import configparser
import json
import os
import plistlib
import shlex
import sys
from pathlib import Path

import pytest

try:
    import conduct_guard  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from click.testing import CliRunner

from conduct_guard.desktop import autostart as a
from conduct_guard.cli.admin import autostart as autostart_cli

CMD = ["/opt/Conduct Guard/bin/python3", "-m", "conduct_guard.tray"]
WINCMD = [r"C:\Program Files\Conduct Guard\pythonw.exe", "-m", "conduct_guard.tray"]


def fs_path(root: Path, location: str) -> Path:
    return root.joinpath(*Path(location).parts[1:])


# ----------------------------------------------------------------- Linux: XDG


@pytest.mark.parametrize("machine,location", [
    (False, "/home/officer/.config/autostart/conduct-guard.desktop"),
    (True, "/etc/xdg/autostart/conduct-guard.desktop"),
])
def test_linux_xdg(tmp_path, machine, location):
    e = a.enable("linux", machine, "xdg", CMD, home="/home/officer", root=tmp_path, env={})
    assert e.location == location
    f = fs_path(tmp_path, location)
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read_string(f.read_text())
    d = cp["Desktop Entry"]
    assert d["Type"] == "Application" and d["Terminal"] == "false"
    assert d["X-GNOME-Autostart-enabled"] == "true"
    # the Exec line parses back to the same argv (quoted path with a space)
    assert shlex.split(d["Exec"]) == CMD
    assert d["Exec"].startswith('"/opt/Conduct Guard/bin/python3" ')
    assert oct(f.stat().st_mode & 0o777) == "0o644"
    st = a.status("linux", home="/home/officer", root=tmp_path, env={})
    assert st["machine" if machine else "user"]["enabled"] and st["enabled"]
    assert not st["user" if machine else "machine"]["enabled"]
    e2, removed = a.disable("linux", machine, "xdg", home="/home/officer", root=tmp_path, env={})
    assert removed and not f.exists()
    assert a.disable("linux", machine, "xdg", home="/home/officer", root=tmp_path, env={})[1] is False
    assert not a.status("linux", home="/home/officer", root=tmp_path, env={})["enabled"]


def test_linux_xdg_config_home(tmp_path):
    e = a.entry_for("linux", False, "xdg", CMD, home="/home/o", env={"XDG_CONFIG_HOME": "/home/o/cfg"})
    assert e.location == "/home/o/cfg/autostart/conduct-guard.desktop"


def test_desktop_exec_escaping():
    line = a.desktop_entry(["/usr/bin/py", "a$b", 'q"x', "100%"]).split("Exec=")[1].split("\n")[0]
    assert line == '/usr/bin/py "a\\$b" "q\\"x" 100%%'


# ----------------------------------------------------------------- Linux: systemd user unit


@pytest.mark.parametrize("machine,base", [
    (False, "/home/officer/.config/systemd/user"),
    (True, "/etc/systemd/user"),
])
def test_linux_systemd(tmp_path, machine, base):
    e = a.enable("linux", machine, "systemd", CMD, home="/home/officer", root=tmp_path, env={})
    assert e.location == f"{base}/conduct-guard.service"
    unit = fs_path(tmp_path, e.location)
    cp = configparser.ConfigParser(interpolation=None)
    cp.optionxform = str
    cp.read_string(unit.read_text())
    assert shlex.split(cp["Service"]["ExecStart"]) == CMD
    assert cp["Service"]["Restart"] == "on-failure"
    assert cp["Install"]["WantedBy"] == "graphical-session.target"
    assert cp["Unit"]["PartOf"] == "graphical-session.target"
    link = fs_path(tmp_path, f"{base}/graphical-session.target.wants/conduct-guard.service")
    assert link.is_symlink() and link.resolve() == unit.resolve()   # what `systemctl enable` makes
    st = a.status("linux", "systemd", home="/home/officer", root=tmp_path, env={})
    entry = st["machine" if machine else "user"]["entries"][0]
    assert entry["enabled"] is True and entry["method"] == "systemd"
    assert a.disable("linux", machine, "systemd", home="/home/officer", root=tmp_path, env={})[1]
    assert not unit.exists() and not link.is_symlink()


# ----------------------------------------------------------------- macOS


@pytest.mark.parametrize("machine,location", [
    (False, "/Users/officer/Library/LaunchAgents/org.conductguard.tray.plist"),
    (True, "/Library/LaunchAgents/org.conductguard.tray.plist"),
])
def test_macos_launch_agent(tmp_path, machine, location):
    e = a.enable("darwin", machine, None, CMD, home="/Users/officer", root=tmp_path)
    assert e.location == location and e.method == "launchd"
    pl = plistlib.loads(fs_path(tmp_path, location).read_bytes())
    assert pl["Label"] == "org.conductguard.tray"
    assert pl["ProgramArguments"] == CMD
    assert pl["RunAtLoad"] is True
    assert pl["KeepAlive"] == {"SuccessfulExit": False}   # restarts after a crash, not after Quit
    assert pl["LimitLoadToSessionType"] == "Aqua"
    assert a.status("darwin", home="/Users/officer", root=tmp_path)["machine" if machine else "user"]["enabled"]
    assert a.disable("darwin", machine, home="/Users/officer", root=tmp_path)[1]
    assert not a.status("darwin", home="/Users/officer", root=tmp_path)["enabled"]


# ----------------------------------------------------------------- Windows


@pytest.mark.parametrize("machine,hive", [(False, "HKCU"), (True, "HKLM")])
def test_windows_run_key(tmp_path, machine, hive):
    reg = a.FileRegistry(tmp_path / "reg.json")
    e = a.enable("win32", machine, None, WINCMD, registry=reg)
    assert e.location == f"{hive}\\Software\\Microsoft\\Windows\\CurrentVersion\\Run\\ConductGuard"
    val = reg.get(hive, r"Software\Microsoft\Windows\CurrentVersion\Run", "ConductGuard")
    assert val == '"C:\\Program Files\\Conduct Guard\\pythonw.exe" -m conduct_guard.tray'
    st = a.status("win32", registry=reg)
    assert st["machine" if machine else "user"]["entries"][0]["command"] == val
    assert not st["user" if machine else "machine"]["enabled"]
    assert a.disable("win32", machine, registry=reg)[1]
    assert not a.status("win32", registry=reg)["enabled"]


def test_windows_reg_file():
    txt = a.reg_file(WINCMD, machine=True)
    assert txt.startswith("Windows Registry Editor Version 5.00\r\n")
    assert "[HKEY_LOCAL_MACHINE\\Software\\Microsoft\\Windows\\CurrentVersion\\Run]" in txt
    assert '"ConductGuard"="\\"C:\\\\Program Files\\\\Conduct Guard\\\\pythonw.exe\\" -m conduct_guard.tray"' in txt
    assert "HKEY_CURRENT_USER" in a.reg_file(WINCMD, machine=False)


def test_default_command_runs_the_tray_module():
    assert a.default_command("linux")[1:] == ["-m", "conduct_guard.tray"]
    assert a.default_command("linux")[0] == sys.executable
    if not sys.platform.startswith("win"):
        assert a.default_command("win32")[0] == "pythonw.exe"


def test_permission_error_is_clear(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    os.chmod(ro, 0o500)
    try:
        if os.geteuid() == 0:
            pytest.skip("root can write anywhere")
        with pytest.raises(a.AutostartError, match="permission denied"):
            a.enable("linux", True, "xdg", CMD, root=ro)
    finally:
        os.chmod(ro, 0o700)


# ----------------------------------------------------------------- CLI


@pytest.mark.parametrize("platform,extra,expect", [
    ("linux", [], "etc/xdg/autostart/conduct-guard.desktop"),
    ("linux", ["--method", "systemd"], "etc/systemd/user/conduct-guard.service"),
    ("darwin", [], "Library/LaunchAgents/org.conductguard.tray.plist"),
])
def test_cli_machine_enable_status_disable(tmp_path, platform, extra, expect):
    r = CliRunner()
    args = ["--platform", platform, "--root", str(tmp_path), "--machine", *extra]
    res = r.invoke(autostart_cli, ["enable", *args, "--command", json.dumps(CMD)])
    assert res.exit_code == 0, res.output
    assert (tmp_path / expect).exists()
    res = r.invoke(autostart_cli, ["status", *args, "--json"])
    assert json.loads(res.output)["machine"]["enabled"] is True
    res = r.invoke(autostart_cli, ["disable", *args])
    assert res.exit_code == 0 and "removed" in res.output
    assert not (tmp_path / expect).exists()
    assert "machine: disabled" in r.invoke(autostart_cli, ["status", *args]).output


def test_cli_windows_staged(tmp_path):
    r = CliRunner()
    res = r.invoke(autostart_cli, ["enable", "--platform", "win32", "--root", str(tmp_path)])
    assert res.exit_code == 0, res.output
    reg = json.loads((tmp_path / "registry.json").read_text())
    assert reg["HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run"]["ConductGuard"].endswith("-m conduct_guard.tray")
    res = r.invoke(autostart_cli, ["status", "--platform", "win32", "--root", str(tmp_path)])
    assert "user: enabled (registry)" in res.output


@pytest.mark.skipif(sys.platform.startswith("win"), reason="checks the non-Windows refusal")
def test_cli_windows_without_root_is_refused():
    res = CliRunner().invoke(autostart_cli, ["enable", "--platform", "win32"])
    assert res.exit_code != 0 and "only reachable on Windows" in res.output


def test_cli_user_enable_with_home(tmp_path):
    r = CliRunner()
    res = r.invoke(autostart_cli, ["enable", "--platform", "linux", "--home", str(tmp_path)], env={"XDG_CONFIG_HOME": ""})
    assert res.exit_code == 0, res.output
    assert (tmp_path / ".config/autostart/conduct-guard.desktop").exists()
