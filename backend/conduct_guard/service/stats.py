"""Today's counters for the status page: checks, verdicts, warnings, edits, overrides by category.

Counts only. Nothing here ever holds, logs or persists the text of a post, a site's page, an
account name or an override reason: the public methods take a verdict, an event kind and
category ids, and anything else is dropped.

The counters reset at local midnight. When ``path`` is given they are kept as one small JSON
file per day (``stats-YYYY-MM-DD.json``) in that folder, so a restart during the day does not lose
them; files older than ``retention_days`` are deleted.

Saving. Counts not yet saved are kept as in-memory deltas. A save (at most every SAVE_INTERVAL_S,
at ``flush()``, at exit) takes an inter-process lock on the folder, re-reads the file, adds the
deltas and replaces the file atomically, so two services sharing a folder add up instead of
overwriting each other (42 checks once showed as 21). A save that fails (full disk, lock held too
long) keeps the deltas for the next one and never raises into a check. A file that cannot be read
as counters is moved aside as ``stats-DATE.json.corrupt-<time>`` with a warning, not reset silently.
"""

from __future__ import annotations

import atexit
import contextlib
import datetime as _dt
import json
import logging
import os
import tempfile
import threading
import time
import weakref
from pathlib import Path
from typing import Callable, Iterable, Sequence

import filelock

from ..categories import CATEGORIES

VERDICTS = ("ok", "warn", "block")
# ignored: "ignore for this post" on a card; opted_out: "don't check this box". Both are dismissals
# the status page must show (a block dismissed from the card is as much an override as "post anyway").
EVENT_KINDS = ("warning_shown", "edited", "override", "not_a_problem", "ignored", "opted_out")
SAVE_INTERVAL_S = 2.0
# A periodic save runs in the request that found it due: it waits this long at most for another
# service's save, then tries again later. flush() (shutdown) waits longer.
LOCK_TIMEOUT_S = 1.0
FLUSH_LOCK_TIMEOUT_S = 10.0
STALE_TEMP_S = 3600  # a temp file this old was left by a process killed mid-write

__all__ = ["Stats", "VERDICTS", "EVENT_KINDS", "default_stats_dir"]

log = logging.getLogger("conduct_guard")


def default_stats_dir() -> Path:
    import platformdirs

    return Path(platformdirs.user_data_dir("conduct-guard", appauthor=False)) / "stats"


def _empty(day: str) -> dict:
    return {
        "date": day,
        "checks": 0,
        "verdicts": {v: 0 for v in VERDICTS},
        "events": {k: 0 for k in EVENT_KINDS},
        "flagged": {c: 0 for c in CATEGORIES},
        "by_category": {c: {k: 0 for k in EVENT_KINDS} for c in CATEGORIES},
        # moderation assist: other people's messages checked, and marked per category
        "moderation": {"checked": 0, "flagged": 0, "by_category": {c: 0 for c in CATEGORIES}},
    }


class Stats:
    """Thread- and process-safe counters for the current local day."""

    def __init__(self, path: Path | str | None = None, retention_days: int = 30,
                 clock: Callable[[], float] = time.time):
        self._lock = threading.Lock()  # guards the fields below; never held during file I/O
        self._save_lock = threading.Lock()  # one save at a time in this process
        self._clock = clock
        self._dir = Path(path) if path is not None else None
        self._retention = max(0, int(retention_days))
        self._last_save = 0.0  # monotonic time of the last save attempt
        self._failing = False
        self._day = self._today()
        self._base = _empty(self._day)  # today's totals in the file at the last load or save
        self._pending: dict[str, dict] = {}  # day -> counts not yet saved
        if self._dir is not None:
            self._flock = filelock.FileLock(str(self._dir / "stats.lock"))
            with contextlib.suppress(OSError):  # an unreadable folder: start from zero, saves retry
                self._dir.mkdir(parents=True, exist_ok=True)
                with self._flock.acquire(timeout=LOCK_TIMEOUT_S):
                    self._base = self._read(self._day)
            self._prune()
            # counts since the last periodic save survive a normal exit; the weak reference lets
            # a discarded Stats (tests make hundreds) be collected
            atexit.register(_flush_at_exit, weakref.ref(self))

    # ------------------------------------------------------------------ time

    def _today(self) -> str:
        return _dt.datetime.fromtimestamp(self._clock()).date().isoformat()

    def _roll(self) -> None:
        """Caller holds the lock. Start a new day at local midnight (yesterday's deltas are saved
        by the next save, which is made due now)."""
        today = self._today()
        if self._day != today:
            self._day = today
            self._base = _empty(today)
            if self._dir is None:
                self._pending = {}
            self._last_save = 0.0

    # ------------------------------------------------------------------ recording
    # The hot path: record_check runs once per /v1/check. It adds to dicts under a lock (1.8 µs
    # measured); the file is touched at most every SAVE_INTERVAL_S, outside that lock, by the one
    # request that finds a save due (7.6 ms measured with lock, re-read, fsync and rename).

    def _delta(self) -> dict:
        d = self._pending.get(self._day)
        if d is None:
            d = self._pending[self._day] = _empty(self._day)
        return d

    def record_check(self, verdict: str, categories: Sequence[str] = ()) -> None:
        """One /v1/check answered with ``verdict``; ``categories`` are the findings' categories."""
        if verdict not in VERDICTS:
            return
        cats = _clean(categories)
        with self._lock:
            self._roll()
            d = self._delta()
            d["checks"] += 1
            d["verdicts"][verdict] += 1
            for c in cats:
                d["flagged"][c] += 1
            due = self._due()
        if due:
            self._save(LOCK_TIMEOUT_S)

    def record_moderation(self, marked: Sequence[Sequence[str]]) -> None:
        """One /v1/moderate answered: one entry per message, the categories it was marked with."""
        with self._lock:
            self._roll()
            m = self._delta()["moderation"]
            m["checked"] += len(marked)
            for categories in marked:
                cats = _clean(categories)
                m["flagged"] += bool(cats)
                for c in cats:
                    m["by_category"][c] += 1
            due = self._due()
        if due:
            self._save(LOCK_TIMEOUT_S)

    def record_event(self, kind: str, categories: Sequence[str] = ()) -> None:
        """An extension event: warning_shown, edited, override, not_a_problem, ignored, opted_out."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
        cats = _clean(categories)
        with self._lock:
            self._roll()
            d = self._delta()
            d["events"][kind] += 1
            for c in cats:
                d["by_category"][c][kind] += 1
            due = self._due()
        if due:
            self._save(LOCK_TIMEOUT_S)

    def snapshot(self) -> dict:
        """A copy of today's counters (plain JSON types): the file's totals plus what is not saved yet."""
        with self._lock:
            self._roll()
            d = json.loads(json.dumps(self._base))
            _add(d, self._pending.get(self._day, {}))
        ev = d["events"]
        d["warnings"] = ev["warning_shown"]
        d["edits"] = ev["edited"]
        d["overrides"] = ev["override"]
        d["not_a_problem"] = ev["not_a_problem"]
        d["ignored"] = ev["ignored"]
        d["opted_out"] = ev["opted_out"]
        d["overrides_by_category"] = {c: v["override"] for c, v in d["by_category"].items()}
        return d

    def flush(self) -> None:
        """Save every count not yet saved (shutdown); never raises."""
        if self._dir is not None:
            self._save(FLUSH_LOCK_TIMEOUT_S)

    # ------------------------------------------------------------------ persistence

    def _file(self, day: str) -> Path:
        assert self._dir is not None
        return self._dir / f"stats-{day}.json"

    def _due(self) -> bool:
        """Caller holds the lock. Claims the next save for this caller when one is due."""
        now = time.monotonic()
        if self._dir is None or now - self._last_save < SAVE_INTERVAL_S:
            return False
        self._last_save = now  # set on the attempt, so a full disk is retried every interval, not per check
        return True

    def _save(self, lock_timeout: float) -> None:
        with self._save_lock:
            with self._lock:
                taken, self._pending, today = self._pending, {}, self._day
            if not taken:
                return
            totals: dict[str, dict] = {}
            try:
                self._dir.mkdir(parents=True, exist_ok=True)
                with self._flock.acquire(timeout=lock_timeout):
                    for day in sorted(taken):
                        data = self._read(day)
                        _add(data, taken[day])
                        self._write(day, data)
                        totals[day] = data
                        del taken[day]  # saved: must not be added again if a later day fails
                if self._failing:
                    log.info("counters saved to %s again", self._dir)
                self._failing = False
            except Exception as exc:  # a full disk, a lock held too long: never fail a check for it
                if not self._failing:  # once per failing spell, not every interval
                    log.warning("counters not saved to %s (kept in memory, retried): %s",
                                self._dir, getattr(exc, "strerror", None) or type(exc).__name__)
                self._failing = True
            with self._lock:
                for day, delta in taken.items():  # what was not saved goes back for the next save
                    _add(self._pending.setdefault(day, _empty(day)), delta)
                if self._day in totals:
                    self._base = totals[self._day]  # now also shows other services' counts
            if any(day != today for day in totals):
                self._prune()  # a day ended

    def _write(self, day: str, data: dict) -> None:
        """Atomic: a unique temp file in the same folder, written and fsynced, then renamed over
        the target, so a crash or full disk leaves the old file or the new one, never half of one."""
        target = self._file(day)
        payload = json.dumps(data, sort_keys=True).encode("utf-8")
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=self._dir)
        try:
            try:
                view = memoryview(payload)
                while view:  # os.write may write less than asked
                    view = view[os.write(fd, view):]
                os.fsync(fd)  # the data is on disk before the rename makes it the file
            finally:
                os.close(fd)
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)  # no 0-byte or partial temp file left behind
            raise

    def _read(self, day: str) -> dict:
        """Caller holds the file lock. The day's totals; a corrupt file is moved aside, not lost."""
        f = self._file(day)
        try:
            raw = f.read_bytes()
        except FileNotFoundError:
            return _empty(day)
        try:
            return _parse(raw, day)
        except ValueError as exc:
            stamp = _dt.datetime.now().strftime("%Y%m%dT%H%M%S%f")
            aside = f.with_name(f"{f.name}.corrupt-{stamp}")
            os.replace(f, aside)  # an OSError here fails the save: the file is not overwritten
            # names the file and what is wrong with its structure, never its content
            log.warning("counters file %s is corrupt (%s); kept as %s, the day's counts start from zero",
                        f, exc, aside.name)
            return _empty(day)

    def _prune(self) -> None:
        """Delete day files (and corrupt copies) older than the retention, and stale temp files."""
        if self._dir is None or not self._dir.is_dir():
            return
        today, keep = _dt.date.fromisoformat(self._day), self._retention
        for f in self._dir.iterdir():
            name = f.name
            try:
                if name.startswith(".stats-") and name.endswith(".tmp"):
                    if time.time() - f.stat().st_mtime > STALE_TEMP_S:
                        f.unlink()
                    continue
                if not (name.startswith("stats-") and (name.endswith(".json") or ".json.corrupt-" in name)):
                    continue
                try:
                    day = _dt.date.fromisoformat(name[len("stats-"):].split(".", 1)[0])
                except ValueError:
                    continue
                if (today - day).days > keep or (keep == 0 and day != today):
                    f.unlink()
            except OSError:
                pass


def _flush_at_exit(ref: "weakref.ReferenceType[Stats]") -> None:
    stats = ref()
    if stats is not None:
        stats.flush()


def _add(dst: dict, src: dict) -> None:
    for k, v in src.items():
        if isinstance(v, dict):
            _add(dst[k], v)
        elif k != "date":
            dst[k] += v


def _parse(raw: bytes, day: str) -> dict:
    """Counters from a file's bytes. Missing keys count 0 (files from an older version); anything
    present but not a count makes the whole file corrupt (ValueError)."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None
    out = _empty(day)

    def fill(dst: dict, src, where: str) -> None:
        if not isinstance(src, dict):
            raise ValueError(f"{where} is not an object")
        for k in dst:
            if k == "date" or k not in src:
                continue
            if isinstance(dst[k], dict):
                fill(dst[k], src[k], f"{where}.{k}")
            elif isinstance(src[k], int) and not isinstance(src[k], bool) and src[k] >= 0:
                dst[k] = src[k]
            else:
                raise ValueError(f"{where}.{k} is not a count")

    fill(out, data, "file")
    return out


def _clean(categories: Iterable[str] | None) -> list[str]:
    out: list[str] = []
    for c in categories or ():
        if isinstance(c, str) and c in CATEGORIES and c not in out:
            out.append(c)
    return out
