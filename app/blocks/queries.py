"""What the sidebar shows of each banner position at a moment, and that moment's clock."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import select

from app.blocks.models import Banner, BannerBlock, ScheduleState
from app.extensions import db
from app.page_cache import content_clock


def now() -> datetime:
    """Naive UTC now by the clock the page cache follows (CONTENT_CLOCK in tests)."""
    return datetime.fromtimestamp(content_clock(current_app)(), UTC).replace(tzinfo=None)


def epoch(moment: datetime) -> float:
    """A stored (naive UTC) time as epoch seconds."""
    return moment.replace(tzinfo=UTC).timestamp()


def showing(block: BannerBlock, moment: datetime) -> tuple[list[Banner], datetime | None]:
    """The banners of `block` shown at `moment`, in order, and when that list next changes
    (a banner's start or end), if it ever does: one query for both."""
    rows = db.session.scalars(
        select(Banner)
        .where(Banner.block == block, Banner.not_ended_clause(moment))
        .order_by(Banner.position, Banner.id)
    )
    shown, changes = [], []
    for banner in rows:
        if banner.state(moment) is ScheduleState.SHOWING:
            shown.append(banner)
        change = banner.next_change(moment)
        if change is not None:
            changes.append(change)
    return shown, min(changes, default=None)


def clickable(banner_id: int) -> Banner | None:
    """The banner a reader's click may follow: one that is shown now."""
    return db.session.scalar(
        select(Banner).where(Banner.id == banner_id, Banner.active_clause(now()))
    )
