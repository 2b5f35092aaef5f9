"""Documents administration, who may do what: anonymous visitors, editors with and without
the right to publish, administrators; forged requests (CSRF).
"""

from __future__ import annotations

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from auth_helpers import is_login_redirect, location_path, logged_in_client
from document_admin import (
    audit_summary,
    count,
    document_by_code,
    form_data,
    is_checked,
    send,
    stored_files,
    token,
)
from document_files import pdf_bytes
from pages import csrf_token_from, errors_next_to

from app.documents.models import Document, DocumentFile, DocumentType, Field
from app.extensions import db

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- permissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/admin/documents/",
        "/admin/documents/new",
        "/admin/documents/1",
        "/admin/documents/1/delete",
        "/admin/documents/lists",
        "/admin/documents/lists/types",
        "/admin/documents/lists/fields/1",
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(app, make_document, path):
    make_document()

    response = app.test_client().get(path)

    assert is_login_redirect(response)
    assert parse_qs(urlsplit(location_path(response)).query)["next"] == [path]


def test_anonymous_posts_change_nothing(app, lists, make_document):
    made = make_document(files=[(pdf_bytes(), "Tệp.pdf")])
    anonymous = app.test_client()
    page_token = csrf_token_from(anonymous.get("/auth/login").text)

    responses = [
        anonymous.post("/admin/documents/new", data={**form_data(lists), "csrf_token": page_token}),
        anonymous.post(
            f"/admin/documents/{made.id}/files/{made.files[0]}/remove",
            data={"csrf_token": page_token},
        ),
        anonymous.post(f"/admin/documents/{made.id}/delete", data={"csrf_token": page_token}),
    ]

    assert all(is_login_redirect(r) for r in responses)
    assert count(app, Document) == 1 and count(app, DocumentFile) == 1


def test_editors_manage_documents_but_not_the_lists(app, lists, make_document, editor_user):
    made = make_document(published=False)
    client = logged_in_client(app, editor_user)

    assert client.get("/admin/documents/").status_code == 200
    assert client.get("/admin/documents/new").status_code == 200
    assert client.get(f"/admin/documents/{made.id}").status_code == 200
    for path in (
        "/admin/documents/lists",
        "/admin/documents/lists/types",
        f"/admin/documents/lists/types/{lists.guide}",
        f"/admin/documents/{made.id}/delete",
    ):
        response = client.get(path)
        assert response.status_code == 403, path
        assert "Không có quyền truy cập" in response.text
    forged = client.post(
        "/admin/documents/lists/types", data={"csrf_token": token(client), "name": "Chỉ thị"}
    )
    assert forged.status_code == 403
    forged = client.post(
        f"/admin/documents/lists/types/{lists.guide}/delete", data={"csrf_token": token(client)}
    )
    assert forged.status_code == 403
    assert (
        client.post(
            f"/admin/documents/{made.id}/delete", data={"csrf_token": token(client)}
        ).status_code
        == 403
    )
    assert count(app, DocumentType) == 2 and count(app, Document) == 1


def test_the_admin_menu_offers_the_lists_to_administrators_only(app, admin_user, editor_user):
    def menu(account):
        page = logged_in_client(app, account).get("/admin/").text
        return re.search(r'<nav class="block admin-nav".*?</nav>', page, re.S).group(0)

    assert 'href="/admin/documents/">Văn bản<' in menu(editor_user)
    assert "Danh mục văn bản" not in menu(editor_user)
    assert 'href="/admin/documents/lists">Danh mục văn bản<' in menu(admin_user)


def test_an_editor_without_the_publish_right_saves_unpublished_documents(app, lists, editor_user):
    client = logged_in_client(app, editor_user)
    page = client.get("/admin/documents/new").text
    assert not is_checked(page, "published")
    assert re.search(r'<input[^>]*disabled[^>]*name="published"', page)

    refused = send(client, "/admin/documents/new", form_data(lists))

    assert refused.status_code == 400
    assert errors_next_to(refused.text, "published") == [
        "Bạn chưa có quyền công bố văn bản: hãy bỏ chọn ô này để lưu văn bản chờ quản trị viên "
        "duyệt và công bố."
    ]
    assert count(app, Document) == 0

    saved = send(client, "/admin/documents/new", form_data(lists, published=None))

    assert saved.status_code == 302
    document = document_by_code(app, "118-HD/BTGTU")
    assert document.published is False
    assert app.test_client().get(f"/van-ban/{document.slug}").status_code == 404


def test_only_publishers_change_a_published_document(
    app, lists, make_document, editor_user, publisher_user
):
    made = make_document("5/TB-UBND", files=[(pdf_bytes(), "Tệp.pdf")])
    client = logged_in_client(app, editor_user)

    assert client.get(f"/admin/documents/{made.id}").status_code == 403
    response = send(
        client, f"/admin/documents/{made.id}", form_data(lists, code="5/TB-UBND", title="Đã đổi")
    )
    assert response.status_code == 403
    assert "chỉ người có quyền xuất bản" in response.text
    removal = client.post(
        f"/admin/documents/{made.id}/files/{made.files[0]}/remove",
        data={"csrf_token": token(client)},
    )
    assert removal.status_code == 403
    assert count(app, DocumentFile) == 1
    assert document_by_code(app, "5/TB-UBND").title != "Đã đổi"

    allowed = send(
        logged_in_client(app, publisher_user),
        f"/admin/documents/{made.id}",
        form_data(lists, code="5/TB-UBND", title="Đã đổi"),
    )

    assert allowed.status_code == 302
    assert document_by_code(app, "5/TB-UBND").title == "Đã đổi"


def shown_codes(app, url: str) -> str:
    """The replacement and related sections of a public document page (not the sidebar)."""
    response = app.test_client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    found = re.findall(
        r'<section class="doc-(?:chain|related)">(.*?)</section>', response.text, re.S
    )
    return htmllib.unescape("\n".join(found))


def test_a_draft_linked_to_published_documents_changes_none_of_their_pages(
    app, lists, make_document, editor_user, admin_client
):
    replaced = make_document("7/QĐ-UBND", title="Quyết định cũ về tiếp dân")
    related = make_document("8/KH-UBND", title="Kế hoạch tiếp dân")
    client = logged_in_client(app, editor_user)
    draft = form_data(
        lists,
        code="99/QĐ-NHÁP",
        title="Bản nháp chưa duyệt",
        published=None,
        replaces=[str(replaced.id)],
        related=[str(related.id)],
    )

    saved = send(client, "/admin/documents/new", draft)

    assert saved.status_code == 302
    for made in (replaced, related):
        page = shown_codes(app, made.url)
        assert "99/QĐ-NHÁP" not in page and "Bản nháp chưa duyệt" not in page, made.code
    assert shown_codes(app, replaced.url) == shown_codes(app, related.url) == ""

    # A publisher reviews the draft and publishes it: now the links are for readers.
    document = document_by_code(app, "99/QĐ-NHÁP")
    published = send(
        admin_client,
        f"/admin/documents/{document.id}",
        {**draft, "published": "y"},
    )

    assert published.status_code == 302
    assert "99/QĐ-NHÁP" in shown_codes(app, replaced.url)
    assert "99/QĐ-NHÁP" in shown_codes(app, related.url)


def test_published_pages_show_only_published_documents_in_every_direction(
    app, lists, make_document
):
    oldest = make_document("1/QĐ-CU", title="Quyết định gốc")
    hidden = make_document("2/QĐ-AN", title="Văn bản chưa công bố", published=False,
                           replaces=[oldest.id])  # fmt: skip
    newest = make_document("3/QĐ-MOI", title="Quyết định mới", replaces=[hidden.id])
    linked = make_document("4/KH-LQ", title="Kế hoạch liên quan")
    with app.app_context():
        # Relations stored from each side: the published one names the hidden one, and back.
        stored = {m.id: db.session.get(Document, m.id) for m in (hidden, newest, linked)}
        stored[hidden.id].related_to.append(stored[linked.id])
        stored[newest.id].related_to.append(stored[hidden.id])
        db.session.commit()

    pages = {m.code: shown_codes(app, m.url) for m in (oldest, newest, linked)}

    # Nothing about the unpublished document, and the replacement chain does not go on
    # through it either.
    assert pages == {"1/QĐ-CU": "", "3/QĐ-MOI": "", "4/KH-LQ": ""}


def test_the_editor_without_the_publish_right_is_told_when_links_show(app, editor_user):
    page = logged_in_client(app, editor_user).get("/admin/documents/new").text

    assert "chỉ hiện trên trang sau khi văn bản này được duyệt và công bố" in page


# --- CSRF ----------------------------------------------------------------------------------------


def test_posts_without_the_csrf_token_are_refused(app, lists, make_document, admin_client):
    made = make_document(files=[(pdf_bytes(), "Tệp.pdf")])
    attempts = [
        ("/admin/documents/new", form_data(lists)),
        (f"/admin/documents/{made.id}", form_data(lists, code=made.code, title="Giả mạo")),
        (f"/admin/documents/{made.id}/files/{made.files[0]}/remove", {}),
        (f"/admin/documents/{made.id}/delete", {}),
        ("/admin/documents/lists/types", {"name": "Chỉ thị", "position": "3"}),
        (f"/admin/documents/lists/types/{lists.guide}", {"name": "Giả mạo", "position": "1"}),
        (f"/admin/documents/lists/fields/{lists.education}/delete", {}),
    ]

    for path, data in attempts:
        response = send(admin_client, path, data, csrf=False)
        assert response.status_code == 400, path
        assert "Yêu cầu không hợp lệ" in response.text

    assert count(app, Document) == 1 and count(app, DocumentFile) == 1
    assert len(stored_files(app)) == 1
    assert count(app, DocumentType) == 2 and count(app, Field) == 3
    assert document_by_code(app, made.code).title != "Giả mạo"
    assert audit_summary(app, "document") == []
