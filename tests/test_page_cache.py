"""Readers' pages come from the per-process cache, with every live number filled in fresh."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import update

from app.extensions import db
from app.news.models import Article
from app.news.services import update_article

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
    from app.news.services import create_article, create_category

    return create_article(title=title, category=create_category("Tin tức"), lead="Tóm tắt.",
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
