"""Reading the library: the search (diacritic- and case-insensitive, every word must match),
newest first, and an item as the picker's JSON."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import Select, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.media import thumbnail_or_image
from app.media_library.models import MediaItem
from app.search.text import query_terms

MAX_TERMS = 8
Q_MAX = 200
PER_PAGE = 24  # a grid of 2, 3, 4 or 6 columns fills its rows


def search(q: str) -> Select:
    """The items whose title, alt text, original or stored file name hold every word of `q`
    (folded: `Hội thảo` finds `hoi thao`), newest first."""
    query = select(MediaItem).options(selectinload(MediaItem.uploaded_by))
    for term in query_terms(q[:Q_MAX], MAX_TERMS):
        query = query.where(MediaItem.search_text.contains(term, autoescape=True))
    return query.order_by(MediaItem.created_at.desc(), MediaItem.id.desc())


def search_page(q: str, page: int):
    """One page of `search(q)`; a page past the last is empty (after a deletion, an editor
    may come back to a page that no longer exists)."""
    return db.paginate(search(q), page=page, per_page=PER_PAGE, error_out=False)


def clean_query(raw: str | None) -> str:
    return (raw or "").strip()[:Q_MAX]


def uploader_name(item: MediaItem) -> str:
    return item.uploaded_by.display_name if item.uploaded_by is not None else ""


def as_json(item: MediaItem) -> dict:
    """What the picker needs of an item (the URL is the one an article body keeps)."""
    return {
        "id": item.id,
        "url": url_for("media.image", name=item.file_name),
        "thumb": url_for("media.image", name=thumbnail_or_image(item.file_name)),
        "file_name": item.file_name,
        "title": item.title,
        "alt": item.alt,
        "width": item.width,
        "height": item.height,
        "bytes": item.file_size,
        "created_at": item.created_at.isoformat(timespec="seconds") + "Z",
        "uploaded_by": uploader_name(item),
    }


__all__ = ["PER_PAGE", "as_json", "clean_query", "search", "search_page", "uploader_name"]
