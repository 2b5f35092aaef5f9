"""Writes for documents and their lists: search text, replacement links, files."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from app.documents import files
from app.documents.models import (
    Document,
    DocumentFile,
    DocumentType,
    Field,
    Issuer,
    Signer,
)
from app.extensions import db
from app.slugs import fold, slugify

log = logging.getLogger(__name__)

DOCUMENT_FIELDS = {
    "title",
    "summary",
    "body",
    "type",
    "issuer",
    "signer",
    "issued_on",
    "in_force_on",
    "expires_on",
    "published",
}


def search_text(document: Document) -> str:
    return fold(f"{document.code} {document.title} {document.summary}")


def get_or_create_type(name: str, position: int = 0) -> DocumentType:
    slug = slugify(name)
    found = db.session.scalar(select(DocumentType).where(DocumentType.slug == slug))
    if found is None:
        found = DocumentType(name=name, slug=slug, position=position)
        db.session.add(found)
    return found


def get_or_create_issuer(name: str) -> Issuer:
    slug = slugify(name)
    found = db.session.scalar(select(Issuer).where(Issuer.slug == slug))
    if found is None:
        found = Issuer(name=name, slug=slug)
        db.session.add(found)
    return found


def get_or_create_signer(name: str, position: str = "") -> Signer:
    found = db.session.scalar(
        select(Signer).where(Signer.name == name, Signer.position == position)
    )
    if found is None:
        found = Signer(name=name, position=position)
        db.session.add(found)
    return found


def get_or_create_field(name: str, slug: str | None = None, parent: Field | None = None) -> Field:
    slug = slugify(slug or name)
    found = db.session.scalar(select(Field).where(Field.slug == slug))
    if found is None:
        found = Field(name=name, slug=slug, parent=parent)
        db.session.add(found)
    return found


def create_document(
    *,
    code: str,
    title: str,
    type: DocumentType,
    issuer: Issuer,
    issued_on: date,
    fields: Iterable[Field] = (),
    replaces: Iterable[Document] = (),
    related: Iterable[Document] = (),
    commit: bool = True,
    **values,
) -> Document:
    unknown = set(values) - DOCUMENT_FIELDS
    if unknown:
        raise TypeError(f"unknown document fields: {sorted(unknown)}")
    code = " ".join(code.split())
    document = Document(
        code=code,
        slug=slugify(code),
        title=title,
        type=type,
        issuer=issuer,
        issued_on=issued_on,
        **values,
    )
    document.fields = list(fields)
    document.replaces = [d for d in replaces if d is not document]
    document.related_to = [d for d in related if d is not document]
    document.search_text = search_text(document)
    db.session.add(document)
    if commit:
        db.session.commit()
        log.info("document created: %s", document.code)
    return document


def update_document(document: Document, **values) -> Document:
    for name in ("fields", "replaces"):
        if name in values:
            setattr(document, name, [d for d in values.pop(name) if d is not document])
    if "related" in values:
        document.related_to = [d for d in values.pop("related") if d is not document]
    if "code" in values:
        document.code = " ".join(values.pop("code").split())
        document.slug = slugify(document.code)
    unknown = set(values) - DOCUMENT_FIELDS
    if unknown:
        raise TypeError(f"unknown document fields: {sorted(unknown)}")
    for name, value in values.items():
        setattr(document, name, value)
    document.search_text = search_text(document)
    db.session.commit()
    log.info("document updated: %s", document.code)
    return document


def attach_file(
    document: Document, stream: BinaryIO, filename: str, commit: bool = True
) -> DocumentFile:
    """Check the content, store it under a generated name, and attach it."""
    files.check_size(stream, current_app.config["DOCUMENT_MAX_BYTES"])
    detected = files.detect(stream, filename)
    stored_name, size = files.store(stream)
    attached = DocumentFile(
        document=document,
        stored_name=stored_name,
        original_name=files.clean_filename(filename, detected.kind),
        content_type=detected.content_type,
        size=size,
        position=len(document.files),
    )
    db.session.add(attached)
    if commit:
        db.session.commit()
        log.info("file %s attached to document %s", attached.id, document.code)
    return attached


def remove_file(attached: DocumentFile) -> None:
    path = files.path_of(attached.stored_name)
    db.session.delete(attached)
    db.session.commit()
    path.unlink(missing_ok=True)
