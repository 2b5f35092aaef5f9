"""Banners and partner links shown in the sidebar."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, and_, or_
from sqlalchemy.orm import Mapped, mapped_column

from app.dates import utcnow
from app.extensions import db
from app.page_cache import PageContent


class BannerBlock(enum.StrEnum):
    BANNERS = "banners"
    LINKS = "links"


class Banner(PageContent, db.Model):
    __tablename__ = "banners"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    image: Mapped[str | None] = mapped_column(String(100))
    target_url: Mapped[str] = mapped_column(String(500))
    block: Mapped[BannerBlock] = mapped_column(String(10), default=BannerBlock.BANNERS)
    position: Mapped[int] = mapped_column(default=0)
    active_from: Mapped[datetime | None]
    active_until: Mapped[datetime | None]
    clicks: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<Banner {self.id} {self.block}>"

    @classmethod
    def active_clause(cls, now: datetime | None = None):
        now = now or utcnow()
        return and_(
            or_(cls.active_from.is_(None), cls.active_from <= now),
            or_(cls.active_until.is_(None), cls.active_until > now),
        )
