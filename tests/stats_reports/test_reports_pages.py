"""The report pages under /admin/stats/, their CSV tables and the public /thong-ke/ page,
through the test client, over rows written straight into SQL."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from auth_helpers import Clock
from pages import parse
from stats_helpers import T0

from app.extensions import db
from app.live_counters import register_report_item
from app.settings.operations import save_settings
from app.stats.models import DailyBreakdown, DailyStat, HourlyStat, ItemDailyView

TODAY = date(2024, 6, 12)  # T0 in Hanoi
PAGES = ["/admin/stats/", "/admin/stats/days", "/admin/stats/months", "/admin/stats/years",
         "/admin/stats/profiles", "/admin/stats/breakdowns", "/admin/stats/top"]  # fmt: skip
HOSTILE = [
    "<script>alert(1)</script>",
    '=HYPERLINK("http://x")',
    '"><img src=x onerror=alert(1)>',
    "@SUM(1)",
    "-2+3",
    "+cmd|' /C calc'!A0",
]


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


def table_rows(page: str, name: str) -> list[list[str]]:
    table = parse(page).find("table", id=f"table-{name}")
    assert table is not None, f"no table {name}"
    body = table.find("tbody")
    return [[" ".join(c.text().split()) for c in tr.children if hasattr(c, "tag")]
            for tr in body.find_all("tr")]  # fmt: skip


def read_csv(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def add_history() -> None:
    for i in range(40):
        day = TODAY - timedelta(days=i)
        db.session.add(DailyStat(day=day, visits=10 + i, visitors=5 + i, page_views=30 + i,
                                 bot_views=i))  # fmt: skip
    for hour, visits in [(0, 4), (9, 11), (23, 2)]:
        db.session.add(HourlyStat(day=TODAY, hour=hour, visits=visits, page_views=visits * 3,
                                  visitors=visits - 1))  # fmt: skip
    db.session.add(HourlyStat(day=TODAY - timedelta(days=1), hour=9, visits=6, page_views=8))
    db.session.commit()


def test_reports_answer_staff_and_send_others_to_the_login(app, client, editor_client):
    add_history()
    dashboard = parse(editor_client.get("/admin/").get_data(as_text=True))
    menu = dashboard.find("nav", cls="admin-nav")
    assert any(
        a.text() == "Thống kê" and a.get("href") == "/admin/stats/" for a in menu.find_all("a")
    )
    assert "/admin/stats/" in [a.get("href") for a in dashboard.find("main").find_all("a")]
    for url in PAGES:
        assert editor_client.get(url).status_code == 200, url
        anonymous = client.get(url)
        assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"], url
        assert client.get(url + "?format=csv&table=days").status_code == 302, url


def test_overview_shows_today_beside_yesterday_and_the_last_30_days(app, editor_client):
    add_history()
    page = editor_client.get("/admin/stats/").get_data(as_text=True)
    hours = table_rows(page, "hours")
    assert len(hours) == 24
    assert hours[9][:5] == ["09h", "11", "6", "33", "8"]
    assert hours[0][1:3] == ["4", "0"]
    days = table_rows(page, "days")
    assert len(days) == 30
    assert days[-1][:6] == ["12/06/2024", "10", "30", "5", "0", ""]
    assert days[0][:2] == ["14/05/2024", "39"]
    # Comparison of whole days: the last 30 days without today (visits 11..39) against the
    # 29 days before (40..68, of which only 40..49 exist as rows 30..39 back).
    current, previous = sum(range(11, 40)), sum(range(40, 50))
    visits = table_rows(page, "comparison")[0]
    assert visits[:3] == ["Lượt truy cập", f"{current:,}", f"{previous:,}"]
    assert visits[3].startswith(f"{(current - previous) * 100 / previous:+.1f}%")
    # Charts: JSON data blocks, canvases described for screen readers, scripts vendored.
    tree = parse(page)
    canvas = tree.find("canvas", id="chart-hours")
    assert canvas.get("role") == "img" and "Hôm nay" in canvas.get("aria-label")
    assert tree.find("script", id="chart-data-hours").get("type") == "application/json"
    sources = [s.get("src") or "" for s in tree.find_all("script")]
    assert any("vendor/chartjs-4.6.1/chart.umd.min.js" in s for s in sources)
    assert not any(s.startswith(("http:", "https:", "//")) for s in sources)
    assert "stats-live.css" in page


def test_days_page_takes_a_period_and_says_unknown_visitors(app, editor_client):
    add_history()
    imported = db.session.get(DailyStat, TODAY - timedelta(days=2))
    imported.imported, imported.visitors = True, 0  # a file without visitors
    db.session.commit()
    page = editor_client.get("/admin/stats/days?from=2024-06-09&to=2024-06-11")
    rows = table_rows(page.get_data(as_text=True), "days")
    assert [r[0] for r in rows] == ["09/06/2024", "10/06/2024", "11/06/2024"]
    assert rows[1][:6] == ["10/06/2024", "12", "32", "—", "2", "có"]


def test_months_years_and_profiles_show_the_sums_and_means(app, editor_client):
    add_history()
    months = table_rows(editor_client.get("/admin/stats/months").get_data(as_text=True), "months")
    june = next(r for r in months if r[0] == "06/2024")
    assert june[1] == str(sum(10 + i for i in range(12)))  # 1..12 June
    may = next(r for r in months if r[0] == "05/2024")
    assert may[1] == str(sum(10 + i for i in range(12, 40)))  # 4..31 May
    assert may[3] == "—"  # no month row for unique visitors
    years = table_rows(editor_client.get("/admin/stats/years").get_data(as_text=True), "years")
    assert years == [["2024", f"{sum(range(10, 50)):,}", f"{sum(range(30, 70)):,}", "—",
                      f"{sum(range(40)):,}"]]  # fmt: skip
    page = editor_client.get("/admin/stats/profiles?from=2024-06-12&to=2024-06-12")
    hours = table_rows(page.get_data(as_text=True), "hours")
    assert hours[9][:3] == ["09h", "11.0", "33.0"]
    weekdays = table_rows(page.get_data(as_text=True), "weekdays")
    assert weekdays[2][:2] == ["Thứ tư", "10.0"] and weekdays[0][1] == "0.0"


BAD_PERIODS = [
    "from=2024-02-30",
    "from=abc&to=2024-01-01",
    "from=2024-06-10&to=2024-06-01",
    "from=1990-01-01&to=2024-06-01",
    "days=12",
    "days=%00",
    "from=9999999-01-01",
    "from=0001-01-01&to=0001-01-03",
    "to=0001-01-01",
    "days=%C2%B2",  # "²": str.isdigit() says yes, int() says no
    "days=%C2%B3%C2%B9",
    "days=" + "9" * 5000,  # int() refuses more than 4,300 digits
]


def test_bad_periods_are_a_readable_400(app, editor_client):
    for query in BAD_PERIODS:
        for url in ("/admin/stats/days", "/admin/stats/breakdowns", "/admin/stats/top"):
            response = editor_client.get(f"{url}?{query}")
            assert response.status_code == 400, (url, query)
            assert "Yêu cầu không hợp lệ" in response.get_data(as_text=True)


def test_csv_links_keep_the_period_and_nothing_else(app, editor_client):
    page = editor_client.get("/admin/stats/days?days=90&_external=1&_anchor=x&evil=%22")
    links = [a.get("href") for a in parse(page.get_data(as_text=True)).find_all("a")]
    csv_links = [link for link in links if "format=csv" in (link or "")]
    assert csv_links and all(
        link.startswith("/admin/stats/days?") and "days=90" in link and "evil" not in link
        and "#" not in link for link in csv_links
    )  # fmt: skip


def test_unknown_csv_table_or_format_is_404(app, editor_client):
    assert editor_client.get("/admin/stats/days?format=csv&table=nope").status_code == 404
    assert editor_client.get("/admin/stats/days?format=xlsx&table=days").status_code == 404


def test_every_table_downloads_as_csv_with_numbers_as_numbers(app, editor_client):
    add_history()
    page = editor_client.get("/admin/stats/").get_data(as_text=True)
    links = [a.get("href") for a in parse(page).find_all("a") if "format=csv" in a.get("href")]
    assert len(links) == 3
    response = editor_client.get(
        "/admin/stats/days?from=2024-06-11&to=2024-06-12&format=csv&table=days"
    )
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=thong-ke-ngay-days-2024-06-11-2024-06-12.csv"
    )
    rows = read_csv(response)
    assert rows[0] == ["Ngày", "Lượt truy cập", "Lượt xem trang", "Khách", "Lượt xem của bot",
                       "Nhập từ trang cũ"]  # fmt: skip
    assert rows[1:] == [["2024-06-11", "11", "31", "6", "1", "không"],
                        ["2024-06-12", "10", "30", "5", "0", "không"]]  # fmt: skip
    comparison = read_csv(editor_client.get(links[2]))
    assert comparison[1][0] == "Lượt truy cập" and float(comparison[1][3]) > 0
    for url in PAGES[1:]:
        for link in [a.get("href") for a in parse(editor_client.get(url).get_data(as_text=True))
                     .find_all("a") if "format=csv" in (a.get("href") or "")]:  # fmt: skip
            assert len(read_csv(editor_client.get(link))) >= 1, link


def test_hostile_user_agents_and_referrers_are_escaped_and_neutralised(app, editor_client):
    for i, value in enumerate(HOSTILE):
        for dimension in ("browser", "referrer", "bot", "os"):
            db.session.add(DailyBreakdown(day=TODAY, dimension=dimension, value=value,
                                          count=10 + i))  # fmt: skip
    db.session.commit()
    page = editor_client.get("/admin/stats/breakdowns").get_data(as_text=True)
    assert "<script>alert(1)</script>" not in page
    assert "<img src=x" not in page and "onerror=alert(1)>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    browsers = [r[0] for r in table_rows(page, "browser")]
    assert set(HOSTILE) <= set(browsers)  # shown as text, as sent
    data = parse(page).find("script", id="chart-data-browser").text()
    assert "<" not in data and ">" not in data  # |tojson escapes them inside the script
    # Referrer values that are not host names are counted as "Khác", in the page and the CSV.
    referrers = {row[0] for row in read_csv(editor_client.get(
        "/admin/stats/breakdowns?format=csv&table=referrer"))[1:]}  # fmt: skip
    assert referrers == {"Khác"}
    assert [r[0] for r in table_rows(page, "referrer")] == ["Khác"]
    for dimension in ("browser", "bot"):
        url = f"/admin/stats/breakdowns?format=csv&table={dimension}"
        cells = {row[0] for row in read_csv(editor_client.get(url))[1:]}
        assert "<script>alert(1)</script>" in cells  # CSV is not HTML: kept as it is
        assert {"'=HYPERLINK(\"http://x\")", "'@SUM(1)", "'-2+3",
                "'+cmd|' /C calc'!A0"} <= cells  # fmt: skip
        assert not any(c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)


def test_countries_appear_only_when_counted(app, editor_client):
    assert parse(editor_client.get("/admin/stats/breakdowns").get_data(as_text=True)).find(
        "table", id="table-country") is None  # fmt: skip
    db.session.add(DailyBreakdown(day=TODAY, dimension="country", value="VN", count=3))
    db.session.commit()
    page = editor_client.get("/admin/stats/breakdowns").get_data(as_text=True)
    assert table_rows(page, "country")[0][:2] == ["VN", "3"]


def test_top_items_link_registered_kinds_and_escape_titles(app, editor_client, make_article):
    article = make_article(title="<b>Tin</b> nổi bật")
    db.session.add(ItemDailyView(kind="article", item_id=article.id, day=TODAY, views=42))
    db.session.commit()
    page = editor_client.get("/admin/stats/top").get_data(as_text=True)
    assert table_rows(page, "article")[0] == ["1", "<b>Tin</b> nổi bật", "42"]
    assert "<b>Tin</b>" not in page
    register_report_item(app, "article", "Bài viết", lambda row: f"/tin-tuc/{row.slug}")
    page = editor_client.get("/admin/stats/top?days=90").get_data(as_text=True)
    link = parse(page).find("table", id="table-article").find("a")
    assert link.get("href") == f"/tin-tuc/{article.slug}"
    csv_rows = read_csv(editor_client.get("/admin/stats/top?format=csv&table=article"))
    assert csv_rows[1] == ["1", "<b>Tin</b> nổi bật", "42"]


def test_public_page_is_404_until_switched_on(app, client):
    add_history()
    db.session.add(DailyBreakdown(day=TODAY, dimension="browser", value=HOSTILE[2], count=7))
    db.session.commit()
    assert client.get("/thong-ke/").status_code == 404
    assert client.get("/thong-ke").status_code == 404
    save_settings({"stats_public_page": True}, by=None)
    assert client.get("/thong-ke").status_code in (301, 308)
    response = client.get("/thong-ke/")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "<img src=x" not in page
    tree = parse(page)
    hours = tree.find("table", id="public-table-hours")
    assert "11" in hours.text() and tree.find("table", id="public-table-browser") is not None
    assert tree.find("canvas") is None and "live" not in (tree.find("main").text().lower())
    total = sum(range(10, 50))
    assert f"{total:,}" in page


def test_a_csv_download_builds_only_its_table_and_caps_its_rows(app, editor_client, monkeypatch):
    from app.stats import admin, reports

    for n in range(12):
        db.session.add(DailyBreakdown(day=TODAY, dimension="referrer", value=f"h{n:02d}.example",
                                      count=100 - n))  # fmt: skip
    db.session.commit()
    asked = []
    breakdown = reports.breakdown
    monkeypatch.setattr(reports, "breakdown",
                        lambda dimension, *a, **k: asked.append(dimension)
                        or breakdown(dimension, *a, **k))  # fmt: skip
    monkeypatch.setattr(admin, "CSV_LIMIT", 3, raising=False)
    rows = read_csv(editor_client.get("/admin/stats/breakdowns?format=csv&table=referrer"))
    assert asked == ["referrer"]  # not the six other breakdowns of the page
    total, rest = sum(range(89, 101)), sum(range(89, 98))  # the 12 hosts; the 9 not listed
    assert rows[1:] == [["Khác", str(rest), str(round(rest * 100 / total, 1))],
                        ["h00.example", "100", "8.8"], ["h01.example", "99", "8.7"],
                        ["h02.example", "98", "8.6"]]  # fmt: skip
    page = editor_client.get("/admin/stats/breakdowns").get_data(as_text=True)
    assert "tối đa 3 giá trị" in page


def test_public_page_counts_its_view_shows_live_numbers_and_hides_junk_referrers(app, client):
    from app.stats.services import get_service

    add_history()
    junk = "đánh bạc trực tuyến tại casino dot com gọi 0900"
    db.session.add(DailyBreakdown(day=TODAY, dimension="referrer", value=junk, count=50))
    db.session.add(DailyBreakdown(day=TODAY, dimension="referrer", value="news.example", count=4))
    db.session.commit()
    save_settings({"stats_public_page": True}, by=None)
    before = get_service().current()
    page = client.get("/thong-ke/").get_data(as_text=True)
    after = get_service().current()
    assert after.today == before.today + 1  # a reader's page view, as on the other pages
    tree = parse(page)
    headline = tree.find("main").find("p")
    assert [s.get("data-stat") for s in headline.find_all("span")] == ["total", "today"]
    assert f"{after.today:,}" in headline.text()  # the sidebar's number, not SQL's
    referrers = tree.find("table", id="public-table-referrer")
    labels = [" ".join(th.text().split()) for th in referrers.find("tbody").find_all("th")]
    assert labels == ["Khác", "news.example"] and "casino" not in page


def test_public_tables_are_built_once_a_minute(app, monkeypatch):
    from app.stats import public

    built = []
    tables = public.tables
    monkeypatch.setattr(public, "tables", lambda today: built.append(today) or tables(today))
    first = public.cached_tables(TODAY)
    assert public.cached_tables(TODAY) is first and built == [TODAY]
    monkeypatch.setattr(public.time, "monotonic", lambda: 10**9)  # a minute later, and more
    assert public.cached_tables(TODAY) is not first and built == [TODAY, TODAY]
