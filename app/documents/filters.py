"""The document list's filters, read from the query string; bad input is a 400, never a 500."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, and_, extract, or_, select
from sqlalchemy.orm import selectinload
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest

from app.documents.models import Document, DocumentType, Field, Issuer, Signer, document_fields
from app.extensions import db
from app.slugs import fold

MAX_QUERY_LENGTH = 200
STATUSES = {"con-hieu-luc": "Còn hiệu lực", "het-hieu-luc": "Hết hiệu lực"}


class InvalidFilter(BadRequest):
    def __init__(self, message: str) -> None:
        super().__init__(description=message)


@dataclass
class Filters:
    q: str = ""
    type: DocumentType | None = None
    issuer: Issuer | None = None
    signer: Signer | None = None
    field: Field | None = None
    year: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    status: str = ""
    args: dict[str, str] = dataclasses.field(default_factory=dict)  # the valid ones, for links

    @property
    def active(self) -> bool:
        return bool(self.args)


def _parse_date(raw: str, label: str) -> date:
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise InvalidFilter(
        f"{label} không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/2024."
    )


def _lookup(model, column, raw: str, label: str):
    found = db.session.scalar(select(model).where(column == raw))
    if found is None:
        raise InvalidFilter(f"Không có {label} “{str(raw)[:60]}”.")
    return found


def parse(args: MultiDict) -> Filters:
    """Validate every filter; unknown values and malformed input raise InvalidFilter."""
    filters = Filters()

    def get(name: str) -> str:
        value = (args.get(name) or "").strip()
        if value:
            filters.args[name] = value
        return value

    if q := get("q"):
        if len(q) > MAX_QUERY_LENGTH:
            raise InvalidFilter(f"Từ khóa tìm kiếm dài quá {MAX_QUERY_LENGTH} ký tự.")
        filters.q = q
    if raw := get("loai"):
        filters.type = _lookup(DocumentType, DocumentType.slug, raw, "thể loại")
    if raw := get("co-quan"):
        filters.issuer = _lookup(Issuer, Issuer.slug, raw, "cơ quan ban hành")
    if raw := get("nguoi-ky"):
        if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
            raise InvalidFilter("Người ký không hợp lệ.")
        filters.signer = _lookup(Signer, Signer.id, int(raw), "người ký")
    if raw := get("linh-vuc"):
        filters.field = _lookup(Field, Field.slug, raw, "lĩnh vực")
    if raw := get("nam"):
        if not (raw.isascii() and raw.isdigit()) or not 1900 <= int(raw) <= 2100:
            raise InvalidFilter("Năm ban hành không hợp lệ.")
        filters.year = int(raw)
    if raw := get("tu-ngay"):
        filters.date_from = _parse_date(raw, "Từ ngày")
    if raw := get("den-ngay"):
        filters.date_to = _parse_date(raw, "Đến ngày")
    if filters.date_from and filters.date_to and filters.date_from > filters.date_to:
        raise InvalidFilter("“Từ ngày” phải trước “Đến ngày”.")
    if raw := get("hieu-luc"):
        if raw not in STATUSES:
            raise InvalidFilter("Trạng thái hiệu lực không hợp lệ.")
        filters.status = raw
    return filters


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def in_force_clause(today: date):
    return and_(
        or_(Document.in_force_on.is_(None), Document.in_force_on <= today),
        or_(Document.expires_on.is_(None), Document.expires_on > today),
    )


def query(filters: Filters, today: date) -> Select[tuple[Document]]:
    """Published documents matching `filters`, newest issue date first."""
    stmt = (
        select(Document)
        .where(Document.published.is_(True))
        .options(selectinload(Document.type), selectinload(Document.issuer))
        .order_by(Document.issued_on.desc(), Document.id.desc())
    )
    for word in fold(filters.q).split():
        stmt = stmt.where(Document.search_text.like(f"%{_escape_like(word)}%", escape="\\"))
    if filters.type:
        stmt = stmt.where(Document.type_id == filters.type.id)
    if filters.issuer:
        stmt = stmt.where(Document.issuer_id == filters.issuer.id)
    if filters.signer:
        stmt = stmt.where(Document.signer_id == filters.signer.id)
    if filters.field:
        in_field = select(document_fields.c.document_id).where(
            document_fields.c.field_id.in_(filters.field.subtree_ids())
        )
        stmt = stmt.where(Document.id.in_(in_field))
    if filters.year:
        stmt = stmt.where(extract("year", Document.issued_on) == filters.year)
    if filters.date_from:
        stmt = stmt.where(Document.issued_on >= filters.date_from)
    if filters.date_to:
        stmt = stmt.where(Document.issued_on <= filters.date_to)
    if filters.status == "con-hieu-luc":
        stmt = stmt.where(in_force_clause(today))
    elif filters.status == "het-hieu-luc":
        stmt = stmt.where(Document.expires_on.is_not(None), Document.expires_on <= today)
    return stmt
