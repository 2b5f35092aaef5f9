"""Fixtures of the documents administration tests. No application context stays pushed while
requests run (Flask would reuse it, and `g`, where Flask-Login caches the user, would leak
between requests); the statistics thread is off.
"""

from __future__ import annotations

import io
from datetime import date

import pytest
from auth_helpers import Account, logged_in_client
from document_admin import BTG, UBND, Lists, Made, add_user

from app.auth.models import Role
from app.documents.models import Document, DocumentType, Issuer, Signer
from app.documents.operations import (
    attach_file,
    create_document,
    get_or_create_field,
    get_or_create_issuer,
    get_or_create_signer,
    get_or_create_type,
)
from app.extensions import db


@pytest.fixture
def app(make_contextless_app):
    return make_contextless_app()


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
