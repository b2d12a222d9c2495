"""The HTTP API of CONTRACT.md: one blueprint that returns dicts, one error handler.

This layer never touches the model: it validates requests, calls the Checker of the app's
:class:`~conduct_guard.service.state.ServiceState` and logs only lengths, verdicts, categories and times.
"""

from __future__ import annotations

import json
import logging
import time
from typing import Any

from flask import Blueprint, Flask, Request, current_app, g, request
from flask_cors import CORS
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from .. import __version__
from ..checker import CheckRequest, Checker, RequestError
from .auth import TOKEN_HEADER, public
from ..rules.moderation import ModerateRequest
from .security import host_is_loopback, origin_allowed, origin_is_own, origin_pattern_regex
from .state import ServiceState, service_state

bp = Blueprint("conduct_guard_api", __name__, url_prefix="/v1")
request_log = logging.getLogger("conduct_guard.requests")

_ERROR_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
    413: "too_large", 415: "unsupported_media_type", 429: "too_many_requests", 503: "unavailable",
}


class ApiError(HTTPException):
    """An error with a machine-readable code of our own (e.g. 'unknown_pack')."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(description=message)
        self.code = status
        self.api_code = code


def state() -> ServiceState:
    return service_state(current_app)


def checker() -> Checker:
    return state().checker


def client_key(req: Request) -> str:
    """Who is asking, for the scorer's cache: a client's checks reuse only its own cached pieces,
    so no client can time another's (issue 24, point 4). A caller with this user's token
    (Conduct Guard's own extension, which sends it on its checks once it holds it, in any
    browser) is one client; any other by its Origin, or one key for all no-Origin callers
    (CLI-style scripts). An Origin alone proves little: another local user can send the Chrome
    extension's public origin, but not the token. The prefixes keep an Origin from naming
    another key."""
    if service_state(current_app).credentials.matches(req.headers.get(TOKEN_HEADER)):
        return "token"
    origin = req.headers.get("Origin")
    return "no-origin" if origin is None else f"origin {origin}"


# -- request guards -------------------------------------------------------------

def register_guards(app: Flask) -> None:
    """Every request: a loopback Host, and no Origin or a well-formed allowed one (403).
    Every route not marked :func:`~conduct_guard.service.auth.public` also takes this user's token
    (401): pausing, events and counters. A new route is closed until it is marked public, so
    only checking text (check, moderate, health, packs) is open to any local caller."""
    CORS(app, resources={r"/v1/*": {"origins": [origin_pattern_regex(o) for o in app.config["CG_ALLOWED_ORIGINS"]]}},
         allow_headers=["Content-Type", TOKEN_HEADER], methods=["GET", "POST", "OPTIONS"], max_age=600)

    @app.before_request
    def refuse_foreign_callers():
        g.started = time.perf_counter()
        if not host_is_loopback(request.host, service_state(app).extra_hosts):
            raise ApiError(403, "forbidden_host", "this service answers only to loopback host names")
        origin = request.headers.get("Origin")
        if origin is not None and not (origin_allowed(origin, app.config["CG_ALLOWED_ORIGINS"])
                                       or origin_is_own(origin, request.host)):  # the status page's forms
            raise ApiError(403, "forbidden_origin", "this origin is not allowed to use the service")
        view = app.view_functions.get(request.endpoint) if request.endpoint else None
        if view is None or request.method == "OPTIONS" or getattr(view, "conduct_guard_public", False):
            return  # 404/405 as usual; a CORS preflight carries no credentials
        given = request.headers.get(TOKEN_HEADER)
        if not service_state(app).credentials.matches(given):
            raise ApiError(401, "bad_token" if given else "token_required",
                           ("the token is not this user's" if given else "this request needs the token")
                           + f": send this user's service token in the {TOKEN_HEADER} header (the extension gets it"
                           " from the native messaging host that `conduct-guard setup` installs)")

    @app.after_request
    def allow_private_network(response):
        # Chrome's Private Network Access preflight asks this of loopback services
        if request.headers.get("Access-Control-Request-Private-Network") == "true" and request.headers.get("Origin"):
            response.headers["Access-Control-Allow-Private-Network"] = "true"
        return response


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        code = getattr(exc, "api_code", None) or _ERROR_CODES.get(status, "error")
        message = exc.description or exc.name
        if isinstance(exc, RequestEntityTooLarge):
            message = f"request body is over {app.config['MAX_CONTENT_LENGTH'] // 1024} KiB"
        response = {"error": {"code": code, "message": message}}, status
        if status == 405 and getattr(exc, "valid_methods", None):
            return response[0], status, {"Allow": ", ".join(exc.valid_methods)}
        return response

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        # never the request body or the text: only the type of the failure
        app.logger.error("unexpected %s on %s %s", type(exc).__name__, request.method, request.path)
        return {"error": {"code": "internal", "message": "the service could not check this request"}}, 500


# -- routes ---------------------------------------------------------------------

def _json_object() -> dict[str, Any]:
    if request.mimetype != "application/json":
        raise ApiError(415, "unsupported_media_type", "send the body as Content-Type: application/json")
    length = request.content_length
    if length is not None and length > current_app.config["MAX_CONTENT_LENGTH"]:
        raise RequestEntityTooLarge()
    try:
        data = json.loads(request.get_data(cache=False))
    except (ValueError, RecursionError):  # RecursionError: hostile nesting like [[[[...]]]]
        raise ApiError(400, "malformed_json", "the body is not valid JSON") from None
    if not isinstance(data, dict):
        raise ApiError(400, "bad_request", "the body must be a JSON object")
    return data


def parse_check_request(data: dict) -> CheckRequest:
    try:
        return CheckRequest.from_mapping(data, checker().packs)
    except RequestError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None


@bp.get("/health")
@public
def health():
    app, service = current_app, state()
    until = service.paused_until_iso()
    return {
        "status": "ok",
        "version": __version__,
        "model": service.checker.scorer.model_public(),
        "pack": service.pack,
        # The one pause state (tray, status page, extension): the extension polls this and
        # stops checking and holding until `paused_until` or until it reads `paused: false`.
        "paused": until is not None,
        "paused_until": until,
        "policy": {
            "enforcement": app.config["CG_ENFORCEMENT"],
            "allow_override": app.config["CG_ALLOW_OVERRIDE"],
            "require_reason": app.config["CG_REQUIRE_REASON"],
            "fail_closed": app.config["CG_FAIL_CLOSED"],
            "locked": sorted(app.config.get("CG_LOCKED") or {}),
        },
    }


@bp.post("/check")
@public
def check():
    check_request = parse_check_request(_json_object())
    service = state()
    result = service.checker.check_many([check_request], client_key(request))[0]
    until = service.paused_until_iso()
    if until is not None:
        # Paused: the result is still given (scripts and the CLI rely on it), and says so, so a
        # client that has not yet seen the pause on /v1/health neither shows nor enforces it.
        # Only added while paused: outside a pause a result is exactly as before.
        result["paused"] = True
        result["paused_until"] = until
    service.stats.record_check(
        result["verdict"], [f["category"] for f in result["findings"]])
    request_log.info("check chars=%d verdict=%s categories=%s elapsed_ms=%.1f",
                     len(check_request.text), result["verdict"],
                     ",".join(sorted({f["category"] for f in result["findings"]})) or "-",
                     (time.perf_counter() - g.started) * 1000)
    return result


@bp.post("/moderate")
@public
def moderate():
    """Moderation assist: the visible messages of a group or page the officer moderates
    (moderation.py). Answered while paused too, like a check; the extension does not ask then."""
    service = state()
    try:
        moderate_request = ModerateRequest.from_mapping(_json_object(), service.checker.packs)
    except RequestError as exc:
        raise ApiError(exc.status, exc.code, str(exc)) from None
    answer = service.checker.moderate(moderate_request, client_key(request))
    service.stats.record_moderation([r["categories"] for r in answer["results"]])
    request_log.info("moderate messages=%d flagged=%d elapsed_ms=%.1f", len(answer["results"]),
                     sum(r["flagged"] for r in answer["results"]), (time.perf_counter() - g.started) * 1000)
    return answer


@bp.get("/packs")
@public
def packs():
    return {"default": state().pack,
            "packs": [pack.to_dict() for _, pack in sorted(checker().packs.items())]}
