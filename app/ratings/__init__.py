"""Readers' 1-5 star ratings of articles: one vote per visitor per article."""

from __future__ import annotations

from flask import Flask

from app.live_counters import register_live_only
from app.news.article_parts import POSITIONS, ArticlePart, register_part
from app.news.models import Article
from app.page_view import PageView
from app.ratings import models  # noqa: F401 - the votes table, for the metadata
from app.ratings.services import COUNT, LABELS, STARS, TOTAL, live_items


def _watch(article: Article) -> tuple[str, ...]:
    return live_items(article.id) if article.rating_enabled else ()


def _context(article: Article, page_view: PageView) -> dict | None:
    """The block's numbers (live: blanks while the page is recorded); no block when the
    article takes no ratings."""
    if not article.rating_enabled:
        return None
    total_item, count_item = live_items(article.id)
    return {
        "total": page_view.count_of(total_item, article.rating_total),
        "count": page_view.count_of(count_item, article.rating_count),
        "total_kind": TOTAL,
        "count_kind": COUNT,
        "choices": STARS,
        "labels": LABELS,
    }


def init_app(app: Flask) -> None:
    """Registers the rating part of the article page and the voting route."""
    from app.ratings.routes import bp

    app.register_blueprint(bp)
    register_live_only(app, TOTAL)  # the totals are Article.rating_total / rating_count
    register_live_only(app, COUNT)
    register_part(app, ArticlePart("rating", "ratings/block.html", _context,
                                   POSITIONS["rating"], watch=_watch))  # fmt: skip


__all__ = ["init_app"]
