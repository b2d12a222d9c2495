"""The old module paths that outside callers name keep working after the package got folders (issue 25).

Autostart entries run ``python -m conduct_guard.tray``, native messaging launchers run
``python -m conduct_guard.native_host`` (both written on officers' machines and in IT's kits), and
console scripts import ``conduct_guard.cli:main``. Each is a thin module beside its new home; the
package itself never imports them.
"""

from __future__ import annotations

import configparser
import importlib
import json
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PKG = ROOT / "backend" / "conduct_guard"
ENV = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}


def test_python_m_conduct_guard_tray_runs_the_tray_main():
    proc = subprocess.run([sys.executable, "-m", "conduct_guard.tray", "--help"], env=ENV,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "conduct-guard-tray" in proc.stdout and "--port" in proc.stdout
    import conduct_guard.desktop.tray as home
    import conduct_guard.tray as old

    assert old.main is home.main


def test_python_m_conduct_guard_native_host_answers_a_ping():
    msg = json.dumps({"kind": "ping"}).encode()
    proc = subprocess.run([sys.executable, "-m", "conduct_guard.native_host"], env=ENV,
                          input=struct.pack("<I", len(msg)) + msg, capture_output=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    (n,) = struct.unpack("<I", proc.stdout[:4])
    import conduct_guard

    assert json.loads(proc.stdout[4:4 + n]) == {"ok": True, "version": conduct_guard.__version__}
    import conduct_guard.desktop.native_host as home
    import conduct_guard.native_host as old

    assert old.main is home.main


def test_the_written_module_paths_are_the_compat_modules():
    from conduct_guard.desktop.autostart import TRAY_MODULE, default_command
    from conduct_guard.desktop.native_setup import HOST_MODULE

    assert TRAY_MODULE == "conduct_guard.tray" and default_command("linux")[1:] == ["-m", TRAY_MODULE]
    assert HOST_MODULE == "conduct_guard.native_host"
    for name in (TRAY_MODULE, HOST_MODULE):
        assert hasattr(importlib.import_module(name), "main")


def test_cli_main_entry_point_and_python_m_conduct_guard():
    from conduct_guard.cli import main
    from conduct_guard.cli.commands import main as home

    assert main is home
    proc = subprocess.run([sys.executable, "-m", "conduct_guard", "--help"], env=ENV,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert "check" in proc.stdout and "serve" in proc.stdout


def test_setup_cfg_entry_points_import():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    specs = []
    for group in ("console_scripts", "gui_scripts"):
        for line in cfg["options.entry_points"][group].strip().splitlines():
            specs.append(line.split("=", 1)[1].strip())
    assert specs
    for spec in specs:
        module, attr = spec.split(":")
        assert callable(getattr(importlib.import_module(module), attr)), spec


def _imported_modules(path: Path) -> set[str]:
    """Absolute names of the modules a package file imports (relative imports resolved)."""
    import ast

    here = ["conduct_guard", *path.relative_to(PKG).with_suffix("").parts]
    package = here[:-1]  # a module's package; for __init__.py, the package itself
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = package[:len(package) - node.level + 1] if node.level else []
            mod = ".".join([*base, *([node.module] if node.module else [])])
            out.add(mod)
            out.update(f"{mod}.{a.name}" for a in node.names)
    return out


def test_the_package_never_imports_its_compat_modules():
    """The thin modules are for outside callers; inside, imports name the new homes."""
    compat = {"conduct_guard.tray", "conduct_guard.native_host"}
    for path in PKG.rglob("*.py"):
        if path.parent == PKG and path.stem in {"tray", "native_host"}:
            continue
        hits = _imported_modules(path) & compat
        assert not hits, f"{path.relative_to(ROOT)} imports a compat module: {hits}"


def test_the_resolver_sees_relative_imports():
    found = _imported_modules(PKG / "desktop" / "tray.py")
    assert "conduct_guard.service.state" in found and "conduct_guard.desktop.tray_menu" in found
    assert "conduct_guard.cli.commands" in _imported_modules(PKG / "__main__.py")


# The package's parts in the order of docs/ARCHITECTURE.md ("The package's folders"): each imports
# only the parts before it.
LAYERS = ["categories", "recognisers", "engine", "rules", "checker", "settings", "service", "desktop", "deploy", "cli"]
# rules/moderation.py reads a moderation request with the check request's own rules, at call time
UPWARD = {("rules/moderation.py", "conduct_guard.checker")}


def _part(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "conduct_guard" and len(parts) > 1 else None


def test_folders_import_only_the_parts_before_them():
    wrong = []
    for path in PKG.rglob("*.py"):
        rel = path.relative_to(PKG).as_posix()
        own = _part("conduct_guard." + ".".join(path.relative_to(PKG).with_suffix("").parts))
        if own not in LAYERS:  # __init__, __main__ and the compat modules
            continue
        for target in _imported_modules(path):
            other = _part(target)
            if other in LAYERS and other != own and LAYERS.index(other) > LAYERS.index(own):
                if not any(rel == f and (target == m or target.startswith(m + ".")) for f, m in UPWARD):
                    wrong.append(f"{rel} imports {target}")
    assert not wrong, wrong


def test_every_module_lives_in_a_part():
    """A new top-level module is a decision: put it in a folder or add it to the layers above."""
    top = {p.stem for p in PKG.glob("*.py")}
    assert top == {"__init__", "__main__", "categories", "checker", "tray", "native_host"}
    assert {p.name for p in PKG.iterdir() if p.is_dir() and p.name != "__pycache__"} == set(LAYERS) - {"categories", "checker"}


def test_scripts_import_the_installed_package_not_the_checkout():
    """scripts/ once put backend/ on sys.path, so a script could run code other than what is installed
    (issue 25). They import conduct_guard as installed (`pip install -e .` for development, README);
    their own folder is on a program's path already, so no script edits sys.path."""
    editing = [p.name for p in sorted((ROOT / "scripts").glob("*.py"))
               if re.search(r"sys\.path\.(insert|append)", p.read_text(encoding="utf-8"))]
    assert editing == []
