"""Who may change the service's state or read its counters: a per-install secret (issue 24, point 3).

Checking a post (``POST /v1/check``, ``GET /v1/health``, ``GET /v1/packs``) needs nothing: the
contract promises them to any loopback caller with an allowed origin or none. Pausing, posting
events and reading counters need this user's token, because an ``Origin`` header proves little
here: Firefox gives every install a random ``moz-extension://`` UUID (so the origin cannot be
pinned by value) and other extensions' GET requests carry no ``Origin`` at all.

- The token is a random secret in the user's data folder (:func:`token_file`), created with
  mode 0600 by whichever comes first: the service at start, ``conduct-guard setup`` or the
  native messaging host.
- The extension gets it from the native messaging host (``native_host.py``), whose manifest names
  the extension's ids, so the browser hands it to Conduct Guard's own extension only; the tray
  and the local CLI read the file.
- Callers send it in the :data:`TOKEN_HEADER` header; the service compares in constant time.
- The status page (an HTML page a browser navigates to, which cannot send a header) shows its
  counters to a browser holding a cookie that only a one-time link minted from the token gives
  (the tray's "Open status page", ``conduct-guard status --open``).

This module is imported by the native host, so it needs nothing beyond the standard library
and platformdirs (no Flask, no model).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import urlencode

log = logging.getLogger("conduct_guard.auth")

# The header that carries the token (the extension's copy: CG.SERVICE_AUTH in
# extension/src/shared/protocol.js; tests/test_one_home.py keeps the two equal).
TOKEN_HEADER = "X-Conduct-Guard-Token"
# The native messaging host's name, as browsers know it (the manifests' "name" and file name).
NATIVE_HOST_NAME = "com.conductguard.host"
TOKEN_FILE_NAME = "token"
# For tests and unusual installs only: the browser starts the native host with its own
# environment, so a token file moved by this variable must be moved for the browser too.
TOKEN_FILE_ENV = "CONDUCT_GUARD_TOKEN_FILE"
APP_DIR_NAME = "conduct-guard"  # config.APP_NAME; repeated so the native host does not import config

_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32,128}$")
MAX_TOKEN_CHARS = 256  # a header longer than this is refused before any comparison

# The status page: a one-time link (the tray opens it) turns into a cookie for the page.
STATUS_TICKET_PARAM = "ticket"
STATUS_COOKIE = "cg_status"
TICKET_SECONDS = 120
COOKIE_SECONDS = 12 * 60 * 60

__all__ = [
    "TOKEN_HEADER", "NATIVE_HOST_NAME", "TOKEN_FILE_ENV", "STATUS_TICKET_PARAM", "STATUS_COOKIE",
    "Credentials", "token_file", "load_or_create_token", "tokens_equal", "make_ticket", "status_link",
    "public",
]


# --------------------------------------------------------------------------- the token file


def data_dir() -> Path:
    """The user's data folder (the same one the counters use, stats.default_stats_dir)."""
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def token_file(environ: Mapping[str, str] | None = None) -> Path:
    environ = os.environ if environ is None else environ
    override = environ.get(TOKEN_FILE_ENV)
    return Path(override) if override else data_dir() / TOKEN_FILE_NAME


def _read_token(path: Path) -> str | None:
    """The token in the file, or None when the file is absent or does not hold one."""
    try:
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        if path.exists() and not path.is_file():
            raise OSError(f"{path}: is not a regular file; remove it so that a token can be written") from None
        log.warning("cannot read the token file %s (%s): writing a new one", path, type(exc).__name__)
        return None
    return text if _TOKEN_SHAPE.match(text) else None


def _keep_private(path: Path) -> None:
    """0600 on POSIX (Windows: the user's profile folder already is the user's alone)."""
    if os.name != "posix":
        return
    try:
        mode = path.stat().st_mode & 0o777
        if mode & 0o077:
            os.chmod(path, 0o600)
            log.warning("%s was readable by others (mode %o): now 0600", path, mode)
    except OSError:
        pass


def _write_new(path: Path, replace: bool) -> None:
    """Write a fresh token. The file appears complete or not at all (written aside, then linked
    in), so the service and the native host starting together never read half a token; when
    both write, the first one's file stays (``os.link`` refuses to overwrite) unless ``replace``."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(prefix=".token-", dir=path.parent)  # mode 0600 on POSIX
    try:
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(secrets.token_urlsafe(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
            return
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass  # another process wrote it first: that one is the token
        except OSError:  # a file system without hard links
            if not path.exists():
                os.replace(tmp, path)
    finally:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def load_or_create_token(path: Path | None = None) -> str:
    """This user's token, created (0600) when the file is absent or does not hold one."""
    path = Path(path) if path is not None else token_file()
    token = _read_token(path)
    if token is None:
        _write_new(path, replace=path.exists())
        token = _read_token(path)
        if token is None:
            raise OSError(f"{path}: cannot write the service token")
    _keep_private(path)
    return token


def tokens_equal(given: str | None, expected: str) -> bool:
    """Constant time (for tokens of equal length): the answer never tells how much matched."""
    if not isinstance(given, str) or not given or len(given) > MAX_TOKEN_CHARS:
        return False
    return hmac.compare_digest(given.encode("utf-8", "replace"), expected.encode("ascii"))


# --------------------------------------------------------------------------- status page tickets


def _mac(token: str, *parts: str) -> str:
    return hmac.new(token.encode("ascii"), "|".join(parts).encode("ascii"), hashlib.sha256).hexdigest()


def make_ticket(token: str, now: float | None = None) -> str:
    """A one-time ticket for the status page, valid for TICKET_SECONDS: ``exp.nonce.mac``."""
    expires = str(int((time.time() if now is None else now) + TICKET_SECONDS))
    nonce = secrets.token_hex(8)
    return f"{expires}.{nonce}.{_mac(token, 'status-ticket', expires, nonce)}"


def status_link(page_url: str, token: str) -> str:
    """The status page's address with a fresh ticket (what the tray and the CLI open)."""
    return f"{page_url}?{urlencode({STATUS_TICKET_PARAM: make_ticket(token)})}"


def public(view: Callable) -> Callable:
    """Marks a route that needs no token (api.register_guards refuses every other one without it)."""
    view.conduct_guard_public = True
    return view


class Credentials:
    """The service's side: the token (re-read when its file changes), tickets and page cookies."""

    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time):
        self.path = Path(path) if path is not None else token_file()
        self.clock = clock
        self._lock = threading.Lock()
        self._token = load_or_create_token(self.path)
        self._stamp = self._file_stamp()
        self._used_tickets: dict[str, float] = {}

    @property
    def token(self) -> str:
        return self._token

    def _file_stamp(self):
        try:
            st = self.path.stat()
            return (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            return None

    def _reload_if_changed(self) -> bool:
        """The file was replaced (a new token, or deleted and written again by the native host):
        take its token, so the service need not be restarted. True when the token changed."""
        with self._lock:
            stamp = self._file_stamp()
            if stamp == self._stamp:
                return False
            try:
                token = load_or_create_token(self.path)
            except OSError as exc:
                log.warning("cannot re-read the token file: %s", exc)
                return False
            self._stamp = self._file_stamp()
            changed = token != self._token
            self._token = token
            return changed

    def matches(self, given: str | None) -> bool:
        if tokens_equal(given, self._token):
            return True
        # a well-formed but different token: perhaps the file changed since the service started
        return bool(given) and self._reload_if_changed() and tokens_equal(given, self._token)

    # -- the status page

    def redeem_ticket(self, ticket: str | None) -> bool:
        """True once per valid, unexpired ticket."""
        if not isinstance(ticket, str) or len(ticket) > 200:
            return False
        parts = ticket.split(".")
        if len(parts) != 3 or not parts[0].isdigit():
            return False
        expires, nonce, mac = parts
        now = self.clock()
        if int(expires) < now or int(expires) > now + TICKET_SECONDS + 5:
            return False
        if not hmac.compare_digest(mac.encode("ascii", "replace"),
                                   _mac(self._token, "status-ticket", expires, nonce).encode("ascii")):
            return False
        with self._lock:
            self._used_tickets = {n: e for n, e in self._used_tickets.items() if e >= now}
            if nonce in self._used_tickets:
                return False  # a link seen in the browser's history opens nothing again
            self._used_tickets[nonce] = int(expires)
        return True

    def page_cookie(self) -> tuple[str, int]:
        """(value, max_age) of the status page's cookie."""
        expires = str(int(self.clock() + COOKIE_SECONDS))
        return f"{expires}.{_mac(self._token, 'status-page', expires)}", COOKIE_SECONDS

    def cookie_valid(self, value: str | None) -> bool:
        if not isinstance(value, str) or len(value) > 200 or "." not in value:
            return False
        expires, mac = value.split(".", 1)
        if not expires.isdigit() or int(expires) < self.clock():
            return False
        return hmac.compare_digest(mac.encode("ascii", "replace"),
                                   _mac(self._token, "status-page", expires).encode("ascii"))
