"""Statistics reports under /admin/stats/: charts and tables, CSV export of each table.

Owner: reports engineer (issue 14). Thin views: the numbers come from app/stats/reports.py,
each page is a list of tables (each with its chart, if any); `?format=csv&table=<name>`
downloads one table (app/stats/csv_export.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, Flask, abort, render_template, request, url_for

from app.admin_menu import NavItem, register_nav
from app.auth.policies import staff_required
from app.stats import reports
from app.stats.csv_export import csv_response

bp = Blueprint("stats_admin", __name__, url_prefix="/admin/stats")

PAGES = (  # endpoint, menu label
    ("stats_admin.overview", "Tổng quan"),
    ("stats_admin.days", "Theo ngày"),
    ("stats_admin.months", "Theo tháng"),
    ("stats_admin.years", "Theo năm"),
    ("stats_admin.profiles", "Theo thứ và giờ"),
    ("stats_admin.breakdowns", "Trình duyệt, nguồn truy cập"),
    ("stats_admin.top", "Bài viết, văn bản xem nhiều"),
)
SQL_NOTE = ("Số liệu lấy từ cơ sở dữ liệu, được cập nhật từ bộ đếm khoảng 30 giây một lần, "
            "nên số của hôm nay có thể chậm hơn bảng trực tiếp.")  # fmt: skip
PERIOD_ARGS = ("from", "to", "days")
TABLE_LIMIT = 100  # rows of a breakdown shown; the rest is added to "Khác" (CSV has all)


@dataclass
class Chart:
    """What static/js/stats-charts.js draws (from JSON in the page)."""

    kind: str  # "line" or "bar"
    x_title: str
    y_title: str
    labels: list[str]
    series: list[dict]  # {"label": str, "data": [numbers or None]}
    horizontal: bool = False

    def summary(self, title: str) -> str:
        """The canvas' aria-label: what it shows, each series' total and peak."""
        parts = []
        for series in self.series:
            values = [v for v in series["data"] if v is not None]
            if not values:
                continue
            peak = max(values)
            where = self.labels[series["data"].index(peak)]
            parts.append(f"{series['label']}: cao nhất {_plain(peak)} ({where})")
        shown = "; ".join(parts) or "chưa có số liệu"
        return f"Biểu đồ {title.lower()}: {shown}. Số liệu đầy đủ trong bảng bên dưới."

    def data(self) -> dict:
        return {"kind": self.kind, "x": self.x_title, "y": self.y_title, "labels": self.labels,
                "series": self.series, "horizontal": self.horizontal}  # fmt: skip


@dataclass
class Table:
    """One table of a report: columns are (label, format) with format one of "text",
    "int", "dec" (one decimal), "pct" (percent), "change" (signed percent), "link"
    (a (text, url) pair; the CSV keeps the text)."""

    name: str
    caption: str
    columns: list[tuple[str, str]]
    rows: list[list[object]]
    chart: Chart | None = None
    note: str = ""
    csv_rows: list[list[object]] | None = None  # when the CSV has more than the page

    def csv(self) -> list[list[object]]:
        rows = self.csv_rows if self.csv_rows is not None else self.rows
        return [[c[0] if isinstance(c, tuple) else c for c in row] for row in rows]


def _plain(value) -> str:
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def _today() -> date:
    return reports.local_today()


def _period(default_days: int) -> reports.Period:
    try:
        return reports.parse_period(request.args, _today(), default_days)
    except reports.PeriodError as exc:
        abort(400, description=str(exc))


def _respond(template: str, page: str, tables: list[Table], **context):
    """The page, or one of its tables as CSV (`?format=csv&table=<name>`)."""
    fmt = request.args.get("format")
    if fmt is not None:
        if fmt != "csv":
            abort(404)
        wanted = request.args.get("table", "")
        table = next((t for t in tables if t.name == wanted), None)
        if table is None:
            abort(404)
        period = context.get("period")
        suffix = f"-{period.start}-{period.end}" if period is not None else ""
        header = [label for label, _ in table.columns]
        return csv_response(f"thong-ke-{page}-{table.name}{suffix}", header, table.csv())
    # Only the period's own fields: any other key would reach url_for (`_external`...).
    args = {k: v for k, v in request.args.items() if k in PERIOD_ARGS}
    csv_urls = {t.name: url_for(request.endpoint, **args, format="csv", table=t.name)
                for t in tables}  # fmt: skip
    return render_template(template, tables=tables, csv_urls=csv_urls, pages=PAGES,
                           sql_note=SQL_NOTE, **context)  # fmt: skip


def _hour_table(today: date) -> Table:
    yesterday = today - timedelta(days=1)
    now, before = reports.hours_of(today), reports.hours_of(yesterday)
    labels = [f"{h:02d}h" for h in range(24)]
    rows = [
        [labels[h], now[h].visits, before[h].visits, now[h].page_views, before[h].page_views,
         now[h].visitors, before[h].visitors]
        for h in range(24)
    ]  # fmt: skip
    chart = Chart("line", "Giờ trong ngày", "Lượt truy cập", labels, [
        {"label": f"Hôm nay ({today:%d/%m})", "data": [t.visits for t in now]},
        {"label": f"Hôm qua ({yesterday:%d/%m})", "data": [t.visits for t in before]},
    ])  # fmt: skip
    return Table("hours", "Lượt truy cập theo giờ: hôm nay và hôm qua",
                 [("Giờ", "text"), ("Lượt truy cập hôm nay", "int"),
                  ("Lượt truy cập hôm qua", "int"), ("Lượt xem trang hôm nay", "int"),
                  ("Lượt xem trang hôm qua", "int"), ("Khách hôm nay", "int"),
                  ("Khách hôm qua", "int")], rows, chart)  # fmt: skip


def _day_table(period: reports.Period) -> Table:
    days = reports.day_rows(period)
    rows = [[r.key.isoformat(), r.totals.visits, r.totals.page_views, r.totals.visitors,
             r.totals.bot_views, r.totals.imported] for r in days]  # fmt: skip
    labels = [f"{r.key:%d/%m/%y}" for r in days]
    chart = Chart("line", "Ngày", "Số lượt", labels, [
        {"label": "Lượt truy cập", "data": [r.totals.visits for r in days]},
        {"label": "Lượt xem trang", "data": [r.totals.page_views for r in days]},
        {"label": "Khách (không trùng lặp)", "data": [r.totals.visitors for r in days]},
        {"label": "Lượt xem của bot", "data": [r.totals.bot_views for r in days]},
    ])  # fmt: skip
    note = ("Ngày nhập từ trang cũ: có lượt truy cập và lượt xem trang, không có số khách "
            "(—); không cộng vào tổng lượt truy cập.")  # fmt: skip
    return Table("days", f"Theo ngày, {period.label()}",
                 [("Ngày", "date"), ("Lượt truy cập", "int"), ("Lượt xem trang", "int"),
                  ("Khách", "int"), ("Lượt xem của bot", "int"), ("Nhập từ trang cũ", "bool")],
                 rows, chart, note)  # fmt: skip


def _comparison_table(period: reports.Period) -> Table:
    before = period.previous()
    rows = [[c.label, c.current, c.previous, c.percent] for c in reports.comparison(period)]
    return Table("comparison", f"So sánh {period.label()} với {before.label()}",
                 [("Chỉ số", "text"), ("Kỳ này", "int"), ("Kỳ trước", "int"),
                  ("Thay đổi (%)", "change")], rows,
                 note="Kỳ trước có cùng số ngày, ngay trước kỳ này. "
                      "Thay đổi để trống (—) khi kỳ trước bằng 0.")  # fmt: skip


def _totals_rows(rows: list[reports.Row]) -> list[list[object]]:
    return [[r.label, r.totals.visits, r.totals.page_views, r.totals.visitors,
             r.totals.bot_views] for r in rows]  # fmt: skip


TOTALS_COLUMNS = [("Lượt truy cập", "int"), ("Lượt xem trang", "int"),
                  ("Khách (không trùng lặp)", "int"), ("Lượt xem của bot", "int")]  # fmt: skip


def _totals_chart(kind: str, x_title: str, rows: list[reports.Row]) -> Chart:
    return Chart(kind, x_title, "Số lượt", [r.label for r in rows], [
        {"label": "Lượt truy cập", "data": [r.totals.visits for r in rows]},
        {"label": "Lượt xem trang", "data": [r.totals.page_views for r in rows]},
        {"label": "Khách (không trùng lặp)", "data": [r.totals.visitors for r in rows]},
    ])  # fmt: skip


@bp.get("/")
@staff_required
def overview():
    today = _today()
    period = reports.last_days(30, today)
    tables = [_hour_table(today), _day_table(period), _comparison_table(period)]
    return _respond("stats/admin/overview.html", "tong-quan", tables, today=today)


@bp.get("/days")
@staff_required
def days():
    period = _period(30)
    tables = [_day_table(period), _comparison_table(period)]
    return _respond("stats/admin/report.html", "ngay", tables, period=period,
                    title="Thống kê theo ngày", with_period=True)  # fmt: skip


@bp.get("/months")
@staff_required
def months():
    period = _period(365)
    rows = reports.month_rows(period.start, period.end)
    table = Table("months", f"Theo tháng, {period.label()}", [("Tháng", "text"), *TOTALS_COLUMNS],
                  _totals_rows(rows), _totals_chart("bar", "Tháng", rows),
                  note="Khách không trùng lặp của tháng được đếm riêng cho cả tháng "
                       "(— khi chưa có).")  # fmt: skip
    return _respond("stats/admin/report.html", "thang", [table], period=period,
                    title="Thống kê theo tháng", with_period=True)  # fmt: skip


@bp.get("/years")
@staff_required
def years():
    rows = reports.year_rows(_today())
    table = Table("years", "Theo năm", [("Năm", "text"), *TOTALS_COLUMNS], _totals_rows(rows),
                  _totals_chart("bar", "Năm", rows),
                  note="Khách không trùng lặp của năm được đếm riêng cho cả năm "
                       "(— khi chưa có).")  # fmt: skip
    return _respond("stats/admin/report.html", "nam", [table], title="Thống kê theo năm")


def _profile_table(name: str, caption: str, x_title: str, rows: list[reports.Row]) -> Table:
    chart = Chart("bar", x_title, "Trung bình mỗi ngày", [r.label for r in rows], [
        {"label": "Lượt truy cập", "data": [r.totals.visits for r in rows]},
        {"label": "Lượt xem trang", "data": [r.totals.page_views for r in rows]},
    ])  # fmt: skip
    data = [[r.label, r.totals.visits, r.totals.page_views, r.totals.bot_views] for r in rows]
    return Table(name, caption, [(x_title, "text"), ("Lượt truy cập (TB)", "dec"),
                                 ("Lượt xem trang (TB)", "dec"), ("Lượt xem của bot (TB)", "dec")],
                 data, chart)  # fmt: skip


@bp.get("/profiles")
@staff_required
def profiles():
    period = _period(90)
    tables = [
        _profile_table("weekdays", f"Trung bình mỗi ngày theo thứ trong tuần, {period.label()}",
                       "Thứ", reports.weekday_profile(period)),
        _profile_table("hours", f"Trung bình mỗi ngày theo giờ, {period.label()}", "Giờ",
                       reports.hour_profile(period)),
    ]  # fmt: skip
    note = (
        "Số trung bình: tổng của kỳ chia cho số ngày (theo thứ: số ngày của thứ đó trong "
        "kỳ; theo giờ: số ngày có số liệu theo giờ, không tính ngày nhập từ trang cũ)."
    )
    return _respond("stats/admin/report.html", "thu-gio", tables, period=period,
                    title="Thống kê theo thứ và giờ", with_period=True, intro=note)  # fmt: skip


def _breakdown_table(dimension: str, period: reports.Period) -> Table:
    shares = reports.breakdown(dimension, period)
    shown = reports.limit_shares(shares, TABLE_LIMIT)
    measure = "Lượt xem trang" if dimension == "bot" else "Lượt truy cập"
    top = shown[:10]
    series = [{"label": measure, "data": [s.count for s in top]}]
    chart = Chart("bar", measure, reports.DIMENSIONS[dimension], [s.label for s in top], series,
                  horizontal=True)  # fmt: skip
    return Table(dimension, f"{reports.DIMENSIONS[dimension]}, {period.label()}",
                 [(reports.DIMENSIONS[dimension], "text"), (measure, "int"), ("Tỷ lệ", "pct")],
                 [[s.label, s.count, s.percent] for s in shown], chart if top else None,
                 csv_rows=[[s.label, s.count, s.percent] for s in shares])  # fmt: skip


@bp.get("/breakdowns")
@staff_required
def breakdowns():
    period = _period(30)
    dimensions = [d for d in reports.DIMENSIONS if d != "country" or reports.has_breakdown(d)]
    tables = [_breakdown_table(d, period) for d in dimensions]
    note = (
        f"Mỗi bảng hiện {TABLE_LIMIT} giá trị nhiều nhất, phần còn lại cộng vào “Khác” "
        "(tệp CSV có đủ). Lượt truy cập của người đọc; bot tính theo lượt xem trang."
    )
    return _respond("stats/admin/report.html", "phan-loai", tables, period=period,
                    title="Trình duyệt, hệ điều hành, nguồn truy cập", with_period=True,
                    intro=note)  # fmt: skip


@bp.get("/top")
@staff_required
def top():
    period = _period(30)
    tables = []
    for kind in reports.item_kinds():
        name, measure, title = reports.item_kind(kind)
        items = reports.top_items(kind, period, limit=50)
        rows = [[i + 1, (item.title, item.url), item.count] for i, item in enumerate(items)]
        columns = [("Hạng", "int"), (name, "link"), (measure, "int")]
        tables.append(Table(kind, f"{title}, {period.label()}", columns, rows))
    return _respond("stats/admin/report.html", "xem-nhieu", tables, period=period,
                    title="Bài viết và văn bản xem nhiều", with_period=True)  # fmt: skip


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("Thống kê", "stats_admin.overview", 80))
