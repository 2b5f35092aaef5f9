"""Administration shell: what belongs to no single feature (dashboard, users, audit). Features
add their menu entries and dashboard counts through `app.admin_menu`; the shell imports none."""

from __future__ import annotations

from flask import Flask

from app.admin.routes import bp
from app.admin_menu import (
    DashboardCount,
    NavItem,
    nav_items,
    register_count,
    register_nav,
    row_count,
)
from app.auth.models import User


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_template_global(nav_items, "admin_nav_items")
    register_nav(app, NavItem("Tổng quan", "admin.dashboard", 0))
    register_nav(app, NavItem("Tài khoản", "admin.users", 90, admin_only=True))
    register_nav(app, NavItem("Nhật ký quản trị", "admin.audit_log", 95, admin_only=True))
    register_count(app, DashboardCount("tài khoản", row_count(User), 90))


__all__ = ["bp", "init_app"]
