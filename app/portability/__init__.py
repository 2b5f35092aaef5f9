"""Moving a whole site between databases: `flask export` and `flask import`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the export and import commands."""
