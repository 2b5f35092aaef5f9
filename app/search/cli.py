"""`flask search reindex`: rebuild the index from every article and document."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from app.extensions import db

search_cli = AppGroup("search", help="Site search index.")


@search_cli.command("reindex")
def reindex() -> None:
    """Rebuild the search index (after an import written outside the application)."""
    from app.search import schema

    with db.engine.begin() as connection:
        count = schema.rebuild(connection)
    click.echo(f"Đã lập lại chỉ mục tìm kiếm: {count} bài viết và văn bản.")
