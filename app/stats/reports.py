"""Report queries over the SQL history (stats_daily, stats_hourly, stats_periods,
stats_breakdown, stats_item_daily): what the admin reports and /thong-ke/ show.

Read-only; every function takes local days (site zone).
Today's numbers are SQL's too: the counters are checkpointed into SQL every 30 seconds.

Unique visitors do not add up: a day shows stats_daily.visitors, an hour
stats_hourly.visitors, a month or a year stats_periods; None ("—") where nothing was kept
(imported days, periods before the switch).
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from flask import current_app
from sqlalchemy import extract, func, or_, select

from app.db_threads import thread_engine
from app.extensions import db
from app.live_counters import counters, report_items
from app.offload import gevent_active, offload
from app.stats import agents
from app.stats.models import DailyBreakdown, DailyStat, HourlyStat, ItemDailyView, PeriodStat

MAX_PERIOD_DAYS = 3660  # ten years: a longer range is refused
# Dates a period may take: far enough from date.min and date.max that the previous period
# and the default start stay representable.
EARLIEST, LATEST = date(1900, 1, 1), date(9000, 12, 31)
PRESET_DAYS = (30, 90, 365)
WEEKDAYS = ("Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy", "Chủ nhật")
OTHER_LABEL = "Khác"

DIMENSIONS = {
    "browser": "Trình duyệt",
    "os": "Hệ điều hành",
    "device": "Loại thiết bị",
    "referrer": "Trang giới thiệu",
    "search": "Máy tìm kiếm",
    "bot": "Máy tìm kiếm và bot (theo tên)",
    "country": "Quốc gia",
}
DEVICE_LABELS = {"desktop": "Máy tính", "mobile": "Điện thoại", "tablet": "Máy tính bảng",
                 "other": "Khác"}  # fmt: skip
ITEM_KINDS = {  # kind -> (the items' name, what is counted, the table's title)
    "article": ("Bài viết", "Lượt xem", "Bài viết xem nhiều nhất"),
    "document": ("Văn bản", "Lượt xem", "Văn bản xem nhiều nhất"),
    "document_download": ("Văn bản", "Lượt tải", "Văn bản tải nhiều nhất"),
}


class PeriodError(ValueError):
    """A period the reports refuse (unreadable date, end before start, too long)."""


@dataclass(frozen=True)
class Period:
    """Local days `start` to `end`, both included."""

    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end)

    def each_day(self) -> Iterable[date]:
        for offset in range(self.days):
            yield self.start + timedelta(days=offset)

    def label(self) -> str:
        return f"{self.start:%d/%m/%Y} – {self.end:%d/%m/%Y}"


def last_days(days: int, today: date) -> Period:
    return Period(today - timedelta(days=days - 1), today)


def parse_period(args, today: date, default_days: int = 30) -> Period:
    """The period a report's GET form asks for: `from` and `to` (YYYY-MM-DD), or `days`
    (30, 90 or 365, ending today); `default_days` when neither is given."""
    start, end = (args.get("from") or "").strip(), (args.get("to") or "").strip()
    if start or end:
        try:
            first = date.fromisoformat(start) if start else None
            last = date.fromisoformat(end) if end else today
        except ValueError as exc:
            raise PeriodError("Ngày không hợp lệ: hãy nhập theo dạng năm-tháng-ngày.") from exc
        if not (EARLIEST <= (first or last) and last <= LATEST):
            raise PeriodError("Ngày nằm ngoài khoảng cho phép (từ năm 1900 đến năm 9000).")
        if first is None:
            first = last - timedelta(days=default_days - 1)
        if last < first:
            raise PeriodError("Ngày kết thúc phải sau ngày bắt đầu.")
        period = Period(first, last)
        if period.days > MAX_PERIOD_DAYS:
            raise PeriodError(f"Khoảng thời gian dài nhất là {MAX_PERIOD_DAYS} ngày.")
        return period
    days = args.get("days") or str(default_days)
    # ASCII digits only: str.isdigit() is also true for "²", which int() refuses.
    if not (days.isascii() and days.isdigit() and len(days) <= 4) or int(days) not in (
        *PRESET_DAYS,
        default_days,
    ):
        raise PeriodError("Số ngày phải là 30, 90 hoặc 365.")
    return last_days(int(days), today)


# Rows
@dataclass
class Totals:
    """Counts of a day, an hour, a month, a year or a period."""

    visits: float = 0  # int, except in profiles (means)
    page_views: float = 0
    bot_views: float = 0
    visitors: int | None = None  # None: unknown (imported day, not kept, not additive)
    imported: bool = False

    def add(self, other: Totals) -> None:
        self.visits += other.visits
        self.page_views += other.page_views
        self.bot_views += other.bot_views


@dataclass
class Row:
    key: object  # a date, an hour, "YYYY-MM", a year, a weekday number
    label: str
    totals: Totals = field(default_factory=Totals)


def _day_totals(row: DailyStat | None) -> Totals:
    if row is None:
        return Totals(visitors=0)
    # An imported day knows its visitors only if the old site's file gave them.
    visitors = None if row.imported and not row.visitors else row.visitors
    return Totals(row.visits, row.page_views, row.bot_views, visitors, bool(row.imported))


def hours_of(day: date) -> list[Totals]:
    """The 24 hours of a local day (zeros where nothing was counted)."""
    hours = [Totals(visitors=0) for _ in range(24)]
    query = select(HourlyStat).where(HourlyStat.day == day)
    for row in db.session.scalars(query):
        if 0 <= row.hour < 24:
            hours[row.hour] = Totals(row.visits, row.page_views, row.bot_views, row.visitors)
    return hours


def day_rows(period: Period) -> list[Row]:
    """Each day of the period, oldest first."""
    query = select(DailyStat).where(DailyStat.day.between(period.start, period.end))
    found = {row.day: row for row in db.session.scalars(query)}
    return [Row(day, f"{day:%d/%m/%Y}", _day_totals(found.get(day))) for day in period.each_day()]


def period_totals(period: Period) -> Totals:
    """Sums over a period (visitors: None, unique visitors do not add up)."""
    query = select(
        func.coalesce(func.sum(DailyStat.visits), 0),
        func.coalesce(func.sum(DailyStat.page_views), 0),
        func.coalesce(func.sum(DailyStat.bot_views), 0),
    ).where(DailyStat.day.between(period.start, period.end))
    visits, page_views, bot_views = db.session.execute(query).one()
    return Totals(int(visits), int(page_views), int(bot_views))


def _period_visitors(keys: Iterable[str]) -> dict[str, int]:
    keys = list(keys)
    if not keys:
        return {}
    query = select(PeriodStat.period, PeriodStat.visitors).where(PeriodStat.period.in_(keys))
    return dict(db.session.execute(query).all())


def month_end(day: date) -> date:
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def month_rows(first: date, last: date, today: date | None = None) -> list[Row]:
    """Each month from `first`'s to `last`'s, oldest first (visitors from stats_periods).

    The first month counts from its first day; the last stops at `last`. Its unique
    visitors (kept for the whole month) are shown only when `last` is the month's last day,
    or `today` or later (the month so far: both numbers cover the same days); else None
    ("—"), since they would cover days the visits leave out."""
    year, month = extract("year", DailyStat.day), extract("month", DailyStat.day)
    query = (
        select(year, month, func.sum(DailyStat.visits), func.sum(DailyStat.page_views),
               func.sum(DailyStat.bot_views))
        .where(DailyStat.day.between(first.replace(day=1), last))
        .group_by(year, month)
    )  # fmt: skip
    sums = {(int(y), int(m)): (v, p, b) for y, m, v, p, b in db.session.execute(query)}
    keys = []
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        keys.append((y, m))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    visitors = _period_visitors(f"{y:04d}-{m:02d}" for y, m in keys)
    last_whole = last == month_end(last) or (today is not None and last >= today)
    rows = []
    for y, m in keys:
        v, p, b = sums.get((y, m), (0, 0, 0))
        key = f"{y:04d}-{m:02d}"
        cut = (y, m) == (last.year, last.month) and not last_whole
        totals = Totals(int(v or 0), int(p or 0), int(b or 0), None if cut else visitors.get(key))
        rows.append(Row(key, f"{m:02d}/{y}", totals))
    return rows


def first_day() -> date | None:
    """The oldest day SQL's history holds."""
    return db.session.scalar(select(func.min(DailyStat.day)))


def year_rows(today: date) -> list[Row]:
    """Each year from the oldest in the history to this one (visitors from stats_periods)."""
    year = extract("year", DailyStat.day)
    query = select(year, func.sum(DailyStat.visits), func.sum(DailyStat.page_views),
                   func.sum(DailyStat.bot_views)).group_by(year)  # fmt: skip
    sums = {int(y): (v, p, b) for y, v, p, b in db.session.execute(query)}
    oldest = min([*sums, today.year])
    years = list(range(oldest, today.year + 1))
    visitors = _period_visitors(str(y) for y in years)
    rows = []
    for y in years:
        v, p, b = sums.get(y, (0, 0, 0))
        rows.append(Row(y, str(y), Totals(int(v or 0), int(p or 0), int(b or 0),
                                          visitors.get(str(y)))))  # fmt: skip
    return rows


def weekday_profile(period: Period) -> list[Row]:
    """Mean visits, page views and bot views per weekday over the period (a day without a
    row counts as zero). Rounded to one decimal; visitors not shown."""
    found = {row.key: row.totals for row in day_rows(period)}
    sums = [Totals() for _ in range(7)]
    seen = [0] * 7
    for day in period.each_day():
        sums[day.weekday()].add(found[day])
        seen[day.weekday()] += 1
    return [Row(i, WEEKDAYS[i], _mean(sums[i], seen[i])) for i in range(7)]


def hour_profile(period: Period) -> list[Row]:
    """Mean visits, page views and bot views per hour of the day over the period's days
    that have hourly detail (an imported day usually has none and is then left out)."""
    hour_sums = (
        select(HourlyStat.hour, func.sum(HourlyStat.visits), func.sum(HourlyStat.page_views),
               func.sum(HourlyStat.bot_views))
        .where(HourlyStat.day.between(period.start, period.end))
        .group_by(HourlyStat.hour)
    )  # fmt: skip
    days = db.session.scalar(
        select(func.count(func.distinct(HourlyStat.day)))
        .where(HourlyStat.day.between(period.start, period.end))
    ) or 1  # fmt: skip
    sums = {int(h): Totals(int(v or 0), int(p or 0), int(b or 0))
            for h, v, p, b in db.session.execute(hour_sums)}  # fmt: skip
    return [Row(h, f"{h:02d}h", _mean(sums.get(h, Totals()), days)) for h in range(24)]


def _mean(totals: Totals, count: int) -> Totals:
    count = max(count, 1)
    return Totals(round(totals.visits / count, 1), round(totals.page_views / count, 1),
                  round(totals.bot_views / count, 1))  # fmt: skip


@dataclass(frozen=True)
class Change:
    label: str
    current: int
    previous: int

    @property
    def percent(self) -> float | None:
        """The change in percent, None when the previous period had none."""
        if not self.previous:
            return None
        return round((self.current - self.previous) * 100 / self.previous, 1)


def compared_periods(period: Period, today: date) -> tuple[Period, Period]:
    """(this period, the previous one) as the comparison takes them: whole days only. A
    period that reaches today stops yesterday (today is not over, and the previous period
    has only whole days), unless it is today alone (then today so far beside yesterday)."""
    yesterday = today - timedelta(days=1)
    if period.end >= today and period.start <= yesterday:
        period = Period(period.start, yesterday)
    return period, period.previous()


def comparison(period: Period, today: date) -> list[Change]:
    """Visits, page views and bot views of the period beside the previous one (whole days:
    see compared_periods)."""
    period, previous = compared_periods(period, today)
    now, before = period_totals(period), period_totals(previous)
    return [
        Change("Lượt truy cập", now.visits, before.visits),
        Change("Lượt xem trang", now.page_views, before.page_views),
        Change("Lượt xem của bot", now.bot_views, before.bot_views),
    ]


@dataclass(frozen=True)
class Share:
    value: str  # as kept ("" = other)
    label: str
    count: int
    percent: float


def value_label(dimension: str, value: str) -> str:
    if value == "":
        return OTHER_LABEL
    if dimension == "device":
        return DEVICE_LABELS.get(value, value)
    return value


CSV_LIMIT = 10_000  # values a breakdown's CSV lists; the rest is added to "Khác"
RANK_MARGIN = 50  # values fetched beyond the limit, for those dropped after the query


def shown_referrer(value: str) -> str:
    """A referrer value as the reports show it: a domain name or an IP address, else ""
    ("Khác": text a visitor put in a Referer, spaces and all, is never published)."""
    if value == "":
        return ""
    try:
        ipaddress.ip_address(value.strip("[]"))
        return value
    except ValueError:
        pass
    return value if agents.is_domain(agents.normalise_host(value)) else ""


def _referrer_exclusions():
    """SQL conditions for the referrer hosts the reports leave out: the site's own (with or
    without "www.") and the blocklisted domains with their subdomains."""
    own = {agents.normalise_host(h).removeprefix("www.") for h in agents.own_hosts()} - {""}
    names = own | {f"www.{h}" for h in own}
    blocked = agents.blocklist()
    value = DailyBreakdown.value
    conditions = [value.in_(sorted(names | blocked))] if names | blocked else []
    conditions += [value.endswith(f".{domain}", autoescape=True) for domain in sorted(blocked)]
    return conditions


def breakdown(dimension: str, period: Period, limit: int = CSV_LIMIT) -> list[Share]:
    """The `limit` biggest values of a dimension over the period, biggest first, the rest
    (and "" itself) added to one "Khác" row; percentages of the period's whole count.

    Ranked in SQL (GROUP BY value ORDER BY SUM LIMIT): a month of referrer spam (5,000
    hosts a day) never comes into Python. Referrer hosts: the site's own and blocklisted
    ones (a domain blocklisted since disappears from the past too) are left out in SQL, so
    the ranking and the total are right; a value that is not a host name counts as "Khác"
    (shown_referrer); the Python check of referrer_excluded is repeated on the rows fetched
    (host names SQL cannot normalise, such as IDN)."""
    where = [DailyBreakdown.dimension == dimension,
             DailyBreakdown.day.between(period.start, period.end)]  # fmt: skip
    if dimension == "referrer" and (exclusions := _referrer_exclusions()):
        where.append(~or_(*exclusions))
    query = (
        select(DailyBreakdown.value, func.sum(DailyBreakdown.count).label("n"))
        .where(*where)
        .group_by(DailyBreakdown.value)
        .order_by(func.sum(DailyBreakdown.count).desc(), DailyBreakdown.value)
        .limit(limit + RANK_MARGIN)
    )  # fmt: skip
    rows, total = _ranked(query, select(func.sum(DailyBreakdown.count)).where(*where),
                          limit + RANK_MARGIN)  # fmt: skip
    if dimension == "referrer":
        own, blocked = agents.own_hosts(), agents.blocklist()
        kept = []
        for value, n in rows:
            if value and agents.referrer_excluded(value, own, blocked):
                total -= n  # left out of the whole count too
            else:
                kept.append((shown_referrer(value), n))
        rows = kept
    shown = [(v, n) for v, n in rows if v != ""][:limit]
    other = total - sum(n for _, n in shown)
    if other > 0:
        shown.append(("", other))
    whole = total or 1
    shares = [Share(v, value_label(dimension, v), n, round(n * 100 / whole, 1)) for v, n in shown]
    return sorted(shares, key=lambda s: (-s.count, s.value))


def _ranked(query, total_query, wanted: int) -> tuple[list[tuple[str, int]], int]:
    """(value, count) rows of the ranked query and the whole count (its own SUM only when the
    ranking did not return every value). In a gevent worker they are read in a thread of the
    pool, on a connection of its own: a year of breakdown rows is hundreds of milliseconds of
    C work in SQLite or PostgreSQL that would otherwise hold every request and stream of the
    worker (committed rows only, as a report needs)."""

    def read(execute) -> tuple[list[tuple[str, int]], int]:
        rows = [(value, int(n or 0)) for value, n in execute(query)]
        if len(rows) < wanted:  # every value came: they are the whole count
            return rows, sum(n for _, n in rows)
        return rows, int(execute(total_query).scalar() or 0)

    if not gevent_active():
        return read(db.session.execute)
    engine = thread_engine()

    def in_thread():
        with engine.connect() as connection:
            return read(connection.execute)

    return offload(in_thread, heavy=True)


BREAKDOWN_SECONDS = 60  # a breakdown's answer is kept this long per process (derived every 60 s)
BREAKDOWN_ENTRIES = 64  # answers kept per process, the least recently used dropped first
_breakdowns_lock = threading.Lock()  # the cache's bookkeeping only, never held over SQL


def cached_breakdown(dimension: str, period: Period, limit: int) -> list[Share]:
    """breakdown(), kept per application and process for BREAKDOWN_SECONDS: the rows behind
    it change only when the reports job derives them (once a minute), and a year of them is
    hundreds of milliseconds of SQL. Keyed by the exclusions too, so a blocklist change shows
    at once."""
    exclusions = (agents.own_hosts(), agents.blocklist()) if dimension == "referrer" else None
    key = (dimension, period, limit, exclusions)
    cache = current_app.extensions.setdefault("stats_breakdowns", OrderedDict())
    with _breakdowns_lock:
        entry = cache.get(key)
        if entry is not None and entry[0] > time.monotonic():
            cache.move_to_end(key)
            return entry[1]
    shares = breakdown(dimension, period, limit)
    with _breakdowns_lock:
        cache[key] = (time.monotonic() + BREAKDOWN_SECONDS, shares)
        cache.move_to_end(key)
        while len(cache) > BREAKDOWN_ENTRIES:
            cache.popitem(last=False)
    return shares


def has_breakdown(dimension: str) -> bool:
    """Whether any day holds this dimension (countries only exist with GeoIP)."""
    query = select(DailyBreakdown.day).where(DailyBreakdown.dimension == dimension).limit(1)
    return db.session.scalar(query) is not None


@dataclass(frozen=True)
class TopItem:
    kind: str
    item_id: int
    title: str
    url: str | None
    count: int


def item_kind(kind: str) -> tuple[str, str, str]:
    """(the items' name, what is counted, the table's title) of a counted kind: ours for the
    known kinds, else the name the feature registered (register_report_item)."""
    if kind in ITEM_KINDS:
        return ITEM_KINDS[kind]
    registered = report_items(current_app).get(kind)
    name = registered.label if registered is not None else kind
    return name, "Lượt xem", f"{name}: xem nhiều nhất"


def top_items(kind: str, period: Period, limit: int = 20) -> list[TopItem]:
    """The most viewed (or downloaded) items of a kind over the period, with their titles
    and links from the feature's registrations (a deleted item keeps its number)."""
    query = (
        select(ItemDailyView.item_id, func.sum(ItemDailyView.views).label("n"))
        .where(ItemDailyView.kind == kind, ItemDailyView.day.between(period.start, period.end))
        .group_by(ItemDailyView.item_id)
        .order_by(func.sum(ItemDailyView.views).desc(), ItemDailyView.item_id)
        .limit(limit)
    )
    ranked = [(int(item_id), int(n or 0)) for item_id, n in db.session.execute(query)]
    counter = counters(current_app).get(kind)
    rows: dict[int, object] = {}
    if counter is not None and ranked:
        model = counter.model
        found = db.session.scalars(select(model).where(model.id.in_([i for i, _ in ranked])))
        rows = {row.id: row for row in found}
    linker = report_items(current_app).get(kind)
    items = []
    for item_id, n in ranked:
        row = rows.get(item_id)
        title = getattr(row, "title", None) or f"#{item_id} (đã xoá)"
        url = linker.url(row) if row is not None and linker and linker.url else None
        items.append(TopItem(kind, item_id, title, url, n))
    return items


def item_kinds() -> list[str]:
    """The counted kinds to rank: the known ones first, then any other registered."""
    known = [k for k in ITEM_KINDS if k in counters(current_app)]
    return known + sorted(k for k in counters(current_app) if k not in ITEM_KINDS)
