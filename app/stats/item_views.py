"""Views per counted item per local day (site zone), as the item counter flushes keep them
(app/stats/durability.py::flush_counters): what "most read" lists rank by."""

from __future__ import annotations

from datetime import date, timedelta

from flask import current_app
from sqlalchemy import Subquery, func, select

from app.stats.models import ItemDailyView


def local_today() -> date:
    """Today in the site's zone, on the statistics' clock (the one the flush files under)."""
    store = current_app.extensions["stats"].store
    return store.local(store.now()).date()


def views_since(kind: str, days: int, today: date | None = None) -> Subquery:
    """(item_id, views) of `kind` over the last `days` local days, today included."""
    today = local_today() if today is None else today
    first = today - timedelta(days=max(days, 1) - 1)
    return (
        select(ItemDailyView.item_id, func.sum(ItemDailyView.views).label("views"))
        .where(ItemDailyView.kind == kind, ItemDailyView.day >= first)
        .group_by(ItemDailyView.item_id)
        .subquery()
    )
