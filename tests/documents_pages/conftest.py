"""Fixtures of the documents library tests (`app` is tests/conftest.py's; every module here is
marked `contextless`). No app context stays pushed while requests run
(Flask would reuse it, and `g`, where a request keeps its statistics, would leak from one
request to the next); the background statistics thread is off, so counters move only when a
test moves them.
"""

from __future__ import annotations

import pytest
from document_pages import current_app_of, visitor
from sqlalchemy import select

from app.documents.models import Field
from app.documents.operations import get_or_create_field
from app.extensions import db


@pytest.fixture
def reader_client(app):
    """A reader of its own: own cookie jar, own address, a desktop browser."""
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
