"""Status page and counters: ``GET /status`` (HTML), ``GET /v1/status`` (JSON),
``POST /v1/events`` (extension events, counts only) and ``POST /v1/pause``.

Nothing served or stored here contains the text of a post.

The blueprint reads what the lead's ``create_app`` puts on the app, defensively:

- ``app.extensions["conduct_guard"]``: the Checker (``model_info`` with name/version, ``pack_id``),
  possibly absent when the model failed to load (then ``app.config["CG_MODEL_ERROR"]``);
- ``app.extensions["conduct_guard.stats"]``: a :class:`~conduct_guard.stats.Stats`;
- ``app.config["CG_LOCKED"]``: key -> source path of the settings the machine policy locks;
- ``app.config["CG_SETTINGS"]``: the effective settings (else ``CG_<KEY>`` per key);
- ``app.config["CG_PAUSED_UNTIL"]``: epoch seconds while paused, else None.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import math
import threading
import time
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, Forbidden, UnsupportedMediaType

from . import __version__
from .categories import CATEGORIES, PLAIN_NAMES
from .security import host_is_loopback, origin_allowed
from .stats import EVENT_KINDS, Stats

bp = Blueprint("conduct_guard_status", __name__)

PAUSE_CHOICES = (0, 15, 60)
_pause_lock = threading.Lock()
_START = time.time()

__all__ = [
    "bp",
    "pause",
    "resume",
    "is_paused",
    "paused_until",
    "paused_until_iso",
    "status_dict",
    "get_stats",
    "effective_settings",
    "PAUSE_CHOICES",
]


# --------------------------------------------------------------------------- app state helpers


def get_stats(app: Flask) -> Stats:
    st = app.extensions.get("conduct_guard.stats")
    if st is None:
        st = Stats()
        app.extensions["conduct_guard.stats"] = st
    return st


def _setting_keys() -> list[str]:
    try:
        from .machine_policy import settings_schema

        return list(settings_schema()["properties"])
    except Exception:  # pragma: no cover - schema always ships
        return []


def effective_settings(app: Flask) -> dict:
    eff = app.config.get("CG_SETTINGS")
    if isinstance(eff, dict):
        return dict(eff)
    out: dict[str, Any] = {}
    try:
        from .machine_policy import setting_defaults

        out.update(setting_defaults())
    except Exception:
        pass
    for k in _setting_keys():
        ck = "CG_" + k.upper()
        if ck in app.config:
            out[k] = app.config[ck]
    return out


def _locked(app: Flask) -> dict[str, str]:
    locked = app.config.get("CG_LOCKED") or {}
    return {str(k): str(v) for k, v in dict(locked).items()} if isinstance(locked, dict) else {}


def paused_until(app: Flask) -> float | None:
    until = app.config.get("CG_PAUSED_UNTIL")
    if until is None:
        return None
    try:
        until = float(until)
    except (TypeError, ValueError):
        return None
    if until <= time.time():
        app.config["CG_PAUSED_UNTIL"] = None
        return None
    return until


def is_paused(app: Flask) -> bool:
    return paused_until(app) is not None


def paused_until_iso(app: Flask) -> str | None:
    """When the pause ends, as local ISO 8601 time (None when not paused).

    The one form every answer uses (/v1/health, /v1/check, /v1/pause, /v1/status), so callers
    see the same end. Rounded up to the second: a client that resumes at this time never resumes
    while the service still counts itself paused.
    """
    until = paused_until(app)
    if until is None:
        return None
    return _dt.datetime.fromtimestamp(math.ceil(until)).astimezone().isoformat(timespec="seconds")


def pause_allowed(app: Flask) -> bool:
    return bool(effective_settings(app).get("allow_pause", True))


def pause(app: Flask, minutes: int) -> float | None:
    """Pause checking for ``minutes`` (0 resumes). Returns the new paused-until time or None.

    Raises PermissionError when the machine policy sets ``allow_pause`` to false.
    """
    minutes = int(minutes)
    if minutes <= 0:
        resume(app)
        return None
    if not pause_allowed(app):
        raise PermissionError("pausing is turned off by the machine policy (allow_pause)")
    with _pause_lock:
        until = time.time() + 60 * minutes
        app.config["CG_PAUSED_UNTIL"] = until
    return until


def resume(app: Flask) -> None:
    with _pause_lock:
        app.config["CG_PAUSED_UNTIL"] = None


def _model_status(app: Flask) -> dict:
    checker = app.extensions.get("conduct_guard")
    err = app.config.get("CG_MODEL_ERROR")
    if checker is None:
        return {"status": "error" if err else "not loaded", "error": str(err) if err else None,
                "name": None, "version": None}
    info = getattr(checker, "model_info", None)
    if info is None:
        scorer = getattr(checker, "scorer", None)
        try:
            info = scorer.model_public() if scorer is not None else None
        except Exception:  # a broken scorer must not break the status page
            info = None
    name = getattr(info, "name", None) if info is not None else None
    version = getattr(info, "version", None) if info is not None else None
    if isinstance(info, dict):
        name, version = info.get("name"), info.get("version")
    return {"status": "error" if err else "ok", "error": str(err) if err else None,
            "name": name, "version": version}


def _pack_id(app: Flask, settings: dict) -> str | None:
    checker = app.extensions.get("conduct_guard")
    pid = (getattr(checker, "pack_id", None) or getattr(checker, "default_pack", None)) if checker is not None else None
    return pid or settings.get("pack") or app.config.get("CG_PACK")


def _public_value(key: str, value: Any) -> Any:
    """What the status page shows for a setting (organisation terms are counted, not listed)."""
    if key == "org_terms" and isinstance(value, list):
        return f"{len(value)} term(s)"
    return value


def _machine_policy_path(app: Flask) -> str | None:
    p = app.config.get("CG_MACHINE_POLICY_PATH")
    if p:
        return str(p)
    try:
        from pathlib import Path

        from .machine_policy import default_policy_path

        d = default_policy_path()
        return f"{d}" if Path(str(d)).exists() else f"{d} (not present)"
    except Exception:
        return None


def status_dict(app: Flask) -> dict:
    settings = effective_settings(app)
    locked = _locked(app)
    until = paused_until_iso(app)
    model = _model_status(app)
    state = "error" if model["status"] == "error" else ("paused" if until else "running")
    return {
        "service": {
            "status": state,
            "version": __version__,
            "paused": until is not None,
            "paused_until": until,
            "pause_allowed": bool(settings.get("allow_pause", True)),
            "uptime_s": round(time.time() - app.config.get("CG_STARTED_AT", _START), 1),
            "log_file": app.config.get("CG_LOG_FILE"),
        },
        "model": model,
        "pack": _pack_id(app, settings),
        "settings": {k: _public_value(k, v) for k, v in sorted(settings.items())},
        "locked": {
            k: {"value": _public_value(k, settings.get(k)), "source": src} for k, src in sorted(locked.items())
        },
        "machine_policy": _machine_policy_path(app),
        "today": get_stats(app).snapshot(),
    }


# --------------------------------------------------------------------------- request guard

@bp.before_request
def _guard():
    """The same loopback-Host and Origin rules as the API (security.py), also when this
    blueprint is mounted on its own."""
    if not host_is_loopback(request.host, current_app.config.get("CG_EXTRA_HOSTS") or ()):
        raise Forbidden("requests must be addressed to a loopback host name")
    origin = request.headers.get("Origin")
    if origin is not None and not origin_allowed(origin, current_app.config.get("CG_ALLOWED_ORIGINS") or ()):
        raise Forbidden("this origin may not call the Conduct Guard service")


def _json_body() -> dict:
    if not request.is_json:
        raise UnsupportedMediaType("the body must be JSON (Content-Type: application/json)")
    try:
        data = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):  # RecursionError: hostile nesting
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object")
    return data


# --------------------------------------------------------------------------- routes


@bp.get("/v1/status")
def status_json():
    resp = jsonify(status_dict(current_app))
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/v1/events")
def post_event():
    data = _json_body()
    kind = data.get("event")
    if not isinstance(kind, str) or kind not in EVENT_KINDS:
        raise BadRequest(f"'event' must be one of {', '.join(EVENT_KINDS)}")
    cats = data.get("categories", [])
    if not isinstance(cats, list) or not all(isinstance(c, str) for c in cats):
        raise BadRequest("'categories' must be a list of category ids")
    unknown = [c for c in cats if c not in CATEGORIES]
    if unknown:
        raise BadRequest(f"unknown category id {unknown[0][:40]!r}")
    if len(cats) > len(CATEGORIES):
        raise BadRequest("too many categories")
    site = data.get("site")
    if site is not None and (not isinstance(site, str) or len(site) > 253):
        raise BadRequest("'site' must be a host name")
    # the site is accepted for the contract but not stored: counts are per category only
    get_stats(current_app).record_event(kind, cats)
    return Response(status=204)


@bp.post("/v1/pause")
def post_pause():
    data = _json_body()
    minutes = data.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes not in PAUSE_CHOICES:
        raise BadRequest("'minutes' must be 15, 60 or 0 (resume)")
    try:
        pause(current_app, minutes)
    except PermissionError as e:
        raise Forbidden(str(e)) from None
    s = status_dict(current_app)["service"]
    return jsonify({"paused": s["paused"], "paused_until": s["paused_until"]})


# --------------------------------------------------------------------------- HTML page

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:56rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d8dee4;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.1rem .6rem;border-radius:1rem;color:#fff;font-weight:600}
.running{background:#1a7f37}.paused{background:#9a6700}.error{background:#cf222e}
.muted{color:#57606a}code{font-size:.92em}
"""


def _e(v: Any) -> str:
    if isinstance(v, (list, dict)):
        v = json.dumps(v, ensure_ascii=False)
    elif isinstance(v, bool):
        v = "yes" if v else "no"
    elif v is None:
        v = "—"
    return html.escape(str(v))


def render_status_html(s: dict) -> str:
    svc, model, today = s["service"], s["model"], s["today"]
    rows_locked = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td>{_e(v['value'])}</td><td><code>{_e(v['source'])}</code></td></tr>"
        for k, v in s["locked"].items()
    ) or '<tr><td colspan="3" class="muted">No setting is locked by a machine policy.</td></tr>'
    rows_settings = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td>{_e(v)}</td><td>{'locked' if k in s['locked'] else 'user / default'}</td></tr>"
        for k, v in s["settings"].items()
    )
    cat_rows = "".join(
        "<tr><td>{}</td><td class=num>{}</td>{}</tr>".format(
            _e(PLAIN_NAMES.get(c, c)),
            today["flagged"].get(c, 0),
            "".join(f"<td class=num>{today['by_category'][c][k]}</td>" for k in EVENT_KINDS),
        )
        for c in CATEGORIES
    )
    paused = f" until {_e(svc['paused_until'])}" if svc["paused"] else ""
    model_line = (
        f"{_e(model['name'])} {_e(model['version'])}"
        if model["status"] == "ok"
        else f"<span class='badge error'>{_e(model['status'])}</span> {_e(model['error'])}"
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="15">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>Conduct Guard status</title><style>{_CSS}</style></head>
<body>
<h1>Conduct Guard <span class="badge {_e(svc['status'])}" id="state">{_e(svc['status'])}</span></h1>
<p class="muted">Service {_e(svc['version'])}{paused}. This page shows counts only; it never shows the text of any post.</p>
<h2>Service and model</h2>
<table>
<tr><th>Model</th><td id="model">{model_line}</td></tr>
<tr><th>Policy pack</th><td id="pack"><code>{_e(s['pack'])}</code></td></tr>
<tr><th>Pausing</th><td>{'allowed' if svc['pause_allowed'] else 'turned off by IT'}</td></tr>
<tr><th>Machine policy</th><td><code>{_e(s['machine_policy'])}</code></td></tr>
<tr><th>Log file</th><td><code>{_e(svc['log_file'])}</code></td></tr>
</table>
<h2>Locked settings</h2>
<table id="locked"><tr><th>Setting</th><th>Value</th><th>Set by</th></tr>{rows_locked}</table>
<h2>Today ({_e(today['date'])})</h2>
<table id="today">
<tr><th>Checks</th><td class=num>{today['checks']}</td><th>Warnings shown</th><td class=num>{today['warnings']}</td></tr>
<tr><th>Edited after a warning</th><td class=num>{today['edits']}</td><th>Posted anyway (overrides)</th><td class=num>{today['overrides']}</td></tr>
<tr><th>Marked "not a problem"</th><td class=num>{today['not_a_problem']}</td><th>Verdicts ok / warn / block</th><td class=num>{today['verdicts']['ok']} / {today['verdicts']['warn']} / {today['verdicts']['block']}</td></tr>
<tr><th>Ignored for a post</th><td class=num>{today['ignored']}</td><th>Boxes taken out of checking</th><td class=num>{today['opted_out']}</td></tr>
</table>
<h2>By category (today)</h2>
<table id="categories"><tr><th>Category</th><th class=num>flagged</th><th class=num>warnings</th><th class=num>edited</th><th class=num>overrides</th><th class=num>not a problem</th><th class=num>ignored</th><th class=num>boxes unchecked</th></tr>{cat_rows}</table>
<h2>All settings</h2>
<table id="settings"><tr><th>Setting</th><th>Value</th><th>Source</th></tr>{rows_settings}</table>
</body></html>
"""


@bp.get("/status")
def status_html():
    body = render_status_html(status_dict(current_app))
    resp = Response(body, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    resp.headers["X-Frame-Options"] = "DENY"
    return resp
