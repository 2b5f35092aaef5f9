"""Reads for the documents pages and the sidebar block."""

from __future__ import annotations

import threading
import time
from datetime import date

from sqlalchemy import select

from app.documents.models import Document, DocumentFile, DocumentType, Field, Issuer, Signer
from app.extensions import db


def by_slug(slug: str) -> Document | None:
    return db.session.scalar(
        select(Document).where(Document.slug == slug, Document.published.is_(True))
    )


def file_by_id(file_id: int) -> DocumentFile | None:
    attached = db.session.get(DocumentFile, file_id)
    if attached is None or not attached.document.published:
        return None
    return attached


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

    def get(self, limit: int) -> list[int]:
        if time.monotonic() - self._at > self.ttl:
            ids = [d.id for d in newest(limit)]
            with self._lock:
                self._ids, self._at = ids, time.monotonic()
        return self._ids

    def invalidate(self) -> None:
        self._at = 0.0


def recently_issued(document: Document, today: date, days: int) -> bool:
    return 0 <= (today - document.issued_on).days <= days
