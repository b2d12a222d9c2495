"""Conduct Guard: warns public servants before a social-media post breaks their conduct rules."""

from pathlib import Path

__version__ = "0.1.0"

# This package's own folder. Modules in its sub-folders find what lies around it from here (the
# folder holding the package, a source checkout's root, an install's prefix), so none counts its
# own depth below the package.
PACKAGE_DIR = Path(__file__).resolve().parent
