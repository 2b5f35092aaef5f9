"""Voting: one vote per visitor per article, answered with the new totals (issue 11)."""

from __future__ import annotations

import pytest
from rating_helpers import (
    JSON,
    block_text,
    reader,
    shown_totals,
    stored,
    token_of,
    vote_json,
    vote_url,
)

from app.news.models import ArticleStatus

pytestmark = pytest.mark.contextless


@pytest.fixture
def article(app):
    from app.dates import utcnow
    from app.news.operations import create_article, create_category

    with app.app_context():
        category = create_category("Tin tức", by=None)
        made = create_article(title="Bài được đánh giá", category=category, lead="Tóm tắt.",
                              body="<p>Nội dung.</p>", status=ArticleStatus.PUBLISHED,
                              published_at=utcnow())  # fmt: skip
        return made.id, f"/tin-tuc/{made.slug}"


def test_a_vote_is_counted_and_answered_with_the_new_totals(app, article):
    article_id, url = article
    first, second = reader(app, 1), reader(app, 2)

    one = vote_json(first, article_id, "4")
    two = vote_json(second, article_id, "5")

    assert one.status_code == two.status_code == 200
    assert one.get_json() == {
        "status": "counted", "stars": 4, "total": 4, "count": 1, "average": "4",
        "message": "Cảm ơn bạn đã đánh giá bài viết này: 4 sao.",
        "items": {f"rating_total:{article_id}": 4, f"rating_count:{article_id}": 1},
    }  # fmt: skip
    assert two.get_json()["average"] == "4,5"
    assert stored(app, article_id) == (9, 2, 2)
    assert shown_totals(reader(app, 3).get(url).text) == (
        "Tổng số điểm của bài viết là: 9 trong 2 đánh giá",
        "Xếp hạng: 4,5 - 2 phiếu bầu",
    )


def test_a_visitor_who_voted_sees_their_vote_and_nothing_changes(app, article):
    article_id, url = article
    browser = reader(app, 1)
    assert vote_json(browser, article_id, "4").get_json()["status"] == "counted"

    again = vote_json(browser, article_id, "1")
    plain = browser.post(vote_url(article_id), data={"stars": "2", "csrf_token": token_of(browser)})

    assert again.status_code == 200
    assert again.get_json()["status"] == "already"
    assert again.get_json()["stars"] == 4
    assert again.get_json()["message"] == "Bạn đã đánh giá bài viết này: 4 sao."
    assert plain.status_code == 303
    page = browser.get(plain.headers["Location"]).text
    assert "Bạn đã đánh giá bài viết này: 4 sao." in page
    assert stored(app, article_id) == (4, 1, 1)
    assert "là: 4 trong 1 đánh giá" in block_text(page)


def test_a_new_visitor_gets_a_signed_cookie_with_its_vote(app, article):
    article_id, _ = article
    browser = reader(app, 1)

    response = vote_json(browser, article_id, "3")

    assert response.status_code == 200
    assert "vid=" in response.headers.get("Set-Cookie", "")
    assert vote_json(browser, article_id, "5").get_json()["status"] == "already"


HOSTILE = [
    "0", "6", "-1", "3.5", "", "abc", " 3", "3 ", "+3", "03", "٣", "３", "1e0", "true",
    "99999999999999999999999999", ["1", "2"], ["3", "3"], None,
]  # fmt: skip


@pytest.mark.parametrize("stars", HOSTILE)
def test_anything_but_one_to_five_stars_is_a_400_that_changes_nothing(app, article, stars):
    article_id, _ = article
    browser = reader(app, 1)
    token = token_of(browser)

    as_json = vote_json(browser, article_id, stars, token)
    data = {"csrf_token": token} | ({} if stars is None else {"stars": stars})
    as_form = browser.post(vote_url(article_id), data=data)

    assert as_json.status_code == as_form.status_code == 400
    assert as_json.get_json()["message"] == "Hãy chọn từ 1 đến 5 sao."
    assert "Hãy chọn từ 1 đến 5 sao." in as_form.text and "<h1" in as_form.text
    assert stored(app, article_id) == (0, 0, 0)


def test_unknown_hidden_and_unrated_articles_take_no_vote(app, article):
    from app.extensions import db
    from app.news.models import Article
    from app.news.operations import update_article

    article_id, _ = article
    browser = reader(app, 1)
    assert vote_json(browser, 999_999, "5").status_code == 404
    assert browser.post(vote_url(999_999), data={"stars": "5"}).status_code == 404

    with app.app_context():
        update_article(db.session.get(Article, article_id), status=ArticleStatus.DRAFT)
    hidden = vote_json(browser, article_id, "5")
    with app.app_context():
        update_article(db.session.get(Article, article_id), status=ArticleStatus.PUBLISHED,
                       rating_enabled=False)  # fmt: skip
    switched_off = vote_json(browser, article_id, "5")

    assert hidden.status_code == 404
    assert switched_off.status_code == 400
    assert switched_off.get_json()["message"] == "Bài viết này không nhận đánh giá."
    assert stored(app, article_id) == (0, 0, 0)


def test_a_fetch_with_a_wrong_or_missing_token_changes_nothing(app, article):
    article_id, _ = article
    browser = reader(app, 1)
    token_of(browser)  # a session, but not this token

    wrong = browser.post(vote_url(article_id), data={"stars": "5"},
                         headers={**JSON, "X-CSRFToken": "forged"})  # fmt: skip
    missing = browser.post(vote_url(article_id), data={"stars": "5"}, headers=JSON)

    assert wrong.status_code == missing.status_code == 400
    assert "tải lại trang" in wrong.get_json()["message"]
    assert stored(app, article_id) == (0, 0, 0)


@pytest.mark.parametrize("app", [{"RATING_VOTES_PER_ADDRESS": 3}], indirect=True)
def test_votes_from_one_address_are_limited(app, article):
    """A client that keeps no cookies is a new visitor at every vote: the address limit
    stops it."""
    article_id, _ = article
    answers = []
    for _ in range(5):
        cookieless = reader(app, 7)
        answers.append(vote_json(cookieless, article_id, "5"))

    assert [a.status_code for a in answers] == [200, 200, 200, 429, 429]
    assert int(answers[3].headers["Retry-After"]) >= 1
    assert "quá nhiều lượt đánh giá" in answers[3].get_json()["message"]
    assert stored(app, article_id) == (15, 3, 3)
    assert vote_json(reader(app, 8), article_id, "1").status_code == 200  # another address


def test_crawlers_cannot_vote(app, article):
    from stats_helpers import GOOGLEBOT

    article_id, _ = article
    bot = reader(app, 1, user_agent=GOOGLEBOT)

    assert vote_json(bot, article_id, "5").status_code == 403
    assert stored(app, article_id) == (0, 0, 0)
