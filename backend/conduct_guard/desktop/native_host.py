"""The native messaging host: hands this user's service token to Conduct Guard's extension.

Browsers start it (through the launcher ``conduct-guard setup`` or the IT kit wrote) when the
extension calls ``runtime.sendNativeMessage("com.conductguard.host", {"kind": "token"})``, and
only for the extensions its manifest names (``allowed_origins`` for Chrome/Chromium/Edge,
``allowed_extensions`` for Firefox): that is what keeps other extensions from the token.

Framing (Chrome and Firefox alike): each message is a 4-byte length in the machine's byte order,
then that many bytes of UTF-8 JSON, on stdin (from the browser) and stdout (to it). The host
answers every message, in order, until stdin closes.

Requests and replies:

- ``{"kind": "token"}`` -> ``{"ok": true, "token": "...", "header": "X-Conduct-Guard-Token"}``
- ``{"kind": "ping"}`` -> ``{"ok": true, "version": "..."}``
- anything else -> ``{"ok": false, "error": "unknown_kind" | "bad_request"}``

Run it as ``python -m conduct_guard.native_host`` (what the launchers do) or
``conduct-guard native-host``. It imports nothing heavy: a browser waits for it.
"""

from __future__ import annotations

import json
import os
import struct
import sys
from typing import IO, Any

from .. import __version__
from ..service.auth import TOKEN_HEADER, load_or_create_token

LENGTH = struct.Struct("=I")  # native byte order, 4 bytes: what both browsers write and expect
# What the extension sends is tiny; a longer message is not ours (Chrome allows 64 MiB).
MAX_REQUEST_BYTES = 64 * 1024

__all__ = ["read_message", "write_message", "handle", "serve", "main", "FramingError"]


_NOT_JSON = object()  # a frame whose body is not JSON: answered with bad_request


class FramingError(ValueError):
    """The stream does not follow native messaging framing."""


def _read_exactly(stream: IO[bytes], n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = stream.read(n - len(data))
        if not chunk:
            break
        data += chunk
    return data


def read_message(stream: IO[bytes]) -> Any | None:
    """The next message, or None when the browser closed the stream between messages."""
    head = _read_exactly(stream, LENGTH.size)
    if not head:
        return None
    if len(head) < LENGTH.size:
        raise FramingError("the stream ended inside a message's length")
    (length,) = LENGTH.unpack(head)
    if length > MAX_REQUEST_BYTES:
        raise FramingError(f"a message of {length} bytes is over the {MAX_REQUEST_BYTES} this host reads")
    body = _read_exactly(stream, length)
    if len(body) < length:
        raise FramingError("the stream ended inside a message")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return _NOT_JSON


def write_message(stream: IO[bytes], message: Any) -> None:
    body = json.dumps(message, separators=(",", ":")).encode("utf-8")
    stream.write(LENGTH.pack(len(body)) + body)
    stream.flush()


def handle(message: Any) -> dict:
    if message is _NOT_JSON or not isinstance(message, dict):
        return {"ok": False, "error": "bad_request"}
    kind = message.get("kind")
    if kind == "token":
        try:
            token = load_or_create_token()
        except OSError as exc:
            print(f"conduct-guard native host: {exc}", file=sys.stderr)  # the browser's log, never the token
            return {"ok": False, "error": "token_unavailable"}
        return {"ok": True, "token": token, "header": TOKEN_HEADER}
    if kind == "ping":
        return {"ok": True, "version": __version__}
    return {"ok": False, "error": "unknown_kind"}


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> int:
    while True:
        try:
            message = read_message(stdin)
        except FramingError as exc:
            print(f"conduct-guard native host: {exc}", file=sys.stderr)
            return 1
        if message is None:
            return 0
        write_message(stdout, handle(message))


def main(argv: list[str] | None = None) -> int:
    # Chrome passes the caller's origin (and on Windows --parent-window=N), Firefox the manifest's
    # path and the extension's id: the browser already checked them against the manifest.
    if sys.platform == "win32":  # no \n -> \r\n translation inside the length-prefixed frames
        import msvcrt

        msvcrt.setmode(sys.stdin.fileno(), os.O_BINARY)
        msvcrt.setmode(sys.stdout.fileno(), os.O_BINARY)
    return serve(sys.stdin.buffer, sys.stdout.buffer)


if __name__ == "__main__":
    sys.exit(main())
