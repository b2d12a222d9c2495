"""The service inside the tray process: the app and its waitress server in a thread beside the
tray loop (the loop must own the main thread on macOS), and why it did not start.

A start-up failure never ends the process: :class:`ServiceRunner` keeps the exception and the
tray shows it (red icon, a sentence from :func:`explain`). Failures are told apart by their type:
the port (``OSError`` errno), the model (``modelinfo.ModelError``: every loader of the model
files raises it, naming the file), IT's machine policy (``config.MachinePolicyConfigError``) and
anything else, whose own message is shown.
"""

from __future__ import annotations

import errno
import logging
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any, Callable

from ..settings.config import DEFAULT_HOST, DEFAULT_PORT, MachinePolicyConfigError
from ..settings.machine_policy import MachinePolicyError
from ..engine.modelinfo import ModelError
from ..service.service_strings import BASE_LANG, t
from ..service.state import ServiceState, service_state

log = logging.getLogger("conduct_guard.tray")

# Windows reports socket errors with its own numbers (WSAEADDRINUSE, WSAEACCES)
_ADDRESS_IN_USE = frozenset({errno.EADDRINUSE, 10048})
_ACCESS_DENIED = frozenset({errno.EACCES, 10013})

# failure kind -> its sentence in service_strings.py
FAILURE_MESSAGES = {
    "port_in_use": "err_port_in_use",
    "port_denied": "err_port_denied",
    "model": "err_model",
    "policy": "err_policy",
    "other": "err_start",
}

__all__ = ["ServiceRunner", "failure_kind", "explain", "FAILURE_MESSAGES"]


def failure_kind(exc: BaseException) -> str:
    """Which of FAILURE_MESSAGES a start-up error is, by its type."""
    if isinstance(exc, OSError) and exc.errno in _ADDRESS_IN_USE:
        return "port_in_use"
    if isinstance(exc, OSError) and exc.errno in _ACCESS_DENIED:
        return "port_denied"
    if isinstance(exc, ModelError):
        return "model"
    if isinstance(exc, (MachinePolicyConfigError, MachinePolicyError)):
        return "policy"
    return "other"


def explain(exc: BaseException, port: int, lang: str = BASE_LANG) -> str:
    """One sentence an officer (or the helpdesk) understands, in ``lang``; the technical detail
    stays as the error gave it."""
    detail = str(exc) or type(exc).__name__
    return t(lang, FAILURE_MESSAGES[failure_kind(exc)], port=port, detail=detail)


def _default_app_factory():
    from ..service.app import create_app

    return create_app()


def _default_server_factory(app, host: str, port: int):
    from ..service.server import make_server

    return make_server(app, host, port)


def _port_free(host: str, port: int) -> None:
    """Raise OSError(EADDRINUSE) when something already listens on host:port."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        if not sys.platform.startswith("win"):
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as waitress does
        s.bind((host, port))


def _close_connections(server, send_for_s: float = 1.0) -> None:
    """Close the connections waitress's ``close()`` leaves open, once what they still have to
    send is sent (the status page's Quit answer goes out before the service stops). ``close()``
    ends only the listener: measured with one keep-alive connection open, the serving thread
    outlived stop()'s 5 s join; with this it ends at the loop's next poll (1 s)."""
    from waitress import wasyncore

    channels = getattr(server, "_map", None) or {}
    deadline = time.monotonic() + send_for_s
    while time.monotonic() < deadline and any(getattr(c, "total_outbufs_len", 0) for c in list(channels.values())):
        time.sleep(0.02)
    wasyncore.close_all(channels)


class ServiceRunner:
    """Owns the app and the server thread. ``failure`` is the exception that stopped the service
    (None while it runs or before it starts); ``stopped`` is set once :meth:`stop` ran."""

    def __init__(
        self,
        host: str = DEFAULT_HOST,
        port: int | None = None,
        app_factory: Callable[[], Any] | None = None,
        server_factory: Callable[[Any, str, int], Any] | None = None,
        log_file: Path | None = None,
        on_failure: Callable[[], Any] | None = None,
    ):
        self.host, self.port = host, int(port or DEFAULT_PORT)
        self.app_factory = app_factory or _default_app_factory  # create_app(): the real service
        self.server_factory = server_factory or _default_server_factory
        self.log_file = log_file
        self.on_failure = on_failure  # called when a running service fails (the icon turns red)
        self.app = None
        self.server = None
        self.thread: threading.Thread | None = None
        self.failure: BaseException | None = None
        self.stopped = threading.Event()

    @property
    def service(self) -> ServiceState | None:
        """The service's state (pause, pack, counters); None until the app exists."""
        return service_state(self.app) if self.app is not None else None

    @property
    def serving(self) -> bool:
        return self.server is not None and self.failure is None

    def status_url(self) -> str:
        host = DEFAULT_HOST if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}/status"

    def start(self) -> bool:
        """Create the app (once) and serve in a thread. On failure: ``failure`` set, False."""
        self.failure = None
        self.stopped.clear()
        try:
            _port_free(self.host, self.port)  # fail fast, before seconds of model loading
            if self.app is None:
                self.app = self.app_factory()
                service_state(self.app).log_file = str(self.log_file) if self.log_file else None
            self.server = self.server_factory(self.app, self.host, self.port)
        except Exception as exc:  # noqa: BLE001 - every failure must become a visible state
            self.failure = exc
            log.error("service did not start: %s", explain(exc, self.port))  # the log is in English
            return False
        self.thread = threading.Thread(target=self._serve, name="conduct-guard-service", daemon=True)
        self.thread.start()
        log.info("service listening on http://%s:%d", self.host, self.port)
        return True

    def _serve(self) -> None:
        try:
            self.server.run()
        except Exception as exc:  # noqa: BLE001
            if not self.stopped.is_set():
                self.failure = exc
                log.exception("service stopped: %s", explain(exc, self.port))
                if self.on_failure is not None:
                    self.on_failure()

    def stop(self) -> None:
        """Stop serving: first let the worker threads finish (a worker that finishes after the
        server closed would write to a closed, possibly reused, file descriptor), then close."""
        self.stopped.set()
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
                _close_connections(server)
            except Exception:  # noqa: BLE001
                pass
            if self.thread is not None and self.thread is not threading.current_thread():
                self.thread.join(5)
        if self.app is not None:
            self.service.stats.flush()
