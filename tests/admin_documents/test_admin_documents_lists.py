"""Documents administration: the type, issuer, signer and field lists, and an audit row for
every change.
"""

from __future__ import annotations

import pytest
from auth_helpers import location_path, logged_in_client
from document_admin import (
    audit_detail,
    audit_summary,
    count,
    document_by_code,
    form_data,
    labelled_options,
    send,
    token,
)
from document_files import pdf_bytes
from pages import errors_next_to, flashes, value_of
from sqlalchemy import select

from app.documents.models import Document, DocumentType, Field, Issuer, Signer
from app.extensions import db

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- the managed lists ---------------------------------------------------------------------------


def test_an_administrator_adds_and_renames_list_entries(app, lists, admin_client):
    first = admin_client.post(
        "/admin/documents/lists/types",
        data={"csrf_token": token(admin_client), "name": "Chỉ thị", "position": "3"},
    )
    assert "Đã thêm “Chỉ thị”." in flashes(admin_client.get(location_path(first)).text)
    added = [
        first,
        admin_client.post(
            "/admin/documents/lists/issuers",
            data={"csrf_token": token(admin_client), "name": "Sở Giáo dục và Đào tạo"},
        ),
        admin_client.post(
            "/admin/documents/lists/signers",
            data={"csrf_token": token(admin_client), "name": "Lê Văn Tâm", "position": "Giám đốc"},
        ),
        admin_client.post(
            "/admin/documents/lists/fields",
            data={"csrf_token": token(admin_client), "name": "Báo chí", "parent": str(lists.media)},
        ),
    ]

    assert [r.status_code for r in added] == [302] * 4
    with app.app_context():
        kind = db.session.scalar(select(DocumentType).where(DocumentType.name == "Chỉ thị"))
        assert (kind.slug, kind.position) == ("chi-thi", 3)
        press = db.session.scalar(select(Field).where(Field.name == "Báo chí"))
        assert press.parent_id == lists.media
        kind_id, press_id = kind.id, press.id
    form = admin_client.get("/admin/documents/new").text
    assert labelled_options(form, "type")[str(kind_id)] == ("Chỉ thị", False)
    assert labelled_options(form, "issuer")
    assert "Lê Văn Tâm (Giám đốc)" in [
        label for label, _ in labelled_options(form, "signer").values()
    ]
    assert labelled_options(form, "fields")[str(press_id)] == ("— Báo chí", False)
    assert list(labelled_options(form, "type")) == [
        str(lists.guide),
        str(lists.dispatch),
        str(kind_id),
    ]

    renamed = admin_client.post(
        f"/admin/documents/lists/types/{kind_id}",
        data={"csrf_token": token(admin_client), "name": "Chỉ thị mới", "position": "0"},
    )

    assert renamed.status_code == 302
    with app.app_context():
        kind = db.session.get(DocumentType, kind_id)
        assert (kind.name, kind.slug, kind.position) == ("Chỉ thị mới", "chi-thi-moi", 0)
    assert list(labelled_options(admin_client.get("/admin/documents/new").text, "type"))[0] == str(
        kind_id
    )
    edit_page = admin_client.get(f"/admin/documents/lists/signers/{lists.hanh}").text
    assert value_of(edit_page, "name") == "Đoàn Thị Mỹ Hạnh"
    assert value_of(edit_page, "position") == "Phó Trưởng ban"
    assert [a for a, *_ in audit_summary(app, "document_")] == [
        "document_type.create",
        "document_issuer.create",
        "document_signer.create",
        "document_field.create",
        "document_type.update",
    ]


def test_renamed_entries_show_on_the_public_pages(app, lists, make_document, admin_client):
    made = make_document("1-CV/TEST", issuer=lists.btg)

    admin_client.post(
        f"/admin/documents/lists/issuers/{lists.btg}",
        data={"csrf_token": token(admin_client), "name": "Ban Tuyên giáo và Dân vận"},
    )

    page = app.test_client().get(made.url).text
    assert "Ban Tuyên giáo và Dân vận" in page
    assert "co-quan=ban-tuyen-giao-va-dan-van" in page


@pytest.mark.parametrize(
    ("path", "data", "field", "message"),
    [
        ("types", {"name": "Hướng Dẫn"}, "name", "Đã có thể loại “Hướng dẫn”."),
        ("types", {"name": "huong dan"}, "name", "Đã có thể loại “Hướng dẫn”."),
        ("types", {"name": ""}, "name", "Nhập tên."),
        ("types", {"name": "***"}, "name", "Tên phải có ít nhất một chữ cái hoặc chữ số."),
        (
            "types",
            {"name": "Chỉ thị", "position": "abc"},
            "position",
            "Thứ tự là số nguyên từ 0 đến 9999.",
        ),
        (
            "types",
            {"name": "Chỉ thị", "position": "-1"},
            "position",
            "Thứ tự là số nguyên từ 0 đến 9999.",
        ),
        (
            "issuers",
            {"name": "ban tuyên giáo tỉnh ủy"},
            "name",
            "Đã có cơ quan ban hành “Ban Tuyên giáo Tỉnh ủy”.",
        ),
        (
            "signers",
            {"name": "Trần Quang Vịnh", "position": "Trưởng ban"},
            "name",
            "Đã có người ký “Trần Quang Vịnh” với chức vụ “Trưởng ban”.",
        ),
        (
            "fields",
            {"name": "Giáo dục – Đào tạo", "parent": "0"},
            "name",
            "Đã có lĩnh vực “Giáo dục - Đào tạo”.",
        ),
        (
            "fields",
            {"name": "Báo chí", "parent": "999"},
            "parent",
            "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại.",
        ),
    ],
)
def test_list_entries_are_checked(app, lists, admin_client, path, data, field, message):
    before = audit_summary(app)

    response = admin_client.post(
        f"/admin/documents/lists/{path}", data={"csrf_token": token(admin_client), **data}
    )

    assert response.status_code == 400
    assert errors_next_to(response.text, field) == [message]
    assert value_of(response.text, "name") == data["name"]
    assert audit_summary(app) == before


def test_the_same_signer_may_sign_under_another_position(app, lists, admin_client):
    response = admin_client.post(
        "/admin/documents/lists/signers",
        data={
            "csrf_token": token(admin_client),
            "name": "Trần Quang Vịnh",
            "position": "Phó Chủ tịch",
        },
    )

    assert response.status_code == 302
    assert count(app, Signer) == 3


def test_a_field_cannot_move_under_itself_or_its_children(app, lists, admin_client):
    page = admin_client.get(f"/admin/documents/lists/fields/{lists.media}").text
    assert str(lists.security) not in labelled_options(page, "parent")
    assert str(lists.media) not in labelled_options(page, "parent")

    for parent in (lists.security, lists.media):
        response = admin_client.post(
            f"/admin/documents/lists/fields/{lists.media}",
            data={"csrf_token": token(admin_client), "name": "Thông tin", "parent": str(parent)},
        )
        assert response.status_code == 400
        assert errors_next_to(response.text, "parent") == [
            "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại."
        ]
    moved = admin_client.post(
        f"/admin/documents/lists/fields/{lists.security}",
        data={"csrf_token": token(admin_client), "name": "An toàn thông tin", "parent": "0"},
    )
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(Field, lists.security).parent_id is None


def test_entries_still_in_use_are_not_deleted(app, lists, make_document, admin_client):
    make_document("1-CV/TEST", type=lists.dispatch, issuer=lists.ubnd, signer=None, published=False)
    with app.app_context():
        document = db.session.scalar(select(Document))
        document.signer = db.session.get(Signer, lists.vinh)
        document.fields = [db.session.get(Field, lists.education)]
        db.session.commit()

    refusals = {
        ("types", lists.dispatch): "Không thể xóa thể loại “Công văn”: còn 1 văn bản sử dụng. "
        "Hãy chuyển các văn bản đó sang thể loại khác trước.",
        ("issuers", lists.ubnd): "Không thể xóa cơ quan ban hành “UBND tỉnh An Hòa”: còn 1 văn "
        "bản sử dụng. Hãy chuyển các văn bản đó sang cơ quan ban hành "
        "khác trước.",
        ("signers", lists.vinh): "Không thể xóa người ký “Trần Quang Vịnh”: còn 1 văn bản sử "
        "dụng. Hãy chuyển các văn bản đó sang người ký khác trước.",
        ("fields", lists.education): "Không thể xóa lĩnh vực “Giáo dục - Đào tạo”: còn 1 văn bản "
        "sử dụng. Hãy chuyển các văn bản đó sang lĩnh vực khác "
        "trước.",
        ("fields", lists.media): "Không thể xóa lĩnh vực “Thông tin và Truyền thông”: còn 1 lĩnh "
        "vực con. Hãy chuyển hoặc xóa các lĩnh vực con trước.",
    }
    for (kind, entry_id), message in refusals.items():
        response = admin_client.post(
            f"/admin/documents/lists/{kind}/{entry_id}/delete",
            data={"csrf_token": token(admin_client)},
        )
        assert response.status_code == 302
        page = admin_client.get(location_path(response)).text
        assert flashes(page) == [message], kind
    assert (
        count(app, DocumentType),
        count(app, Issuer),
        count(app, Signer),
        count(app, Field),
    ) == (2, 2, 2, 3)
    assert audit_summary(app, "document_") == []
    listing = admin_client.get("/admin/documents/lists/types").text
    row = listing.split(">Công văn</a>", 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td>" in row  # how many documents use it


def test_unused_entries_are_deleted(app, lists, admin_client):
    for kind, entry_id in (
        ("types", lists.guide),
        ("issuers", lists.btg),
        ("signers", lists.hanh),
        ("fields", lists.security),
        ("fields", lists.media),
    ):
        response = admin_client.post(
            f"/admin/documents/lists/{kind}/{entry_id}/delete",
            data={"csrf_token": token(admin_client)},
        )
        assert response.status_code == 302
        assert flashes(admin_client.get(location_path(response)).text)[0].startswith("Đã xóa “")

    assert (
        count(app, DocumentType),
        count(app, Issuer),
        count(app, Signer),
        count(app, Field),
    ) == (1, 1, 1, 1)
    assert [(a, t) for a, t, *_ in audit_summary(app, "document_")] == [
        ("document_type.delete", "documenttype"),
        ("document_issuer.delete", "issuer"),
        ("document_signer.delete", "signer"),
        ("document_field.delete", "field"),
        ("document_field.delete", "field"),
    ]
    assert admin_client.get("/admin/documents/lists/nothing").status_code == 404
    assert admin_client.get("/admin/documents/lists/types/999").status_code == 404


# --- the audit log -------------------------------------------------------------------------------


def test_every_change_writes_an_audit_row(app, lists, publisher_user, admin_user):
    client = logged_in_client(app, publisher_user)
    send(client, "/admin/documents/new", form_data(lists), files=[(pdf_bytes(), "Tệp.pdf")])
    document = document_by_code(app, "118-HD/BTGTU")
    send(client, f"/admin/documents/{document.id}", form_data(lists, title="Tiêu đề đã sửa"))
    send(client, f"/admin/documents/{document.id}", form_data(lists, title="Tiêu đề đã sửa"))
    client.post(
        f"/admin/documents/{document.id}/files/{document.files[0].id}/remove",
        data={"csrf_token": token(client)},
    )
    admin_client = logged_in_client(app, admin_user)
    admin_client.post(
        "/admin/documents/lists/types", data={"csrf_token": token(admin_client), "name": "Chỉ thị"}
    )
    admin_client.post(
        f"/admin/documents/{document.id}/delete", data={"csrf_token": token(admin_client)}
    )

    rows = [row for row in audit_summary(app) if row[0].startswith("document")]
    doc, attached = str(document.id), str(document.files[0].id)
    assert rows[:5] == [
        ("document.create", "document", doc, "xuatban"),
        ("document.file_attach", "documentfile", attached, "xuatban"),
        ("document.update", "document", doc, "xuatban"),  # saving unchanged adds no row
        ("document.file_remove", "documentfile", attached, "xuatban"),
        ("document_type.create", "documenttype", rows[4][2], "quantri"),
    ]
    assert rows[5:] == [("document.delete", "document", doc, "quantri")]
    assert audit_detail(app, "document.update") == "title=Tiêu đề đã sửa"
    log = admin_client.get("/admin/audit").text
    assert "document.file_attach" in log and "Tiêu đề đã sửa" in log
