"""`flask import-nukeviet SOURCE [--uploads DIR] [--dry-run]`."""

from __future__ import annotations

import click
from flask.cli import with_appcontext


@click.command("import-nukeviet")
@click.argument("source")
@with_appcontext
def import_nukeviet_command(source: str) -> None:
    """Import a NukeViet 4.x site (a .sql dump or a mysql:// URL)."""
    raise click.ClickException("Chưa hỗ trợ.")
