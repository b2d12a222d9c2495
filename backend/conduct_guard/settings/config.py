"""Service configuration, in layers: defaults → user config file → environment → machine policy.

The machine policy (IT's file, see machine_policy.py) comes last on purpose: a key
IT set is locked, and neither the officer's file nor an environment variable can
change it. ``CG_LOCKED`` records which keys are locked and by which file.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Mapping

import platformdirs

from .machine_policy import MachinePolicyError, load_machine_policy, setting_defaults, validate_settings
from ..rules.pack import DEFAULT_PACK

APP_NAME = "conduct-guard"
# The one home of the service's address (settings_schema.json's service_url default repeats it for
# the extension; tests/test_one_home.py fails when the two drift apart).
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 47814
# The extension's ids (tests/test_auth.py checks both against extension/manifest.json): the
# Chrome/Edge id follows from the public key in the manifest, Firefox's is its gecko id. The
# native messaging host's manifests name them (native_setup.py).
CHROME_EXTENSION_ID = "gimofbgcmiikbofmepaaikmlgcafbghm"
FIREFOX_EXTENSION_ID = "conduct-guard@conduct-guard.org"
# Firefox gives every install its own random moz-extension:// UUID, so any well-formed one is
# allowed (security.origin_allowed); what such a caller may do beyond checking posts takes the
# token (auth.py).
EXTENSION_ORIGINS = (
    f"chrome-extension://{CHROME_EXTENSION_ID}",
    "moz-extension://*",
)

# settings key (shared with the extension and the machine policy) → Flask config key
SETTING_KEYS = {
    "pack": "CG_PACK",
    "enforcement": "CG_ENFORCEMENT",
    "allow_override": "CG_ALLOW_OVERRIDE",
    "require_reason": "CG_REQUIRE_REASON",
    "fail_closed": "CG_FAIL_CLOSED",
    "allow_pause": "CG_ALLOW_PAUSE",
    "sites": "CG_SITES",
    "org_terms": "CG_ORG_TERMS",
    "thresholds": "CG_THRESHOLDS",
    "log_retention_days": "CG_LOG_RETENTION_DAYS",
    "extension_ids": "CG_EXTENSION_IDS",
    # the extension's language; the service's status page and tray menu follow it too (issue 23)
    "ui_language": "CG_UI_LANGUAGE",
}

# environment variable → (Flask config key, parser)
ENVIRONMENT = {
    "CONDUCT_GUARD_PACK": ("CG_PACK", str),
    "CONDUCT_GUARD_MODEL_DIR": ("CG_MODEL_DIR", str),
    "CONDUCT_GUARD_ORG_TERMS": ("CG_ORG_TERMS", lambda v: [t.strip() for t in v.split(",") if t.strip()]),
    "CONDUCT_GUARD_ALLOWED_ORIGINS": ("CG_ALLOWED_ORIGINS", lambda v: [o.strip() for o in v.split(",") if o.strip()]),
    "CONDUCT_GUARD_ENFORCEMENT": ("CG_ENFORCEMENT", str),
    "CONDUCT_GUARD_PACK_DIRS": ("CG_PACK_DIRS", lambda v: [p for p in v.split(os.pathsep) if p]),
    "CONDUCT_GUARD_THREADS": ("CG_THREADS", int),
    "CONDUCT_GUARD_STATS_DIR": ("CG_STATS_DIR", str),
}
CONFIG_FILE_ENV = "CONDUCT_GUARD_CONFIG"


class ConfigError(ValueError):
    """A configuration file or value is wrong; the message names the file and key."""


class MachinePolicyConfigError(ConfigError):
    """IT's machine policy file is wrong. A ConfigError like any other (the CLI reports it the same
    way), of its own type so that the tray can tell the officer it is IT's file, not theirs."""


def default_config_file() -> Path:
    override = os.environ.get(CONFIG_FILE_ENV)
    if override:
        return Path(override)
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)) / "config.json"


def defaults() -> dict[str, Any]:
    config = {SETTING_KEYS[k]: v for k, v in setting_defaults().items() if k in SETTING_KEYS}
    config.update({
        "CG_PACK": DEFAULT_PACK,
        # "block" keeps each pack's severities as written; IT may cap them at "warn"
        "CG_ENFORCEMENT": "block",
        "CG_MODEL_DIR": None,
        "CG_PACK_DIRS": [],
        "CG_ALLOWED_ORIGINS": list(EXTENSION_ORIGINS),
        "CG_THREADS": 1,
        "CG_STATS_DIR": None,
        "CG_WARM_UP": True,
        "CG_LOCKED": {},
        "CG_SOURCES": {},
        "MAX_CONTENT_LENGTH": 256 * 1024,
    })
    return config


def _settings_to_config(settings: Mapping[str, Any]) -> dict[str, Any]:
    return {SETTING_KEYS[k]: v for k, v in settings.items() if k in SETTING_KEYS}


def read_config_file(path: Path) -> dict[str, Any]:
    """The officer's own settings file (same keys as the machine policy); missing means empty."""
    if not path.exists():
        return {}
    if not path.is_file():  # a folder, FIFO or device: refuse it rather than block on reading it
        raise ConfigError(f"{path}: is not a regular file, expected a JSON settings file")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read settings: {exc}") from None
    try:
        return validate_settings(data, path)
    except MachinePolicyError as exc:
        raise ConfigError(str(exc)) from None


def save_user_setting(key: str, value: Any, path: Path | None = None) -> Path:
    """Set one key in the officer's settings file (the tray's pack choice), validated as
    :func:`read_config_file` reads it, so a value written here always loads. The other keys stay
    as they are; a file that is not valid now is not overwritten (ConfigError, naming it). The
    file is replaced in one step, so a crash never leaves half a file. Returns the file's path."""
    path = Path(path) if path is not None else default_config_file()
    settings = {**read_config_file(path), key: value}
    try:
        settings = validate_settings(settings, path)
    except MachinePolicyError as exc:
        raise ConfigError(str(exc)) from None
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(settings, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigError(f"{path}: cannot write settings: {exc.strerror or exc}") from None
    return path


def load_config(overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The effective configuration; ``overrides`` (create_app's argument) sit just below IT's policy."""
    environ = os.environ if environ is None else environ
    config = defaults()
    sources = {key: "default" for key in config}

    def layer(values: Mapping[str, Any], source: str) -> None:
        for key, value in values.items():
            config[key] = value
            sources[key] = source

    config_file = default_config_file()
    layer(_settings_to_config(read_config_file(config_file)), str(config_file))
    for variable, (key, parse) in ENVIRONMENT.items():
        if environ.get(variable):
            try:
                layer({key: parse(environ[variable])}, variable)
            except ValueError as exc:
                raise ConfigError(f"environment variable {variable}: {exc}") from None
    layer(dict(overrides or {}), "create_app")

    try:
        policy = load_machine_policy()
    except MachinePolicyError as exc:
        raise MachinePolicyConfigError(str(exc)) from None
    layer(_settings_to_config(policy.settings), str(policy.path))
    config["CG_LOCKED"] = policy.locked_keys() if policy else {}
    # an IT-signed build has its own Chrome id (from IT's signing key): accept its origin too
    for extension_id in config.get("CG_EXTENSION_IDS") or ():
        origin = f"chrome-extension://{extension_id}"
        if origin not in config["CG_ALLOWED_ORIGINS"]:
            config["CG_ALLOWED_ORIGINS"] = [*config["CG_ALLOWED_ORIGINS"], origin]
    config["CG_SOURCES"] = sources
    if config["CG_ENFORCEMENT"] not in ("warn", "block"):
        raise ConfigError(f"enforcement must be 'warn' or 'block', not {config['CG_ENFORCEMENT']!r}")
    return config
