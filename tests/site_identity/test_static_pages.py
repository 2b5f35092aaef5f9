"""Static pages: the admin's CRUD at /admin/trang/ (audited, bodies sanitised), the public
page at /trang/<slug> (404 until published), the sitemap and the cache."""

from __future__ import annotations

from audit_log import audit_rows
from auth_helpers import logged_in_client
from pages import csrf_token_from, errors_next_to, parse

from app.extensions import db
from app.pages.models import Page

ADMIN = "/admin/trang/"


def _page(slug: str) -> Page | None:
    db.session.expire_all()
    return db.session.scalar(db.select(Page).where(Page.slug == slug))


def _create(client, **fields):
    token = csrf_token_from(client.get(f"{ADMIN}moi").text)
    data = {"title": "Giới thiệu", "slug": "", "body": "<p>Nội dung.</p>", "position": "0",
            "csrf_token": token, **fields}  # fmt: skip
    return client.post(f"{ADMIN}moi", data=data)


def test_an_administrator_creates_a_page_with_a_sanitised_body(app, admin_client):
    hostile = ('<p onclick="alert(1)">Chào <b>bạn</b></p><script>alert(2)</script>'
               '<a href="javascript:alert(3)">x</a><table><thead><tr><th>Chỉ tiêu</th>'
               '<th>Kết quả</th></tr></thead></table>')  # fmt: skip

    response = _create(admin_client, title="Giới thiệu chung", body=hostile, published="y")

    assert response.status_code == 302
    page = _page("gioi-thieu-chung")
    assert page is not None and page.published
    assert "<script" not in page.body and "onclick" not in page.body
    assert "javascript:" not in page.body and "<th>Kết quả</th>" in page.body
    assert [e.detail for e in audit_rows(app, "page.create")] == [
        "Giới thiệu chung (gioi-thieu-chung)"]  # fmt: skip
    shown = app.test_client().get("/trang/gioi-thieu-chung")
    assert shown.status_code == 200
    html = parse(shown.text)
    assert [h.text() for h in html.find_all("h1")] == ["Giới thiệu chung"]
    assert "Chào bạn" in html.find("div", cls="article-body").text()
    assert "/trang/gioi-thieu-chung" in app.test_client().get("/sitemap.xml").text


def test_the_form_uses_the_article_body_editor_partials(app, admin_client):
    page = admin_client.get(f"{ADMIN}moi").text

    assert parse(page).find("textarea", id="body") is not None
    assert 'id="body-editor"' in page or "body-editor" in page


def test_an_unpublished_page_is_404_until_published(app, admin_client):
    _create(admin_client, title="Nháp", slug="ban-nhap")
    draft = _page("ban-nhap")

    assert app.test_client().get("/trang/ban-nhap").status_code == 404
    assert app.test_client().get("/trang/khong-co").status_code == 404
    assert "/trang/ban-nhap" not in app.test_client().get("/sitemap.xml").text

    token = csrf_token_from(admin_client.get(f"{ADMIN}{draft.id}").text)
    response = admin_client.post(f"{ADMIN}{draft.id}", data={
        "title": "Nháp", "slug": "ban-nhap", "body": "<p>Đã xong.</p>", "published": "y",
        "position": "3", "csrf_token": token})  # fmt: skip

    assert response.status_code == 302
    assert "Đã xong." in app.test_client().get("/trang/ban-nhap").text
    [entry] = audit_rows(app, "page.update")
    assert entry.detail == "body, published, position"


def test_a_slug_taken_by_another_page_is_refused_next_to_its_field(app, admin_client):
    _create(admin_client, title="Liên hệ", slug="lien-he")

    response = _create(admin_client, title="Liên hệ khác", slug="Liên hệ")

    assert response.status_code == 400
    assert errors_next_to(response.text, "slug") == [
        "Đường dẫn “lien-he” đã được dùng cho trang khác."
    ]
    assert _create(admin_client, title="Liên hệ").status_code == 302
    assert _page("lien-he-2") is not None  # none typed: made from the title, free


def test_deleting_a_page_is_audited_and_the_page_is_gone(app, admin_client):
    _create(admin_client, title="Tạm thời", published="y")
    page = _page("tam-thoi")
    listing = admin_client.get(ADMIN).text
    assert "Tạm thời" in listing

    assert admin_client.post(f"{ADMIN}{page.id}/xoa").status_code == 400  # no token
    response = admin_client.post(f"{ADMIN}{page.id}/xoa",
                                 data={"csrf_token": csrf_token_from(listing)})  # fmt: skip

    assert response.status_code == 302 and _page("tam-thoi") is None
    assert app.test_client().get("/trang/tam-thoi").status_code == 404
    assert [e.detail for e in audit_rows(app, "page.delete")] == ["Tạm thời (tam-thoi)"]


def test_only_administrators_manage_pages(app, make_user, about_page):
    editor = logged_in_client(app, make_user("bientap2"))

    assert editor.get(ADMIN).status_code == 403
    assert editor.get(f"{ADMIN}{about_page.id}").status_code == 403
    token = csrf_token_from(editor.get("/admin/").text)
    assert editor.post(f"{ADMIN}{about_page.id}/xoa", data={"csrf_token": token}).status_code == 403
    assert _page(about_page.slug) is not None
    assert app.test_client().get(ADMIN).status_code in (302, 401)


def test_an_edited_page_shows_on_the_next_request_of_its_cached_copy(make_app):
    from app.extensions import redis_store
    from app.pages.operations import create_page, update_page

    app = make_app(PAGE_CACHE_SECONDS=30)
    with app.app_context():
        redis_store.client.flushdb()
        page = create_page({"title": "Giới thiệu", "published": True,
                            "body": "<p>Bản đầu.</p>"}, by=None)  # fmt: skip
        assert "Bản đầu." in app.test_client().get("/trang/gioi-thieu").text
        assert app.extensions["page_cache"].get("/trang/gioi-thieu?") is not None

        update_page(page, {"title": "Giới thiệu", "slug": "gioi-thieu", "published": True,
                           "body": "<p>Bản sửa.</p>"}, by=None)  # fmt: skip

        assert "Bản sửa." in app.test_client().get("/trang/gioi-thieu").text
        db.session.remove()
