"""Posting a comment: moderation modes, the article's count, refusals that keep the text,
the confirm step without JavaScript."""

from __future__ import annotations

import pytest
from comment_helpers import message, rows, set_setting, shown_names
from pages import errors_next_to, flashes, parse, value_of

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.news.models import Article


def _count(article: Article) -> int:
    db.session.expire_all()
    return db.session.get(Article, article.id).comment_count


def _shown_count(page: str) -> str:
    return parse(page).find("span", cls="article-comments").text()


def test_by_default_a_comment_waits_for_approval(app, article, reader):
    response = reader.post(article.slug, content="Ý kiến đầu tiên.")

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/tin-tuc/{article.slug}#y-kien")
    page = reader.get(response.headers["Location"]).text
    assert "Ý kiến của bạn đã được gửi và đang chờ duyệt." in flashes(page)
    [comment] = rows()
    assert comment.status == CommentStatus.PENDING and comment.content == "Ý kiến đầu tiên."
    assert shown_names(page) == [] and _count(article) == 0
    assert "Bình luận: 0" in _shown_count(page)


def test_with_moderation_off_a_comment_is_shown_at_once_and_counted(app, article, reader):
    set_setting("comments_moderation", "none")

    response = reader.post(article.slug, name="Trần Thị Bình")

    page = reader.get(response.headers["Location"]).text
    assert "Ý kiến của bạn đã được đăng." in flashes(page)
    assert shown_names(page) == ["Trần Thị Bình"]
    assert _count(article) == 1 and "Bình luận: 1" in _shown_count(page)


def test_guests_mode_holds_guests_and_publishes_logged_in_staff(
    app, article, reader, admin_client, admin_user
):
    set_setting("comments_moderation", "guests")
    reader.post(article.slug, name="Khách")
    token = admin_client.get("/api/csrf").get_json()["token"]
    stamp = admin_client.get("/api/y-kien/bat-dau").get_json()["started"]
    reader.clock.advance(30)

    admin_client.post(f"/tin-tuc/{article.slug}/y-kien", data={
        "name": "Ban biên tập", "email": "bbt@example.vn", "content": "Cảm ơn bạn đọc.",
        "csrf_token": token, "started": stamp})  # fmt: skip

    statuses = {c.name: (c.status, c.user_id) for c in rows()}
    assert statuses == {
        "Khách": (CommentStatus.PENDING, None),
        "Ban biên tập": (CommentStatus.APPROVED, admin_user.id),
    }
    assert _count(article) == 1


def test_without_a_token_nothing_is_stored_and_the_reader_confirms_with_text_kept(
    app, article, reader
):
    first = reader.post(article.slug, token=False, stamp=False, wait=0,
                        name="Lê Văn C", content="Dòng một\nDòng hai")  # fmt: skip

    assert first.status_code == 200 and rows() == []
    assert "xác nhận" in message(first.text)
    assert value_of(first.text, "content") == "Dòng một\nDòng hai"
    assert value_of(first.text, "name") == "Lê Văn C"
    token, started = value_of(first.text, "csrf_token"), value_of(first.text, "started")
    assert token and started
    reader.clock.advance(5)

    second = reader.client.post(f"/tin-tuc/{article.slug}/y-kien", data={
        "name": "Lê Văn C", "email": "c@example.vn", "content": "Dòng một\nDòng hai",
        "website": "", "csrf_token": token, "started": started})  # fmt: skip

    assert second.status_code == 302
    [comment] = rows()
    assert comment.content == "Dòng một\nDòng hai"


def test_a_forged_token_is_no_token(app, article, reader):
    response = reader.post(article.slug, csrf_token="forged")

    assert response.status_code == 200 and rows() == []
    assert "xác nhận" in message(response.text)


@pytest.mark.parametrize(
    ("fields", "field", "says"),
    [
        ({"name": "  "}, "name", "Vui lòng nhập họ tên."),
        ({"name": "x" * 101}, "name", "Họ tên không được dài quá 100 ký tự."),
        ({"name": "Mua ngay www.spam.example"}, "name", "Họ tên không được chứa liên kết."),
        ({"email": ""}, "email", "Vui lòng nhập địa chỉ thư điện tử (không hiển thị công khai)."),
        ({"email": "khong-phai-thu"}, "email", "Địa chỉ thư điện tử không hợp lệ."),
        ({"email": "a@b"}, "email", "Địa chỉ thư điện tử không hợp lệ."),
        ({"content": " \n "}, "content", "Vui lòng nhập nội dung ý kiến."),
        ({"content": "ý" * 3001}, "content",
         "Ý kiến dài 3,001 ký tự, quá giới hạn 3,000 ký tự. Vui lòng rút gọn."),
        ({"content": "Xem http://a.example, https://b.example và www.c.example"}, "content",
         "Ý kiến chứa quá nhiều liên kết (tối đa 2)."),
    ],
)  # fmt: skip
def test_a_refused_comment_keeps_its_text_and_says_why(app, article, reader, fields, field, says):
    sent = {"name": "Phạm D", "email": "d@example.vn", "content": "Nội dung giữ lại", **fields}

    response = reader.post(article.slug, **sent)

    assert response.status_code == 400 and rows() == []
    assert errors_next_to(response.text, field) == [says]
    assert "Ý kiến chưa được gửi" in message(response.text)
    assert value_of(response.text, "name") == " ".join(sent["name"].split())
    assert value_of(response.text, "email") == sent["email"].strip()
    assert value_of(response.text, "content") == sent["content"].strip()


def test_two_links_are_allowed(app, article, reader):
    response = reader.post(article.slug, content="Xem http://a.example và https://b.example")

    assert response.status_code == 302 and len(rows()) == 1


def test_a_huge_post_is_refused_whole(app, article, reader):
    response = reader.post(article.slug, content="x" * 20_001)

    assert response.status_code == 413 and rows() == []


def test_a_comment_on_a_missing_or_unpublished_article_is_a_404(app, make_article, reader):
    draft = make_article(title="Bản nháp", status="draft")

    assert reader.post("khong-co-bai-nay").status_code == 404
    assert reader.post(draft.slug).status_code == 404
    assert rows() == []


def test_the_comment_is_stored_as_plain_text_with_a_hashed_address(app, article, reader):
    reader.post(article.slug, content="<b>đậm</b>\r\nxuống dòng")

    [comment] = rows()
    assert comment.content == "<b>đậm</b>\nxuống dòng"
    assert comment.ip_hash and "10.0.0.1" not in comment.ip_hash and len(comment.ip_hash) == 32
    assert comment.visitor


def test_comment_count_follows_what_readers_see_through_every_change(app, article, reader):
    set_setting("comments_moderation", "none")
    reader.post(article.slug, name="Một")
    reader.post(article.slug, name="Hai")
    first, second = rows()
    reader.post(article.slug, name="Trả lời", parent_id=str(first.id))
    assert _count(article) == 3

    from app.comments.operations import delete_comments, set_status

    set_status([db.session.get(Comment, first.id)], CommentStatus.REJECTED, by=None)
    assert _count(article) == 1  # its reply is no longer shown either
    set_status([db.session.get(Comment, first.id)], CommentStatus.APPROVED, by=None)
    assert _count(article) == 3
    delete_comments([db.session.get(Comment, first.id)], by=None)
    assert _count(article) == 1 and [c.name for c in rows()] == ["Hai"]


def test_deleting_an_article_deletes_its_comments(app, article, reader):
    from app.news.operations import delete_articles

    set_setting("comments_moderation", "none")
    reader.post(article.slug)
    [top] = rows()
    reader.post(article.slug, parent_id=str(top.id))

    delete_articles([db.session.get(Article, article.id)], by=None)

    assert rows() == []
