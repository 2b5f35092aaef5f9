"""Moving a whole site between databases: `flask export` and `flask import`."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the export and import commands."""
    from app.portability.cli import export_command, import_command

    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
