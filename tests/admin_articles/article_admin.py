"""Article administration tests (issue 6, "Articles" and "Quality"): the constants, page
readers and request helpers the test_admin_articles_*.py modules share. Not a test module.
"""

from __future__ import annotations

import io
import mimetypes
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from auth_helpers import page_token
from pages import Node, all_field_errors, parse, squash, value_of
from PIL import Image, PngImagePlugin
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.extensions import db
from app.news.models import Article, ArticleRevision

ARTICLES = "/admin/news/articles"
NEW = "/admin/news/articles/new"
BULK = "/admin/news/articles/bulk"
IMAGES = "/admin/thu-vien-anh/api"  # the editor's direct upload goes to the media library
SITE_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
FORM_TIME = "%d/%m/%Y %H:%M"
SAVED = "Đã lưu bài viết."
NOT_YOUR_CATEGORY = "Bạn không được đăng bài vào chuyên mục này."
DRAFTS_ONLY = "Bạn chỉ được lưu nháp; quản trị viên sẽ duyệt và xuất bản."
NOT_AN_IMAGE = "Tệp không phải là ảnh hợp lệ (JPEG, PNG, WebP, GIF)."
EDITING_WARNING = "cũng đang mở bài viết này"


def article_body(page: str) -> Node:
    body = parse(page).find("div", cls="article-body")
    assert body is not None, "the page shows no article body"
    return body


def list_rows(page: str) -> list[dict]:
    """The rows of the admin article list: id, title, category, status."""
    rows = []
    table = parse(page).find("table", cls="doc-table")
    assert table is not None, "no article table"
    for tr in table.find("tbody").find_all("tr"):
        link = next((a for a in tr.find_all("a") if "/admin/news/articles/" in a.get("href")), None)
        if link is None:
            continue
        cells = [squash(td.text()) for td in tr.find_all("td")]
        offset = 1 if tr.find("input", type="checkbox") else 0
        rows.append(
            {
                "id": int(link.get("href").rsplit("/", 1)[1]),
                "title": squash(link.text()),
                "category": cells[offset + 1],
                "status": cells[offset + 2],
                "checkbox": bool(offset),
            }
        )
    return rows


def looks_vietnamese(text: str) -> bool:
    """True when the text uses letters only Vietnamese uses here (diacritics or đ)."""
    return any(unicodedata.normalize("NFD", c) != c or c == "đ" for c in text.lower())


def assert_vietnamese(messages: list[str]) -> None:
    english = [m for m in messages if not looks_vietnamese(m)]
    assert not english, f"messages shown to editors are not in Vietnamese: {english}"


@dataclass
class Categories:
    a: int
    b: int
    a_slug: str
    b_slug: str


def form_data(category_id: int, **fields) -> dict:
    data = {
        "title": "Khai giảng năm học mới",
        "slug": "",
        "category": str(category_id),
        "lead": "Hơn 20 triệu học sinh cả nước bước vào năm học mới.",
        "body": "<p>Sáng nay, các trường đồng loạt tổ chức lễ khai giảng.</p>",
        "image_caption": "",
        "image_position": "beside",
        "author": "Minh Anh",
        "source": "",
        "tags": "",
        "status": "draft",
        "published_at": "",
        "expires_at": "",
        "rating_enabled": "y",  # ticked by default, as the editor shows it
    }
    data.update(fields)
    return data


def submit(client, data: dict, path: str = NEW, **kwargs):
    """Send the editor form at `path` with the token of the page the editor opened."""
    token = page_token(client, path)
    return client.post(path, **multipart({**data, "csrf_token": token}), **kwargs)


def multipart(fields: dict) -> dict:
    """Keyword arguments for client.post() sending `fields` as the browser does a form with a
    file (multipart/form-data); a file is given as (content, filename). Encoded in memory:
    the test client spools big bodies to temporary files it never closes."""
    values = MultiDict()
    for name, value in fields.items():
        if isinstance(value, tuple):
            content, filename = value
            kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
            value = FileStorage(io.BytesIO(content), filename=filename, content_type=kind)
        for item in value if isinstance(value, list) else [value]:
            values.add(name, item)
    boundary, body = encode_multipart(values)
    return {"data": body, "content_type": f"multipart/form-data; boundary={boundary}"}


def save(client, data: dict, path: str = NEW) -> int:
    """Save through the editor; the article's id from the redirect to its edit page."""
    response = submit(client, data, path)
    assert response.status_code == 302, (
        f"not saved ({response.status_code}): {all_field_errors(response.text)}"
    )
    match = re.fullmatch(r"/admin/news/articles/(\d+)", response.headers["Location"])
    assert match, response.headers["Location"]
    return int(match.group(1))


def edit_page(client, article_id: int) -> str:
    response = client.get(f"{ARTICLES}/{article_id}")
    assert response.status_code == 200, response.status_code
    return response.text


def shown_slug(client, article_id: int) -> str:
    return value_of(edit_page(client, article_id), "slug")


def public_status(visitor, slug: str) -> int:
    return visitor.get(f"/tin-tuc/{slug}").status_code


def bulk(client, action: str, ids: list[int]):
    token = page_token(client, ARTICLES)
    return client.post(
        BULK, data={"csrf_token": token, "action": action, "ids": [str(i) for i in ids]}
    )


def local_form_time(delta: timedelta) -> str:
    return (datetime.now(SITE_ZONE) + delta).strftime(FORM_TIME)


def article_row(article_id: int) -> Article | None:
    db.session.expire_all()
    return db.session.get(Article, article_id)


def article_count() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(Article.id)))


def revisions_of(article_id: int) -> list[ArticleRevision]:
    """The article's revisions as stored, oldest first."""
    db.session.expire_all()
    query = select(ArticleRevision).where(ArticleRevision.article_id == article_id)
    return list(db.session.scalars(query.order_by(ArticleRevision.id)))


def set_times(article_id: int, **values) -> None:
    """Move an article's stored times, as if the clock had moved on."""
    db.session.execute(update(Article).where(Article.id == article_id).values(**values))
    db.session.commit()


def titles_on(visitor, path: str) -> str:
    response = visitor.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return squash(parse(response.text).find("main").text())


SECRET = "Toa-do-GPS-21.0278N-105.8342E"


def image_bytes(kind: str, size=(64, 48), *, secret: str | None = SECRET) -> bytes:
    """A small picture in `kind` format carrying `secret` in every metadata slot it has."""
    image = Image.new("RGB", size, (200, 40, 40))
    image.paste((20, 90, 200), (0, 0, size[0] // 2, size[1] // 2))
    out = io.BytesIO()
    exif = Image.Exif()
    if secret:
        exif[0x010F] = secret  # Make
        exif[0x013B] = secret  # Artist
        exif[0x010E] = secret  # ImageDescription
    if kind == "JPEG":
        image.save(out, "JPEG", exif=exif, comment=(secret or "").encode())
    elif kind == "PNG":
        info = PngImagePlugin.PngInfo()
        if secret:
            info.add_text("Comment", secret)
        image.save(out, "PNG", pnginfo=info, exif=exif)
    elif kind == "WEBP":
        image.save(out, "WEBP", exif=exif)
    elif kind == "GIF":
        image.convert("P").save(out, "GIF", comment=(secret or "").encode())
    data = out.getvalue()
    assert secret is None or secret.encode() in data, "the test image carries no metadata"
    return data


def png_bytes(size=(32, 24)) -> bytes:
    return image_bytes("PNG", size, secret=None)


def stored_images(app) -> list[str]:
    folder = Path(app.instance_path) / "uploads" / "images"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def shown_image(page: str) -> str:
    """The /media/ path of the illustration a public article page shows."""
    figure = parse(page).find("figure", cls="article-image")
    assert figure is not None, "the article shows no illustration"
    return figure.find("img").get("src")
