"""The tray: service states, menu actions, error states; and a real icon under Xvfb + trayer.

The Xvfb part needs Xvfb, trayer (a system-tray host; Debian 12 has no stalonetray), xdotool and
ImageMagick's `import`. Its screenshots are kept in $CG_TRAY_SHOTS (default: a temp folder,
printed) to be checked by eye.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

try:
    import conduct_guard  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from conduct_guard import tray
from conduct_guard.tray import COLOURS, TrayController, icon_image


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    from conftest import token_headers

    # /v1/status takes this user's token (auth.py), as the CLI sends it
    with urllib.request.urlopen(urllib.request.Request(url, headers=token_headers()), timeout=5) as r:
        return json.loads(r.read())


@pytest.fixture
def make_ctl(fake_scorer, tmp_path):
    made = []

    def make(port=None, app_factory=None, **kw):
        from conduct_guard.app import create_app

        port = port or free_port()
        opened = {"urls": [], "folders": []}
        ctl = TrayController(
            port=port,
            app_factory=app_factory or (lambda: create_app({"CG_SCORER": fake_scorer,
                                                            "CG_STATS_DIR": str(tmp_path / "stats")})),
            url_opener=opened["urls"].append,
            folder_opener=opened["folders"].append,
            log_file=tmp_path / "logs" / "conduct-guard.log",
            **kw,
        )
        ctl.opened = opened
        made.append(ctl)
        return ctl

    yield make
    for c in made:
        c.stop_service()


def test_icon_images_have_the_state_colours():
    for state in ("running", "paused", "error"):
        img = icon_image(state).convert("RGB")
        assert img.getpixel((10, 32)) == COLOURS[state], state
    assert icon_image("running").tobytes() != icon_image("paused").tobytes()


def test_service_runs_beside_and_actions_change_its_state(make_ctl, tmp_path):
    ctl = make_ctl()
    assert ctl.start() and ctl.state == "running"
    base = f"http://127.0.0.1:{ctl.port}"
    assert get_json(base + "/v1/health")["status"] == "ok"
    assert get_json(base + "/v1/health").get("paused") is False

    ctl.pause(15)
    assert ctl.state == "paused" and "paused until" in ctl.status_line()
    assert get_json(base + "/v1/health")["paused"] is True
    assert get_json(base + "/v1/status")["service"]["status"] == "paused"
    ctl.resume()
    assert ctl.state == "running" and get_json(base + "/v1/health")["paused"] is False

    assert "pk-aiou" in ctl.packs()
    ctl.set_pack("pk-aiou")
    assert ctl.current_pack() == "pk-aiou"
    assert get_json(base + "/v1/status")["pack"] == "pk-aiou"
    saved = json.loads(Path(os.environ["CONDUCT_GUARD_CONFIG"]).read_text())
    assert saved == {"pack": "pk-aiou"}
    ctl.set_pack("no-such-pack")
    assert ctl.current_pack() == "pk-aiou"

    ctl.open_status()
    # a one-time link: the service trades it for the page's cookie, so the page shows the counts
    [url] = ctl.opened["urls"]
    assert url.startswith(f"http://127.0.0.1:{ctl.port}/status?ticket=")
    client = ctl.app.test_client()
    assert client.get(url.split(str(ctl.port), 1)[1]).status_code == 303
    assert 'id="today"' in client.get("/status").get_data(as_text=True)
    ctl.open_logs()
    assert ctl.opened["folders"] == [tmp_path / "logs"]

    ctl.quit()
    time.sleep(0.3)
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        get_json(base + "/v1/health")


def test_port_taken_is_a_clear_error_not_an_exit(make_ctl):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        ctl = make_ctl(port=port)
        assert ctl.start() is False
        assert ctl.state == "error"
        assert f"Port {port} is already in use" in ctl.error
    # once the port is free, Retry works
    ctl.retry()
    assert ctl.state == "running"


def test_model_missing_or_corrupt(make_ctl):
    def broken():
        raise FileNotFoundError("models/model.onnx: file not found")

    ctl = make_ctl(app_factory=broken)
    assert ctl.start() is False and ctl.state == "error"
    assert "model is missing or damaged" in ctl.error and "model.onnx" in ctl.error
    ctl2 = make_ctl(app_factory=lambda: (_ for _ in ()).throw(ValueError("models/model.json: sha256 mismatch")))
    ctl2.start()
    assert "missing or damaged" in ctl2.error


def test_bad_machine_policy(make_ctl, tmp_path, monkeypatch):
    pol = tmp_path / "policy.json"
    pol.write_text('{"enforcement": "strict"}')
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(pol))
    ctl = make_ctl()
    assert ctl.start() is False
    assert "policy" in ctl.error and "enforcement" in ctl.error and str(pol) in ctl.error


def test_logging_to_a_rotating_file_without_text(tmp_path, make_ctl):
    path = tray.setup_logging(tmp_path / "logs")
    ctl = make_ctl()
    ctl.start()
    base = f"http://127.0.0.1:{ctl.port}"
    req = urllib.request.Request(base + "/v1/check", data=json.dumps({"text": "the secret draft summary"}).encode(),
                                 headers={"Content-Type": "application/json"})
    urllib.request.urlopen(req, timeout=5).read()
    ctl.pause(60)
    ctl.resume()
    for h in __import__("logging").getLogger("conduct_guard").handlers:
        h.flush()
    text = path.read_text()
    assert "paused for 60 minutes" in text and "secret" not in text


# ----------------------------------------------------------------- under X: menus and a real icon

XVFB, TRAYER, XDOTOOL, IMPORT = (shutil.which(n) for n in ("Xvfb", "trayer", "xdotool", "import"))


@pytest.fixture
def xdisplay():
    """A fresh Xvfb with trayer for each test (a tray host is not reused after an icon left it)."""
    if not (XVFB and TRAYER and XDOTOOL and IMPORT):
        pytest.skip("needs Xvfb, trayer, xdotool and ImageMagick import")
    procs = []
    # -displayfd: Xvfb picks a free display number itself and tells us (no race with other
    # test runs on the same machine)
    rfd, wfd = os.pipe()
    procs.append(subprocess.Popen([XVFB, "-displayfd", str(wfd), "-screen", "0", "640x120x24", "-nolisten", "tcp"],
                                  pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    os.close(wfd)
    num = b""
    with os.fdopen(rfd, "rb") as r:
        while not num.endswith(b"\n"):
            ch = r.read(1)
            if not ch:
                break
            num += ch
    if not num.strip():
        procs[0].kill()
        pytest.skip("Xvfb did not start")
    import re

    m = re.search(rb"(\d+)\s*$", num)
    assert m, f"Xvfb -displayfd wrote {num!r}"
    disp = f":{int(m.group(1))}"
    env = {**os.environ, "DISPLAY": disp}
    procs.append(subprocess.Popen([TRAYER, "--edge", "top", "--align", "left", "--widthtype", "pixel", "--width",
                                   "200", "--heighttype", "pixel", "--height", "48", "--transparent", "false",
                                   "--tint", "0xffffff", "--SetDockType", "true", "--expand", "false"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    # wait until trayer owns the system-tray selection: an icon created before that never docks
    from Xlib import X
    from Xlib.display import Display

    d = Display(disp)
    try:
        tray_atom = d.intern_atom("_NET_SYSTEM_TRAY_S0")
        end = time.time() + 30
        while d.get_selection_owner(tray_atom) == X.NONE:
            if time.time() > end:
                pytest.skip("trayer did not take the system tray selection")
            time.sleep(0.1)
    finally:
        d.close()
    time.sleep(0.3)
    old = os.environ.get("DISPLAY")
    os.environ["DISPLAY"] = disp
    os.environ["PYSTRAY_BACKEND"] = "xorg"
    shots = Path(os.environ.get("CG_TRAY_SHOTS") or tempfile.mkdtemp(prefix="cg-tray-shots-"))
    shots.mkdir(parents=True, exist_ok=True)
    try:
        yield {"display": disp, "env": env, "shots": shots}
    finally:
        for p in reversed(procs):
            p.terminate()
            try:
                p.wait(5)
            except subprocess.TimeoutExpired:
                p.kill()
        if old is None:
            os.environ.pop("DISPLAY", None)
        else:
            os.environ["DISPLAY"] = old
        print(f"\ntray screenshots: {shots}")


def _menu_texts(ctl):
    menu = ctl.menu()
    return [i.text for i in menu.items if i.visible and i.text]


def test_menu_follows_the_state(xdisplay, make_ctl, tmp_path, monkeypatch):
    ctl = make_ctl()
    ctl.start()
    texts = _menu_texts(ctl)
    assert texts[0].startswith("Conduct Guard: checking")
    assert {"Pause for 15 minutes", "Pause for 1 hour", "Policy pack", "Open status page", "Open log folder",
            "Quit"} <= set(texts)
    assert "Resume" not in texts
    ctl.pause(60)
    assert "Resume" in _menu_texts(ctl)
    # the menu's own action objects do the work
    item = next(i for i in ctl.menu().items if i.text == "Resume")
    item(None)
    assert ctl.state == "running"
    packs = next(i for i in ctl.menu().items if i.text == "Policy pack").submenu
    next(i for i in packs.items if i.text == "pk-aiou")(None)
    assert ctl.current_pack() == "pk-aiou"

    # IT locks the pack and turns pausing off
    pol = tmp_path / "policy.json"
    pol.write_text(json.dumps({"pack": "pk-federal", "allow_pause": False}))
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(pol))
    locked = make_ctl()
    locked.start()
    texts = _menu_texts(locked)
    assert "Policy pack: pk-federal (set by IT)" in texts
    assert "Policy pack" not in texts and "Pause for 15 minutes" not in texts
    locked.set_pack("pk-aiou")
    assert locked.current_pack() == "pk-federal"

    # an error state says what is wrong and where the log is
    bad = make_ctl(app_factory=lambda: (_ for _ in ()).throw(FileNotFoundError("models/model.onnx missing")))
    bad.start()
    texts = _menu_texts(bad)
    assert any("model is missing" in t for t in texts)
    assert any(t.startswith("Log: ") and "conduct-guard.log" in t for t in texts)
    assert "Retry" in texts and "Quit" in texts and "Pause for 15 minutes" not in texts


def _shot(xd, name):
    from PIL import Image

    path = xd["shots"] / name
    subprocess.run([IMPORT, "-window", "root", str(path)], env=xd["env"], check=True, timeout=20)
    return path, Image.open(path).convert("RGB")


def _find_colour(img, colour, tol=8):
    """Bounding box of the pixels of ``colour`` (the icon badge), or None: the scenario's own helper."""
    sys.path.insert(0, str(Path(__file__).resolve().parent / "e2e_it"))
    from tray_scenario import find_colour

    return find_colour(img, colour, tol)


def test_real_tray_icon_under_xvfb(xdisplay, tmp_path):
    """The icon appears in the tray (green), a click opens the status page, Pause turns the
    service to paused and the icon amber, Resume back, Quit stops the loop and the service.
    Run in a fresh process (tests/e2e_it/tray_scenario.py), screenshots in xdisplay['shots']."""
    out = tmp_path / "result.json"
    env = {**os.environ, **xdisplay["env"], "PYSTRAY_BACKEND": "xorg"}
    script = Path(__file__).resolve().parent / "e2e_it" / "tray_scenario.py"
    r = subprocess.run([sys.executable, str(script), str(out), str(xdisplay["shots"]), str(free_port())],
                       env=env, capture_output=True, text=True, timeout=180)
    assert out.exists(), r.stderr[-3000:]
    result = json.loads(out.read_text())
    assert "error" not in result, result
    assert result["started"] is True
    assert result["running_box"], "the green icon did not appear in the tray"
    assert result["clicked"] and "/status?ticket=" in result["clicked"][0]
    assert result["health_paused"] is True and result["paused_box"], result
    assert result["health_resumed"] is False and result["resumed_box"], result
    assert result["service_after_quit"] == "down"


def test_error_icon_under_xvfb(xdisplay, tmp_path):
    """The real entry point in its own process, with its port taken: a red icon and a clear
    message on stderr and in the log, and the process stays up (no silent exit)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        env = {**os.environ, **xdisplay["env"], "PYSTRAY_BACKEND": "xorg",
               "CONDUCT_GUARD_LOG_DIR": str(tmp_path / "logs"),
               "PYTHONPATH": os.pathsep.join([str(Path(tray.__file__).resolve().parents[1]),
                                              os.environ.get("PYTHONPATH", "")])}
        proc = subprocess.Popen([sys.executable, "-m", "conduct_guard.tray", "--port", str(port)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        box = None
        try:
            for _ in range(240):
                _, img = _shot(xdisplay, "4-error.png")
                box = _find_colour(img, COLOURS["error"])
                if box or proc.poll() is not None:
                    break
                time.sleep(0.25)
            alive = proc.poll() is None
        finally:
            proc.terminate()
            try:
                _, err = proc.communicate(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                _, err = proc.communicate()
    assert alive, f"the tray exited on an error: {err}"
    assert box, f"no red icon in the tray; stderr: {err[-1500:]}"
    assert "Conduct Guard:" in err and f"Port {port} is already in use" in err, err
    logtext = (tmp_path / "logs" / "conduct-guard.log").read_text()
    assert "service did not start" in logtext
