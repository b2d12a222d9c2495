"""The IT deployment kit: everything an IT department needs to push Conduct Guard.

``conduct-guard itkit --out DIR --key KEY.pem --update-url URL [--policy FILE]`` writes::

    DIR/
      README-IT.md                         step by step (Intune, GPO, Jamf, Linux), ids filled in
      screenshots/                         the tray's and status page's pictures README-IT.md shows
      kit.json                             ids, version, update URL, sha256 of every file
      managed_settings.json                the extension's managed settings (from the policy)
      host/                                copy to the web server at URL
        update.xml                         Chrome/Edge update manifest (gupdate)
        conduct-guard-VERSION.crx          CRX3 signed with KEY.pem
        updates.json                       Firefox update manifest
        conduct-guard-VERSION.xpi          Firefox package (sign it on AMO as unlisted, see README)
      packages/
        conduct-guard-VERSION-chrome.zip   for a private Chrome Web Store / Edge Add-ons listing
        conduct-guard-VERSION-firefox.zip  for AMO (unlisted) signing
      policies/
        chrome/conduct-guard.json          Linux: /etc/opt/chrome/policies/managed/, /etc/chromium/policies/managed/
        chrome/conduct-guard.reg           Windows (GPO / Intune)
        chrome/conduct-guard.mobileconfig  macOS (Jamf / Intune)
        edge/...                           the same for Microsoft Edge
        firefox/policies.json              Firefox (all OSes)
      service/
        policy.json                        the machine policy for the local service
        autostart/                         machine-wide autostart: .reg, LaunchAgent plist, .desktop
        native-host/                       the native messaging host for all users: linux/, macos/, windows/

The browser's managed settings and the machine policy are computed from the same validated
settings (settings_schema.json), so they cannot disagree.

CRX3 packages are ``crx.py``; the browsers' policy files ``browser_policy.py``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import zipfile
from pathlib import Path
from typing import Any, Iterable, Mapping
from urllib.parse import urlsplit

from .. import PACKAGE_DIR
from ..settings.machine_policy import (
    browser_managed_values,
    load_machine_policy,
)

from .browser_policy import (chromium_mobileconfig, chromium_policy, chromium_reg, firefox_policies,
                             firefox_updates, gupdate_xml)
from .crx import (KitError, crx3_pack, crx3_parse, extension_id, extension_id_from_manifest_key,
                  load_or_create_key, public_key_der)

# What each browser's package leaves out of manifest.json: the one definition, shared with
# scripts/package_extension.mjs (they once disagreed: the kit's CRX kept background.scripts and its
# Firefox package the service worker).
BROWSER_TARGETS_PATH = Path(__file__).resolve().parent / "browser_targets.json"
FIXED_ZIP_TIME = (2024, 1, 1, 0, 0, 0)
EXCLUDE_NAMES = {".DS_Store", "Thumbs.db", "node_modules", "tests", "__pycache__", ".git"}

__all__ = [
    "KitError",
    "build_kit",
    "crx3_pack",
    "crx3_parse",
    "extension_id",
    "extension_id_from_manifest_key",
    "load_or_create_key",
    "manifest_for",
    "public_key_der",
    "zip_extension",
]


# --------------------------------------------------------------------------- packaging


def _iter_files(root: Path) -> Iterable[Path]:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in EXCLUDE_NAMES and not d.startswith("."))
        for name in sorted(filenames):
            if name in EXCLUDE_NAMES or name.startswith("."):
                continue
            yield Path(dirpath) / name


def manifest_for(target: str, manifest: Mapping[str, Any]) -> dict[str, Any]:
    """``manifest`` as the ``target`` browser package carries it (browser_targets.json)."""
    drops = json.loads(BROWSER_TARGETS_PATH.read_text(encoding="utf-8"))[target]
    out = json.loads(json.dumps(manifest))
    for dotted in drops:
        *parents, last = dotted.split(".")
        node = out
        for part in parents:
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, dict):
            node.pop(last, None)
    return out


def zip_extension(ext_dir: Path, manifest: Mapping[str, Any]) -> bytes:
    """A deterministic zip of the extension folder with ``manifest`` as its manifest.json."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("manifest.json", FIXED_ZIP_TIME)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        z.writestr(info, json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
        for f in _iter_files(ext_dir):
            rel = f.relative_to(ext_dir).as_posix()
            if rel == "manifest.json":
                continue
            info = zipfile.ZipInfo(rel, FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, f.read_bytes())
    return buf.getvalue()


EXTENSION_DATA_DIR = ("share", "conduct-guard", "extension")


def extension_dir_candidates() -> list[Path]:
    """Where the extension folder may be: this checkout first, then the installed data files.

    ``pip install .`` puts the extension (setup.cfg ``[options.data_files]``, listed by
    ``scripts/extension_data_files.py``) under ``PREFIX/share/conduct-guard/extension``: PREFIX is
    the folder this package was installed into (``sys.prefix`` for a venv or system install, the
    ``--target`` folder), then ``sys.prefix``, ``sys.base_prefix`` and the ``--user`` base.
    """
    import site
    import sys

    here = PACKAGE_DIR
    # the prefix this very package was installed into comes first, so that the extension found
    # is the one installed with the code that runs (not another install's on sys.prefix)
    prefixes = [here.parent]  # pip install --target DIR: DIR/conduct_guard, DIR/share
    if len(here.parents) > 3:
        prefixes.append(here.parents[3])  # PREFIX/lib/pythonX.Y/site-packages/conduct_guard (= sys.prefix)
    prefixes += [Path(sys.prefix), Path(sys.base_prefix)]
    user_base = getattr(site, "USER_BASE", None)
    if user_base:
        prefixes.append(Path(user_base))  # pip install --user
    out = [here.parents[1] / "extension"]  # source checkout: ROOT/backend/conduct_guard
    for p in prefixes:
        c = p.joinpath(*EXTENSION_DATA_DIR)
        if c not in out:
            out.append(c)
    return out


def find_extension_dir(given: Path | None = None) -> Path:
    candidates = [Path(given)] if given else extension_dir_candidates()
    for c in candidates:
        if (c / "manifest.json").is_file():
            return c
    where = ", ".join(str(c) for c in candidates)
    raise KitError(f"extension folder with manifest.json not found (looked in {where}; pass --extension-dir)")


# --------------------------------------------------------------------------- the kit


def _write(path: Path, data: bytes | str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        # regedit reads .reg files as UTF-16LE with a BOM (what regedit itself exports)
        data = ("\ufeff" + data).encode("utf-16-le") if path.suffix == ".reg" else data.encode("utf-8")
    path.write_bytes(data)


def _json(obj: Any) -> str:
    return json.dumps(obj, indent=2, ensure_ascii=False) + "\n"


# where the officers' Python is (the interpreter that has conduct-guard[tray] installed);
# `--python-windows/--python-macos/--python-linux` override these
DEFAULT_TRAY_PYTHON = {
    "windows": r"C:\Program Files\Python312\pythonw.exe",  # python.org installer, all users
    "macos": "/usr/local/bin/python3",  # python.org installer's link
    "linux": "/usr/bin/python3",  # the distribution's Python
}


def tray_commands(tray_python: Mapping[str, str] | None = None) -> dict[str, list[str]]:
    """The autostart command per OS: ``<absolute python> -m conduct_guard.tray``, as
    :func:`conduct_guard.desktop.autostart.default_command` gives on the machine itself."""
    from pathlib import PurePosixPath, PureWindowsPath

    from ..desktop.autostart import TRAY_MODULE

    paths = dict(DEFAULT_TRAY_PYTHON)
    paths.update({k: v for k, v in (tray_python or {}).items() if v})
    out = {}
    for os_name, exe in paths.items():
        pure = PureWindowsPath(exe) if os_name == "windows" else PurePosixPath(exe)
        if not pure.is_absolute():
            raise KitError(f"--python-{os_name} {exe!r}: must be an absolute path (autostart runs without a PATH search)")
        out[os_name] = [exe, "-m", TRAY_MODULE]
    return out


def _check_update_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise KitError(f"--update-url {url!r}: expected an http(s) URL of the folder that will host the kit's host/ files")
    return url.rstrip("/") + "/"


def build_kit(
    out: Path,
    key_path: Path,
    update_url: str,
    policy_path: Path | None = None,
    extension_dir: Path | None = None,
    create_key: bool = False,
    force: bool = False,
    org: str = "Conduct Guard",
    tray_python: Mapping[str, str] | None = None,
) -> dict:
    out = Path(out)
    base_url = _check_update_url(update_url)
    tray_commands(tray_python)  # refuse a relative interpreter before writing anything
    if out.exists() and any(out.iterdir()) and not force:
        raise KitError(f"{out}: folder is not empty (pass --force to write into it)")
    ext_dir = find_extension_dir(extension_dir)
    try:
        manifest = json.loads((ext_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise KitError(f"{ext_dir / 'manifest.json'}: cannot read ({e})") from None
    version = str(manifest.get("version") or "0.0.0")
    gecko_id = (manifest.get("browser_specific_settings", {}).get("gecko", {}) or {}).get("id")
    if not gecko_id:
        raise KitError(f"{ext_dir / 'manifest.json'}: browser_specific_settings.gecko.id is missing")

    # ---- settings: one validated source for the machine policy and the browser policies
    if policy_path is not None:
        policy = load_machine_policy(policy_path)
        if policy.path is None:
            raise KitError(f"{policy_path}: not found")
        settings = dict(policy.settings)
    else:
        settings = {}
    key = load_or_create_key(key_path, create=create_key)
    pub = public_key_der(key)
    ext_id = extension_id(pub)
    project_id = extension_id_from_manifest_key(manifest["key"]) if manifest.get("key") else None
    # the service must accept the IT build's origin (chrome-extension://<ext_id>)
    ids = list(settings.get("extension_ids", []))
    if ext_id not in ids:
        ids.append(ext_id)
    settings["extension_ids"] = ids
    managed = browser_managed_values(settings)
    # the machine policy holds every setting (the service reads its own keys and shows all of
    # them as locked on its status page); the browser policies hold the extension's share of it
    service_policy = dict(settings)

    crx_name = f"conduct-guard-{version}.crx"
    xpi_name = f"conduct-guard-{version}.xpi"
    update_xml_url = base_url + "update.xml"

    # ---- Chrome/Edge: the CRX carries IT's public key; the store zip carries none
    chrome_manifest = manifest_for("chrome-it", manifest)
    chrome_manifest["key"] = base64.b64encode(pub).decode("ascii")
    chrome_manifest["update_url"] = update_xml_url
    crx_zip = zip_extension(ext_dir, chrome_manifest)
    crx = crx3_pack(crx_zip, key)
    store_manifest = {k: v for k, v in manifest_for("chrome", manifest).items() if k != "update_url"}
    store_zip = zip_extension(ext_dir, store_manifest)

    # ---- Firefox: self-hosted updates
    ff_manifest = {k: v for k, v in manifest_for("firefox", manifest).items() if k != "update_url"}
    warnings: list[str] = []
    if base_url.startswith("https://"):
        ff_manifest.setdefault("browser_specific_settings", {}).setdefault("gecko", {})["update_url"] = base_url + "updates.json"
    else:
        # Firefox refuses an add-on whose update_url is not https ("Incompatible add-on")
        warnings.append("the update URL is not https: the Firefox package carries no update_url, so Firefox "
                        "will not update it by itself (Chrome/Edge are fine)")
    xpi = zip_extension(ext_dir, ff_manifest)
    xpi_sha = hashlib.sha256(xpi).hexdigest()

    files: dict[str, bytes | str] = {
        f"host/{crx_name}": crx,
        "host/update.xml": gupdate_xml(ext_id, base_url + crx_name, version),
        f"host/{xpi_name}": xpi,
        "host/updates.json": _json(firefox_updates(gecko_id, base_url + xpi_name, version, xpi_sha)),
        f"packages/conduct-guard-{version}-chrome.zip": store_zip,
        f"packages/conduct-guard-{version}-firefox.zip": xpi,
        "managed_settings.json": _json(managed),
        "service/policy.json": _json(service_policy),
        "policies/firefox/policies.json": _json(firefox_policies(gecko_id, base_url + xpi_name, managed)),
    }
    for browser, vendor, domain, name in (
        ("chrome", "Google\\Chrome", "com.google.Chrome", "Google Chrome"),
        ("edge", "Microsoft\\Edge", "com.microsoft.Edge", "Microsoft Edge"),
    ):
        files[f"policies/{browser}/conduct-guard.json"] = _json(chromium_policy(ext_id, update_xml_url, managed))
        files[f"policies/{browser}/conduct-guard.reg"] = chromium_reg(vendor, ext_id, update_xml_url, managed)
        files[f"policies/{browser}/conduct-guard.mobileconfig"] = chromium_mobileconfig(
            domain, name, ext_id, update_xml_url, managed, org)

    from ..desktop import autostart

    # the same command `conduct-guard autostart enable --machine` writes on the machine itself
    # (an absolute interpreter running the tray module), with the officers' interpreter paths
    tray = tray_commands(tray_python)
    files["service/autostart/conduct-guard-autostart.reg"] = autostart.reg_file(tray["windows"], machine=True)
    files["service/autostart/org.conductguard.tray.plist"] = autostart.launch_agent_plist(tray["macos"])
    files["service/autostart/conduct-guard.desktop"] = autostart.desktop_entry(tray["linux"])

    # the native messaging host for all users (issue 24, point 3): the extension gets the
    # officer's service token through it; it names IT's signed id, the project's and the gecko id
    from ..desktop import native_setup

    chrome_ids = [i for i in (ext_id, project_id, *ids) if i]
    files.update(native_setup.kit_files({os_name: cmd[0] for os_name, cmd in tray.items()}, chrome_ids, gecko_id))

    info = {
        "version": version,
        "chrome_id": ext_id,
        "project_chrome_id": project_id,
        "firefox_id": gecko_id,
        "update_url": base_url,
        "update_xml": update_xml_url,
        "crx": base_url + crx_name,
        "xpi": base_url + xpi_name,
        "settings": settings,
        "managed": managed,
        "warnings": warnings,
        "autostart": {k: v for k, v in tray.items()},
        "native_host": {"name": native_setup.NATIVE_HOST_NAME, "chrome_ids": chrome_ids, "firefox_id": gecko_id},
    }
    files["README-IT.md"] = _readme(info, service_policy)
    files.update(_readme_pictures())

    out.mkdir(parents=True, exist_ok=True)
    for rel, data in files.items():
        _write(out / rel, data)
        if rel.endswith("/" + native_setup.LAUNCHER_POSIX):
            os.chmod(out / rel, 0o755)  # the browser runs it
    info["files"] = {rel: hashlib.sha256((out / rel).read_bytes()).hexdigest() for rel in sorted(files)}
    _write(out / "kit.json", _json(info))
    return info


IT_DOC_DATA_DIR = ("share", "conduct-guard", "docs")


def find_it_doc() -> Path | None:
    """docs/IT.md: from this checkout, or as installed (setup.cfg data_files)."""
    for ext in extension_dir_candidates():
        # each extension candidate PREFIX/share/conduct-guard/extension has its docs beside it;
        # the checkout's extension/ has docs/ beside it
        doc = ext.parent / "docs" / "IT.md"
        if doc.is_file():
            return doc
    return None


def _readme_pictures() -> dict[str, bytes]:
    """The screenshots docs/IT.md shows (``screenshots/*.png`` beside it), at the same relative
    path beside README-IT.md, so the kit's page shows them too."""
    doc = find_it_doc()
    folder = doc.parent / "screenshots" if doc is not None else None
    if folder is None or not folder.is_dir():
        return {}
    return {f"screenshots/{png.name}": png.read_bytes() for png in sorted(folder.glob("*.png"))}


# docs/IT.md's examples -> this kit's values
def _fill_in(body: str, info: dict) -> str:
    example_url = "https://software.example.gov.pk/conduct-guard/"
    for old, new in (
        ("`ID;https://.../update.xml`", f"`{info['chrome_id']};{info['update_xml']}`"),
        (example_url, info["update_url"]),
        ("extensions.<id>", f"extensions.{info['chrome_id']}"),
        ("extensions\\<id>\\policy", f"extensions\\{info['chrome_id']}\\policy"),
        ("conduct-guard-VERSION", f"conduct-guard-{info['version']}"),
    ):
        body = body.replace(old, new)
    return body


def _readme(info: dict, service_policy: Mapping[str, Any]) -> str:
    """README-IT.md: this kit's ids, URLs, settings and autostart commands, then docs/IT.md filled in."""
    ids = info["chrome_id"]
    rows = "\n".join(
        f"| `{k}` | `{json.dumps(v, ensure_ascii=False)}` |" for k, v in sorted(service_policy.items())
    )
    managed_rows = "\n".join(
        f"| `{k}` | `{json.dumps(v, ensure_ascii=False)}` |" for k, v in sorted(info["managed"].items())
    )
    none_row = "| (none) | the schema's defaults apply, and the officer may change them |"
    rows = rows or none_row
    managed_rows = managed_rows or none_row
    auto = info["autostart"]
    head = (
        "# Conduct Guard IT kit\n\n"
        "This kit was built for your organisation; the values below are the ones in its files.\n\n"
        "## This kit\n\n"
        "| | |\n| --- | --- |\n"
        f"| Version | {info['version']} |\n"
        f"| Chrome/Edge extension id (from your key) | `{ids}` |\n"
        f"| Firefox extension id | `{info['firefox_id']}` |\n"
        f"| Host the files of `host/` at | {info['update_url']} |\n"
        f"| Chrome/Edge update manifest | {info['update_xml']} |\n"
        f"| Chrome/Edge package | {info['crx']} |\n"
        f"| Firefox package | {info['xpi']} |\n"
        f"| ExtensionInstallForcelist entry | `{ids};{info['update_xml']}` |\n\n"
        "## Your policy (locked on every machine)\n\n"
        "`service/policy.json`, the machine policy for the local service:\n\n"
        "| setting | value |\n| --- | --- |\n" + rows + "\n\n"
        "`managed_settings.json`, the extension's share of it (in every browser policy file):\n\n"
        "| setting | value |\n| --- | --- |\n" + managed_rows + "\n\n"
        "## Autostart in this kit\n\n"
        "The tray needs the `[tray]` extra: `python -m pip install \"conduct-guard[tray]\"` (or "
        "`python -m pip install \".[tray]\"` from the sources). The autostart files run this interpreter "
        "(rebuild with `--python-windows/--python-macos/--python-linux` if yours is elsewhere):\n\n"
        f"- Windows (`service/autostart/conduct-guard-autostart.reg`): `{' '.join(auto['windows'])}`\n"
        f"- macOS (`service/autostart/org.conductguard.tray.plist`): `{' '.join(auto['macos'])}`\n"
        f"- Linux (`service/autostart/conduct-guard.desktop`): `{' '.join(auto['linux'])}`\n\n"
        "## Native messaging host in this kit\n\n"
        "`service/native-host/` lets the extension get each officer's service token (pausing, counts; "
        "see section 3 below for where each file goes). Its manifests allow the Chrome/Edge ids "
        + ", ".join(f"`{i}`" for i in info["native_host"]["chrome_ids"])
        + f" and the Firefox id `{info['native_host']['firefox_id']}`.\n\n"
    )
    for w in info.get("warnings", []):
        head += f"**Warning:** {w}\n\n"
    doc = find_it_doc()
    if doc is None:
        raise KitError("docs/IT.md not found (neither in this checkout nor installed under share/conduct-guard/docs)")
    body = doc.read_text(encoding="utf-8")
    body = body.replace("# Deploying Conduct Guard (for IT departments)", "# Deploying Conduct Guard", 1)
    return head + _fill_in(body, info)
