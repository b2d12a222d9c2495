"""A tiny Marionette client (Firefox's own remote protocol, enabled with --marionette)."""

from __future__ import annotations

import json
import socket
import time


class Marionette:
    def __init__(self, port: int, timeout: float = 60.0):
        end = time.time() + timeout
        while True:
            try:
                self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
                break
            except OSError:
                if time.time() > end:
                    raise
                time.sleep(0.3)
        self.sock.settimeout(60)
        self._id = 0
        self._buf = b""
        self._read()  # greeting

    def _read(self):
        while b":" not in self._buf:
            self._buf += self._recv()
        n, _, rest = self._buf.partition(b":")
        n = int(n)
        while len(rest) < n:
            rest += self._recv()
        self._buf = rest[n:]
        return json.loads(rest[:n])

    def _recv(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("marionette closed the connection")
        return chunk

    def call(self, name: str, params: dict | None = None):
        self._id += 1
        data = json.dumps([0, self._id, name, params or {}]).encode()
        self.sock.sendall(str(len(data)).encode() + b":" + data)
        while True:
            msg = self._read()
            if msg[0] == 1 and msg[1] == self._id:
                if msg[2]:
                    raise RuntimeError(f"{name}: {msg[2]}")
                return msg[3]

    def close(self):
        try:
            self.call("Marionette:Quit", {"flags": ["eForceQuit"]})
        except Exception:
            pass
        self.sock.close()
