"""Article administration, image uploads: formats, metadata, sizes, wrong types, SVG and
oversize files, in the editor form and the JSON endpoint.
"""

from __future__ import annotations

import io
import re

import pytest
from article_admin import (
    IMAGES,
    NEW,
    NOT_AN_IMAGE,
    SECRET,
    article_count,
    form_data,
    image_bytes,
    multipart,
    save,
    shown_image,
    stored_images,
    submit,
)
from auth_helpers import page_token
from image_helpers import SVG_WITH_SCRIPT, noise_png
from pages import errors_next_to, parse, value_of
from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.media_library.models import MediaItem

# --- Images --------------------------------------------------------------------------------------


HTML_PAGE = b"<!doctype html><html><body><script>alert(1)</script></body></html>"


def fetch_image(client, path: str) -> tuple[Image.Image, bytes, dict]:
    with client.get(path) as response:  # a file response: close it
        assert response.status_code == 200, (path, response.status_code)
        return Image.open(io.BytesIO(response.data)), response.data, response.headers


MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp", "GIF": "image/gif"}


@pytest.mark.parametrize("kind", ["JPEG", "PNG", "WEBP", "GIF"])
def test_an_illustration_is_accepted_and_stored_without_its_metadata(
    admin_client, cats, visitor, kind
):
    upload = (image_bytes(kind), f"anh-chup.{kind.lower()}")
    save(
        admin_client,
        form_data(
            cats.a,
            title="Bài có ảnh",
            status="published",
            image=upload,
            image_caption="Ảnh chụp tại hiện trường",
        ),
    )

    page = visitor.get("/tin-tuc/bai-co-anh").text
    path = shown_image(page)
    image, data, headers = fetch_image(visitor, path)

    assert re.fullmatch(r"/media/[0-9a-f]{32}\.(jpg|png|webp|gif)", path), path
    assert image.format == kind and headers["Content-Type"] == MIME[kind]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "Ảnh chụp tại hiện trường" in parse(page).find("figure", cls="article-image").text()
    assert not image.getexif(), "EXIF kept"
    assert SECRET.encode() not in data, f"metadata kept in the stored {kind}: {image.info}"


def test_a_jpeg_keeps_its_orientation_but_loses_its_exif(admin_client, cats, visitor, app):
    # 80x40 landscape stored with "rotate 90°" in EXIF: readers must see it upright (40x80).
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x8825] = {1: "N", 2: (21.0, 1.0, 40.0)}  # GPS position of the photographer
    exif[0x010F] = SECRET
    out = io.BytesIO()
    Image.new("RGB", (80, 40), (10, 120, 10)).save(out, "JPEG", exif=exif)
    upload = (out.getvalue(), "dien-thoai.jpg")
    save(admin_client, form_data(cats.a, title="Ảnh điện thoại", status="published", image=upload))

    image, data, _ = fetch_image(visitor, shown_image(visitor.get("/tin-tuc/anh-dien-thoai").text))

    assert image.size == (40, 80)
    assert not image.getexif() and b"Exif" not in data and SECRET.encode() not in data


def test_a_large_image_is_scaled_down_and_gets_a_thumbnail_for_lists(admin_client, cats, visitor):
    upload = (image_bytes("JPEG", (3200, 1800), secret=None), "lon.jpg")
    save(admin_client, form_data(cats.a, title="Ảnh lớn", status="published", image=upload))

    path = shown_image(visitor.get("/tin-tuc/anh-lon").text)
    stored, _, _ = fetch_image(visitor, path)
    listing = parse(visitor.get(f"/chuyen-muc/{cats.a_slug}").text)
    thumbs = [img.get("src") for img in listing.find_all("img") if img.get("src") != path]
    thumb_path = path[: -len(".jpg") - 1] + "t.jpg"
    thumb, _, _ = fetch_image(visitor, thumb_path)

    assert max(stored.size) <= 1600 and stored.size == (1600, 900)
    assert thumb_path in thumbs, "the category list does not show the thumbnail"
    assert thumb.width <= 400 and thumb.height <= 300


@pytest.mark.parametrize(
    "content, filename",
    [
        (b"Day la mot tep van ban, khong phai anh.\n", "anh.jpg"),
        (HTML_PAGE, "anh.jpg"),
        (SVG_WITH_SCRIPT, "logo.svg"),
        (SVG_WITH_SCRIPT, "logo.png"),
        (b"GIF89a" + b"\x00" * 40, "hong.gif"),
    ],
    ids=["text-as-jpg", "html-as-jpg", "svg", "svg-as-png", "broken-gif"],
)
def test_a_file_that_is_not_an_allowed_image_is_refused_next_to_the_field(
    app, admin_client, cats, content, filename
):
    data = form_data(
        cats.a,
        title="Bài kèm tệp lạ",
        lead="Tóm tắt cần giữ lại.",
        body="<p>Nội dung cần giữ lại.</p>",
        author="Hải Yến",
        tags="ảnh, lỗi",
        image=(content, filename),
    )

    response = submit(admin_client, data)

    assert response.status_code == 400
    assert errors_next_to(response.text, "image") == [NOT_AN_IMAGE]
    assert value_of(response.text, "title") == "Bài kèm tệp lạ"
    assert value_of(response.text, "lead") == "Tóm tắt cần giữ lại."
    assert value_of(response.text, "body") == "<p>Nội dung cần giữ lại.</p>"
    assert value_of(response.text, "author") == "Hải Yến"
    assert value_of(response.text, "tags") == "ảnh, lỗi"
    assert article_count() == 0
    assert stored_images(app) == []


@pytest.mark.parametrize("app", [{"IMAGE_MAX_BYTES": 1024 * 1024}], indirect=True)
def test_an_oversize_image_is_refused_with_the_limit(app, admin_client, cats):
    big = noise_png((700, 700))
    assert len(big) > 1024 * 1024
    data = form_data(cats.a, title="Ảnh quá nặng", image=(big, "nang.png"))

    response = submit(admin_client, data)
    endpoint = admin_client.post(
        IMAGES,
        **multipart({"image": (big, "nang.png")}),
        headers={"X-CSRFToken": page_token(admin_client, NEW), "Accept": "application/json"},
    )

    assert response.status_code == 400
    assert errors_next_to(response.text, "image") == ["Ảnh vượt quá dung lượng cho phép (1 MB)."]
    assert value_of(response.text, "title") == "Ảnh quá nặng"
    assert endpoint.status_code == 413
    assert endpoint.get_json()["message"] == "Ảnh vượt quá dung lượng cho phép (1 MB)."
    assert article_count() == 0 and stored_images(app) == []


def upload_to_endpoint(client, content: bytes | None, filename: str = "anh.png"):
    token = page_token(client, NEW)  # the editor page's meta tag, as article-editor.js reads
    data = {} if content is None else {"image": (content, filename)}
    return client.post(
        IMAGES, **multipart(data), headers={"X-CSRFToken": token, "Accept": "application/json"}
    )


def test_the_image_endpoint_returns_a_url_served_as_an_inert_image(
    app, category_editor_client, visitor
):
    response = upload_to_endpoint(category_editor_client, image_bytes("PNG", (120, 80)))

    assert response.status_code == 201
    url = response.get_json()["url"]
    assert re.fullmatch(r"/media/[0-9a-f]{32}\.png", url), url
    image, data, headers = fetch_image(visitor, url)
    assert headers["Content-Type"] == "image/png"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'none'" in headers["Content-Security-Policy"]
    assert image.format == "PNG" and image.size == (120, 80)
    # It is in the media library too, found again by the picker; the same bytes again give
    # the same file.
    with app.app_context():
        names = list(db.session.scalars(select(MediaItem.file_name)))
    assert names == [url.removeprefix("/media/")]
    again = upload_to_endpoint(category_editor_client, image_bytes("PNG", (120, 80)))
    assert again.get_json()["url"] == url


@pytest.mark.parametrize(
    "content, filename, message",
    [
        (None, "", "Chưa chọn ảnh."),
        (HTML_PAGE, "anh.png", NOT_AN_IMAGE),
        (SVG_WITH_SCRIPT, "logo.svg", NOT_AN_IMAGE),
    ],
    ids=["missing", "html-as-png", "svg"],
)
def test_the_image_endpoint_refuses_bad_uploads_with_a_json_error(
    app, admin_client, content, filename, message
):
    response = upload_to_endpoint(admin_client, content, filename)

    assert response.status_code == 400
    assert response.is_json and response.get_json()["message"] == message
    assert stored_images(app) == []


@pytest.mark.parametrize(
    "name",
    [
        "logo.svg",
        "0123456789abcdef0123456789abcde0.svg",
        "..%2Fportal.db",
        "0123456789abcdef0123456789abcde0.html",
    ],
)
def test_media_serves_nothing_but_stored_image_names(visitor, name):
    assert visitor.get(f"/media/{name}").status_code == 404
