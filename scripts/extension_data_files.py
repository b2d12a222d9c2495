"""The extension's files as setup.cfg [options.data_files] lists them (explicit, no globs).

    python scripts/extension_data_files.py           print the block to paste into setup.cfg
    python scripts/extension_data_files.py --check   exit 1 when setup.cfg differs from extension/

The files are those the IT kit packs (conduct_guard.deploy.itkit._iter_files), so an installed package
ships exactly what `conduct-guard itkit` signs from a checkout.
"""

from __future__ import annotations

import configparser
import sys
from pathlib import Path, PurePosixPath

ROOT = Path(__file__).resolve().parents[1]
from conduct_guard.deploy.itkit import EXTENSION_DATA_DIR, _iter_files  # noqa: E402

PREFIX = "/".join(EXTENSION_DATA_DIR)


def expected() -> dict[str, list[str]]:
    """target folder -> files (repo-relative, posix), both sorted."""
    ext = ROOT / "extension"
    out: dict[str, list[str]] = {}
    for f in _iter_files(ext):
        rel = PurePosixPath(f.relative_to(ROOT).as_posix())
        sub = rel.parent.relative_to("extension").as_posix()
        target = PREFIX if sub == "." else f"{PREFIX}/{sub}"
        out.setdefault(target, []).append(rel.as_posix())
    return {k: sorted(v) for k, v in sorted(out.items())}


def declared() -> dict[str, list[str]]:
    cfg = configparser.ConfigParser()
    cfg.optionxform = str  # keep the keys' case
    cfg.read(ROOT / "setup.cfg", encoding="utf-8")
    section = cfg["options.data_files"] if cfg.has_section("options.data_files") else {}
    return {k: sorted(v.split()) for k, v in sorted(section.items()) if k == PREFIX or k.startswith(PREFIX + "/")}


def block() -> str:
    lines = []
    for target, files in expected().items():
        lines.append(f"{target} =")
        lines += [f"    {f}" for f in files]
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if "--check" in argv:
        if declared() != expected():
            sys.stderr.write("setup.cfg [options.data_files] does not list the extension's files; replace its "
                             f"{PREFIX} entries with:\n\n" + block())
            return 1
        return 0
    sys.stdout.write(block())
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
