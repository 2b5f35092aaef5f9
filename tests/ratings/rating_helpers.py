"""What the rating tests share (issue 11, "Ratings"): readers as separate browsers, voting
as the page's script does (fetch + token) or as a plain form, and what the block shows.
Not a test module.
"""

from __future__ import annotations

import re

from pages import parse, squash
from sqlalchemy import func, select
from stats_helpers import visitor

from app.extensions import db
from app.news.models import Article
from app.ratings.models import RatingVote

JSON = {"Accept": "application/json"}


def reader(app, n: int = 10, **kwargs):
    """A separate browser (own cookies) at its own address."""
    return visitor(app, ip=f"198.51.100.{n}", **kwargs)


def token_of(client) -> str:
    """What static/js/reader-forms.js fetches before the first submit."""
    response = client.get("/api/csrf")
    assert response.status_code == 200
    return response.get_json()["token"]


def vote_url(article_id: int) -> str:
    return f"/danh-gia/{article_id}"


def vote_json(client, article_id: int, stars, token: str | None = None):
    """A vote as static/js/ratings.js sends it: form data, X-CSRFToken, JSON wanted."""
    token = token_of(client) if token is None else token
    data = {"csrf_token": token}
    if stars is not None:
        data["stars"] = stars
    return client.post(vote_url(article_id), data=data,
                       headers={**JSON, "X-CSRFToken": token})  # fmt: skip


def rating_section(page: str):
    """The article's rating part (None when the page has none)."""
    for node in parse(page).find_all("section"):
        if node.get("data-block") == "rating":
            return node
    return None


def block_text(page: str) -> str:
    """The rating block's text as a reader reads it ("" when there is no block)."""
    section = rating_section(page)
    return squash(section.text()) if section is not None else ""


def shown_totals(page: str) -> tuple[str, str]:
    """The two lines of the block, exactly: "Tổng số điểm ..." and "Xếp hạng: ..."."""
    text = block_text(page)
    summary = re.search(r"Tổng số điểm của bài viết là: \S+ trong \S+ đánh giá", text)
    average = re.search(r"Xếp hạng: \S+ - \S+ phiếu bầu", text)
    return (summary.group(0) if summary else "", average.group(0) if average else "")


def stored(app, article_id: int) -> tuple[int, int, int]:
    """SQL's truth: the article's total, its count, and its vote rows."""
    with app.app_context():
        row = db.session.execute(
            select(Article.rating_total, Article.rating_count).where(Article.id == article_id)
        ).one()
        votes = db.session.scalar(
            select(func.count()).select_from(RatingVote).where(RatingVote.article_id == article_id)
        )
        db.session.rollback()
        return int(row[0]), int(row[1]), int(votes)
