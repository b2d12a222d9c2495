"""A very small Chrome DevTools Protocol client (websocket-client), enough for the IT tests."""

from __future__ import annotations

import itertools
import json
import time

import websocket


class CDPError(RuntimeError):
    pass


class CDP:
    def __init__(self, ws_url: str, timeout: float = 30.0):
        self.ws = websocket.create_connection(ws_url, timeout=timeout, suppress_origin=True)
        self._ids = itertools.count(1)
        self.events: list[dict] = []
        self.handlers: list = []  # called with every event; may call post()

    def post(self, method: str, params: dict | None = None, session: str | None = None) -> int:
        """Send without waiting for the answer."""
        mid = next(self._ids)
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        return mid

    def _event(self, data: dict) -> None:
        self.events.append(data)
        for h in list(self.handlers):
            h(self, data)

    def close(self):
        try:
            self.ws.close()
        except Exception:
            pass

    def send(self, method: str, params: dict | None = None, session: str | None = None, timeout: float = 30.0):
        mid = next(self._ids)
        msg = {"id": mid, "method": method, "params": params or {}}
        if session:
            msg["sessionId"] = session
        self.ws.send(json.dumps(msg))
        deadline = time.time() + timeout
        while time.time() < deadline:
            self.ws.settimeout(max(0.1, deadline - time.time()))
            data = json.loads(self.ws.recv())
            if data.get("id") == mid:
                if "error" in data:
                    raise CDPError(f"{method}: {data['error']}")
                return data.get("result", {})
            if "method" in data:
                self._event(data)
        raise CDPError(f"{method}: no answer in {timeout}s")

    def pump(self, seconds: float):
        """Read events for a while (e.g. Fetch.requestPaused)."""
        end = time.time() + seconds
        out = []
        while time.time() < end:
            self.ws.settimeout(max(0.05, end - time.time()))
            try:
                data = json.loads(self.ws.recv())
            except websocket.WebSocketTimeoutException:
                break
            out.append(data)
            if "method" in data:
                self._event(data)
        return out

    def evaluate(self, expression: str, session: str, timeout: float = 30.0):
        r = self.send("Runtime.evaluate", {"expression": expression, "awaitPromise": True,
                                           "returnByValue": True}, session=session, timeout=timeout)
        if "exceptionDetails" in r:
            raise CDPError(f"evaluate: {r['exceptionDetails'].get('exception', {}).get('description') or r['exceptionDetails']}")
        return r.get("result", {}).get("value")
