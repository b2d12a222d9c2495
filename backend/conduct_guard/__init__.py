"""Conduct Guard: warns public servants before a social-media post breaks their conduct rules."""

__version__ = "0.1.0"
