"""Status page and counters: ``GET /status`` (HTML), ``GET /v1/status`` (JSON),
``POST /v1/events`` (extension events, counts only) and ``POST /v1/pause``.

Nothing served or stored here contains the text of a post.

What it shows comes from what ``create_app`` really sets: the app's
:class:`~conduct_guard.state.ServiceState` (the checker with its scorer and default pack, the
counters, the pause, start time and log file) and ``app.config`` (the effective settings, one
``CG_*`` key per setting of config.SETTING_KEYS, and ``CG_LOCKED``: key -> the machine policy
file that locks it). The loopback-Host and Origin guards are the app's (api.register_guards).
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from werkzeug.exceptions import BadRequest, Forbidden, UnsupportedMediaType

from . import __version__
from .categories import CATEGORIES, PLAIN_NAMES
from .config import SETTING_KEYS
from .machine_policy import default_policy_path, setting_defaults
from .state import PAUSE_MINUTES, service_state
from .stats import EVENT_KINDS

bp = Blueprint("conduct_guard_status", __name__)

__all__ = ["bp", "status_dict", "effective_settings", "render_status_html"]


# --------------------------------------------------------------------------- what the page shows


def effective_settings(app: Flask) -> dict:
    """Every setting of the schema: the service's own from the config, the pack in use from the
    state (the tray may have switched it), the extension's at their defaults."""
    settings = setting_defaults()
    settings.update({key: app.config[config_key] for key, config_key in SETTING_KEYS.items()
                     if config_key in app.config})
    settings["pack"] = service_state(app).pack
    return settings


def _model_status(app: Flask) -> dict:
    info = service_state(app).checker.scorer.model_public()
    return {"status": "ok", "error": None, "name": info.get("name"), "version": info.get("version")}


def _public_value(key: str, value: Any) -> Any:
    """What the status page shows for a setting (organisation terms are counted, not listed)."""
    if key == "org_terms" and isinstance(value, list):
        return f"{len(value)} term(s)"
    return value


def _machine_policy_path() -> str:
    path = default_policy_path()
    return str(path) if Path(str(path)).exists() else f"{path} (not present)"


def status_dict(app: Flask) -> dict:
    state = service_state(app)
    settings = effective_settings(app)
    locked = {str(k): str(v) for k, v in (app.config.get("CG_LOCKED") or {}).items()}
    until = state.paused_until_iso()
    return {
        "service": {
            "status": "paused" if until else "running",
            "version": __version__,
            "paused": until is not None,
            "paused_until": until,
            "pause_allowed": state.pause_allowed(),
            "uptime_s": round(state.uptime_s(), 1),
            "log_file": state.log_file,
        },
        "model": _model_status(app),
        "pack": state.pack,
        "settings": {k: _public_value(k, v) for k, v in sorted(settings.items())},
        "locked": {
            k: {"value": _public_value(k, settings.get(k)), "source": src} for k, src in sorted(locked.items())
        },
        "machine_policy": _machine_policy_path(),
        "today": state.stats.snapshot(),
    }


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
    service_state(current_app).stats.record_event(kind, cats)
    return Response(status=204)


@bp.post("/v1/pause")
def post_pause():
    data = _json_body()
    minutes = data.get("minutes")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or minutes not in (0, *PAUSE_MINUTES):
        raise BadRequest(f"'minutes' must be {', '.join(map(str, PAUSE_MINUTES))} or 0 (resume)")
    state = service_state(current_app)
    try:
        state.pause(minutes)
    except PermissionError as e:
        raise Forbidden(str(e)) from None
    until = state.paused_until_iso()
    return jsonify({"paused": until is not None, "paused_until": until})


# --------------------------------------------------------------------------- HTML page

_CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2rem auto;max-width:56rem;padding:0 1rem;color:#1b1f24}
h1{font-size:1.5rem;margin:0 0 .2rem}h2{font-size:1.1rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d8dee4;padding:.3rem .5rem;text-align:left;vertical-align:top}
th{background:#f6f8fa}.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;padding:.1rem .6rem;border-radius:1rem;color:#fff;font-weight:600}
.running{background:#1a7f37}.paused{background:#9a6700}
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
    model_line = f"{_e(model['name'])} {_e(model['version'])}"
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
