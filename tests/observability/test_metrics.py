"""GET /metrics: who may read it, and that its numbers follow what the site does
(app/observability/metrics.py, state.py). One process here: tests/observability/
test_live_observability.py checks the sums across gunicorn workers."""

from __future__ import annotations

import math

import pytest
from live_server import free_port
from scrapes import LOOPBACK, page_views, parse, scrape, value

from app.extensions import db
from app.stats import durability

OUTSIDE = {"REMOTE_ADDR": "203.0.113.7"}


# --- who may read it ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("config", "environ", "headers", "allowed"),
    [
        ({}, LOOPBACK, {}, True),
        ({}, {"REMOTE_ADDR": "::1"}, {}, True),
        ({}, OUTSIDE, {}, False),
        ({"METRICS_ALLOW": "10.0.0.0/8, 203.0.113.0/24"}, OUTSIDE, {}, True),
        ({"METRICS_ALLOW": "10.0.0.0/8"}, LOOPBACK, {}, False),
        # Through a proxy the app does not trust, every client looks local: refused.
        ({}, LOOPBACK, {"X-Forwarded-For": "127.0.0.1"}, False),
        # Behind a trusted proxy, the client is the one the proxy names.
        ({"TRUSTED_PROXIES": 1}, LOOPBACK, {"X-Forwarded-For": "203.0.113.7"}, False),
        ({"TRUSTED_PROXIES": 1}, LOOPBACK, {"X-Forwarded-For": "127.0.0.1"}, True),
        # A client reaching the app server's port itself is no proxy, whatever it sends.
        ({"TRUSTED_PROXIES": 1}, OUTSIDE, {"X-Forwarded-For": "127.0.0.1"}, False),
        ({"TRUSTED_PROXIES": 1, "FORWARDED_ALLOW_IPS": "*"}, OUTSIDE,
         {"X-Forwarded-For": "127.0.0.1"}, True),
        ({"METRICS_TOKEN": "s3cret-token"}, OUTSIDE, {"Authorization": "Bearer s3cret-token"},
         True),
        ({"METRICS_TOKEN": "s3cret-token"}, OUTSIDE, {"Authorization": "Bearer s3cret-tokeN"},
         False),
        ({"METRICS_TOKEN": "s3cret-token"}, OUTSIDE, {"Authorization": "s3cret-token"}, False),
        ({}, OUTSIDE, {"Authorization": "Bearer "}, False),  # no token configured
    ],
)  # fmt: skip
def test_metrics_answer_only_allowed_addresses_or_the_token(make_app, config, environ, headers,
                                                            allowed):  # fmt: skip
    client = make_app(**config).test_client()

    response = client.get("/metrics", environ_base=environ, headers=headers)

    if allowed:
        assert response.status_code == 200
        assert response.mimetype == "text/plain"
        assert "portal_page_views_total" in response.text
    else:  # the site's own 404 page: nothing says /metrics exists
        assert response.status_code == 404
        assert "Không tìm thấy trang" in response.text
        assert "portal_" not in response.text


def test_metrics_set_no_cookie_and_are_never_cached(make_app):
    client = make_app(PAGE_CACHE_SECONDS=30).test_client()

    first = client.get("/metrics", environ_base=LOOPBACK)
    client.get("/")
    second = client.get("/metrics", environ_base=LOOPBACK)

    for response in (first, second):
        assert response.status_code == 200
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
    assert page_views(parse(second.text)) == page_views(parse(first.text)) + 1


def test_a_wrong_metrics_allow_stops_the_start_with_its_name(make_app):
    with pytest.raises(RuntimeError, match="METRICS_ALLOW"):
        make_app(METRICS_ALLOW="10.0.0.0/8, intranet")


# --- what it says --------------------------------------------------------------------------------


def test_page_views_and_headline_numbers_follow_the_readers(make_app, make_article):
    app = make_app(PAGE_CACHE_SECONDS=30)
    article = make_article()
    client = app.test_client()
    before = scrape(client)

    for n in range(3):  # three readers: the first renders, the others take the fast path
        reader = app.test_client()
        assert (
            reader.get(
                f"/tin-tuc/{article.slug}", environ_base={"REMOTE_ADDR": f"198.51.100.{n}"}
            ).status_code
            == 200
        )
    reader.get("/")
    crawler = app.test_client()
    crawler.get("/", headers={"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"})
    after = scrape(client)  # fmt: skip

    assert page_views(after, kind="article") - page_views(before, kind="article") == 3
    assert page_views(after) - page_views(before) == 1
    assert page_views(after, visitor="bot") - page_views(before, visitor="bot") == 1
    assert value(after, "portal_visitors_online") == 3
    assert value(after, "portal_bots_online") == 1
    assert value(after, "portal_visits_today") == 3
    assert value(after, "portal_redis_up") == value(after, "portal_stats_from_redis") == 1
    assert value(after, "portal_stats_pending_item_views", kind="article") == 3


def test_flush_and_checkpoint_lags_follow_the_jobs(app, client, make_article):
    article = make_article()
    client.get(f"/tin-tuc/{article.slug}")
    waiting = scrape(client)
    service = app.extensions["stats"]

    durability.flush_all(service)
    flushed = scrape(client)
    durability.checkpoint(service)
    checkpointed = scrape(client)

    assert value(waiting, "portal_stats_pending_item_views", kind="article") == 1
    assert math.isinf(value(waiting, "portal_stats_flush_lag_seconds"))  # never flushed
    assert value(waiting, "portal_stats_last_flush_timestamp_seconds") is None
    assert value(flushed, "portal_stats_pending_item_views", kind="article") == 0
    assert value(flushed, "portal_stats_flush_lag_seconds") == 0  # nothing waits
    assert value(flushed, "portal_stats_last_flush_timestamp_seconds") > 0
    assert value(flushed, "portal_stats_checkpoint_lag_seconds") is None  # never
    assert 0 <= value(checkpointed, "portal_stats_checkpoint_lag_seconds") < 60
    assert value(checkpointed, "portal_stats_last_checkpoint_timestamp_seconds") > 0


def test_with_redis_down_views_are_spooled_and_numbers_come_from_sql(make_app):
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{free_port()}/0")
    client = app.test_client()
    before = scrape(client)

    for n in range(2):
        app.test_client().get("/", environ_base={"REMOTE_ADDR": f"198.51.100.{n}"})
    after = scrape(client)

    assert page_views(after, outcome="spooled") - page_views(before, outcome="spooled") == 2
    assert page_views(after) == page_views(before)
    errors = "portal_redis_errors_total"
    # The first view's error opens the breaker: the second waits on no Redis at all.
    assert value(after, errors, operation="stats") - (value(before, errors, operation="stats")
                                                      or 0) == 1  # fmt: skip
    assert value(after, "portal_redis_up") == value(after, "portal_stats_from_redis") == 0
    assert value(after, "portal_spool_records", kind="hit") == 2
    assert value(after, "portal_spool_files") == 1
    assert value(after, "portal_spool_oldest_age_seconds") >= 0
    assert value(after, "portal_stats_flush_lag_seconds") is None  # unknown: no sample
    with app.app_context():
        db.session.remove()


def test_healthz_for_the_load_balancer_is_no_page_view_and_sets_no_cookie(make_contextless_app):
    app = make_contextless_app(PAGE_CACHE_SECONDS=30)  # and an emptied Redis DB
    client = app.test_client()
    before = scrape(client)

    answers = [app.test_client().get("/healthz") for _ in range(3)]
    after = scrape(client)

    for response in answers:
        assert response.status_code == 200
        assert response.get_json()["db"] == response.get_json()["redis"] == "ok"
        assert "Set-Cookie" not in response.headers
        assert response.headers["Cache-Control"] == "no-store"
    assert len({r.headers["X-Request-ID"] for r in answers}) == 3
    assert sum(v for k, v in after.items() if k[0] == "portal_page_views_total") == sum(
        v for k, v in before.items() if k[0] == "portal_page_views_total"
    )
    assert value(after, "portal_visitors_online") == 0


def test_metrics_answer_without_the_database_and_say_so(make_app, tmp_path):
    """A database that cannot be read is a finding (portal_database_up 0), never a 500: the
    processes' own numbers are what an operator needs most then."""
    down = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/no-such-folder/portal.db")
    up = make_app()

    broken = down.test_client().get("/metrics")
    working = up.test_client().get("/metrics")

    assert broken.status_code == working.status_code == 200
    assert "portal_database_up 0.0" in broken.text
    assert "portal_visits_total" not in broken.text
    assert "portal_database_up 1.0" in working.text
    assert "portal_visits_total" in working.text
