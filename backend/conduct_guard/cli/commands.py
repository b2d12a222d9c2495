"""The ``conduct-guard`` command: a thin click group over the library."""

from __future__ import annotations

import json
import logging
import sys
from typing import IO, Any

import click

from .. import __version__
from ..checker import LANGS, MAX_TEXT_CHARS, CheckRequest, RequestError
from ..settings.config import DEFAULT_HOST, DEFAULT_PORT, ConfigError
from ..engine.modelinfo import ModelError
from ..rules.pack import ACCOUNTS, DEFAULT_ACCOUNT, PackError
from ..service.security import address_is_loopback
from ..service.state import PAUSE_MINUTES

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}
USER_ERRORS = (ModelError, ConfigError, PackError, RequestError, OSError)
BATCH = 64


def _fail(exc: Exception) -> click.ClickException:
    return click.ClickException(str(exc))


def _create_app(**overrides: Any):
    from ..service.app import create_app

    config = {k: v for k, v in overrides.items() if v is not None}
    try:
        return create_app(config)
    except USER_ERRORS as exc:
        raise _fail(exc) from None


def _dump(result: dict) -> str:
    # ASCII escapes keep the output valid even for ids holding lone surrogates
    return json.dumps(result, ensure_ascii=True)


@click.group(context_settings=CONTEXT)
@click.version_option(__version__, "-V", "--version", prog_name="conduct-guard")
@click.option("-v", "--verbose", is_flag=True, help="Log more (never the text of a post).")
def main(verbose: bool) -> None:
    """Conduct Guard: check a social-media post against the conduct rules before posting."""
    logging.basicConfig(level=logging.DEBUG if verbose else logging.INFO, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


pack_option = click.option("--pack", envvar="CONDUCT_GUARD_PACK", metavar="ID",
                           help="Policy pack (see `conduct-guard packs`).")
model_option = click.option("--model-dir", envvar="CONDUCT_GUARD_MODEL_DIR", metavar="DIR",
                            type=click.Path(file_okay=False), help="Use another model folder.")


@main.command()
@click.option("--host", default=DEFAULT_HOST, show_default=True, envvar="CONDUCT_GUARD_HOST",
              help="Address to bind (loopback unless you mean otherwise).")
@click.option("--port", default=DEFAULT_PORT, show_default=True, envvar="CONDUCT_GUARD_PORT",
              type=click.IntRange(0, 65535))
@pack_option
@model_option
def serve(host: str, port: int, pack: str | None, model_dir: str | None) -> None:
    """Run the local service in the foreground until Ctrl+C / SIGTERM."""
    from ..service.server import serve as run_server
    from ..service.state import service_state

    app = _create_app(CG_PACK=pack, CG_MODEL_DIR=model_dir)
    if not address_is_loopback(host):
        # told otherwise: answer to the bound address too, and say so loudly
        service_state(app).extra_hosts = (host.strip("[]").lower(),) if host not in ("0.0.0.0", "::") else ()
        logging.getLogger("conduct_guard").warning(
            "listening on %s, not only loopback: other machines can reach this service", host)
    try:
        run_server(app, host, port)
    except OSError as exc:
        raise click.ClickException(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _readable(text: str, result: dict) -> str:
    """The verdict, then per finding: severity, category, rule and the flagged sentence(s)."""
    verdict = {"ok": "OK: nothing found", "warn": "WARNING: check before posting",
               "block": "NOT ALLOWED: your rules forbid this post"}[result["verdict"]]
    lines = [verdict]
    for f in result["findings"]:
        rule = f["rule"]
        lines.append(f"- {f['severity']}: {f['category']} ({f['score']:.2f}) - {rule['ref']}, {rule['title']} "
                     f"[{rule['pack']}]")
        lines.append(f"  {f['message']}")
        for start, end in f["spans"]:
            lines.append(f"  > {' '.join(text[start:end].split())}")
    return "\n".join(lines)


def _no_constant(name: str):
    # NaN and Infinity are not JSON: echoed back as an id they would make the output invalid JSON
    raise ValueError(f"not valid JSON ({name} is not a JSON number)")


def _parse_line(line: str, packs) -> tuple[CheckRequest, Any] | None:
    """One JSONL input line → request; ValueError naming the problem (the caller adds the line)."""
    if not line.strip():
        return None
    try:
        item = json.loads(line, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:  # hostile nesting like [[[[...]]]]
        raise ValueError("not valid JSON (nested too deeply)") from None
    if not isinstance(item, dict):
        raise ValueError("expected a JSON object")
    if "id" in item and isinstance(item["id"], (dict, list)):
        raise ValueError("'id' must be a string or a number")
    return CheckRequest.from_mapping(item, packs), item.get("id")


def _read_jsonl(stream: IO[str], packs) -> list[tuple[CheckRequest, Any]]:
    """All requests, or a UsageError-like exit naming the first bad line (nothing printed yet)."""
    items = []
    for number, line in enumerate(stream, start=1):
        if number == 1:
            line = line.removeprefix("\ufeff")  # a UTF-8 byte-order mark, as Windows editors write
        try:
            parsed = _parse_line(line, packs)
        except ValueError as exc:
            click.echo(f"conduct-guard: line {number}: {exc}", err=True)
            sys.exit(2)
        if parsed is not None:
            items.append(parsed)
    return items


@main.command()
@click.argument("text", required=False)
@click.option("--jsonl", "jsonl", type=click.File("r", encoding="utf-8", errors="surrogateescape"),
              metavar="FILE", help="Check JSON lines ({\"text\", \"id\"?, \"site\"?, \"account\"?, \"pack\"?, \"lang\"?}); - for stdin.")
@click.option("--account", type=click.Choice(ACCOUNTS), default=DEFAULT_ACCOUNT, show_default=True)
@click.option("--site", metavar="HOST", help="Site the post is for, e.g. x.com.")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the findings' messages and rule titles (English where a pack lacks it).")
@click.option("--format", "output_format", type=click.Choice(["json", "text"]), default="json", show_default=True,
              help="json: the contract's result; text: the verdict and each finding with its rule and sentence.")
@pack_option
@model_option
def check(text: str | None, jsonl: IO[str] | None, account: str, site: str | None, lang: str,
          output_format: str, pack: str | None, model_dir: str | None) -> None:
    """Check TEXT (or stdin) and print the result as JSON; or many posts with --jsonl."""
    if text is not None and jsonl is not None:
        raise click.UsageError("give TEXT or --jsonl, not both")
    if text is None and jsonl is None and sys.stdin.isatty():
        raise click.UsageError("give the TEXT to check, pipe it on stdin, or use --jsonl FILE")
    app = _create_app(CG_PACK=pack, CG_MODEL_DIR=model_dir, CG_WARM_UP=False)
    checker = app.extensions["conduct_guard"]
    if jsonl is None:
        if text is None:
            text = sys.stdin.read()
            if not text.strip():
                raise click.UsageError("nothing on stdin to check: give the TEXT, pipe it, or use --jsonl FILE")
        if len(text) > MAX_TEXT_CHARS:
            raise click.UsageError(f"TEXT is over {MAX_TEXT_CHARS:,} characters")
        result = checker.check(text, account=account, site=site, lang=lang)
        click.echo(_dump(result) if output_format == "json" else _readable(text, result))
        return
    items = _read_jsonl(jsonl, checker.packs)
    for first in range(0, len(items), BATCH):
        batch = items[first:first + BATCH]
        results = checker.check_many([request for request, _ in batch])
        for (request, item_id), result in zip(batch, results):
            if output_format == "json":
                click.echo(_dump({"id": item_id, **result}))
            else:
                click.echo(f"[{item_id}] " + _readable(request.text, result) + "\n")


@main.command()
@click.option("--json", "as_json", is_flag=True, help="Print the packs and their rules as JSON.")
def packs(as_json: bool) -> None:
    """List the policy packs."""
    from ..settings.config import load_config
    from ..rules.pack import load_packs

    try:
        loaded = load_packs(load_config().get("CG_PACK_DIRS") or ())
    except USER_ERRORS as exc:
        raise _fail(exc) from None
    if as_json:
        click.echo(json.dumps({"packs": [p.to_dict() for _, p in sorted(loaded.items())]},
                              ensure_ascii=False, indent=2))
        return
    for pack_id, pack in sorted(loaded.items()):
        data = pack.to_dict()
        click.echo(f"{pack_id:22} {data.get('title', '')} ({data.get('jurisdiction', '')})")


# -- this user's link between the extension and the service (auth.py) -------------------------


@main.command()
@click.option("--extension-id", "extension_ids", multiple=True, metavar="ID",
              help="Another Chrome/Edge extension id to allow (e.g. a store listing's); IT's signed "
                   "builds' ids come from the machine policy's extension_ids.")
@click.option("--remove", is_flag=True, help="Remove the native messaging host of this user (the token stays).")
def setup(extension_ids: tuple[str, ...], remove: bool) -> None:
    """Connect the browser extension to the local service, for this user (one step).

    Creates the service token (0600) if absent and installs the native messaging host for Chrome,
    Chromium, Edge and Firefox, through which the extension gets the token it needs to pause
    checking and to send its counters. Checking posts works without it.
    """
    import re

    from ..desktop import native_setup
    from ..settings.config import CHROME_EXTENSION_ID, FIREFOX_EXTENSION_ID, load_config

    if remove:
        for path in native_setup.remove_user():
            click.echo(f"removed {path}")
        return
    bad = [i for i in extension_ids if not re.fullmatch(r"[a-p]{32}", i)]
    if bad:
        raise click.BadParameter(f"{bad[0]!r} is not a Chrome extension id (32 letters a-p)",
                                 param_hint="--extension-id")
    try:
        configured = load_config().get("CG_EXTENSION_IDS") or []
    except ConfigError as exc:
        raise _fail(exc) from None
    chrome_ids = [CHROME_EXTENSION_ID, *configured, *extension_ids]
    try:
        report = native_setup.install_user(chrome_ids, FIREFOX_EXTENSION_ID)
    except (OSError, native_setup.SetupError) as exc:
        raise _fail(exc) from None
    click.echo(f"token:    {report['token_file']}")
    click.echo(f"launcher: {report['launcher']}")
    for m in report["manifests"]:
        where = f" (registry HKCU\\{m['registry']})" if m["registry"] else ""
        click.echo(f"{m['browser']:9} {m['manifest']}{where}")
    click.echo("The extension can now pause checking and send its counters (no browser restart needed).")


@main.command("native-host", hidden=True)
def native_host_command() -> None:
    """The native messaging host (browsers start it through the launcher `setup` writes)."""
    from ..desktop.native_host import main as host_main

    sys.exit(host_main())


def _service_call(host: str, port: int, path: str, body: dict | None = None) -> dict:
    """A call with this user's token (read from its file, as the tray does)."""
    import urllib.error
    import urllib.request

    from ..service.auth import TOKEN_HEADER, load_or_create_token

    url = f"http://{host}:{port}{path}"
    headers = {TOKEN_HEADER: load_or_create_token()}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=10) as r:
            return json.loads(r.read().decode("utf-8"))
    except urllib.error.HTTPError as exc:
        try:
            message = json.loads(exc.read().decode("utf-8"))["error"]["message"]
        except (ValueError, KeyError, TypeError):
            message = exc.reason
        if exc.code == 401:
            message = ("the service did not accept this user's token (is the service running as another "
                       "user?)")
        raise click.ClickException(f"{url}: {exc.code} {message}") from None
    except (urllib.error.URLError, OSError) as exc:
        raise click.ClickException(f"the service is not answering at http://{host}:{port} ({exc}); start it with "
                                   "`conduct-guard serve` or the tray") from None


service_options = [
    click.option("--host", default=DEFAULT_HOST, show_default=True, help="The service's address."),
    click.option("--port", default=DEFAULT_PORT, show_default=True, type=click.IntRange(1, 65535)),
]


def _with_service_options(f):
    for option in reversed(service_options):
        f = option(f)
    return f


@main.command()
@_with_service_options
@click.option("--json", "as_json", is_flag=True, help="Print GET /v1/status as JSON.")
@click.option("--open", "open_page", is_flag=True, help="Open the status page, with today's counts, in the browser.")
def status(host: str, port: int, as_json: bool, open_page: bool) -> None:
    """The running service's state and today's counts (never any text)."""
    if open_page:
        import webbrowser

        from ..service.auth import load_or_create_token, status_link

        webbrowser.open(status_link(f"http://{host}:{port}/status", load_or_create_token()))
        return
    s = _service_call(host, port, "/v1/status")
    if as_json:
        click.echo(json.dumps(s, ensure_ascii=False, indent=2))
        return
    svc, today = s["service"], s["today"]
    click.echo(f"service {svc['version']}: {svc['status']}"
               + (f" until {svc['paused_until']}" if svc.get("paused_until") else "") + f", pack {s['pack']}")
    click.echo(f"today ({today['date']}): {today['checks']} checks, {today['warnings']} warnings, "
               f"{today['edits']} edited, {today['overrides']} posted anyway")


@main.command()
@_with_service_options
@click.argument("minutes", type=click.Choice([*map(str, PAUSE_MINUTES), "0"]))
def pause(host: str, port: int, minutes: str) -> None:
    """Pause checking everywhere for MINUTES (0 resumes), as the tray does."""
    reply = _service_call(host, port, "/v1/pause", {"minutes": int(minutes)})
    click.echo(f"paused until {reply['paused_until']}" if reply.get("paused") else "checking")


def _register_admin_commands() -> None:
    try:
        from . import admin
    except ImportError:  # the tray and IT tools are optional extras
        return
    for name in ("tray", "autostart", "itkit"):
        command = getattr(admin, name, None)
        if isinstance(command, click.Command):
            main.add_command(command, name)


_register_admin_commands()
