"""How the live statistics count: visits, online, today, total, bots, article views.

Every test runs against the real Redis server of the test session, with a clock the test
moves by hand (STATS_CLOCK) and no background threads: what is checked is what a client
reads from /api/stats or from the page.
"""

from __future__ import annotations

import re
import threading
import time
from datetime import UTC, date, datetime

import pytest
import redis
from auth_helpers import Clock
from stats_helpers import (
    BROWSER,
    GOOGLEBOT,
    T0,
    headline,
    publish,
    sidebar,
    stats,
    views_shown,
    visitor,
)

from app.extensions import db

MINUTE = 60.0


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


# No app context stays pushed during a test (conftest's `app`); the statistics read the
# test's clock.
pytestmark = pytest.mark.contextless


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


# --- visits ------------------------------------------------------------------------------------


def test_first_page_view_starts_a_visit_seen_in_api_and_sidebar(app):
    before = stats(app)
    response = visitor(app).get("/")

    assert response.status_code == 200
    assert "vid=" in response.headers["Set-Cookie"]
    assert (before["online"], before["today"], before["total"]) == (0, 0, 0)
    assert sidebar(response.text) == {"online": 1, "today": 1, "total": 1, "bots_online": 0}
    after = stats(app)
    del after["updated"]
    assert after == {"online": 1, "today": 1, "total": 1, "bots_online": 0}


def test_api_stats_matches_the_contract(app):
    visitor(app).get("/")

    numbers = stats(app)

    assert set(numbers) == {"online", "today", "total", "bots_online", "updated"}
    assert all(isinstance(numbers[k], int) for k in ("online", "today", "total", "bots_online"))
    assert datetime.fromisoformat(numbers["updated"]).timestamp() == T0


def test_views_twenty_minutes_apart_stay_one_visit_even_past_the_timeout(app, clock):
    reader = visitor(app)
    for _ in range(3):  # t, t+20 min, t+40 min: each view slides the 30-minute timeout
        assert reader.get("/").status_code == 200
        clock.advance(20 * MINUTE)

    assert stats(app)["today"] == 1
    assert stats(app)["total"] == 1


def test_a_view_after_more_than_the_visit_timeout_starts_a_second_visit(app, clock):
    """A visit ends after VISIT_TIMEOUT_SECONDS without a view, measured on the statistics
    clock (STATS_CLOCK) like every other rule: day, hour, online window, hit time."""
    reader = visitor(app)
    reader.get("/")
    clock.advance(31 * MINUTE)

    html = reader.get("/").text

    assert sidebar(html)["today"] == 2
    assert stats(app)["total"] == 2


def test_sliding_visit_timeout_in_real_time(make_stats_app):
    """The same rule with the real clock and a 1-second timeout, as production runs it."""
    app = make_stats_app(STATS_CLOCK=None, VISIT_TIMEOUT_SECONDS=1)
    reader = visitor(app)
    reader.get("/")
    for _ in range(3):  # views at 0, 0.5, 1 and 1.5 s: never 1 s without one
        time.sleep(0.5)
        reader.get("/")
    assert stats(app)["total"] == 1

    time.sleep(1.3)
    reader.get("/")

    assert stats(app)["today"] == 2
    assert stats(app)["total"] == 2


def test_each_public_page_kind_counts_as_a_page_view(app):
    article = publish(app, "Bài viết được đọc")
    pages = ["/", article.category_url, article.url]
    for n, page in enumerate(pages, start=1):
        assert visitor(app, ip=f"198.51.100.{n}").get(page).status_code == 200
        assert stats(app)["total"] == n, page


# --- online ------------------------------------------------------------------------------------


def test_visitor_drops_out_of_online_after_the_window(app, clock):
    visitor(app, ip="203.0.113.1").get("/")
    clock.advance(2 * MINUTE)
    visitor(app, ip="203.0.113.2").get("/")

    clock.advance(3 * MINUTE - 1)  # first visitor: 299 s ago
    assert stats(app)["online"] == 2
    clock.advance(2)  # first visitor: 301 s ago
    assert stats(app)["online"] == 1
    clock.advance(2 * MINUTE)  # second visitor gone too
    numbers = stats(app)

    assert numbers["online"] == 0
    assert (numbers["today"], numbers["total"]) == (2, 2)  # leaving is not un-visiting


def test_online_window_is_configurable(make_stats_app, clock):
    app = make_stats_app(ONLINE_WINDOW_SECONDS=60)
    visitor(app).get("/")

    clock.advance(59)
    assert stats(app)["online"] == 1
    clock.advance(2)
    assert stats(app)["online"] == 0


def test_several_views_by_one_visitor_are_one_online(app, clock):
    reader = visitor(app)
    for _ in range(5):
        reader.get("/")
        clock.advance(10)

    assert headline(app) == (1, 1, 1)


# --- today and total ---------------------------------------------------------------------------


def test_today_restarts_at_local_midnight_in_hanoi_while_total_keeps_counting(app, clock):
    # 16:59 UTC is 23:59 in Hanoi; 17:01 UTC on the same UTC day is already tomorrow there.
    clock.now = datetime(2024, 6, 12, 16, 59, tzinfo=UTC).timestamp()
    for n in range(3):
        visitor(app, ip=f"203.0.113.{n + 1}").get("/")
    assert stats(app)["today"] == 3

    clock.now = datetime(2024, 6, 12, 17, 1, tzinfo=UTC).timestamp()
    assert stats(app)["today"] == 0  # a new local day, nobody yet
    html = visitor(app, ip="203.0.113.9").get("/").text

    assert sidebar(html)["today"] == 1
    assert sidebar(html)["total"] == 4
    assert stats(app)["today"] == 1


def test_today_does_not_restart_at_utc_midnight(app, clock):
    clock.now = datetime(2024, 6, 12, 23, 59, tzinfo=UTC).timestamp()  # 06:59 in Hanoi
    visitor(app, ip="203.0.113.1").get("/")
    clock.now = datetime(2024, 6, 13, 0, 1, tzinfo=UTC).timestamp()  # 07:01 in Hanoi
    visitor(app, ip="203.0.113.2").get("/")

    assert stats(app)["today"] == 2


def test_site_timezone_setting_moves_midnight(make_stats_app, clock):
    app = make_stats_app(SITE_TIMEZONE="Europe/Paris")  # UTC+2 in June
    clock.now = datetime(2024, 6, 12, 21, 59, tzinfo=UTC).timestamp()
    visitor(app, ip="203.0.113.1").get("/")
    clock.now = datetime(2024, 6, 12, 22, 1, tzinfo=UTC).timestamp()
    visitor(app, ip="203.0.113.2").get("/")

    assert stats(app)["today"] == 1
    assert stats(app)["total"] == 2


def test_total_offset_is_added_to_total_only(make_stats_app):
    app = make_stats_app(STATS_TOTAL_OFFSET=123_456)
    assert stats(app)["total"] == 123_456

    html = visitor(app).get("/").text

    assert sidebar(html)["total"] == 123_457
    assert sidebar(html)["today"] == 1
    assert "123,457" in html
    assert stats(app)["total"] == 123_457


# --- bots --------------------------------------------------------------------------------------


def test_bots_are_counted_apart_and_never_in_the_headline_numbers(app, clock):
    crawler = visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT)
    for _ in range(3):
        assert crawler.get("/").status_code == 200
        clock.advance(MINUTE)
    visitor(app, ip="66.249.66.2", user_agent=GOOGLEBOT, cookies=False).get("/")

    numbers = stats(app)

    assert numbers["bots_online"] == 2
    assert (numbers["online"], numbers["today"], numbers["total"]) == (0, 0, 0)


def test_bot_and_person_side_by_side(app):
    visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT).get("/")
    html = visitor(app, ip="203.0.113.5").get("/").text

    assert sidebar(html) == {"online": 1, "today": 1, "total": 1, "bots_online": 1}


def test_bots_get_no_visitor_cookie(app):
    response = visitor(app, user_agent=GOOGLEBOT).get("/")

    assert "vid=" not in response.headers.get("Set-Cookie", "")


def test_bots_leave_the_bots_online_number_after_the_window(app, clock):
    visitor(app, user_agent=GOOGLEBOT).get("/")
    clock.advance(301)

    assert stats(app)["bots_online"] == 0


# --- who is a visitor --------------------------------------------------------------------------


def test_cookieless_views_from_one_ip_and_browser_are_one_visit(app):
    for _ in range(4):
        visitor(app, ip="198.51.100.7", cookies=False).get("/")

    assert headline(app) == (1, 1, 1)


def test_cookieless_views_from_another_ip_are_another_visitor(app):
    visitor(app, ip="198.51.100.7", cookies=False).get("/")
    visitor(app, ip="198.51.100.8", cookies=False).get("/")

    assert headline(app) == (2, 2, 2)


def test_cookieless_views_with_another_browser_are_another_visitor(app):
    visitor(app, ip="198.51.100.7", cookies=False).get("/")
    visitor(app, ip="198.51.100.7", user_agent=BROWSER + " Edg/120.0", cookies=False).get("/")

    assert headline(app) == (2, 2, 2)


def test_first_view_without_cookie_and_later_views_with_it_are_one_visit(app, clock):
    reader = visitor(app)  # keeps the cookie the first response sets
    first = reader.get("/")
    assert "vid=" in first.headers["Set-Cookie"]
    for _ in range(3):
        clock.advance(MINUTE)
        response = reader.get("/")
        assert "vid=" not in response.headers.get("Set-Cookie", "")

    assert headline(app) == (1, 1, 1)


def test_cookie_keeps_the_visitor_when_the_ip_changes(app, clock):
    reader = visitor(app, ip="198.51.100.7")
    reader.get("/")
    clock.advance(MINUTE)
    reader.environ_base["REMOTE_ADDR"] = "198.51.100.99"  # a phone moving to another network
    reader.get("/")
    clock.advance(MINUTE)
    reader.get("/")

    assert headline(app) == (1, 1, 1)


def test_a_forged_cookie_value_is_replaced_not_trusted(app):
    reader = visitor(app)
    reader.set_cookie("vid", "<script>", domain="localhost")

    response = reader.get("/")

    assert "vid=" in response.headers["Set-Cookie"]
    assert "<script>" not in response.headers["Set-Cookie"]
    assert headline(app) == (1, 1, 1)


def test_x_forwarded_for_is_ignored_without_trusted_proxies(app):
    for n in range(4):  # a client forging a new address on every request
        visitor(app, ip="198.51.100.7", cookies=False).get(
            "/", headers={"X-Forwarded-For": f"192.0.2.{n + 1}"}
        )

    assert headline(app) == (1, 1, 1)


def test_x_forwarded_for_is_used_behind_a_trusted_proxy(make_stats_app):
    app = make_stats_app(TRUSTED_PROXIES=1, FORWARDED_ALLOW_IPS="10.0.0.0/24")
    for n in range(3):  # three people behind the same reverse proxy
        visitor(app, ip="10.0.0.1", cookies=False).get(
            "/", headers={"X-Forwarded-For": f"192.0.2.{n + 1}"}
        )
    visitor(app, ip="10.0.0.1", cookies=False).get("/", headers={"X-Forwarded-For": "192.0.2.1"})

    assert headline(app) == (3, 3, 3)


def test_x_forwarded_for_from_a_peer_that_is_not_the_proxy_is_ignored(make_stats_app):
    """A client that reaches the app server's port directly cannot be anyone it likes."""
    app = make_stats_app(TRUSTED_PROXIES=1, FORWARDED_ALLOW_IPS="10.0.0.0/24")
    for n in range(3):
        visitor(app, ip="198.51.100.7", cookies=False).get(
            "/", headers={"X-Forwarded-For": f"192.0.2.{n + 1}"}
        )

    assert headline(app) == (1, 1, 1)


# --- what is not a page view -------------------------------------------------------------------


def test_requests_that_are_not_page_views_are_not_counted(app):
    article = publish(app, "Bài viết")
    reader = visitor(app)
    assert reader.head("/").status_code == 200
    assert reader.head(article.url).status_code == 200
    assert reader.get("/", headers={"Sec-Purpose": "prefetch"}).status_code == 200
    assert reader.get("/", headers={"Purpose": "prefetch"}).status_code == 200
    prerender = {"Sec-Purpose": "prefetch;prerender"}
    assert reader.get(article.url, headers=prerender).status_code == 200
    assert reader.get("/api/stats").status_code == 200
    with reader.get("/static/css/site.css") as static_file:
        assert static_file.status_code == 200
    assert reader.get("/healthz").status_code == 200
    assert reader.get("/khong-co-trang-nay").status_code == 404
    assert reader.get("/tin-tuc/khong-co-bai-nay").status_code == 404
    assert reader.get("/chuyen-muc/khong-co-muc-nay").status_code == 404
    assert reader.get(f"{article.category_url}?page=0").status_code == 404
    assert reader.get(f"{article.category_url}?page=99").status_code == 404

    numbers = stats(app)
    assert (numbers["online"], numbers["today"], numbers["total"]) == (0, 0, 0)
    assert reader.get_cookie("vid") is None  # no visitor cookie handed out either

    reader.get(article.url)  # the same client's real page view does count
    assert headline(app) == (1, 1, 1)
    assert views_shown(reader.get(article.url).text) == 1


def test_not_counted_requests_still_show_the_live_numbers(app):
    visitor(app, ip="198.51.100.1").get("/")

    html = visitor(app, ip="198.51.100.2").get("/khong-co-trang-nay").text

    assert sidebar(html)["total"] == 1


# --- article views -----------------------------------------------------------------------------


def test_article_views_count_once_per_visitor_per_visit(app, clock):
    article = publish(app, "Bài viết được xem")
    url = article.url
    reader = visitor(app, ip="198.51.100.1")

    assert views_shown(reader.get(url).text) == 1
    clock.advance(5 * MINUTE)
    assert views_shown(reader.get(url).text) == 1  # same visit: not again
    reader.get("/")  # other pages in between do not matter
    assert views_shown(reader.get(url).text) == 1
    clock.advance(20 * MINUTE)
    assert views_shown(reader.get(url).text) == 1  # 25 minutes in: still the same visit
    assert views_shown(visitor(app, ip="198.51.100.2").get(url).text) == 2  # another visitor


def test_article_views_count_again_after_visit_timeout_in_real_time(make_stats_app):
    app = make_stats_app(STATS_CLOCK=None, VISIT_TIMEOUT_SECONDS=1)
    url = publish(app, "Bài viết").url
    reader = visitor(app)
    assert views_shown(reader.get(url).text) == 1
    assert views_shown(reader.get(url).text) == 1

    time.sleep(1.3)

    assert views_shown(reader.get(url).text) == 2


def test_article_views_are_counted_per_article(app):
    first, second = publish(app, "Bài một"), publish(app, "Bài hai")
    reader = visitor(app)
    reader.get(first.url)

    assert views_shown(reader.get(second.url).text) == 1
    assert views_shown(reader.get(first.url).text) == 1


def test_bots_do_not_add_article_views(app):
    article = publish(app, "Bài viết")
    url = article.url
    visitor(app, user_agent=GOOGLEBOT).get(url)

    assert views_shown(visitor(app, ip="198.51.100.1").get(url).text) == 1


def test_cookieless_rereads_of_an_article_add_one_view(app):
    article = publish(app, "Bài viết")
    url = article.url
    for _ in range(3):
        html = visitor(app, ip="198.51.100.7", cookies=False).get(url).text

    assert views_shown(html) == 1


# --- exactness and cost ------------------------------------------------------------------------


def test_concurrent_page_views_from_distinct_visitors_are_counted_exactly(app):
    n = 50
    clients = [visitor(app, ip=f"198.51.{i // 250}.{i % 250 + 1}") for i in range(n)]
    start = threading.Barrier(n)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def view(client):
        try:
            start.wait(timeout=10)
            statuses.append(client.get("/").status_code)
        except BaseException as exc:  # reported below, not lost in the thread
            errors.append(exc)

    threads = [threading.Thread(target=view, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert not errors
    assert statuses == [200] * n
    assert headline(app) == (n, n, n)


def test_concurrent_views_of_one_article_by_distinct_visitors_are_counted_exactly(app):
    n = 30
    article = publish(app, "Bài viết nóng")
    url = article.url
    start = threading.Barrier(n)
    statuses: list[int] = []

    def view(i):
        client = visitor(app, ip=f"198.51.100.{i + 1}")
        start.wait(timeout=10)
        statuses.append(client.get(url).status_code)

    threads = [threading.Thread(target=view, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert statuses == [200] * n
    assert views_shown(visitor(app, ip="198.51.100.200").get(url).text) == n + 1


@pytest.fixture
def redis_round_trips(monkeypatch):
    """Count what is sent to Redis: one packed write is one round trip."""
    sent: list[bytes] = []
    original = redis.connection.AbstractConnection.send_packed_command

    def counting(self, command, check_health=True):
        packed = command if isinstance(command, bytes | str) else b"".join(command)
        sent.append(packed if isinstance(packed, bytes) else packed.encode())
        return original(self, command, check_health)

    monkeypatch.setattr(redis.connection.AbstractConnection, "send_packed_command", counting)
    return sent


def test_an_article_page_view_costs_one_redis_round_trip(app, redis_round_trips):
    article = publish(app, "Bài viết")
    url = article.url
    visitor(app, ip="198.51.100.1").get(url)  # warm-up: restore counters, load the scripts
    reader = visitor(app, ip="198.51.100.2")
    redis_round_trips.clear()

    response = reader.get(url)

    assert response.status_code == 200
    assert len(redis_round_trips) == 1, redis_round_trips
    assert b"EVALSHA" in redis_round_trips[0].upper()
    # Numbers in this response include this very view, so they came back from that one call.
    assert sidebar(response.text) == {"online": 2, "today": 2, "total": 2, "bots_online": 0}
    assert views_shown(response.text) == 2


def test_a_returning_visitors_page_view_costs_one_redis_round_trip(app, redis_round_trips):
    reader = visitor(app)
    reader.get("/")
    reader.get("/")
    redis_round_trips.clear()

    html = reader.get("/").text

    assert len(redis_round_trips) == 1
    assert sidebar(html)["total"] == 1


def test_live_document_counts_in_the_sidebar_come_in_the_same_round_trip(app, redis_round_trips):
    from app.documents.operations import create_document, get_or_create_issuer, get_or_create_type

    with app.app_context():
        document = create_document(
            code="118-HD/BTGTU", title="Hướng dẫn tuyên truyền", issued_on=date(2024, 6, 1),
            type=get_or_create_type("Hướng dẫn"), issuer=get_or_create_issuer("Ban Tuyên giáo"),
        )  # fmt: skip
        document.views, document.downloads = 203, 104
        db.session.commit()
    article = publish(app, "Bài viết")
    visitor(app, ip="198.51.100.1").get("/")  # warm-up: live counters seeded from SQL
    redis_round_trips.clear()

    html = visitor(app, ip="198.51.100.2").get(article.url).text

    assert len(redis_round_trips) == 1
    assert re.search(r'data-live-item="document:\d+">203<', html)
    assert re.search(r'data-live-item="document_download:\d+">104<', html)
