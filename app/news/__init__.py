"""News: categories, articles, tags, feeds."""

from app.news.routes import bp

__all__ = ["bp"]
