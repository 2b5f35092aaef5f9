"""One site search for articles and documents (/tim-kiem)."""

from flask import Flask

from app.search import schema, sync
from app.search.cli import search_cli
from app.search.routes import bp


def init_app(app: Flask) -> None:
    """Registers the search page and keeps the index in step with every write."""
    app.register_blueprint(bp)
    app.cli.add_command(search_cli)
    sync.listen()
    # The index is no model: `flask db migrate` must neither drop nor create it.
    migrate = app.extensions.get("migrate")
    if migrate is not None:
        migrate.configure_args.setdefault("include_name", schema.include_name)


__all__ = ["init_app"]
