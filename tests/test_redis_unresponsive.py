"""While Redis does not answer, readers' cached pages keep coming from the cache (the view
spooled, the last known numbers shown) instead of a render per page view, and the rate
limits still refuse from memory. bench/redis_blackhole.py measures the same under load."""

from __future__ import annotations

import re

import pytest
from redis_servers import start_redis
from sqlalchemy import update

from app.extensions import db
from app.news.models import Article
from app.rate_limit import hit

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}


@pytest.fixture
def outside_redis(tmp_path):
    server = start_redis(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def app_config(outside_redis) -> dict:
    return {"PAGE_CACHE_SECONDS": 30, "REDIS_URL": outside_redis.url}


def headline(html: str) -> dict[str, int]:
    found = dict(re.findall(r'data-stat="(\w+)">([\d,]+)<', html))
    return {k: int(v.replace(",", "")) for k, v in found.items()}


def reader(app, n: int):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.7.0.{n}"
    return client


def test_a_cached_page_is_served_from_the_cache_while_redis_is_away(
    app, make_article, outside_redis
):
    article = make_article(title="Bài viết trong bộ đệm")
    url = f"/tin-tuc/{article.slug}"
    first = reader(app, 1).get(url, headers=UA)
    assert first.status_code == 200 and headline(first.text)["total"] == 1
    # Changed behind the ORM's back: a render would show it, the cached copy does not.
    db.session.execute(update(Article).where(Article.id == article.id).values(title="Đổi ngầm"))
    db.session.commit()
    outside_redis.stop()

    during = [reader(app, n).get(url, headers=UA) for n in range(2, 5)]

    for page in during:
        assert page.status_code == 200
        assert "Bài viết trong bộ đệm" in page.text and "Đổi ngầm" not in page.text
        assert headline(page.text)["total"] == 1  # the last known numbers, never blank or 0
        assert "\x00" not in page.text
    assert app.extensions["stats"].spool.pending() == 3  # each view kept for the replay


def test_rate_limits_refuse_from_memory_once_redis_has_stopped(app, outside_redis):
    assert [hit("flood", "ip", limit=2, window=60).allowed for _ in range(2)] == [True, True]
    outside_redis.stop()

    # The counts Redis held are gone with it: memory starts the window again, and still
    # refuses past the limit (per process), never lets everything through.
    verdicts = [hit("flood", "ip", limit=2, window=60) for _ in range(3)]

    assert [v.allowed for v in verdicts] == [True, True, False]
    assert verdicts[-1].retry_after >= 1


def test_a_page_rendered_while_redis_is_away_is_reused_until_redis_answers(
    app, make_article, outside_redis
):
    from app.news.operations import update_article

    article = make_article(title="Bài viết trước sự cố")
    url = f"/tin-tuc/{article.slug}"
    assert reader(app, 1).get(url, headers=UA).status_code == 200
    outside_redis.stop()
    # An edit on this server clears its cache at once, Redis or not.
    update_article(article, title="Sửa trong lúc Redis vắng")
    assert "Sửa trong lúc Redis vắng" in reader(app, 2).get(url, headers=UA).text
    db.session.execute(update(Article).where(Article.id == article.id).values(title="Đổi ngầm"))
    db.session.commit()

    # The page rendered during the outage answers the next readers (no render per view)…
    assert "Sửa trong lúc Redis vắng" in reader(app, 3).get(url, headers=UA).text
    outside_redis.start()
    app.extensions["stats"]._down_until = 0.0  # the breaker's 2 s, not waited here
    # …and only until Redis answers again: it was kept under no content version.
    assert "Đổi ngầm" in reader(app, 4).get(url, headers=UA).text


def test_an_edit_made_while_redis_is_away_reaches_other_processes_once_it_answers(
    app, make_article, outside_redis
):
    """Other processes cache pages, the settings and the menu under the content version in
    Redis: an edit that could not bump it is bumped as soon as Redis answers again."""
    from app.news.operations import update_article
    from app.redis_keys import names

    article = make_article(title="Trước sự cố")
    key = names(app).content_version
    before = int(outside_redis.client().get(key) or 0)
    outside_redis.stop()
    update_article(article, title="Sửa trong lúc Redis vắng")
    outside_redis.start()
    restarted = int(outside_redis.client().get(key) or 0)  # what the other processes see

    app.extensions["stats_runner"].tick()  # the statistics' background tick, once

    assert int(outside_redis.client().get(key)) == restarted + 1
    assert before >= 1  # the article's creation bumped it while Redis answered
