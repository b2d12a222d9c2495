"""The machine-wide policy file that IT pushes, read with precedence over user settings.

Where it lives (one file, JSON, validated against ``settings_schema.json``):

- Windows: ``%ProgramData%\\ConductGuard\\policy.json``
- macOS:   ``/Library/Application Support/ConductGuard/policy.json``
- Linux:   ``/etc/conduct-guard/policy.json``

``CONDUCT_GUARD_MACHINE_POLICY`` overrides the path (tests, unusual installs). A missing file
means "no machine policy"; a present but broken file raises :class:`MachinePolicyError` whose
message names the file and the key, so that IT can fix it from the log line alone.

Every key set in the file is *locked*: the officer cannot change it in the extension or the
tray. ``MachinePolicy.locked_keys()`` maps each locked key to the file it came from.
"""

from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePath, PurePosixPath, PureWindowsPath
from typing import Any, Mapping

ENV_VAR = "CONDUCT_GUARD_MACHINE_POLICY"
SCHEMA_FILE = Path(__file__).with_name("settings_schema.json")
MAX_POLICY_BYTES = 1024 * 1024

__all__ = [
    "ENV_VAR",
    "MachinePolicy",
    "MachinePolicyError",
    "default_policy_path",
    "load_machine_policy",
    "settings_schema",
    "setting_defaults",
    "validate_settings",
    "browser_managed_values",
    "browser_managed_schema",
]


class MachinePolicyError(ValueError):
    """The machine policy file exists but cannot be used. The message names file and key."""

    def __init__(self, path: Path | str | None, key: str | None, problem: str):
        self.path = str(path) if path is not None else None
        self.key = key
        self.problem = problem
        where = self.path or "<machine policy>"
        if key:
            msg = f"{where}: key '{key}': {problem}"
        else:
            msg = f"{where}: {problem}"
        super().__init__(msg)


@dataclass(frozen=True)
class MachinePolicy:
    """Validated machine policy. ``settings`` holds only the keys the file sets."""

    settings: dict = field(default_factory=dict)
    path: Path | None = None

    def locked_keys(self) -> dict[str, str]:
        """key -> source (the policy file path) for every key the policy sets."""
        src = str(self.path) if self.path is not None else "machine policy"
        return {k: src for k in sorted(self.settings)}

    def __bool__(self) -> bool:  # "is there any policy at all"
        return bool(self.settings)


# --------------------------------------------------------------------------- schema


@lru_cache(maxsize=1)
def _schema_cached() -> str:
    return SCHEMA_FILE.read_text(encoding="utf-8")


def settings_schema() -> dict:
    """A fresh copy of the settings schema (the one source of the managed keys)."""
    return json.loads(_schema_cached())


def setting_defaults() -> dict:
    """key -> default value, for the keys that have a default."""
    props = settings_schema()["properties"]
    return {k: v["default"] for k, v in props.items() if "default" in v}


# --------------------------------------------------------------------------- paths


def default_policy_path(platform: str | None = None, env: Mapping[str, str] | None = None) -> PurePath:
    """The machine policy path for ``platform`` (``sys.platform`` style: win32, darwin, linux).

    ``CONDUCT_GUARD_MACHINE_POLICY`` in ``env`` wins on every platform.
    """
    platform = sys.platform if platform is None else platform
    env = os.environ if env is None else env
    override = env.get(ENV_VAR)
    if override:
        return PureWindowsPath(override) if platform.startswith("win") else PurePosixPath(override)
    if platform.startswith("win"):
        base = env.get("ProgramData") or env.get("PROGRAMDATA") or r"C:\ProgramData"
        return PureWindowsPath(base, "ConductGuard", "policy.json")
    if platform == "darwin":
        return PurePosixPath("/Library/Application Support/ConductGuard/policy.json")
    return PurePosixPath("/etc/conduct-guard/policy.json")


# --------------------------------------------------------------------------- validation

_HOST_RE = re.compile(r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


def _type_name(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _describe(err) -> str:
    """A short, human message for a jsonschema ValidationError."""
    v = err.validator
    inst = err.instance
    sch = err.schema if isinstance(err.schema, dict) else {}
    if v == "type":
        want = err.validator_value
        want = " or ".join(want) if isinstance(want, list) else want
        return f"must be {'an' if str(want)[0] in 'aeiou' else 'a'} {want}, got {_type_name(inst)} {json.dumps(inst)[:60]}"
    if v == "enum":
        return f"must be one of {', '.join(json.dumps(x) for x in err.validator_value)}, got {json.dumps(inst)[:60]}"
    if v == "minimum":
        return f"must be at least {err.validator_value}, got {inst}"
    if v == "maximum":
        return f"must be at most {err.validator_value}, got {inst}"
    if v == "pattern":
        return f"{json.dumps(inst)[:80]} is not a valid value (expected pattern {err.validator_value})"
    if v == "minLength":
        return f"{json.dumps(inst)[:80]} is too short (at least {err.validator_value} characters)"
    if v == "maxLength":
        return f"value is too long (at most {err.validator_value} characters)"
    if v == "maxItems":
        return f"has too many entries (at most {err.validator_value})"
    if v == "additionalProperties" and err.validator_value is False:
        extra = sorted(set(inst) - set(sch.get("properties", {})))
        return f"unknown key(s) {', '.join(extra)}"
    if v == "propertyNames":
        return f"{err.message}"
    return err.message


def _key_path(err) -> str | None:
    parts = list(err.absolute_path)
    if not parts:
        return None
    out = str(parts[0])
    for p in parts[1:]:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def validate_settings(data: Any, path: Path | str | None = None) -> dict:
    """Validate a settings mapping against the schema; return a normalised copy.

    Raises :class:`MachinePolicyError` naming ``path`` and the offending key. Unknown keys are an
    error (a typo in a policy must not silently leave a setting unlocked).
    """
    import jsonschema

    if not isinstance(data, dict):
        raise MachinePolicyError(path, None, f"the policy must be a JSON object, got {_type_name(data)}")
    schema = settings_schema()
    props = schema["properties"]
    unknown = sorted(k for k in data if k not in props)
    if unknown:
        raise MachinePolicyError(
            path, unknown[0], f"unknown key (known keys: {', '.join(sorted(props))})"
        )
    # floats where an integer is required (e.g. 30.0) are rejected by "integer"; booleans are
    # never numbers in JSON Schema, which is what we want.
    validator = jsonschema.Draft202012Validator(schema)
    errors = sorted(validator.iter_errors(data), key=lambda e: (list(e.absolute_path), e.validator))
    if errors:
        err = errors[0]
        key = _key_path(err)
        if "propertyNames" in err.schema_path:
            parent = key or "?"
            key = f"{parent}.{err.instance}" if isinstance(err.instance, str) else parent
            if parent == "thresholds":
                from ..categories import CATEGORIES

                raise MachinePolicyError(path, key, f"unknown category (known: {', '.join(CATEGORIES)})")
            raise MachinePolicyError(path, key, "is not a host name (lower case, like x.com)")
        if key and key.startswith("sites[") and err.validator == "pattern":
            raise MachinePolicyError(
                path, key, f"{json.dumps(err.instance)[:80]} is not a host name (write it in lower case, like x.com, with no scheme, port or path)"
            )
        if key == "service_url" and err.validator == "pattern":
            raise MachinePolicyError(
                path, key,
                f"{json.dumps(err.instance)[:80]} is not a loopback URL (like {setting_defaults()['service_url']})"
            )
        raise MachinePolicyError(path, key, _describe(err))

    out = json.loads(json.dumps(data))  # deep copy, plain types
    if "sites" in out:
        seen: list[str] = []
        for i, host in enumerate(out["sites"]):
            h = host.strip().lower().rstrip(".")
            if not _HOST_RE.match(h):
                raise MachinePolicyError(path, f"sites[{i}]", f"{host!r} is not a host name")
            if h not in seen:
                seen.append(h)
        out["sites"] = seen
    if "org_terms" in out:
        terms: list[str] = []
        for t in out["org_terms"]:
            t = " ".join(t.split())
            if t and t not in terms:
                terms.append(t)
        out["org_terms"] = terms
    if "thresholds" in out:
        out["thresholds"] = {k: float(v) for k, v in out["thresholds"].items()}
    if "log_retention_days" in out:
        out["log_retention_days"] = int(out["log_retention_days"])
    if "service_url" in out:
        out["service_url"] = out["service_url"].rstrip("/")
    return out


# --------------------------------------------------------------------------- loading


def _parse_json(raw: bytes, path: Path) -> Any:
    try:
        text = raw.decode("utf-8-sig")  # Notepad on Windows writes a BOM
    except UnicodeDecodeError as e:
        raise MachinePolicyError(path, None, f"not UTF-8 text ({e.reason} at byte {e.start})") from None
    if not text.strip():
        raise MachinePolicyError(path, None, "the file is empty (delete it, or write {} for no settings)")

    def _no_dupes(pairs):
        d = {}
        for k, v in pairs:
            if k in d:
                raise MachinePolicyError(path, k, "the key appears twice")
            d[k] = v
        return d

    def _no_constants(name):
        raise MachinePolicyError(path, None, f"{name} is not valid JSON")

    try:
        return json.loads(text, object_pairs_hook=_no_dupes, parse_constant=_no_constants)
    except json.JSONDecodeError as e:
        raise MachinePolicyError(path, None, f"invalid JSON at line {e.lineno} column {e.colno}: {e.msg}") from None


def load_machine_policy(path: Path | str | None = None) -> MachinePolicy:
    """Read and validate the machine policy.

    ``path=None`` uses ``CONDUCT_GUARD_MACHINE_POLICY`` or the OS default. A file that does not
    exist gives an empty policy (nothing locked). Anything else wrong raises MachinePolicyError.
    """
    p = Path(path) if path is not None else Path(str(default_policy_path()))
    try:
        if not p.exists():
            return MachinePolicy(settings={}, path=None)
        if p.is_dir():
            raise MachinePolicyError(p, None, "is a folder, expected a JSON file")
        if not p.is_file():  # a FIFO or device would block start-up forever on read
            raise MachinePolicyError(p, None, "is not a regular file, expected a JSON file")
        if p.stat().st_size > MAX_POLICY_BYTES:
            raise MachinePolicyError(p, None, f"is larger than {MAX_POLICY_BYTES} bytes")
        raw = p.read_bytes()
    except MachinePolicyError:
        raise
    except OSError as e:
        raise MachinePolicyError(p, None, f"cannot be read ({e.strerror or e})") from None
    data = _parse_json(raw, p)
    settings = validate_settings(data, p)
    return MachinePolicy(settings=settings, path=p)


# --------------------------------------------------------------------------- the browser side
#
# The extension reads camelCase keys from storage.managed (extension/src/shared/settings.js).
# Each setting the extension reads carries "x-browser": <its browser key> in settings_schema.json;
# allow_override and require_reason together become the browser's blockOverride.

_BLOCK_OVERRIDE = "blockOverride"


def _block_override(allow_override: bool, require_reason: bool) -> str:
    if not allow_override:
        return "never"
    return "reason" if require_reason else "allow"


def browser_managed_values(settings: Mapping[str, Any]) -> dict:
    """The extension's managed-storage values for validated ``settings`` (only keys that are set).

    This is what goes into Chrome/Edge ``3rdparty`` policies and Firefox ``3rdparty``: the same
    source as the machine policy file, so the two cannot disagree.
    """
    props = settings_schema()["properties"]
    defaults = setting_defaults()
    out: dict[str, Any] = {}
    for key, value in settings.items():
        bkey = props.get(key, {}).get("x-browser")
        if not bkey or bkey == _BLOCK_OVERRIDE:
            continue
        out[bkey] = json.loads(json.dumps(value))
    if "allow_override" in settings or "require_reason" in settings:
        out[_BLOCK_OVERRIDE] = _block_override(
            settings.get("allow_override", defaults["allow_override"]),
            settings.get("require_reason", defaults["require_reason"]),
        )
    return dict(sorted(out.items()))


_CHROME_KEEP = ("type", "title", "description", "enum", "items", "properties")


def _to_chrome(node: dict) -> dict:
    """A JSON-Schema node reduced to what Chrome's managed-storage schema accepts."""
    out: dict[str, Any] = {}
    for k in _CHROME_KEEP:
        if k not in node:
            continue
        v = node[k]
        if k == "items":
            v = _to_chrome(v)
        elif k == "properties":
            v = {pk: _to_chrome(pv) for pk, pv in v.items()}
        out[k] = v
    if isinstance(node.get("additionalProperties"), dict):
        out["additionalProperties"] = _to_chrome(node["additionalProperties"])
    if node.get("type") == "integer":  # Chrome: minimum/maximum on integers only
        for k in ("minimum", "maximum"):
            if k in node:
                out[k] = node[k]
    if "default" in node:
        out["description"] = (out.get("description", "") + f" Default: {json.dumps(node['default'])}.").strip()
    return out


def browser_managed_schema() -> dict:
    """extension/managed_schema.json, generated from settings_schema.json."""
    schema = settings_schema()
    props = schema["properties"]
    out_props: dict[str, Any] = {}
    for key, node in props.items():
        bkey = node.get("x-browser")
        if not bkey:
            continue
        if bkey == _BLOCK_OVERRIDE:
            if bkey in out_props:
                continue
            d = setting_defaults()
            out_props[bkey] = {
                "type": "string",
                "title": "Posting a blocked post anyway",
                "description": "never: a blocked post cannot be posted until edited; reason: the officer may post "
                "anyway after giving a reason; allow: the officer may post anyway. Comes from allow_override and "
                "require_reason of the machine policy. Default: "
                + json.dumps(_block_override(d["allow_override"], d["require_reason"]))
                + ".",
                "enum": ["allow", "reason", "never"],
            }
            continue
        n = _to_chrome(node)
        n["description"] = (n.get("description", "") + f" (machine policy key: {key})").strip()
        out_props[bkey] = n
    return {
        "type": "object",
        "description": "Conduct Guard settings an IT department can lock. GENERATED from "
        "backend/conduct_guard/settings/settings_schema.json by scripts/gen_managed_schema.py; edit that file instead.",
        "properties": dict(sorted(out_props.items())),
    }
