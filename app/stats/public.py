"""The optional public statistics page /thong-ke/ (NukeViet's style), switched on in the
settings ("stats_public_page"); 404 while it is off.

Tables with bars, as NukeViet's statistics module shows
them: by hour (today), by day (this month), by month (this year), by year, browsers,
operating systems, countries (only when counted), referrer hosts and bots (this month).
Nothing staff-only: no live panel, no item titles.

A reader's page like the others: counted as a page view and kept in the page cache
(@cached_page), so a flood of anonymous requests costs what the home page costs. The headline
("Tổng lượt truy cập", "Hôm nay") is the live snapshot the sidebar shows, filled for every
response; the tables are SQL's (checkpointed about every 30 seconds), built at most once a
minute per process (TABLES_SECONDS) for the requests the page cache does not answer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date

from flask import Blueprint, abort, current_app, redirect, render_template, url_for

from app.page_cache import cached_page
from app.page_view import PageView
from app.settings import store
from app.stats import count_page_view, reports
from app.stats.item_views import local_today
from app.stats.services import get_service

bp = Blueprint("stats_public", __name__)

PUBLIC_LIMIT = 20  # rows of a breakdown; the rest goes to "Khác"
TABLES_SECONDS = 60  # the tables are rebuilt at most this often per process
_tables_lock = threading.Lock()


@dataclass(frozen=True)
class Bar:
    label: str
    count: int
    width: int  # 0..100 in steps of 5, relative to the table's biggest row


@dataclass(frozen=True)
class BarTable:
    name: str
    title: str
    column: str
    measure: str
    bars: list[Bar]

    @property
    def total(self) -> int:
        return sum(b.count for b in self.bars)


def _bars(pairs: list[tuple[str, int]]) -> list[Bar]:
    peak = max((n for _, n in pairs), default=0) or 1
    # Steps of 5 % (CSS classes: no inline style under the CSP); a count above 0 shows.
    return [Bar(label, n, max(int(round(n * 20 / peak)) * 5, 5 if n else 0)) for label, n in pairs]


def _enabled() -> bool:
    return bool(store.get("stats_public_page"))


def tables(today: date) -> list[BarTable]:
    month = reports.Period(today.replace(day=1), today)
    hours = reports.hours_of(today)
    days = reports.day_rows(reports.Period(today.replace(day=1), reports.month_end(today)))
    months = reports.month_rows(today.replace(month=1, day=1), today, today)
    years = reports.year_rows(today)
    out = [
        BarTable("hours", f"Theo giờ, hôm nay {today:%d/%m/%Y}", "Giờ", "Lượt truy cập",
                 _bars([(f"{h:02d}h", int(t.visits)) for h, t in enumerate(hours)])),
        BarTable("days", f"Theo ngày, tháng {today:%m/%Y}", "Ngày", "Lượt truy cập",
                 _bars([(f"{r.key:%d}", int(r.totals.visits)) for r in days])),
        BarTable("months", f"Theo tháng, năm {today.year}", "Tháng", "Lượt truy cập",
                 _bars([(r.label, int(r.totals.visits)) for r in months])),
        BarTable("years", "Theo năm", "Năm", "Lượt truy cập",
                 _bars([(r.label, int(r.totals.visits)) for r in years])),
    ]  # fmt: skip
    dimensions = [("browser", "Trình duyệt"), ("os", "Hệ điều hành")]
    if reports.has_breakdown("country"):
        dimensions.append(("country", "Quốc gia"))
    dimensions += [("referrer", "Trang giới thiệu"), ("bot", "Máy tìm kiếm và bot")]
    for dimension, title in dimensions:
        shares = reports.breakdown(dimension, month, limit=PUBLIC_LIMIT)
        measure = "Lượt xem trang" if dimension == "bot" else "Lượt truy cập"
        out.append(BarTable(dimension, f"{title}, tháng {today:%m/%Y}", title, measure,
                            _bars([(s.label, s.count) for s in shares])))  # fmt: skip
    return out


def cached_tables(today: date) -> list[BarTable]:
    """tables(today), kept per application and process for TABLES_SECONDS (the SQL behind
    them changes only at each checkpoint or derive)."""
    cache = current_app.extensions.setdefault("stats_public_tables", {})
    now = time.monotonic()
    entry = cache.get(today)
    if entry is not None and entry[0] > now:
        return entry[1]
    with _tables_lock:  # one build at a time; the others wait for it, then reuse it
        entry = cache.get(today)
        if entry is not None and entry[0] > time.monotonic():
            return entry[1]
        built = tables(today)
        cache.clear()  # only today's
        cache[today] = (time.monotonic() + TABLES_SECONDS, built)
        return built


@bp.get("/thong-ke")
def page_without_slash():
    if not _enabled():
        abort(404)
    return redirect(url_for("stats_public.page"), 301)


@bp.get("/thong-ke/")
@cached_page
def page(page_view: PageView):
    if not _enabled():
        abort(404)
    count_page_view(page_view)
    snapshot = get_service().current(page_view)  # the sidebar's numbers, live
    return render_template("stats/public.html", page_view=page_view, snapshot=snapshot,
                           tables=cached_tables(local_today()))  # fmt: skip
