"""The status page's buttons: Pause 15 minutes / Pause 1 hour / Resume, and Quit where the tray
runs the service. Where the tray has no menu (pystray's plain-X backend), a click on its icon
opens this page, so these buttons are how the officer pauses or quits there.

They are plain HTML forms (the page's Content-Security-Policy allows no script), answered with
a 303 back to the page, or, for Quit, with a page that says Conduct Guard has stopped; the tray
then stops the service and its icon (``ServiceState.on_quit``).

Who may press them, checked here for each POST (the app's guard has already refused a
non-loopback Host and a foreign Origin, api.register_guards):

- the ``Origin`` must be the page's own (security.origin_is_own). Browsers send an Origin with
  every form POST, so a form on a web page (its own origin) or in a ``file:`` or sandboxed page
  (``null``) is refused, and so is a POST that sends none;
- the browser must hold the page's cookie (auth.py), which only the one-time link that the
  tray or ``conduct-guard status --open`` opens gives: another local user's browser, or a page
  typed in by hand, sees no buttons and may not press them.
"""

from __future__ import annotations

import html
import logging
import threading

from flask import Blueprint, Flask, Response, current_app, redirect, request
from werkzeug.exceptions import BadRequest, Forbidden, NotFound

from .auth import STATUS_COOKIE, public
from .security import origin_is_own
from .service_strings import LANGS, direction, pause_label, t
from .state import PAUSE_MINUTES, ServiceState, service_state

bp = Blueprint("conduct_guard_status_controls", __name__)
log = logging.getLogger("conduct_guard")

CONTROLS_CSS = """
.controls{display:flex;flex-wrap:wrap;gap:.5rem;margin:1rem 0}.controls form{display:inline}
.controls button{font:inherit;padding:.35rem .9rem;border:1px solid #8c959f;border-radius:.4rem;background:#f6f8fa;cursor:pointer}
.controls button.quit{border-color:#cf222e;color:#a40e26}
"""

__all__ = ["bp", "controls_html", "CONTROLS_CSS", "may_press"]


def may_press(app: Flask) -> bool:
    """This request comes from the status page itself, in a browser that holds the page's cookie."""
    credentials = service_state(app).credentials
    return (origin_is_own(request.headers.get("Origin"), request.host)
            and credentials is not None and credentials.cookie_valid(request.cookies.get(STATUS_COOKIE)))


def controls_html(state: ServiceState, lang: str) -> str:
    """The buttons for a page shown in ``lang`` (the language rides along, so the page comes
    back in it)."""
    lang_field = f'<input type="hidden" name="lang" value="{html.escape(lang)}">'

    def button(action: str, label: str, name: str = "", value: str = "", css: str = "") -> str:
        named = f' name="{name}" value="{value}"' if name else ""
        cls = f' class="{css}"' if css else ""
        return (f'<form method="post" action="/status/{action}">{lang_field}'
                f'<button type="submit"{named}{cls}>{html.escape(label)}</button></form>')

    buttons = []
    if state.pause_allowed():
        buttons += [button("pause", pause_label(m, lang), "minutes", str(m)) for m in PAUSE_MINUTES]
    if state.is_paused():
        buttons.append(button("pause", t(lang, "resume"), "minutes", "0"))
    if state.on_quit is not None:
        buttons.append(button("quit", t(lang, "quit_service"), css="quit"))
    return f'<div class="controls" id="controls">{"".join(buttons)}</div>' if buttons else ""


def _form_lang() -> str | None:
    lang = request.form.get("lang")
    return lang if lang in LANGS else None


def _refuse_unless_allowed() -> ServiceState:
    if not may_press(current_app):
        raise Forbidden("only the status page opened from the tray (or `conduct-guard status --open`) may do this")
    return service_state(current_app)


@bp.post("/status/pause")
@public  # no token header (a form cannot send one): the page's own origin and cookie instead
def pause_from_page():
    state = _refuse_unless_allowed()
    minutes = request.form.get("minutes", "")
    if minutes not in {"0", *map(str, PAUSE_MINUTES)}:
        raise BadRequest(f"'minutes' must be {', '.join(map(str, PAUSE_MINUTES))} or 0 (resume)")
    try:
        state.pause(int(minutes))
    except PermissionError as exc:
        raise Forbidden(str(exc)) from None
    if minutes == "0":
        log.info("resumed from the status page")
    else:
        log.info("paused for %s minutes from the status page", minutes)
    lang = _form_lang()
    resp = redirect("/status" + (f"?lang={lang}" if lang else ""), code=303)
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.post("/status/quit")
@public  # as above
def quit_from_page():
    state = _refuse_unless_allowed()
    on_quit = state.on_quit
    if on_quit is None:
        raise NotFound("Quit is offered where the tray runs the service (`conduct-guard serve` stops with Ctrl+C)")
    lang = _form_lang() or "en"
    body = (f'<!doctype html><html lang="{lang}" dir="{direction(lang)}"><head><meta charset="utf-8">'
            f'<title>{html.escape(t(lang, "page_title"))}</title></head><body>'
            f'<p id="stopped">{html.escape(t(lang, "stopped", command="conduct-guard tray"))}</p></body></html>')
    resp = Response(body, mimetype="text/html")
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["Content-Security-Policy"] = "default-src 'none'"
    log.info("quit from the status page")
    # after the answer is handed to the server (the runner waits until it is sent), from a thread
    # of its own: stopping the server waits for this request's worker to finish
    resp.call_on_close(lambda: threading.Thread(target=on_quit, name="conduct-guard-quit", daemon=True).start())
    return resp
