"""What the tray shows, read from the running service each time it is asked: the state
(starting, running, paused, error), its line and icon, the language, the pack and pause options.
No pystray here, so all of it can be checked without a display.

Its words are in the configured ``ui_language``, else the system locale's language where it is
en, ur, hi, bn or gu, else English (the words are in service_strings.py).
"""

from __future__ import annotations

import time
from typing import Any

from ..service.service_strings import BASE_LANG, normalize_lang, system_lang, t
from ..service.service_strings import number as _number
from .tray_service import ServiceRunner, explain

COLOURS = {"running": (26, 127, 55), "paused": (212, 160, 23), "error": (207, 34, 46), "starting": (110, 119, 129)}

__all__ = ["TrayModel", "COLOURS", "icon_image", "tray_language"]


def tray_language(configured: Any = None, getlocale=None) -> str:
    """The tray's language: the configured ``ui_language`` (officer's file or IT's policy), else the
    system locale's language where it is one of the five, else English."""
    lang = normalize_lang(configured)
    if lang:
        return lang
    lang = system_lang(getlocale) if getlocale is not None else system_lang()
    return lang or BASE_LANG


def icon_image(state: str, size: int = 64):
    """A round badge in the state's colour with a white mark (tick, pause bars or !)."""
    from PIL import Image, ImageDraw

    colour = COLOURS.get(state, COLOURS["starting"])
    img = Image.new("RGBA", (size, size), (0, 0, 0, 0))
    d = ImageDraw.Draw(img)
    m = size // 16
    d.ellipse((m, m, size - m, size - m), fill=colour + (255,))
    w = max(2, size // 10)
    s = size / 64
    white = (255, 255, 255, 255)
    if state == "running":
        d.line([(18 * s, 33 * s), (28 * s, 43 * s), (46 * s, 22 * s)], fill=white, width=w, joint="curve")
    elif state == "paused":
        d.rectangle((22 * s, 19 * s, 29 * s, 45 * s), fill=white)
        d.rectangle((35 * s, 19 * s, 42 * s, 45 * s), fill=white)
    elif state == "error":
        d.rectangle((29 * s, 14 * s, 35 * s, 38 * s), fill=white)
        d.ellipse((28 * s, 42 * s, 36 * s, 50 * s), fill=white)
    else:
        d.ellipse((28 * s, 28 * s, 36 * s, 36 * s), fill=white)
    return img


class TrayModel:
    """The tray's state, derived from a :class:`ServiceRunner` (never stored, so it cannot drift
    from the service's own: a pause set from the status page shows here too)."""

    def __init__(self, runner: ServiceRunner, lang: str | None = None):
        self.runner = runner
        self._lang = normalize_lang(lang)  # None: the configured ui_language, else the system's
        self._configured_lang: str | None = None
        self._configured_read = False

    @property
    def lang(self) -> str:
        """The menu's language: the one given, else the configured ui_language (the running
        service's config, or the settings files while it is not running), else the system's."""
        if self._lang:
            return self._lang
        if self.runner.app is not None:
            return tray_language(self.runner.app.config.get("CG_UI_LANGUAGE"))
        if not self._configured_read:
            self._configured_read = True
            try:
                from ..settings.config import load_config

                self._configured_lang = load_config().get("CG_UI_LANGUAGE")
            except Exception:  # noqa: BLE001 - a bad policy is reported by the runner's start
                self._configured_lang = None
        return tray_language(self._configured_lang)

    @property
    def state(self) -> str:
        if self.runner.failure is not None:
            return "error"
        if not self.runner.serving:
            return "starting"
        return "paused" if self.runner.service.is_paused() else "running"

    @property
    def error(self) -> str | None:
        """Why the service is not running, in the tray's language (None while it runs)."""
        failure = self.runner.failure
        return explain(failure, self.runner.port, self.lang) if failure is not None else None

    def status_line(self) -> str:
        st, lang = self.state, self.lang
        if st == "error":
            return t(lang, "tray_error")
        if st == "paused":
            until = self.runner.service.paused_until()
            if until is not None:
                return t(lang, "tray_paused", time=_number(time.strftime("%H:%M", time.localtime(until)), lang))
            st = "running"  # the pause ran out just now
        if st == "running":
            return t(lang, "tray_checking", pack=self.current_pack())
        return t(lang, "tray_starting")

    def log_line(self) -> str:
        log_file = self.runner.log_file
        return t(self.lang, "log_line", path=log_file) if log_file else t(self.lang, "log_none")

    def pack_locked_line(self) -> str:
        return t(self.lang, "pack_locked", pack=self.current_pack())

    def pause_allowed(self) -> bool:
        service = self.runner.service
        return service is not None and service.pause_allowed()

    def packs(self) -> list[str]:
        service = self.runner.service
        return sorted(service.checker.packs) if service is not None else []

    def current_pack(self) -> str | None:
        service = self.runner.service
        return service.pack if service is not None else None

    def pack_locked(self) -> bool:
        app = self.runner.app
        return app is not None and "pack" in (app.config.get("CG_LOCKED") or {})

    def image(self):
        return icon_image(self.state)
