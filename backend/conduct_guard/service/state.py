"""The running service's state: one :class:`ServiceState` per app, made by ``create_app``.

Settings live in ``app.config`` (config.py's layers); what changes while the service runs lives
here: the checker (its default pack, which the tray may switch), the counters, the one pause
(the tray, the status page and the extension all share it), when the service started, its log
file, the extra host names it answers to, and the token that pausing and the counters take. The HTTP blueprints, the tray and the CLI all reach
it with :func:`service_state`.
"""

from __future__ import annotations

import datetime as _dt
import math
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

from flask import Flask

from .auth import Credentials
from ..checker import Checker, UnknownPack
from .stats import Stats

STATE_KEY = "conduct_guard.state"
# How long a pause may be, in minutes (POST /v1/pause also takes 0: resume now).
PAUSE_MINUTES = (15, 60)

__all__ = ["ServiceState", "service_state", "STATE_KEY", "PAUSE_MINUTES"]


@dataclass(eq=False)
class ServiceState:
    checker: Checker
    stats: Stats
    config: Mapping[str, Any]            # the app's settings (allow_pause is read from here)
    clock: Callable[[], float] = time.time
    started_at: float | None = None      # epoch seconds; None: now (from clock)
    log_file: str | None = None          # the tray's log file, shown on the status page
    extra_hosts: tuple[str, ...] = ()    # host names besides loopback (`serve --host ADDR`)
    # the tray's Quit (it ends the process); the status page offers Quit only where this is set
    on_quit: Callable[[], Any] | None = None
    # this user's token: who may pause, post events and read counters (auth.py); None only for
    # a state made without an app (create_app always gives one)
    credentials: Credentials | None = None
    _paused_until: float | None = field(default=None, init=False, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)

    def __post_init__(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock()

    # ---------------------------------------------------------------- the policy pack

    @property
    def pack(self) -> str:
        """The pack a check uses when it names none."""
        return self.checker.default_pack

    def set_pack(self, pack_id: str) -> None:
        if pack_id not in self.checker.packs:
            raise UnknownPack(f"unknown pack '{pack_id}' (known: {', '.join(sorted(self.checker.packs))})")
        self.checker.default_pack = pack_id

    # ---------------------------------------------------------------- the pause

    def pause_allowed(self) -> bool:
        return bool(self.config["CG_ALLOW_PAUSE"])

    def paused_until(self) -> float | None:
        """When the pause ends (epoch seconds), or None when not paused; a pause that ran out is over."""
        with self._lock:
            if self._paused_until is not None and self._paused_until <= self.clock():
                self._paused_until = None
            return self._paused_until

    def is_paused(self) -> bool:
        return self.paused_until() is not None

    def paused_until_iso(self) -> str | None:
        """When the pause ends, as local ISO 8601 time (None when not paused).

        The one form every answer uses (/v1/health, /v1/check, /v1/pause, /v1/status), so callers
        see the same end. Rounded up to the second: a client that resumes at this time never
        resumes while the service still counts itself paused.
        """
        until = self.paused_until()
        if until is None:
            return None
        return _dt.datetime.fromtimestamp(math.ceil(until)).astimezone().isoformat(timespec="seconds")

    def pause(self, minutes: int) -> float | None:
        """Pause checking for ``minutes`` (0 or less resumes). Returns the pause's end or None.

        Raises PermissionError when the machine policy sets ``allow_pause`` to false.
        """
        minutes = int(minutes)
        if minutes <= 0:
            self.resume()
            return None
        if not self.pause_allowed():
            raise PermissionError("pausing is turned off by the machine policy (allow_pause)")
        with self._lock:
            self._paused_until = self.clock() + 60 * minutes
            return self._paused_until

    def resume(self) -> None:
        with self._lock:
            self._paused_until = None

    # ---------------------------------------------------------------- the rest

    def uptime_s(self) -> float:
        return self.clock() - self.started_at


def service_state(app: Flask) -> ServiceState:
    """The app's state (``create_app`` puts it in ``app.extensions["conduct_guard.state"]``)."""
    return app.extensions[STATE_KEY]
