"""A real force-install on Linux: the kit's Chromium policy at /etc/chromium/policies/managed/,
a loopback update server serving the kit's CRX, Chromium started with no extension loaded by
hand. The extension must install itself, read the managed settings, and enforce them on a page.

Needs root (a private mount namespace puts the policy file at the machine path for this browser
only), Chromium, and websocket-client. Skipped otherwise.

Findings (Chromium 156, Debian 12):
- force-install works in --headless=new, over plain http on loopback, within ~1-2 s;
- do NOT pass --disable-background-networking: it turns the extension updater off, and the
  force-installed extension is then never downloaded (--disable-component-update is fine);
- policy-installed extensions cannot be inspected with DevTools by default: the test adds
  DeveloperToolsAvailability=1 to its copy of the policy (never to the kit);
- storage.managed is filled a few seconds after the install (the policy is re-read once the
  extension's schema is registered), so the test waits for it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from it_helpers import FakeService, StaticServer, build_kit, can_unshare, free_port, in_private_mounts

websocket = pytest.importorskip("websocket")
from it_cdp import CDP, CDPError  # noqa: E402

CHROMIUM = next((p for p in ("/usr/lib/chromium/chromium", shutil.which("chromium") or "",
                             shutil.which("chromium-browser") or "") if p and os.path.exists(p)), None)
POLICY_DIR = "/etc/chromium/policies/managed"

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed"),
    pytest.mark.skipif(not can_unshare(), reason="needs root and unshare (private mount namespace)"),
]

PAGE = """<!doctype html><html><head><title>compose</title></head><body>
<textarea id="box" aria-label="Post text" rows="4" cols="60"></textarea>
<button id="post" data-testid="tweetButton" onclick="document.body.dataset.posted='yes'">Post</button>
</body></html>"""


def wait_for(fn, timeout=20.0, interval=0.25, what="condition"):
    end = time.time() + timeout
    last = None
    while time.time() < end:
        last = fn()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out waiting for {what} (last: {last!r})")


@pytest.fixture(scope="module")
def setup():
    tmp = Path(tempfile.mkdtemp(prefix="cg-it-chrome-"))
    svc = FakeService(free_port())
    # the kit's update server: its URL is needed to build the kit, so start it on the folder first
    host_dir = tmp / "kit" / "host"
    upd = StaticServer(host_dir)
    policy = {
        "pack": "pk-aiou",
        "enforcement": "block",
        "allow_override": False,
        "fail_closed": True,
        "sites": ["x.com"],
        "service_url": svc.url,
    }
    info = build_kit(tmp, upd.url, policy)
    kit = tmp / "kit"

    # the kit's Chromium policy, plus (for the test only) DevTools access to policy-installed extensions
    pol_dir = tmp / "policies"
    pol_dir.mkdir()
    pol = json.loads((kit / "policies/chrome/conduct-guard.json").read_text())
    pol["DeveloperToolsAvailability"] = 1
    (pol_dir / "conduct-guard.json").write_text(json.dumps(pol))

    udd = tmp / "profile"
    argv = [CHROMIUM, "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--no-default-browser-check", "--disable-sync", "--disable-component-update",
            f"--user-data-dir={udd}", "--remote-debugging-port=0", "about:blank"]
    assert not any(a.startswith("--load-extension") for a in argv)
    log = open(tmp / "chromium.log", "w")
    proc = subprocess.Popen(in_private_mounts({POLICY_DIR: str(pol_dir)}, argv), stdout=log, stderr=log)
    port_file = udd / "DevToolsActivePort"
    try:
        wait_for(lambda: port_file.exists() and len(port_file.read_text().split()) == 2, 30, what="DevTools port")
        port, path = port_file.read_text().split()
        cdp = CDP(f"ws://127.0.0.1:{port}{path}")
        yield {"tmp": tmp, "kit": kit, "info": info, "cdp": cdp, "svc": svc, "upd": upd, "policy": policy}
        cdp.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        upd.close()
        try:
            svc.close()
        except Exception:
            pass
        shutil.rmtree(tmp, ignore_errors=True)


def _worker_session(cdp: CDP, ext_id: str) -> str:
    def find():
        for t in cdp.send("Target.getTargets")["targetInfos"]:
            if t["type"] == "service_worker" and t["url"].startswith(f"chrome-extension://{ext_id}/"):
                return t
        return None

    t = wait_for(find, 45, 0.5, "the force-installed extension's service worker")
    return cdp.send("Target.attachToTarget", {"targetId": t["targetId"], "flatten": True})["sessionId"]


def test_extension_installs_itself_and_reads_managed_settings(setup):
    cdp, info = setup["cdp"], setup["info"]
    ext_id = info["chrome_id"]
    session = _worker_session(cdp, ext_id)
    # it came from the loopback update server, as the policy said
    assert any(r.startswith("/cg/update.xml") for r in setup["upd"].requests)
    assert any(r.startswith("/cg/conduct-guard-") and ".crx" in r for r in setup["upd"].requests)
    def read_managed():
        nonlocal session
        try:
            return cdp.evaluate("chrome.storage.managed.get(null)", session)
        except CDPError:  # the worker was (re)starting: attach again
            session = _worker_session(cdp, ext_id)
            return None

    managed = wait_for(read_managed, 45, 0.5, "storage.managed")
    assert managed == info["managed"]
    assert managed["blockOverride"] == "never" and managed["failClosed"] is True
    assert managed["pack"] == "pk-aiou" and managed["sites"] == ["x.com"]
    assert managed["serviceUrl"] == setup["svc"].url
    # the extension's own settings merge reports them as locked (what its UI shows)
    mf = wait_for(lambda: _safe_eval(cdp, "chrome.runtime.getManifest()", session), 10, 0.5, "manifest")
    assert mf["update_url"] == info["update_xml"]


def _safe_eval(cdp, expr, session):
    try:
        return cdp.evaluate(expr, session)
    except CDPError:
        return None


class Page:
    """A tab whose https://x.com/ and https://www.reddit.com/ requests are answered locally."""

    def __init__(self, cdp: CDP):
        self.cdp = cdp
        tid = cdp.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = cdp.send("Target.attachToTarget", {"targetId": tid, "flatten": True})["sessionId"]
        self.tid = tid

        def fulfil(c, ev):
            if ev.get("method") == "Fetch.requestPaused" and ev.get("sessionId") == self.session:
                import base64

                c.post("Fetch.fulfillRequest", {
                    "requestId": ev["params"]["requestId"], "responseCode": 200,
                    "responseHeaders": [{"name": "Content-Type", "value": "text/html; charset=utf-8"}],
                    "body": base64.b64encode(PAGE.encode()).decode()}, session=self.session)

        cdp.handlers.append(fulfil)
        cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "https://x.com/*"},
                                               {"urlPattern": "https://www.reddit.com/*"}]}, session=self.session)
        cdp.send("Page.enable", session=self.session)

    def goto(self, url):
        self.cdp.send("Page.navigate", {"url": url}, session=self.session)
        wait_for(lambda: self.js("document.readyState") == "complete" and self.js("!!document.getElementById('box')"),
                 20, what=f"{url} loaded")

    def js(self, expr):
        try:
            return self.cdp.evaluate(expr, self.session)
        except CDPError:
            return None

    def type(self, text):
        self.js("document.getElementById('box').focus()")
        self.cdp.send("Input.insertText", {"text": text}, session=self.session)

    def click_post(self):
        r = self.js("(() => { const r = document.getElementById('post').getBoundingClientRect();"
                    " return [r.x + r.width / 2, r.y + r.height / 2]; })()")
        for kind in ("mousePressed", "mouseReleased"):
            self.cdp.send("Input.dispatchMouseEvent", {"type": kind, "x": r[0], "y": r[1], "button": "left",
                                                       "clickCount": 1}, session=self.session)

    def state(self):
        return self.js("document.getElementById('box').getAttribute('data-cg-state')")

    def close(self):
        self.cdp.send("Target.closeTarget", {"targetId": self.tid})


def test_enforces_block_pack_and_locked_sites_on_a_page(setup):
    cdp, svc = setup["cdp"], setup["svc"]
    _worker_session(cdp, setup["info"]["chrome_id"])
    page = Page(cdp)
    try:
        page.goto("https://x.com/compose/post")
        wait_for(page.state, 20, what="the extension to watch the compose box")
        page.type("Sharing the cabinet minutes from this morning")
        wait_for(lambda: page.state() == "block", 20, what="data-cg-state=block")
        # the locked pack went with the check
        assert svc.checks and all(c.get("pack") == "pk-aiou" for c in svc.checks)
        assert not any("text" in e for e in svc.events)
        page.click_post()
        wait_for(lambda: page.js("!!document.querySelector('[data-cg-dialog]')"), 10, what="the hold dialog")
        actions = page.js("[...document.querySelector('[data-cg-dialog]').shadowRoot"
                          ".querySelectorAll('[data-cg-action]')].map(b => b.getAttribute('data-cg-action'))")
        assert "edit" in actions
        assert "post-anyway" not in actions  # blockOverride=never from the managed settings
        assert page.js("document.body.dataset.posted || null") is None  # the site's handler did not run
    finally:
        page.close()

    # a site outside the locked site list is not watched, even though the extension could run there
    page = Page(cdp)
    try:
        page.goto("https://www.reddit.com/submit")
        time.sleep(3)
        assert page.state() is None
    finally:
        page.close()


def test_fail_closed_holds_posts_when_the_service_is_down(setup):
    cdp, svc = setup["cdp"], setup["svc"]
    svc.close()
    page = Page(cdp)
    try:
        page.goto("https://x.com/home")
        wait_for(page.state, 20, what="the extension to watch the compose box")
        page.type("Lunch at noon?")
        wait_for(lambda: page.state() == "offline", 25, what="data-cg-state=offline")
        page.click_post()
        wait_for(lambda: page.js("!!document.querySelector('[data-cg-dialog]')"), 15, what="the fail-closed hold")
        assert page.js("document.body.dataset.posted || null") is None
    finally:
        page.close()
