"""Documents administration, writing documents through the HTTP forms with their CSRF tokens:
creating and editing, publishing (and the sidebar that follows), deleting, the list.
"""

from __future__ import annotations

import html as htmllib
import re
from datetime import date

import pytest
from auth_helpers import location_path
from document_admin import (
    BTG,
    UBND,
    audit_detail,
    audit_summary,
    chosen,
    count,
    document_by_code,
    form_data,
    is_checked,
    labelled_options,
    send,
    sidebar_codes,
    stored_files,
    text_of,
)
from document_files import pdf_bytes
from pages import csrf_token_from, errors_next_to, flashes, value_of

from app.documents.models import Document, DocumentFile, DocumentType, Issuer
from app.documents.operations import create_document
from app.extensions import db

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- creating and editing ------------------------------------------------------------------------


def test_a_document_is_created_with_every_field_and_shown_to_readers(
    app, lists, make_document, admin_client
):
    older = make_document("12-HD/BTGTU", issued_on=date(2023, 5, 1))
    other = make_document("7-CV/BTGTU", issued_on=date(2023, 6, 1))

    response = send(
        admin_client,
        "/admin/documents/new",
        form_data(lists, replaces=[str(older.id)], related=[str(other.id)]),
    )

    assert response.status_code == 302, response.text
    document = document_by_code(app, "118-HD/BTGTU")
    assert location_path(response) == f"/admin/documents/{document.id}"
    assert "Đã lưu văn bản 118-HD/BTGTU." in flashes(admin_client.get(location_path(response)).text)
    assert (document.title, document.summary, document.body) == (
        "Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn",
        "Hướng dẫn nội dung, hình thức tuyên truyền trong quý.",
        "<p>Các cơ quan, đơn vị triển khai thực hiện.</p>",  # rich text: text is a paragraph
    )
    assert (document.type.name, document.issuer.name, document.signer.name) == (
        "Hướng dẫn",
        BTG,
        "Đoàn Thị Mỹ Hạnh",
    )
    assert sorted(f.name for f in document.fields) == ["An toàn thông tin", "Giáo dục - Đào tạo"]
    assert (document.issued_on, document.in_force_on, document.expires_on) == (
        date(2024, 3, 15),
        date(2024, 3, 20),
        date(2030, 12, 31),
    )
    assert [d.code for d in document.replaces] == ["12-HD/BTGTU"]
    assert [d.code for d in document.related] == ["7-CV/BTGTU"]
    assert document.published is True

    public = app.test_client().get("/van-ban/118-hd-btgtu")
    assert public.status_code == 200
    for text in (
        "Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn",
        "Phó Trưởng ban",
        "15/03/2024",
        "20/03/2024",
        "31/12/2030",
        "Văn bản này thay thế:",
        "12-HD/BTGTU",
        "Văn bản liên quan",
        "7-CV/BTGTU",
        "An toàn thông tin",
    ):
        assert text in public.text, text
    assert "Văn bản này đã được thay thế bởi:" in app.test_client().get(older.url).text
    assert "118-HD/BTGTU" in app.test_client().get("/van-ban/?q=huong+dan+tuyen+truyen").text


def test_the_edit_form_opens_with_every_stored_value(app, lists, make_document, admin_client):
    older = make_document("12-HD/BTGTU")
    send(
        admin_client,
        "/admin/documents/new",
        form_data(lists, replaces=[str(older.id)], related=[str(older.id)]),
    )
    document = document_by_code(app, "118-HD/BTGTU")

    page = admin_client.get(f"/admin/documents/{document.id}").text

    assert value_of(page, "code") == "118-HD/BTGTU"
    assert value_of(page, "title") == "Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn"
    assert text_of(page, "summary") == "Hướng dẫn nội dung, hình thức tuyên truyền trong quý."
    assert text_of(page, "body") == "<p>Các cơ quan, đơn vị triển khai thực hiện.</p>"
    assert chosen(page, "type") == [str(lists.guide)]
    assert chosen(page, "issuer") == [str(lists.btg)]
    assert chosen(page, "signer") == [str(lists.hanh)]
    assert sorted(chosen(page, "fields")) == sorted([str(lists.security), str(lists.education)])
    assert labelled_options(page, "fields")[str(lists.security)][0] == "— An toàn thông tin"
    assert (
        value_of(page, "issued_on"),
        value_of(page, "in_force_on"),
        value_of(page, "expires_on"),
    ) == ("15/03/2024", "20/03/2024", "31/12/2030")
    assert chosen(page, "replaces") == [str(older.id)]
    assert chosen(page, "related") == [str(older.id)]
    assert str(document.id) not in labelled_options(page, "replaces")  # never itself
    assert is_checked(page, "published")


def test_editing_changes_every_field(app, lists, make_document, admin_client):
    first, second = make_document("1-CV/TEST"), make_document("2-CV/TEST")
    made = make_document("118-HD/BTGTU", replaces=[first.id], type=lists.guide, signer=lists.hanh)

    response = send(
        admin_client,
        f"/admin/documents/{made.id}",
        form_data(
            lists,
            code="118-HD/BTGTU-SUA",
            title="Tiêu đề mới",
            summary="Trích yếu mới",
            body="Ghi chú mới",
            type=str(lists.dispatch),
            issuer=str(lists.ubnd),
            signer="0",
            fields=[str(lists.media)],
            issued_on="1/2/2024",
            in_force_on="",
            expires_on="01/02/2025",
            replaces=[str(second.id)],
            related=[str(first.id)],
            published=None,
        ),
    )

    assert response.status_code == 302, response.text
    document = document_by_code(app, "118-HD/BTGTU-SUA")
    assert document.id == made.id and document.slug == "118-hd-btgtu-sua"
    assert (document.title, document.summary, document.body) == (
        "Tiêu đề mới",
        "Trích yếu mới",
        "<p>Ghi chú mới</p>",
    )
    assert (document.type.name, document.issuer.name, document.signer) == ("Công văn", UBND, None)
    assert [f.name for f in document.fields] == ["Thông tin và Truyền thông"]
    assert (document.issued_on, document.in_force_on, document.expires_on) == (
        date(2024, 2, 1),
        None,
        date(2025, 2, 1),
    )
    assert [d.code for d in document.replaces] == ["2-CV/TEST"]
    assert [d.code for d in document.related] == ["1-CV/TEST"]
    assert document.published is False
    detail = audit_detail(app, "document.update")
    for part in (
        "code=118-HD/BTGTU-SUA",
        "title=Tiêu đề mới",
        "summary",
        "type=Công văn",
        "signer=",
        "issued_on=01/02/2024",
        "published=False",
        f"replaces={second.id}",
        f"related={first.id}",
    ):
        assert part in detail, (part, detail)
    assert "Trích yếu mới" not in detail  # long texts are named, not copied


def test_a_relation_stored_from_the_other_side_can_be_removed(
    app, lists, make_document, admin_client
):
    made = make_document("1-CV/TEST")
    with app.app_context():
        other = create_document(
            code="2-CV/TEST",
            title="Văn bản khác",
            type=db.session.get(DocumentType, lists.guide),
            issuer=db.session.get(Issuer, lists.btg),
            issued_on=date(2024, 2, 2),
            related=[db.session.get(Document, made.id)],
        )
        other_id = other.id
    page = admin_client.get(f"/admin/documents/{made.id}").text
    assert chosen(page, "related") == [str(other_id)]

    response = send(
        admin_client,
        f"/admin/documents/{made.id}",
        form_data(lists, code="1-CV/TEST", related=None),
    )

    assert response.status_code == 302
    assert document_by_code(app, "1-CV/TEST").related == []
    assert document_by_code(app, "2-CV/TEST").related == []


def test_a_duplicate_code_is_refused_next_to_the_field_keeping_what_was_typed(
    app, lists, make_document, admin_client
):
    make_document("118-HD/BTGTU", title="Văn bản đã có")
    other = make_document("7-CV/BTGTU")
    typed = form_data(
        lists,
        code="118-hd/btgtu",
        title="Tiêu đề <em>đã gõ</em>",
        related=[str(other.id)],
        expires_on="",
    )

    response = send(admin_client, "/admin/documents/new", typed)

    assert response.status_code == 400
    assert errors_next_to(response.text, "code") == [
        "Số ký hiệu đã được dùng cho văn bản “118-HD/BTGTU” (Văn bản đã có)."
    ]
    assert "Văn bản chưa được lưu: vui lòng sửa các lỗi bên dưới." in response.text
    page = response.text
    assert value_of(page, "code") == "118-hd/btgtu"
    assert value_of(page, "title") == "Tiêu đề <em>đã gõ</em>"
    assert "<em>đã gõ" not in page  # shown as text
    assert text_of(page, "summary") == typed["summary"]
    assert text_of(page, "body") == f"<p>{typed['body']}</p>"  # as the editor writes it
    assert chosen(page, "type") == [str(lists.guide)]
    assert chosen(page, "issuer") == [str(lists.btg)]
    assert chosen(page, "signer") == [str(lists.hanh)]
    assert sorted(chosen(page, "fields")) == sorted(typed["fields"])
    assert chosen(page, "related") == [str(other.id)]
    assert (value_of(page, "issued_on"), value_of(page, "in_force_on")) == (
        "15/03/2024",
        "20/03/2024",
    )
    assert is_checked(page, "published")
    assert count(app, Document) == 2
    assert audit_summary(app, "document") == []


def test_a_code_taken_by_another_document_is_refused_when_editing(
    app, lists, make_document, admin_client
):
    make_document("118-HD/BTGTU")
    made = make_document("119-HD/BTGTU")

    response = send(
        admin_client, f"/admin/documents/{made.id}", form_data(lists, code="118-HD/BTGTU")
    )

    assert response.status_code == 400
    assert errors_next_to(response.text, "code")[0].startswith(
        "Số ký hiệu đã được dùng cho văn bản"
    )
    assert document_by_code(app, "119-HD/BTGTU") is not None
    # Keeping its own code is no conflict.
    kept = send(admin_client, f"/admin/documents/{made.id}", form_data(lists, code="119-HD/BTGTU"))
    assert kept.status_code == 302


@pytest.mark.parametrize(
    ("field", "overrides", "message"),
    [
        ("code", {"code": ""}, "Nhập số ký hiệu."),
        ("code", {"code": "///"}, "Tên phải có ít nhất một chữ cái hoặc chữ số."),
        ("code", {"code": "X" * 61}, "Tối đa 60 ký tự."),
        ("title", {"title": "   "}, "Nhập tiêu đề."),
        ("issued_on", {"issued_on": ""}, "Nhập ngày ban hành."),
        (
            "issued_on",
            {"issued_on": "2024-03-15"},
            "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/2024.",
        ),
        (
            "issued_on",
            {"issued_on": "15/3/24"},
            "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/2024.",
        ),
        (
            "issued_on",
            {"issued_on": "١٥/٠٣/٢٠٢٤"},
            "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/2024.",
        ),
        ("issued_on", {"issued_on": "31/02/2024"}, "Ngày 31/02/2024 không có trong lịch."),
        ("issued_on", {"issued_on": "01/01/1800"}, "Năm phải trong khoảng 1900–2100."),
        (
            "in_force_on",
            {"in_force_on": "14/03/2024"},
            "Ngày có hiệu lực không được trước ngày ban hành.",
        ),
        (
            "expires_on",
            {"expires_on": "20/03/2024"},
            "Ngày hết hiệu lực phải sau ngày có hiệu lực.",
        ),
        (
            "expires_on",
            {"expires_on": "01/03/2024", "in_force_on": ""},
            "Ngày hết hiệu lực phải sau ngày ban hành.",
        ),
        ("type", {"type": "999"}, "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại."),
        ("signer", {"signer": "abc"}, "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại."),
        ("fields", {"fields": ["999"]}, "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại."),
    ],
)
def test_invalid_values_are_refused_in_vietnamese_next_to_their_field(
    app, lists, admin_client, field, overrides, message
):
    response = send(admin_client, "/admin/documents/new", form_data(lists, **overrides))

    assert response.status_code == 400
    assert errors_next_to(response.text, field) == [message]
    assert count(app, Document) == 0
    for name, typed in overrides.items():  # what was typed is shown again
        if name.endswith("_on") or name in ("code",):
            assert value_of(response.text, name) == typed


def test_dates_on_the_limits_are_accepted(app, lists, admin_client):
    response = send(
        admin_client,
        "/admin/documents/new",
        form_data(lists, issued_on="15/03/2024", in_force_on="15/03/2024", expires_on="16/03/2024"),
    )

    assert response.status_code == 302
    document = document_by_code(app, "118-HD/BTGTU")
    assert (document.in_force_on, document.expires_on) == (date(2024, 3, 15), date(2024, 3, 16))


def test_a_replacement_loop_is_refused(app, lists, make_document, admin_client):
    first = make_document("1-QD/TEST")
    second = make_document("2-QD/TEST", replaces=[first.id])
    third = make_document("3-QD/TEST", replaces=[second.id])

    response = send(
        admin_client,
        f"/admin/documents/{first.id}",
        form_data(lists, code="1-QD/TEST", replaces=[str(third.id)]),
    )

    assert response.status_code == 400
    assert errors_next_to(response.text, "replaces") == [
        "Không thể thay thế văn bản “3-QD/TEST”: văn bản đó đã thay thế (trực tiếp hoặc qua văn "
        "bản khác) văn bản đang sửa."
    ]
    assert chosen(response.text, "replaces") == [str(third.id)]
    assert document_by_code(app, "1-QD/TEST").replaces == []

    direct = send(
        admin_client,
        f"/admin/documents/{first.id}",
        form_data(lists, code="1-QD/TEST", replaces=[str(second.id)]),
    )
    assert direct.status_code == 400
    assert "“2-QD/TEST”" in errors_next_to(direct.text, "replaces")[0]

    itself = send(
        admin_client,
        f"/admin/documents/{first.id}",
        form_data(lists, code="1-QD/TEST", replaces=[str(first.id)]),
    )
    assert itself.status_code == 400
    assert errors_next_to(itself.text, "replaces") == [
        "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại."
    ]

    # Replacing a document outside the chain is fine.
    fourth = make_document("4-QD/TEST")
    fine = send(
        admin_client,
        f"/admin/documents/{third.id}",
        form_data(lists, code="3-QD/TEST", replaces=[str(second.id), str(fourth.id)]),
    )
    assert fine.status_code == 302
    assert sorted(d.code for d in document_by_code(app, "3-QD/TEST").replaces) == [
        "2-QD/TEST",
        "4-QD/TEST",
    ]


# --- publishing and the sidebar ------------------------------------------------------------------


def test_unpublishing_hides_the_document_and_empties_the_sidebar_at_once(
    app, lists, make_document, admin_client
):
    today = date.today()
    made = make_document("118-HD/BTGTU", issued_on=today, files=[(pdf_bytes(), "Tệp.pdf")])
    reader = app.test_client()
    assert sidebar_codes(reader.get("/").text) == ["118-HD/BTGTU"]
    cache = app.extensions["documents_newest"]
    with app.app_context():
        assert cache.get(5) == [made.id]  # cached for 30 s from now

    response = send(
        admin_client,
        f"/admin/documents/{made.id}",
        form_data(
            lists,
            issued_on=today.strftime("%d/%m/%Y"),
            in_force_on="",
            expires_on="",
            published=None,
        ),
    )

    assert response.status_code == 302
    assert reader.get(made.url).status_code == 404
    assert reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 404
    assert sidebar_codes(reader.get("/").text) == []
    assert "118-HD/BTGTU" not in reader.get("/van-ban/").text
    with app.app_context():
        assert cache.get(5) == []  # the live counters stop watching it too

    send(
        admin_client,
        f"/admin/documents/{made.id}",
        form_data(lists, issued_on=today.strftime("%d/%m/%Y"), in_force_on="", expires_on=""),
    )
    assert reader.get(made.url).status_code == 200
    assert sidebar_codes(reader.get("/").text) == ["118-HD/BTGTU"]
    with app.app_context():
        assert cache.get(5) == [made.id]


def test_a_new_published_document_enters_the_sidebar_at_once(
    app, lists, make_document, admin_client
):
    make_document("1-CV/TEST", issued_on=date(2024, 1, 1))
    cache = app.extensions["documents_newest"]
    with app.app_context():
        before = cache.get(5)

    send(
        admin_client,
        "/admin/documents/new",
        form_data(lists, issued_on="02/01/2024", in_force_on="", expires_on=""),
    )

    created = document_by_code(app, "118-HD/BTGTU")
    with app.app_context():
        assert cache.get(5) == [created.id, *before]
    assert sidebar_codes(app.test_client().get("/").text) == ["118-HD/BTGTU", "1-CV/TEST"]


# --- deleting ------------------------------------------------------------------------------------


def test_an_administrator_deletes_a_document_after_confirming(
    app, lists, make_document, admin_client
):
    older = make_document("1-CV/TEST")
    made = make_document("118-HD/BTGTU", replaces=[older.id], files=[(pdf_bytes(), "Tệp.pdf")])
    newer = make_document("200-HD/BTGTU", replaces=[made.id])
    with app.app_context():
        newer_doc = db.session.get(Document, newer.id)
        newer_doc.related_to = [db.session.get(Document, made.id)]
        db.session.commit()

    confirm = admin_client.get(f"/admin/documents/{made.id}/delete")
    assert confirm.status_code == 200
    assert "Bạn có chắc muốn xóa văn bản" in confirm.text
    assert count(app, Document) == 3  # a GET deletes nothing

    response = admin_client.post(
        f"/admin/documents/{made.id}/delete", data={"csrf_token": csrf_token_from(confirm.text)}
    )

    assert response.status_code == 302
    assert location_path(response) == "/admin/documents/"
    assert "Đã xóa văn bản 118-HD/BTGTU." in flashes(admin_client.get("/admin/documents/").text)
    assert document_by_code(app, "118-HD/BTGTU") is None
    assert count(app, DocumentFile) == 0 and stored_files(app) == []
    remaining = document_by_code(app, "200-HD/BTGTU")
    assert remaining.replaces == [] and remaining.related == []
    assert document_by_code(app, "1-CV/TEST") is not None
    reader = app.test_client()
    assert reader.get(made.url).status_code == 404
    assert reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 404
    assert reader.get(newer.url).status_code == 200
    assert audit_summary(app, "document.delete") == [
        ("document.delete", "document", str(made.id), "quantri")
    ]


# --- the list of documents -----------------------------------------------------------------------


def listed(page: str) -> list[str]:
    body = page.split('<table class="doc-table admin-documents">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", body, re.S)
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", r)).strip() for r in rows]


def test_the_list_searches_filters_and_pages(app, lists, make_document, admin_client):
    make_document(
        "118-HD/BTGTU",
        title="Hướng dẫn tuyên truyền",
        type=lists.guide,
        issued_on=date(2024, 3, 15),
    )
    make_document(
        "1383-CV/BTGTU",
        title="Về việc định hướng thông tin",
        published=False,
        issued_on=date(2024, 6, 20),
    )
    for n in range(1, 27):
        make_document(f"{n}/TB-UBND", title=f"Thông báo số {n}", issued_on=date(2023, 1, n))

    everything = admin_client.get("/admin/documents/").text
    assert listed(everything)[:3] == ["1383-CV/BTGTU", "118-HD/BTGTU", "26/TB-UBND"]
    assert len(listed(everything)) == 25 and "Có 28 văn bản." in everything
    assert 'rel="next" href="/admin/documents/?page=2"' in everything
    assert listed(admin_client.get("/admin/documents/?page=2").text) == [
        "3/TB-UBND",
        "2/TB-UBND",
        "1/TB-UBND",
    ]
    assert admin_client.get("/admin/documents/?page=9").status_code == 404

    def codes(query: str) -> list[str]:
        response = admin_client.get("/admin/documents/?" + query)
        assert response.status_code == 200
        return listed(response.text)

    assert codes("q=huong+dan") == ["118-HD/BTGTU"]
    assert codes("q=1383-cv") == ["1383-CV/BTGTU"]
    assert codes("q=dinh+huong") == ["1383-CV/BTGTU"]  # unpublished ones are found too
    assert codes("q=%25") == []
    assert codes(f"loai={lists.guide}") == ["118-HD/BTGTU"]
    assert codes("trang-thai=chua-cong-bo") == ["1383-CV/BTGTU"]
    assert len(codes("trang-thai=da-cong-bo&q=thong+bao")) == 25
    assert codes(f"trang-thai=da-cong-bo&loai={lists.guide}&q=118") == ["118-HD/BTGTU"]
    paged = admin_client.get("/admin/documents/?trang-thai=da-cong-bo&q=thong+bao").text
    assert "page=2" in paged and "trang-thai=da-cong-bo" in paged.split('rel="next"', 1)[1][:200]
    assert admin_client.get("/admin/documents/?loai=abc&trang-thai=x").status_code == 200
    assert admin_client.get("/admin/documents/?page=abc").status_code == 400  # as every list


def test_titles_are_shown_as_text_in_the_list(app, lists, make_document, admin_client):
    make_document("1-CV/TEST", title='<script>alert("x")</script>')

    page = admin_client.get("/admin/documents/").text

    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;alert(" in page
