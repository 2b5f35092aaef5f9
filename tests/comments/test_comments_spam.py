"""Anti-spam without outside services: honeypot, time on the page, per-visitor and per-IP
limits (Redis, and memory when Redis is away)."""

from __future__ import annotations

import pytest
from comment_helpers import Reader, message, rows
from pages import flashes, value_of

from app.extensions import redis_store

LIMITS = {"COMMENT_LIMITS": {"visitor": (2, 300), "ip": (3, 600)}}


def test_a_filled_honeypot_looks_accepted_but_nothing_is_stored(app, article, reader):
    response = reader.post(article.slug, website="http://spam.example")

    assert response.status_code == 302
    assert "Ý kiến của bạn đã được gửi và đang chờ duyệt." in flashes(
        reader.get(response.headers["Location"]).text
    )
    assert rows() == []


def test_the_honeypot_is_hidden_from_people_and_assistive_technology(app, article, reader):
    from pages import parse

    page = reader.get(f"/tin-tuc/{article.slug}").text
    trap = parse(page).find("div", cls="comment-trap")
    field = trap.find("input")
    assert trap.get("aria-hidden") == "true"
    assert field.get("name") == "website" and field.get("tabindex") == "-1"
    assert field.get("autocomplete") == "off"
    assert trap.find("label").get("for") == field.get("id")


def test_a_comment_sent_too_fast_is_refused_then_taken_once_the_time_passed(app, article, reader):
    response = reader.post(article.slug, wait=1, content="Gửi vội")

    assert response.status_code == 400 and rows() == []
    assert message(response.text) == "Bạn gửi nhanh quá. Vui lòng chờ vài giây rồi bấm Gửi lại."
    assert value_of(response.text, "content") == "Gửi vội"
    started = value_of(response.text, "started")  # the same stamp: the wait counts
    reader.clock.advance(5)

    again = reader.client.post(f"/tin-tuc/{article.slug}/y-kien", data={
        "name": "An", "email": "an@example.vn", "content": "Gửi vội",
        "csrf_token": reader.token(), "started": started})  # fmt: skip

    assert again.status_code == 302 and len(rows()) == 1


@pytest.mark.parametrize("started", ["", "123.forged", "9" * 200])
def test_a_missing_or_forged_stamp_is_refused_with_a_fresh_one(app, article, reader, started):
    response = reader.post(article.slug, stamp=False, started=started, content="Giữ chữ")

    assert response.status_code == 400 and rows() == []
    assert "quá hạn" in message(response.text)
    assert value_of(response.text, "content") == "Giữ chữ"
    assert value_of(response.text, "started") not in ("", started)


def test_an_old_stamp_is_refused(app, article, reader):
    response = reader.post(article.slug, wait=2 * 24 * 3600)

    assert response.status_code == 400 and rows() == []


@pytest.mark.parametrize("app", [LIMITS], indirect=True)
def test_one_visitor_is_limited_with_429_retry_after_and_the_text_kept(app, article, reader):
    assert [reader.post(article.slug).status_code for _ in range(2)] == [302, 302]

    refused = reader.post(article.slug, content="Lần thứ ba")

    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 300
    assert "thử lại sau" in message(refused.text)
    assert value_of(refused.text, "content") == "Lần thứ ba"
    assert len(rows()) == 2
    other = Reader(app, reader.clock, "10.0.9.9")  # another visitor, another address
    assert other.post(article.slug).status_code == 302


@pytest.mark.parametrize("app", [LIMITS], indirect=True)
def test_one_address_is_limited_whoever_posts_from_it(app, article, make_reader):
    readers = [make_reader("10.1.1.1", agent=f"Mozilla/5.0 Trình duyệt {n}") for n in range(4)]

    codes = [r.post(article.slug).status_code for r in readers]

    assert codes == [302, 302, 302, 429]
    assert len(rows()) == 3


def test_limits_are_kept_in_redis_under_hashed_keys(app, article, reader):
    reader.post(article.slug)

    keys = redis_store.client.keys("rl:comment-*")
    assert len(keys) == 2 and not any("10.0.0.1" in k for k in keys)


def test_with_redis_down_the_limits_still_hold_in_memory(make_contextless_app, make_article, clock):
    app = make_contextless_app(flush=False, REDIS_URL="redis://127.0.0.1:1/0",
                               COMMENT_CLOCK=clock, **LIMITS)  # fmt: skip
    with app.app_context():
        slug = make_article(title="Bài khi Redis ngừng").slug
    reader = Reader(app, clock, "10.2.2.2")

    codes = [reader.post(slug).status_code for _ in range(3)]

    assert codes == [302, 302, 429]
    with app.app_context():
        assert len(rows()) == 2
