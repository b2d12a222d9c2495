"""Start the Conduct Guard tray (and with it the local service) at login.

Per user, or machine-wide for IT:

=========  ==================================================  =====================================================
OS         per user                                            machine-wide
=========  ==================================================  =====================================================
Windows    HKCU\\Software\\Microsoft\\Windows\\CurrentVersion\\Run   HKLM\\Software\\Microsoft\\Windows\\CurrentVersion\\Run
           value ``ConductGuard``                              value ``ConductGuard``
macOS      ~/Library/LaunchAgents/org.conductguard.tray.plist  /Library/LaunchAgents/org.conductguard.tray.plist
Linux xdg  ~/.config/autostart/conduct-guard.desktop           /etc/xdg/autostart/conduct-guard.desktop
Linux      ~/.config/systemd/user/conduct-guard.service        /etc/systemd/user/conduct-guard.service
systemd    (+ graphical-session.target.wants/ link)            (+ graphical-session.target.wants/ link)
=========  ==================================================  =====================================================

Everything is computed from ``platform`` (``sys.platform`` style), ``home`` and ``root`` so that
the files can be produced and tested on any OS: ``root`` prefixes every absolute path (a staging
folder), and the Windows registry is behind a tiny interface with a JSON-file stand-in.
"""

from __future__ import annotations

import json
import os
import plistlib
import sys
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Protocol, Sequence

APP_NAME = "Conduct Guard"
RUN_VALUE = "ConductGuard"
LAUNCHD_LABEL = "org.conductguard.tray"
DESKTOP_FILE = "conduct-guard.desktop"
SYSTEMD_UNIT = "conduct-guard.service"
RUN_KEY = r"Software\Microsoft\Windows\CurrentVersion\Run"
# The module autostart runs. It stays `conduct_guard.tray` (a thin module that runs
# desktop/tray.py), not the tray's home, because entries already written on officers' machines
# and IT's kits name it; one name for old and new entries.
TRAY_MODULE = "conduct_guard.tray"

__all__ = [
    "AutostartError",
    "Entry",
    "default_command",
    "entry_for",
    "enable",
    "disable",
    "status",
    "desktop_entry",
    "systemd_unit",
    "launch_agent_plist",
    "windows_run_command",
    "reg_file",
    "FileRegistry",
]


class AutostartError(RuntimeError):
    pass


# --------------------------------------------------------------------------- the command


def default_command(platform: str | None = None) -> list[str]:
    """What autostart runs: this Python running the tray module.

    On Windows the console-less ``pythonw.exe`` beside this interpreter is used, so no console
    window opens at login; when staging for Windows from another OS it is ``pythonw.exe`` on PATH.
    """
    platform = platform or sys.platform
    exe = sys.executable or "python3"
    if platform.startswith("win"):
        if sys.platform.startswith("win"):
            w = Path(exe).with_name("pythonw.exe")
            exe = str(w) if w.exists() else exe
        else:
            exe = "pythonw.exe"
    return [exe, "-m", TRAY_MODULE]


def _desktop_quote(arg: str) -> str:
    # Desktop Entry Specification, "The Exec key": quote args with reserved chars, escape ", `, $, \
    reserved = set(' \t\n"\'\\><~|&;$*?#()`')
    arg = arg.replace("%", "%%")
    if not arg or any(ch in reserved for ch in arg):
        inner = "".join("\\" + ch if ch in '"`$\\' else ch for ch in arg)
        return f'"{inner}"'
    return arg


def windows_run_command(command: Sequence[str]) -> str:
    """One command line for a Run value (Windows quoting rules via subprocess.list2cmdline)."""
    import subprocess

    return subprocess.list2cmdline(list(command))


def desktop_entry(command: Sequence[str]) -> str:
    exec_line = " ".join(_desktop_quote(a) for a in command)
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        f"Name={APP_NAME}\n"
        "Comment=Warns before a social-media post breaks the conduct rules\n"
        f"Exec={exec_line}\n"
        "Icon=security-high\n"
        "Terminal=false\n"
        "Categories=Utility;\n"
        "X-GNOME-Autostart-enabled=true\n"
        "X-GNOME-Autostart-Delay=2\n"
        "X-KDE-autostart-after=panel\n"
    )


def _systemd_quote(arg: str) -> str:
    if arg and all(ch.isalnum() or ch in "/._-+=:,@" for ch in arg):
        return arg.replace("%", "%%")
    inner = arg.replace("\\", "\\\\").replace('"', '\\"').replace("%", "%%")
    return f'"{inner}"'


def systemd_unit(command: Sequence[str]) -> str:
    exec_start = " ".join(_systemd_quote(a) for a in command)
    return (
        "[Unit]\n"
        f"Description={APP_NAME} (tray icon and local checking service)\n"
        "PartOf=graphical-session.target\n"
        "After=graphical-session.target\n"
        "\n"
        "[Service]\n"
        "Type=simple\n"
        f"ExecStart={exec_start}\n"
        "Restart=on-failure\n"
        "RestartSec=5\n"
        "\n"
        "[Install]\n"
        "WantedBy=graphical-session.target\n"
    )


def launch_agent_plist(command: Sequence[str]) -> bytes:
    return plistlib.dumps(
        {
            "Label": LAUNCHD_LABEL,
            "ProgramArguments": list(command),
            "RunAtLoad": True,
            # restart after a crash, not after the officer chose Quit (exit status 0)
            "KeepAlive": {"SuccessfulExit": False},
            "ProcessType": "Interactive",
            "LimitLoadToSessionType": "Aqua",
        },
        sort_keys=True,
    )


def reg_file(command: Sequence[str], machine: bool) -> str:
    """A .reg file that sets the Run value (what IT can push with GPO/Intune)."""
    hive = "HKEY_LOCAL_MACHINE" if machine else "HKEY_CURRENT_USER"
    value = windows_run_command(command).replace("\\", "\\\\").replace('"', '\\"')
    return f'Windows Registry Editor Version 5.00\r\n\r\n[{hive}\\{RUN_KEY}]\r\n"{RUN_VALUE}"="{value}"\r\n'


# --------------------------------------------------------------------------- registry


class Registry(Protocol):
    def get(self, hive: str, key: str, name: str) -> str | None: ...
    def set(self, hive: str, key: str, name: str, value: str) -> None: ...
    def delete(self, hive: str, key: str, name: str) -> bool: ...


class WinRegistry:  # pragma: no cover - exercised on Windows only
    def _hive(self, hive: str):
        import winreg

        return {"HKCU": winreg.HKEY_CURRENT_USER, "HKLM": winreg.HKEY_LOCAL_MACHINE}[hive]

    def get(self, hive, key, name):
        import winreg

        try:
            with winreg.OpenKey(self._hive(hive), key) as k:
                return winreg.QueryValueEx(k, name)[0]
        except FileNotFoundError:
            return None

    def set(self, hive, key, name, value):
        import winreg

        with winreg.CreateKeyEx(self._hive(hive), key, 0, winreg.KEY_SET_VALUE) as k:
            winreg.SetValueEx(k, name, 0, winreg.REG_SZ, value)

    def delete(self, hive, key, name):
        import winreg

        try:
            with winreg.OpenKey(self._hive(hive), key, 0, winreg.KEY_SET_VALUE) as k:
                winreg.DeleteValue(k, name)
            return True
        except FileNotFoundError:
            return False


class FileRegistry:
    """A JSON file standing in for the registry (tests, and staging on another OS)."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _read(self) -> dict:
        try:
            return json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def get(self, hive, key, name):
        return self._read().get(f"{hive}\\{key}", {}).get(name)

    def set(self, hive, key, name, value):
        d = self._read()
        d.setdefault(f"{hive}\\{key}", {})[name] = value
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(d, indent=2, sort_keys=True), encoding="utf-8")

    def delete(self, hive, key, name):
        d = self._read()
        existed = d.get(f"{hive}\\{key}", {}).pop(name, None) is not None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(d, indent=2, sort_keys=True), encoding="utf-8")
        return existed


# --------------------------------------------------------------------------- entries


@dataclass
class Entry:
    platform: str
    machine: bool
    method: str  # "registry", "launchd", "xdg", "systemd"
    location: str  # file path, or registry key\\value
    content: str  # what gets written (text; the plist as XML text)
    links: list[tuple[str, str]] = field(default_factory=list)  # (link path, target) for systemd enable

    def to_dict(self) -> dict:
        return {
            "platform": self.platform,
            "scope": "machine" if self.machine else "user",
            "method": self.method,
            "location": self.location,
        }


def _under(root: Path | None, p: PurePosixPath | Path) -> Path:
    if root is None:
        return Path(p)
    return Path(root).joinpath(*PurePosixPath(str(p)).parts[1:]) if str(p).startswith("/") else Path(root) / p


def _home(home: Path | str | None) -> PurePosixPath:
    return PurePosixPath(str(home)) if home is not None else PurePosixPath(str(Path.home()))


def _xdg_config_home(home: PurePosixPath, env) -> PurePosixPath:
    xdg = env.get("XDG_CONFIG_HOME")
    return PurePosixPath(xdg) if xdg and xdg.startswith("/") else home / ".config"


def entry_for(
    platform: str | None = None,
    machine: bool = False,
    method: str | None = None,
    command: Sequence[str] | None = None,
    home: Path | str | None = None,
    env=None,
) -> Entry:
    """The autostart entry for an OS and scope (nothing is written)."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    command = list(command) if command else default_command(platform)
    if platform.startswith("win"):
        hive = "HKLM" if machine else "HKCU"
        return Entry(platform, machine, "registry", f"{hive}\\{RUN_KEY}\\{RUN_VALUE}", windows_run_command(command))
    if platform == "darwin":
        base = PurePosixPath("/Library/LaunchAgents") if machine else _home(home) / "Library/LaunchAgents"
        return Entry(platform, machine, "launchd", str(base / f"{LAUNCHD_LABEL}.plist"),
                     launch_agent_plist(command).decode("utf-8"))
    method = method or "xdg"
    if method == "xdg":
        base = PurePosixPath("/etc/xdg/autostart") if machine else _xdg_config_home(_home(home), env) / "autostart"
        return Entry(platform, machine, "xdg", str(base / DESKTOP_FILE), desktop_entry(command))
    if method == "systemd":
        base = PurePosixPath("/etc/systemd/user") if machine else _xdg_config_home(_home(home), env) / "systemd/user"
        unit = base / SYSTEMD_UNIT
        link = base / "graphical-session.target.wants" / SYSTEMD_UNIT
        return Entry(platform, machine, "systemd", str(unit), systemd_unit(command), links=[(str(link), str(unit))])
    raise AutostartError(f"unknown method {method!r} (use xdg or systemd)")


def _registry(platform: str, root: Path | None, registry: Registry | None) -> Registry:
    if registry is not None:
        return registry
    if root is not None:
        return FileRegistry(Path(root) / "registry.json")
    if sys.platform.startswith("win"):
        return WinRegistry()
    raise AutostartError("the Windows registry is only reachable on Windows (use --root DIR to stage)")


def enable(
    platform: str | None = None,
    machine: bool = False,
    method: str | None = None,
    command: Sequence[str] | None = None,
    home: Path | str | None = None,
    root: Path | str | None = None,
    registry: Registry | None = None,
    env=None,
) -> Entry:
    e = entry_for(platform, machine, method, command, home, env)
    root = Path(root) if root is not None else None
    try:
        if e.method == "registry":
            hive, _, rest = e.location.partition("\\")
            _registry(e.platform, root, registry).set(hive, RUN_KEY, RUN_VALUE, e.content)
            return e
        target = _under(root, PurePosixPath(e.location))
        target.parent.mkdir(parents=True, exist_ok=True)
        tmp = target.with_name(target.name + ".tmp")
        tmp.write_text(e.content, encoding="utf-8")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
        for link, dest in e.links:
            lp = _under(root, PurePosixPath(link))
            lp.parent.mkdir(parents=True, exist_ok=True)
            if lp.is_symlink() or lp.exists():
                lp.unlink()
            os.symlink(dest if root is None else os.path.relpath(_under(root, PurePosixPath(dest)), lp.parent), lp)
    except PermissionError as ex:
        raise AutostartError(
            f"cannot write {ex.filename or e.location}: permission denied"
            + (" (machine-wide autostart needs administrator/root rights)" if machine else "")
        ) from None
    return e


def disable(
    platform: str | None = None,
    machine: bool = False,
    method: str | None = None,
    home: Path | str | None = None,
    root: Path | str | None = None,
    registry: Registry | None = None,
    env=None,
) -> tuple[Entry, bool]:
    """Remove the entry. Returns (entry, whether something was removed)."""
    e = entry_for(platform, machine, method, ["x"], home, env)
    root = Path(root) if root is not None else None
    removed = False
    try:
        if e.method == "registry":
            return e, _registry(e.platform, root, registry).delete(e.location.split("\\")[0], RUN_KEY, RUN_VALUE)
        for link, _dest in e.links:
            lp = _under(root, PurePosixPath(link))
            if lp.is_symlink() or lp.exists():
                lp.unlink()
                removed = True
        target = _under(root, PurePosixPath(e.location))
        if target.exists():
            target.unlink()
            removed = True
    except PermissionError as ex:
        raise AutostartError(f"cannot remove {ex.filename or e.location}: permission denied") from None
    return e, removed


def status(
    platform: str | None = None,
    method: str | None = None,
    home: Path | str | None = None,
    root: Path | str | None = None,
    registry: Registry | None = None,
    env=None,
) -> dict:
    """Whether autostart is on, per user and machine-wide, and where."""
    platform = platform or sys.platform
    root = Path(root) if root is not None else None
    out: dict = {"platform": platform, "user": None, "machine": None}
    methods = [method] if method else (["xdg", "systemd"] if not platform.startswith(("win", "darwin")) else [None])
    for scope, machine in (("user", False), ("machine", True)):
        found = []
        for m in methods:
            e = entry_for(platform, machine, m, ["x"], home, env)
            if e.method == "registry":
                try:
                    val = _registry(platform, root, registry).get(e.location.split("\\")[0], RUN_KEY, RUN_VALUE)
                except AutostartError:
                    val = None
                if val:
                    found.append({**e.to_dict(), "command": val})
            else:
                p = _under(root, PurePosixPath(e.location))
                if p.exists():
                    info = {**e.to_dict()}
                    if e.method == "systemd":
                        info["enabled"] = all(_under(root, PurePosixPath(l)).is_symlink() for l, _ in e.links)
                    found.append(info)
        out[scope] = {"enabled": bool(found), "entries": found}
    out["enabled"] = bool(out["user"]["enabled"] or out["machine"]["enabled"])
    return out
