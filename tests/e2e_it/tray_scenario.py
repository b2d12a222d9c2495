"""Run by tests/test_tray.py in a fresh process under Xvfb + trayer: the real tray icon with the
service beside it, on pystray's plain-X backend (no menu); scripted clicks, the status page's
buttons, screenshots; results as JSON.

argv: <out.json> <screenshot folder> <port>
(A fresh process per scenario: python-xlib connections do not mix well with the many threads a
long pytest session leaves behind.)
"""

from __future__ import annotations

import http.cookiejar
import json
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1] / "backend"), str(HERE.parent)]

from conftest import FakeScorer, token_headers  # noqa: E402  (tests/conftest.py)
from conduct_guard.service.app import create_app  # noqa: E402
from conduct_guard.desktop.tray import TrayController  # noqa: E402
from conduct_guard.desktop.tray_model import COLOURS  # noqa: E402


def get_json(url):
    with urllib.request.urlopen(urllib.request.Request(url, headers=token_headers()), timeout=5) as r:
        return json.loads(r.read())


class PageBrowser:
    """A browser on the status page: it keeps the page's cookie and posts the page's forms with
    an Origin, as browsers do (``origin="own"``: the page's own; None: no Origin header)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, url: str) -> str:
        with self.opener.open(url, timeout=10) as r:
            return r.read().decode()

    def press(self, action: str, origin: str | None = "own", **fields) -> tuple[int, str]:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if origin is not None:
            headers["Origin"] = self.base if origin == "own" else origin
        req = urllib.request.Request(f"{self.base}/status/{action}", method="POST", headers=headers,
                                     data=urllib.parse.urlencode({"lang": "en", **fields}).encode())
        try:
            with self.opener.open(req, timeout=10) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


def shot(folder: Path, name: str):
    from PIL import Image

    path = folder / name
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=20)
    return Image.open(path).convert("RGB")


def find_colour(img, colour, tol=8):
    """Bounding box (x0, y0, x1, y1) of the pixels of ``colour`` (an icon's badge), or None."""
    px = img.load()
    xs, ys = [], []
    for y in range(img.height):
        for x in range(img.width):
            p = px[x, y]
            if all(abs(p[i] - colour[i]) <= tol for i in range(3)):
                xs.append(x)
                ys.append(y)
    if len(xs) < 20:
        return None
    return min(xs), min(ys), max(xs), max(ys)


def wait_for_colour(folder: Path, name: str, colour, seconds: float):
    box, end = None, time.time() + seconds
    while time.time() < end:
        box = find_colour(shot(folder, name), colour)
        if box:
            break
        time.sleep(0.25)
    return box


def click(box, button: int) -> None:
    cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
    subprocess.run(["xdotool", "mousemove", str(cx), str(cy), "click", str(button)], timeout=10)


def main():
    out, shots, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    opened: list[str] = []
    ctl = TrayController(port=port, app_factory=lambda: create_app({"CG_SCORER": FakeScorer()}),
                         url_opener=opened.append, folder_opener=lambda p: None,
                         log_file=shots / "conduct-guard.log")
    result: dict = {"started": ctl.start()}
    base = f"http://127.0.0.1:{port}"

    def wait_opened(count: int) -> None:
        end = time.time() + 5
        while len(opened) < count and time.time() < end:
            time.sleep(0.1)

    def script(icon):
        try:
            ctl.on_ready(icon)
            result["has_menu"] = bool(getattr(type(icon), "HAS_MENU", True))
            shown_from = time.monotonic()
            box = wait_for_colour(shots, "1-running.png", COLOURS["running"], 40)  # 1. green, round
            result["running_box"], result["running_after_s"] = box, round(time.monotonic() - shown_from, 1)
            if box:  # 2. a left click, then a right one: each opens the status page (no menu here)
                click(box, 1)
                wait_opened(1)
                click(box, 3)
                wait_opened(2)
            result["clicked"] = list(opened)
            browser = PageBrowser(base)
            browser.open(opened[0])  # the browser the click opened: the one-time link, then the page
            result["pause_status"] = browser.press("pause", minutes="15")[0]  # 3. paused: amber
            result["health_paused"] = get_json(base + "/v1/health")["paused"]
            result["paused_box"] = wait_for_colour(shots, "2-paused.png", COLOURS["paused"], 10)
            result["resume_status"] = browser.press("pause", minutes="0")[0]  # 4. green again
            result["health_resumed"] = get_json(base + "/v1/health")["paused"]
            result["resumed_box"] = wait_for_colour(shots, "3-resumed.png", COLOURS["running"], 10)
            status, page = browser.press("quit")  # 5. Quit on the page ends the loop and the service
            result["quit_status"], result["quit_page"] = status, "has stopped" in page
        except Exception as e:  # noqa: BLE001
            result["error"] = repr(e)
            ctl.quit()

    def too_long():
        result["timed_out"] = True
        ctl.quit()

    timer = threading.Timer(90, too_long)
    timer.daemon = True
    timer.start()
    ctl.run_icon(setup=script)
    timer.cancel()
    result["loop_ended"] = True
    time.sleep(0.3)
    try:
        get_json(base + "/v1/health")
        result["service_after_quit"] = "up"
    except OSError:
        result["service_after_quit"] = "down"
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
