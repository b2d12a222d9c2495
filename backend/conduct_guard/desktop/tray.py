"""The tray icon: ``conduct-guard tray`` (what autostart runs at login).

The local service runs in this same process (tray_service.ServiceRunner), in a thread beside the
tray loop. The icon shows the state (tray_model.TrayModel):

- green: running;  amber: paused;  red: service error (port taken, model missing or broken,
  bad machine policy). An error never ends the process silently: the icon turns red and its menu
  says what is wrong and where the log is (without a menu, a click tries again, then opens the
  log folder).

The menu (tray_menu.build_menu) offers pause, resume, the policy pack, the status page, the log
folder and quit. Where the backend shows no menu (pystray's plain-X one; tray_backend.py), a
click on the icon opens the status page, which offers pause, resume and quit itself
(status_controls.py); Quit there ends this process as the menu's Quit does.

:class:`TrayController` ties these together and does what the menu and the page ask. The log
(rotating, under the user log folder) records states and errors, never any post text.
"""

from __future__ import annotations

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

from ..service.auth import status_link
from ..settings.config import DEFAULT_HOST, ConfigError, save_user_setting
from ..service.service_strings import t
from ..service.state import ServiceState
from .tray_backend import has_menu, make_icon, settle, stop_icon
from .tray_menu import build_menu
from .tray_model import TrayModel, icon_image
from .tray_service import ServiceRunner

log = logging.getLogger("conduct_guard.tray")

__all__ = ["TrayController", "run_tray", "main", "setup_logging", "log_dir"]


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


def _open_folder(path: Path) -> None:
    path = str(path)
    if sys.platform.startswith("win"):
        os.startfile(path)  # type: ignore[attr-defined]  # noqa: S606
    elif sys.platform == "darwin":
        subprocess.Popen(["open", path])
    else:
        subprocess.Popen(["xdg-open", path], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# --------------------------------------------------------------------------- controller


class TrayController:
    """The service runner, the state model and the icon, and every action of the menu and of the
    status page's Quit."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int | None = None,
        app_factory: Callable[[], Any] | None = None,
        server_factory: Callable[[Any, str, int], Any] | None = None,
        url_opener: Callable[[str], Any] = webbrowser.open,
        folder_opener: Callable[[Path], Any] = _open_folder,
        log_file: Path | None = None,
        lang: str | None = None,
    ):
        self.runner = ServiceRunner(host, port, app_factory, server_factory, log_file, on_failure=self.refresh)
        self.model = TrayModel(self.runner, lang)
        self.url_opener, self.folder_opener = url_opener, folder_opener
        self.icon = None
        self._quitting = threading.Event()
        self._loop_done = threading.Event()
        self._shown_state: str | None = None

    @property
    def service(self) -> ServiceState | None:
        return self.runner.service

    # ---------------------------------------------------------------- the service

    def start(self) -> bool:
        """Start the service; on failure the error state, never an exit."""
        started = self.runner.start()
        if started:
            self.service.on_quit = self.quit  # the status page's Quit
        return started

    def retry(self) -> None:
        log.info("retrying")
        self.start()
        self.refresh()

    def stop_service(self) -> None:
        self.runner.stop()

    # ---------------------------------------------------------------- actions

    def pause(self, minutes: int) -> None:
        if self.service is None:
            return
        try:
            self.service.pause(minutes)
            log.info("paused for %d minutes from the tray", minutes)
        except PermissionError as exc:
            log.warning("%s", exc)
        self.refresh()

    def resume(self) -> None:
        if self.service is not None:
            self.service.resume()
            log.info("resumed from the tray")
        self.refresh()

    def set_pack(self, pack_id: str) -> None:
        """Switch the pack now and keep the choice in the officer's settings file."""
        if self.service is None or self.model.pack_locked() or pack_id not in self.model.packs():
            return
        self.service.set_pack(pack_id)
        log.info("policy pack set to %s from the tray", pack_id)
        try:
            save_user_setting("pack", pack_id)
        except ConfigError as exc:
            log.warning("pack %s is used until the service restarts, but not saved: %s", pack_id, exc)
        self.refresh()

    def open_status(self) -> None:
        # The page shows today's counts and its buttons only to a browser that came through a
        # one-time link minted from this user's token (auth.py); without a service, the plain page.
        url = self.runner.status_url()
        if self.service is not None and self.service.credentials is not None:
            url = status_link(url, self.service.credentials.token)
        self.url_opener(url)

    def open_logs(self) -> None:
        log_file = self.runner.log_file
        folder = log_file.parent if log_file else log_dir()
        folder.mkdir(parents=True, exist_ok=True)
        self.folder_opener(folder)

    def default_action(self) -> None:
        """A click on the icon: the status page; while in error the log folder, after one more try
        where the backend has no menu (the click is then the only way to Retry)."""
        if self.model.state != "error":
            self.open_status()
            return
        if self.icon is not None and not has_menu(self.icon):
            self.retry()
            if self.model.state != "error":
                return
        self.open_logs()

    def quit(self) -> None:
        """Stop the service and end the tray loop (from the menu, or the status page's thread)."""
        log.info("quit")
        self._quitting.set()
        self.stop_service()
        if self.icon is not None:
            stop_icon(self.icon, self._loop_done)

    # ---------------------------------------------------------------- the icon

    def make_icon(self):
        self._shown_state = self.model.state
        self.icon = make_icon("conduct-guard", self.model.image(), self.model.status_line(),
                              build_menu(self.model, self))
        return self.icon

    def run_icon(self, setup: Callable[[Any], Any] | None = None) -> None:
        """Show the icon and run the tray loop on this (the main) thread until Quit."""
        icon = self.make_icon()
        self._loop_done.clear()
        try:
            icon.run(setup=setup or self.on_ready)
        except Exception:  # noqa: BLE001
            if not self._quitting.is_set():
                raise
            # measured: pystray's AppIndicator backend raises while closing when the session has
            # no notification service (GDBus ServiceUnknown); the tray is done by then
            log.debug("the tray backend failed while closing", exc_info=True)
        finally:
            self._loop_done.set()

    def on_ready(self, icon) -> None:
        icon.visible = True
        settle(icon, lambda: setattr(icon, "icon", self.model.image()), self.runner.stopped)
        error = self.model.error
        if error and getattr(icon, "HAS_NOTIFICATION", False):
            try:
                icon.notify(error, t(self.model.lang, "notify_title"))
            except Exception:  # noqa: BLE001 - no notification service
                pass
        threading.Thread(target=self._ticker, name="conduct-guard-tray-ticker", daemon=True).start()
        self._shown_state = self.model.state

    def refresh(self) -> None:
        icon = self.icon
        if icon is None:
            return
        state = self.model.state
        if state != self._shown_state:
            self._shown_state = state
            icon.icon = icon_image(state)
            icon.title = self.model.status_line()
            log.info("state: %s", state)
        try:
            icon.update_menu()
        except Exception:  # noqa: BLE001 - some backends have no menu
            pass

    def _ticker(self) -> None:
        if self.runner.stopped.wait(3.0):  # let the icon dock and paint first
            return
        while not self.runner.stopped.wait(2.0):
            self.refresh()  # pauses run out, the service may fail


# --------------------------------------------------------------------------- entry points


def run_tray(host: str = DEFAULT_HOST, port: int | None = None) -> int:
    retention = 30
    try:
        from ..settings.machine_policy import load_machine_policy

        retention = int(load_machine_policy().settings.get("log_retention_days", 30))
    except Exception:  # noqa: BLE001 - the runner reports a bad policy itself
        pass
    log_file = setup_logging(retention_days=retention)
    ctl = TrayController(host=host, port=port, log_file=log_file)
    ctl.start()
    if ctl.model.error:
        print(f"Conduct Guard: {ctl.model.error} (log: {log_file})", file=sys.stderr)
    try:
        ctl.run_icon()  # blocks on the main thread until Quit
    except Exception as exc:  # noqa: BLE001 - no tray host / no display
        log.error("no tray icon: %s", exc)
        print(f"Conduct Guard: cannot show a tray icon ({exc}); the service keeps running "
              f"without one (quit it from {ctl.runner.status_url()}). Log: {log_file}", file=sys.stderr)
        if ctl.runner.thread is None:
            return 1
        try:
            while ctl.runner.thread.is_alive() and not ctl.runner.stopped.wait(1.0):
                pass
        except KeyboardInterrupt:
            pass
    finally:
        ctl.stop_service()
    return 1 if ctl.runner.failure is not None and ctl.runner.thread is None else 0


def main() -> None:
    import argparse

    ap = argparse.ArgumentParser(prog="conduct-guard-tray", description="Conduct Guard tray icon and service")
    ap.add_argument("--host", default=DEFAULT_HOST)
    ap.add_argument("--port", type=int, default=None)
    a = ap.parse_args()
    sys.exit(run_tray(a.host, a.port))


if __name__ == "__main__":
    main()
