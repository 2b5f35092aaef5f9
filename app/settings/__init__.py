"""The site's settings: features declare them (app.settings.registry), administrators change
them on /admin/cai-dat/, code reads them with `get(key)` (app.settings.store)."""

from __future__ import annotations

from flask import Flask

from app.admin_menu import NavItem, register_nav
from app.settings.registry import Setting, declare, declared
from app.settings.store import get


def init_app(app: Flask) -> None:
    from app.settings.admin import bp

    app.register_blueprint(bp)
    register_nav(app, NavItem("Cài đặt", "settings_admin.edit", 85, admin_only=True))


__all__ = ["Setting", "declare", "declared", "get", "init_app"]
