"""Moving what Redis counts into SQL: daily/hourly checkpoints and item counter flushes."""

from __future__ import annotations

import logging
import uuid
from datetime import date, datetime, timedelta

from sqlalchemy import case, false, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from app.dates import utcnow
from app.extensions import db
from app.stats.models import CounterFlush, DailyStat, HourlyStat, ItemDailyView, PeriodStat
from app.stats.services import StatsService

log = logging.getLogger(__name__)

DAY_KEY_TTL = 3 * 24 * 3600
DAILY_ROWS_PER_STATEMENT = 1000


def _insert(table):
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    return module.insert(table)


def _never_lower(table, stmt, columns: list[str]) -> dict:
    """ON CONFLICT values that take Redis' count unless SQL already holds more."""
    return {
        name: case((stmt.excluded[name] > table.c[name], stmt.excluded[name]), else_=table.c[name])
        for name in columns
    }


def checkpoint(service: StatsService, now: float | None = None) -> list[date]:
    """Upsert today's and yesterday's counters (site zone) into the SQL history."""
    store = service.store
    now = store.now() if now is None else now
    if not store.client.exists(store.keys.init):
        return []  # an emptied Redis must be restored from SQL, never copied over it
    today = store.local(now).date()
    written = []
    late = sorted(store.client.smembers(store.keys.days_late))  # days an outage's replay reached
    late_days = [date.fromisoformat(day) for day in late]
    for day in [*late_days, today - timedelta(days=1), today]:
        key = f"{day:%Y-%m-%d}"
        counters = store.day_counters(key)
        if not counters["day"]:
            continue
        _upsert_day(day, counters)
        written.append(day)
        if day < today:
            # Only a day that is over may expire (Redis' maxmemory policy evicts keys with a
            # TTL first): today's counters must never be evicted before they reach SQL.
            store.expire_day(key, DAY_KEY_TTL)
    # Unique visitors of the months and years of the days written: they do not add up
    # from days, each period has its HyperLogLog (the union of its days').
    periods = []
    if written:
        visitors = store.period_visitors([f"{day:%Y-%m-%d}" for day in written])
        _upsert_periods(visitors)
        periods = sorted(visitors)
    db.session.commit()
    # Periods that are over, in SQL now: those of the days written, and always the previous
    # month and year (their last day may have had no page view, so no day wrote them).
    over = {p for p in periods if p < (f"{today:%Y-%m}" if len(p) == 7 else f"{today:%Y}")}
    over.update((f"{today.replace(day=1) - timedelta(days=1):%Y-%m}", f"{today.year - 1}"))
    store.expire_periods(sorted(over), DAY_KEY_TTL)
    if late_days:
        # The breakdowns of days an outage's replay reached (the reports job derives only
        # today and yesterday).
        from app.stats import derive

        derive.derive_days(service, [day for day in late_days if day in written])
    if late:
        store.client.srem(store.keys.days_late, *late)
    return written


def _upsert_day(day: date, counters: dict) -> None:
    stamp = utcnow()
    values = counters["day"]
    daily = DailyStat.__table__
    stmt = _insert(daily).values(
        day=day, visits=int(values.get("visits", 0)), visitors=int(counters["visitors"]),
        page_views=int(values.get("views", 0)), bot_views=int(values.get("bot_views", 0)),
        updated_at=stamp, imported=False,
    )  # fmt: skip
    columns = ["visits", "visitors", "page_views", "bot_views"]
    update_values = _never_lower(daily, stmt, columns)
    # A day counted here that a history import also covered becomes the counted day: its
    # counts replace the imported ones (never mixed with them), and it joins the total.
    for name in columns:
        update_values[name] = case(
            (daily.c.imported, stmt.excluded[name]), else_=update_values[name]
        )
    update_values["imported"] = false()
    update_values["updated_at"] = stmt.excluded.updated_at
    db.session.execute(stmt.on_conflict_do_update(index_elements=["day"], set_=update_values))

    hourly = HourlyStat.__table__
    hour_visitors = counters.get("hour_visitors") or [0] * 24
    rows = [
        {"day": day, "hour": hour, "visits": int(h.get("visits", 0)),
         "page_views": int(h.get("views", 0)), "bot_views": int(h.get("bot_views", 0)),
         "visitors": int(hour_visitors[hour] or 0)}
        for hour, h in enumerate(counters["hours"]) if h
    ]  # fmt: skip
    if rows:
        stmt = _insert(hourly).values(rows)
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["day", "hour"],
                set_=_never_lower(hourly, stmt, ["visits", "page_views", "bot_views", "visitors"]),
            )
        )


def _upsert_periods(visitors: dict[str, tuple[int, str]]) -> None:
    """Unique visitors per local month ("2026-11") and year ("2026"), never lowered (a Redis
    that lost a period's HyperLogLog starts it again from nothing). A period is written only
    while its HyperLogLog covers every day of it that has data: none of its days before the
    first one merged has a DailyStat row with visits (a day counted before this release or
    before Redis lost the period, or imported). Otherwise it is left as it is (absent: the
    reports show "—"), never a figure for part of the period shown as the whole."""
    rows = []
    for period, (n, since) in visitors.items():
        start = date(int(period[:4]), int(period[5:7]) if len(period) == 7 else 1, 1)
        if not n or not since:
            continue
        earlier = db.session.scalar(
            select(DailyStat.day)
            .where(DailyStat.day >= start, DailyStat.day < date.fromisoformat(since))
            .where(DailyStat.visits > 0)  # a day of bots only has no visitor to miss
            .limit(1)
        )
        if earlier is None:
            rows.append({"period": period, "visitors": n, "updated_at": utcnow()})
    if not rows:
        return
    table = PeriodStat.__table__
    stmt = _insert(table).values(rows)
    update_values = _never_lower(table, stmt, ["visitors"])
    update_values["updated_at"] = stmt.excluded.updated_at
    db.session.execute(stmt.on_conflict_do_update(index_elements=["period"], set_=update_values))


def flush_counters(service: StatsService, kind: str) -> int:
    """Add one batch of buffered `kind` counts to SQL exactly once; return items updated.

    The batch is renamed aside in Redis under an id, applied in one SQL transaction that
    also records the id, then dropped from Redis. A crash before the commit re-applies the
    same batch next time; a crash after it finds the id recorded and only drops the batch.
    """
    counter = service.counters[kind]
    taken = service.store.take_batch(kind, uuid.uuid4().hex)
    if taken is None:
        return 0
    batch_id, counts = taken
    applied = 0
    if db.session.get(CounterFlush, batch_id) is None:
        model = counter.model
        column = getattr(model, counter.column)
        db.session.add(CounterFlush(id=batch_id, kind=kind, items=len(counts)))
        daily = {}
        for item_id, amount in counts.items():
            if not (item_id.isascii() and item_id.isdigit()):
                continue
            done = db.session.execute(
                update(model).where(model.id == int(item_id)).values({column: column + amount})
            )
            if done.rowcount:  # an item deleted meanwhile gets no day row either
                daily[int(item_id)] = amount
            applied += 1
        # The same transaction keeps the views per local day ("Tin xem nhiều"): the batch's
        # id makes both exactly-once. A batch holds at most one flush interval of views, all
        # filed under the day the flush runs (a few seconds may cross midnight).
        _add_daily_views(kind, service.store.local(service.store.now()).date(), daily)
        try:
            db.session.commit()
        except IntegrityError:  # another process applied this batch at the same moment
            db.session.rollback()
            applied = 0
    service.store.drop_batch(kind, batch_id)
    return applied


def _add_daily_views(kind: str, day: date, counts: dict[int, int]) -> None:
    if not counts:
        return
    table = ItemDailyView.__table__
    rows = [{"kind": kind, "item_id": item, "day": day, "views": n} for item, n in counts.items()]
    # In slices: one statement's bound parameters stay far below SQLite's limit (32,766).
    for start in range(0, len(rows), DAILY_ROWS_PER_STATEMENT):
        stmt = _insert(table).values(rows[start : start + DAILY_ROWS_PER_STATEMENT])
        db.session.execute(
            stmt.on_conflict_do_update(
                index_elements=["kind", "item_id", "day"],
                set_={"views": table.c.views + stmt.excluded.views},
            )
        )


def flush_all(service: StatsService) -> int:
    return sum(flush_counters(service, kind) for kind in service.counters)


def prune_flush_records(older_than: timedelta = timedelta(days=7)) -> None:
    cutoff: datetime = utcnow() - older_than
    db.session.query(CounterFlush).filter(CounterFlush.applied_at < cutoff).delete()
    db.session.commit()
