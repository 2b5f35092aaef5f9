"""Reads of the documents feature: the public pages, the sidebar block, and the checks and
counts the administration shows."""

from __future__ import annotations

import threading
import time
from datetime import date

from sqlalchemy import func, select

from app.documents.models import (
    Document,
    DocumentFile,
    DocumentType,
    Field,
    Issuer,
    Signer,
    document_fields,
)
from app.extensions import db
from app.slugs import slugify


def by_slug(slug: str) -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.slug == slug, Document.published.is_(True))
    )


def file_by_id(file_id: int) -> DocumentFile | None:
    attached = db.session.get(DocumentFile, file_id)
    if attached is None or not attached.document.published:
        return None
    return attached


def _published_chain(start: list[Document], step) -> list[Document]:
    """Documents reached from `start` by `step`, nearest first; an unpublished document is
    neither shown nor walked through (its links were never reviewed for readers)."""
    found: list[Document] = []
    queue = [d for d in start if d.published]
    while queue:
        doc = queue.pop(0)
        if doc not in found:
            found.append(doc)
            queue.extend(d for d in step(doc) if d.published)
    return found


def public_relations(document: Document) -> tuple[list[Document], list[Document], list[Document]]:
    """What a public page shows of a document's links: the documents it replaced, those
    that replaced it and the related ones, published documents only, in both directions.
    An unpublished document linking to a published one changes nothing readers see."""
    older = [d for d in _published_chain(document.replaces, lambda d: d.replaces)
             if d is not document]  # fmt: skip
    newer = [d for d in _published_chain(document.replaced_by, lambda d: d.replaced_by)
             if d is not document]  # fmt: skip
    related = [d for d in document.related if d.published and d is not document]
    return older, newer, related


def newest(limit: int) -> list[Document]:
    return list(
        db.session.scalars(
            select(Document)
            .where(Document.published.is_(True))
            .order_by(Document.issued_on.desc(), Document.id.desc())
            .limit(limit)
        )
    )


def filter_choices() -> dict:
    return {
        "types": list(
            db.session.scalars(
                select(DocumentType).order_by(DocumentType.position, DocumentType.name)
            )
        ),
        "issuers": list(db.session.scalars(select(Issuer).order_by(Issuer.name))),
        "signers": list(db.session.scalars(select(Signer).order_by(Signer.name))),
        "fields": list(db.session.scalars(select(Field).order_by(Field.name))),
    }


class NewestIds:
    """The ids of the sidebar's newest documents, cached briefly per process, so a page view
    can name the live counters it wants without a query of its own."""

    def __init__(self, ttl: float = 30.0) -> None:
        self.ttl = ttl
        self._ids: list[int] = []
        self._at = 0.0
        self._lock = threading.Lock()

    def fresh(self) -> bool:
        """The ids can be given without a query."""
        return time.monotonic() - self._at <= self.ttl

    def get(self, limit: int) -> list[int]:
        if not self.fresh():
            ids = [d.id for d in newest(limit)]
            with self._lock:
                self._ids, self._at = ids, time.monotonic()
        return self._ids

    def invalidate(self) -> None:
        self._at = 0.0


def recently_issued(document: Document, today: date, days: int) -> bool:
    return 0 <= (today - document.issued_on).days <= days


def code_owner(code: str, exclude: Document | None = None) -> Document | None:
    """Another document with this code, or one whose code differs only in what its address
    drops (case, diacritics, punctuation): both would have the same slug."""
    code = " ".join(code.split())
    stmt = select(Document).where((Document.code == code) | (Document.slug == slugify(code)))
    if exclude is not None and exclude.id is not None:
        stmt = stmt.where(Document.id != exclude.id)
    return db.session.scalar(stmt.limit(1))


def usage_counts(model) -> dict[int, int]:
    """How many documents (published or not) use each entry of a list."""
    column = {
        DocumentType: Document.type_id,
        Issuer: Document.issuer_id,
        Signer: Document.signer_id,
        Field: document_fields.c.field_id,  # a document may have several fields
    }[model]
    stmt = select(column, func.count()).where(column.is_not(None)).group_by(column)
    return {entry_id: count for entry_id, count in db.session.execute(stmt)}
