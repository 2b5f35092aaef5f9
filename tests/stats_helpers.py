"""Helpers for tests of the live statistics through the test client: a published article,
separate visitors, what /api/stats answers and what a page shows.

Not a test module: test_stats_counting.py, test_stats_durability.py and others import it.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from sqlalchemy import select

from app.dates import utcnow
from app.extensions import db
from app.news.models import ArticleStatus, Category

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)
GOOGLEBOT = "Googlebot/2.1 (+http://www.google.com/bot.html)"
# Wednesday 12 June 2024, 09:00 in Hanoi (UTC+7, no daylight saving time): where the tests'
# clock starts.
T0 = datetime(2024, 6, 12, 2, 0, tzinfo=UTC).timestamp()


def publish(app, title: str) -> SimpleNamespace:
    """Publish an article; returns its id, URL and its category's URL."""
    from app.news.operations import create_article, create_category

    with app.app_context():
        category = db.session.scalar(select(Category).filter_by(slug="tin-tuc"))
        category = category or create_category("Tin tức", by=None)
        article = create_article(
            title=title, category=category, lead="Tóm tắt.", body="<p>Nội dung.</p>",
            status=ArticleStatus.PUBLISHED, published_at=utcnow() - timedelta(hours=1),
        )  # fmt: skip
        return SimpleNamespace(id=article.id, url=f"/tin-tuc/{article.slug}",
                               category_url=f"/chuyen-muc/{category.slug}")  # fmt: skip


def visitor(app, ip: str = "203.0.113.10", user_agent: str = BROWSER, cookies: bool = True):
    """A separate browser: its own cookie jar (or none), address and user agent."""
    client = app.test_client(use_cookies=cookies)
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": user_agent})
    return client


def stats(app) -> dict:
    """What /api/stats answers to an onlooker (which is not itself a page view)."""
    response = app.test_client().get("/api/stats")
    assert response.status_code == 200
    return response.get_json()


def headline(app) -> tuple[int, int, int]:
    """Online, today and total, as /api/stats answers them."""
    numbers = stats(app)
    return numbers["online"], numbers["today"], numbers["total"]


def sidebar(html: str) -> dict[str, int]:
    """The numbers in the page's "Thống kê" block."""
    found = dict(re.findall(r'data-stat="(\w+)">([\d,]+)<', html))
    return {name: int(value.replace(",", "")) for name, value in found.items()}


def views_shown(html: str) -> int:
    match = re.search(r'data-counter="views"[^>]*>([\d,]+)<', html)
    assert match, "no view counter on the article page"
    return int(match.group(1).replace(",", ""))
