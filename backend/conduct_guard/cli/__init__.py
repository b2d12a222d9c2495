"""The ``conduct-guard`` command: ``commands.py`` (check, serve, packs, setup, status, pause) and
``admin.py`` (tray, autostart, itkit: the optional extras).

``main`` is re-exported here because ``conduct_guard.cli:main`` was the console-script entry point
before the package had folders: ``conduct-guard`` scripts already installed import it from here.
setup.cfg and the package itself name ``cli.commands``.
"""

from .commands import main

__all__ = ["main"]
