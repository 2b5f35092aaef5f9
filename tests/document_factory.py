"""Documents written straight through the operations (not the admin forms), for tests that
need some on the site: what conftest's `make_document` builds.

Not a test module: tests import `MadeDocument` (and the names) when they annotate or compare.
"""

from __future__ import annotations

import io
import itertools
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, timedelta

from flask import has_app_context
from sqlalchemy import select

from app.documents.models import Document, DocumentType, Field, Issuer, Signer
from app.documents.operations import (
    attach_file,
    create_document,
    get_or_create_issuer,
    get_or_create_signer,
    get_or_create_type,
)
from app.extensions import db

BTG = "Ban Tuyên giáo Tỉnh ủy"
HANH = ("Đoàn Thị Mỹ Hạnh", "Phó Trưởng ban")
# What a document is where a test says nothing ({n}: its number in the test); an area of tests
# overrides conftest's `document_defaults` fixture to change it.
DEFAULTS = {
    "code": "{n}-HD/TEST",
    "title": "Văn bản thử nghiệm số {n}",
    "summary": "Trích yếu của văn bản thử nghiệm số {n}.",
    "type": "Hướng dẫn",
    "issuer": BTG,
    "signer": HANH,
}
_UNSET = object()


@dataclass(frozen=True)
class MadeDocument:
    """What a test needs of a document once the app context that wrote it is gone."""

    id: int
    code: str
    slug: str
    title: str
    summary: str
    signer_id: int | None
    files: tuple[int, ...]  # the attached files' ids, in order

    @property
    def url(self) -> str:
        return f"/van-ban/{self.slug}"


def document_factory(app, defaults: dict):
    """make_document(code=None, *, title=None, summary=None, type=None, issuer=None,
    signer=<default>, fields=(), replaces=(), issued_on=None, files=(), **values)
    -> MadeDocument.

    `type` and `issuer` are a name (created when missing) or an id; `signer` a (name, title)
    pair, an id or None (no signer); `fields` are slugs or ids, `replaces` ids; `files` are
    (bytes, file name) pairs attached in order; other `values` go to create_document. Issue
    dates follow the documents' order: 2 January 2024 for the first, then a day apart."""
    counter = itertools.count(1)

    def factory(
        code: str | None = None,
        *,
        title: str | None = None,
        summary: str | None = None,
        type: str | int | None = None,  # noqa: A002 - the document's field
        issuer: str | int | None = None,
        signer=_UNSET,
        fields=(),
        replaces=(),
        issued_on: date | None = None,
        files=(),
        **values,
    ) -> MadeDocument:
        n = next(counter)
        type = defaults["type"] if type is None else type  # noqa: A001
        issuer = defaults["issuer"] if issuer is None else issuer
        signer = defaults["signer"] if signer is _UNSET else signer
        with nullcontext() if has_app_context() else app.app_context():
            document = create_document(
                code=code or defaults["code"].format(n=n),
                title=title or defaults["title"].format(n=n),
                summary=defaults["summary"].format(n=n) if summary is None else summary,
                type=(db.session.get(DocumentType, type) if isinstance(type, int)
                      else get_or_create_type(type)),
                issuer=(db.session.get(Issuer, issuer) if isinstance(issuer, int)
                        else get_or_create_issuer(issuer)),
                signer=(None if signer is None else db.session.get(Signer, signer)
                        if isinstance(signer, int) else get_or_create_signer(*signer)),
                issued_on=issued_on or date(2024, 1, 1) + timedelta(days=n),
                fields=[db.session.get(Field, f) if isinstance(f, int)
                        else db.session.scalar(select(Field).where(Field.slug == f))
                        for f in fields],
                replaces=[db.session.get(Document, r) for r in replaces],
                **values,
            )  # fmt: skip
            attached = [attach_file(document, io.BytesIO(d), name) for d, name in files or ()]
            return MadeDocument(document.id, document.code, document.slug, document.title,
                                document.summary, document.signer_id,
                                tuple(f.id for f in attached))  # fmt: skip

    return factory
