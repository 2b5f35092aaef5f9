"""News: categories, articles, tags, feeds."""

from flask import Flask, url_for

from app import feeds
from app.live_counters import register_counter, register_report_item
from app.news.models import Article
from app.news.routes import bp


def init_app(app: Flask) -> None:
    from app.news import admin, admin_categories, admin_embeds, most_read, share

    app.register_blueprint(bp)
    feeds.init_app(app)
    share.init_app(app)
    most_read.init_app(app)
    admin.init_admin(app)
    admin_categories.init_admin(app)
    admin_embeds.init_app(app)
    register_counter(app, "article", Article, "views")
    register_report_item(app, "article", "Bài viết",
                         url=lambda row: url_for("news.article", slug=row.slug))  # fmt: skip


__all__ = ["bp", "init_app"]
