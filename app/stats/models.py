"""Statistics history kept forever in SQL, and the record of applied counter flushes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Index, String, false
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
    # A day loaded from a migrated site's history (CSV), not counted here: charts show it,
    # the total never adds it (the old total is STATS_TOTAL_OFFSET).
    imported: Mapped[bool] = mapped_column(default=False, server_default=false())

    def __repr__(self) -> str:
        return f"<DailyStat {self.day} visits={self.visits}>"


class HourlyStat(db.Model):
    __tablename__ = "stats_hourly"

    day: Mapped[date] = mapped_column(primary_key=True)
    hour: Mapped[int] = mapped_column(primary_key=True)
    visits: Mapped[int] = mapped_column(default=0)
    page_views: Mapped[int] = mapped_column(default=0)
    bot_views: Mapped[int] = mapped_column(default=0)
    visitors: Mapped[int] = mapped_column(default=0, server_default="0")  # HyperLogLog

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
    # Covering the reports' ranking (kind, day range -> item, views): read from the index alone.
    __table_args__ = (
        Index("ix_stats_item_daily_kind_day_views", "kind", "day", "item_id", "views"),
    )

    kind: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_id: Mapped[int] = mapped_column(primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    views: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<ItemDailyView {self.kind}:{self.item_id} {self.day} views={self.views}>"


class PeriodStat(db.Model):
    """Unique visitors of one local month ("2026-11") or year ("2026"): a day's or an
    hour's unique visitors do not add up, so each period keeps its own estimate."""

    __tablename__ = "stats_periods"

    period: Mapped[str] = mapped_column(String(7), primary_key=True)
    visitors: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<PeriodStat {self.period} visitors={self.visitors}>"


class DailyBreakdown(db.Model):
    """One value of one breakdown on one local day: visits by browser, OS, device type,
    referrer host, search engine or country; page views by bot name. Derived from what
    Redis kept per day (the raw user agents and referrer hosts) by the reports job."""

    __tablename__ = "stats_breakdown"
    # Covering the reports' ranking (dimension, day range -> value, count) from the index alone.
    __table_args__ = (
        Index("ix_stats_breakdown_dimension_day_value_count", "dimension", "day", "value", "count"),
    )

    day: Mapped[date] = mapped_column(primary_key=True)
    dimension: Mapped[str] = mapped_column(String(16), primary_key=True)
    value: Mapped[str] = mapped_column(String(255), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DailyBreakdown {self.day} {self.dimension}={self.value!r} {self.count}>"
