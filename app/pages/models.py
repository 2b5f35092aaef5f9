"""Static pages (Giới thiệu, Liên hệ…) and the messages readers send through the contact form."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.dates import utcnow
from app.extensions import db
from app.page_cache import PageContent

TITLE_MAX = 300
SLUG_MAX = 120
NAME_MAX = 100
EMAIL_MAX = 254
PHONE_MAX = 30
SUBJECT_MAX = 200
MESSAGE_MAX = 5000


class Page(PageContent, db.Model):
    """A page at /trang/<slug>; `body` is HTML sanitised on every save. Readers' pages show
    pages (and the menu and footer link them), so a change makes cached pages stale."""

    __tablename__ = "pages"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX))
    slug: Mapped[str] = mapped_column(String(SLUG_MAX), unique=True)
    body: Mapped[str] = mapped_column(Text, default="")
    published: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<Page {self.id} {self.slug}{'' if self.published else ' (draft)'}>"


class ContactMessage(db.Model):
    """A reader's message from the contact form, as typed (shown escaped). `ip_hash` is the
    keyed hash of the sender's address the comments use (app.anti_spam.poster)."""

    __tablename__ = "contact_messages"
    __table_args__ = (Index("ix_contact_messages_handled_created", "handled", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    phone: Mapped[str] = mapped_column(String(PHONE_MAX), default="")
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    message: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled: Mapped[bool] = mapped_column(default=False)
    handled_at: Mapped[datetime | None] = mapped_column()
    handled_by: Mapped[str] = mapped_column(String(100), default="")
    visitor: Mapped[str] = mapped_column(String(64), default="")
    ip_hash: Mapped[str] = mapped_column(String(64), default="")

    def __repr__(self) -> str:
        return f"<ContactMessage {self.id} {'handled' if self.handled else 'new'}>"
