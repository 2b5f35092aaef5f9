"""Statistics reports under /admin/stats/: charts and tables, CSV export of each table.

Thin views: the numbers come from app/stats/reports.py,
each page is a list of tables (each with its chart, if any); `?format=csv&table=<name>`
downloads one table (app/stats/csv_export.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from flask import Blueprint, Flask, abort, render_template, request, url_for

from app.admin_menu import NavItem, register_nav
from app.auth.policies import staff_required
from app.stats import reports
from app.stats.csv_export import csv_response
from app.stats.item_views import local_today

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
TABLE_LIMIT = 100  # rows of a breakdown shown; the rest is added to "Khác"
# A breakdown's CSV lists the reports.CSV_LIMIT (10,000) biggest values; its "Khác" row holds
# the rest (said on the page): a year of referrer spam stays a bounded download.
CSV_LIMIT = reports.CSV_LIMIT


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

    def csv(self) -> list[list[object]]:
        return [[c[0] if isinstance(c, tuple) else c for c in row] for row in self.rows]


# A page's tables, by name, built only when wanted: a CSV download builds its own table only.
# Each builder takes `for_csv` (a breakdown's CSV has more rows than its page).
Tables = dict[str, Callable[[bool], Table]]


def _always(make: Callable[[], Table]) -> Callable[[bool], Table]:
    return lambda for_csv: make()


def _plain(value) -> str:
    return f"{value:,.1f}" if isinstance(value, float) else f"{value:,}"


def _period(default_days: int) -> reports.Period:
    try:
        return reports.parse_period(request.args, local_today(), default_days)
    except reports.PeriodError as exc:
        abort(400, description=str(exc))


def _respond(template: str, page: str, builders: Tables, **context):
    """The page, or one of its tables as CSV (`?format=csv&table=<name>`)."""
    fmt = request.args.get("format")
    if fmt is not None:
        if fmt != "csv":
            abort(404)
        build = builders.get(request.args.get("table", ""))
        if build is None:
            abort(404)
        table = build(True)
        period = context.get("period")
        suffix = f"-{period.start}-{period.end}" if period is not None else ""
        header = [label for label, _ in table.columns]
        return csv_response(f"thong-ke-{page}-{table.name}{suffix}", header, table.csv())
    tables = [build(False) for build in builders.values()]
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
    note = ("Ngày nhập từ trang cũ: có lượt truy cập và lượt xem trang; số khách chỉ khi tệp "
            "nhập có cột đó (— khi không có); không cộng vào tổng lượt truy cập.")  # fmt: skip
    return Table("days", f"Theo ngày, {period.label()}",
                 [("Ngày", "date"), ("Lượt truy cập", "int"), ("Lượt xem trang", "int"),
                  ("Khách", "int"), ("Lượt xem của bot", "int"), ("Nhập từ trang cũ", "bool")],
                 rows, chart, note)  # fmt: skip


def _comparison_table(period: reports.Period, today: date) -> Table:
    current, before = reports.compared_periods(period, today)
    rows = [[c.label, c.current, c.previous, c.percent]
            for c in reports.comparison(period, today)]  # fmt: skip
    note = "Kỳ trước có cùng số ngày, ngay trước kỳ này. "
    if current.end < period.end:
        note += "Hôm nay chưa hết ngày nên không tính: chỉ so sánh các ngày trọn vẹn. "
    elif current.end >= today:
        note += "Hôm nay chưa hết ngày: số của hôm nay chỉ tính đến lúc này. "
    return Table("comparison", f"So sánh {current.label()} với {before.label()}",
                 [("Chỉ số", "text"), ("Kỳ này", "int"), ("Kỳ trước", "int"),
                  ("Thay đổi (%)", "change")], rows,
                 note=note + "Thay đổi để trống (—) khi kỳ trước bằng 0.")  # fmt: skip


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
    today = local_today()
    period = reports.last_days(30, today)
    tables = {"hours": _always(lambda: _hour_table(today)),
              "days": _always(lambda: _day_table(period)),
              "comparison": _always(lambda: _comparison_table(period, today))}  # fmt: skip
    return _respond("stats/admin/overview.html", "tong-quan", tables, today=today)


@bp.get("/days")
@staff_required
def days():
    period = _period(30)
    tables = {"days": _always(lambda: _day_table(period)),
              "comparison": _always(lambda: _comparison_table(period, local_today()))}  # fmt: skip
    return _respond("stats/admin/report.html", "ngay", tables, period=period,
                    title="Thống kê theo ngày", with_period=True)  # fmt: skip


@bp.get("/months")
@staff_required
def months():
    period = _period(365)

    def table() -> Table:
        rows = reports.month_rows(period.start, period.end, local_today())
        return Table("months", f"Theo tháng, {period.label()}",
                     [("Tháng", "text"), *TOTALS_COLUMNS], _totals_rows(rows),
                     _totals_chart("bar", "Tháng", rows),
                     note="Tháng đầu tính từ ngày 1 của tháng. Khách không trùng lặp của tháng "
                          "được đếm riêng cho cả tháng (— khi chưa có); tháng cuối bị cắt giữa "
                          "chừng (kỳ kết thúc trước cuối tháng, trước hôm nay) hiện —, vì số "
                          "khách của cả tháng không so được với lượt truy cập của vài "
                          "ngày.")  # fmt: skip

    return _respond("stats/admin/report.html", "thang", {"months": _always(table)}, period=period,
                    title="Thống kê theo tháng", with_period=True)  # fmt: skip


@bp.get("/years")
@staff_required
def years():
    def table() -> Table:
        rows = reports.year_rows(local_today())
        return Table("years", "Theo năm", [("Năm", "text"), *TOTALS_COLUMNS],
                     _totals_rows(rows), _totals_chart("bar", "Năm", rows),
                     note="Khách không trùng lặp của năm được đếm riêng cho cả năm "
                          "(— khi chưa có).")  # fmt: skip

    return _respond("stats/admin/report.html", "nam", {"years": _always(table)},
                    title="Thống kê theo năm")  # fmt: skip


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
    tables = {
        "weekdays": _always(lambda: _profile_table(
            "weekdays", f"Trung bình mỗi ngày theo thứ trong tuần, {period.label()}", "Thứ",
            reports.weekday_profile(period))),
        "hours": _always(lambda: _profile_table(
            "hours", f"Trung bình mỗi ngày theo giờ, {period.label()}", "Giờ",
            reports.hour_profile(period))),
    }  # fmt: skip
    note = (
        "Số trung bình: tổng của kỳ chia cho số ngày (theo thứ: số ngày của thứ đó trong "
        "kỳ; theo giờ: số ngày có số liệu theo giờ, không tính ngày nhập từ trang cũ)."
    )
    return _respond("stats/admin/report.html", "thu-gio", tables, period=period,
                    title="Thống kê theo thứ và giờ", with_period=True, intro=note)  # fmt: skip


def _breakdown_table(dimension: str, period: reports.Period, for_csv: bool) -> Table:
    shown = reports.cached_breakdown(dimension, period, CSV_LIMIT if for_csv else TABLE_LIMIT)
    measure = "Lượt xem trang" if dimension == "bot" else "Lượt truy cập"
    top = shown[:10]
    series = [{"label": measure, "data": [s.count for s in top]}]
    chart = Chart("bar", measure, reports.DIMENSIONS[dimension], [s.label for s in top], series,
                  horizontal=True)  # fmt: skip
    return Table(dimension, f"{reports.DIMENSIONS[dimension]}, {period.label()}",
                 [(reports.DIMENSIONS[dimension], "text"), (measure, "int"), ("Tỷ lệ", "pct")],
                 [[s.label, s.count, s.percent] for s in shown],
                 chart if top and not for_csv else None)  # fmt: skip


@bp.get("/breakdowns")
@staff_required
def breakdowns():
    period = _period(30)
    dimensions = [d for d in reports.DIMENSIONS if d != "country" or reports.has_breakdown(d)]
    tables = {d: (lambda for_csv, d=d: _breakdown_table(d, period, for_csv)) for d in dimensions}
    note = (
        f"Mỗi bảng hiện {TABLE_LIMIT} giá trị nhiều nhất, phần còn lại cộng vào “Khác”; tệp "
        f"CSV liệt kê tối đa {CSV_LIMIT:,} giá trị, phần còn lại ở dòng “Khác”. ".replace(",", ".")
        + "Trang giới thiệu: không tính trang của chính cổng và các tên miền bị chặn; giá trị "
        "không phải tên miền hay địa chỉ IP được tính vào “Khác”. "
        "Lượt truy cập của người đọc; bot tính theo lượt xem trang. Các bảng này được tính "
        "lại khoảng một phút một lần."
    )
    return _respond("stats/admin/report.html", "phan-loai", tables, period=period,
                    title="Trình duyệt, hệ điều hành, nguồn truy cập", with_period=True,
                    intro=note)  # fmt: skip


@bp.get("/top")
@staff_required
def top():
    period = _period(30)

    def table(kind: str) -> Table:
        name, measure, title = reports.item_kind(kind)
        items = reports.top_items(kind, period, limit=50)
        rows = [[i + 1, (item.title, item.url), item.count] for i, item in enumerate(items)]
        columns = [("Hạng", "int"), (name, "link"), (measure, "int")]
        return Table(kind, f"{title}, {period.label()}", columns, rows)

    tables = {k: (lambda for_csv, k=k: table(k)) for k in reports.item_kinds()}
    return _respond("stats/admin/report.html", "xem-nhieu", tables, period=period,
                    title="Bài viết và văn bản xem nhiều", with_period=True)  # fmt: skip


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("Thống kê", "stats_admin.overview", 80))
