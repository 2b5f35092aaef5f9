"""What other features add to the article page: sections under the body, like sidebar blocks.

Ratings and readers' comments import news (they are about articles); news imports neither.
A feature registers a part once per app; the article view asks every part which live item
counters it shows (so the page view's one Redis round trip reads them too), then renders each
part's template in position order with the request's page view (live numbers become blanks
while the page is recorded for the cache, as in the sidebar).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from flask import Flask, current_app, render_template
from markupsafe import Markup

from app.page_view import PageView

if TYPE_CHECKING:
    from app.news.models import Article

# Where the known parts go, top to bottom, after the body and the tags.
POSITIONS = {"share": 10, "rating": 20, "comments": 30}


def _no_watch(article: Article) -> tuple[str, ...]:
    return ()


@dataclass(frozen=True)
class ArticlePart:
    name: str
    template: str
    context: Callable[[Article, PageView], dict | None]  # None hides the part
    position: int = 50
    watch: Callable[[Article], tuple[str, ...]] = field(default=_no_watch)


def register_part(app: Flask, part: ArticlePart) -> None:
    parts: dict[str, ArticlePart] = app.extensions.setdefault("article_parts", {})
    parts[part.name] = part


def _parts() -> list[ArticlePart]:
    return sorted(
        current_app.extensions.get("article_parts", {}).values(),
        key=lambda p: (p.position, p.name),
    )


def watched(article: Article) -> tuple[str, ...]:
    """The live item counters every part of `article`'s page shows."""
    return tuple(item for part in _parts() for item in part.watch(article))


def render_parts(article: Article, page_view: PageView) -> Markup:
    """Every registered part for `article`, in position order."""
    html = []
    for part in _parts():
        context = part.context(article, page_view)
        if context is not None:
            html.append(
                render_template(
                    part.template, part=part, article=article, page_view=page_view, **context
                )
            )
    return Markup("\n".join(html))  # noqa: S704 - rendered by autoescaping templates


__all__ = ["POSITIONS", "ArticlePart", "register_part", "render_parts", "watched"]
