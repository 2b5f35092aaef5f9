"""The old site's visit total as a site setting (Cài đặt → Thống kê): added to "Tổng lượt truy
cập" wherever the total shows (sidebar, /api/stats, live frames, SQL's fallback), on top of
STATS_TOTAL_OFFSET; a saved change is the next live frame; another process follows at its
next page view; a page view stays one Redis round trip."""

from __future__ import annotations

import json

import pytest
from auth_helpers import logged_in_client
from pages import control, errors_next_to, forms_on, parse, squash, value_of
from sqlalchemy import text
from stats_helpers import sidebar, stats, visitor
from test_stats_counting import redis_round_trips  # noqa: F401 - the fixture, shared

from app.dates import utcnow
from app.extensions import db, redis_store
from app.redis_keys import names
from app.stats.services import OFFSET_REFRESH_SECONDS, get_service

PAGE = "/admin/cai-dat/"
KEY = "stats_total_offset"


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


def save_offset(client, value) -> object:
    """Post the settings page as a browser does, with the offset changed."""
    page = client.get(PAGE).text
    (form,) = [f for f in forms_on(page, PAGE) if f.method == "post" and f.action == PAGE]
    data = dict(form.fields)
    data[KEY] = str(value)
    return client.post(PAGE, data=data)


def readers(app, n: int, start: int = 1) -> None:
    for i in range(start, start + n):
        assert visitor(app, ip=f"198.51.100.{i}").get("/").status_code == 200


def test_the_setting_sits_under_statistics_and_starts_at_zero(app, admin_client):
    page = admin_client.get(PAGE).text
    assert value_of(page, KEY) == "0" and control(page, KEY).get("min") == "0"
    (section,) = [
        s for s in parse(page).find_all("fieldset", cls="settings-section")
        if squash(s.find("legend").text()) == "Thống kê"
    ]  # fmt: skip
    label = section.find("label", for_=KEY)
    assert squash(label.text()) == "Tổng lượt truy cập của website cũ (cộng vào tổng)"


def test_a_saved_offset_is_added_to_every_total_shown(app, admin_client, clock):
    readers(app, 2)
    assert stats(app)["total"] == 2

    assert save_offset(admin_client, 12919).status_code == 302

    assert stats(app)["total"] == 12921
    html = visitor(app, ip="198.51.100.50").get("/").text
    assert sidebar(html)["total"] == 12922
    assert "12,922" in html
    # What SQL knows when Redis never answered: the checkpointed visits plus the offset.
    assert get_service().from_sql().total == 12919
    assert save_offset(admin_client, 0).status_code == 302
    assert stats(app)["total"] == 3


def test_the_setting_adds_to_the_configured_offset(make_stats_app, make_user):
    app = make_stats_app(STATS_TOTAL_OFFSET=1000)
    admin = logged_in_client(app, make_user("quantri2", role="admin"))
    readers(app, 1)
    assert stats(app)["total"] == 1001

    assert save_offset(admin, 250).status_code == 302

    assert stats(app)["total"] == 1251
    assert sidebar(visitor(app, ip="198.51.100.9").get("/").text)["total"] == 1252


def test_a_saved_change_is_the_next_live_frame(app, admin_client, clock):
    readers(app, 3)
    clock.advance(2)  # past the publish throttle's second
    subscriber = redis_store.client.pubsub(ignore_subscribe_messages=True)
    subscriber.subscribe(names(app).channel)
    try:
        assert subscriber.get_message(timeout=1) is None  # nothing published meanwhile

        assert save_offset(admin_client, 40_000).status_code == 302

        message = subscriber.get_message(timeout=2)
    finally:
        subscriber.close()
    assert message is not None, "the saved change published no frame"
    assert json.loads(message["data"])["total"] == 40_003


@pytest.mark.parametrize(
    ("value", "says"),
    [("-1", "Số phải nằm trong khoảng 0 đến 999999999999."),
     ("1000000000000", "Số phải nằm trong khoảng 0 đến 999999999999."),
     ("nhiều", "Phải là số nguyên.")],
)  # fmt: skip
def test_an_offset_out_of_bounds_is_refused(app, admin_client, value, says):
    response = save_offset(admin_client, value)

    assert response.status_code == 400
    assert says in errors_next_to(response.text, KEY)
    assert stats(app)["total"] == 0


def saved_by_another_process(app, value: int) -> None:
    """What another server process's save leaves here: the row in SQL, and the content
    version in Redis bumped by its commit (this process's page cache is not cleared, as
    the saving process's own is)."""
    with app.app_context():
        with db.engine.begin() as connection:
            connection.execute(
                text("INSERT INTO site_settings (key, value, updated_at) VALUES (:k, :v, :t)"),
                {"k": KEY, "v": json.dumps(value), "t": utcnow()},
            )
        redis_store.client.incr(names(app).content_version)


def test_another_process_follows_at_its_next_page_view_in_one_round_trip(
    make_stats_app,
    redis_round_trips,  # noqa: F811
):
    # A server process with its page cache on: its cached home page is answered without
    # Flask until the content version moves.
    app = make_stats_app(PAGE_CACHE_SECONDS=60)
    assert sidebar(visitor(app, ip="198.51.100.1").get("/").text)["total"] == 1
    assert sidebar(visitor(app, ip="198.51.100.2").get("/").text)["total"] == 2

    saved_by_another_process(app, 5000)

    # Its next page view (counted by the page cache's fast path with what the process knew,
    # then rendered by Flask's path under the new content version) shows the new total...
    assert sidebar(visitor(app, ip="198.51.100.3").get("/").text)["total"] == 5003
    # ...and the one after it comes from the cache again, in one round trip, already right.
    reader = visitor(app, ip="198.51.100.4")
    redis_round_trips.clear()
    html = reader.get("/").text
    assert len(redis_round_trips) == 1, redis_round_trips
    assert b"EVALSHA" in redis_round_trips[0].upper()
    assert sidebar(html)["total"] == 5004
    assert stats(app)["total"] == 5004


def test_a_save_in_another_app_shows_at_the_next_page_view(app, admin_client, make_stats_app):
    other = make_stats_app(flush=False)
    assert sidebar(visitor(other, ip="198.51.100.1").get("/").text)["total"] == 1

    assert save_offset(admin_client, 800).status_code == 302

    assert sidebar(visitor(other, ip="198.51.100.2").get("/").text)["total"] == 802


def test_a_process_that_serves_no_page_view_reads_the_change_when_it_publishes(
    app, admin_client, make_stats_app, clock
):
    other = make_stats_app(flush=False)
    readers(app, 2)
    with other.app_context():
        assert get_service().read("refresh").total == 2

    assert save_offset(admin_client, 70).status_code == 302
    with other.app_context():
        assert get_service().read().total == 2  # read again at most once a second

    clock.advance(OFFSET_REFRESH_SECONDS)  # the refresh job's next run
    with other.app_context():
        assert get_service().read("refresh").total == 72
