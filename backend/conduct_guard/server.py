"""Serving the app with waitress: a production WSGI server that also runs on Windows."""

from __future__ import annotations

import logging
import signal
import sys
import threading

from flask import Flask
from waitress.server import create_server

log = logging.getLogger("conduct_guard")


def make_server(app: Flask, host: str = "127.0.0.1", port: int = 47814, threads: int = 4):
    """A bound waitress server (``.run()`` serves, ``.close()`` stops); raises OSError if the port is taken."""
    return create_server(app, host=host, port=port, threads=threads, ident="conduct-guard",
                         clear_untrusted_proxy_headers=True, channel_timeout=30,
                         max_request_body_size=app.config.get("MAX_CONTENT_LENGTH", 256 * 1024) + 1)


def serve(app: Flask, host: str, port: int) -> None:
    """Serve in the foreground until SIGINT or SIGTERM."""
    server = make_server(app, host, port)
    stopping = threading.Event()

    def stop(signum, _frame):
        if not stopping.is_set():
            stopping.set()
            log.info("signal %s: stopping", signum)
            server.close()
            raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    if sys.platform != "win32":
        signal.signal(signal.SIGHUP, stop)
    log.info("listening on http://%s:%d", host, server.effective_port)
    try:
        server.run()
    except KeyboardInterrupt:
        log.info("interrupted: stopping")
    finally:
        server.close()
