"""Administration shell: what belongs to no single feature (dashboard, users, audit), and
the admin menu that features add their sections to."""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app, url_for
from flask_login import current_user

from app.admin.routes import bp


@dataclass(frozen=True)
class NavItem:
    label: str
    endpoint: str
    position: int = 50
    admin_only: bool = False


def register_nav(app: Flask, item: NavItem) -> None:
    app.extensions.setdefault("admin_nav", []).append(item)


def nav_items() -> list[dict]:
    """The admin menu entries the current user may open."""
    items = sorted(current_app.extensions.get("admin_nav", []), key=lambda i: i.position)
    return [
        {"label": i.label, "url": url_for(i.endpoint)}
        for i in items
        if current_user.is_authenticated and (current_user.is_admin or not i.admin_only)
    ]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(nav_items, "admin_nav_items")
    register_nav(app, NavItem("Tổng quan", "admin.dashboard", 0))
    register_nav(app, NavItem("Tài khoản", "admin.users", 90, admin_only=True))
    register_nav(app, NavItem("Nhật ký quản trị", "admin.audit_log", 95, admin_only=True))


__all__ = ["NavItem", "bp", "init_app", "register_nav"]
