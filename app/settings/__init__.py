"""The site's settings: features declare them (app.settings.registry), administrators change
them on /admin/cai-dat/, code reads them with `get(key)` (app.settings.store)."""

from __future__ import annotations

from flask import Flask

from app.admin_menu import NavItem, register_nav
from app.settings.registry import Setting, declare, declared
from app.settings.store import get


def init_app(app: Flask) -> None:
    from app.settings import identity, theme
    from app.settings.admin import bp

    app.register_blueprint(bp)
    app.register_blueprint(theme.bp)
    identity.declare_settings(app)
    register_nav(app, NavItem("Cài đặt", "settings_admin.edit", 85, admin_only=True))


def template_context() -> dict:
    """What every template gets about the site: `site_name`, `site` (SiteIdentity) and
    `theme_css` (the colours' stylesheet URL)."""
    from flask import url_for

    from app.settings.theme import site_and_version

    site, version = site_and_version()
    return {"site_name": site.name, "site": site,
            "theme_css": url_for("site_theme.css", version=version)}  # fmt: skip


__all__ = ["Setting", "declare", "declared", "get", "init_app", "template_context"]
