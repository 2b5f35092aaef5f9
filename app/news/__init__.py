"""News: categories, articles, tags, feeds."""

from flask import Flask

from app.news.models import Article
from app.news.routes import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.extensions["stats"].register_counter("article", Article, "views")


__all__ = ["bp", "init_app"]
