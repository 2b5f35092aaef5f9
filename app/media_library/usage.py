"""Where an image of the library is used, so that deleting it does not break a page.

Features that keep stored image names (articles here; a site logo, banners) declare a finder
with `register_usage`; the library asks them all before it deletes a file, and never needs
to know their models.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask, current_app, url_for
from sqlalchemy import or_, select

from app.extensions import db

MAX_LISTED = 20  # per finder: enough to say where, without loading every article


@dataclass(frozen=True)
class Usage:
    """One place that shows the image: what it is (for the editor) and where to fix it."""

    label: str
    url: str | None = None


Finder = Callable[[str], list[Usage]]


def register_usage(app: Flask, finder: Finder) -> None:
    """Declare a finder: given a stored file name, the places that use it."""
    app.extensions.setdefault("media_usage", []).append(finder)


def usages(file_name: str) -> list[Usage]:
    """Every place a registered finder knows that uses `file_name`."""
    found: list[Usage] = []
    for finder in current_app.extensions.get("media_usage", []):
        found.extend(finder(file_name))
    return found


def in_articles(file_name: str) -> list[Usage]:
    """Articles whose body shows the image (its file name appears in the HTML) or whose
    illustration it is."""
    from app.news.models import Article

    # The random part of the name, which the thumbnail's name shares.
    stem = file_name.partition(".")[0][:-1] or file_name
    rows = db.session.execute(
        select(Article.id, Article.title)
        .where(or_(Article.body.contains(stem, autoescape=True), Article.image == file_name))
        .order_by(Article.id.desc())
        .limit(MAX_LISTED)
    )
    return [
        Usage(f"Bài viết “{title}”", url_for("news_admin.edit", article_id=article_id))
        for article_id, title in rows
    ]


def banner_pictures(file_name: str | None = None) -> list[tuple[str, str]]:
    """(title, image) of the banners and partner links that show a picture (`file_name`, or
    any). Read from the `banners` table by name: the banners' package imports the demo,
    which seeds this library, so importing it here would make a cycle of packages."""
    table = db.metadata.tables.get("banners")
    if table is None:
        return []
    query = select(table.c.title, table.c.image).where(table.c.image.is_not(None))
    if file_name is not None:
        query = query.where(table.c.image == file_name)
    return [(title, image) for title, image in db.session.execute(query.order_by(table.c.id))]


def in_banners(file_name: str) -> list[Usage]:
    """Banners and partner links that show the image."""
    return [Usage(f"Banner “{title}”") for title, _ in banner_pictures(file_name)[:MAX_LISTED]]


__all__ = [
    "Finder",
    "Usage",
    "banner_pictures",
    "in_articles",
    "in_banners",
    "register_usage",
    "usages",
]
