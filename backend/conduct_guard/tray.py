"""The tray icon: ``conduct-guard tray`` (what autostart runs at login).

The local service runs in this same process, in a thread beside the tray loop (the tray loop
must own the main thread on macOS). The icon shows the state:

- green: running;  amber: paused;  red: service error (port taken, model missing or broken,
  bad machine policy). An error never ends the process silently: the icon turns red and its menu
  says what is wrong and where the log is.

Menu: the state line, Pause 15 minutes / Pause 1 hour / Resume (unless IT turned pausing off),
Policy pack (unless IT locked it), Open status page, Open log folder, Quit. Its words are in the
configured ``ui_language``, else the system locale's language where it is en, ur, hi, bn or gu,
else English (menu_labels, tray_language; the words are in service_strings.py).

The log (rotating, under the user log folder) records states and errors, never any post text.
"""

from __future__ import annotations

import errno
import logging
import logging.handlers
import os
import subprocess
import sys
import threading
import time
import webbrowser
from pathlib import Path
from typing import Any, Callable

from .auth import status_link
from .config import DEFAULT_HOST, DEFAULT_PORT
from .service_strings import BASE_LANG, normalize_lang, system_lang, t
from .service_strings import number as _number
from .state import PAUSE_MINUTES, ServiceState, service_state

log = logging.getLogger("conduct_guard.tray")

COLOURS = {"running": (26, 127, 55), "paused": (212, 160, 23), "error": (207, 34, 46), "starting": (110, 119, 129)}


def pause_label(minutes: int, lang: str = BASE_LANG) -> str:
    return t(lang, "pause_hour") if minutes == 60 else t(lang, "pause_minutes", count=minutes)


def pause_choices(lang: str = BASE_LANG) -> tuple[tuple[int, str], ...]:
    """(minutes, menu label) for each pause the service allows, in ``lang``."""
    return tuple((minutes, pause_label(minutes, lang)) for minutes in PAUSE_MINUTES)


PAUSE_CHOICES = pause_choices()

# the menu's fixed labels (menu_labels); the state line and the error lines come with the state
MENU_KEYS = ("resume", "pack", "no_packs", "open_status", "open_logs", "quit", "retry", "log_none",
             "notify_title")


def menu_labels(lang: str = BASE_LANG) -> dict[str, str]:
    """The tray menu's fixed labels in ``lang`` (English where it is not one of the five), with
    ``pause_<minutes>`` for each pause choice. The menu is built from these; no display needed."""
    labels = {key: t(lang, key) for key in MENU_KEYS}
    labels.update({f"pause_{minutes}": label for minutes, label in pause_choices(lang)})
    return labels


def tray_language(configured: Any = None, getlocale=None) -> str:
    """The tray's language: the configured ``ui_language`` (officer's file or IT's policy), else the
    system locale's language where it is one of the five, else English."""
    lang = normalize_lang(configured)
    if lang:
        return lang
    lang = system_lang(getlocale) if getlocale is not None else system_lang()
    return lang or BASE_LANG


__all__ = ["TrayController", "icon_image", "run_tray", "main", "setup_logging", "log_dir", "menu_labels",
           "tray_language", "pause_choices"]


# --------------------------------------------------------------------------- logging


def log_dir() -> Path:
    env = os.environ.get("CONDUCT_GUARD_LOG_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_log_dir("conduct-guard", appauthor=False))


def setup_logging(folder: Path | None = None, retention_days: int = 30) -> Path:
    """A rotating log file (1 MB x 5) in the user log folder; returns its path."""
    folder = Path(folder) if folder is not None else log_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "conduct-guard.log"
    root = logging.getLogger("conduct_guard")
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) and Path(h.baseFilename) == path
               for h in root.handlers):
        h = logging.handlers.RotatingFileHandler(path, maxBytes=1_000_000, backupCount=5, encoding="utf-8")
        h.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(h)
        root.setLevel(logging.INFO)
    # old rotated logs beyond the retention period go
    cutoff = time.time() - max(0, retention_days) * 86400
    for f in folder.glob("conduct-guard.log.*"):
        try:
            if f.stat().st_mtime < cutoff:
                f.unlink()
        except OSError:
            pass
    return path


# --------------------------------------------------------------------------- icons


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


# --------------------------------------------------------------------------- controller


def _open_folder(path: Path) -> None:
    path = str(path)
    if sys.platform.startswith("win"):
        os.startfile(path)  # type: ignore[attr-defined]  # noqa: S606
    elif sys.platform == "darwin":
        subprocess.Popen(["open", path])
    else:
        subprocess.Popen(["xdg-open", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _default_app_factory():
    from .app import create_app

    return create_app()


def _default_server_factory(app, host, port):
    from .server import make_server

    return make_server(app, host, port)


def _explain(exc: BaseException, port: int, lang: str = BASE_LANG) -> str:
    """One sentence an officer (or the helpdesk) understands, in ``lang`` (the technical detail
    stays as the error gave it)."""
    if isinstance(exc, OSError) and exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1), 10048):
        return t(lang, "err_port_in_use", port=port)
    if isinstance(exc, OSError) and exc.errno in (errno.EACCES, 10013):
        return t(lang, "err_port_denied", port=port)
    text = str(exc) or exc.__class__.__name__
    low = text.lower()
    if "model" in low or ".onnx" in low or "tokenizer" in low or "sha256" in low:
        return t(lang, "err_model", detail=text)
    if "policy" in low:
        return t(lang, "err_policy", detail=text)
    return t(lang, "err_start", detail=text)


def _port_free(host: str, port: int) -> None:
    """Raise OSError(EADDRINUSE) when something already listens on host:port."""
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        if not sys.platform.startswith("win"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
        s.bind((host, port))


class TrayController:
    """Owns the app and the server thread; everything the menu does goes through here."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int | None = None,
        app_factory: Callable[[], Any] = _default_app_factory,
        server_factory: Callable[[Any, str, int], Any] = _default_server_factory,
        url_opener: Callable[[str], Any] = webbrowser.open,
        folder_opener: Callable[[Path], Any] = _open_folder,
        log_file: Path | None = None,
        lang: str | None = None,
    ):
        self.host, self.port = host, int(port or DEFAULT_PORT)
        self._lang = normalize_lang(lang)  # None: the configured ui_language, else the system's
        self._configured_lang: str | None = None
        self._configured_read = False
        self.app_factory, self.server_factory = app_factory, server_factory
        self.url_opener, self.folder_opener = url_opener, folder_opener
        self.log_file = log_file
        self.app = None
        self.server = None
        self.thread: threading.Thread | None = None
        self.error: str | None = None
        self.icon = None
        self._stop = threading.Event()
        self._loop_done = threading.Event()
        self._shown_state: str | None = None

    # ---------------------------------------------------------------- service

    def start(self) -> bool:
        """Create the app and start serving in a thread. On failure: error state, never an exit."""
        self.error = None
        try:
            _port_free(self.host, self.port)  # fail fast, before seconds of model loading
        except OSError as exc:
            return self._failed(exc)
        try:
            if self.app is None:
                self.app = self.app_factory()
                service_state(self.app).log_file = str(self.log_file) if self.log_file else None
        except Exception as exc:  # noqa: BLE001 - every failure must become a visible state
            return self._failed(exc)
        try:
            self.server = self.server_factory(self.app, self.host, self.port)
        except Exception as exc:  # noqa: BLE001
            return self._failed(exc)
        self.thread = threading.Thread(target=self._serve, name="conduct-guard-service", daemon=True)
        self.thread.start()
        log.info("service listening on http://%s:%d", self.host, self.port)
        return True

    def _failed(self, exc: BaseException) -> bool:
        self.error = _explain(exc, self.port, self.lang)
        log.error("service did not start: %s", _explain(exc, self.port))  # the log is in English
        return False

    # ---------------------------------------------------------------- language

    @property
    def lang(self) -> str:
        """The menu's language: the one given, else the configured ui_language (the running
        service's config, or the settings files while it is not running), else the system's."""
        if self._lang:
            return self._lang
        configured = None
        if self.app is not None:
            configured = self.app.config.get("CG_UI_LANGUAGE")
        else:
            if not self._configured_read:
                self._configured_read = True
                try:
                    from .config import load_config

                    self._configured_lang = load_config().get("CG_UI_LANGUAGE")
                except Exception:  # noqa: BLE001 - a bad policy is reported by start()
                    self._configured_lang = None
            configured = self._configured_lang
        return tray_language(configured)

    def _serve(self) -> None:
        try:
            self.server.run()
        except Exception as exc:  # noqa: BLE001
            if not self._stop.is_set():
                self.error = _explain(exc, self.port, self.lang)
                log.exception("service stopped: %s", _explain(exc, self.port))
                self.refresh()

    def retry(self) -> None:
        log.info("retrying")
        self.start()
        self.refresh()

    @property
    def service(self) -> ServiceState | None:
        """The service's state (pause, pack, counters); None until the app exists."""
        return service_state(self.app) if self.app is not None else None

    @property
    def state(self) -> str:
        if self.error:
            return "error"
        if self.app is None or self.server is None:
            return "starting"
        return "paused" if self.service.is_paused() else "running"

    def status_line(self) -> str:
        st, lang = self.state, self.lang
        if st == "error":
            return t(lang, "tray_error")
        if st == "paused":
            until = self.service.paused_until()
            if until is not None:
                return t(lang, "tray_paused", time=_number(time.strftime("%H:%M", time.localtime(until)), lang))
            st = "running"  # the pause ran out just now
        if st == "running":
            return t(lang, "tray_checking", pack=self.current_pack())
        return t(lang, "tray_starting")

    # ---------------------------------------------------------------- actions

    def pause_allowed(self) -> bool:
        return self.app is not None and self.service.pause_allowed()

    def pause(self, minutes: int) -> None:
        if self.app is None:
            return
        try:
            self.service.pause(minutes)
            log.info("paused for %d minutes from the tray", minutes)
        except PermissionError as exc:
            log.warning("%s", exc)
        self.refresh()

    def resume(self) -> None:
        if self.app is not None:
            self.service.resume()
            log.info("resumed from the tray")
        self.refresh()

    def packs(self) -> list[str]:
        return sorted(self.service.checker.packs) if self.app is not None else []

    def current_pack(self) -> str | None:
        return self.service.pack if self.app is not None else None

    def pack_locked(self) -> bool:
        return self.app is not None and "pack" in (self.app.config.get("CG_LOCKED") or {})

    def set_pack(self, pack_id: str) -> None:
        if self.app is None or self.pack_locked() or pack_id not in self.packs():
            return
        self.service.set_pack(pack_id)
        self._save_user_setting("pack", pack_id)
        log.info("policy pack set to %s from the tray", pack_id)
        self.refresh()

    def _save_user_setting(self, key: str, value: Any) -> None:
        import json

        try:
            from .config import default_config_file

            path = default_config_file()
            data = {}
            if path.is_file():
                data = json.loads(path.read_text(encoding="utf-8"))
                if not isinstance(data, dict):
                    data = {}
            data[key] = value
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".tmp")
            tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
            os.replace(tmp, path)
        except Exception as exc:  # noqa: BLE001
            log.warning("could not save the user setting %s: %s", key, exc)

    def status_url(self) -> str:
        host = DEFAULT_HOST if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}/status"

    def open_status(self) -> None:
        # The page shows today's counts only to a browser that came through a one-time link
        # minted from this user's token (auth.py); without a running service, the plain page.
        url = self.status_url()
        if self.service is not None and self.service.credentials is not None:
            url = status_link(url, self.service.credentials.token)
        self.url_opener(url)

    def open_logs(self) -> None:
        folder = self.log_file.parent if self.log_file else log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self.folder_opener(folder)

    def stop_service(self) -> None:
        """Stop serving: first let the worker threads finish (a worker that finishes after the
        server closed would write to a closed, possibly reused, file descriptor), then close."""
        self._stop.set()
        server, self.server = self.server, None
        if server is not None:
            dispatcher = getattr(server, "task_dispatcher", None)
            try:
                if dispatcher is not None:
                    dispatcher.shutdown(cancel_pending=True, timeout=5)
            except Exception:  # noqa: BLE001
                pass
            try:
                server.close()
            except Exception:  # noqa: BLE001
                pass
            if self.thread is not None and self.thread is not threading.current_thread():
                self.thread.join(5)
        if self.app is not None:
            self.service.stats.flush()

    def quit(self) -> None:
        log.info("quit from the tray")
        self.stop_service()
        icon = self.icon
        if icon is None:
            return
        icon.stop()

        # python-xlib is not thread-safe: another thread may read the wake-up message off the X
        # socket while the tray loop waits on it, and the loop then never ends. Send it again
        # until the loop is done.
        def nudge():
            for _ in range(20):
                if self._loop_done.wait(0.5):
                    return
                resend = getattr(icon, "_stop", None)
                try:
                    if resend is not None:
                        resend()
                except Exception:  # noqa: BLE001
                    return

        threading.Thread(target=nudge, name="conduct-guard-tray-quit", daemon=True).start()

    def run_icon(self, setup: Callable[[Any], Any] | None = None) -> None:
        """Show the icon and run the tray loop on this (the main) thread until Quit."""
        icon = self.make_icon()
        _enable_clicks_on_xorg(icon)  # on this thread, before the loop reads from X
        self._loop_done.clear()
        try:
            icon.run(setup=setup or self.on_ready)
        finally:
            self._loop_done.set()

    # ---------------------------------------------------------------- pystray glue

    def labels(self) -> dict[str, str]:
        """The menu's fixed labels in the tray's language (menu_labels)."""
        return menu_labels(self.lang)

    def log_line(self) -> str:
        lang = self.lang
        return t(lang, "log_line", path=self.log_file) if self.log_file else t(lang, "log_none")

    def pack_locked_line(self) -> str:
        return t(self.lang, "pack_locked", pack=self.current_pack())

    def menu(self):
        from pystray import Menu, MenuItem as Item

        labels = self.labels()  # the language is read when the menu is built (at start)

        def pack_items():
            return [Item(pid, (lambda p: lambda icon, item: self.set_pack(p))(pid),
                         checked=(lambda p: lambda item: self.current_pack() == p)(pid), radio=True)
                    for pid in self.packs()] or [Item(labels["no_packs"], None, enabled=False)]

        return Menu(
            Item(lambda item: self.status_line(), self._default_action, default=True),
            Item(lambda item: self.error or "", None, enabled=False, visible=lambda item: bool(self.error)),
            Item(lambda item: self.log_line(), None, enabled=False, visible=lambda item: bool(self.error)),
            Item(labels["retry"], lambda icon, item: self.retry(), visible=lambda item: bool(self.error)),
            Menu.SEPARATOR,
            *[Item(labels[f"pause_{minutes}"], (lambda m: lambda icon, item: self.pause(m))(minutes),
                   visible=lambda item: self.state in ("running", "paused") and self.pause_allowed())
              for minutes in PAUSE_MINUTES],
            Item(labels["resume"], lambda icon, item: self.resume(), visible=lambda item: self.state == "paused"),
            Item(labels["pack"], Menu(pack_items),
                 visible=lambda item: self.state in ("running", "paused") and not self.pack_locked()),
            Item(lambda item: self.pack_locked_line(), None, enabled=False,
                 visible=lambda item: self.state in ("running", "paused") and self.pack_locked()),
            Menu.SEPARATOR,
            Item(labels["open_status"], lambda icon, item: self.open_status(),
                 visible=lambda item: self.state != "error"),
            Item(labels["open_logs"], lambda icon, item: self.open_logs()),
            Item(labels["quit"], lambda icon, item: self.quit()),
        )

    def _default_action(self, icon=None, item=None) -> None:
        """Clicking the icon: the status page, or the log folder while in error."""
        if self.state == "error":
            self.open_logs()
        else:
            self.open_status()

    def refresh(self) -> None:
        icon = self.icon
        if icon is None:
            return
        st = self.state
        if st != self._shown_state:
            self._shown_state = st
            icon.icon = icon_image(st)
            icon.title = self.status_line()
            log.info("state: %s", st)
        try:
            icon.update_menu()
        except Exception:  # noqa: BLE001 - some backends have no menu
            pass

    def _ticker(self) -> None:
        if self._stop.wait(3.0):  # let the icon dock and paint first
            return
        while not self._stop.wait(2.0):
            self.refresh()  # pauses run out, the service may fail

    def on_ready(self, icon) -> None:
        icon.visible = True
        if type(icon).__module__.endswith("_xorg"):
            # Docking asks X questions from this thread; python-xlib may then queue the Expose
            # event here while the tray loop waits on the socket, and the icon stays unpainted.
            # Paint it again a few times while it settles in the tray.
            for delay in (0.3, 0.7, 1.5):
                if self._stop.wait(delay):
                    break
                try:
                    icon.icon = icon_image(self.state)
                except Exception:  # noqa: BLE001
                    break
        if self.error and getattr(icon, "HAS_NOTIFICATION", False):
            try:
                icon.notify(self.error, t(self.lang, "notify_title"))
            except Exception:  # noqa: BLE001
                pass
        threading.Thread(target=self._ticker, name="conduct-guard-tray-ticker", daemon=True).start()
        self._shown_state = self.state

    def make_icon(self):
        import pystray

        self._shown_state = self.state
        self.icon = pystray.Icon("conduct-guard", icon_image(self.state), self.status_line(), self.menu())
        return self.icon


def _enable_clicks_on_xorg(icon) -> None:
    """pystray's plain-X backend (no GTK/AppIndicator) creates its tray window without
    ButtonPressMask, so clicks never reach it; ask X for them so a click runs the default action."""
    window = getattr(icon, "_window", None)
    display = getattr(icon, "_display", None)
    if window is None or display is None or not type(icon).__module__.endswith("_xorg"):
        return
    try:
        import Xlib.X

        window.change_attributes(
            event_mask=Xlib.X.ExposureMask | Xlib.X.StructureNotifyMask | Xlib.X.ButtonPressMask)
        display.flush()
    except Exception:  # noqa: BLE001
        log.debug("could not enable clicks on the X tray icon", exc_info=True)


# --------------------------------------------------------------------------- entry points


def run_tray(host: str = DEFAULT_HOST, port: int | None = None) -> int:
    retention = 30
    try:
        from .machine_policy import load_machine_policy

        retention = int(load_machine_policy().settings.get("log_retention_days", 30))
    except Exception:  # noqa: BLE001 - the controller reports a bad policy itself
        pass
    log_file = setup_logging(retention_days=retention)
    ctl = TrayController(host=host, port=port, log_file=log_file)
    ctl.start()
    if ctl.error:
        print(f"Conduct Guard: {ctl.error} (log: {log_file})", file=sys.stderr)
    try:
        ctl.run_icon()  # blocks on the main thread until Quit
    except Exception as exc:  # noqa: BLE001 - no tray host / no display
        log.error("no tray icon: %s", exc)
        print(f"Conduct Guard: cannot show a tray icon ({exc}); the service keeps running "
              f"without one. Log: {log_file}", file=sys.stderr)
        if ctl.thread is None:
            return 1
        try:
            while ctl.thread.is_alive():
                ctl.thread.join(1.0)
        except KeyboardInterrupt:
            pass
    finally:
        ctl.stop_service()
    return 1 if ctl.error and ctl.thread is None else 0


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="conduct-guard-tray", description="Conduct Guard tray icon and service")
    ap.add_argument("--host", default=DEFAULT_HOST)
    ap.add_argument("--port", type=int, default=None)
    a = ap.parse_args()
    sys.exit(run_tray(a.host, a.port))


if __name__ == "__main__":
    main()
