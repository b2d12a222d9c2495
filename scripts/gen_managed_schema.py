#!/usr/bin/env python3
"""Generate extension/managed_schema.json from backend/conduct_guard/settings/settings_schema.json.

settings_schema.json is the ONE source of the settings IT can lock (keys, types, defaults,
descriptions). The browser's managed-storage schema is derived from it, so the machine policy
file and the browser policies cannot disagree.

    python scripts/gen_managed_schema.py            # (re)write extension/managed_schema.json
    python scripts/gen_managed_schema.py --check    # exit 1 if the file differs (CI)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "extension" / "managed_schema.json"

from conduct_guard.settings.machine_policy import browser_managed_schema  # noqa: E402


def render() -> str:
    return json.dumps(browser_managed_schema(), indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="do not write; exit 1 when the file is out of date")
    ap.add_argument("--out", type=Path, default=TARGET)
    args = ap.parse_args(argv)
    text = render()
    current = args.out.read_text(encoding="utf-8") if args.out.exists() else None
    if args.check:
        if current is None:
            print(f"{args.out}: missing; run scripts/gen_managed_schema.py", file=sys.stderr)
            return 1
        if json.loads(current) != json.loads(text):
            print(f"{args.out}: out of date with settings_schema.json; run scripts/gen_managed_schema.py",
                  file=sys.stderr)
            return 1
        print(f"{args.out}: up to date")
        return 0
    if current != text:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {args.out}")
    else:
        print(f"{args.out}: unchanged")
    return 0


if __name__ == "__main__":
    sys.exit(main())
