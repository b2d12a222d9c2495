"""Installing the native messaging host (``conduct-guard setup``, and the IT kit's machine-wide files).

A browser starts a native host only when a manifest named ``com.conductguard.host.json`` sits in
one of its folders (Windows: a registry key names the manifest), and hands it only to the
extensions that manifest lists. Per browser and OS:

=========  ===============================================================  ============================================
browser    per user (``conduct-guard setup``)                               machine-wide (IT kit)
=========  ===============================================================  ============================================
Chrome     ~/.config/google-chrome/NativeMessagingHosts/                    /etc/opt/chrome/native-messaging-hosts/
           ~/Library/Application Support/Google/Chrome/NativeMessagingHosts  /Library/Google/Chrome/NativeMessagingHosts
           HKCU\\Software\\Google\\Chrome\\NativeMessagingHosts\\<name>        HKLM\\...
Chromium   ~/.config/chromium/NativeMessagingHosts/ (= <user data dir>/     /etc/chromium/native-messaging-hosts/
           NativeMessagingHosts)                                            /Library/Application Support/Chromium/...
           HKCU\\Software\\Chromium\\NativeMessagingHosts\\<name>
Edge       ~/.config/microsoft-edge/NativeMessagingHosts/                   /etc/opt/edge/native-messaging-hosts/
           ~/Library/Application Support/Microsoft Edge/NativeMessagingHosts  /Library/Microsoft/Edge/NativeMessagingHosts
           HKCU\\Software\\Microsoft\\Edge\\NativeMessagingHosts\\<name>
Firefox    ~/.mozilla/native-messaging-hosts/                               /usr/lib/mozilla/native-messaging-hosts/
           ~/Library/Application Support/Mozilla/NativeMessagingHosts       /Library/Application Support/Mozilla/...
           HKCU\\Software\\Mozilla\\NativeMessagingHosts\\<name>
=========  ===============================================================  ============================================

The manifest's ``path`` is a small launcher (a shell script, or a ``.bat`` on Windows) that runs
``python -m conduct_guard.native_host`` with an absolute interpreter: browsers pass their own
arguments, so the interpreter itself cannot be named there.
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Iterable, Mapping, Sequence

from .. import PACKAGE_DIR
from ..service.auth import NATIVE_HOST_NAME, data_dir, load_or_create_token, token_file

BROWSERS = ("chrome", "chromium", "edge", "firefox")
MANIFEST_FILE = f"{NATIVE_HOST_NAME}.json"
LAUNCHER_POSIX = "conduct-guard-native-host"
LAUNCHER_WINDOWS = "conduct-guard-native-host.bat"
# The module the launchers run. It stays `conduct_guard.native_host` (a thin module that runs
# desktop/native_host.py), not the host's home, because launchers already written by `conduct-guard
# setup` and IT's kits name it; one name for old and new launchers.
HOST_MODULE = "conduct_guard.native_host"
DESCRIPTION = "Conduct Guard: gives the Conduct Guard extension this user's local service token"

# Windows registry keys (under HKCU or HKLM); the key's default value is the manifest's path
REGISTRY_KEYS = {
    "chrome": r"Software\Google\Chrome\NativeMessagingHosts",
    "chromium": r"Software\Chromium\NativeMessagingHosts",
    "edge": r"Software\Microsoft\Edge\NativeMessagingHosts",
    "firefox": r"Software\Mozilla\NativeMessagingHosts",
}
_USER_MAC = {
    "chrome": "Library/Application Support/Google/Chrome/NativeMessagingHosts",
    "chromium": "Library/Application Support/Chromium/NativeMessagingHosts",
    "edge": "Library/Application Support/Microsoft Edge/NativeMessagingHosts",
    "firefox": "Library/Application Support/Mozilla/NativeMessagingHosts",
}
_MACHINE_MAC = {
    "chrome": "/Library/Google/Chrome/NativeMessagingHosts",
    "chromium": "/Library/Application Support/Chromium/NativeMessagingHosts",
    "edge": "/Library/Microsoft/Edge/NativeMessagingHosts",
    "firefox": "/Library/Application Support/Mozilla/NativeMessagingHosts",
}
_USER_LINUX_CONFIG = {"chrome": "google-chrome", "chromium": "chromium", "edge": "microsoft-edge"}
_MACHINE_LINUX = {
    "chrome": "/etc/opt/chrome/native-messaging-hosts",
    "chromium": "/etc/chromium/native-messaging-hosts",
    "edge": "/etc/opt/edge/native-messaging-hosts",
    "firefox": "/usr/lib/mozilla/native-messaging-hosts",
}
# Where the IT kit's machine-wide launcher goes (an administrator-only folder: the browser runs it)
MACHINE_LAUNCHER = {
    "linux": PurePosixPath("/usr/local/lib/conduct-guard") / LAUNCHER_POSIX,
    "macos": PurePosixPath("/Library/Application Support/ConductGuard") / LAUNCHER_POSIX,
    "windows": PureWindowsPath(r"C:\Program Files\ConductGuard\native-host") / LAUNCHER_WINDOWS,
}

__all__ = ["BROWSERS", "MANIFEST_FILE", "Target", "user_targets", "host_manifest", "launcher_script",
           "install_user", "remove_user", "kit_files", "chrome_origins"]


class SetupError(RuntimeError):
    pass


def _os_name(platform: str) -> str:
    return "windows" if platform.startswith("win") else "macos" if platform == "darwin" else "linux"


def _windows_manifest_name(browser: str) -> str:
    # one folder holds both kinds on Windows: the Chromium family shares allowed_origins, Firefox
    # has its own allowed_extensions
    return f"firefox-{MANIFEST_FILE}" if browser == "firefox" else MANIFEST_FILE


@dataclass(frozen=True)
class Target:
    browser: str
    manifest: PurePath            # where the manifest goes
    registry: str | None = None   # Windows: the key (under HKCU/HKLM) whose default value is that path


def user_targets(platform: str | None = None, home: Path | None = None,
                 env: Mapping[str, str] | None = None, app_data: Path | None = None) -> list[Target]:
    """Where ``conduct-guard setup`` puts each browser's manifest for the current user."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    os_name = _os_name(platform)
    if os_name == "windows":
        base = PureWindowsPath(str(app_data if app_data is not None else data_dir())) / "native-host"
        return [Target(b, base / _windows_manifest_name(b), f"{REGISTRY_KEYS[b]}\\{NATIVE_HOST_NAME}")
                for b in BROWSERS]
    home_dir = PurePosixPath(str(home if home is not None else Path.home()))
    if os_name == "macos":
        return [Target(b, home_dir / _USER_MAC[b] / MANIFEST_FILE) for b in BROWSERS]
    xdg = env.get("XDG_CONFIG_HOME")
    config = PurePosixPath(xdg) if xdg and xdg.startswith("/") else home_dir / ".config"
    targets = [Target(b, config / _USER_LINUX_CONFIG[b] / "NativeMessagingHosts" / MANIFEST_FILE)
               for b in ("chrome", "chromium", "edge")]
    return targets + [Target("firefox", home_dir / ".mozilla" / "native-messaging-hosts" / MANIFEST_FILE)]


def chrome_origins(extension_ids: Iterable[str]) -> list[str]:
    """allowed_origins: ``chrome-extension://ID/`` (Chrome wants the trailing slash, no wildcards)."""
    out: list[str] = []
    for ext_id in extension_ids:
        origin = f"chrome-extension://{ext_id}/"
        if origin not in out:
            out.append(origin)
    return out


def host_manifest(browser: str, launcher: str, chrome_ids: Sequence[str], gecko_id: str) -> dict:
    manifest = {"name": NATIVE_HOST_NAME, "description": DESCRIPTION, "path": launcher, "type": "stdio"}
    if browser == "firefox":
        manifest["allowed_extensions"] = [gecko_id]
    else:
        manifest["allowed_origins"] = chrome_origins(chrome_ids)
    return manifest


def launcher_script(os_name: str, python: str, pythonpath: str | None = None) -> str:
    """The launcher a manifest's ``path`` names: runs the host module with ``python``."""
    if os_name == "windows":
        lines = ["@echo off", "rem Conduct Guard native messaging host (the browser starts it for the extension)"]
        if pythonpath:
            lines.append(f'set "PYTHONPATH={pythonpath};%PYTHONPATH%"')
        lines.append(f'"{python}" -m {HOST_MODULE} %*')
        return "\r\n".join(lines) + "\r\n"
    env = f"PYTHONPATH={shlex.quote(pythonpath)}${{PYTHONPATH:+:$PYTHONPATH}} " if pythonpath else ""
    return ("#!/bin/sh\n"
            "# Conduct Guard native messaging host (the browser starts it for the extension)\n"
            f"{env}exec {shlex.quote(python)} -m {HOST_MODULE} \"$@\"\n")


def _host_python(python: str) -> str:
    """The console interpreter: a native host talks over stdin/stdout, so on Windows not the
    windowless ``pythonw.exe`` the tray uses but the ``python.exe`` beside it."""
    if python.lower().endswith("pythonw.exe"):
        return python[: -len("pythonw.exe")] + "python.exe"
    return python


def _package_root_for_launcher() -> str | None:
    """The folder holding this package when the interpreter would not find it by itself (a
    source checkout, ``pip install --target``): the launcher then puts it on PYTHONPATH, so the
    host the browser starts is this very code, whatever the browser's environment."""
    import site
    import sysconfig

    root = PACKAGE_DIR.parent
    own = [sysconfig.get_paths().get("purelib"), sysconfig.get_paths().get("platlib")]
    try:
        own += [*site.getsitepackages(), site.getusersitepackages()]
    except AttributeError:  # an old virtualenv's site module
        pass
    return None if root in {Path(p).resolve() for p in own if p} else str(root)


# --------------------------------------------------------------------------- per user


def install_user(chrome_ids: Sequence[str], gecko_id: str, python: str | None = None,
                 platform: str | None = None, home: Path | None = None, registry=None,
                 env: Mapping[str, str] | None = None) -> dict:
    """Create the token (if absent), the launcher and every browser's manifest for this user."""
    platform = platform or sys.platform
    env = os.environ if env is None else env
    os_name = _os_name(platform)
    token_path = token_file(env)
    load_or_create_token(token_path)
    python = _host_python(python or sys.executable)
    if not python or not PurePath(python).is_absolute():
        raise SetupError(f"the Python interpreter {python!r} is not an absolute path")
    launcher = Path(data_dir()) / "native-host" / (LAUNCHER_WINDOWS if os_name == "windows" else LAUNCHER_POSIX)
    launcher.parent.mkdir(parents=True, exist_ok=True)
    launcher.write_text(launcher_script(os_name, python, _package_root_for_launcher()), encoding="utf-8",
                        newline="")
    if os_name != "windows":
        os.chmod(launcher, 0o755)
    written = []
    for target in user_targets(platform, home, env):
        path = Path(str(target.manifest))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(host_manifest(target.browser, str(launcher), chrome_ids, gecko_id), indent=2)
                        + "\n", encoding="utf-8")
        if target.registry:
            _registry(registry).set("HKCU", target.registry, "", str(path))
        written.append({"browser": target.browser, "manifest": str(path), "registry": target.registry})
    return {"token_file": str(token_path), "launcher": str(launcher), "manifests": written}


def remove_user(platform: str | None = None, home: Path | None = None, registry=None,
                env: Mapping[str, str] | None = None) -> list[str]:
    """Remove this user's manifests and launcher (the token stays: the service uses it)."""
    platform = platform or sys.platform
    removed = []
    for target in user_targets(platform, home, env):
        path = Path(str(target.manifest))
        if path.exists():
            path.unlink()
            removed.append(str(path))
        if target.registry:
            _registry(registry).delete("HKCU", target.registry, "")
    for name in (LAUNCHER_POSIX, LAUNCHER_WINDOWS):
        launcher = Path(data_dir()) / "native-host" / name
        if launcher.exists():
            launcher.unlink()
            removed.append(str(launcher))
    return removed


def _registry(registry):
    if registry is not None:
        return registry
    from .autostart import WinRegistry

    return WinRegistry()


# --------------------------------------------------------------------------- the IT kit


def _reg_quote(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def kit_files(pythons: Mapping[str, str], chrome_ids: Sequence[str], gecko_id: str) -> dict[str, str]:
    """The machine-wide host for the IT kit: ``service/native-host/<os>/...`` -> text.

    ``pythons``: the officers' interpreter per OS (``windows``, ``macos``, ``linux``), as for
    autostart. Each OS gets the launcher (for MACHINE_LAUNCHER) and one manifest for the Chromium
    family (Chrome, Chromium, Edge) and one for Firefox; Windows also a .reg naming them.
    """
    files: dict[str, str] = {}
    for os_name in ("linux", "macos", "windows"):
        launcher = MACHINE_LAUNCHER[os_name]
        base = f"service/native-host/{os_name}"
        files[f"{base}/{launcher.name}"] = launcher_script(os_name, _host_python(pythons[os_name]))
        for kind, browser in (("chromium-family", "chrome"), ("firefox", "firefox")):
            manifest = json.dumps(host_manifest(browser, str(launcher), chrome_ids, gecko_id), indent=2) + "\n"
            if os_name == "windows":  # one folder, beside the launcher; the registry names each file
                files[f"{base}/{_windows_manifest_name(browser)}"] = manifest
            else:  # the same file name in each browser's folder
                files[f"{base}/{kind}/{MANIFEST_FILE}"] = manifest
    folder = MACHINE_LAUNCHER["windows"].parent
    lines = ["Windows Registry Editor Version 5.00", ""]
    for browser in BROWSERS:
        lines += [f"[HKEY_LOCAL_MACHINE\\{REGISTRY_KEYS[browser]}\\{NATIVE_HOST_NAME}]",
                  f"@={_reg_quote(str(folder / _windows_manifest_name(browser)))}", ""]
    files["service/native-host/windows/conduct-guard-native-host.reg"] = "\r\n".join(lines)
    return files


def machine_manifest_dirs(os_name: str) -> dict[str, str]:
    """Where the kit's manifests go on Linux and macOS, per browser (for README-IT and docs)."""
    return dict(_MACHINE_LINUX if os_name == "linux" else _MACHINE_MAC)
