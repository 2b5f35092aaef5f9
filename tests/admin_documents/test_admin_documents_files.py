"""Documents administration, attached files: the same content checks as the public download
path, names, sizes, and files removed from disk with their document.
"""

from __future__ import annotations

import pytest
from auth_helpers import location_path, logged_in_client
from document_admin import (
    BTG,
    GUIDE_DISPOSITION,
    NOT_A_DOCUMENT,
    OLD_OFFICE,
    UBND,
    Lists,
    add_user,
    audit_summary,
    count,
    document_by_code,
    form_data,
    send,
    stored_files,
    token,
)
from document_files import OLE2_HEADER, pdf_bytes
from pages import errors_next_to, flashes, value_of

from app.auth.models import Role
from app.documents.models import Document, DocumentFile
from app.documents.operations import (
    get_or_create_field,
    get_or_create_issuer,
    get_or_create_signer,
    get_or_create_type,
)
from app.extensions import db

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- files ---------------------------------------------------------------------------------------


def test_an_attached_pdf_is_downloaded_by_readers_under_its_name(app, lists, admin_client):
    content = pdf_bytes("Hướng dẫn số 118")

    response = send(
        admin_client,
        "/admin/documents/new",
        form_data(lists),
        files=[(content, "Hướng dẫn số 118.pdf"), (pdf_bytes("Phụ lục"), "Phụ lục.pdf")],
    )

    assert response.status_code == 302, response.text
    document = document_by_code(app, "118-HD/BTGTU")
    assert [f.original_name for f in document.files] == ["Hướng dẫn số 118.pdf", "Phụ lục.pdf"]
    assert len(stored_files(app)) == 2
    download = app.test_client().get(f"/van-ban/tep/{document.files[0].id}", buffered=True)
    assert download.status_code == 200
    assert download.headers["Content-Disposition"] == GUIDE_DISPOSITION
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.data == content
    page = admin_client.get(f"/admin/documents/{document.id}").text
    assert "Hướng dẫn số 118.pdf" in page and "Gỡ tệp" in page
    actions = [row[0] for row in audit_summary(app, "document")]
    assert actions == ["document.create", "document.file_attach", "document.file_attach"]


def test_files_are_attached_when_editing_too(app, lists, make_document, admin_client):
    made = make_document("118-HD/BTGTU", files=[(pdf_bytes("một"), "Một.pdf")])

    response = send(
        admin_client,
        f"/admin/documents/{made.id}",
        form_data(lists),
        files=[(pdf_bytes("hai"), "Hai.pdf")],
    )

    assert response.status_code == 302
    assert [f.original_name for f in document_by_code(app, "118-HD/BTGTU").files] == [
        "Một.pdf",
        "Hai.pdf",
    ]


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"Day la van ban thuong, khong phai PDF.\n" * 5, "Công văn.pdf", NOT_A_DOCUMENT),
        (b"<html><script>alert(1)</script></html>", "Trang.pdf", NOT_A_DOCUMENT),
        (OLE2_HEADER + bytes(600), "Công văn.pdf", OLD_OFFICE),
        (OLE2_HEADER + bytes(600), "Công văn.docx", OLD_OFFICE),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(
    app, lists, admin_client, content, name, message
):
    response = send(
        admin_client,
        "/admin/documents/new",
        form_data(lists),
        files=[(pdf_bytes(), "Đúng.pdf"), (content, name)],
    )

    assert response.status_code == 400
    assert errors_next_to(response.text, "files") == [f"{name}: {message}"]
    assert "Tệp đính kèm cần được chọn lại." in response.text
    assert value_of(response.text, "code") == "118-HD/BTGTU"  # the rest is kept
    assert count(app, Document) == 0 and count(app, DocumentFile) == 0
    assert stored_files(app) == []  # the good file stored first is gone again
    assert audit_summary(app, "document") == []


def test_a_refused_file_when_editing_saves_nothing(app, lists, make_document, admin_client):
    made = make_document("118-HD/BTGTU", title="Tiêu đề cũ")

    response = send(
        admin_client,
        f"/admin/documents/{made.id}",
        form_data(lists, title="Tiêu đề mới"),
        files=[(b"plain text", "Giả.pdf")],
    )

    assert response.status_code == 400
    assert errors_next_to(response.text, "files") == [f"Giả.pdf: {NOT_A_DOCUMENT}"]
    assert value_of(response.text, "title") == "Tiêu đề mới"
    assert document_by_code(app, "118-HD/BTGTU").title == "Tiêu đề cũ"
    assert stored_files(app) == []


def test_an_old_word_file_with_its_own_extension_is_accepted(app, lists, admin_client):
    response = send(
        admin_client,
        "/admin/documents/new",
        form_data(lists),
        files=[(OLE2_HEADER + bytes(600), "Công văn cũ.doc")],
    )

    assert response.status_code == 302
    (attached,) = document_by_code(app, "118-HD/BTGTU").files
    assert (attached.original_name, attached.content_type) == (
        "Công văn cũ.doc",
        "application/msword",
    )


def test_a_file_over_the_document_limit_is_refused(make_contextless_app, lists_for):
    app = make_contextless_app(DOCUMENT_MAX_BYTES=2000)
    lists, admin_client = lists_for(app)

    response = send(
        admin_client,
        "/admin/documents/new",
        form_data(lists),
        files=[(pdf_bytes(size=2001), "Quá lớn.pdf")],
    )

    assert response.status_code == 400
    (error,) = errors_next_to(response.text, "files")
    assert error.startswith("Quá lớn.pdf: Tệp vượt quá dung lượng cho phép")
    assert count(app, Document) == 0 and stored_files(app) == []

    at_limit = send(
        admin_client,
        "/admin/documents/new",
        form_data(lists),
        files=[(pdf_bytes(size=2000), "Vừa đủ.pdf")],
    )
    assert at_limit.status_code == 302
    assert document_by_code(app, "118-HD/BTGTU").files[0].size == 2000


def test_a_request_over_the_size_limit_gets_the_413_page(make_contextless_app, lists_for):
    app = make_contextless_app(MAX_CONTENT_LENGTH=20_000)
    lists, admin_client = lists_for(app)

    response = send(
        admin_client,
        "/admin/documents/new",
        form_data(lists),
        files=[(pdf_bytes(size=30_000), "Rất lớn.pdf")],
    )

    assert response.status_code == 413
    assert '<html lang="vi">' in response.text
    assert "Dữ liệu quá lớn" in response.text
    assert "Tệp hoặc dữ liệu gửi lên vượt quá dung lượng cho phép." in response.text
    assert count(app, Document) == 0 and stored_files(app) == []


@pytest.fixture
def lists_for(make_contextless_app, request):
    """(lists, logged-in administrator client) for an app built with its own config."""

    def factory(app):
        with app.app_context():
            made = Lists(
                guide=get_or_create_type("Hướng dẫn"),
                dispatch=get_or_create_type("Công văn"),
                btg=get_or_create_issuer(BTG),
                ubnd=get_or_create_issuer(UBND),
                hanh=get_or_create_signer("Đoàn Thị Mỹ Hạnh", "Phó Trưởng ban"),
                vinh=get_or_create_signer("Trần Quang Vịnh", "Trưởng ban"),
                media=get_or_create_field("Thông tin và Truyền thông"),
                security=get_or_create_field("An toàn thông tin"),
                education=get_or_create_field("Giáo dục - Đào tạo"),
            )
            db.session.commit()
            ids = Lists(**{n: getattr(made, n).id for n in Lists.__dataclass_fields__})
        return ids, logged_in_client(app, add_user(app, "quantri", Role.ADMIN))

    return factory


def test_a_removed_file_leaves_the_disk_and_its_download(app, lists, make_document, admin_client):
    made = make_document(
        "118-HD/BTGTU", files=[(pdf_bytes("một"), "Một.pdf"), (pdf_bytes("hai"), "Hai.pdf")]
    )
    with app.app_context():
        gone = db.session.get(DocumentFile, made.files[0]).stored_name
    assert gone in stored_files(app)
    reader = app.test_client()
    assert reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 200

    response = admin_client.post(
        f"/admin/documents/{made.id}/files/{made.files[0]}/remove",
        data={"csrf_token": token(admin_client)},
    )

    assert response.status_code == 302
    assert "Đã gỡ tệp Một.pdf." in flashes(admin_client.get(location_path(response)).text)
    assert gone not in stored_files(app) and len(stored_files(app)) == 1
    assert reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 404
    assert reader.get(f"/van-ban/tep/{made.files[1]}", buffered=True).status_code == 200
    assert [f.original_name for f in document_by_code(app, "118-HD/BTGTU").files] == ["Hai.pdf"]
    assert audit_summary(app, "document.file_remove") == [
        ("document.file_remove", "documentfile", str(made.files[0]), "quantri")
    ]


def test_a_file_is_removed_only_through_its_own_document(app, make_document, admin_client):
    one = make_document(files=[(pdf_bytes(), "Một.pdf")])
    two = make_document()

    response = admin_client.post(
        f"/admin/documents/{two.id}/files/{one.files[0]}/remove",
        data={"csrf_token": token(admin_client)},
    )

    assert response.status_code == 404
    assert count(app, DocumentFile) == 1 and len(stored_files(app)) == 1
    assert (
        admin_client.get(f"/admin/documents/{one.id}/files/{one.files[0]}/remove").status_code
        == 405
    )
