"""The package as `pip install .` leaves it: the command finds the shipped model without flags."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).with_name("conduct-guard")


@pytest.mark.skipif(not SCRIPT.exists(), reason="conduct-guard is not installed in this interpreter's environment")
def test_installed_command_finds_the_shipped_model(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "CONDUCT_GUARD_MODEL_DIR")}
    env["CONDUCT_GUARD_CONFIG"] = str(tmp_path / "none.json")
    env["CONDUCT_GUARD_MACHINE_POLICY"] = str(tmp_path / "none-policy.json")
    proc = subprocess.run([str(SCRIPT), "check", "Eid Mubarak to all"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout)
    shipped = json.loads((Path(__file__).resolve().parents[1] / "models" / "model.json").read_text())
    assert result["model"] == {"name": shipped["name"], "version": shipped["version"]}
    where = subprocess.run([str(SCRIPT.with_name("python")), "-c",
                            "import conduct_guard.engine.modelinfo as m; print(m.default_model_dir())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60)
    assert "share/conduct-guard/models" in where.stdout.replace("\\", "/")
