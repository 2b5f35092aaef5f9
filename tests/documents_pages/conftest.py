"""Fixtures of the documents library tests. No app context stays pushed while requests run
(Flask would reuse it, and `g`, where a request keeps its statistics, would leak from one
request to the next); the background statistics thread is off, so counters move only when a
test moves them.
"""

from __future__ import annotations

import io
import itertools
from datetime import date, timedelta

import pytest
from document_pages import BTG, HANH, Made, current_app_of, visitor
from sqlalchemy import select

from app.documents.models import Field
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
    return make_contextless_app.built[0] if make_contextless_app.built else make_contextless_app()


@pytest.fixture
def client(app):
    return visitor(app)


@pytest.fixture
def make_field(make_contextless_app):
    def factory(name: str, slug: str, parent: str | None = None) -> str:
        with current_app_of(make_contextless_app).app_context():
            up = db.session.scalar(select(Field).where(Field.slug == parent)) if parent else None
            get_or_create_field(name, slug, up)
            db.session.commit()
        return slug

    return factory


@pytest.fixture
def make_document(make_contextless_app):
    """Create a document in the newest app's database; `files` are (bytes, name) pairs."""
    counter = itertools.count(1)

    def factory(
        code: str | None = None,
        *,
        title: str | None = None,
        summary: str | None = None,
        type: str = "Hướng dẫn",
        issuer: str = BTG,
        signer: tuple[str, str] | None = HANH,
        fields: tuple[str, ...] | list[str] = (),
        issued_on: date | None = None,
        files: list[tuple[bytes, str]] | None = None,
        **values,
    ) -> Made:
        n = next(counter)
        with current_app_of(make_contextless_app).app_context():
            document = create_document(
                code=code or f"{n}-HD/TEST",
                title=title or f"Văn bản thử nghiệm số {n}",
                summary=f"Trích yếu của văn bản thử nghiệm số {n}." if summary is None else summary,
                type=get_or_create_type(type),
                issuer=get_or_create_issuer(issuer),
                signer=get_or_create_signer(*signer) if signer else None,
                issued_on=issued_on or date(2024, 1, 1) + timedelta(days=n),
                fields=[db.session.scalar(select(Field).where(Field.slug == s)) for s in fields],
                **values,
            )
            attached = [attach_file(document, io.BytesIO(data), name) for data, name in files or []]
            return Made(document.id, document.code, document.slug, document.title,
                        document.summary, document.signer_id,
                        tuple(f.id for f in attached))  # fmt: skip

    return factory
