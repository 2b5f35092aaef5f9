"""Statistics history kept forever in SQL, and the record of applied counter flushes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dates import utcnow
from app.extensions import db


class DailyStat(db.Model):
    __tablename__ = "stats_daily"

    day: Mapped[date] = mapped_column(primary_key=True)
    visits: Mapped[int] = mapped_column(default=0)
    visitors: Mapped[int] = mapped_column(default=0)  # HyperLogLog estimate
    page_views: Mapped[int] = mapped_column(default=0)
    bot_views: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<DailyStat {self.day} visits={self.visits}>"


class HourlyStat(db.Model):
    __tablename__ = "stats_hourly"

    day: Mapped[date] = mapped_column(primary_key=True)
    hour: Mapped[int] = mapped_column(primary_key=True)
    visits: Mapped[int] = mapped_column(default=0)
    page_views: Mapped[int] = mapped_column(default=0)
    bot_views: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<HourlyStat {self.day} {self.hour:02d}h visits={self.visits}>"


class CounterFlush(db.Model):
    """One applied batch of buffered item counters; its id makes a replay a no-op."""

    __tablename__ = "stats_counter_flushes"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    items: Mapped[int] = mapped_column(default=0)
    applied_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<CounterFlush {self.id} {self.kind}>"


class ItemDailyView(db.Model):
    """Views of one counted item ("article", "document"...) on one local day (site zone),
    added by each item counter flush in the same transaction as the item's own column."""

    __tablename__ = "stats_item_daily"
    __table_args__ = (Index("ix_stats_item_daily_kind_day", "kind", "day"),)

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    views: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ItemDailyView {self.kind}:{self.item_id} {self.day} views={self.views}>"
