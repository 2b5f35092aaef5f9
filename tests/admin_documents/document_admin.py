"""Documents administration tests (issue 6, "Documents"): the constants, form builders and
page readers the test_admin_documents_*.py modules share. Not a test module.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from audit_log import audit_rows
from auth_helpers import Account, new_account
from pages import control, csrf_token_from, parse, squash, value_of
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.auth.models import Role
from app.documents.models import Document
from app.extensions import db

BTG = "Ban Tuyên giáo Tỉnh ủy"
UBND = "UBND tỉnh An Hòa"
GUIDE_DISPOSITION = (
    'attachment; filename="Huong dan so 118.pdf"; '
    "filename*=UTF-8''H%C6%B0%E1%BB%9Bng%20d%E1%BA%ABn%20s%E1%BB%91%20118.pdf"
)
NOT_A_DOCUMENT = "Chỉ chấp nhận tệp PDF, DOC, DOCX, XLS, XLSX, ODT, ODS."
OLD_OFFICE = "Tệp Office đời cũ phải có đuôi .doc hoặc .xls."


def add_user(app, username: str, role: Role = Role.EDITOR, **fields) -> Account:
    with app.app_context():
        return new_account(username, role=role, **fields)


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


def text_of(page: str, name: str) -> str:
    """The text of the textarea `name`, without the white space around it."""
    return value_of(page, name).strip()


def labelled_options(page: str, name: str) -> dict[str, tuple[str, bool]]:
    """value -> (label, selected) of the select `name`."""
    return {
        o.get("value"): (o.text(), o.get("selected") is not None)
        for o in control(page, name).find_all("option")
    }


def chosen(page: str, name: str) -> list[str]:
    return [value for value, (_, on) in labelled_options(page, name).items() if on]


def is_checked(page: str, name: str) -> bool:
    return control(page, name).get("checked") is not None


def sidebar_codes(page: str) -> list[str]:
    """The codes the "Văn bản mới" sidebar block lists, in order."""
    block = parse(page).find("section", cls="block-documents")
    return [] if block is None else [squash(a.text()) for a in block.find_all(cls="doc-code")]


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


def audit_summary(app, prefix: str = "") -> list[tuple[str, str, str, str]]:
    """(action, object type, object id, username) of the audit rows whose action starts with
    `prefix`, oldest first."""
    return [(r.action, r.object_type, r.object_id, r.username)
            for r in audit_rows(app, prefix=prefix)]  # fmt: skip


def audit_detail(app, action: str) -> str:
    with app.app_context():
        stmt = select(AuditEntry.detail).where(AuditEntry.action == action)
        return db.session.scalars(stmt.order_by(AuditEntry.id.desc())).first()


def stored_files(app) -> list[str]:
    folder = Path(app.instance_path) / "uploads" / "documents"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []
