"""Banners and partner links shown in the sidebar, each in one of the sidebar's positions."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import String, and_, false, or_
from sqlalchemy.orm import Mapped, mapped_column

from app.dates import utcnow
from app.extensions import db
from app.page_cache import PageContent


class BannerBlock(enum.StrEnum):
    """The sidebar position a banner is shown in (its `block`)."""

    # Above "Văn bản mới"; the only banner position before there were several, hence the
    # value every older row already has.
    BANNERS = "banners"
    # Between "Văn bản mới" and "Thống kê" (right under "Văn bản mới").
    MIDDLE = "middle"
    # "Liên kết": partner sites, a logo and the name, or the name alone.
    LINKS = "links"


class ScheduleState(enum.StrEnum):
    """Where a banner stands against its schedule at a given moment."""

    SHOWING = "showing"
    UPCOMING = "upcoming"
    ENDED = "ended"


class Banner(PageContent, db.Model):
    __tablename__ = "banners"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))  # the image's alt text, or the link text
    image: Mapped[str | None] = mapped_column(String(100))  # a banner's picture, a link's logo
    target_url: Mapped[str] = mapped_column(String(500))
    block: Mapped[BannerBlock] = mapped_column(String(10), default=BannerBlock.BANNERS)
    position: Mapped[int] = mapped_column(default=0)  # the order within its block
    active_from: Mapped[datetime | None]
    active_until: Mapped[datetime | None]
    # The title printed over the image: off by default (a picture with its own words would
    # be covered); the title is the image's alt text either way.
    show_title: Mapped[bool] = mapped_column(default=False, server_default=false())
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

    @classmethod
    def not_ended_clause(cls, now: datetime):
        return or_(cls.active_until.is_(None), cls.active_until > now)

    def state(self, now: datetime) -> ScheduleState:
        if self.active_until is not None and self.active_until <= now:
            return ScheduleState.ENDED
        if self.active_from is not None and self.active_from > now:
            return ScheduleState.UPCOMING
        return ScheduleState.SHOWING

    def next_change(self, now: datetime) -> datetime | None:
        """When this banner next appears or disappears after `now`, if ever."""
        state = self.state(now)
        if state is ScheduleState.UPCOMING:
            return self.active_from
        if state is ScheduleState.SHOWING:
            return self.active_until
        return None
