"""The reports' history: generated visits across local midnight (17:00 UTC), a month end and
a year end, checkpointed and derived into SQL — days, hours, periods and breakdowns exact,
bots apart, the site's own and blocklisted referrers left out; imported days never in the
total.

Real Redis and SQL; the statistics clock is the test's (STATS_CLOCK); background jobs off:
the test runs the checkpoint and the reports job when it wants.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from auth_helpers import Clock
from counting_helpers import (
    BINGBOT,
    CHROME_WINDOWS,
    COC_COC,
    FIREFOX_ANDROID,
    GOOGLEBOT,
    HOSTILE_REFERRER,
    HOSTILE_UA,
    SAFARI_IPHONE,
    breakdowns,
    checkpoint_and_derive,
    daily,
    hourly,
    key,
    local_time,
    periods,
    redis_of,
    service_of,
)
from stats_helpers import publish, stats, visitor

from app.extensions import db
from app.stats import durability
from app.stats.models import DailyStat
from app.stats.services import restore_from_sql, visits_ever

pytestmark = pytest.mark.contextless

YEAR_END = date(2024, 12, 31)
MONTH_END = date(2024, 6, 30)


@pytest.fixture
def clock() -> Clock:
    return Clock(local_time(YEAR_END, 23, 40))


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock, "STATS_REFERRER_BLOCKLIST": "spam.example"}


def at(clock: Clock, day: date, hour: int, minute: int) -> None:
    clock.now = local_time(day, hour, minute)


def get(client, url: str, referrer: str | None = None):
    headers = {"Referer": referrer} if referrer else {}
    response = client.get(url, headers=headers)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("last_day", [YEAR_END, MONTH_END], ids=["year_end", "month_end"])
def test_visits_across_midnight_month_and_year_end_are_exact(app, clock, last_day):
    first_day = last_day + timedelta(days=1)
    article = publish(app, "Bài viết được đọc qua nửa đêm")
    a = visitor(app, ip="198.51.100.1", user_agent=CHROME_WINDOWS)
    b = visitor(app, ip="198.51.100.2", user_agent=FIREFOX_ANDROID)
    c = visitor(app, ip="198.51.100.3", user_agent=HOSTILE_UA)
    s = visitor(app, ip="198.51.100.4", user_agent=COC_COC)
    f = visitor(app, ip="198.51.100.5", user_agent=SAFARI_IPHONE)
    google = visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT)
    bing = visitor(app, ip="157.55.39.1", user_agent=BINGBOT)

    # The last day, 23:40-23:58 in Hanoi (16:40-16:58 UTC): four visits, five page views.
    at(clock, last_day, 23, 40)
    get(a, "/", "https://www.google.com/search?q=s%E1%BB%9F")
    at(clock, last_day, 23, 45)
    get(a, article.url)  # the same visit
    at(clock, last_day, 23, 50)
    get(b, article.url, "http://localhost/chuyen-muc/tin-tuc")  # the site itself
    at(clock, last_day, 23, 55)
    get(c, "/", HOSTILE_REFERRER)
    at(clock, last_day, 23, 57)
    get(s, "/", "https://WWW.Spam.Example:8443/offer")  # blocklisted, subdomain too
    at(clock, last_day, 23, 58)
    get(google, "/")
    # After midnight (17:00 UTC): A's visit goes on (25 min), then a new one (40 min later).
    at(clock, first_day, 0, 10)
    get(a, "/")
    at(clock, first_day, 0, 20)
    get(google, article.url)
    at(clock, first_day, 0, 50)
    get(a, "/", "https://www.bing.com/search?q=x")
    at(clock, first_day, 0, 52)
    get(f, "/")
    at(clock, first_day, 0, 53)
    get(bing, "/")
    assert stats(app)["today"] == 2

    at(clock, first_day, 0, 55)
    written, derived = checkpoint_and_derive(app)
    assert written == derived == [last_day, first_day]

    # (visits, visitors, page views, bot views, imported)
    assert daily(app) == {last_day: (4, 4, 5, 1, False), first_day: (2, 2, 3, 2, False)}
    # (visits, page views, bot views, visitors)
    assert hourly(app) == {(last_day, 23): (4, 5, 1, 4), (first_day, 0): (2, 3, 2, 2)}
    last_month, first_month = f"{last_day:%Y-%m}", f"{first_day:%Y-%m}"
    if last_day.year != first_day.year:
        expected = {last_month: 4, f"{last_day:%Y}": 4, first_month: 2, f"{first_day:%Y}": 2}
    else:
        expected = {last_month: 4, first_month: 2, f"{last_day:%Y}": 5}
    assert periods(app) == expected

    assert breakdowns(app, last_day) == {
        "browser": {"Chrome": 1, "Firefox": 1, "Cốc Cốc": 1, "": 1},
        "os": {"Windows": 2, "Android": 1, "": 1},
        "device": {"desktop": 2, "mobile": 1, "other": 1},
        "referrer": {"www.google.com": 1, "": 1},  # the hostile one is no host name: Khác
        "search": {"Google": 1},
        "bot": {"Googlebot": 1},
    }
    assert breakdowns(app, first_day) == {
        "browser": {"Chrome": 1, "Safari": 1},
        "os": {"Windows": 1, "iOS": 1},
        "device": {"desktop": 1, "mobile": 1},
        "referrer": {"www.bing.com": 1},
        "search": {"Bing": 1},
        "bot": {"Googlebot": 1, "bingbot": 1},
    }

    # What is over and in SQL may expire; what is still counting never does.
    client = redis_of(app)
    for name in ("ua", "bots", "ref", "day", "uv"):
        assert client.ttl(key(app, name, f"{last_day}")) > 0, name
        assert client.ttl(key(app, name, f"{first_day}")) == -1, name
    assert client.ttl(key(app, "uvh", f"{last_day}T23")) > 0
    assert client.ttl(key(app, "uvh", f"{first_day}T00")) == -1
    assert client.ttl(key(app, "uvp", last_month)) > 0
    assert client.ttl(key(app, "uvp", first_month)) == -1
    assert client.ttl(key(app, "uvp", f"{first_day:%Y}")) == -1

    # Running the jobs again changes nothing (never-lower upserts of the same counts).
    before = (daily(app), hourly(app), periods(app), breakdowns(app, last_day))
    checkpoint_and_derive(app)
    assert (daily(app), hourly(app), periods(app), breakdowns(app, last_day)) == before


def test_bots_count_apart_and_leave_the_visitors_alone(app, clock):
    for n in range(3):
        get(visitor(app, ip=f"66.249.66.{n + 1}", user_agent=GOOGLEBOT), "/")
    get(visitor(app, ip="157.55.39.1", user_agent=BINGBOT), "/")
    checkpoint_and_derive(app)

    day = YEAR_END
    assert daily(app) == {day: (0, 0, 0, 4, False)}
    assert hourly(app) == {(day, 23): (0, 0, 4, 0)}
    assert breakdowns(app, day) == {"bot": {"Googlebot": 3, "bingbot": 1}}
    client = redis_of(app)
    assert not client.exists(key(app, "ua", f"{day}"), key(app, "where"))
    assert client.pfcount(key(app, "uvh", f"{day}T23")) == 0


def test_imported_days_are_charted_but_never_in_the_total(app, clock):
    """The lead's rule: an import never replaces a counted day; a day counted here that an
    import covered becomes the counted day (its counts, not the larger of both)."""
    with app.app_context():
        db.session.add_all([
            DailyStat(day=date(2024, 1, 5), visits=900, visitors=800, page_views=2000,
                      imported=True),
            DailyStat(day=YEAR_END, visits=700, visitors=600, page_views=1500, imported=True),
        ])  # fmt: skip
        db.session.commit()
        assert visits_ever() == 0
        restore_from_sql(service_of(app))  # today's imported figures are not today's visits
    assert (stats(app)["today"], stats(app)["total"]) == (0, 0)

    for n in range(2):
        get(visitor(app, ip=f"198.51.100.{n + 1}", user_agent=CHROME_WINDOWS), "/")
    with app.app_context():
        durability.checkpoint(service_of(app))
        assert visits_ever() == 2
    assert daily(app) == {
        date(2024, 1, 5): (900, 800, 2000, 0, True),  # left alone
        YEAR_END: (2, 2, 2, 0, False),  # counted here: replaces the import
    }


def test_a_month_or_year_counted_only_in_part_gets_no_unique_visitors(app, clock):
    """Days counted before the period's HyperLogLog started (an earlier release, a Redis
    that lost it, an import): the period's visitors would be those of its last days only,
    shown as the whole. It is not written; the reports show "—"."""
    with app.app_context():
        db.session.add(DailyStat(day=date(2024, 12, 2), visits=10, visitors=8, page_views=30))
        db.session.commit()
    get(visitor(app, ip="198.51.100.1", user_agent=CHROME_WINDOWS), "/")  # 31 Dec
    checkpoint_and_derive(app)
    assert periods(app) == {}
    assert daily(app)[YEAR_END] == (1, 1, 1, 0, False)

    at(clock, date(2025, 1, 1), 10, 0)  # a new month and year: counted from their start
    get(visitor(app, ip="198.51.100.2", user_agent=CHROME_WINDOWS), "/")
    checkpoint_and_derive(app)
    assert periods(app) == {"2025-01": 1, "2025": 1}

    client = redis_of(app)  # Redis loses the month's union and 1 January's visitors
    client.delete(key(app, "uvp", "2025-01"), key(app, "uvp_since", "2025-01"))
    client.delete(key(app, "uv", "2025-01-01"))
    at(clock, date(2025, 1, 2), 10, 0)
    for n in range(3):
        get(visitor(app, ip=f"198.51.100.{10 + n}", user_agent=CHROME_WINDOWS), "/")
    checkpoint_and_derive(app)
    assert periods(app) == {"2025-01": 1, "2025": 4}  # the month kept as it was


def test_a_past_months_visitors_expire_even_if_its_last_day_had_no_view(app, clock):
    at(clock, date(2024, 6, 29), 10, 0)
    get(visitor(app, ip="198.51.100.1", user_agent=CHROME_WINDOWS), "/")
    checkpoint_and_derive(app)
    client = redis_of(app)
    june = (key(app, "uvp", "2024-06"), key(app, "uvp_since", "2024-06"))
    assert [client.ttl(k) for k in june] == [-1, -1]

    at(clock, date(2024, 7, 2), 10, 0)  # nobody came on 30 June or 1 July
    get(visitor(app, ip="198.51.100.2", user_agent=CHROME_WINDOWS), "/")
    checkpoint_and_derive(app)
    ttls = [client.ttl(k) for k in june]
    assert all(ttl > 0 for ttl in ttls)
    assert client.ttl(key(app, "uvp", "2024")) == -1  # the year goes on
    time.sleep(1.1)
    checkpoint_and_derive(app)  # a later checkpoint does not push the TTL back
    assert all(0 < client.ttl(k) < ttl for k, ttl in zip(june, ttls, strict=True))
