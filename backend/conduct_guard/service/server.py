"""Serving the app with waitress: a production WSGI server that also runs on Windows."""

from __future__ import annotations

import logging
import signal
import sys
import threading

from flask import Flask
from waitress.server import create_server

from ..settings.config import DEFAULT_HOST, DEFAULT_PORT
from .state import service_state

log = logging.getLogger("conduct_guard")


# waitress answers a body over its own limit with a plain-text 413 and a reset, before the app sees
# it; the contract's JSON 413 comes from the app (MAX_CONTENT_LENGTH), so waitress's limit is far
# above it and only stops bodies no client of ours sends.
SERVER_BODY_LIMIT = 16 * 1024 * 1024
# Idle sockets: 120 connections that sent nothing once filled waitress's default limit of 100 and
# locked every client out for 40 s. A higher limit, a short idle timeout and a frequent sweep keep a
# normal check answered.
CONNECTION_LIMIT = 512
IDLE_TIMEOUT_S = 10
CLEANUP_INTERVAL_S = 2


# Worker threads: heavy checks (engine.scoring.HEAVY_PASSES) take turns and wait on a thread, so
# with 4 threads, 4 long posts sent together left no thread for an ordinary check; 8 leave room
# for several waiting heavy ones (a thread costs ~8 MiB of address space, nothing resident).
SERVER_THREADS = 8


def make_server(app: Flask, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT, threads: int = SERVER_THREADS):
    """A bound waitress server (``.run()`` serves, ``.close()`` stops); raises OSError if the port is taken."""
    return create_server(app, host=host, port=port, threads=threads, ident="conduct-guard",
                         clear_untrusted_proxy_headers=True, channel_timeout=IDLE_TIMEOUT_S,
                         cleanup_interval=CLEANUP_INTERVAL_S, connection_limit=CONNECTION_LIMIT,
                         max_request_body_size=SERVER_BODY_LIMIT)


def serve(app: Flask, host: str, port: int) -> None:
    """Serve in the foreground until SIGINT or SIGTERM."""
    server = make_server(app, host, port)
    stopping = threading.Event()

    def stop(signum, _frame):
        if not stopping.is_set():
            stopping.set()
            log.info("signal %s: stopping", signum)
            raise SystemExit(0)  # leaves server.run(); the finally below shuts down in order

    signal.signal(signal.SIGTERM, stop)
    if sys.platform != "win32":
        signal.signal(signal.SIGHUP, stop)
    # effective_port is a str on some waitress servers (several sockets): %d raised in logging
    log.info("listening on http://%s:%s", f"[{host}]" if ":" in host else host, server.effective_port)
    try:
        server.run()
    except KeyboardInterrupt:
        log.info("interrupted: stopping")
    finally:
        # worker threads first: closing the server while one still answers made it write to a
        # closed wake-up pipe (EBADF traceback on SIGTERM)
        server.task_dispatcher.shutdown(timeout=5)
        server.close()
        service_state(app).stats.flush()  # counts since the last periodic save are not lost on SIGTERM or Ctrl+C
