"""The documents administration (issue 6, "Documents"): documents created, edited, published
and deleted through the HTTP forms with their CSRF tokens; files attached with the same
content checks as the public download path and removed from disk; the type, issuer, signer
and field lists; who may do what; and an audit row for every change.

No application context stays pushed while requests run (Flask would reuse it, and `g`, where
Flask-Login caches the user, would leak between requests); the statistics thread is off.
"""

from __future__ import annotations

import html as htmllib
import io
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from auth_helpers import (
    Account,
    is_login_redirect,
    location_path,
    logged_in_client,
    new_account,
)
from pages import csrf_token_from, flashes
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.documents.models import (
    Document,
    DocumentFile,
    DocumentType,
    Field,
    Issuer,
    Signer,
)
from app.documents.operations import (
    attach_file,
    create_document,
    get_or_create_field,
    get_or_create_issuer,
    get_or_create_signer,
    get_or_create_type,
)
from app.extensions import db

BTG = "Ban Tuyên giáo Tỉnh ủy"
UBND = "UBND tỉnh An Hòa"
GUIDE_DISPOSITION = (
    'attachment; filename="Huong dan so 118.pdf"; '
    "filename*=UTF-8''H%C6%B0%E1%BB%9Bng%20d%E1%BA%ABn%20s%E1%BB%91%20118.pdf"
)
NOT_A_DOCUMENT = "Chỉ chấp nhận tệp PDF, DOC, DOCX, XLS, XLSX, ODT, ODS."
OLD_OFFICE = "Tệp Office đời cũ phải có đuôi .doc hoặc .xls."
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def pdf_bytes(text: str = "Văn bản", size: int = 0) -> bytes:
    return (b"%PDF-1.4\n" + text.encode() + b"\ntrailer<<>>\n%%EOF\n").ljust(size, b" ")


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def app(make_contextless_app):
    return make_contextless_app()


def add_user(app, username: str, role: Role = Role.EDITOR, **fields) -> Account:
    with app.app_context():
        return new_account(username, role=role, **fields)


@pytest.fixture
def admin(app) -> Account:
    return add_user(app, "quantri", Role.ADMIN, display_name="Quản trị")


@pytest.fixture
def editor(app) -> Account:
    """An editor without the right to publish."""
    return add_user(app, "bientap", display_name="Biên tập viên Hoa")


@pytest.fixture
def publisher(app) -> Account:
    return add_user(app, "xuatban", display_name="Biên tập viên Lan", can_publish=True)


@pytest.fixture
def manager(app, admin):
    return logged_in_client(app, admin)


def token(client, path: str = "/admin/documents/") -> str:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_token_from(response.text)


@dataclass(frozen=True)
class Lists:
    guide: int  # type "Hướng dẫn"
    dispatch: int  # type "Công văn"
    btg: int
    ubnd: int
    hanh: int  # signer
    vinh: int
    media: int  # field "Thông tin và Truyền thông"
    security: int  # its child "An toàn thông tin"
    education: int


@pytest.fixture
def lists(app) -> Lists:
    with app.app_context():
        media = get_or_create_field("Thông tin và Truyền thông")
        db.session.flush()
        made = Lists(
            guide=get_or_create_type("Hướng dẫn", 1),
            dispatch=get_or_create_type("Công văn", 2),
            btg=get_or_create_issuer(BTG),
            ubnd=get_or_create_issuer(UBND),
            hanh=get_or_create_signer("Đoàn Thị Mỹ Hạnh", "Phó Trưởng ban"),
            vinh=get_or_create_signer("Trần Quang Vịnh", "Trưởng ban"),
            media=media,
            security=get_or_create_field("An toàn thông tin", parent=media),
            education=get_or_create_field("Giáo dục - Đào tạo"),
        )
        db.session.commit()
        return Lists(**{name: getattr(made, name).id for name in Lists.__dataclass_fields__})


@dataclass(frozen=True)
class Made:
    id: int
    code: str
    slug: str
    files: tuple[int, ...]

    @property
    def url(self) -> str:
        return f"/van-ban/{self.slug}"


@pytest.fixture
def make_document(app, lists):
    """A document written straight through the services (not the admin forms)."""
    counter = iter(range(1, 1000))

    def factory(
        code: str | None = None, *, files=(), replaces=(), signer: int | None = None, **values
    ) -> Made:
        n = next(counter)
        with app.app_context():
            values.setdefault("title", f"Văn bản thử nghiệm số {n}")
            values.setdefault("summary", f"Trích yếu văn bản số {n}.")
            values.setdefault("issued_on", date(2024, 1, 1 + n))
            document = create_document(
                code=code or f"{n}-CV/TEST",
                type=db.session.get(DocumentType, values.pop("type", lists.dispatch)),
                issuer=db.session.get(Issuer, values.pop("issuer", lists.btg)),
                signer=db.session.get(Signer, signer) if signer else None,
                replaces=[db.session.get(Document, r) for r in replaces],
                **values,
            )
            attached = [attach_file(document, io.BytesIO(data), name) for data, name in files]
            return Made(document.id, document.code, document.slug, tuple(a.id for a in attached))

    return factory


def form_data(lists: Lists, **overrides) -> dict:
    """Everything the document form asks for, as a browser sends it; None leaves a field out
    (an unticked box, an empty multi-select)."""
    data = {
        "code": "118-HD/BTGTU",
        "title": "Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn",
        "summary": "Hướng dẫn nội dung, hình thức tuyên truyền trong quý.",
        "body": "Các cơ quan, đơn vị triển khai thực hiện.",
        "type": str(lists.guide),
        "issuer": str(lists.btg),
        "signer": str(lists.hanh),
        "fields": [str(lists.security), str(lists.education)],
        "issued_on": "15/03/2024",
        "in_force_on": "20/03/2024",
        "expires_on": "31/12/2030",
        "published": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def send(client, path: str, data: dict, files=None, csrf: bool = True):
    """POST a form as the browser would: multipart, with the page's CSRF token."""
    body = dict(data)
    if csrf:
        body["csrf_token"] = token(client)
    if files is not None:
        body["files"] = [(io.BytesIO(content), name) for content, name in files]
    return client.post(path, data=body, content_type="multipart/form-data")


# --- reading pages -------------------------------------------------------------------------------


def errors_of(page: str, name: str) -> list[str]:
    """The error messages shown next to the form field `name`."""
    for block in re.findall(r'<div class="form-field[^"]*">(.*?)</div>', page, re.S):
        if re.search(rf'name="{re.escape(name)}"', block):
            found = re.findall(r'<p class="field-error" role="alert">(.*?)</p>', block, re.S)
            return [htmllib.unescape(e) for e in found]
    raise AssertionError(f"no field {name} on the page")


def value_of(page: str, name: str) -> str | None:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no input {name}"
    value = re.search(r'value="([^"]*)"', tag.group(0))
    return htmllib.unescape(value.group(1)) if value else None


def text_of(page: str, name: str) -> str:
    area = re.search(rf'<textarea[^>]*name="{re.escape(name)}"[^>]*>(.*?)</textarea>', page, re.S)
    assert area, f"no textarea {name}"
    return htmllib.unescape(area.group(1)).strip()


def options_of(page: str, name: str) -> dict[str, tuple[str, bool]]:
    """value -> (label, selected) of the select `name`."""
    select_ = re.search(rf'<select[^>]*name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.S)
    assert select_, f"no select {name}"
    found = {}
    for attrs, label in re.findall(r"<option([^>]*)>([^<]*)</option>", select_.group(1)):
        value = re.search(r'value="([^"]*)"', attrs).group(1)
        found[value] = (htmllib.unescape(label), bool(re.search(r"\bselected\b", attrs)))
    return found


def chosen(page: str, name: str) -> list[str]:
    return [value for value, (_, on) in options_of(page, name).items() if on]


def is_checked(page: str, name: str) -> bool:
    tag = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', page)
    assert tag, f"no checkbox {name}"
    return bool(re.search(r"\bchecked\b", tag.group(0)))


def sidebar_codes(page: str) -> list[str]:
    match = re.search(r'<section class="block block-documents">(.*?)</section>', page, re.S)
    if not match:
        return []
    found = re.findall(r'class="doc-code"[^>]*>(.*?)</a>', match.group(1), re.S)
    return [htmllib.unescape(code).strip() for code in found]


def document_by_code(app, code: str) -> Document | None:
    with app.app_context():
        document = db.session.scalar(select(Document).where(Document.code == code))
        if document is not None:
            for name in ("type", "issuer", "signer", "fields", "replaces", "related", "files"):
                getattr(document, name)
            for item in document.related:
                _ = item.code
            db.session.expunge_all()
        return document


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def audit_rows(app, prefix: str = "") -> list[tuple[str, str, str, str]]:
    """(action, object type, object id, username) of the audit rows, oldest first."""
    with app.app_context():
        stmt = select(AuditEntry).order_by(AuditEntry.id)
        if prefix:
            stmt = stmt.where(AuditEntry.action.startswith(prefix))
        return [
            (r.action, r.object_type, r.object_id, r.username) for r in db.session.scalars(stmt)
        ]


def audit_detail(app, action: str) -> str:
    with app.app_context():
        stmt = select(AuditEntry.detail).where(AuditEntry.action == action)
        return db.session.scalars(stmt.order_by(AuditEntry.id.desc())).first()


def stored_files(app) -> list[str]:
    folder = Path(app.instance_path) / "uploads" / "documents"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


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


def test_editors_manage_documents_but_not_the_lists(app, lists, make_document, editor):
    made = make_document(published=False)
    client = logged_in_client(app, editor)

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


def test_the_admin_menu_offers_the_lists_to_administrators_only(app, admin, editor):
    def menu(account):
        page = logged_in_client(app, account).get("/admin/").text
        return re.search(r'<nav class="block admin-nav".*?</nav>', page, re.S).group(0)

    assert 'href="/admin/documents/">Văn bản<' in menu(editor)
    assert "Danh mục văn bản" not in menu(editor)
    assert 'href="/admin/documents/lists">Danh mục văn bản<' in menu(admin)


def test_an_editor_without_the_publish_right_saves_unpublished_documents(app, lists, editor):
    client = logged_in_client(app, editor)
    page = client.get("/admin/documents/new").text
    assert not is_checked(page, "published")
    assert re.search(r'<input[^>]*disabled[^>]*name="published"', page)

    refused = send(client, "/admin/documents/new", form_data(lists))

    assert refused.status_code == 400
    assert errors_of(refused.text, "published") == [
        "Bạn chưa có quyền công bố văn bản: hãy bỏ chọn ô này để lưu văn bản chờ quản trị viên "
        "duyệt và công bố."
    ]
    assert count(app, Document) == 0

    saved = send(client, "/admin/documents/new", form_data(lists, published=None))

    assert saved.status_code == 302
    document = document_by_code(app, "118-HD/BTGTU")
    assert document.published is False
    assert app.test_client().get(f"/van-ban/{document.slug}").status_code == 404


def test_only_publishers_change_a_published_document(app, lists, make_document, editor, publisher):
    made = make_document("5/TB-UBND", files=[(pdf_bytes(), "Tệp.pdf")])
    client = logged_in_client(app, editor)

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
        logged_in_client(app, publisher),
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
    app, lists, make_document, editor, manager
):
    replaced = make_document("7/QĐ-UBND", title="Quyết định cũ về tiếp dân")
    related = make_document("8/KH-UBND", title="Kế hoạch tiếp dân")
    client = logged_in_client(app, editor)
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
        manager,
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


def test_the_editor_without_the_publish_right_is_told_when_links_show(app, editor):
    page = logged_in_client(app, editor).get("/admin/documents/new").text

    assert "chỉ hiện trên trang sau khi văn bản này được duyệt và công bố" in page


# --- CSRF ----------------------------------------------------------------------------------------


def test_posts_without_the_csrf_token_are_refused(app, lists, make_document, manager):
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
        response = send(manager, path, data, csrf=False)
        assert response.status_code == 400, path
        assert "Yêu cầu không hợp lệ" in response.text

    assert count(app, Document) == 1 and count(app, DocumentFile) == 1
    assert len(stored_files(app)) == 1
    assert count(app, DocumentType) == 2 and count(app, Field) == 3
    assert document_by_code(app, made.code).title != "Giả mạo"
    assert audit_rows(app, "document") == []


# --- creating and editing ------------------------------------------------------------------------


def test_a_document_is_created_with_every_field_and_shown_to_readers(
    app, lists, make_document, manager
):
    older = make_document("12-HD/BTGTU", issued_on=date(2023, 5, 1))
    other = make_document("7-CV/BTGTU", issued_on=date(2023, 6, 1))

    response = send(
        manager,
        "/admin/documents/new",
        form_data(lists, replaces=[str(older.id)], related=[str(other.id)]),
    )

    assert response.status_code == 302, response.text
    document = document_by_code(app, "118-HD/BTGTU")
    assert location_path(response) == f"/admin/documents/{document.id}"
    assert "Đã lưu văn bản 118-HD/BTGTU." in flashes(manager.get(location_path(response)).text)
    assert (document.title, document.summary, document.body) == (
        "Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn",
        "Hướng dẫn nội dung, hình thức tuyên truyền trong quý.",
        "Các cơ quan, đơn vị triển khai thực hiện.",
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


def test_the_edit_form_opens_with_every_stored_value(app, lists, make_document, manager):
    older = make_document("12-HD/BTGTU")
    send(
        manager,
        "/admin/documents/new",
        form_data(lists, replaces=[str(older.id)], related=[str(older.id)]),
    )
    document = document_by_code(app, "118-HD/BTGTU")

    page = manager.get(f"/admin/documents/{document.id}").text

    assert value_of(page, "code") == "118-HD/BTGTU"
    assert value_of(page, "title") == "Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn"
    assert text_of(page, "summary") == "Hướng dẫn nội dung, hình thức tuyên truyền trong quý."
    assert text_of(page, "body") == "Các cơ quan, đơn vị triển khai thực hiện."
    assert chosen(page, "type") == [str(lists.guide)]
    assert chosen(page, "issuer") == [str(lists.btg)]
    assert chosen(page, "signer") == [str(lists.hanh)]
    assert sorted(chosen(page, "fields")) == sorted([str(lists.security), str(lists.education)])
    assert options_of(page, "fields")[str(lists.security)][0] == "— An toàn thông tin"
    assert (
        value_of(page, "issued_on"),
        value_of(page, "in_force_on"),
        value_of(page, "expires_on"),
    ) == ("15/03/2024", "20/03/2024", "31/12/2030")
    assert chosen(page, "replaces") == [str(older.id)]
    assert chosen(page, "related") == [str(older.id)]
    assert str(document.id) not in options_of(page, "replaces")  # never itself
    assert is_checked(page, "published")


def test_editing_changes_every_field(app, lists, make_document, manager):
    first, second = make_document("1-CV/TEST"), make_document("2-CV/TEST")
    made = make_document("118-HD/BTGTU", replaces=[first.id], type=lists.guide, signer=lists.hanh)

    response = send(
        manager,
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
        "Ghi chú mới",
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


def test_a_relation_stored_from_the_other_side_can_be_removed(app, lists, make_document, manager):
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
    page = manager.get(f"/admin/documents/{made.id}").text
    assert chosen(page, "related") == [str(other_id)]

    response = send(
        manager, f"/admin/documents/{made.id}", form_data(lists, code="1-CV/TEST", related=None)
    )

    assert response.status_code == 302
    assert document_by_code(app, "1-CV/TEST").related == []
    assert document_by_code(app, "2-CV/TEST").related == []


def test_a_duplicate_code_is_refused_next_to_the_field_keeping_what_was_typed(
    app, lists, make_document, manager
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

    response = send(manager, "/admin/documents/new", typed)

    assert response.status_code == 400
    assert errors_of(response.text, "code") == [
        "Số ký hiệu đã được dùng cho văn bản “118-HD/BTGTU” (Văn bản đã có)."
    ]
    assert "Văn bản chưa được lưu: vui lòng sửa các lỗi bên dưới." in response.text
    page = response.text
    assert value_of(page, "code") == "118-hd/btgtu"
    assert value_of(page, "title") == "Tiêu đề <em>đã gõ</em>"
    assert "<em>đã gõ" not in page  # shown as text
    assert text_of(page, "summary") == typed["summary"]
    assert text_of(page, "body") == typed["body"]
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
    assert audit_rows(app, "document") == []


def test_a_code_taken_by_another_document_is_refused_when_editing(
    app, lists, make_document, manager
):
    make_document("118-HD/BTGTU")
    made = make_document("119-HD/BTGTU")

    response = send(manager, f"/admin/documents/{made.id}", form_data(lists, code="118-HD/BTGTU"))

    assert response.status_code == 400
    assert errors_of(response.text, "code")[0].startswith("Số ký hiệu đã được dùng cho văn bản")
    assert document_by_code(app, "119-HD/BTGTU") is not None
    # Keeping its own code is no conflict.
    kept = send(manager, f"/admin/documents/{made.id}", form_data(lists, code="119-HD/BTGTU"))
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
    app, lists, manager, field, overrides, message
):
    response = send(manager, "/admin/documents/new", form_data(lists, **overrides))

    assert response.status_code == 400
    assert errors_of(response.text, field) == [message]
    assert count(app, Document) == 0
    for name, typed in overrides.items():  # what was typed is shown again
        if name.endswith("_on") or name in ("code",):
            assert value_of(response.text, name) == typed


def test_dates_on_the_limits_are_accepted(app, lists, manager):
    response = send(
        manager,
        "/admin/documents/new",
        form_data(lists, issued_on="15/03/2024", in_force_on="15/03/2024", expires_on="16/03/2024"),
    )

    assert response.status_code == 302
    document = document_by_code(app, "118-HD/BTGTU")
    assert (document.in_force_on, document.expires_on) == (date(2024, 3, 15), date(2024, 3, 16))


def test_a_replacement_loop_is_refused(app, lists, make_document, manager):
    first = make_document("1-QD/TEST")
    second = make_document("2-QD/TEST", replaces=[first.id])
    third = make_document("3-QD/TEST", replaces=[second.id])

    response = send(
        manager,
        f"/admin/documents/{first.id}",
        form_data(lists, code="1-QD/TEST", replaces=[str(third.id)]),
    )

    assert response.status_code == 400
    assert errors_of(response.text, "replaces") == [
        "Không thể thay thế văn bản “3-QD/TEST”: văn bản đó đã thay thế (trực tiếp hoặc qua văn "
        "bản khác) văn bản đang sửa."
    ]
    assert chosen(response.text, "replaces") == [str(third.id)]
    assert document_by_code(app, "1-QD/TEST").replaces == []

    direct = send(
        manager,
        f"/admin/documents/{first.id}",
        form_data(lists, code="1-QD/TEST", replaces=[str(second.id)]),
    )
    assert direct.status_code == 400
    assert "“2-QD/TEST”" in errors_of(direct.text, "replaces")[0]

    itself = send(
        manager,
        f"/admin/documents/{first.id}",
        form_data(lists, code="1-QD/TEST", replaces=[str(first.id)]),
    )
    assert itself.status_code == 400
    assert errors_of(itself.text, "replaces") == [
        "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại."
    ]

    # Replacing a document outside the chain is fine.
    fourth = make_document("4-QD/TEST")
    fine = send(
        manager,
        f"/admin/documents/{third.id}",
        form_data(lists, code="3-QD/TEST", replaces=[str(second.id), str(fourth.id)]),
    )
    assert fine.status_code == 302
    assert sorted(d.code for d in document_by_code(app, "3-QD/TEST").replaces) == [
        "2-QD/TEST",
        "4-QD/TEST",
    ]


# --- files ---------------------------------------------------------------------------------------


def test_an_attached_pdf_is_downloaded_by_readers_under_its_name(app, lists, manager):
    content = pdf_bytes("Hướng dẫn số 118")

    response = send(
        manager,
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
    page = manager.get(f"/admin/documents/{document.id}").text
    assert "Hướng dẫn số 118.pdf" in page and "Gỡ tệp" in page
    actions = [row[0] for row in audit_rows(app, "document")]
    assert actions == ["document.create", "document.file_attach", "document.file_attach"]


def test_files_are_attached_when_editing_too(app, lists, make_document, manager):
    made = make_document("118-HD/BTGTU", files=[(pdf_bytes("một"), "Một.pdf")])

    response = send(
        manager,
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
        (OLE2 + bytes(600), "Công văn.pdf", OLD_OFFICE),
        (OLE2 + bytes(600), "Công văn.docx", OLD_OFFICE),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(app, lists, manager, content, name, message):
    response = send(
        manager,
        "/admin/documents/new",
        form_data(lists),
        files=[(pdf_bytes(), "Đúng.pdf"), (content, name)],
    )

    assert response.status_code == 400
    assert errors_of(response.text, "files") == [f"{name}: {message}"]
    assert "Tệp đính kèm cần được chọn lại." in response.text
    assert value_of(response.text, "code") == "118-HD/BTGTU"  # the rest is kept
    assert count(app, Document) == 0 and count(app, DocumentFile) == 0
    assert stored_files(app) == []  # the good file stored first is gone again
    assert audit_rows(app, "document") == []


def test_a_refused_file_when_editing_saves_nothing(app, lists, make_document, manager):
    made = make_document("118-HD/BTGTU", title="Tiêu đề cũ")

    response = send(
        manager,
        f"/admin/documents/{made.id}",
        form_data(lists, title="Tiêu đề mới"),
        files=[(b"plain text", "Giả.pdf")],
    )

    assert response.status_code == 400
    assert errors_of(response.text, "files") == [f"Giả.pdf: {NOT_A_DOCUMENT}"]
    assert value_of(response.text, "title") == "Tiêu đề mới"
    assert document_by_code(app, "118-HD/BTGTU").title == "Tiêu đề cũ"
    assert stored_files(app) == []


def test_an_old_word_file_with_its_own_extension_is_accepted(app, lists, manager):
    response = send(
        manager,
        "/admin/documents/new",
        form_data(lists),
        files=[(OLE2 + bytes(600), "Công văn cũ.doc")],
    )

    assert response.status_code == 302
    (attached,) = document_by_code(app, "118-HD/BTGTU").files
    assert (attached.original_name, attached.content_type) == (
        "Công văn cũ.doc",
        "application/msword",
    )


def test_a_file_over_the_document_limit_is_refused(make_contextless_app, lists_for):
    app = make_contextless_app(DOCUMENT_MAX_BYTES=2000)
    lists, manager = lists_for(app)

    response = send(
        manager,
        "/admin/documents/new",
        form_data(lists),
        files=[(pdf_bytes(size=2001), "Quá lớn.pdf")],
    )

    assert response.status_code == 400
    (error,) = errors_of(response.text, "files")
    assert error.startswith("Quá lớn.pdf: Tệp vượt quá dung lượng cho phép")
    assert count(app, Document) == 0 and stored_files(app) == []

    at_limit = send(
        manager,
        "/admin/documents/new",
        form_data(lists),
        files=[(pdf_bytes(size=2000), "Vừa đủ.pdf")],
    )
    assert at_limit.status_code == 302
    assert document_by_code(app, "118-HD/BTGTU").files[0].size == 2000


def test_a_request_over_the_size_limit_gets_the_413_page(make_contextless_app, lists_for):
    app = make_contextless_app(MAX_CONTENT_LENGTH=20_000)
    lists, manager = lists_for(app)

    response = send(
        manager,
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


def test_a_removed_file_leaves_the_disk_and_its_download(app, lists, make_document, manager):
    made = make_document(
        "118-HD/BTGTU", files=[(pdf_bytes("một"), "Một.pdf"), (pdf_bytes("hai"), "Hai.pdf")]
    )
    with app.app_context():
        gone = db.session.get(DocumentFile, made.files[0]).stored_name
    assert gone in stored_files(app)
    reader = app.test_client()
    assert reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 200

    response = manager.post(
        f"/admin/documents/{made.id}/files/{made.files[0]}/remove",
        data={"csrf_token": token(manager)},
    )

    assert response.status_code == 302
    assert "Đã gỡ tệp Một.pdf." in flashes(manager.get(location_path(response)).text)
    assert gone not in stored_files(app) and len(stored_files(app)) == 1
    assert reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 404
    assert reader.get(f"/van-ban/tep/{made.files[1]}", buffered=True).status_code == 200
    assert [f.original_name for f in document_by_code(app, "118-HD/BTGTU").files] == ["Hai.pdf"]
    assert audit_rows(app, "document.file_remove") == [
        ("document.file_remove", "documentfile", str(made.files[0]), "quantri")
    ]


def test_a_file_is_removed_only_through_its_own_document(app, make_document, manager):
    one = make_document(files=[(pdf_bytes(), "Một.pdf")])
    two = make_document()

    response = manager.post(
        f"/admin/documents/{two.id}/files/{one.files[0]}/remove",
        data={"csrf_token": token(manager)},
    )

    assert response.status_code == 404
    assert count(app, DocumentFile) == 1 and len(stored_files(app)) == 1
    assert manager.get(f"/admin/documents/{one.id}/files/{one.files[0]}/remove").status_code == 405


# --- publishing and the sidebar ------------------------------------------------------------------


def test_unpublishing_hides_the_document_and_empties_the_sidebar_at_once(
    app, lists, make_document, manager
):
    today = date.today()
    made = make_document("118-HD/BTGTU", issued_on=today, files=[(pdf_bytes(), "Tệp.pdf")])
    reader = app.test_client()
    assert sidebar_codes(reader.get("/").text) == ["118-HD/BTGTU"]
    cache = app.extensions["documents_newest"]
    with app.app_context():
        assert cache.get(5) == [made.id]  # cached for 30 s from now

    response = send(
        manager,
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
        manager,
        f"/admin/documents/{made.id}",
        form_data(lists, issued_on=today.strftime("%d/%m/%Y"), in_force_on="", expires_on=""),
    )
    assert reader.get(made.url).status_code == 200
    assert sidebar_codes(reader.get("/").text) == ["118-HD/BTGTU"]
    with app.app_context():
        assert cache.get(5) == [made.id]


def test_a_new_published_document_enters_the_sidebar_at_once(app, lists, make_document, manager):
    make_document("1-CV/TEST", issued_on=date(2024, 1, 1))
    cache = app.extensions["documents_newest"]
    with app.app_context():
        before = cache.get(5)

    send(
        manager,
        "/admin/documents/new",
        form_data(lists, issued_on="02/01/2024", in_force_on="", expires_on=""),
    )

    created = document_by_code(app, "118-HD/BTGTU")
    with app.app_context():
        assert cache.get(5) == [created.id, *before]
    assert sidebar_codes(app.test_client().get("/").text) == ["118-HD/BTGTU", "1-CV/TEST"]


# --- deleting ------------------------------------------------------------------------------------


def test_an_administrator_deletes_a_document_after_confirming(app, lists, make_document, manager):
    older = make_document("1-CV/TEST")
    made = make_document("118-HD/BTGTU", replaces=[older.id], files=[(pdf_bytes(), "Tệp.pdf")])
    newer = make_document("200-HD/BTGTU", replaces=[made.id])
    with app.app_context():
        newer_doc = db.session.get(Document, newer.id)
        newer_doc.related_to = [db.session.get(Document, made.id)]
        db.session.commit()

    confirm = manager.get(f"/admin/documents/{made.id}/delete")
    assert confirm.status_code == 200
    assert "Bạn có chắc muốn xóa văn bản" in confirm.text
    assert count(app, Document) == 3  # a GET deletes nothing

    response = manager.post(
        f"/admin/documents/{made.id}/delete", data={"csrf_token": csrf_token_from(confirm.text)}
    )

    assert response.status_code == 302
    assert location_path(response) == "/admin/documents/"
    assert "Đã xóa văn bản 118-HD/BTGTU." in flashes(manager.get("/admin/documents/").text)
    assert document_by_code(app, "118-HD/BTGTU") is None
    assert count(app, DocumentFile) == 0 and stored_files(app) == []
    remaining = document_by_code(app, "200-HD/BTGTU")
    assert remaining.replaces == [] and remaining.related == []
    assert document_by_code(app, "1-CV/TEST") is not None
    reader = app.test_client()
    assert reader.get(made.url).status_code == 404
    assert reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 404
    assert reader.get(newer.url).status_code == 200
    assert audit_rows(app, "document.delete") == [
        ("document.delete", "document", str(made.id), "quantri")
    ]


# --- the list of documents -----------------------------------------------------------------------


def listed(page: str) -> list[str]:
    body = page.split('<table class="doc-table admin-documents">', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr>\s*<td>(.*?)</td>", body, re.S)
    return [htmllib.unescape(re.sub(r"<[^>]+>", "", r)).strip() for r in rows]


def test_the_list_searches_filters_and_pages(app, lists, make_document, manager):
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

    everything = manager.get("/admin/documents/").text
    assert listed(everything)[:3] == ["1383-CV/BTGTU", "118-HD/BTGTU", "26/TB-UBND"]
    assert len(listed(everything)) == 25 and "Có 28 văn bản." in everything
    assert 'rel="next" href="/admin/documents/?page=2"' in everything
    assert listed(manager.get("/admin/documents/?page=2").text) == [
        "3/TB-UBND",
        "2/TB-UBND",
        "1/TB-UBND",
    ]
    assert manager.get("/admin/documents/?page=9").status_code == 404

    def codes(query: str) -> list[str]:
        response = manager.get("/admin/documents/?" + query)
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
    paged = manager.get("/admin/documents/?trang-thai=da-cong-bo&q=thong+bao").text
    assert "page=2" in paged and "trang-thai=da-cong-bo" in paged.split('rel="next"', 1)[1][:200]
    assert manager.get("/admin/documents/?loai=abc&trang-thai=x").status_code == 200
    assert manager.get("/admin/documents/?page=abc").status_code == 400  # as every list


def test_titles_are_shown_as_text_in_the_list(app, lists, make_document, manager):
    make_document("1-CV/TEST", title='<script>alert("x")</script>')

    page = manager.get("/admin/documents/").text

    assert '<script>alert("x")' not in page
    assert "&lt;script&gt;alert(" in page


# --- the managed lists ---------------------------------------------------------------------------


def test_an_administrator_adds_and_renames_list_entries(app, lists, manager):
    first = manager.post(
        "/admin/documents/lists/types",
        data={"csrf_token": token(manager), "name": "Chỉ thị", "position": "3"},
    )
    assert "Đã thêm “Chỉ thị”." in flashes(manager.get(location_path(first)).text)
    added = [
        first,
        manager.post(
            "/admin/documents/lists/issuers",
            data={"csrf_token": token(manager), "name": "Sở Giáo dục và Đào tạo"},
        ),
        manager.post(
            "/admin/documents/lists/signers",
            data={"csrf_token": token(manager), "name": "Lê Văn Tâm", "position": "Giám đốc"},
        ),
        manager.post(
            "/admin/documents/lists/fields",
            data={"csrf_token": token(manager), "name": "Báo chí", "parent": str(lists.media)},
        ),
    ]

    assert [r.status_code for r in added] == [302] * 4
    with app.app_context():
        kind = db.session.scalar(select(DocumentType).where(DocumentType.name == "Chỉ thị"))
        assert (kind.slug, kind.position) == ("chi-thi", 3)
        press = db.session.scalar(select(Field).where(Field.name == "Báo chí"))
        assert press.parent_id == lists.media
        kind_id, press_id = kind.id, press.id
    form = manager.get("/admin/documents/new").text
    assert options_of(form, "type")[str(kind_id)] == ("Chỉ thị", False)
    assert options_of(form, "issuer")
    assert "Lê Văn Tâm (Giám đốc)" in [label for label, _ in options_of(form, "signer").values()]
    assert options_of(form, "fields")[str(press_id)] == ("— Báo chí", False)
    assert list(options_of(form, "type")) == [str(lists.guide), str(lists.dispatch), str(kind_id)]

    renamed = manager.post(
        f"/admin/documents/lists/types/{kind_id}",
        data={"csrf_token": token(manager), "name": "Chỉ thị mới", "position": "0"},
    )

    assert renamed.status_code == 302
    with app.app_context():
        kind = db.session.get(DocumentType, kind_id)
        assert (kind.name, kind.slug, kind.position) == ("Chỉ thị mới", "chi-thi-moi", 0)
    assert list(options_of(manager.get("/admin/documents/new").text, "type"))[0] == str(kind_id)
    edit_page = manager.get(f"/admin/documents/lists/signers/{lists.hanh}").text
    assert value_of(edit_page, "name") == "Đoàn Thị Mỹ Hạnh"
    assert value_of(edit_page, "position") == "Phó Trưởng ban"
    assert [a for a, *_ in audit_rows(app, "document_")] == [
        "document_type.create",
        "document_issuer.create",
        "document_signer.create",
        "document_field.create",
        "document_type.update",
    ]


def test_renamed_entries_show_on_the_public_pages(app, lists, make_document, manager):
    made = make_document("1-CV/TEST", issuer=lists.btg)

    manager.post(
        f"/admin/documents/lists/issuers/{lists.btg}",
        data={"csrf_token": token(manager), "name": "Ban Tuyên giáo và Dân vận"},
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
def test_list_entries_are_checked(app, lists, manager, path, data, field, message):
    before = audit_rows(app)

    response = manager.post(
        f"/admin/documents/lists/{path}", data={"csrf_token": token(manager), **data}
    )

    assert response.status_code == 400
    assert errors_of(response.text, field) == [message]
    assert value_of(response.text, "name") == data["name"]
    assert audit_rows(app) == before


def test_the_same_signer_may_sign_under_another_position(app, lists, manager):
    response = manager.post(
        "/admin/documents/lists/signers",
        data={"csrf_token": token(manager), "name": "Trần Quang Vịnh", "position": "Phó Chủ tịch"},
    )

    assert response.status_code == 302
    assert count(app, Signer) == 3


def test_a_field_cannot_move_under_itself_or_its_children(app, lists, manager):
    page = manager.get(f"/admin/documents/lists/fields/{lists.media}").text
    assert str(lists.security) not in options_of(page, "parent")
    assert str(lists.media) not in options_of(page, "parent")

    for parent in (lists.security, lists.media):
        response = manager.post(
            f"/admin/documents/lists/fields/{lists.media}",
            data={"csrf_token": token(manager), "name": "Thông tin", "parent": str(parent)},
        )
        assert response.status_code == 400
        assert errors_of(response.text, "parent") == [
            "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại."
        ]
    moved = manager.post(
        f"/admin/documents/lists/fields/{lists.security}",
        data={"csrf_token": token(manager), "name": "An toàn thông tin", "parent": "0"},
    )
    assert moved.status_code == 302
    with app.app_context():
        assert db.session.get(Field, lists.security).parent_id is None


def test_entries_still_in_use_are_not_deleted(app, lists, make_document, manager):
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
        response = manager.post(
            f"/admin/documents/lists/{kind}/{entry_id}/delete", data={"csrf_token": token(manager)}
        )
        assert response.status_code == 302
        page = manager.get(location_path(response)).text
        assert flashes(page) == [message], kind
    assert (
        count(app, DocumentType),
        count(app, Issuer),
        count(app, Signer),
        count(app, Field),
    ) == (2, 2, 2, 3)
    assert audit_rows(app, "document_") == []
    listing = manager.get("/admin/documents/lists/types").text
    row = listing.split(">Công văn</a>", 1)[1].split("</tr>", 1)[0]
    assert "<td>1</td>" in row  # how many documents use it


def test_unused_entries_are_deleted(app, lists, manager):
    for kind, entry_id in (
        ("types", lists.guide),
        ("issuers", lists.btg),
        ("signers", lists.hanh),
        ("fields", lists.security),
        ("fields", lists.media),
    ):
        response = manager.post(
            f"/admin/documents/lists/{kind}/{entry_id}/delete", data={"csrf_token": token(manager)}
        )
        assert response.status_code == 302
        assert flashes(manager.get(location_path(response)).text)[0].startswith("Đã xóa “")

    assert (
        count(app, DocumentType),
        count(app, Issuer),
        count(app, Signer),
        count(app, Field),
    ) == (1, 1, 1, 1)
    assert [(a, t) for a, t, *_ in audit_rows(app, "document_")] == [
        ("document_type.delete", "documenttype"),
        ("document_issuer.delete", "issuer"),
        ("document_signer.delete", "signer"),
        ("document_field.delete", "field"),
        ("document_field.delete", "field"),
    ]
    assert manager.get("/admin/documents/lists/nothing").status_code == 404
    assert manager.get("/admin/documents/lists/types/999").status_code == 404


# --- the audit log -------------------------------------------------------------------------------


def test_every_change_writes_an_audit_row(app, lists, publisher, admin):
    client = logged_in_client(app, publisher)
    send(client, "/admin/documents/new", form_data(lists), files=[(pdf_bytes(), "Tệp.pdf")])
    document = document_by_code(app, "118-HD/BTGTU")
    send(client, f"/admin/documents/{document.id}", form_data(lists, title="Tiêu đề đã sửa"))
    send(client, f"/admin/documents/{document.id}", form_data(lists, title="Tiêu đề đã sửa"))
    client.post(
        f"/admin/documents/{document.id}/files/{document.files[0].id}/remove",
        data={"csrf_token": token(client)},
    )
    manager = logged_in_client(app, admin)
    manager.post(
        "/admin/documents/lists/types", data={"csrf_token": token(manager), "name": "Chỉ thị"}
    )
    manager.post(f"/admin/documents/{document.id}/delete", data={"csrf_token": token(manager)})

    rows = [row for row in audit_rows(app) if row[0].startswith("document")]
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
    log = manager.get("/admin/audit").text
    assert "document.file_attach" in log and "Tiêu đề đã sửa" in log
