"""Moving an existing NukeViet 4.x site over: `flask import-nukeviet SOURCE` (a MySQL/MariaDB
URL or a `.sql` dump, plus the site's uploads/ folder), and the old NukeViet URLs answering
301 to the new pages."""

from __future__ import annotations

from flask import Flask

from app.nukeviet import models  # noqa: F401 - the map's table, for the metadata


def init_app(app: Flask) -> None:
    """Register the import command and the old URLs' redirects."""
    from app.nukeviet import cli, redirects

    app.cli.add_command(cli.import_nukeviet_command)
    redirects.init_app(app)
