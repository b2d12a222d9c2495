"""The screenshots in docs/screenshots/ (docs/IT.md shows them), made under Xvfb + trayer with
the real tray and service (the fake scorer; no model needed):

- tray-menu-appindicator.png: the menu, on pystray's AppIndicator backend (Debian's
  python3-gi and gir1.2-ayatanaappindicator3-0.1; with no StatusNotifier host on the display,
  the indicator docks in trayer as a classic tray icon) after a click on the icon;
- tray-plain-x.png: pystray's plain-X backend (no menu): a running copy (green) and a second
  copy whose port is taken (red), both full round badges;
- status-page-buttons.png: the status page that a click on a menu-less icon opens (through the
  one-time link), paused, with its Pause / Resume / Quit buttons, rendered by headless Chromium.

Run: python tests/e2e_it/tray_screenshots.py docs/screenshots
(needs Xvfb, trayer, xdotool, ImageMagick's import, chromium, dbus-run-session, and Debian's
python3-gi with gir1.2-ayatanaappindicator3-0.1 for the menu shot)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
sys.path[:0] = [str(ROOT / "backend"), str(HERE.parent), str(HERE)]

from tray_scenario import find_colour, shot  # noqa: E402

SYSTEM_GI = "/usr/lib/python3/dist-packages"  # Debian's python3-gi, for the AppIndicator shot
TRAYER = ["trayer", "--edge", "top", "--align", "left", "--widthtype", "pixel", "--width", "200",
          "--heighttype", "pixel", "--height", "48", "--transparent", "false", "--tint", "0xffffff",
          "--SetDockType", "true", "--expand", "false"]
GREEN = (26, 127, 55)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_display(size: str) -> tuple[list[subprocess.Popen], dict]:
    """Xvfb (on a display number it picks itself) with trayer holding the system tray."""
    rfd, wfd = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(wfd), "-screen", "0", f"{size}x24", "-nolisten", "tcp"],
                            pass_fds=(wfd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(wfd)
    with os.fdopen(rfd) as r:
        env = {**os.environ, "DISPLAY": ":" + r.readline().strip()}
    trayer = subprocess.Popen(TRAYER, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from Xlib import X
    from Xlib.display import Display

    d = Display(env["DISPLAY"])
    try:
        atom = d.intern_atom("_NET_SYSTEM_TRAY_S0")
        while d.get_selection_owner(atom) == X.NONE:
            time.sleep(0.1)
    finally:
        d.close()
    time.sleep(0.3)
    return [xvfb, trayer], env


def stop(procs: list[subprocess.Popen]) -> None:
    for p in reversed(procs):
        p.terminate()
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            p.kill()


def crop(src: Path, dest: Path, box: tuple[int, int, int, int]) -> None:
    from PIL import Image

    Image.open(src).crop(box).save(dest)


def tray_settings(workdir: Path) -> dict:
    """The shots' own settings file, counters, token and log (IT's policy is this machine's)."""
    return {"CONDUCT_GUARD_CONFIG": str(workdir / "config.json"),
            "CONDUCT_GUARD_STATS_DIR": str(workdir / "stats"), "CONDUCT_GUARD_TOKEN_FILE": str(workdir / "token"),
            "CONDUCT_GUARD_LOG_DIR": str(workdir / "logs"), "LANG": "C.UTF-8"}


# ----------------------------------------------------------------- in the tray's own process


def menu_shot_child(out: Path) -> None:
    """Run the tray on the AppIndicator backend; click its icon; shoot the menu; quit."""
    sys.path.append(SYSTEM_GI)
    from conftest import FakeScorer
    from conduct_guard.service.app import create_app
    from conduct_guard.desktop.tray import TrayController

    ctl = TrayController(port=free_port(), app_factory=lambda: create_app({"CG_SCORER": FakeScorer()}),
                         url_opener=lambda url: None)
    ctl.start()
    raw = Path(tempfile.mkdtemp(prefix="cg-menu-"))

    def script(icon):
        ctl.on_ready(icon)
        try:
            box, end = None, time.time() + 30
            while not box and time.time() < end:
                time.sleep(0.3)
                box = find_colour(shot(raw, "menu.png"), GREEN)
            cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
            subprocess.run(["xdotool", "mousemove", str(cx), str(cy), "click", "1"], check=True, timeout=10)
            time.sleep(1.5)
            shot(raw, "menu.png")
            crop(raw / "menu.png", out, (0, 0, 360, 260))
            subprocess.run(["xdotool", "key", "Escape"], timeout=10)
        finally:
            ctl.quit()

    ctl.run_icon(setup=script)


# ----------------------------------------------------------------- the driver


def menu_shot(out_dir: Path, workdir: Path) -> None:
    procs, env = start_display("640x320")
    try:
        env = {**env, **tray_settings(workdir), "PYSTRAY_BACKEND": "appindicator"}
        subprocess.run(["dbus-run-session", "--", sys.executable, __file__, "--menu-child",
                        str(out_dir / "tray-menu-appindicator.png")], env=env, check=True, timeout=120)
    finally:
        stop(procs)


def plain_x_shot(out_dir: Path, workdir: Path) -> None:
    """A running copy (the scenario's controller, fake scorer) and a second copy on its port."""
    procs, env = start_display("640x120")
    os.environ["DISPLAY"] = env["DISPLAY"]  # for the screenshots taken here
    port = free_port()
    env = {**env, **tray_settings(workdir), "PYSTRAY_BACKEND": "xorg",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "backend"), str(HERE.parent)])}
    first = subprocess.Popen([sys.executable, "-c", (
        "import sys; from conftest import FakeScorer; from conduct_guard.service.app import create_app; "
        "from conduct_guard.desktop.tray import TrayController; "
        f"c = TrayController(port={port}, app_factory=lambda: create_app({{'CG_SCORER': FakeScorer()}})); "
        "c.start(); c.run_icon()")], env=env)
    second = None
    try:
        for _ in range(120):
            if find_colour(shot(workdir, "plain-x.png"), GREEN):
                break
            time.sleep(0.25)
        second = subprocess.Popen([sys.executable, "-m", "conduct_guard.tray", "--port", str(port)], env=env,
                                  stderr=subprocess.DEVNULL)
        time.sleep(6)  # the second copy's icon settles
        shot(workdir, "plain-x.png")
        crop(workdir / "plain-x.png", out_dir / "tray-plain-x.png", (0, 0, 200, 48))
    finally:
        stop(procs + [p for p in (first, second) if p])  # the trays first, then their display


def status_page_shot(out_dir: Path, workdir: Path) -> None:
    os.environ.update(tray_settings(workdir))
    from conftest import FakeScorer
    from conduct_guard.service.app import create_app
    from conduct_guard.desktop.tray import TrayController

    opened: list[str] = []
    ctl = TrayController(port=free_port(), app_factory=lambda: create_app({"CG_SCORER": FakeScorer()}),
                         url_opener=opened.append)
    assert ctl.start()
    try:
        ctl.pause(15)  # paused, so the page shows every button: both pauses, Resume and Quit
        ctl.open_status()  # what a click on the icon opens: the one-time link, then the page
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={workdir / 'chromium'}", "--window-size=960,600",
                        f"--screenshot={out_dir / 'status-page-buttons.png'}", opened[0]],
                       check=True, timeout=120, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    finally:
        ctl.quit()


def main() -> None:
    if sys.argv[1:2] == ["--menu-child"]:
        menu_shot_child(Path(sys.argv[2]))
        return
    out_dir = Path(sys.argv[1]).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cg-shots-") as tmp:
        workdir = Path(tmp)
        menu_shot(out_dir, workdir)
        plain_x_shot(out_dir, workdir)
        status_page_shot(out_dir, workdir)
    print(f"screenshots in {out_dir}")


if __name__ == "__main__":
    main()
