"""A real HTTP server on loopback: waitress in a thread, and `conduct-guard serve` as a process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

from conduct_guard.service.server import make_server

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def live(app):
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()
    thread.join(timeout=5)


def test_check_over_http(live):
    response = requests.post(f"{live}/v1/check", json={"text": "Sharing the draft summary"}, timeout=10)
    assert response.status_code == 200
    assert response.json()["verdict"] in ("warn", "block")


def test_rebinding_host_is_refused_over_http(live):
    response = requests.get(f"{live}/v1/health", headers={"Host": "attacker.example"}, timeout=10)
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden_host"


def test_simple_cross_origin_post_is_refused(live):
    # a web page can send a 'simple' text/plain POST without preflight; it must be refused
    response = requests.post(f"{live}/v1/check", data='{"text": "x"}',
                             headers={"Content-Type": "text/plain", "Origin": "https://evil.example"}, timeout=10)
    assert response.status_code == 403


def raw_request(base: str, payload: bytes) -> bytes:
    host, port = base.rsplit("//", 1)[1].split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(payload)
        chunks = []
        while True:
            data = sock.recv(65536)
            if not data:
                break
            chunks.append(data)
    return b"".join(chunks)


def test_oversized_and_chunked_bodies(live):
    big = b'{"text": "' + b"a" * 300_000 + b'"}'
    response = requests.post(f"{live}/v1/check", data=big, headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "too_large"  # the contract's JSON error, not the server's text
    chunked = (b"POST /v1/check HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
               + b"".join(b"%x\r\n%s\r\n" % (8192, b"a" * 8192) for _ in range(40)) + b"0\r\n\r\n")
    try:
        status_line = raw_request(live, chunked).split(b"\r\n", 1)[0]
        assert b" 413 " in status_line or b" 400 " in status_line
    except ConnectionResetError:
        pass  # waitress answered 413 and closed while the rest of the body was still coming
    assert requests.get(f"{live}/v1/health", timeout=10).status_code == 200


def test_deeply_nested_json_is_a_clean_400(live):
    body = "[" * 50_000 + "]" * 50_000
    response = requests.post(f"{live}/v1/check", data=body, headers={"Content-Type": "application/json"}, timeout=10)
    assert response.status_code in (400, 413)
    assert "error" in response.json()


def test_idle_connections_do_not_lock_clients_out(live):
    """150 sockets that send nothing once filled the server's connection limit for 40 s."""
    host, port = live.rsplit("//", 1)[1].split(":")
    idle = [socket.create_connection((host, int(port)), timeout=10) for _ in range(150)]
    try:
        started = time.monotonic()
        response = requests.post(f"{live}/v1/check", json={"text": "Eid Mubarak"}, timeout=10)
        assert response.status_code == 200 and time.monotonic() - started < 5
    finally:
        for sock in idle:
            sock.close()


def test_garbage_http_does_not_kill_the_server(live):
    raw_request(live, b"\x00\xff garbage \r\n\r\n")
    raw_request(live, b"GET /v1/health HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: -5\r\n\r\n")
    assert requests.get(f"{live}/v1/health", timeout=10).status_code == 200


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_process_answers_and_stops_on_signal(tmp_path, sig):
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "backend"), "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "conduct_guard", "serve", "--port", str(port)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                health = requests.get(f"http://127.0.0.1:{port}/v1/health", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline
                time.sleep(0.1)
        assert health.json()["status"] == "ok"
        secret = "pineapple zebra draft summary of cabinet"
        assert requests.post(f"http://127.0.0.1:{port}/v1/check", json={"text": secret}, timeout=10).ok
        proc.send_signal(sig)
        _, stderr = proc.communicate(timeout=20)
        assert proc.returncode in (0, -sig, 128 + sig, 130, 143) and proc.returncode is not None
        assert "pineapple" not in stderr, "no text of a post in any log"
        assert f"listening on http://127.0.0.1:{port}" in stderr and "Traceback" not in stderr
    finally:
        if proc.poll() is None:
            proc.kill()


def test_ipv6_loopback_is_loopback():
    from conduct_guard.service.security import address_is_loopback

    assert all(address_is_loopback(a) for a in ("::1", "[::1]", "127.0.0.1", "127.3.2.1", "localhost"))
    assert not any(address_is_loopback(a) for a in ("0.0.0.0", "::", "192.168.1.4", "example.org", ""))


def test_port_taken_is_a_clean_error():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        env = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}
        proc = subprocess.run([sys.executable, "-m", "conduct_guard", "serve", "--port", str(port)],
                              env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in proc.stderr and "Traceback" not in proc.stderr
