"""Fixtures of the documents administration tests (accounts and `app` are tests/conftest.py's).
Every module here is marked `contextless`: no application context stays pushed while requests
run (Flask would reuse it, and `g`, where Flask-Login caches the user, would leak between
requests); the statistics thread is off.
"""

from __future__ import annotations

import pytest
from auth_helpers import Account
from document_admin import BTG, UBND, Lists

from app.documents.operations import (
    get_or_create_field,
    get_or_create_issuer,
    get_or_create_signer,
    get_or_create_type,
)
from app.extensions import db


@pytest.fixture
def publisher_user(make_user) -> Account:
    """An editor with the right to publish."""
    return make_user("xuatban", display_name="Biên tập viên Lan", can_publish=True)


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
def document_defaults(lists) -> dict:
    """conftest's `make_document` writes dispatches of the Ban Tuyên giáo, unsigned, into the
    lists above."""
    return {
        "code": "{n}-CV/TEST",
        "title": "Văn bản thử nghiệm số {n}",
        "summary": "Trích yếu văn bản số {n}.",
        "type": lists.dispatch,
        "issuer": lists.btg,
        "signer": None,
    }
