"""Status page and counters: ``GET /status`` (HTML), ``GET /v1/status`` (JSON),
``POST /v1/events`` (extension events, counts only) and ``POST /v1/pause``.

The HTML page is in the officer's language (issue 23; words in service_strings.py): ``?lang=xx``,
else the browser's Accept-Language, else the configured ``ui_language``, else English; Urdu pages
are right to left, and counts use Bengali / Gujarati digits for bn / gu. The JSON stays English.

Nothing served or stored here contains the text of a post.

What it shows comes from what ``create_app`` really sets: the app's
:class:`~conduct_guard.service.state.ServiceState` (the checker with its scorer and default pack, the
counters, the pause, start time and log file) and ``app.config`` (the effective settings, one
``CG_*`` key per setting of config.SETTING_KEYS, and ``CG_LOCKED``: key -> the machine policy
file that locks it). The loopback-Host and Origin guards are the app's (api.register_guards),
and so is the token that ``/v1/status``, ``/v1/events`` and ``/v1/pause`` take (auth.py). The HTML
page is open to any local browser, but shows today's counts only to one holding the page's cookie,
which a one-time link from the tray or ``conduct-guard status --open`` gives.
"""

from __future__ import annotations

import datetime as _dt
import html
import json
import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, redirect, request
from werkzeug.exceptions import BadRequest, Forbidden, UnsupportedMediaType

from .. import __version__
from .auth import STATUS_COOKIE, STATUS_TICKET_PARAM, TOKEN_HEADER, public
from ..categories import CATEGORIES
from ..settings.config import SETTING_KEYS
from .service_strings import LANGS, NATIVE_NAMES, direction, lang_from_accept_language, number, pick_lang, t
from ..settings.machine_policy import default_policy_path, setting_defaults
from .state import PAUSE_MINUTES, service_state
from .stats import EVENT_KINDS
from .status_controls import CONTROLS_CSS, controls_html

bp = Blueprint("conduct_guard_status", __name__)

__all__ = ["bp", "status_dict", "effective_settings", "render_status_html", "choose_lang"]


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
[dir=rtl] td,[dir=rtl] th{text-align:right}[dir=rtl] .num{text-align:left}
code{unicode-bidi:isolate;direction:ltr}
""" + CONTROLS_CSS


def _e(v: Any, lang: str = "en") -> str:
    if isinstance(v, (list, dict)):
        v = json.dumps(v, ensure_ascii=False)
    elif isinstance(v, bool):
        v = t(lang, "yes" if v else "no")
    elif v is None:
        v = "—"
    return html.escape(str(v))


_ORG_TERMS = re.compile(r"^(\d+) term\(s\)$")
_NOT_PRESENT = " (not present)"


def _setting_html(key: str, value: Any, lang: str) -> str:
    """A setting's value on the page: the organisation terms' count in the page's language."""
    m = _ORG_TERMS.match(value) if key == "org_terms" and isinstance(value, str) else None
    if m:
        return html.escape(t(lang, "org_terms", count=int(m.group(1))))
    return _e(value, lang)


def _until_html(iso: str | None, lang: str) -> str:
    """The end of a pause as the local time (HH:MM) in the page's digits, the full time in
    ``<time datetime>``."""
    try:
        shown = _dt.datetime.fromisoformat(str(iso)).strftime("%H:%M")
    except ValueError:
        shown = str(iso)
    return f'<time datetime="{_e(iso)}">{html.escape(number(shown, lang))}</time>'


def choose_lang(app: Flask, query: str | None, accept_language: str | None) -> str:
    """The page's language: ``?lang=xx``, else the browser's Accept-Language, else the configured
    ``ui_language`` (the officer's file or IT's policy), else English. Unknown values are skipped."""
    return pick_lang([query, lang_from_accept_language(accept_language), app.config.get("CG_UI_LANGUAGE")])


def _counters_html(today: dict, tr, n, lang: str) -> str:
    """Today's counts and the counts per category (what only an authorised page shows)."""
    v = today["verdicts"]
    mod = today["moderation"]  # moderation assist: counts of others' messages, never their text
    cat_rows = "".join(
        "<tr><td>{}</td><td class=num>{}</td>{}</tr>".format(
            tr(f"cat_{c}"),
            n(today["flagged"].get(c, 0)),
            "".join(f"<td class=num>{n(today['by_category'][c][k])}</td>" for k in EVENT_KINDS)
            + f"<td class=num>{n(mod['by_category'].get(c, 0))}</td>",
        )
        for c in CATEGORIES
    )
    cat_heads = "".join(f"<th class=num>{tr('col_' + k)}</th>" for k in EVENT_KINDS)
    cat_heads += f"<th class=num>{tr('col_moderated')}</th>"
    return f"""<h2>{tr('h_today', date=number(today['date'], lang))}</h2>
<table id="today">
<tr><th>{tr('checks')}</th><td class=num>{n(today['checks'])}</td><th>{tr('warnings')}</th><td class=num>{n(today['warnings'])}</td></tr>
<tr><th>{tr('edits')}</th><td class=num>{n(today['edits'])}</td><th>{tr('overrides')}</th><td class=num>{n(today['overrides'])}</td></tr>
<tr><th>{tr('not_a_problem')}</th><td class=num>{n(today['not_a_problem'])}</td><th>{tr('verdicts')}</th><td class=num>{n(v['ok'])} / {n(v['warn'])} / {n(v['block'])}</td></tr>
<tr><th>{tr('ignored')}</th><td class=num>{n(today['ignored'])}</td><th>{tr('opted_out')}</th><td class=num>{n(today['opted_out'])}</td></tr>
</table>
<h2>{tr('h_categories')}</h2>
<table id="categories"><tr><th>{tr('col_category')}</th><th class=num>{tr('col_flagged')}</th>{cat_heads}</tr>{cat_rows}</table>
<h2>{tr('h_moderation')}</h2>
<table id="moderation"><tr><th>{tr('mod_checked')}</th><td class=num>{n(mod['checked'])}</td><th>{tr('mod_flagged')}</th><td class=num>{n(mod['flagged'])}</td></tr></table>"""


def render_status_html(s: dict, lang: str = "en", controls: str = "") -> str:
    """The page; without ``s["today"]`` (a browser not authorised for the counts) it says how to
    see them instead."""
    if lang not in LANGS:
        lang = "en"

    def tr(key: str, **values: Any) -> str:
        return html.escape(t(lang, key, **values))

    def n(value: Any) -> str:
        return html.escape(number(value, lang))

    svc, model, today = s["service"], s["model"], s.get("today")
    rows_locked = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td>{_setting_html(k, v['value'], lang)}</td>"
        f"<td><code>{_e(v['source'])}</code></td></tr>"
        for k, v in s["locked"].items()
    ) or f'<tr><td colspan="3" class="muted">{tr("no_locked")}</td></tr>'
    rows_settings = "".join(
        f"<tr><td><code>{_e(k)}</code></td><td>{_setting_html(k, v, lang)}</td>"
        f"<td>{tr('source_locked') if k in s['locked'] else tr('source_user')}</td></tr>"
        for k, v in s["settings"].items()
    )
    counters = _counters_html(today, tr, n, lang) if today is not None else (
        f'<p class="muted" id="counts-hidden">'
        f'{tr("counts_hidden", open=t(lang, "open_status"), command="conduct-guard status --open")}</p>')
    version = html.escape(str(svc["version"]))
    if svc["paused"]:
        # the translation is escaped, then the pieces (already HTML) go into its placeholders
        intro = html.escape(t(lang, "intro_paused", version="{version}", until="{until}"))
        intro = intro.replace("{version}", version).replace("{until}", _until_html(svc["paused_until"], lang))
    else:
        intro = html.escape(t(lang, "intro_running", version="{version}")).replace("{version}", version)
    policy = str(s["machine_policy"])
    policy_html = (f"<code>{_e(policy[:-len(_NOT_PRESENT)])}</code> {tr('not_present')}"
                   if policy.endswith(_NOT_PRESENT) else f"<code>{_e(policy)}</code>")
    langs = " · ".join(
        f'<a href="?lang={code}" lang="{code}" dir="{direction(code)}"'
        f'{" aria-current=true" if code == lang else ""}>{html.escape(NATIVE_NAMES[code])}</a>'
        for code in LANGS)
    model_line = f"{_e(model['name'])} {_e(model['version'])}"
    return f"""<!doctype html>
<html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8"><meta http-equiv="refresh" content="15">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>{tr('page_title')}</title><style>{_CSS}</style></head>
<body>
<h1>Conduct Guard <span class="badge {_e(svc['status'])}" id="state">{tr('state_' + svc['status'])}</span></h1>
<p class="muted">{intro} {tr('counts_only')}</p>
<p class="muted" id="languages">{tr('language')}: {langs}</p>
{controls}
<h2>{tr('h_service')}</h2>
<table>
<tr><th>{tr('model')}</th><td id="model" dir="ltr">{model_line}</td></tr>
<tr><th>{tr('pack')}</th><td id="pack"><code>{_e(s['pack'])}</code></td></tr>
<tr><th>{tr('pausing')}</th><td>{tr('pause_allowed') if svc['pause_allowed'] else tr('pause_off')}</td></tr>
<tr><th>{tr('machine_policy')}</th><td>{policy_html}</td></tr>
<tr><th>{tr('log_file')}</th><td><code>{_e(svc['log_file'])}</code></td></tr>
</table>
<h2>{tr('h_locked')}</h2>
<table id="locked"><tr><th>{tr('col_setting')}</th><th>{tr('col_value')}</th><th>{tr('col_set_by')}</th></tr>{rows_locked}</table>
{counters}
<h2>{tr('h_settings')}</h2>
<table id="settings"><tr><th>{tr('col_setting')}</th><th>{tr('col_value')}</th><th>{tr('col_source')}</th></tr>{rows_settings}</table>
</body></html>
"""


def _page_may_show_counts() -> bool:
    """The page's cookie (from a one-time link), or the token itself (a local script)."""
    credentials = service_state(current_app).credentials
    return (credentials.cookie_valid(request.cookies.get(STATUS_COOKIE))
            or credentials.matches(request.headers.get(TOKEN_HEADER)))


@bp.get("/status")
@public  # the page itself; its counts only with the cookie or the token (below)
def status_html():
    ticket = request.args.get(STATUS_TICKET_PARAM)
    if ticket is not None:
        # The tray's (or `conduct-guard status --open`'s) one-time link: trade it for the page's
        # cookie and show the page at its plain address, so the link is useless in the history.
        credentials = service_state(current_app).credentials
        target = "/status" + (f"?lang={request.args['lang']}" if request.args.get("lang") in LANGS else "")
        resp = redirect(target, code=303)
        resp.headers["Cache-Control"] = "no-store"
        if credentials.redeem_ticket(ticket):
            value, max_age = credentials.page_cookie()
            resp.set_cookie(STATUS_COOKIE, value, max_age=max_age, path="/status", httponly=True, samesite="Strict")
        return resp
    lang = choose_lang(current_app, request.args.get("lang"), request.headers.get("Accept-Language"))
    shown = status_dict(current_app)
    authorised = _page_may_show_counts()
    if not authorised:
        del shown["today"]
    controls = controls_html(service_state(current_app), lang) if authorised else ""  # its buttons too
    body = render_status_html(shown, lang, controls)
    resp = Response(body, mimetype="text/html")
    resp.headers["Content-Language"] = lang
    resp.headers["Vary"] = "Accept-Language"
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'"
    resp.headers["X-Frame-Options"] = "DENY"
    return resp
