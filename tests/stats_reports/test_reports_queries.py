"""The report queries (app/stats/reports.py) over rows written straight into SQL: sums per
day, month and year across month and year ends, unique visitors from their own rows,
profiles, the comparison with the previous period, breakdowns and top items."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from auth_helpers import Clock
from stats_helpers import T0

from app.extensions import db
from app.stats import reports
from app.stats.item_views import local_today
from app.stats.models import DailyBreakdown, DailyStat, HourlyStat, ItemDailyView, PeriodStat
from app.stats.reports import Period, PeriodError, parse_period

TODAY = date(2024, 6, 12)  # T0 in Hanoi: a Wednesday


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


def add_days(rows: dict[date, tuple[int, int, int]], imported: set[date] = frozenset()) -> None:
    """DailyStat rows: day -> (visits, page views, bot views); visitors = visits // 2."""
    for day, (visits, page_views, bot_views) in rows.items():
        db.session.add(DailyStat(day=day, visits=visits, page_views=page_views,
                                 bot_views=bot_views, visitors=visits // 2,
                                 imported=day in imported))  # fmt: skip
    db.session.commit()


def test_today_is_the_local_day_of_the_statistics_clock(app, clock):
    assert local_today() == TODAY
    clock.advance(15 * 3600)  # 00:00 on the 13th in Hanoi, 17:00 UTC on the 12th
    assert local_today() == date(2024, 6, 13)


def test_months_and_years_add_up_the_days_across_month_and_year_ends(app):
    rng = random.Random(14)
    first, last = date(2022, 12, 1), date(2024, 2, 29)
    rows = {}
    day = first
    while day <= last:
        rows[day] = (rng.randint(0, 500), rng.randint(0, 2000), rng.randint(0, 300))
        day += timedelta(days=1)
    add_days(rows)
    db.session.add_all(
        [PeriodStat(period="2023-12", visitors=77), PeriodStat(period="2023", visitors=999)]
    )
    db.session.commit()

    months = {r.key: r.totals for r in reports.month_rows(date(2022, 12, 15), date(2024, 2, 10))}
    assert list(months)[0] == "2022-12" and list(months)[-1] == "2024-02" and len(months) == 15
    for key, totals in months.items():
        y, m = map(int, key.split("-"))
        wanted = [
            v for d, v in rows.items() if (d.year, d.month) == (y, m) and d <= date(2024, 2, 10)
        ]
        assert totals.visits == sum(v[0] for v in wanted), key
        assert totals.page_views == sum(v[1] for v in wanted), key
        assert totals.bot_views == sum(v[2] for v in wanted), key
    assert months["2023-12"].visitors == 77
    assert months["2024-01"].visitors is None  # no period row: unknown, not zero

    years = {r.key: r.totals for r in reports.year_rows(TODAY)}
    assert list(years) == [2022, 2023, 2024]
    for year, totals in years.items():
        assert totals.visits == sum(v[0] for d, v in rows.items() if d.year == year)
    assert years[2023].visitors == 999 and years[2022].visitors is None


def test_days_of_a_period_fill_gaps_and_mark_imported_days(app):
    add_days({date(2024, 5, 30): (1, 2, 0), date(2024, 5, 31): (10, 20, 1),
              date(2024, 6, 2): (30, 40, 2)},
             imported={date(2024, 5, 30), date(2024, 5, 31)})  # fmt: skip
    rows = reports.day_rows(Period(date(2024, 5, 30), date(2024, 6, 2)))
    assert [r.key for r in rows] == [date(2024, 5, d) for d in (30, 31)] + [
        date(2024, 6, 1), date(2024, 6, 2)]  # fmt: skip
    assert [r.totals.visits for r in rows] == [1, 10, 0, 30]
    # An imported day without visitors (the old site's file had none) says "unknown".
    assert rows[0].totals.imported and rows[0].totals.visitors is None
    assert rows[1].totals.imported and rows[1].totals.visitors == 5
    assert rows[3].totals.visitors == 15


def test_hours_of_a_day_with_hourly_unique_visitors(app):
    db.session.add_all([
        HourlyStat(day=TODAY, hour=0, visits=3, page_views=5, bot_views=1, visitors=2),
        HourlyStat(day=TODAY, hour=23, visits=7, page_views=9, bot_views=0, visitors=6),
        HourlyStat(day=TODAY - timedelta(days=1), hour=23, visits=100, page_views=1,
                   bot_views=0, visitors=1),
    ])  # fmt: skip
    db.session.commit()
    hours = reports.hours_of(TODAY)
    assert len(hours) == 24
    assert (hours[0].visits, hours[0].page_views, hours[0].visitors) == (3, 5, 2)
    assert (hours[23].visits, hours[23].visitors) == (7, 6)
    assert sum(h.visits for h in hours) == 10


def test_weekday_profile_is_the_mean_per_weekday(app):
    # 14 days from Monday 3 June: each weekday twice; Mondays 10 and 30 -> mean 20.
    start = date(2024, 6, 3)
    rows = {start + timedelta(days=i): (i + 1, 2 * (i + 1), 0) for i in range(14)}
    rows[start] = (10, 0, 0)
    rows[start + timedelta(days=7)] = (30, 0, 0)
    add_days(rows)
    profile = reports.weekday_profile(Period(start, start + timedelta(days=13)))
    assert [r.label for r in profile][0] == "Thứ hai" and profile[6].label == "Chủ nhật"
    assert profile[0].totals.visits == 20
    assert profile[1].totals.visits == (2 + 9) / 2
    assert profile[6].totals.page_views == (14 + 28) / 2


def test_hour_profile_is_the_mean_over_days_with_hourly_detail(app):
    start = date(2024, 6, 1)
    for i, visits in enumerate((4, 8)):
        db.session.add(
            HourlyStat(day=start + timedelta(days=i), hour=9, visits=visits, page_views=visits)
        )
    db.session.commit()
    # 3 days, one of them imported (no hourly detail): mean over 2 days.
    add_days({date(2024, 6, 3): (50, 50, 0)}, imported={date(2024, 6, 3)})
    profile = reports.hour_profile(Period(start, date(2024, 6, 3)))
    assert profile[9].totals.visits == 6
    assert profile[10].totals.visits == 0


def test_comparison_with_the_previous_period_of_the_same_length(app):
    add_days({date(2024, 6, 10): (150, 300, 10), date(2024, 6, 11): (0, 0, 0),
              date(2024, 6, 8): (100, 400, 0), date(2024, 6, 7): (999, 0, 0)})  # fmt: skip
    period = Period(date(2024, 6, 10), date(2024, 6, 11))
    assert period.previous() == Period(date(2024, 6, 8), date(2024, 6, 9))
    visits, page_views, bots = reports.comparison(period, TODAY)
    assert (visits.current, visits.previous, visits.percent) == (150, 100, 50.0)
    assert (page_views.current, page_views.previous, page_views.percent) == (300, 400, -25.0)
    assert bots.percent is None  # nothing before: no percentage


def test_breakdown_sums_the_period_and_names_other(app):
    for day, value, count in [(TODAY, "Chrome", 5), (TODAY - timedelta(days=1), "Chrome", 7),
                              (TODAY, "", 3), (TODAY, "Firefox", 4),
                              (TODAY - timedelta(days=40), "Firefox", 100)]:  # fmt: skip
        db.session.add(DailyBreakdown(day=day, dimension="browser", value=value, count=count))
    db.session.add(DailyBreakdown(day=TODAY, dimension="device", value="mobile", count=2))
    db.session.commit()
    shares = reports.breakdown("browser", reports.last_days(30, TODAY))
    assert [(s.label, s.count) for s in shares] == [("Chrome", 12), ("Firefox", 4), ("Khác", 3)]
    assert shares[0].percent == round(12 * 100 / 19, 1)
    limited = reports.breakdown("browser", reports.last_days(30, TODAY), limit=1)
    assert [(s.label, s.count) for s in limited] == [("Chrome", 12), ("Khác", 7)]
    assert [s.label for s in reports.breakdown("device", Period(TODAY, TODAY))] == ["Điện thoại"]


def test_newly_blocklisted_referrer_disappears_from_past_reports(app):
    from app.settings.operations import save_settings

    for host, count in [("spam.example", 9), ("sub.spam.example", 2), ("news.example", 3)]:
        db.session.add(DailyBreakdown(day=TODAY - timedelta(days=3), dimension="referrer",
                                      value=host, count=count))  # fmt: skip
    db.session.commit()
    period = reports.last_days(30, TODAY)
    assert {s.value for s in reports.breakdown("referrer", period)} >= {"news.example"}
    save_settings({"stats_referrer_blocklist": "spam.example"}, by=None)
    assert [s.value for s in reports.breakdown("referrer", period)] == ["news.example"]


def test_top_items_rank_views_of_the_period_with_titles(app, make_article):
    first, second = make_article(title="Bài thứ nhất"), make_article(title="Bài thứ hai")
    for item_id, day, views in [(first.id, TODAY, 3), (second.id, TODAY, 5),
                                (first.id, TODAY - timedelta(days=2), 4),
                                (second.id, TODAY - timedelta(days=60), 100)]:  # fmt: skip
        db.session.add(ItemDailyView(kind="article", item_id=item_id, day=day, views=views))
    db.session.add(ItemDailyView(kind="article", item_id=987654, day=TODAY, views=1))
    db.session.commit()
    top = reports.top_items("article", reports.last_days(30, TODAY))
    assert [(t.title, t.count) for t in top] == [
        ("Bài thứ nhất", 7), ("Bài thứ hai", 5), ("#987654 (đã xoá)", 1)]  # fmt: skip
    assert reports.top_items("article", reports.last_days(30, TODAY), limit=1)[0].count == 7


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ({}, Period(TODAY - timedelta(days=29), TODAY)),
        ({"days": "365"}, Period(TODAY - timedelta(days=364), TODAY)),
        ({"from": "2023-12-31", "to": "2024-01-01"}, Period(date(2023, 12, 31), date(2024, 1, 1))),
        ({"to": "2024-01-30"}, Period(date(2024, 1, 1), date(2024, 1, 30))),
    ],
)
def test_period_from_the_form(args, expected):
    assert parse_period(args, TODAY) == expected


@pytest.mark.parametrize(
    "args",
    [{"from": "2024-13-01"}, {"from": "hôm qua"}, {"from": "2024-06-02", "to": "2024-06-01"},
     {"from": "2000-01-01", "to": "2024-01-01"}, {"days": "7"}, {"days": "-1"},
     {"from": "2024-06-01\x00"}, {"from": "0001-01-01", "to": "0001-01-05"},
     {"to": "0001-01-02"}, {"from": "9999-12-01", "to": "9999-12-31"},
     {"days": "²"}, {"days": "³⁰"}, {"days": "٣٠"}, {"days": "9" * 5000}],
)  # fmt: skip
def test_bad_periods_are_refused(args):
    with pytest.raises(PeriodError):
        parse_period(args, TODAY)


def test_comparison_leaves_today_out_of_both_periods(app):
    """Today is not over: a period ending today is compared without it (whole days beside
    whole days); today alone is compared with yesterday."""
    add_days({TODAY: (1000, 0, 0), TODAY - timedelta(days=1): (10, 0, 0),
              TODAY - timedelta(days=2): (20, 0, 0), TODAY - timedelta(days=3): (40, 0, 0),
              TODAY - timedelta(days=4): (80, 0, 0)})  # fmt: skip
    period = reports.last_days(3, TODAY)  # 10..12 June
    current, previous = reports.compared_periods(period, TODAY)
    assert (current, previous) == (Period(date(2024, 6, 10), date(2024, 6, 11)),
                                   Period(date(2024, 6, 8), date(2024, 6, 9)))  # fmt: skip
    visits = reports.comparison(period, TODAY)[0]
    assert (visits.current, visits.previous) == (30, 120)
    alone = reports.comparison(Period(TODAY, TODAY), TODAY)[0]
    assert (alone.current, alone.previous) == (1000, 10)
    past = Period(date(2024, 6, 10), date(2024, 6, 11))
    assert reports.compared_periods(past, TODAY) == (past, past.previous())


def test_a_month_cut_short_shows_no_unique_visitors(app):
    add_days({date(2024, 3, 1): (10, 0, 0), date(2024, 3, 20): (50, 0, 0),
              date(2024, 2, 5): (7, 0, 0), date(2024, 6, 1): (4, 0, 0)})  # fmt: skip
    db.session.add_all([PeriodStat(period="2024-03", visitors=55),
                        PeriodStat(period="2024-02", visitors=6),
                        PeriodStat(period="2024-06", visitors=3)])  # fmt: skip
    db.session.commit()
    cut = {r.key: r.totals for r in reports.month_rows(date(2024, 2, 1), date(2024, 3, 10), TODAY)}
    assert (cut["2024-03"].visits, cut["2024-03"].visitors) == (10, None)  # 1..10 March only
    assert cut["2024-02"].visitors == 6  # a whole month in the period
    whole = {r.key: r.totals for r in reports.month_rows(date(2024, 3, 1), date(2024, 3, 31))}
    assert (whole["2024-03"].visits, whole["2024-03"].visitors) == (60, 55)
    so_far = reports.month_rows(date(2024, 6, 1), TODAY, TODAY)  # this month up to today
    assert (so_far[0].totals.visits, so_far[0].totals.visitors) == (4, 3)


def _referrers(rows) -> None:
    for host, count in rows:
        db.session.add(DailyBreakdown(day=TODAY - timedelta(days=1), dimension="referrer",
                                      value=host, count=count))  # fmt: skip
    db.session.commit()


def test_breakdown_ranks_in_sql_and_checks_only_the_rows_it_shows(app, monkeypatch):
    _referrers([(f"host-{n:03d}.example", 1000 - n) for n in range(300)] + [("", 7)])
    calls = []
    excluded = reports.agents.referrer_excluded
    monkeypatch.setattr(reports.agents, "referrer_excluded",
                        lambda host, *a: calls.append(host) or excluded(host, *a))  # fmt: skip
    shares = reports.breakdown("referrer", reports.last_days(30, TODAY), limit=5)
    # "Khác" (the other 295 hosts and "") is the biggest, so it comes first.
    assert [s.value for s in shares] == [""] + [f"host-{n:03d}.example" for n in range(5)]
    total = sum(1000 - n for n in range(300)) + 7
    assert shares[0].count == total - sum(1000 - n for n in range(5))
    assert shares[1].percent == round(1000 * 100 / total, 1)
    assert 0 < len(calls) <= 100  # the 300 hosts never all came into Python


def test_a_blocklisted_host_in_the_top_leaves_the_ranking_and_the_total(app):
    from app.settings.operations import save_settings

    _referrers([("a.spam.example", 500), ("spam.example", 400), ("news.example", 30),
                ("blog.example", 20), ("www.localhost", 300), ("other.example", 10)])  # fmt: skip
    save_settings({"stats_referrer_blocklist": "spam.example"}, by=None)
    app.config["SERVER_NAME"] = None
    app.config["SITE_URL"] = "https://localhost"
    shares = reports.breakdown("referrer", reports.last_days(30, TODAY), limit=2)
    assert [(s.value, s.count) for s in shares] == [("news.example", 30), ("blog.example", 20),
                                                    ("", 10)]  # fmt: skip
    assert shares[0].percent == 50.0  # of 60: the site's own and blocklisted hosts left out


def test_referrer_values_that_are_not_host_names_count_as_other(app):
    junk = "đánh bạc trực tuyến tại casino dot com gọi 0900"
    _referrers([(junk, 50), ("<b>x</b>", 9), ("192.0.2.7", 3), ("[2001:db8::1]", 2),
                ("news.example", 4), ("xn--bo-lja.vn", 1)])  # fmt: skip
    shares = reports.breakdown("referrer", reports.last_days(30, TODAY))
    assert [(s.label, s.count) for s in shares] == [
        ("Khác", 59), ("news.example", 4), ("192.0.2.7", 3), ("[2001:db8::1]", 2),
        ("xn--bo-lja.vn", 1)]  # fmt: skip
    assert reports.shown_referrer("casino dot com") == ""


def test_breakdowns_are_kept_a_minute_and_a_blocklist_change_shows_at_once(app, monkeypatch):
    from app.settings.operations import save_settings

    _referrers([("spam.example", 9), ("news.example", 3)])
    period = reports.last_days(30, TODAY)
    first = reports.cached_breakdown("referrer", period, 10)
    assert reports.cached_breakdown("referrer", period, 10) is first
    save_settings({"stats_referrer_blocklist": "spam.example"}, by=None)
    assert [s.value for s in reports.cached_breakdown("referrer", period, 10)] == ["news.example"]
    kept = reports.cached_breakdown("browser", period, 10)
    monkeypatch.setattr(reports.time, "monotonic", lambda: 10**9)  # more than a minute later
    assert reports.cached_breakdown("browser", period, 10) is not kept


def test_in_a_gevent_worker_the_ranking_runs_in_a_thread_on_its_own_connection(app, monkeypatch):
    import threading

    _referrers([("news.example", 5), ("blog.example", 3)])
    threads = []

    def in_a_thread(fn, *args, heavy=False, **kwargs):
        assert heavy
        out = {}
        thread = threading.Thread(target=lambda: out.update(value=fn(*args, **kwargs)))
        threads.append(thread)
        thread.start()
        thread.join()
        return out["value"]

    monkeypatch.setattr(reports, "gevent_active", lambda: True)
    monkeypatch.setattr(reports, "offload", in_a_thread)
    shares = reports.breakdown("referrer", reports.last_days(30, TODAY), limit=1)
    assert [(s.value, s.count) for s in shares] == [("news.example", 5), ("", 3)]
    assert len(threads) == 1
