"""The browsers' policy files that install the extension and lock its settings: Chrome and Edge
(JSON for Linux, .reg for Windows, .mobileconfig for macOS), Firefox (policies.json), and the update
manifests (gupdate XML, Firefox updates.json)."""

from __future__ import annotations

import json
import plistlib
import uuid
from typing import Any, Mapping
from xml.sax.saxutils import quoteattr


# --------------------------------------------------------------------------- policy files


def _reg_str(s: str) -> str:
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _reg_value(v: Any) -> str:
    if isinstance(v, bool):
        return f"dword:{int(v):08x}"
    if isinstance(v, int):
        return f"dword:{v:08x}"
    if isinstance(v, str):
        return _reg_str(v)
    return _reg_str(json.dumps(v, separators=(",", ":")))  # lists/objects as JSON strings


def chromium_policy(ext_id: str, update_xml_url: str, managed: Mapping[str, Any]) -> dict:
    return {
        "ExtensionInstallForcelist": [f"{ext_id};{update_xml_url}"],
        "ExtensionSettings": {
            ext_id: {
                "installation_mode": "force_installed",
                "update_url": update_xml_url,
                "toolbar_pin": "force_pinned",
            }
        },
        "3rdparty": {"extensions": {ext_id: dict(managed)}},
    }


def chromium_reg(vendor_key: str, ext_id: str, update_xml_url: str, managed: Mapping[str, Any]) -> str:
    base = f"HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\{vendor_key}"
    settings = json.dumps(chromium_policy(ext_id, update_xml_url, managed)["ExtensionSettings"], separators=(",", ":"))
    lines = [
        "Windows Registry Editor Version 5.00",
        "",
        f"[{base}\\ExtensionInstallForcelist]",
        f'"1"={_reg_str(f"{ext_id};{update_xml_url}")}',
        "",
        f"[{base}]",
        f'"ExtensionSettings"={_reg_str(settings)}',
        "",
        f"[{base}\\3rdparty\\extensions\\{ext_id}\\policy]",
    ]
    lines += [f"{_reg_str(k)}={_reg_value(v)}" for k, v in managed.items()]
    return "\r\n".join(lines) + "\r\n"


def _payload(ptype: str, content: dict, org: str, ident: str) -> dict:
    return {
        "PayloadType": ptype,
        "PayloadVersion": 1,
        "PayloadIdentifier": ident,
        "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_URL, ident)).upper(),
        "PayloadDisplayName": ptype,
        "PayloadOrganization": org,
        "PayloadEnabled": True,
        **content,
    }


def chromium_mobileconfig(domain: str, name: str, ext_id: str, update_xml_url: str,
                          managed: Mapping[str, Any], org: str = "Conduct Guard") -> bytes:
    pol = chromium_policy(ext_id, update_xml_url, managed)
    ident = f"org.conductguard.{domain}"
    payloads = [
        _payload(domain, {"ExtensionInstallForcelist": pol["ExtensionInstallForcelist"],
                          "ExtensionSettings": pol["ExtensionSettings"]}, org, f"{ident}.browser"),
        # macOS: an extension's managed storage is the preference domain <browser>.extensions.<id>
        _payload(f"{domain}.extensions.{ext_id}", dict(managed), org, f"{ident}.extension"),
    ]
    profile = {
        "PayloadType": "Configuration",
        "PayloadVersion": 1,
        "PayloadIdentifier": ident,
        "PayloadUUID": str(uuid.uuid5(uuid.NAMESPACE_URL, ident + ".profile")).upper(),
        "PayloadDisplayName": f"Conduct Guard for {name}",
        "PayloadDescription": f"Installs the Conduct Guard extension in {name} and locks its settings.",
        "PayloadOrganization": org,
        "PayloadScope": "System",
        "PayloadRemovalDisallowed": True,
        "PayloadContent": payloads,
    }
    return plistlib.dumps(profile, sort_keys=False)


def firefox_policies(gecko_id: str, xpi_url: str, managed: Mapping[str, Any]) -> dict:
    return {
        "policies": {
            "ExtensionSettings": {
                gecko_id: {"installation_mode": "force_installed", "install_url": xpi_url}
            },
            "3rdparty": {"Extensions": {gecko_id: dict(managed)}},
        }
    }


def gupdate_xml(ext_id: str, crx_url: str, version: str) -> str:
    return (
        "<?xml version='1.0' encoding='UTF-8'?>\n"
        "<gupdate xmlns='http://www.google.com/update2/response' protocol='2.0'>\n"
        f"  <app appid={quoteattr(ext_id)}>\n"
        f"    <updatecheck codebase={quoteattr(crx_url)} version={quoteattr(version)} />\n"
        "  </app>\n"
        "</gupdate>\n"
    )


def firefox_updates(gecko_id: str, xpi_url: str, version: str, xpi_sha256: str) -> dict:
    return {"addons": {gecko_id: {"updates": [
        {"version": version, "update_link": xpi_url, "update_hash": f"sha256:{xpi_sha256}"}
    ]}}}
