"""Today's counters for the status page: checks, verdicts, warnings, edits, overrides by category.

Counts only. Nothing here ever holds, logs or persists the text of a post, a site's page, an
account name or an override reason: the public methods take a verdict, an event kind and
category ids, and anything else is dropped.

The counters reset at local midnight. When ``path`` is given they are kept as one small JSON
file per day (``stats-YYYY-MM-DD.json``) in that folder, so a restart during the day does not lose
them; files older than ``retention_days`` are deleted.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import threading
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .categories import CATEGORIES

VERDICTS = ("ok", "warn", "block")
EVENT_KINDS = ("warning_shown", "edited", "override", "not_a_problem")
SAVE_INTERVAL_S = 2.0

__all__ = ["Stats", "VERDICTS", "EVENT_KINDS", "default_stats_dir"]


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
    }


class Stats:
    """Thread-safe in-memory counters for the current local day."""

    def __init__(
        self,
        path: Path | str | None = None,
        retention_days: int = 30,
        clock: Callable[[], float] = time.time,
    ):
        self._lock = threading.Lock()
        self._clock = clock
        self._dir = Path(path) if path is not None else None
        self._retention = max(0, int(retention_days))
        self._last_save = 0.0
        self._dirty = False
        self._data = _empty(self._today())
        if self._dir is not None:
            self._load()
            self._prune()

    # ------------------------------------------------------------------ time

    def _today(self) -> str:
        return _dt.datetime.fromtimestamp(self._clock()).date().isoformat()

    def _roll(self) -> None:
        """Caller holds the lock. Start a new day at local midnight."""
        today = self._today()
        if self._data["date"] != today:
            if self._dirty:
                self._save_locked(force=True)
            self._data = _empty(today)
            self._prune()

    # ------------------------------------------------------------------ recording

    def record_check(self, verdict: str, categories: Sequence[str] = ()) -> None:
        """One /v1/check answered with ``verdict``; ``categories`` are the findings' categories."""
        if verdict not in VERDICTS:
            return
        cats = _clean(categories)
        with self._lock:
            self._roll()
            d = self._data
            d["checks"] += 1
            d["verdicts"][verdict] += 1
            for c in cats:
                d["flagged"][c] += 1
            self._changed()

    def record_event(self, kind: str, categories: Sequence[str] = ()) -> None:
        """An extension event: warning_shown, edited, override, not_a_problem."""
        if kind not in EVENT_KINDS:
            raise ValueError(f"unknown event kind {kind!r}; expected one of {', '.join(EVENT_KINDS)}")
        cats = _clean(categories)
        with self._lock:
            self._roll()
            d = self._data
            d["events"][kind] += 1
            for c in cats:
                d["by_category"][c][kind] += 1
            self._changed()

    def snapshot(self) -> dict:
        """A copy of today's counters (plain JSON types)."""
        with self._lock:
            self._roll()
            d = json.loads(json.dumps(self._data))
        ev = d["events"]
        d["warnings"] = ev["warning_shown"]
        d["edits"] = ev["edited"]
        d["overrides"] = ev["override"]
        d["not_a_problem"] = ev["not_a_problem"]
        d["overrides_by_category"] = {c: v["override"] for c, v in d["by_category"].items()}
        return d

    def set_retention(self, days: int) -> None:
        with self._lock:
            self._retention = max(0, int(days))
            self._prune()

    def flush(self) -> None:
        with self._lock:
            if self._dirty:
                self._save_locked(force=True)

    # ------------------------------------------------------------------ persistence

    def _file(self, day: str) -> Path:
        assert self._dir is not None
        return self._dir / f"stats-{day}.json"

    def _changed(self) -> None:
        self._dirty = True
        if self._dir is not None:
            self._save_locked(force=False)

    def _save_locked(self, force: bool) -> None:
        if self._dir is None:
            self._dirty = False
            return
        now = time.monotonic()
        if not force and now - self._last_save < SAVE_INTERVAL_S:
            return
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            target = self._file(self._data["date"])
            tmp = target.with_suffix(".tmp")
            tmp.write_text(json.dumps(self._data, sort_keys=True), encoding="utf-8")
            os.replace(tmp, target)
            self._last_save = now
            self._dirty = False
        except OSError:
            pass  # counters are a convenience; never break checking for them

    def _load(self) -> None:
        try:
            raw = json.loads(self._file(self._data["date"]).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return
        fresh = _empty(self._data["date"])
        try:
            fresh["checks"] = _count(raw.get("checks"))
            for group in ("verdicts", "events", "flagged"):
                for k in fresh[group]:
                    fresh[group][k] = _count(raw.get(group, {}).get(k))
            for c in CATEGORIES:
                for k in EVENT_KINDS:
                    fresh["by_category"][c][k] = _count(raw.get("by_category", {}).get(c, {}).get(k))
        except AttributeError:
            return
        self._data = fresh

    def _prune(self) -> None:
        if self._dir is None or not self._dir.is_dir():
            return
        today = _dt.date.fromisoformat(self._data["date"])
        for f in self._dir.glob("stats-*.json"):
            try:
                day = _dt.date.fromisoformat(f.stem[len("stats-"):])
            except ValueError:
                continue
            if (today - day).days > self._retention or (self._retention == 0 and day != today):
                try:
                    f.unlink()
                except OSError:
                    pass


def _clean(categories: Iterable[str] | None) -> list[str]:
    out: list[str] = []
    for c in categories or ():
        if isinstance(c, str) and c in CATEGORIES and c not in out:
            out.append(c)
    return out


def _count(v) -> int:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 0 else 0
