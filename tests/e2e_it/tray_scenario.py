"""Run by tests/test_tray.py in a fresh process under Xvfb + trayer: the real tray icon with the
service beside it; scripted clicks and menu actions; screenshots; results as JSON.

argv: <out.json> <screenshot folder> <port>
(A fresh process per scenario: python-xlib connections do not mix well with the many threads a
long pytest session leaves behind.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parents[1] / "backend"), str(HERE.parent)]

from conftest import FakeScorer  # noqa: E402  (tests/conftest.py)
from conduct_guard.app import create_app  # noqa: E402
from conduct_guard.tray import COLOURS, TrayController  # noqa: E402


def get_json(url):
    with urllib.request.urlopen(url, timeout=5) as r:
        return json.loads(r.read())


def shot(folder: Path, name: str):
    from PIL import Image

    path = folder / name
    subprocess.run(["import", "-window", "root", str(path)], check=True, timeout=20)
    return Image.open(path).convert("RGB")


def find_colour(img, colour, tol=8):
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


def main():
    out, shots, port = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    opened: list[str] = []
    ctl = TrayController(port=port, app_factory=lambda: create_app({"CG_SCORER": FakeScorer()}),
                         url_opener=opened.append, folder_opener=lambda p: None,
                         log_file=shots / "conduct-guard.log")
    result: dict = {"started": ctl.start()}
    base = f"http://127.0.0.1:{port}"

    def item(icon, text):
        return next(i for i in icon.menu.items if i.text == text)

    def script(icon):
        try:
            ctl.on_ready(icon)
            box, end = None, time.time() + 40
            while time.time() < end:  # 1. the icon appears in the tray, green
                box = find_colour(shot(shots, "1-running.png"), COLOURS["running"])
                if box:
                    break
                time.sleep(0.25)
            result["running_box"] = box
            if box:  # 2. a left click runs the default action: the status page
                cx, cy = (box[0] + box[2]) // 2, (box[1] + box[3]) // 2
                subprocess.run(["xdotool", "mousemove", str(cx), str(cy), "click", "1"], timeout=10)
                end = time.time() + 5
                while not opened and time.time() < end:
                    time.sleep(0.1)
            result["clicked"] = list(opened)
            item(icon, "Pause for 15 minutes")(icon)  # 3. pause: service paused, icon amber
            result["health_paused"] = get_json(base + "/v1/health")["paused"]
            time.sleep(0.5)
            result["paused_box"] = find_colour(shot(shots, "2-paused.png"), COLOURS["paused"])
            item(icon, "Resume")(icon)  # 4. resume: green again
            result["health_resumed"] = get_json(base + "/v1/health")["paused"]
            time.sleep(0.5)
            result["resumed_box"] = find_colour(shot(shots, "3-resumed.png"), COLOURS["running"])
        except Exception as e:  # noqa: BLE001
            result["error"] = repr(e)
        finally:
            item(icon, "Quit")(icon)  # 5. quit ends the loop and the service

    timer = threading.Timer(90, lambda: ctl.icon and ctl.icon.stop())
    timer.daemon = True
    timer.start()
    ctl.run_icon(setup=script)
    timer.cancel()
    time.sleep(0.3)
    try:
        get_json(base + "/v1/health")
        result["service_after_quit"] = "up"
    except OSError:
        result["service_after_quit"] = "down"
    out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
