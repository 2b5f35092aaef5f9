"""The admin page "Thư viện ảnh": staff only, the grid with search and pages, uploading
several images through the form (CSRF, 400 and 413 in Vietnamese), editing an image's texts,
and deleting, refused while an article shows the image."""

from __future__ import annotations

import io

import pytest
from auth_helpers import is_login_redirect, page_token
from media_cases import LIBRARY, form_upload, grid_titles, picture
from pages import errors_next_to, flashes, parse, value_of
from sqlalchemy import func, select

from app.extensions import db
from app.media_library.models import MediaItem
from app.media_library.operations import add_upload, update_texts


def item_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MediaItem))


def make_item(title: str, color, by=None) -> MediaItem:
    with db.session.no_autoflush:
        item, _ = add_upload(io.BytesIO(picture(color)), f"{title}.png", by=by)
    return update_texts(item, title=title, alt=f"Ảnh {title}", by=None)


def test_visitors_are_sent_to_the_login_page(client):
    assert is_login_redirect(client.get(LIBRARY))
    assert is_login_redirect(client.get(LIBRARY + "1"))
    # A visitor's POST has no valid token: refused before anything else.
    assert form_upload(client, [(picture((1, 1, 1)), "a.png")], token="x").status_code == 400
    assert item_count() == 0


def test_the_admin_menu_links_the_library(editor_client):
    page = parse(editor_client.get("/admin/").text)
    links = {
        a.text().strip(): a.get("href") for a in page.find("nav", cls="admin-nav").find_all("a")
    }
    assert links["Thư viện ảnh"] == LIBRARY


def test_the_grid_shows_title_size_date_and_uploader(app, admin_client, admin_user):
    with app.test_request_context("/"):
        from app.auth.models import User

        make_item("Hội nghị tổng kết", (10, 10, 10), by=db.session.get(User, admin_user.id))
    page = admin_client.get(LIBRARY)

    assert page.status_code == 200
    tree = parse(page.text)
    assert tree.find("h1").text() == "Thư viện ảnh"
    card = tree.find("li", cls="media-card")
    text = " ".join(card.text().split())
    assert "Hội nghị tổng kết" in text and "64×48" in text
    assert "Quản trị viên Lan" in text  # the uploader
    assert card.find("time") is not None
    assert card.find("img").get("src").startswith("/media/")


def test_the_search_finds_by_title_without_diacritics(app, editor_client):
    with app.test_request_context("/"):
        make_item("Lễ khai giảng", (1, 1, 1))
        make_item("Hội thao ngành", (2, 2, 2))

    page = editor_client.get(LIBRARY + "?q=khai giang").text

    assert grid_titles(page) == ["Lễ khai giảng"]
    assert parse(page).find("input", id="media-q").get("value") == "khai giang"
    assert "khớp với “khai giang”" in page
    assert grid_titles(editor_client.get(LIBRARY + "?q=không có").text) == []
    assert "Không có ảnh nào khớp với từ khóa." in editor_client.get(LIBRARY + "?q=xyz").text


def test_the_grid_has_pages(app, editor_client):
    with app.test_request_context("/"):
        for n in range(26):
            make_item(f"Ảnh số {n}", (n, 100, 200))

    first = editor_client.get(LIBRARY).text
    second = editor_client.get(LIBRARY + "?page=2").text

    assert len(grid_titles(first)) == 24 and grid_titles(first)[0] == "Ảnh số 25"
    assert grid_titles(second) == ["Ảnh số 1", "Ảnh số 0"]
    assert any("page=2" in (a.get("href") or "") for a in parse(first).find_all("a"))
    assert editor_client.get(LIBRARY + "?page=abc").status_code == 400


def test_several_images_are_uploaded_at_once_and_a_known_one_is_not_stored_again(
    app, editor_client
):
    known = picture((40, 40, 40))
    form_upload(editor_client, [(known, "da-co.png")])
    assert item_count() == 1

    response = form_upload(editor_client, [(picture((50, 50, 50)), "hoi-truong.png"),
                                           (picture((60, 60, 60)), "san-truong.jpg"),
                                           (known, "da-co-lan-2.png")])  # fmt: skip

    assert response.status_code == 302
    page = editor_client.get(response.headers["Location"]).text
    assert flashes(page) == [
        "Đã tải lên 2 ảnh.",
        "1 ảnh đã có sẵn trong thư viện, không tải lên lại.",
    ]
    assert item_count() == 3
    assert set(grid_titles(page)) == {"da co", "hoi truong", "san truong"}


def test_an_upload_without_the_csrf_token_changes_nothing(app, editor_client):
    page_token(editor_client, LIBRARY)  # a session exists
    response = form_upload(editor_client, [(picture((1, 2, 3)), "a.png")], token="")

    assert response.status_code == 400
    assert "Phiên làm việc đã hết hạn" in response.text
    assert item_count() == 0


def test_a_file_that_is_no_image_is_refused_with_a_message(app, editor_client):
    response = form_upload(editor_client, [(b"<?php system($_GET['c']); ?>", "shell.php.png"),
                                           (picture((7, 8, 9)), "tot.png")])  # fmt: skip

    assert response.status_code == 400
    errors = errors_next_to(response.text, "files")
    assert errors == ["shell.php.png: Tệp không phải là ảnh hợp lệ (JPEG, PNG, WebP, GIF)."]
    assert "Đã tải lên 1 ảnh." in flashes(response.text)  # the good one was kept
    assert item_count() == 1


def test_no_file_chosen_is_a_400(app, editor_client):
    response = form_upload(editor_client, [])
    assert response.status_code == 400
    assert errors_next_to(response.text, "files") == ["Chưa chọn ảnh nào."]


@pytest.mark.parametrize("app", [{"IMAGE_MAX_BYTES": 3000}], indirect=True)
def test_an_image_over_the_limit_is_a_413_page_in_vietnamese(app, editor_client):
    big = picture((5, 5, 5), (300, 300), "BMP")  # does not compress: over 3000 bytes
    response = form_upload(editor_client, [(big, "lon.bmp")])

    assert response.status_code == 413
    assert errors_next_to(response.text, "files") == [
        "lon.bmp: Ảnh vượt quá dung lượng cho phép (0,00286102 MB)."
    ]
    assert item_count() == 0


@pytest.mark.parametrize("app", [{"MAX_CONTENT_LENGTH": 20_000}], indirect=True)
def test_a_request_over_the_site_limit_is_a_413_page(app, editor_client):
    response = form_upload(editor_client, [(b"x" * 30_000, "lon.png")])
    assert response.status_code == 413
    assert "Dữ liệu quá lớn" in response.text
    assert item_count() == 0


def test_the_texts_of_an_image_are_edited(app, editor_client):
    with app.test_request_context("/"):
        item_id = make_item("Tên cũ", (9, 9, 9)).id
    path = f"{LIBRARY}{item_id}"
    token = page_token(editor_client, path)

    response = editor_client.post(path, data={"csrf_token": token, "title": "Đại hội Đoàn",
                                              "alt": "Đoàn viên giơ tay biểu quyết"})  # fmt: skip

    assert response.status_code == 302
    page = editor_client.get(path).text
    assert flashes(page) == ["Đã lưu thông tin ảnh."]
    assert value_of(page, "title") == "Đại hội Đoàn"
    assert parse(page).find("figure", cls="media-preview").find("img").get("alt") == (
        "Đoàn viên giơ tay biểu quyết"
    )
    empty = editor_client.post(path, data={"csrf_token": token, "title": " ", "alt": ""})
    assert empty.status_code == 400
    assert errors_next_to(empty.text, "title") == ["Nhập tiêu đề của ảnh."]


def test_an_unknown_image_is_a_404(editor_client):
    assert editor_client.get(f"{LIBRARY}999").status_code == 404
    assert editor_client.get(f"{LIBRARY}0").status_code == 404


def test_an_image_an_article_shows_is_not_deleted_and_the_page_says_where(
    app, admin_client, make_article
):
    with app.test_request_context("/"):
        item = make_item("Ảnh đang dùng", (11, 11, 11))
        item_id, name = item.id, item.file_name
    article = make_article("Tin có ảnh", body=f'<p><img src="/media/{name}" alt="a"></p>')
    path = f"{LIBRARY}{item_id}"
    page = admin_client.get(path).text
    usage = parse(page).find("section", cls="media-usage")
    assert [a.text() for a in usage.find_all("a")] == ["Bài viết “Tin có ảnh”"]
    assert usage.find("a").get("href") == f"/admin/news/articles/{article.id}"
    assert usage.find("form") is None  # no delete button while it is used

    token = page_token(admin_client, path)
    response = admin_client.post(path + "/xoa", data={"csrf_token": token})

    assert response.status_code == 302
    assert flashes(admin_client.get(path).text)[0].startswith(
        "Không xóa được: ảnh đang được dùng ở 1 nơi"
    )
    assert item_count() == 1


def test_an_unused_image_is_deleted_by_its_uploader_not_by_another_editor(
    app, editor_client, editor_user, make_user
):
    from auth_helpers import logged_in_client

    from app.auth.models import User

    with app.test_request_context("/"):
        mine = make_item("Ảnh của tôi", (12, 12, 12), by=db.session.get(User, editor_user.id))
        mine_id = mine.id
    other = logged_in_client(app, make_user("bientap2"))
    path = f"{LIBRARY}{mine_id}"

    refused = other.post(path + "/xoa", data={"csrf_token": page_token(other, path)})
    assert refused.status_code == 403
    assert parse(other.get(path).text).find("section", cls="media-usage").find("form") is None
    no_token = editor_client.post(path + "/xoa", data={})
    assert no_token.status_code == 400 and item_count() == 1

    response = editor_client.post(
        path + "/xoa", data={"csrf_token": page_token(editor_client, path)}
    )

    assert response.status_code == 302 and response.headers["Location"] == LIBRARY
    assert flashes(editor_client.get(LIBRARY).text) == ["Đã xóa ảnh khỏi thư viện."]
    assert item_count() == 0
