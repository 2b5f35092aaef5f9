"""Writes of the pages feature: static pages (audited) and readers' contact messages."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.anti_spam import Poster
from app.audit.operations import record as audit
from app.dates import utcnow
from app.extensions import db
from app.html_sanitizer import sanitize_html
from app.pages.models import ContactMessage, Page
from app.slugs import slugify

if TYPE_CHECKING:
    from app.auth.models import User
    from app.pages.contact import ContactSubmission

log = logging.getLogger(__name__)

SLUG_TAKEN = "Đường dẫn “{}” đã được dùng cho trang khác."


class PageError(ValueError):
    """A change refused; the message is for the editor, `field` the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _slug_owner(slug: str) -> int | None:
    return db.session.scalar(select(Page.id).where(Page.slug == slug))


def _resolve_slug(typed: str, title: str, page_id: int | None) -> str:
    """The slug typed (normalised), which must be free; none typed, one made from the title
    (with -2, -3… when taken)."""
    if typed.strip():
        slug = slugify(typed)
        owner = _slug_owner(slug)
        if owner is not None and owner != page_id:
            raise PageError(SLUG_TAKEN.format(slug), "slug")
        return slug
    base = slugify(title)
    slug, n = base, 1
    while (owner := _slug_owner(slug)) is not None and owner != page_id:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _clean(values: dict) -> dict:
    return {
        "title": " ".join(values["title"].split()),
        "body": sanitize_html(values.get("body") or ""),
        "published": bool(values.get("published")),
        "position": int(values.get("position") or 0),
    }


def _save(page: Page, action: str, detail: str, by: User | None, *, commit: bool = True) -> Page:
    """Write the page and its audit row (`by=None`: none) in one commit (`commit=False`: only
    flushed, the caller commits); its slug taken by a concurrent save after it was checked is
    a field error."""
    slug = page.slug
    try:
        db.session.add(page)
        db.session.flush()
        if by is not None and detail:
            audit(action, page, detail, by=by, commit=False)
        if commit:
            db.session.commit()
    except IntegrityError as exc:
        db.session.rollback()
        raise PageError(SLUG_TAKEN.format(slug), "slug") from exc
    return page


def create_page(values: dict, *, by: User | None, commit: bool = True) -> Page:
    """A new page from the form's values (title, slug, body, published, position); the body
    is sanitised. Audited when a person made it (`by=None`: the demo seed). `commit=False`:
    flushed only, committed by the caller with its own rows (an import's map row)."""
    clean = _clean(values)
    page = Page(slug=_resolve_slug(values.get("slug") or "", clean["title"], None), **clean)
    return _save(page, "page.create", f"{page.title} ({page.slug})", by, commit=commit)


def update_page(page: Page, values: dict, *, by: User | None) -> Page:
    clean = _clean(values)
    clean["slug"] = _resolve_slug(values.get("slug") or "", clean["title"], page.id)
    changed = [name for name, value in clean.items() if getattr(page, name) != value]
    for name in changed:
        setattr(page, name, clean[name])
    return _save(page, "page.update", ", ".join(changed), by)


def delete_page(page: Page, *, by: User) -> None:
    audit("page.delete", page, f"{page.title} ({page.slug})", by=by, commit=False)
    db.session.delete(page)
    db.session.commit()


def next_position() -> int:
    highest = db.session.scalar(select(func.max(Page.position)))
    return 0 if highest is None else highest + 10


def store_message(form: ContactSubmission, sender: Poster) -> ContactMessage:
    """Keep a reader's contact message (already checked by ContactSubmission.check)."""
    message = ContactMessage(
        name=form.name, email=form.email, phone=form.phone, subject=form.subject,
        message=form.message, visitor=sender.visitor, ip_hash=sender.ip_hash,
    )  # fmt: skip
    db.session.add(message)
    db.session.commit()
    log.info("contact message %s stored", message.id)
    return message


def mark_handled(messages: list[ContactMessage], handled: bool, *, by: User) -> int:
    """Mark messages handled (or back to unhandled); how many changed. Audited."""
    changed = [m for m in messages if m.handled != handled]
    for m in changed:
        m.handled = handled
        m.handled_at = utcnow() if handled else None
        m.handled_by = by.username if handled else ""
    if changed:
        ids = ",".join(str(m.id) for m in changed)
        action = "contact.handled" if handled else "contact.reopened"
        audit(action, None, ids, by=by, commit=False, object_type="contactmessage")
        db.session.commit()
    return len(changed)


def delete_messages(messages: list[ContactMessage], *, by: User) -> int:
    if not messages:
        return 0
    ids = ",".join(str(m.id) for m in messages)
    for m in messages:
        db.session.delete(m)
    audit("contact.delete", None, ids, by=by, commit=False, object_type="contactmessage")
    db.session.commit()
    return len(messages)


__all__ = [
    "PageError",
    "create_page",
    "delete_messages",
    "delete_page",
    "mark_handled",
    "next_position",
    "store_message",
    "update_page",
]
