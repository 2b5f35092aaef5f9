"""Static pages (Giới thiệu, Liên hệ…) at /trang/<slug>, and the contact form on the page the
setting "contact_page_slug" names, with its inbox in the admin (/admin/lien-he/)."""

from __future__ import annotations

from flask import Flask

from app.admin_menu import DashboardCount, NavItem, register_count, register_nav


def _unhandled() -> int:
    from app.pages.queries import unhandled_count

    return unhandled_count()


def init_app(app: Flask) -> None:
    """The public and admin blueprints, the contact page setting, menu entries, the
    dashboard count, the footer's link to the contact page and the sitemap's pages."""
    from app import feeds
    from app.pages import admin, contact, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(admin.pages_bp)
    app.register_blueprint(admin.contact_bp)
    contact.declare_settings(app)
    app.add_template_global(routes.contact_page_url, "contact_page_url")
    feeds.add_sitemap_section(app, routes.sitemap_entries)
    register_nav(app, NavItem("Trang tĩnh", "pages_admin.index", 80, admin_only=True))
    register_nav(app, NavItem("Thư liên hệ", "contact_admin.inbox", 82, admin_only=True))
    register_count(app, DashboardCount("thư liên hệ chưa xử lý", _unhandled, 60, admin_only=True))


__all__ = ["init_app"]
