"""What readers see: the marked section, threads one level deep, order and pages, no email,
and a cached article page that shows a newly approved comment."""

from __future__ import annotations

import pytest
from comment_helpers import (
    add_comment,
    comments_block,
    replies_of,
    rows,
    set_setting,
    shown_names,
)
from pages import links_on, parse, squash

from app.comments.models import CommentStatus
from app.comments.operations import set_status
from app.extensions import db, redis_store
from app.redis_keys import DEFAULT as KEYS


def test_the_article_page_has_the_marked_comments_section_with_its_form(app, client, article):
    page = client.get(f"/tin-tuc/{article.slug}").text

    block = comments_block(page)
    assert block.get("id") == "y-kien" and block.get("data-block") == "comments"
    assert block.get("aria-label") == "Ý kiến bạn đọc"
    assert squash(block.find("h2").text()) == "Ý kiến bạn đọc"
    form = block.find("form", id="gui-y-kien")
    assert form.get("method") == "post" and form.get("action") == f"/tin-tuc/{article.slug}/y-kien"
    assert form.get("data-reader-form") is not None
    names = {n.get("name") for n in form.iter() if n.tag in ("input", "textarea")}
    assert names == {"csrf_token", "started", "parent_id", "name", "email", "content", "website"}
    token = form.find("input", name="csrf_token")
    assert token.get("value") == ""  # the cached page holds no reader's token
    for control in ("comment-name", "comment-email", "comment-content"):
        assert block.find("label", **{"for": control}) is not None


def test_replies_are_one_level_deep_and_a_reply_to_a_reply_joins_the_thread(app, article, reader):
    set_setting("comments_moderation", "none")
    top = add_comment(article, "Người hỏi", minutes_ago=10)
    reader.post(article.slug, name="Người đáp", parent_id=str(top.id))
    reply = next(c for c in top.replies if c.name == "Người đáp")

    reader.post(article.slug, name="Người đáp lại", parent_id=str(reply.id))

    db.session.expire_all()
    page = reader.get(f"/tin-tuc/{article.slug}").text
    assert shown_names(page) == ["Người hỏi"]
    assert replies_of(page, top.id) == ["Người đáp", "Người đáp lại"]
    assert {c.parent_id for c in top.replies} == {top.id}


def test_a_reply_to_a_hidden_comment_is_refused_with_the_text_kept(app, article, reader):
    hidden = add_comment(article, "Chờ duyệt", status=CommentStatus.PENDING)

    response = reader.post(article.slug, parent_id=str(hidden.id), content="Trả lời")

    assert response.status_code == 400
    assert "không còn hiển thị" in response.text and "Trả lời" in response.text


def test_replies_waiting_or_under_a_hidden_comment_are_not_shown(app, article, client):
    top = add_comment(article, "Gốc", minutes_ago=5)
    add_comment(article, "Đáp chờ", parent=top, status=CommentStatus.PENDING)
    add_comment(article, "Đáp duyệt", parent=top)
    hidden = add_comment(article, "Gốc bị từ chối", status=CommentStatus.REJECTED)
    add_comment(article, "Đáp của gốc ẩn", parent=hidden)

    page = client.get(f"/tin-tuc/{article.slug}").text

    assert shown_names(page) == ["Gốc"] and replies_of(page, top.id) == ["Đáp duyệt"]
    assert "Bình luận: 2" in page


def test_order_newest_first_by_default_oldest_on_request_and_by_setting(app, article, client):
    for n, minutes in enumerate((30, 10, 20)):
        add_comment(article, f"Bạn đọc {n}", minutes_ago=minutes)
    newest = ["Bạn đọc 1", "Bạn đọc 2", "Bạn đọc 0"]

    assert shown_names(client.get(f"/tin-tuc/{article.slug}").text) == newest
    assert shown_names(client.get(f"/tin-tuc/{article.slug}/y-kien").text) == newest
    oldest = client.get(f"/tin-tuc/{article.slug}/y-kien?sap-xep=cu").text
    assert shown_names(oldest) == newest[::-1]
    assert shown_names(client.get(f"/tin-tuc/{article.slug}/y-kien?sap-xep=la").text) == newest
    set_setting("comments_order", "oldest")
    assert shown_names(client.get(f"/tin-tuc/{article.slug}").text) == newest[::-1]


def test_comments_are_paginated_by_the_setting(app, article, client):
    set_setting("comments_per_page", 2)
    for n in range(5):
        add_comment(article, f"Người {n}", minutes_ago=n)  # "Người 0" is the newest

    first = client.get(f"/tin-tuc/{article.slug}").text
    assert shown_names(first) == ["Người 0", "Người 1"]
    assert f"/tin-tuc/{article.slug}/y-kien?page=2" in links_on(first)
    pages = [client.get(f"/tin-tuc/{article.slug}/y-kien?page={n}") for n in (1, 2, 3)]
    assert [shown_names(p.text) for p in pages] == [
        ["Người 0", "Người 1"], ["Người 2", "Người 3"], ["Người 4"]]  # fmt: skip
    oldest_2 = client.get(f"/tin-tuc/{article.slug}/y-kien?page=2&sap-xep=cu").text
    assert shown_names(oldest_2) == ["Người 2", "Người 1"]
    assert f"/tin-tuc/{article.slug}/y-kien?page=3&sap-xep=cu" in links_on(oldest_2)
    assert client.get(f"/tin-tuc/{article.slug}/y-kien?page=4").status_code == 404
    assert client.get(f"/tin-tuc/{article.slug}/y-kien?page=0").status_code == 404
    assert client.get(f"/tin-tuc/{article.slug}/y-kien?page=x").status_code == 400
    assert client.get("/tin-tuc/khong-co/y-kien").status_code == 404


def test_the_email_is_never_on_a_public_page(app, article, reader):
    set_setting("comments_moderation", "none")
    reader.post(article.slug, email="bi.mat@example.vn", name="Người kín đáo")
    base = f"/tin-tuc/{article.slug}"
    urls = [base, f"{base}/y-kien", f"{base}/y-kien?sap-xep=cu", "/feed.xml", "/sitemap.xml", "/"]

    pages = {url: reader.get(url).text for url in urls}

    assert "Người kín đáo" in pages[f"/tin-tuc/{article.slug}"]
    assert [url for url, text in pages.items() if "bi.mat" in text] == []


def test_content_keeps_line_breaks_and_shows_markup_as_text(app, article, client):
    add_comment(article, "Xuống dòng", content="Dòng 1\nDòng <b>2</b>")

    text = comments_block(client.get(f"/tin-tuc/{article.slug}").text).find("p", cls="comment-text")

    assert len(text.find_all("br")) == 1 and text.find("b") is None
    assert [part for part in text.children if isinstance(part, str)] == ["Dòng 1", "Dòng <b>2</b>"]


@pytest.mark.parametrize("app", [{"PAGE_CACHE_SECONDS": 300}], indirect=True)
def test_a_cached_article_page_shows_a_comment_once_it_is_approved(app, article, reader, client):
    url = f"/tin-tuc/{article.slug}"
    client.get(url)  # now cached
    version = redis_store.client.get(KEYS.content_version)
    reader.post(article.slug, name="Mới được duyệt")
    assert redis_store.client.get(KEYS.content_version) == version  # a pending comment: no change
    assert shown_names(client.get(url).text) == []

    [comment] = rows()
    set_status([comment], CommentStatus.APPROVED, by=None)

    page = client.get(url).text
    assert shown_names(page) == ["Mới được duyệt"]
    assert "Bình luận: 1" in parse(page).find("span", cls="article-comments").text()


def test_without_javascript_a_reply_link_opens_the_form_set_to_reply(app, article, client):
    top = add_comment(article, "Người được trả lời")
    page = client.get(f"/tin-tuc/{article.slug}").text
    link = comments_block(page).find("a", cls="comment-reply")
    assert link.get("href") == f"/tin-tuc/{article.slug}/y-kien?tra-loi={top.id}#gui-y-kien"

    reply_page = client.get(link.get("href").split("#")[0]).text

    form = parse(reply_page).find("form", id="gui-y-kien")
    assert form.find("input", name="parent_id").get("value") == str(top.id)
    note = form.find("p", cls="comment-replying")
    assert note.get("hidden") is None and "Người được trả lời" in note.text()
    plain = parse(client.get(f"/tin-tuc/{article.slug}/y-kien").text).find("form", id="gui-y-kien")
    assert plain.find("input", name="parent_id").get("value") == ""
    assert plain.find("p", cls="comment-replying").get("hidden") is not None


def test_the_started_stamp_is_fresh_for_each_reader_and_never_cached(app, client):
    response = client.get("/api/y-kien/bat-dau")

    assert response.status_code == 200 and "no-store" in response.headers["Cache-Control"]
    assert response.get_json()["started"].count(".") == 1  # "<time>.<signature>"
