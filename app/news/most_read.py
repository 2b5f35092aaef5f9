"""The "Tin xem nhiều" sidebar block: the visible articles most viewed over the last local
days, from the views per day the statistics' flush keeps. How many days and how many
articles are site settings (/admin/cai-dat/).

The ranking changes slowly (the flush adds to it every 30 s), so each process keeps it for
MOST_READ_CACHE_SECONDS and renders no query but the articles' own (one primary-key lookup
that also drops articles hidden since). Cached pages are not made stale when the ranking
moves: a page is re-rendered within PAGE_CACHE_SECONDS anyway, so the block lags the flush by
at most the two durations together, and no page view pays for it.
"""

from __future__ import annotations

import threading
import time

from flask import Flask, current_app

from app.news import queries
from app.page_view import PageView
from app.settings import Setting, declare, get
from app.sidebar import POSITIONS, Block, register_block

DEFAULTS = {"MOST_READ_CACHE_SECONDS": 300}
DAYS = Setting(
    key="most_read_days",
    label="“Tin xem nhiều”: tính lượt xem của bao nhiêu ngày gần nhất",
    default=7,
    kind="int",
    minimum=1,
    maximum=365,
    help="Hôm nay tính là một ngày (theo giờ của trang).",
    section="Bên lề",
    position=10,
)
COUNT = Setting(
    key="most_read_count",
    label="“Tin xem nhiều”: số bài hiển thị",
    default=5,
    kind="int",
    minimum=1,
    maximum=20,
    section="Bên lề",
    position=20,
)


class Ranking:
    """Article ids in ranking order, computed at most once per `ttl` seconds per process."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._at = -float("inf")
        self._for: tuple[int, int] | None = None  # the settings the ids were ranked for
        self._lock = threading.Lock()

    def _fresh(self, days: int, limit: int, ttl: float) -> bool:
        return self._for == (days, limit) and time.monotonic() - self._at < ttl

    def ids(self, days: int, limit: int, ttl: float) -> list[int]:
        if self._fresh(days, limit, ttl):
            return self._ids
        with self._lock:
            if not self._fresh(days, limit, ttl):
                # Room for a few articles hidden before the next refresh.
                self._ids = queries.most_read_ids(days, limit * 2)
                self._at, self._for = time.monotonic(), (days, limit)
            return self._ids


def _context(page_view: PageView | None) -> dict | None:
    days, count = int(get(DAYS.key)), int(get(COUNT.key))
    ranking: Ranking = current_app.extensions["most_read"]
    ids = ranking.ids(days, count, current_app.config["MOST_READ_CACHE_SECONDS"])
    articles = queries.visible_by_ids(ids)[:count]
    if not articles:
        return None
    return {"articles": articles, "days": days}


def init_app(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    declare(app, DAYS)
    declare(app, COUNT)
    app.extensions["most_read"] = Ranking()
    register_block(app, Block("most_read", "news/most_read.html", _context, POSITIONS["most_read"]))
