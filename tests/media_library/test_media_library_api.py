"""The picker's JSON API: list and search with pages, upload (CSRF, dedupe), and every error
as JSON in Vietnamese (400, 401, 413), whatever the client's Accept header."""

from __future__ import annotations

import io

import pytest
from auth_helpers import page_token
from media_cases import API, JSON, LIBRARY, api_upload, picture
from sqlalchemy import func, select

from app.extensions import db
from app.media_library.models import MediaItem


def item_count() -> int:
    return db.session.scalar(select(func.count()).select_from(MediaItem))


def test_an_upload_answers_the_item_and_the_list_shows_it(app, editor_client):
    response = api_upload(editor_client, picture((30, 90, 30), (120, 80)), "Lễ trao giải.png")

    assert response.status_code == 201
    body = response.get_json()
    item = body["item"]
    assert body["created"] is True
    assert item["title"] == "Lễ trao giải"
    assert (item["width"], item["height"]) == (120, 80)
    assert item["url"] == f"/media/{item['file_name']}"
    assert item["uploaded_by"] == "Biên tập viên Hoa"
    with editor_client.get(item["url"]) as image:  # the URL serves the picture
        assert image.status_code == 200 and image.mimetype == "image/png"

    listing = editor_client.get(API, headers=JSON).get_json()
    assert [i["id"] for i in listing["items"]] == [item["id"]]
    assert (listing["page"], listing["pages"], listing["total"]) == (1, 1, 1)


def test_the_same_picture_again_answers_the_existing_item(app, editor_client):
    data = picture((1, 50, 99))
    first = api_upload(editor_client, data, "a.png").get_json()["item"]

    again = api_upload(editor_client, data, "b.png")

    assert again.status_code == 200
    assert again.get_json() == {"item": first, "url": first["url"], "created": False}
    assert item_count() == 1


def test_the_list_is_searched_and_paged(app, editor_client):
    token = page_token(editor_client, LIBRARY)
    for n in range(25):
        api_upload(editor_client, picture((n, 7, 7)), f"anh-{n}.png", token=token)
    api_upload(editor_client, picture((1, 2, 250)), "Hội đồng nhân dân.png", token=token)

    first = editor_client.get(API).get_json()
    second = editor_client.get(API + "?page=2").get_json()
    found = editor_client.get(API + "?q=HOI DONG").get_json()
    past = editor_client.get(API + "?page=9").get_json()

    assert (len(first["items"]), first["pages"], first["total"]) == (24, 2, 26)
    assert first["items"][0]["title"] == "Hội đồng nhân dân"  # newest first
    assert [i["title"] for i in second["items"]] == ["anh 1", "anh 0"]
    assert [i["title"] for i in found["items"]] == ["Hội đồng nhân dân"]
    assert past["items"] == [] and past["page"] == 9


@pytest.mark.parametrize("page", ["abc", "-1", "1e3", "9999999"])
def test_a_malformed_page_is_a_400_in_json(editor_client, page):
    response = editor_client.get(f"{API}?page={page}")  # no Accept header: JSON still
    assert response.status_code == 400
    assert response.get_json() == {"error": 400, "title": "Yêu cầu không hợp lệ",
                                   "message": "Số trang không hợp lệ."}  # fmt: skip


def test_an_upload_without_the_csrf_token_is_refused(app, editor_client):
    page_token(editor_client, LIBRARY)
    response = api_upload(editor_client, picture((3, 3, 3)), token="")

    assert response.status_code == 400
    assert response.get_json()["message"] == (
        "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại."
    )
    assert item_count() == 0


def test_no_file_or_no_image_is_a_400_in_vietnamese(app, editor_client):
    token = page_token(editor_client, LIBRARY)
    empty = editor_client.post(API, data={}, headers={"X-CSRFToken": token})
    svg = api_upload(editor_client, b"<svg onload='alert(1)'/>", "x.svg", token=token)

    assert empty.status_code == 400 and empty.get_json()["message"] == "Chưa chọn ảnh."
    assert svg.status_code == 400
    assert svg.get_json()["message"] == "Tệp không phải là ảnh hợp lệ (JPEG, PNG, WebP, GIF)."
    assert item_count() == 0


@pytest.mark.parametrize("app", [{"IMAGE_MAX_BYTES": 1024 * 1024}], indirect=True)
def test_an_image_over_the_limit_is_a_413_in_json(app, editor_client):
    big = picture((5, 5, 5), (700, 700), "BMP")  # 1.4 MB, over the 1 MB limit
    response = api_upload(editor_client, big, "lon.bmp")

    assert response.status_code == 413
    assert response.get_json() == {
        "error": 413,
        "title": "Dữ liệu quá lớn",
        "message": "Ảnh vượt quá dung lượng cho phép (1 MB).",
    }
    assert item_count() == 0


@pytest.mark.parametrize("app", [{"MAX_CONTENT_LENGTH": 20_000}], indirect=True)
def test_a_request_over_the_site_limit_is_a_413_in_json(app, editor_client):
    token = page_token(editor_client, LIBRARY)
    response = editor_client.post(API, data={"file": (io.BytesIO(b"x" * 30_000), "a.png")},
                                  headers={"X-CSRFToken": token},
                                  content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 413
    assert response.get_json()["title"] == "Dữ liệu quá lớn"


def test_visitors_get_a_401_in_json(client):
    response = client.get(API, headers=JSON)
    assert response.status_code == 401
    assert response.get_json()["message"] == "Cần đăng nhập."


def test_titles_with_markup_come_back_as_text(app, editor_client):
    item = api_upload(editor_client, picture((9, 1, 9)), "<img src=x onerror=alert(1)>.png")
    title = item.get_json()["item"]["title"]
    assert title == "<img src=x onerror=alert(1)>"  # data: the picker sets it as textContent
    page = editor_client.get(LIBRARY).text
    assert "<img src=x onerror" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page
