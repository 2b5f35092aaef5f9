"""The "Tin xem nhiều" sidebar block: the visible articles most viewed over the last
MOST_READ_DAYS local days, from the views per day the statistics' flush keeps.

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
from app.sidebar import POSITIONS, Block, register_block

DEFAULTS = {"MOST_READ_DAYS": 7, "MOST_READ_COUNT": 5, "MOST_READ_CACHE_SECONDS": 300}


class Ranking:
    """Article ids in ranking order, computed at most once per `ttl` seconds per process."""

    def __init__(self) -> None:
        self._ids: list[int] = []
        self._at = -float("inf")
        self._lock = threading.Lock()

    def ids(self, days: int, limit: int, ttl: float) -> list[int]:
        if time.monotonic() - self._at < ttl:
            return self._ids
        with self._lock:
            if time.monotonic() - self._at >= ttl:
                # Room for a few articles hidden before the next refresh.
                self._ids = queries.most_read_ids(days, limit * 2)
                self._at = time.monotonic()
            return self._ids


def _context(page_view: PageView | None) -> dict | None:
    config = current_app.config
    count = config["MOST_READ_COUNT"]
    ranking: Ranking = current_app.extensions["most_read"]
    ids = ranking.ids(config["MOST_READ_DAYS"], count, config["MOST_READ_CACHE_SECONDS"])
    articles = queries.visible_by_ids(ids)[:count]
    if not articles:
        return None
    return {"articles": articles, "days": config["MOST_READ_DAYS"]}


def init_app(app: Flask) -> None:
    for name, value in DEFAULTS.items():
        app.config.setdefault(name, value)
    app.extensions["most_read"] = Ranking()
    register_block(app, Block("most_read", "news/most_read.html", _context, POSITIONS["most_read"]))
