"""``python -m conduct_guard.native_host``: the native host's old module path, kept as a thin entry.

Why it exists: the native messaging launchers that ``conduct-guard setup`` and the IT kit write
run ``python -m conduct_guard.native_host`` (``desktop.native_setup.HOST_MODULE``), and launchers
written on officers' machines before the host moved to ``desktop/native_host.py`` must keep
answering the extension. Nothing inside the package imports this module: the host's home is
``conduct_guard.desktop.native_host``.
"""

import sys

from .desktop.native_host import main

__all__ = ["main"]

if __name__ == "__main__":
    sys.exit(main())
