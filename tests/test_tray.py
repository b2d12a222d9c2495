"""The tray: service states, menu actions, error states by type, the status page's buttons (what
a click opens where the tray has no menu), the backend choice; and a real icon under Xvfb + trayer.

The Xvfb part needs Xvfb, trayer (a system-tray host; Debian 12 has no stalonetray), xdotool and
ImageMagick's `import`. Its screenshots are kept in $CG_TRAY_SHOTS (default: a temp folder,
printed) to be checked by eye.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

try:
    import conduct_guard  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "backend"))

from conduct_guard import PACKAGE_DIR
from conduct_guard.desktop import tray
from conduct_guard.service.auth import load_or_create_token, status_link
from conduct_guard.settings.config import MachinePolicyConfigError
from conduct_guard.engine.modelinfo import ModelError
from conduct_guard.desktop.tray import TrayController
from conduct_guard.desktop.tray_backend import BACKEND_ENV, choose_backend, has_menu
from conduct_guard.desktop.tray_menu import build_menu
from conduct_guard.desktop.tray_model import COLOURS, icon_image
from conduct_guard.desktop.tray_service import failure_kind
from conftest import token_headers

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "e2e_it"))
from tray_scenario import PageBrowser, find_colour  # noqa: E402  (the scenario's own helpers)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get_json(url):
    # /v1/status takes this user's token (auth.py), as the CLI sends it
    with urllib.request.urlopen(urllib.request.Request(url, headers=token_headers()), timeout=5) as r:
        return json.loads(r.read())


@pytest.fixture
def make_ctl(fake_scorer, tmp_path):
    made = []

    def make(port=None, app_factory=None, **kw):
        from conduct_guard.service.app import create_app

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
    assert ctl.start() and ctl.model.state == "running"
    base = f"http://127.0.0.1:{ctl.runner.port}"
    assert get_json(base + "/v1/health")["status"] == "ok"
    assert get_json(base + "/v1/health").get("paused") is False

    ctl.pause(15)
    assert ctl.model.state == "paused" and "paused until" in ctl.model.status_line()
    assert get_json(base + "/v1/health")["paused"] is True
    assert get_json(base + "/v1/status")["service"]["status"] == "paused"
    ctl.resume()
    assert ctl.model.state == "running" and get_json(base + "/v1/health")["paused"] is False

    assert "pk-aiou" in ctl.model.packs()
    ctl.set_pack("pk-aiou")
    assert ctl.model.current_pack() == "pk-aiou"
    assert get_json(base + "/v1/status")["pack"] == "pk-aiou"
    saved = json.loads(Path(os.environ["CONDUCT_GUARD_CONFIG"]).read_text())
    assert saved == {"pack": "pk-aiou"}
    ctl.set_pack("no-such-pack")
    assert ctl.model.current_pack() == "pk-aiou"

    ctl.open_status()
    # a one-time link: the service trades it for the page's cookie, so the page shows the counts
    [url] = ctl.opened["urls"]
    assert url.startswith(f"http://127.0.0.1:{ctl.runner.port}/status?ticket=")
    client = ctl.runner.app.test_client()
    assert client.get(url.split(str(ctl.runner.port), 1)[1]).status_code == 303
    assert 'id="today"' in client.get("/status").get_data(as_text=True)
    ctl.open_logs()
    assert ctl.opened["folders"] == [tmp_path / "logs"]

    ctl.quit()
    assert ctl.runner.stopped.is_set()
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        get_json(base + "/v1/health")


def test_the_pack_choice_is_saved_through_the_settings_api(make_ctl, caplog):
    """config.save_user_setting: the officer's other settings stay; a file that does not load is
    not overwritten (the pack still changes for this session, and the log says why it was not saved)."""
    settings = Path(os.environ["CONDUCT_GUARD_CONFIG"])
    settings.write_text(json.dumps({"debounce_ms": 400, "ui_language": "en"}))
    ctl = make_ctl()
    assert ctl.start()
    ctl.set_pack("in-ais")
    assert json.loads(settings.read_text()) == {"debounce_ms": 400, "ui_language": "en", "pack": "in-ais"}

    broken = '{"debounce_ms": 400, "pack": '
    settings.write_text(broken)
    with caplog.at_level("WARNING", logger="conduct_guard.tray"):
        ctl.set_pack("pk-aiou")
    assert ctl.model.current_pack() == "pk-aiou" and settings.read_text() == broken
    assert "not saved" in caplog.text and str(settings) in caplog.text
    assert not list(settings.parent.glob(f".{settings.name}.*"))  # no temporary file left behind


def test_port_taken_is_a_clear_error_not_an_exit(make_ctl):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        ctl = make_ctl(port=port)
        assert ctl.start() is False
        assert ctl.model.state == "error" and failure_kind(ctl.runner.failure) == "port_in_use"
        assert f"Port {port} is already in use" in ctl.model.error
    # once the port is free, Retry works
    ctl.retry()
    assert ctl.model.state == "running"


def test_model_missing_or_corrupt_is_told_by_the_loaders_error_type(make_ctl, tmp_path):
    """The real loader: no model.json, then a model.onnx that fails its checksum. Both raise
    ModelError (naming the file), and that type, not words in the message, makes the sentence."""
    from conduct_guard.service.app import create_app

    def app_with_model_dir(folder):
        return lambda: create_app({"CG_MODEL_DIR": str(folder), "CG_STATS_DIR": str(tmp_path / "stats")})

    empty = tmp_path / "no-model"
    empty.mkdir()
    ctl = make_ctl(app_factory=app_with_model_dir(empty))
    assert ctl.start() is False and ctl.model.state == "error"
    assert isinstance(ctl.runner.failure, ModelError)
    assert "model is missing or damaged" in ctl.model.error and "model.json" in ctl.model.error

    corrupt = tmp_path / "corrupt-model"
    corrupt.mkdir()
    shutil.copy(ROOT / "models" / "model.json", corrupt / "model.json")
    (corrupt / "tokenizer.json").symlink_to(ROOT / "models" / "tokenizer.json")
    (corrupt / "model.onnx").write_bytes(b"not an onnx model")
    ctl2 = make_ctl(app_factory=app_with_model_dir(corrupt))
    assert ctl2.start() is False and isinstance(ctl2.runner.failure, ModelError)
    assert "missing or damaged" in ctl2.model.error and "checksum" in ctl2.model.error

    # words are not a type: an error that mentions the model and a policy is told as it is
    def other():
        raise RuntimeError("a model policy word in an unrelated error")

    ctl3 = make_ctl(app_factory=other)
    assert ctl3.start() is False and failure_kind(ctl3.runner.failure) == "other"
    assert ctl3.model.error == "The checking service could not start: a model policy word in an unrelated error"


def test_bad_machine_policy_is_told_by_its_error_type(make_ctl, tmp_path, monkeypatch):
    pol = tmp_path / "policy.json"
    pol.write_text('{"enforcement": "strict"}')
    monkeypatch.setenv("CONDUCT_GUARD_MACHINE_POLICY", str(pol))
    ctl = make_ctl()
    assert ctl.start() is False
    assert isinstance(ctl.runner.failure, MachinePolicyConfigError) and failure_kind(ctl.runner.failure) == "policy"
    assert ctl.model.error.startswith("The machine policy set by IT is not valid: ")
    assert "enforcement" in ctl.model.error and str(pol) in ctl.model.error


# ----------------------------------------------------------------- the status page's buttons


def _page(ctl) -> tuple[PageBrowser, str]:
    """A browser that came through the tray's one-time link (as a click on the icon opens it)."""
    browser = PageBrowser(f"http://127.0.0.1:{ctl.runner.port}")
    ctl.open_status()
    return browser, browser.open(ctl.opened["urls"][-1])


def test_status_page_pauses_resumes_and_quits_the_tray(make_ctl):
    """The buttons a click on a menu-less icon leads to, on the tray's running service (who may
    press them: tests/test_status_controls.py)."""
    ctl = make_ctl()
    assert ctl.start()
    browser, page = _page(ctl)
    assert 'id="controls"' in page and "Pause for 15 minutes" in page and "Pause for 1 hour" in page
    assert "Quit Conduct Guard" in page and ">Resume<" not in page

    status, page = browser.press("pause", minutes="60")
    assert status == 200 and ctl.model.state == "paused"  # 303 back to the page, now paused
    assert ">Resume<" in page and 'id="state">paused' in page
    status, page = browser.press("pause", minutes="0")
    assert status == 200 and ctl.model.state == "running"
    assert browser.press("pause", minutes="5")[0] == 400

    status, page = browser.press("quit")
    assert status == 200 and "Conduct Guard has stopped" in page
    assert ctl.runner.stopped.wait(10), "the tray did not stop after the status page's Quit"
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        get_json(f"http://127.0.0.1:{ctl.runner.port}/v1/health")


def test_without_an_icon_the_status_pages_quit_ends_the_tray_process(tmp_path):
    """The real entry point with no display (no icon at all): the service runs on, and the status
    page's Quit ends the process."""
    port = free_port()
    env = {**os.environ, BACKEND_ENV: "xorg", "CONDUCT_GUARD_LOG_DIR": str(tmp_path / "logs"),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "backend"), os.environ.get("PYTHONPATH", "")])}
    env.pop("DISPLAY", None)
    proc = subprocess.Popen([sys.executable, "-m", "conduct_guard.tray", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                if get_json(base + "/v1/health")["status"] == "ok":
                    break
            except OSError:
                assert proc.poll() is None, proc.communicate()[1][-2000:]
                time.sleep(0.25)
        browser = PageBrowser(base)
        browser.open(status_link(base + "/status", load_or_create_token()))  # `conduct-guard status --open`
        status, page = browser.press("quit")
        assert status == 200 and "Conduct Guard has stopped" in page
        code = proc.wait(30)
    finally:
        if proc.poll() is None:
            proc.kill()
        _, err = proc.communicate()
    assert code == 0, err[-2000:]
    assert "cannot show a tray icon" in err


def test_backend_choice(monkeypatch):
    """AppIndicator where its typelib is, else GTK, else plain X; a choice already made is kept.
    (pystray itself fails to import where GTK is but AppIndicator is not.)"""
    def probe(available):
        return lambda namespace, version: namespace in available

    env: dict = {}
    assert choose_backend(env, "linux", probe({"Gtk", "AyatanaAppIndicator3"})) == "appindicator"
    assert env[BACKEND_ENV] == "appindicator"
    assert choose_backend({}, "linux", probe({"Gtk"})) == "gtk"
    assert choose_backend({}, "linux", probe(set())) == "xorg"
    assert choose_backend({}, "linux", probe({"AyatanaAppIndicator3"})) == "xorg"  # no GTK: no indicator
    assert choose_backend({BACKEND_ENV: "gtk"}, "linux", probe(set())) == "gtk"
    windows: dict = {}
    assert choose_backend(windows, "win32", probe({"Gtk"})) is None and windows == {}
    assert choose_backend({}, "darwin", probe(set())) is None


def test_logging_to_a_rotating_file_without_text(tmp_path, make_ctl):
    path = tray.setup_logging(tmp_path / "logs")
    ctl = make_ctl()
    ctl.start()
    base = f"http://127.0.0.1:{ctl.runner.port}"
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
    menu = build_menu(ctl.model, ctl)
    return [i.text for i in menu.items if i.visible and i.text]


def _item(ctl, text):
    return next(i for i in build_menu(ctl.model, ctl).items if i.text == text)


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
    _item(ctl, "Resume")(None)
    assert ctl.model.state == "running"
    packs = _item(ctl, "Policy pack").submenu
    next(i for i in packs.items if i.text == "pk-aiou")(None)
    assert ctl.model.current_pack() == "pk-aiou"

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
    assert locked.model.current_pack() == "pk-federal"
    monkeypatch.delenv("CONDUCT_GUARD_MACHINE_POLICY")

    # an error state says what is wrong and where the log is
    empty = tmp_path / "no-model"
    empty.mkdir()
    bad = make_ctl(app_factory=lambda: __import__("conduct_guard.service.app").service.app.create_app({"CG_MODEL_DIR": str(empty)}))
    bad.start()
    texts = _menu_texts(bad)
    assert any("model is missing" in t for t in texts)
    assert any(t.startswith("Log: ") and "conduct-guard.log" in t for t in texts)
    assert "Retry" in texts and "Quit" in texts and "Pause for 15 minutes" not in texts


def test_a_click_opens_the_status_page_where_there_is_no_menu(xdisplay, make_ctl):
    """pystray's plain-X icon (no menu): a click runs the menu's default item, which opens the
    status page through the one-time link; while in error it tries again, then opens the log."""
    ctl = make_ctl()
    ctl.start()
    icon = ctl.make_icon()
    assert not has_menu(icon)
    icon()  # what the X backend does on a button press
    [url] = ctl.opened["urls"]
    assert url.startswith(f"http://127.0.0.1:{ctl.runner.port}/status?ticket=")

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        busy = make_ctl(port=s.getsockname()[1])
        assert busy.start() is False
        busy_icon = busy.make_icon()
        busy_icon()
        assert busy.model.state == "error" and busy.opened["folders"] and not busy.opened["urls"]
    busy_icon()  # the port is free now: the click's retry starts the service
    assert busy.model.state == "running" and len(busy.opened["folders"]) == 1
    # let go of the X icons while their display is still there (pystray closes it when they go)
    ctl.icon = busy.icon = icon = busy_icon = None
    gc.collect()


def _shot(xd, name):
    from PIL import Image

    path = xd["shots"] / name
    subprocess.run([IMPORT, "-window", "root", str(path)], env=xd["env"], check=True, timeout=20)
    return path, Image.open(path).convert("RGB")


def _is_full_badge(box) -> bool:
    """A round badge of at least 16 pixels, as wide as it is high (not an oval, not a sliver)."""
    width, height = box[2] - box[0] + 1, box[3] - box[1] + 1
    return width >= 16 and abs(width - height) <= 2


def test_real_tray_icon_under_xvfb(xdisplay, tmp_path):
    """On pystray's plain-X backend (no menu): the icon appears in the tray (green, round), a
    left or right click opens the status page, whose buttons pause (icon amber), resume (green)
    and quit, which ends the tray loop and the service. Run in a fresh process
    (tests/e2e_it/tray_scenario.py), screenshots in xdisplay['shots']."""
    out = tmp_path / "result.json"
    env = {**os.environ, **xdisplay["env"], "PYSTRAY_BACKEND": "xorg"}
    script = Path(__file__).resolve().parent / "e2e_it" / "tray_scenario.py"
    r = subprocess.run([sys.executable, str(script), str(out), str(xdisplay["shots"]), str(free_port())],
                       env=env, capture_output=True, text=True, timeout=180)
    assert out.exists(), r.stderr[-3000:]
    result = json.loads(out.read_text())
    assert "error" not in result and "timed_out" not in result, result
    assert result["started"] is True and result["has_menu"] is False
    assert result["running_box"], "the green icon did not appear in the tray"
    assert _is_full_badge(result["running_box"]), result["running_box"]
    assert len(result["clicked"]) == 2 and all("/status?ticket=" in url for url in result["clicked"]), result
    assert result["pause_status"] == 200 and result["health_paused"] is True and result["paused_box"], result
    assert result["resume_status"] == 200 and result["health_resumed"] is False and result["resumed_box"], result
    assert result["quit_status"] == 200 and result["quit_page"] is True
    assert result["loop_ended"] is True and result["service_after_quit"] == "down"


def _boxes(img, colour, tol=8):
    """Bounding boxes of the separate runs of ``colour`` across the tray (one per icon)."""
    columns = [x for x in range(img.width)
               if any(all(abs(img.getpixel((x, y))[i] - colour[i]) <= tol for i in range(3)) for y in range(img.height))]
    runs: list[list[int]] = []
    for x in columns:
        if runs and x - runs[-1][-1] <= 2:
            runs[-1].append(x)
        else:
            runs.append([x])
    return [find_colour(img.crop((run[0], 0, run[-1] + 1, img.height)), colour, tol) for run in runs]


def test_a_second_copys_error_icon_is_a_full_badge(xdisplay, tmp_path):
    """Two copies of the real entry point whose port is taken: two red icons side by side, each a
    full round badge. (Each icon change used to send trayer a new dock request; the second icon
    then often stayed 1 pixel wide.)"""
    env = {**os.environ, **xdisplay["env"], "PYSTRAY_BACKEND": "xorg",
           "CONDUCT_GUARD_LOG_DIR": str(tmp_path / "logs"),
           "PYTHONPATH": os.pathsep.join([str(ROOT / "backend"), os.environ.get("PYTHONPATH", "")])}
    procs = []
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        try:
            for _ in range(2):
                procs.append(subprocess.Popen([sys.executable, "-m", "conduct_guard.tray", "--port", str(port)],
                                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
                time.sleep(1.0)
            boxes: list = []
            for _ in range(60):
                time.sleep(0.5)  # past the repaints while the icons settle (up to 2.5 s)
                path, img = _shot(xdisplay, "5-second-copy.png")
                boxes = [b for b in _boxes(img.crop((0, 0, 200, 48)), COLOURS["error"]) if b]
                if len(boxes) == 2 and all(_is_full_badge(b) for b in boxes):
                    break
        finally:
            for proc in procs:
                proc.terminate()
                proc.wait(10)
    assert len(boxes) == 2 and all(_is_full_badge(b) for b in boxes), boxes


def test_error_icon_under_xvfb(xdisplay, tmp_path):
    """The real entry point in its own process, with its port taken: a red icon and a clear
    message on stderr and in the log, and the process stays up (no silent exit)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        port = s.getsockname()[1]
        env = {**os.environ, **xdisplay["env"], "PYSTRAY_BACKEND": "xorg",
               "CONDUCT_GUARD_LOG_DIR": str(tmp_path / "logs"),
               "PYTHONPATH": os.pathsep.join([str(PACKAGE_DIR.parent),
                                              os.environ.get("PYTHONPATH", "")])}
        proc = subprocess.Popen([sys.executable, "-m", "conduct_guard.tray", "--port", str(port)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        box = None
        try:
            for _ in range(240):
                _, img = _shot(xdisplay, "4-error.png")
                box = find_colour(img, COLOURS["error"])
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
