"""Counters under faults (issue 24, item 7): a full disk, shutdown, two services on one folder,
a corrupt file. Counts only, never any text."""

from __future__ import annotations

import datetime as dt
import errno
import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
import requests

from conduct_guard.service import stats as stats_mod
from conduct_guard.service.stats import Stats
from conftest import token_headers

ROOT = Path(__file__).resolve().parents[1]
DAY = "2026-03-01"
SECRET = "pineapple zebra draft summary of cabinet"


class Clock:
    def __init__(self, t: float):
        self.t = t

    def __call__(self):
        return self.t


def noon() -> Clock:
    return Clock(dt.datetime(2026, 3, 1, 12).timestamp())


def saved(folder: Path, day: str = DAY) -> dict:
    return json.loads((folder / f"stats-{day}.json").read_text(encoding="utf-8"))


def leftovers(folder: Path) -> list[str]:
    """Anything in the folder that is not a counters file or the lock file."""
    return sorted(f.name for f in folder.iterdir()
                  if not (f.name.startswith("stats-") and f.name.endswith(".json")) and f.name != "stats.lock")


def enospc(*_a, **_k):
    raise OSError(errno.ENOSPC, "No space left on device")


# ----------------------------------------------------------------- 1. atomic writes, full disk


@pytest.mark.parametrize("fault", ["fsync", "write", "partial_write", "replace"])
def test_full_disk_leaves_no_temp_file_keeps_counts_and_retries(tmp_path, monkeypatch, fault):
    monkeypatch.setattr(stats_mod, "SAVE_INTERVAL_S", 0.0)  # every record saves
    s = Stats(path=tmp_path, clock=noon())
    s.record_check("ok")
    assert saved(tmp_path)["checks"] == 1
    real_write = os.write

    def half_then_enospc(fd, data):
        real_write(fd, bytes(data[: max(1, len(data) // 2)]))
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as m:
        if fault == "fsync":
            m.setattr(os, "fsync", enospc)
        elif fault == "write":
            m.setattr(os, "write", enospc)
        elif fault == "partial_write":
            m.setattr(os, "write", half_then_enospc)
        else:
            m.setattr(os, "replace", enospc)
        for _ in range(3):
            s.record_check("warn", ["privacy"])  # never raises into a check
        s.record_event("override", ["privacy"])
        s.flush()
        assert leftovers(tmp_path) == [], "no 0-byte or partial temp file is left"
        assert saved(tmp_path)["checks"] == 1, "the last good file is untouched"
        snap = s.snapshot()
        assert snap["checks"] == 4 and snap["overrides"] == 1, "the counts are kept in memory"
    s.flush()  # the disk has room again: the kept counts are written
    data = saved(tmp_path)
    assert data["checks"] == 4 and data["verdicts"] == {"ok": 1, "warn": 3, "block": 0}
    assert data["events"]["override"] == 1 and data["by_category"]["privacy"]["override"] == 1
    assert leftovers(tmp_path) == []


def test_writes_go_through_fsync_and_replace(tmp_path, monkeypatch):
    calls = []
    real_fsync, real_replace = os.fsync, os.replace
    monkeypatch.setattr(os, "fsync", lambda fd: (calls.append("fsync"), real_fsync(fd))[1])
    monkeypatch.setattr(os, "replace", lambda a, b: (calls.append(("replace", Path(a).parent, Path(b).name)),
                                                     real_replace(a, b))[1])
    s = Stats(path=tmp_path, clock=noon())
    s.record_check("ok")
    s.flush()
    assert calls[:2] == ["fsync", ("replace", tmp_path, f"stats-{DAY}.json")], "temp file in the same folder"


# ----------------------------------------------------------------- 2. saved on shutdown


def test_counts_saved_at_interpreter_exit(tmp_path):
    """A process that records and exits without calling flush() still saves every count (atexit)."""
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(ROOT / 'backend')!r})
        from conduct_guard.service.stats import Stats
        s = Stats(path={str(tmp_path)!r})
        for _ in range(7):
            s.record_check("warn", ["privacy"])
        s.record_event("override", ["privacy"])
    """)
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    [f] = tmp_path.glob("stats-*.json")
    data = json.loads(f.read_text())
    assert data["checks"] == 7 and data["events"]["override"] == 1


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_serve_process_saves_checks_and_events_on_sigterm(tmp_path):
    folder = tmp_path / "served-stats"
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "backend"), "PYTHONUNBUFFERED": "1",
           "CONDUCT_GUARD_STATS_DIR": str(folder)}
    proc = subprocess.Popen([sys.executable, "-m", "conduct_guard", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{base}/v1/health", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.1)
        n = 6  # all within SAVE_INTERVAL_S: only the first is saved before the signal
        for _ in range(n):
            assert requests.post(f"{base}/v1/check", json={"text": SECRET}, timeout=10).ok
        r = requests.post(f"{base}/v1/events", json={"event": "override", "categories": ["privacy"], "site": "x.com"},
                          headers={"Origin": "moz-extension://5c7a0f2e-3b1d-4c6e-9a8f-0c0d0e0f1a2b", **token_headers()},
                          timeout=10)
        assert r.status_code == 204, r.text
        proc.send_signal(signal.SIGTERM)
        _, stderr = proc.communicate(timeout=20)
        assert "Traceback" not in stderr and "pineapple" not in stderr
    finally:
        if proc.poll() is None:
            proc.kill()
    [f] = folder.glob("stats-*.json")
    data = json.loads(f.read_text())
    assert data["checks"] == n and sum(data["verdicts"].values()) == n
    assert data["events"]["override"] == 1 and data["by_category"]["privacy"]["override"] == 1
    assert "pineapple" not in f.read_text()


# ----------------------------------------------------------------- 3. two services, one folder


def test_two_stats_on_one_folder_lose_no_counts(tmp_path):
    clock = noon()
    a, b = Stats(path=tmp_path, clock=clock), Stats(path=tmp_path, clock=clock)
    for i in range(21):
        a.record_check("warn", ["privacy"])
        b.record_check("ok")
        if i % 5 == 0:
            a.flush()
            b.flush()
    b.record_event("override", ["privacy"])
    a.flush()
    b.flush()
    data = saved(tmp_path)
    assert data["checks"] == 42 and data["verdicts"] == {"ok": 21, "warn": 21, "block": 0}
    assert data["flagged"]["privacy"] == 21 and data["events"]["override"] == 1
    assert b.snapshot()["checks"] == 42, "after a save the snapshot shows the file's totals"
    assert Stats(path=tmp_path, clock=clock).snapshot()["checks"] == 42


def test_two_processes_on_one_folder_lose_no_counts(tmp_path):
    n = 150
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(ROOT / 'backend')!r})
        from conduct_guard.service import stats
        stats.SAVE_INTERVAL_S = 0.0  # every record saves: the worst contention
        s = stats.Stats(path={str(tmp_path)!r})
        for _ in range({n}):
            s.record_check("block", ["official_information"])
        s.flush()
    """)
    procs = [subprocess.Popen([sys.executable, "-c", code]) for _ in range(2)]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    [f] = tmp_path.glob("stats-*.json")
    data = json.loads(f.read_text())
    assert data["checks"] == 2 * n and data["flagged"]["official_information"] == 2 * n
    assert leftovers(tmp_path) == []


# ----------------------------------------------------------------- 4. corrupt file kept aside


@pytest.mark.parametrize("content", ['{"checks": 12, "verdicts": {"ok": 1', "", '["x"]', '{"checks": "many"}',
                                     '{"checks": 3, "events": 3}', "\xff\xfe garbage"])
def test_corrupt_file_is_moved_aside_with_a_warning(tmp_path, caplog, content):
    target = tmp_path / f"stats-{DAY}.json"
    target.write_bytes(content.encode("latin-1"))
    with caplog.at_level(logging.WARNING, logger="conduct_guard"):
        s = Stats(path=tmp_path, clock=noon())
    assert s.snapshot()["checks"] == 0
    [aside] = tmp_path.glob(f"stats-{DAY}.json.corrupt-*")
    assert aside.read_bytes() == content.encode("latin-1"), "kept as it was"
    assert not target.exists()
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert any(target.name in w and aside.name in w for w in warnings), warnings
    s.record_check("warn", ["privacy"])
    s.flush()
    assert saved(tmp_path)["checks"] == 1
    assert aside.exists()


def test_file_corrupted_while_running_is_moved_aside_at_the_next_save(tmp_path, caplog):
    s = Stats(path=tmp_path, clock=noon())
    s.record_check("ok")
    s.flush()
    (tmp_path / f"stats-{DAY}.json").write_text('{"checks": 5, "verd')
    s.record_check("warn")
    with caplog.at_level(logging.WARNING, logger="conduct_guard"):
        s.flush()
    assert len(list(tmp_path.glob(f"stats-{DAY}.json.corrupt-*"))) == 1
    assert saved(tmp_path)["checks"] == 1  # that day starts from zero plus what was not yet saved
    assert any("corrupt" in r.getMessage() for r in caplog.records)


def test_valid_file_with_missing_keys_is_not_corrupt(tmp_path):
    (tmp_path / f"stats-{DAY}.json").write_text('{"checks": 4, "verdicts": {"warn": 4}}')
    s = Stats(path=tmp_path, clock=noon())
    assert s.snapshot()["checks"] == 4 and s.snapshot()["verdicts"]["warn"] == 4
    assert not list(tmp_path.glob("*.corrupt-*"))


# ----------------------------------------------------------------- 5. periodic save and midnight kept


def test_periodic_save_still_throttled(tmp_path):
    s = Stats(path=tmp_path, clock=noon())
    s.record_check("ok")  # the first record saves
    s.record_check("ok")
    s.record_check("ok")
    assert saved(tmp_path)["checks"] == 1, "later records wait for SAVE_INTERVAL_S"
    s._last_save -= stats_mod.SAVE_INTERVAL_S + 1
    s.record_check("ok")
    assert saved(tmp_path)["checks"] == 4


def test_midnight_saves_yesterday_and_starts_today(tmp_path):
    clock = Clock(dt.datetime(2026, 3, 1, 23, 59).timestamp())
    s = Stats(path=tmp_path, clock=clock)
    s.record_check("ok")
    s.record_check("warn")  # not yet saved
    clock.t = dt.datetime(2026, 3, 2, 0, 0, 1).timestamp()
    assert s.snapshot()["checks"] == 0 and s.snapshot()["date"] == "2026-03-02"
    s.record_check("block")
    s.flush()
    assert saved(tmp_path, "2026-03-01")["checks"] == 2
    assert saved(tmp_path, "2026-03-02")["checks"] == 1
