"""The site's settings, one row per declared key that an administrator changed."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.dates import utcnow
from app.extensions import db
from app.page_cache import PageContent


class SiteSetting(PageContent, db.Model):
    """A value as JSON text; keys without a row have their declared default. Settings
    change what pages show, so a change makes cached pages stale (PageContent)."""

    __tablename__ = "site_settings"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<SiteSetting {self.key}={self.value}>"
