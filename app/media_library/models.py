"""The media library's one table: every image the library knows, by its stored file name."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dates import utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.auth.models import User

TITLE_MAX = 200
ALT_MAX = 300
ORIGINAL_NAME_MAX = 255
SEARCH_TEXT_MAX = 1000


class MediaItem(db.Model):
    """An image of the library. `file_name` is the name app.media stored it under (served at
    /media/<file_name>); `content_hash` is the SHA-256 of the bytes that were uploaded (or of
    the stored file, for files registered by `flask media index`), so the same picture
    uploaded twice is found instead of stored twice. `search_text` is the title, alt text and
    original name folded (lower case, no diacritics), what the search matches."""

    __tablename__ = "media_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    file_name: Mapped[str] = mapped_column(String(100), unique=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    title: Mapped[str] = mapped_column(String(TITLE_MAX), default="")
    alt: Mapped[str] = mapped_column(String(ALT_MAX), default="")
    original_name: Mapped[str] = mapped_column(String(ORIGINAL_NAME_MAX), default="")
    search_text: Mapped[str] = mapped_column(String(SEARCH_TEXT_MAX), default="")
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    file_size: Mapped[int] = mapped_column(default=0)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    uploaded_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<MediaItem {self.id} {self.file_name}>"


__all__ = ["MediaItem"]
