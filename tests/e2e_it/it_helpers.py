"""Shared pieces of the IT end-to-end tests: kit building, a loopback update server, a fake
Conduct Guard service, and the private mount namespace that puts a policy file at the
browser's machine policy path for one browser process only."""

from __future__ import annotations

import http.server
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
try:
    import conduct_guard  # noqa: F401
except ImportError:
    sys.path.insert(0, str(ROOT / "backend"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def can_unshare() -> bool:
    if os.geteuid() != 0 or not shutil.which("unshare"):
        return False
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "true"], capture_output=True)
    return r.returncode == 0


def in_private_mounts(binds: dict[str, str], argv: list[str]) -> list[str]:
    """argv run in a private mount namespace where each target path shows the source folder.

    The policy then exists at the real machine path (/etc/chromium/policies/managed, ...) for
    this browser only: other browsers on the machine (other tests running at the same time)
    never see it, and nothing is left behind.
    """
    script = " && ".join(f'mkdir -p "{t}" && mount --bind "{s}" "{t}"' for t, s in binds.items())
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", f'{script} && exec "$@"', "sh", *argv]


class _Quiet(http.server.BaseHTTPRequestHandler):
    def log_message(self, fmt, *args):  # keep pytest output clean
        pass


class StaticServer:
    """Serves one folder at /<prefix>/ on loopback, and records the paths asked for."""

    def __init__(self, folder: Path, prefix: str = "cg"):
        self.folder, self.prefix, self.requests = Path(folder), prefix, []
        outer = self

        class H(_Quiet):
            def do_GET(self):
                path = self.path.split("?")[0]
                outer.requests.append(self.path)
                name = path[len(f"/{outer.prefix}/"):] if path.startswith(f"/{outer.prefix}/") else None
                f = outer.folder / name if name and "/" not in name and ".." not in name else None
                if not f or not f.is_file():
                    self.send_response(404)
                    self.end_headers()
                    return
                body = f.read_bytes()
                ctype = {".xml": "text/xml", ".crx": "application/x-chrome-extension",
                         ".xpi": "application/x-xpinstall", ".json": "application/json"}.get(f.suffix, "application/octet-stream")
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/{prefix}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


CATS = ["official_information", "political_opinion", "criticism_of_government", "misinformation",
        "hate_speech", "national_security", "incitement_defamation", "privacy", "self_promotion"]


class FakeService:
    """A stand-in for the local service with the contract's shapes: any text containing
    'cabinet' gets a block finding (official_information); the rest is ok."""

    def __init__(self, port: int):
        self.checks: list[dict] = []
        self.events: list[dict] = []
        outer = self

        class H(_Quiet):
            def _send(self, code, obj=None):
                body = b"" if obj is None else json.dumps(obj).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Access-Control-Allow-Origin", self.headers.get("Origin") or "*")
                self.send_header("Access-Control-Allow-Headers", "Content-Type")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_OPTIONS(self):
                self._send(204)

            def do_GET(self):
                if self.path.startswith("/v1/health"):
                    self._send(200, {"status": "ok", "model": {"name": "fake", "version": "0"}, "pack": "pk-federal"})
                elif self.path.startswith("/v1/packs"):
                    self._send(200, {"packs": [{"id": "pk-federal"}, {"id": "pk-aiou"}]})
                else:
                    self._send(404, {"error": {"code": "not_found", "message": "no"}})

            def do_POST(self):
                n = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(n) or b"{}")
                if self.path.startswith("/v1/events"):
                    outer.events.append(body)
                    self._send(204)
                    return
                if not self.path.startswith("/v1/check"):
                    self._send(404, {"error": {"code": "not_found", "message": "no"}})
                    return
                outer.checks.append(body)
                text = body.get("text", "")
                i = text.find("cabinet")
                findings = []
                if i >= 0:
                    findings.append({
                        "category": "official_information", "score": 0.97, "severity": "block",
                        "rule": {"pack": body.get("pack") or "pk-federal", "ref": "Rule 18",
                                 "title": "Communication of official information", "source": "test"},
                        "message": "This looks like official information.",
                        "spans": [[i, i + len("cabinet")]],
                    })
                self._send(200, {
                    "verdict": "block" if findings else "ok",
                    "scores": {c: (0.97 if findings and c == "official_information" else 0.01) for c in CATS},
                    "findings": findings, "model": {"name": "fake", "version": "0"}, "elapsed_ms": 1.0,
                })

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), H)
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def build_kit(tmp: Path, update_url: str, policy: dict) -> dict:
    from conduct_guard.deploy.itkit import build_kit as _build

    pol = tmp / "policy-in.json"
    pol.write_text(json.dumps(policy))
    return _build(out=tmp / "kit", key_path=tmp / "it-key.pem", update_url=update_url, policy_path=pol,
                  create_key=True)
