"""Firefox: the kit's policies.json force-installs the XPI from a loopback update server, and
its 3rdparty settings reach the extension's browser.storage.managed.

The policy is put at /etc/firefox/policies/policies.json inside a private mount namespace (this
Firefox only). The kit's XPI is unsigned: real deployments sign it on AMO as unlisted (see
docs/IT.md); the test profile sets xpinstall.signatures.required=false, which Firefox ESR honours.
Driven over Marionette (WebDriver BiDi refuses to navigate to moz-extension:// pages): the test
opens the extension's own options page and calls browser.storage.managed.get() there. Skipped
when firefox-esr or root/unshare are missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import pytest

from it_helpers import StaticServer, build_kit, can_unshare, free_port
from it_marionette import Marionette

FIREFOX = next((p for p in ("/usr/lib/firefox-esr/firefox-esr", shutil.which("firefox-esr") or "",
                            shutil.which("firefox") or "") if p and os.path.exists(p)), None)

pytestmark = [
    pytest.mark.skipif(FIREFOX is None, reason="firefox not installed"),
    pytest.mark.skipif(not can_unshare(), reason="needs root and unshare (private mount namespace)"),
]


def test_policies_json_reaches_storage_managed():
    tmp = Path(tempfile.mkdtemp(prefix="cg-it-firefox-"))
    upd = StaticServer(tmp / "kit" / "host")
    try:
        policy = {"pack": "bd-public-servants", "enforcement": "block", "allow_override": True,
                  "require_reason": True, "fail_closed": True, "sites": ["facebook.com", "x.com"],
                  "allow_pause": False}
        info = build_kit(tmp, upd.url, policy)
        pol_dir = tmp / "firefox-policies"
        pol_dir.mkdir()
        shutil.copy(tmp / "kit/policies/firefox/policies.json", pol_dir / "policies.json")

        ext_uuid = str(uuid.uuid4())
        profile = tmp / "profile"
        profile.mkdir()
        prefs = {
            "xpinstall.signatures.required": False,
            "extensions.webextensions.uuids": json.dumps({info["firefox_id"]: ext_uuid}),
            "extensions.autoDisableScopes": 0,
            "browser.shell.checkDefaultBrowser": False,
            "datareporting.policy.dataSubmissionEnabled": False,
            "app.update.enabled": False,
        }
        (profile / "user.js").write_text("".join(f"user_pref({json.dumps(k)}, {json.dumps(v)});\n"
                                                 for k, v in prefs.items()))
        mport = free_port()
        with open(profile / "user.js", "a") as f:
            f.write(f'user_pref("marionette.port", {mport});\n')
        argv = [FIREFOX, "--headless", "--marionette", "-remote-allow-system-access", "--no-remote", "--profile", str(profile), "about:blank"]
        script = f'mkdir -p /etc/firefox/policies && mount --bind "{pol_dir}" /etc/firefox/policies && exec "$@"'
        log = open(tmp / "firefox.log", "w")
        proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", *argv],
                                stdout=log, stderr=log)
        result = {"ok": False}
        m = None
        try:
            m = Marionette(mport, timeout=60)
            m.call("WebDriver:NewSession", {"capabilities": {"alwaysMatch": {"acceptInsecureCerts": True}}})
            m.call("WebDriver:SetTimeouts", {"script": 15000})
            url = f"moz-extension://{ext_uuid}/options/options.html"
            ext_id = info["firefox_id"]
            end = time.time() + 60
            # 1. wait (chrome context) until the policy has installed and started the extension
            m.call("Marionette:SetContext", {"value": "chrome"})
            while time.time() < end:
                host = m.call("WebDriver:ExecuteScript", {"script": f"""
                    const p = WebExtensionPolicy.getByID({json.dumps(ext_id)});
                    return p && p.active ? p.mozExtensionHostname : null;""", "args": []})["value"]
                if host:
                    result["uuid"] = host
                    break
                time.sleep(0.5)
            assert result.get("uuid") == ext_uuid, result
            # 2. open the extension's options page in a tab (content navigation refuses moz-extension:)
            before = set(m.call("WebDriver:GetWindowHandles"))
            m.call("WebDriver:ExecuteScript", {"script": f"""
                const win = Services.wm.getMostRecentWindow("navigator:browser");
                const tab = win.gBrowser.addTab({json.dumps(url)},
                    {{triggeringPrincipal: Services.scriptSecurityManager.getSystemPrincipal()}});
                win.gBrowser.selectedTab = tab; return true;""", "args": []})
            m.call("Marionette:SetContext", {"value": "content"})
            new = [h for h in m.call("WebDriver:GetWindowHandles") if h not in before]
            m.call("WebDriver:SwitchToWindow", {"handle": new[-1] if new else list(before)[0]})
            # 3. ask the extension itself
            while time.time() < end:
                try:
                    got = m.call("WebDriver:ExecuteAsyncScript", {"script": """
                        const done = arguments[arguments.length - 1];
                        const w = window.wrappedJSObject || window;
                        const api = w.browser || w.chrome;
                        if (!api || !api.storage) { done(JSON.stringify({error: 'no extension API at ' + location.href})); return; }
                        Promise.all([api.storage.managed.get(null), api.runtime.id])
                          .then(([v, id]) => done(JSON.stringify({managed: v, id})),
                                (e) => done(JSON.stringify({error: String(e)})));
                    """, "args": []})["value"]
                    if not isinstance(got, str):  # the page was still loading
                        time.sleep(0.5)
                        continue
                    got = json.loads(got)
                    result.update(got)
                    if got.get("managed"):
                        result["ok"] = True
                        break
                except RuntimeError as e:
                    result["error"] = str(e)[:500]
                time.sleep(1)
        finally:
            if m is not None:
                m.close()
            proc.terminate()
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()
        result["extensionId"] = result.get("id")
        assert result.get("ok"), result
        assert any(req.startswith("/cg/conduct-guard-") and ".xpi" in req for req in upd.requests), upd.requests
        assert result["extensionId"] == info["firefox_id"]
        assert result["managed"] == info["managed"]
        assert result["managed"]["blockOverride"] == "reason"
        assert result["managed"]["allowPause"] is False and result["managed"]["failClosed"] is True
        assert result["managed"]["pack"] == "bd-public-servants"
    finally:
        upd.close()
        shutil.rmtree(tmp, ignore_errors=True)
