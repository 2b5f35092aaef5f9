"""The rating block: reads like the original, live on cached pages, survives Redis losing
everything, works without JavaScript, and an editor can switch it off (issue 11)."""

from __future__ import annotations

import json

import pytest
from pages import flashes, forms_on, parse, squash
from rating_helpers import (
    block_text,
    rating_section,
    reader,
    shown_totals,
    stored,
    vote_json,
    vote_url,
)

from app.extensions import db, redis_store
from app.news.models import ArticleStatus
from app.page_view import format_mean

pytestmark = pytest.mark.contextless


def _article(app, **fields) -> tuple[int, str]:
    from app.dates import utcnow
    from app.news.operations import create_article, create_category

    with app.app_context():
        made = create_article(title="Bài có đánh giá", category=create_category("Tin tức", by=None),
                              lead="Tóm tắt.", body="<p>Nội dung.</p>",
                              status=ArticleStatus.PUBLISHED, published_at=utcnow(),
                              **fields)  # fmt: skip
        return made.id, f"/tin-tuc/{made.slug}"


@pytest.mark.parametrize(
    ("total", "count", "shown"),
    [(0, 0, "0"), (4, 2, "2"), (9, 2, "4,5"), (7, 3, "2,3"), (5, 4, "1,3"), (11, 8, "1,4"),
     (14, 3, "4,7"), (5, 1, "5"), (1, 3, "0,3")],
)  # fmt: skip
def test_the_average_is_printed_as_the_original_prints_it(total, count, shown):
    """PHP's round(x, 1) (halves up), the Vietnamese decimal comma, whole numbers bare."""
    assert format_mean(total, count) == shown
    assert format_mean(total, count, ".") == shown.replace(",", ".")


def test_the_block_reads_like_the_original_with_accessible_stars(app):
    article_id, url = _article(app)
    for n, stars in enumerate(("4", "5", "4"), start=1):
        assert vote_json(reader(app, n), article_id, stars).status_code == 200

    page = reader(app, 9).get(url).text
    section = rating_section(page)

    assert shown_totals(page) == ("Tổng số điểm của bài viết là: 13 trong 3 đánh giá",
                                  "Xếp hạng: 4,3 - 3 phiếu bầu")  # fmt: skip
    assert section.get("id") == "danh-gia" and section.get("aria-label") == "Đánh giá bài viết"
    radios = section.find_all("input", type_="radio", name="stars")
    assert [r.get("value") for r in radios] == ["1", "2", "3", "4", "5"]
    labels = {label.get("for"): squash(label.text()) for label in section.find_all("label")}
    assert labels[radios[4].get("id")] == "★★★★★ 5 sao – Rất tốt"
    assert section.find("legend") is not None
    form = section.find("form")
    assert form.get("action") == vote_url(article_id) and form.get("method") == "post"
    assert form.get("data-reader-form") is not None
    # schema.org AggregateRating (microdata: nothing for the CSP to refuse).
    assert section.get("itemtype") == "https://schema.org/AggregateRating"
    props = {m.get("itemprop"): m.get("content") for m in section.find_all("meta")}
    assert props["ratingValue"] == "4.3" and props["bestRating"] == "5"
    count = [n for n in section.iter() if n.get("itemprop") == "ratingCount"]
    assert [n.text() for n in count] == ["3"]


def test_an_article_without_votes_has_no_aggregate_rating_and_one_off_has_no_block(app):
    _, unrated_url = _article(app)
    _, off_url = _article(app, rating_enabled=False)

    unrated = reader(app, 1).get(unrated_url).text
    off = reader(app, 2).get(off_url).text

    assert shown_totals(unrated) == ("Tổng số điểm của bài viết là: 0 trong 0 đánh giá",
                                     "Xếp hạng: 0 - 0 phiếu bầu")  # fmt: skip
    assert "AggregateRating" not in unrated and "itemprop" not in str(block_text(unrated))
    assert rating_section(off) is None and "/danh-gia/" not in off


@pytest.fixture
def cached_app(make_contextless_app):
    return make_contextless_app(PAGE_CACHE_SECONDS=30)


def test_a_cached_page_shows_the_new_totals_right_after_a_vote(cached_app):
    """The totals are live numbers: the cached bytes keep blanks, the fast path (no Flask)
    fills them from the page view's one Redis call."""
    app = cached_app
    dispatched = []
    app.before_request(lambda: dispatched.append(1))
    article_id, url = _article(app)
    assert reader(app, 1).get(url).status_code == 200  # cached without votes
    vote_json(reader(app, 2), article_id, "4")
    first = reader(app, 3).get(url).text  # the first vote made cached pages stale
    assert "AggregateRating" in first and shown_totals(first)[0].endswith("4 trong 1 đánh giá")

    vote_json(reader(app, 4), article_id, "5")
    dispatched.clear()
    page = reader(app, 5).get(url).text

    assert dispatched == []  # answered by the fast path, from the cached bytes
    assert shown_totals(page) == ("Tổng số điểm của bài viết là: 9 trong 2 đánh giá",
                                  "Xếp hạng: 4,5 - 2 phiếu bầu")  # fmt: skip
    props = {m.get("itemprop"): m.get("content") for m in rating_section(page).find_all("meta")}
    assert props["ratingValue"] == "4.5"
    assert "\x00" not in page


def test_votes_survive_redis_losing_everything(app):
    article_id, url = _article(app)
    first = reader(app, 1)
    vote_json(first, article_id, "4")
    vote_json(reader(app, 2), article_id, "5")
    with app.app_context():
        redis_store.client.flushdb()  # a restart without persistence

    after = reader(app, 3).get(url).text
    again = vote_json(first, article_id, "1")  # the same visitor: SQL remembers
    third = vote_json(reader(app, 4), article_id, "3")
    page = reader(app, 5).get(url).text

    assert shown_totals(after)[0] == "Tổng số điểm của bài viết là: 9 trong 2 đánh giá"
    assert again.get_json()["status"] == "already" and again.get_json()["stars"] == 4
    assert third.get_json()["count"] == 3
    assert shown_totals(page) == ("Tổng số điểm của bài viết là: 12 trong 3 đánh giá",
                                  "Xếp hạng: 4 - 3 phiếu bầu")  # fmt: skip
    assert stored(app, article_id) == (12, 3, 3)


def test_without_javascript_the_form_asks_to_confirm_then_counts_the_vote(app):
    """The cached page's form carries no token: the first POST changes nothing and answers a
    page with a fresh token and the chosen stars; confirming it counts the vote and goes
    back to the block with a message."""
    article_id, url = _article(app)
    browser = reader(app, 1)
    page = browser.get(url).text
    form = next(f for f in forms_on(page, url) if f.action == vote_url(article_id))
    assert dict(form.fields) == {"csrf_token": ""}

    asked = browser.post(form.action, data={**dict(form.fields), "stars": "4"})

    assert asked.status_code == 200
    assert "no-store" in asked.headers["Cache-Control"]
    assert stored(app, article_id) == (0, 0, 0)
    assert parse(asked.text).find("h1").text() == "Xác nhận đánh giá bài viết"
    confirm = next(f for f in forms_on(asked.text, url) if f.action == vote_url(article_id))
    fields = dict(confirm.fields)
    assert fields["stars"] == "4" and fields["csrf_token"]

    done = browser.post(confirm.action, data=fields)

    assert done.status_code == 303
    assert done.headers["Location"].endswith(f"{url}#danh-gia")
    landed = browser.get(done.headers["Location"]).text
    assert "Cảm ơn bạn đã đánh giá bài viết này: 4 sao." in flashes(landed)
    assert shown_totals(landed)[0] == "Tổng số điểm của bài viết là: 4 trong 1 đánh giá"
    assert stored(app, article_id) == (4, 1, 1)


def test_new_totals_are_set_in_redis_only_when_newer_and_go_out_on_the_live_channel(app):
    from app.redis_keys import DEFAULT as KEYS

    _, url = _article(app)
    reader(app, 1).get(url)  # Redis' counters exist
    with app.app_context():
        service = app.extensions["stats"]
        client = redis_store.client
        listener = client.pubsub()
        listener.subscribe(KEYS.channel)
        assert listener.get_message(timeout=5)["type"] == "subscribe"
        client.delete(KEYS.key("pub_last"))  # the last message is long past: publish at once

        newer = service.set_live({"rating_total:7": 9, "rating_count:7": 2}, "rating_count:7")
        message = listener.get_message(timeout=5)
        older = service.set_live({"rating_total:7": 4, "rating_count:7": 1}, "rating_count:7")
        listener.close()

        assert newer is True and older is False
        assert client.hget(KEYS.key("live", "rating_total"), "7") == "9"
        assert client.hget(KEYS.key("live", "rating_count"), "7") == "2"
        assert json.loads(message["data"])["items"] == {"rating_total:7": 9, "rating_count:7": 2}


def test_an_editor_switches_ratings_off_with_the_checkbox(app, make_user):
    from auth_helpers import logged_in_client
    from sqlalchemy import select
    from werkzeug.datastructures import MultiDict

    from app.auth.models import Role
    from app.news.models import Article, ArticleRevision

    admin = make_user(role=Role.ADMIN)
    article_id, url = _article(app)
    client = logged_in_client(app, admin)
    edit = f"/admin/news/articles/{article_id}"
    page = client.get(edit).text
    form = next(f for f in forms_on(page, edit) if f.method == "post")
    assert ("rating_enabled", "y") in form.fields  # on by default

    fields = [(k, v) for k, v in form.fields if k != "rating_enabled"]  # unticked
    saved = client.post(edit, data=MultiDict(fields))

    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Article, article_id).rating_enabled is False
        newest = select(ArticleRevision).order_by(ArticleRevision.id.desc())
        revision = db.session.scalars(newest).first()
        assert json.loads(revision.fields)["rating_enabled"] is False
    assert rating_section(reader(app, 1).get(url).text) is None
    assert vote_json(reader(app, 2), article_id, "5").status_code == 400
    assert ("rating_enabled", "y") not in forms_on(client.get(edit).text, edit)[-1].fields


def test_totals_set_inside_a_busy_second_go_out_with_the_trailing_message(app):
    """At most one live message a second: a vote's totals set inside the second wait in
    Redis and ride on the trailing message, with whatever else changed."""
    from app.redis_keys import DEFAULT as KEYS

    _, url = _article(app)
    reader(app, 1).get(url)  # a message went out just now
    with app.app_context():
        service = app.extensions["stats"]
        client = redis_store.client
        listener = client.pubsub()
        listener.subscribe(KEYS.channel)
        assert listener.get_message(timeout=5)["type"] == "subscribe"
        client.set(KEYS.key("pub_last"), int(service.store.now() * 1000))

        assert service.set_live({"rating_total:8": 5, "rating_count:8": 1}, "rating_count:8")
        due = int(client.get(KEYS.pub_trail))
        assert client.hgetall(KEYS.key("pub_extra")) == {
            "rating_total:8": "5",
            "rating_count:8": "1",
        }
        service.store.snapshot("trail", now=due / 1000 + 0.001)
        message = listener.get_message(timeout=5)
        listener.close()

        assert json.loads(message["data"])["items"] == {"rating_total:8": 5, "rating_count:8": 1}
        assert client.exists(KEYS.key("pub_extra")) == 0
