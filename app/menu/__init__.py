"""The main menu: an editable, nested list of links to categories, pages, documents and
outside URLs."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """The menu editor's admin pages, and `main_menu()` for the header of every page."""
    from app.menu import admin, models  # noqa: F401 - the model belongs to the metadata
    from app.menu.store import main_menu

    admin.init_admin(app)
    app.add_template_global(main_menu, "main_menu")


__all__ = ["init_app"]
