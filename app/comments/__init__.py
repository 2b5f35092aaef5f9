"""Readers' comments on articles ("Ý kiến bạn đọc") and their moderation."""

from flask import Flask
from flask_login import current_user

from app.admin_menu import DashboardCount, NavItem, register_count, register_nav
from app.news.article_parts import POSITIONS, ArticlePart, register_part


def _pending_for_current_user() -> int:
    from app.comments.queries import pending_count

    return pending_count(current_user) if current_user.is_authenticated else 0


def init_app(app: Flask) -> None:
    """Registers the comments part of the article page, the posting route and the queue."""
    from app.comments import admin, options, routes

    app.register_blueprint(routes.bp)
    app.register_blueprint(admin.bp)
    app.add_template_filter(routes.comment_text, "comment_text")
    options.declare_settings(app)
    register_part(
        app,
        ArticlePart("comments", "comments/part.html", routes.part_context, POSITIONS["comments"]),
    )
    register_nav(app, NavItem("Ý kiến bạn đọc", "comments_admin.queue_page", 20))
    # An editor's card counts the comments of their own categories, like their queue.
    register_count(app, DashboardCount("ý kiến chờ duyệt", _pending_for_current_user, 30))


__all__ = ["init_app"]
