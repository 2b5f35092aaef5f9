"""Reading pages and contact messages."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.pages.models import ContactMessage, Page


def published_page(slug: str) -> Page | None:
    return db.session.scalar(select(Page).where(Page.slug == slug, Page.published.is_(True)))


def published_pages() -> list[Page]:
    query = select(Page).where(Page.published.is_(True)).order_by(Page.position, Page.id)
    return list(db.session.scalars(query))


def all_pages() -> list[Page]:
    return list(db.session.scalars(select(Page).order_by(Page.position, Page.id)))


def unhandled_count() -> int:
    query = (
        select(func.count()).select_from(ContactMessage).where(ContactMessage.handled.is_(False))
    )
    return db.session.scalar(query) or 0


def messages(handled: bool | None):
    """The messages, newest first; `handled` None: all of them."""
    query = select(ContactMessage).order_by(
        ContactMessage.created_at.desc(), ContactMessage.id.desc()
    )
    if handled is not None:
        query = query.where(ContactMessage.handled.is_(handled))
    return query


__all__ = ["all_pages", "messages", "published_page", "published_pages", "unhandled_count"]
