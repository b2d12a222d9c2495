"""Click commands for running without a terminal and for IT: ``tray``, ``autostart``, ``itkit``.

The main group registers them: ``main.add_command(tray)``, ``main.add_command(autostart)``,
``main.add_command(itkit)``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..settings.config import DEFAULT_HOST, DEFAULT_PORT

PLATFORMS = ["win32", "darwin", "linux"]


# --------------------------------------------------------------------------- tray


@click.command("tray")
@click.option("--host", default=DEFAULT_HOST, show_default=True, help="Address the service binds (loopback).")
@click.option("--port", default=None, type=int, help=f"Port of the service (default {DEFAULT_PORT}).")
def tray(host: str, port: int | None) -> None:
    """Run the tray icon with the local service beside it (what autostart starts at login)."""
    from ..desktop.tray import run_tray

    sys.exit(run_tray(host=host, port=port))


# --------------------------------------------------------------------------- autostart


def _common(f):
    f = click.option("--machine", is_flag=True, help="Machine-wide (all users; needs administrator/root).")(f)
    f = click.option("--platform", "platform", type=click.Choice(PLATFORMS), default=None,
                     help="Target OS (default: this one). With another OS use --root to stage files.")(f)
    f = click.option("--method", type=click.Choice(["xdg", "systemd"]), default=None,
                     help="Linux only: XDG autostart entry (default) or systemd user unit.")(f)
    f = click.option("--root", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Write under this folder instead of / (staging an image; tests).")(f)
    f = click.option("--home", type=click.Path(file_okay=False, path_type=Path), default=None,
                     help="Home folder for per-user entries (default: yours).")(f)
    return f


@click.group("autostart")
def autostart() -> None:
    """Start Conduct Guard at login: enable, disable, status."""


@autostart.command("enable")
@_common
@click.option("--command", "command", default=None,
              help="Command line to start (default: this Python running the tray), JSON list or plain string.")
def autostart_enable(machine, platform, method, root, home, command):
    """Start the tray at login."""
    from ..desktop import autostart as a

    cmd = None
    if command:
        try:
            cmd = json.loads(command)
            if not (isinstance(cmd, list) and cmd and all(isinstance(c, str) for c in cmd)):
                raise ValueError
        except ValueError:
            import shlex

            cmd = shlex.split(command)
    try:
        e = a.enable(platform=platform, machine=machine, method=method, command=cmd, home=home, root=root)
    except a.AutostartError as ex:
        raise click.ClickException(str(ex)) from None
    click.echo(f"autostart enabled ({'machine-wide' if machine else 'this user'}, {e.method}): {e.location}")
    if e.method == "systemd" and root is None:
        click.echo("run `systemctl --user daemon-reload` (or log out and in) for systemd to see it")


@autostart.command("disable")
@_common
def autostart_disable(machine, platform, method, root, home):
    """Stop starting the tray at login."""
    from ..desktop import autostart as a

    try:
        e, removed = a.disable(platform=platform, machine=machine, method=method, home=home, root=root)
    except a.AutostartError as ex:
        raise click.ClickException(str(ex)) from None
    what = "removed" if removed else "was not enabled"
    click.echo(f"autostart {what} ({'machine-wide' if machine else 'this user'}, {e.method}): {e.location}")


@autostart.command("status")
@_common
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def autostart_status(machine, platform, method, root, home, as_json):
    """Show whether the tray starts at login (per user and machine-wide)."""
    from ..desktop import autostart as a

    st = a.status(platform=platform, method=method, home=home, root=root)
    if as_json:
        click.echo(json.dumps(st, indent=2))
        return
    for scope in ("user", "machine"):
        s = st[scope]
        if s["enabled"]:
            for e in s["entries"]:
                click.echo(f"{scope}: enabled ({e['method']}) {e['location']}")
        else:
            click.echo(f"{scope}: disabled")


# --------------------------------------------------------------------------- itkit


@click.command("itkit")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write the kit into (created; must be empty or absent).")
@click.option("--key", "key", required=True, type=click.Path(dir_okay=False, exists=False, path_type=Path),
              help="PEM private key (RSA 2048+) that signs the CRX. IT keeps it; the same key keeps the same extension id. "
                   "With --new-key it is created when missing.")
@click.option("--update-url", "update_url", required=True,
              help="https URL of the folder where IT will host the kit's crx/ and xpi/ files.")
@click.option("--policy", "policy", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=None,
              help="Machine policy JSON (the managed settings; validated). Default: the schema's defaults.")
@click.option("--extension-dir", type=click.Path(file_okay=False, exists=True, path_type=Path), default=None,
              help="The extension folder (default: extension/ of this checkout or install).")
@click.option("--new-key", is_flag=True, help="Create the key file when it does not exist.")
@click.option("--force", is_flag=True, help="Write into a non-empty --out folder.")
@click.option("--python-windows", default=None,
              help="Absolute path of pythonw.exe on the officers' Windows machines (autostart). "
                   "Default: C:\\Program Files\\Python312\\pythonw.exe.")
@click.option("--python-macos", default=None,
              help="Absolute path of python3 on the officers' Macs (autostart). Default: /usr/local/bin/python3.")
@click.option("--python-linux", default=None,
              help="Absolute path of python3 on the officers' Linux machines (autostart). Default: /usr/bin/python3.")
def itkit(out, key, update_url, policy, extension_dir, new_key, force, python_windows, python_macos, python_linux):
    """Write the IT deployment kit: signed CRX, zips, update manifests, browser policies, machine policy, docs."""
    import importlib.util

    if importlib.util.find_spec("cryptography") is None:  # an optional install: officers never sign a CRX
        raise click.ClickException('the IT kit needs the "kit" extra, which signs the extension: '
                                   'python -m pip install ".[kit]" (or "conduct-guard[kit]")')
    from ..deploy import itkit as k
    from ..settings.machine_policy import MachinePolicyError

    try:
        report = k.build_kit(out=out, key_path=key, update_url=update_url, policy_path=policy,
                             extension_dir=extension_dir, create_key=new_key, force=force,
                             tray_python={"windows": python_windows, "macos": python_macos,
                                          "linux": python_linux})
    except (k.KitError, MachinePolicyError) as ex:
        raise click.ClickException(str(ex)) from None
    click.echo(f"IT kit written to {out}")
    click.echo(f"  Chrome/Edge extension id: {report['chrome_id']}")
    click.echo(f"  Firefox extension id:     {report['firefox_id']}")
    click.echo(f"  version:                  {report['version']}")
    for w in report.get("warnings", []):
        click.echo(f"  warning: {w}")
    click.echo(f"  start with {out / 'README-IT.md'}")
