"""The 500s seen in the attack review (issue 9 §6), each as a reader or an editor hit it: now
the Vietnamese 404/400 page, or the save it should have been. The fuzz in test_fuzz.py covers
every route and form; these pin the cases that were reported."""

from __future__ import annotations

import pytest
from auth_helpers import logged_in_client, new_account, page_token
from sqlalchemy import select

from app.auth.models import Role
from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.news.models import Article

HUGE = "99999999999999999999999"


def assert_vietnamese_page(response, status: int, title: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert '<html lang="vi">' in response.text
    assert title in response.text


@pytest.mark.parametrize(
    "url",
    [
        f"/lien-ket/{HUGE}",
        f"/van-ban/tep/{HUGE}",
        f"/van-ban/tep/{HUGE}/xem",
        "/lien-ket/9223372036854775808",
        "/lien-ket/2147483648",  # past PostgreSQL's INTEGER: no id can be this large
        f"/admin/news/articles/{HUGE}",
    ],
)
def test_an_id_too_large_for_the_database_is_the_not_found_page(client, url):
    assert_vietnamese_page(client.get(url), 404, "Không tìm thấy trang")


def test_an_id_in_another_spelling_is_not_found_rather_than_the_same_record(app, client):
    banner = Banner(title="Liên kết", target_url="https://example.gov.vn/", block=BannerBlock.LINKS)
    db.session.add(banner)
    db.session.commit()

    assert client.get(f"/lien-ket/{banner.id}").status_code == 302
    for spelling in (f"0{banner.id}", f"00{banner.id}", "٣", "+1", "-1", "0"):
        assert_vietnamese_page(client.get(f"/lien-ket/{spelling}"), 404, "Không tìm thấy trang")


@pytest.mark.parametrize("page", ["9223372036854775807", "9223372036854775808", HUGE, "1e9"])
def test_a_page_number_too_large_for_the_database_is_a_400(client, make_category, page):
    make_category("Thời sự", slug="x")
    db.session.commit()

    response = client.get(f"/chuyen-muc/x?page={page}")

    assert_vietnamese_page(response, 400, "Yêu cầu không hợp lệ")
    assert "Số trang không hợp lệ." in response.text


@pytest.mark.parametrize("url", ["/admin/audit", "/admin/news/articles", "/admin/documents/"])
def test_admin_lists_refuse_an_absurd_page_number_and_ignore_an_absurd_filter(app, url):
    admin = logged_in_client(app, new_account("quan-tri", role=Role.ADMIN))

    assert_vietnamese_page(admin.get(f"{url}?page={HUGE}"), 400, "Số trang không hợp lệ.")
    assert admin.get(f"{url}?chuyen-muc={HUGE}&loai={HUGE}").status_code == 200


def test_an_article_saved_without_a_tags_field_keeps_its_tags(app, make_article):
    article = make_article("Bài có từ khóa", tags=["chuyển đổi số", "cải cách"])
    editor = logged_in_client(app, new_account("bien-tap", role=Role.ADMIN))
    path = f"/admin/news/articles/{article.id}"
    data = {
        "csrf_token": page_token(editor, path),
        "title": "Bài có từ khóa (sửa)",
        "category": str(article.category_id),
        "lead": "Tóm tắt mới.",
        "body": "<p>Nội dung.</p>",
        "image_position": "beside",
        "status": "published",
    }  # no "tags": a hand-made request, or a form whose field was removed

    response = editor.post(path, data=data)

    assert response.status_code == 302, response.text
    db.session.expire_all()
    saved = db.session.scalar(select(Article).where(Article.id == article.id))
    assert saved.title == "Bài có từ khóa (sửa)"
    assert sorted(tag.name for tag in saved.tags) == ["chuyển đổi số", "cải cách"]


def test_an_article_category_too_large_for_the_database_is_a_field_error(app, make_article):
    article = make_article("Bài thử")
    editor = logged_in_client(app, new_account("bien-tap", role=Role.ADMIN))
    path = f"/admin/news/articles/{article.id}"
    data = {"csrf_token": page_token(editor, path), "title": "Bài thử", "category": HUGE,
            "lead": "Tóm tắt.", "image_position": "beside", "status": "draft"}  # fmt: skip

    response = editor.post(path, data=data)

    assert_vietnamese_page(response, 400, "Lựa chọn không hợp lệ.")


@pytest.mark.parametrize("url", ["/tin-tuc/a%00b", "/van-ban/a%00", "/media/a%00.png"])
def test_a_nul_byte_in_the_path_is_not_found(client, url):
    assert_vietnamese_page(client.get(url), 404, "Không tìm thấy trang")


@pytest.mark.parametrize("url", ["/van-ban/?q=%00", "/chuyen-muc/x?page=1&q=a%00", "/?%00=1"])
def test_a_nul_byte_in_the_query_string_is_a_400(client, url):
    response = client.get(url)

    assert_vietnamese_page(response, 400, "Dữ liệu gửi lên chứa ký tự không hợp lệ.")


def test_a_nul_byte_in_a_form_field_is_a_400(app):
    admin = logged_in_client(app, new_account("quan-tri", role=Role.ADMIN))
    token = page_token(admin, "/admin/news/categories/new")

    data = {"csrf_token": token, "name": "Tin\x00tức", "parent": "0"}

    response = admin.post("/admin/news/categories/new", data=data)

    assert_vietnamese_page(response, 400, "Dữ liệu gửi lên chứa ký tự không hợp lệ.")
