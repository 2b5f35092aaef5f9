"""Readers' pages come from the per-process cache, with every live number filled in fresh."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from app.extensions import db
from app.news.models import Article
from app.news.operations import update_article

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}


@pytest.fixture
def cached_app(make_app):
    app = make_app(PAGE_CACHE_SECONDS=30)
    with app.app_context():
        from app.extensions import redis_store

        redis_store.client.flushdb()
        yield app
        db.session.remove()


def reader(app, n: int):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = f"10.9.0.{n}"
    return client


def numbers(html: str) -> dict[str, int]:
    found = dict(re.findall(r'data-stat="(\w+)">([\d,]+)<', html))
    views = re.search(r'data-counter="views"[^>]*>([\d,]+)<', html)
    found["views"] = views.group(1) if views else "-1"
    return {k: int(v.replace(",", "")) for k, v in found.items()}


def make(app, title="Bài viết được lưu đệm"):
    from datetime import timedelta

    from app.dates import utcnow
    from app.news.models import ArticleStatus
    from app.news.operations import create_article, create_category

    category = create_category("Tin tức", by=None)
    return create_article(title=title, category=category, lead="Tóm tắt.",
                          body="<p>Nội dung.</p>", status=ArticleStatus.PUBLISHED,
                          published_at=utcnow() - timedelta(hours=1))  # fmt: skip


def test_a_cached_page_still_shows_live_numbers(cached_app):
    article = make(cached_app)
    url = f"/tin-tuc/{article.slug}"
    first = reader(cached_app, 1).get(url, headers=UA).text
    # Changed behind the ORM's back: only a cached copy can still show the old title.
    db.session.execute(update(Article).where(Article.id == article.id).values(title="Đổi ngầm"))
    db.session.commit()

    second = reader(cached_app, 2).get(url, headers=UA).text

    assert "Bài viết được lưu đệm" in second and "Đổi ngầm" not in second
    assert numbers(first)["total"] == 1 and numbers(second)["total"] == 2
    assert numbers(first)["views"] == 1 and numbers(second)["views"] == 2
    assert numbers(second)["online"] == 2
    assert "\x00" not in second


def test_an_edit_through_the_services_replaces_the_cached_page_at_once(cached_app):
    article = make(cached_app)
    url = f"/tin-tuc/{article.slug}"
    reader(cached_app, 1).get(url, headers=UA)

    update_article(article, title="Tiêu đề đã sửa")

    page = reader(cached_app, 2).get(url, headers=UA).text
    assert "Tiêu đề đã sửa" in page
    assert numbers(page)["views"] == 2


def test_logged_in_pages_and_errors_are_never_cached(cached_app):
    article = make(cached_app)
    client = reader(cached_app, 1)
    with client.session_transaction() as session:
        session["_user_id"] = "not-a-session"  # any login state bypasses the cache
    client.get(f"/tin-tuc/{article.slug}", headers=UA)
    assert cached_app.extensions["page_cache"].get(f"/tin-tuc/{article.slug}?") is None
    assert reader(cached_app, 2).get("/tin-tuc/khong-co", headers=UA).status_code == 404
    assert cached_app.extensions["page_cache"].get("/tin-tuc/khong-co?") is None


def test_query_parameters_a_page_does_not_read_share_one_cache_entry(cached_app):
    article = make(cached_app)
    cache = cached_app.extensions["page_cache"]
    for n in range(200):
        response = reader(cached_app, n % 250).get(f"/?r={n * 7919}&utm_source=x{n}", headers=UA)
        assert response.status_code == 200
    assert len(cache) == 1
    reader(cached_app, 1).get(f"/tin-tuc/{article.slug}?fbclid=abc", headers=UA)
    reader(cached_app, 2).get(f"/tin-tuc/{article.slug}", headers=UA)
    assert len(cache) == 2


def test_a_declared_page_parameter_is_normalised_before_it_keys_the_cache(cached_app):
    from app.news.operations import create_article

    first = make(cached_app)
    for n in range(12):  # two pages of ARTICLES_PER_PAGE = 10
        create_article(title=f"Bài số {n}", category=first.category, lead="Tóm tắt.",
                       body="<p>Nội dung.</p>", status=first.status,
                       published_at=first.published_at)  # fmt: skip
    url = f"/chuyen-muc/{first.category.slug}"
    cache = cached_app.extensions["page_cache"]

    for query in ("", "?page=1", "?page=01", "?page=1&r=9", "?r=5"):
        assert reader(cached_app, 1).get(url + query, headers=UA).status_code == 200
    assert len(cache) == 1
    second = [reader(cached_app, 2).get(url + q, headers=UA) for q in ("?page=2", "?page=02")]
    assert [r.status_code for r in second] == [200, 200]
    assert len(cache) == 2
    assert second[0].text.count("<article") == second[1].text.count("<article")
    assert reader(cached_app, 3).get(url + "?page=99", headers=UA).status_code == 404
    assert len(cache) == 2


def test_a_cached_page_gets_a_fresh_nonce_matching_its_own_policy(cached_app):
    """A template that needs an inline script uses csp_nonce(); in a cached page it is a
    blank filled per response, never the nonce of the response that filled the cache."""
    from flask import render_template_string

    from app.page_cache import cached_page
    from app.stats import count_page_view

    @cached_page
    def inline_script(page_view):
        count_page_view(page_view)
        return render_template_string('<script nonce="{{ csp_nonce() }}">var a = 1;</script>')

    cached_app.add_url_rule("/thu-nonce", view_func=inline_script)
    nonces = []
    for n in range(3):
        response = reader(cached_app, n).get("/thu-nonce", headers=UA)
        nonce = re.search(r'<script nonce="([^"]+)">', response.text).group(1)
        assert f"'nonce-{nonce}'" in response.headers["Content-Security-Policy"]
        nonces.append(nonce)
    assert cached_app.extensions["page_cache"].get("/thu-nonce?") is not None
    assert len(set(nonces)) == 3


def test_a_head_request_for_a_cached_page_renders_nothing(cached_app):
    from sqlalchemy import event

    article = make(cached_app)
    url = f"/tin-tuc/{article.slug}"
    statements = []

    def count(*args):
        statements.append(args[2])

    first_head = reader(cached_app, 1).head(url, headers=UA)  # nothing cached yet: rendered
    reader(cached_app, 1).get(url, headers=UA)
    event.listen(db.engine, "before_cursor_execute", count)
    try:
        heads = [reader(cached_app, n).head(url, headers=UA) for n in range(2, 22)]
    finally:
        event.remove(db.engine, "before_cursor_execute", count)

    assert first_head.status_code == 200
    assert [h.status_code for h in heads] == [200] * 20
    assert all(h.data == b"" for h in heads)
    assert statements == []
    assert numbers(reader(cached_app, 30).get(url, headers=UA).text)["views"] == 2


def test_a_cached_page_is_answered_before_flask_with_the_same_response(cached_app):
    """A reader's GET of a cached page is counted and answered by the WSGI fast path, without
    Flask's request machinery, and gets the bytes and headers Flask's path gives."""
    article = make(cached_app)
    url = f"/tin-tuc/{article.slug}"
    dispatched = []
    cached_app.before_request(lambda: dispatched.append(1))

    flask_path = reader(cached_app, 1).get(url, headers=UA)  # renders and caches the page
    assert dispatched == [1]
    fast = reader(cached_app, 2).get(url, headers=UA)
    assert dispatched == [1]  # no Flask dispatch for the second reader

    def normalised(response):
        text = re.sub(r'nonce="[^"]+"', 'nonce=""', response.text)
        text = re.sub(r'data-live-item="([\w:]+)">[\d,]+<', r'data-live-item="\1"><', text)
        return re.sub(r'data-stat="(\w+)">[\d,]+<', r'data-stat="\1"><', text)

    assert fast.status_code == flask_path.status_code == 200
    assert normalised(fast) == normalised(flask_path)
    assert sorted(fast.headers.keys()) == sorted(flask_path.headers.keys())
    for name in ("Content-Type", "Vary", "X-Frame-Options", "Referrer-Policy"):
        assert fast.headers[name] == flask_path.headers[name]
    nonce = re.search(r"'nonce-([^']+)'", fast.headers["Content-Security-Policy"]).group(1)
    assert nonce not in flask_path.headers["Content-Security-Policy"]
    assert "vid=" in fast.headers["Set-Cookie"]  # a new visitor gets its signed cookie
    # Both readers counted: the second sees two visitors online and two views.
    assert numbers(fast.text)["online"] == numbers(flask_path.text)["online"] + 1
    assert numbers(fast.text)["views"] == numbers(flask_path.text)["views"] + 1


def test_readers_with_a_session_or_a_query_go_through_flask(cached_app):
    article = make(cached_app)
    url = f"/tin-tuc/{article.slug}"
    dispatched = []
    cached_app.before_request(lambda: dispatched.append(1))
    reader(cached_app, 1).get(url, headers=UA)

    with_query = reader(cached_app, 2).get(url + "?utm_source=zalo", headers=UA)
    with_session = reader(cached_app, 3)
    with_session.set_cookie("session", "not-a-real-session")
    answered = with_session.get(url, headers=UA)

    assert [with_query.status_code, answered.status_code] == [200, 200]
    assert dispatched == [1, 1, 1]
    assert numbers(answered.text)["online"] == 3  # each counted once, whichever path


def test_a_changed_content_version_sends_the_counted_view_on_to_flask(cached_app):
    """The fast path counts first; when Redis says the content changed, Flask renders the
    page again without counting the same view twice."""
    from app.extensions import redis_store
    from app.redis_keys import DEFAULT as KEYS

    article = make(cached_app)
    url = f"/tin-tuc/{article.slug}"
    reader(cached_app, 1).get(url, headers=UA)
    day_views = lambda: sum(  # noqa: E731
        int(redis_store.client.hget(k, "views") or 0)
        for k in redis_store.client.scan_iter(KEYS.key("day", "*"))
    )
    before = day_views()
    redis_store.client.incr(KEYS.content_version)  # another process committed content

    again = reader(cached_app, 2).get(url, headers=UA)

    assert again.status_code == 200
    assert day_views() == before + 1


def test_the_fast_path_needs_no_app_context_and_restores_an_emptied_redis(
    make_contextless_app,
):
    """The fast path runs outside Flask, without an app context: its rare SQL needs (an
    emptied Redis restored from SQL, the sidebar's newest documents queried again) push one
    themselves."""
    from flask import has_app_context

    from app.extensions import redis_store

    app = make_contextless_app(PAGE_CACHE_SECONDS=30)
    with app.app_context():
        url = f"/tin-tuc/{make(app).slug}"
    assert not has_app_context()
    dispatched = []
    app.before_request(lambda: dispatched.append(1))
    assert reader(app, 1).get(url, headers=UA).status_code == 200  # cached by Flask's path

    with app.app_context():
        redis_store.client.flushdb()  # Redis lost everything (no counters, no version)
    app.extensions["documents_newest"].invalidate()  # and the sidebar's ids need a query
    again = reader(app, 2).get(url, headers=UA)

    assert again.status_code == 200
    assert numbers(again.text)["online"] >= 1  # counted into the restored counters
    with app.app_context():
        assert redis_store.client.exists("st:init") == 1
    # The version came back as new: Flask rendered it again, with the view counted once.
    assert dispatched == [1, 1]
    assert numbers(again.text)["views"] == 1
