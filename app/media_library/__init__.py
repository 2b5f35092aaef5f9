"""The media library: images uploaded once, searched and reused (the admin page
"Thư viện ảnh" and the picker of the editors, templates/media_library/_picker.html)."""

from __future__ import annotations

from flask import Flask

from app.admin_menu import NavItem, register_nav
from app.media_library.usage import in_articles, in_banners, register_usage


def init_app(app: Flask) -> None:
    """Registers the admin page, the picker's API, the menu entry, `flask media` and the
    places that use images."""
    from app.media_library import admin, api, cli

    app.register_blueprint(admin.bp)
    app.register_blueprint(api.bp)
    app.cli.add_command(cli.media)
    register_nav(app, NavItem("Thư viện ảnh", "media_library.library", 15))
    register_usage(app, in_articles)
    register_usage(app, in_banners)


__all__ = ["init_app"]
