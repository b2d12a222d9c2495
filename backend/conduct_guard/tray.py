"""``python -m conduct_guard.tray``: the tray's old module path, kept as a thin entry.

Why it exists: autostart entries run ``python -m conduct_guard.tray`` at login (``conduct-guard
autostart enable``, the IT kit's ``service/autostart`` files, ``desktop.autostart.TRAY_MODULE``),
and entries written on officers' machines before the tray moved to ``desktop/tray.py`` must keep
starting it; an older install's ``conduct-guard-tray`` script imports ``main`` from here. Nothing
inside the package imports this module: the tray's home is ``conduct_guard.desktop.tray``.
"""

from .desktop.tray import main

__all__ = ["main"]

if __name__ == "__main__":
    main()
