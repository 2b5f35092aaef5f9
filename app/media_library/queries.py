"""Reading the library: the search (diacritic- and case-insensitive, every word must match),
newest first, and an item as the picker's JSON."""

from __future__ import annotations

from flask import url_for
from sqlalchemy import Select, select

from app.media import thumbnail_or_image
from app.media_library.models import MediaItem
from app.search.text import query_terms

MAX_TERMS = 8
Q_MAX = 200


def search(q: str) -> Select:
    """The items whose title, alt text, original or stored file name hold every word of `q`
    (folded: `Hội thảo` finds `hoi thao`), newest first."""
    query = select(MediaItem)
    for term in query_terms(q[:Q_MAX], MAX_TERMS):
        query = query.where(MediaItem.search_text.contains(term, autoescape=True))
    return query.order_by(MediaItem.created_at.desc(), MediaItem.id.desc())


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


__all__ = ["as_json", "search", "uploader_name"]
