"""Who may change the service's state or read its counters (issue 24, point 3): the token file,
the service's check of it (forged origins, missing, wrong and right tokens), the status page's
one-time link, the native messaging host's framing, and `conduct-guard setup`'s manifests."""

from __future__ import annotations

import json
import os
import shutil
import stat
import struct
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

from conduct_guard.desktop import native_setup
from conduct_guard.service import auth
from conduct_guard.service.app import create_app
from conduct_guard.service.auth import TOKEN_HEADER, Credentials, load_or_create_token, make_ticket
from conduct_guard.cli.commands import main
from conduct_guard.settings.config import CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID
from conduct_guard.service.state import service_state

ROOT = Path(__file__).resolve().parents[1]
FIREFOX = "moz-extension://5c7a0f2e-3b1d-4c6e-9a8f-0c0d0e0f1a2b"
CHROME = f"chrome-extension://{CHROME_EXTENSION_ID}"
# Forged or malformed: refused (403) on every route, with or without the token
FORGED = [
    "moz-extension://*", "moz-extension://user@evil.com", "moz-extension://evil.com",
    "moz-extension://user:pw@5c7a0f2e-3b1d-4c6e-9a8f-0c0d0e0f1a2b", FIREFOX + "/", FIREFOX + "/../x",
    FIREFOX + ":80", FIREFOX.upper().replace("MOZ-EXTENSION", "moz-extension"), "moz-extension://1234-abcd",
    "moz-extension:5c7a0f2e-3b1d-4c6e-9a8f-0c0d0e0f1a2b", " " + FIREFOX, "MOZ-EXTENSION://5c7a0f2e-3b1d-4c6e-9a8f-0c0d0e0f1a2b",
    "chrome-extension://*", "chrome-extension://" + "b" * 32, CHROME + "/", CHROME + "@evil.com",
    "https://evil.example", "http://127.0.0.1:47814", "null", "", "file://", "moz-extension://",
]


@pytest.fixture
def app(fake_scorer):
    return create_app({"CG_SCORER": fake_scorer})


@pytest.fixture
def token(app):
    return service_state(app).credentials.token


def call(client, method, path, origin=None, token=None, body=None):
    headers = {}
    if origin is not None:
        headers["Origin"] = origin
    if token is not None:
        headers[TOKEN_HEADER] = token
    if body is not None:
        return client.open(path, method=method, data=json.dumps(body), content_type="application/json", headers=headers)
    return client.open(path, method=method, headers=headers)


# ----------------------------------------------------------------- the token file


def test_token_file_is_created_private_and_kept(tmp_path):
    path = tmp_path / "deeper" / "token"
    first = load_or_create_token(path)
    assert len(first) >= 40 and path.read_text().strip() == first
    if os.name == "posix":
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_or_create_token(path) == first
    assert [p.name for p in path.parent.iterdir()] == ["token"]  # no temporary file left


def test_a_broken_token_file_is_replaced_and_a_readable_one_made_private(tmp_path):
    path = tmp_path / "token"
    path.write_text("short\n")
    fresh = load_or_create_token(path)
    assert fresh != "short" and len(fresh) >= 40
    if os.name == "posix":
        os.chmod(path, 0o644)
        assert load_or_create_token(path) == fresh
        assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_service_creates_the_token_file_on_first_start(app, tmp_path):
    assert (tmp_path / "token").read_text().strip() == service_state(app).credentials.token


def test_tokens_are_compared_in_constant_time(monkeypatch):
    seen = []
    real = auth.hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: seen.append((a, b)) or real(a, b))
    assert auth.tokens_equal("x" * 43, "x" * 43) and not auth.tokens_equal("y" * 43, "x" * 43)
    assert len(seen) == 2
    assert not auth.tokens_equal(None, "x") and not auth.tokens_equal("", "x")
    assert not auth.tokens_equal("x" * 300, "x" * 43)  # refused before comparing


# ----------------------------------------------------------------- the service's check


@pytest.mark.parametrize("origin", FORGED)
def test_forged_and_malformed_origins_are_refused_everywhere(app, token, origin):
    c = app.test_client()
    for method, path, body in [("POST", "/v1/pause", {"minutes": 60}), ("POST", "/v1/events", {"event": "override"}),
                               ("GET", "/v1/status", None), ("POST", "/v1/check", {"text": "hello"}),
                               ("GET", "/v1/health", None), ("GET", "/v1/packs", None)]:
        r = call(c, method, path, origin=origin, token=token, body=body)
        assert r.status_code == 403, (origin, path)
        assert r.get_json()["error"]["code"] == "forbidden_origin"
    assert not service_state(app).is_paused()
    assert service_state(app).stats.snapshot()["overrides"] == 0


@pytest.mark.parametrize("origin", [None, CHROME, FIREFOX])
def test_the_contracts_endpoints_need_no_token(app, origin):
    c = app.test_client()
    assert call(c, "POST", "/v1/check", origin, body={"text": "hello"}).status_code == 200
    assert call(c, "GET", "/v1/health", origin).status_code == 200
    assert call(c, "GET", "/v1/packs", origin).status_code == 200
    assert call(c, "POST", "/v1/moderate", origin, body={"messages": [{"id": "1", "text": "hello"}]}).status_code != 401


@pytest.mark.parametrize("origin", [None, CHROME, FIREFOX])
def test_state_and_counters_need_the_token(app, token, origin):
    c = app.test_client()
    for given, code in [(None, "token_required"), ("x" * 43, "bad_token"), (token[:-1], "bad_token"),
                        (token + "x", "bad_token"), ("é" * 43, "bad_token")]:
        for method, path, body in [("POST", "/v1/pause", {"minutes": 60}),
                                   ("POST", "/v1/events", {"event": "override", "categories": ["privacy"]}),
                                   ("GET", "/v1/status", None)]:
            r = call(c, method, path, origin, given, body)
            assert r.status_code == 401, (given, path)
            error = r.get_json()["error"]
            assert error["code"] == code and TOKEN_HEADER in error["message"] and "conduct-guard setup" in error["message"]
    state = service_state(app)
    assert not state.is_paused() and state.stats.snapshot()["overrides"] == 0
    # the right token: each works
    assert call(c, "POST", "/v1/events", origin, token, {"event": "override", "categories": ["privacy"]}).status_code == 204
    assert call(c, "POST", "/v1/pause", origin, token, {"minutes": 15}).get_json()["paused"] is True
    status = call(c, "GET", "/v1/status", origin, token)
    assert status.status_code == 200 and status.get_json()["today"]["overrides"] == 1
    assert call(c, "POST", "/v1/pause", origin, token, {"minutes": 0}).get_json()["paused"] is False


def test_a_preflight_names_the_token_header(app):
    r = app.test_client().options("/v1/pause", headers={
        "Origin": FIREFOX, "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": f"content-type,{TOKEN_HEADER.lower()}"})
    assert r.status_code == 200 and r.headers["Access-Control-Allow-Origin"] == FIREFOX
    assert TOKEN_HEADER.lower() in r.headers["Access-Control-Allow-Headers"].lower()


def test_a_new_route_is_closed_until_marked_public(app, token):
    """Default deny: a route added later takes the token unless it says it only checks text."""
    app.add_url_rule("/v1/new-thing", "new_thing", lambda: {"done": True})
    app.add_url_rule("/v1/open-thing", "open_thing", auth.public(lambda: {"done": True}))
    c = app.test_client()
    assert c.get("/v1/new-thing").status_code == 401
    assert c.get("/v1/new-thing", headers={TOKEN_HEADER: token}).status_code == 200
    assert c.get("/v1/open-thing").status_code == 200
    assert c.get("/v1/nothing-here").status_code == 404  # not a 401 for a route that does not exist


def test_a_new_token_file_is_taken_without_a_restart(app, token, tmp_path):
    c = app.test_client()
    (tmp_path / "token").unlink()
    fresh = load_or_create_token(tmp_path / "token")  # e.g. the native host wrote one again
    assert fresh != token
    assert call(c, "GET", "/v1/status", token=fresh).status_code == 200
    assert call(c, "GET", "/v1/status", token=token).status_code == 401


# ----------------------------------------------------------------- the status page


def test_status_page_shows_counts_only_through_the_one_time_link(app, token):
    c = app.test_client()
    service_state(app).stats.record_event("override", ["privacy"])
    page = c.get("/status").get_data(as_text=True)
    assert 'id="counts-hidden"' in page and 'id="today"' not in page and 'id="categories"' not in page
    assert "conduct-guard status --open" in page and "Open status page" in page
    assert "Locked settings" in page  # the rest of the page is there
    # the tray's link: a 303 to the plain page, with the page's cookie
    ticket = make_ticket(token)
    r = c.get(f"/status?ticket={ticket}&lang=ur")
    assert r.status_code == 303 and r.headers["Location"] == "/status?lang=ur"
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/status" in cookie
    page = c.get("/status").get_data(as_text=True)
    assert 'id="today"' in page and 'id="counts-hidden"' not in page
    # the cookie is for the page only, never the API
    assert c.get("/v1/status").status_code == 401
    # the link works once
    other = app.test_client()
    assert "Set-Cookie" not in other.get(f"/status?ticket={ticket}").headers
    assert 'id="today"' not in other.get("/status").get_data(as_text=True)


@pytest.mark.parametrize("ticket", ["", "1.2.3", "x" * 300, "99999999999.abc.def", "not-a-ticket"])
def test_bad_tickets_open_nothing(app, ticket):
    c = app.test_client()
    r = c.get(f"/status?ticket={ticket}")
    assert r.status_code == 303 and "Set-Cookie" not in r.headers
    assert 'id="today"' not in c.get("/status").get_data(as_text=True)


def test_tickets_and_cookies_expire_and_are_bound_to_the_token(tmp_path):
    now = [1_000_000.0]
    creds = Credentials(tmp_path / "token", clock=lambda: now[0])
    other = load_or_create_token(tmp_path / "other")
    assert not creds.redeem_ticket(make_ticket(other, now[0]))  # another token's ticket
    old = make_ticket(creds.token, now[0] - auth.TICKET_SECONDS - 1)
    assert not creds.redeem_ticket(old)
    value, max_age = creds.page_cookie()
    assert creds.cookie_valid(value) and max_age == auth.COOKIE_SECONDS
    assert not creds.cookie_valid(value.replace(value[-4:], "0000")) and not creds.cookie_valid("1.2")
    now[0] += auth.COOKIE_SECONDS + 1
    assert not creds.cookie_valid(value)


def test_the_page_takes_the_token_header_too(app, token):
    assert 'id="today"' in app.test_client().get("/status", headers={TOKEN_HEADER: token}).get_data(as_text=True)


@pytest.mark.parametrize("lang", ["ur", "hi", "bn", "gu"])
def test_the_hidden_counts_note_is_in_the_pages_language(app, lang):
    from conduct_guard.service.service_strings import STRINGS

    page = app.test_client().get(f"/status?lang={lang}").get_data(as_text=True)
    assert STRINGS[lang]["open_status"] in page and "conduct-guard status --open" in page


# ----------------------------------------------------------------- the native messaging host


def frame(message) -> bytes:
    body = message if isinstance(message, bytes) else json.dumps(message).encode("utf-8")
    return struct.pack("=I", len(body)) + body


def unframe(data: bytes) -> list:
    out, i = [], 0
    while i < len(data):
        (n,) = struct.unpack("=I", data[i:i + 4])
        out.append(json.loads(data[i + 4:i + 4 + n]))
        i += 4 + n
    return out


def run_host(stdin: bytes, args=("chrome-extension://gimofbgcmiikbofmepaaikmlgcafbghm/",)):
    env = {**os.environ, "PYTHONPATH": str(ROOT / "backend")}
    return subprocess.run([sys.executable, "-m", "conduct_guard.native_host", *args], input=stdin,
                          capture_output=True, env=env, timeout=60)


def test_native_host_answers_framed_messages_in_order(tmp_path):
    p = run_host(frame({"kind": "token"}) + frame({"kind": "ping"}) + frame({"kind": "what"}) + frame(b"{nope")
                 + frame([1, 2]))
    assert p.returncode == 0, p.stderr
    token_reply, ping, unknown, not_json, not_object = unframe(p.stdout)
    token = (tmp_path / "token").read_text().strip()  # the test's CONDUCT_GUARD_TOKEN_FILE
    assert token_reply == {"ok": True, "token": token, "header": TOKEN_HEADER}
    assert ping["ok"] is True and ping["version"]
    assert unknown == {"ok": False, "error": "unknown_kind"}
    assert not_json == not_object == {"ok": False, "error": "bad_request"}
    assert token.encode() not in p.stderr


@pytest.mark.parametrize("stdin,code", [
    (b"", 0),                                               # the browser closed at once
    (b"\x05\x00", 1),                                       # cut inside the length
    (struct.pack("=I", 50) + b"{}", 1),                     # cut inside the message
    (struct.pack("=I", 10 * 1024 * 1024) + b"{}", 1),       # far over what the extension sends
])
def test_native_host_refuses_broken_framing(stdin, code):
    p = run_host(stdin)
    assert p.returncode == code and p.stdout == b""
    if code:
        assert b"conduct-guard native host:" in p.stderr


def test_native_host_serve_in_process():
    import io

    from conduct_guard.desktop.native_host import serve

    out = io.BytesIO()
    assert serve(io.BytesIO(frame({"kind": "ping"})), out) == 0
    assert unframe(out.getvalue())[0]["ok"] is True


# ----------------------------------------------------------------- conduct-guard setup


@pytest.fixture
def home(tmp_path, monkeypatch):
    """A fresh home: where setup writes, and where the token lands (the data folder)."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "CONDUCT_GUARD_TOKEN_FILE"):
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.mark.skipif(sys.platform != "linux", reason="the per-user folders written here are Linux's")
def test_setup_writes_each_browsers_manifest_and_a_working_launcher(home):
    r = CliRunner().invoke(main, ["setup", "--extension-id", "a" * 32])
    assert r.exit_code == 0, r.output
    token_file = home / ".local/share/conduct-guard/token"
    token = token_file.read_text().strip()
    assert stat.S_IMODE(token_file.stat().st_mode) == 0o600
    chromium_family = [home / ".config" / d / "NativeMessagingHosts/com.conductguard.host.json"
                       for d in ("google-chrome", "chromium", "microsoft-edge")]
    firefox = home / ".mozilla/native-messaging-hosts/com.conductguard.host.json"
    launchers = set()
    for path in [*chromium_family, firefox]:
        manifest = json.loads(path.read_text())
        assert str(path) in r.output
        assert manifest["name"] == auth.NATIVE_HOST_NAME == path.stem and manifest["type"] == "stdio"
        assert Path(manifest["path"]).is_absolute() and os.access(manifest["path"], os.X_OK)
        launchers.add(manifest["path"])
        if path == firefox:
            assert manifest["allowed_extensions"] == [FIREFOX_EXTENSION_ID] and "allowed_origins" not in manifest
        else:
            assert manifest["allowed_origins"] == [f"chrome-extension://{CHROME_EXTENSION_ID}/",
                                                   f"chrome-extension://{'a' * 32}/"]
    [launcher] = launchers
    # the browser's start: the launcher, with the caller as argument, in the user's environment
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    p = subprocess.run([launcher, f"chrome-extension://{CHROME_EXTENSION_ID}/"], input=frame({"kind": "token"}),
                       capture_output=True, env=env, timeout=60)
    assert p.returncode == 0, p.stderr
    assert unframe(p.stdout) == [{"ok": True, "token": token, "header": TOKEN_HEADER}]

    r = CliRunner().invoke(main, ["setup", "--remove"])
    assert r.exit_code == 0 and not firefox.exists() and not Path(launcher).exists()
    assert token_file.exists()  # the service's token stays


@pytest.mark.skipif(sys.platform != "linux", reason="the per-user folders written here are Linux's")
def test_setup_allows_it_signed_ids_from_the_machine_policy(home, tmp_path, monkeypatch):
    policy = tmp_path / "policy.json"
    policy.write_text(json.dumps({"extension_ids": ["c" * 32]}))
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(policy))
    assert CliRunner().invoke(main, ["setup"]).exit_code == 0
    manifest = json.loads((home / ".config/google-chrome/NativeMessagingHosts/com.conductguard.host.json").read_text())
    assert f"chrome-extension://{'c' * 32}/" in manifest["allowed_origins"]


def test_setup_refuses_a_bad_extension_id(home):
    r = CliRunner().invoke(main, ["setup", "--extension-id", "gimofbg"])
    assert r.exit_code == 2 and "32 letters a-p" in r.output


def test_user_folders_on_macos_and_windows():
    mac = native_setup.user_targets("darwin", home=Path("/Users/ali"), env={})
    assert {t.browser: str(t.manifest) for t in mac} == {
        "chrome": "/Users/ali/Library/Application Support/Google/Chrome/NativeMessagingHosts/com.conductguard.host.json",
        "chromium": "/Users/ali/Library/Application Support/Chromium/NativeMessagingHosts/com.conductguard.host.json",
        "edge": "/Users/ali/Library/Application Support/Microsoft Edge/NativeMessagingHosts/com.conductguard.host.json",
        "firefox": "/Users/ali/Library/Application Support/Mozilla/NativeMessagingHosts/com.conductguard.host.json",
    }
    win = native_setup.user_targets("win32", env={}, app_data=Path(r"C:\Users\ali\AppData\Local\conduct-guard"))
    assert {t.browser: t.registry for t in win} == {
        "chrome": r"Software\Google\Chrome\NativeMessagingHosts\com.conductguard.host",
        "chromium": r"Software\Chromium\NativeMessagingHosts\com.conductguard.host",
        "edge": r"Software\Microsoft\Edge\NativeMessagingHosts\com.conductguard.host",
        "firefox": r"Software\Mozilla\NativeMessagingHosts\com.conductguard.host",
    }
    assert str(win[-1].manifest).endswith(r"native-host\firefox-com.conductguard.host.json")
    linux = native_setup.user_targets("linux", home=Path("/home/ali"), env={"XDG_CONFIG_HOME": "/cfg"})
    assert str(linux[0].manifest) == "/cfg/google-chrome/NativeMessagingHosts/com.conductguard.host.json"


def test_windows_launcher_uses_the_console_python():
    bat = native_setup.launcher_script("windows", native_setup._host_python(r"C:\Python312\pythonw.exe"))
    assert r'"C:\Python312\python.exe" -m conduct_guard.native_host %*' in bat and bat.endswith("\r\n")
    sh = native_setup.launcher_script("linux", "/opt/py 3/bin/python3", "/src/backend")
    assert sh.startswith("#!/bin/sh\n") and "exec '/opt/py 3/bin/python3' -m conduct_guard.native_host \"$@\"" in sh
    assert "PYTHONPATH=/src/backend" in sh


# ----------------------------------------------------------------- the CLI reads the file


def test_cli_status_and_pause_send_the_token(app):
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    port = str(server.server_port)
    try:
        r = CliRunner().invoke(main, ["pause", "15", "--port", port])
        assert r.exit_code == 0 and "paused until" in r.output, r.output
        r = CliRunner().invoke(main, ["status", "--json", "--port", port])
        assert r.exit_code == 0 and json.loads(r.output)["service"]["paused"] is True
        assert CliRunner().invoke(main, ["pause", "0", "--port", port]).output.strip() == "checking"
        r = CliRunner().invoke(main, ["status", "--port", port])
        assert "running" in r.output and "checks" in r.output
        opened = []
        import webbrowser

        original, webbrowser.open = webbrowser.open, opened.append
        try:
            assert CliRunner().invoke(main, ["status", "--open", "--port", port]).exit_code == 0
        finally:
            webbrowser.open = original
        assert opened[0].startswith(f"http://127.0.0.1:{port}/status?ticket=")
    finally:
        server.shutdown()


def test_cli_says_when_the_service_is_not_there():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = CliRunner().invoke(main, ["status", "--port", str(port)])
    assert r.exit_code == 1 and "not answering" in r.output


# ----------------------------------------------------------------- one home for each fact


def _extension_constants() -> dict:
    if not shutil.which("node"):
        pytest.skip("node not available")
    js = ("globalThis.CG = {};"
          f"require({json.dumps(str(ROOT / 'extension/src/background/service_client.js'))});"
          "console.log(JSON.stringify(globalThis.CG.SERVICE_AUTH));")
    out = subprocess.run(["node", "-e", js], capture_output=True, text=True, timeout=30)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_the_extension_names_the_same_header_and_host():
    assert _extension_constants() == {"header": TOKEN_HEADER, "nativeHost": auth.NATIVE_HOST_NAME}


def test_the_extension_ids_are_the_manifests():
    from conduct_guard.deploy.itkit import extension_id_from_manifest_key

    manifest = json.loads((ROOT / "extension/manifest.json").read_text(encoding="utf-8"))
    assert extension_id_from_manifest_key(manifest["key"]) == CHROME_EXTENSION_ID
    assert manifest["browser_specific_settings"]["gecko"]["id"] == FIREFOX_EXTENSION_ID
    assert "nativeMessaging" in manifest["permissions"]


def test_the_app_dir_is_the_configs():
    from conduct_guard.settings.config import APP_NAME

    assert auth.APP_DIR_NAME == APP_NAME


# ----------------------------------------------------------------- the IT kit's machine-wide host


def test_it_kit_writes_the_machine_wide_host(tmp_path):
    from conduct_guard.deploy import itkit

    info = itkit.build_kit(tmp_path / "kit", tmp_path / "key.pem", "https://it.example.gov.pk/cg", None,
                           create_key=True, tray_python={"windows": r"D:\Py\pythonw.exe"})
    base = tmp_path / "kit" / "service" / "native-host"
    chrome_origins = [f"chrome-extension://{info['chrome_id']}/", f"chrome-extension://{CHROME_EXTENSION_ID}/"]
    for os_name, launcher in (("linux", "/usr/local/lib/conduct-guard/conduct-guard-native-host"),
                              ("macos", "/Library/Application Support/ConductGuard/conduct-guard-native-host")):
        chromium = json.loads((base / os_name / "chromium-family/com.conductguard.host.json").read_text())
        firefox = json.loads((base / os_name / "firefox/com.conductguard.host.json").read_text())
        assert chromium["path"] == firefox["path"] == launcher
        assert chromium["allowed_origins"] == chrome_origins
        assert firefox["allowed_extensions"] == [FIREFOX_EXTENSION_ID]
        script = base / os_name / "conduct-guard-native-host"
        assert os.access(script, os.X_OK) and "-m conduct_guard.native_host" in script.read_text()
    windows = base / "windows"
    assert r'"D:\Py\python.exe" -m conduct_guard.native_host %*' in (windows / "conduct-guard-native-host.bat").read_text()
    assert json.loads((windows / "firefox-com.conductguard.host.json").read_text())["path"].endswith(
        r"native-host\conduct-guard-native-host.bat")
    reg = (windows / "conduct-guard-native-host.reg").read_bytes().decode("utf-16")
    assert r"[HKEY_LOCAL_MACHINE\Software\Mozilla\NativeMessagingHosts\com.conductguard.host]" in reg
    assert r'@="C:\\Program Files\\ConductGuard\\native-host\\firefox-com.conductguard.host.json"' in reg
    assert r"[HKEY_LOCAL_MACHINE\Software\Microsoft\Edge\NativeMessagingHosts\com.conductguard.host]" in reg
    readme = (tmp_path / "kit" / "README-IT.md").read_text()
    assert "Native messaging host in this kit" in readme and info["chrome_id"] in readme
    kit = json.loads((tmp_path / "kit" / "kit.json").read_text())
    assert "service/native-host/linux/chromium-family/com.conductguard.host.json" in kit["files"]


# ----------------------------------------------------------------- the cache's client (issue 24, point 4)


def test_the_token_not_the_origin_names_the_extensions_cache_partition(app, token):
    """Another local user can send the Chrome extension's public origin, but not the token: the
    extension (which sends its token on checks once it holds it) keeps a cache of its own."""
    from conduct_guard.service.api import client_key

    def key(**headers):
        with app.test_request_context(headers=headers) as context:
            return client_key(context.request)

    with_token = {TOKEN_HEADER: token}
    assert key(Origin=CHROME, **with_token) == key(Origin=FIREFOX, **with_token) == key(**with_token) == "token"
    assert key(Origin=CHROME) not in ("token", key())
    assert key(Origin=CHROME, **{TOKEN_HEADER: "x" * 43}) == key(Origin=CHROME)  # a wrong token proves nothing
    r = app.test_client().post("/v1/check", json={"text": "hello"}, headers={"Origin": CHROME, TOKEN_HEADER: "x" * 43})
    assert r.status_code == 200  # checking never needs the token, right or wrong
