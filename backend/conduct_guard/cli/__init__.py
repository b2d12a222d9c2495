"""The ``conduct-guard`` command: ``commands.py`` (check, serve, packs, setup, status, pause) and
``admin.py`` (tray, autostart, itkit: the optional extras).

``main`` is re-exported here for ``conduct_guard.cli:main``, the console-script entry point that
``conduct-guard`` scripts installed before the package had folders import (and that the module
path ``conduct_guard.cli`` has always named). The package itself imports ``cli.commands``.
"""

from .commands import main

__all__ = ["main"]
