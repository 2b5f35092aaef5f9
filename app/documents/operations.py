"""Writes of the documents feature: documents, their files and the managed lists (types,
issuers, signers, fields). A change made from the administration is checked, audited in the
same transaction and committed, and refreshes the "Văn bản mới" sidebar cache when documents
changed; views only call these functions and redirect."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, BinaryIO

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from app.audit.operations import record as audit
from app.documents import files
from app.documents.models import (
    Document,
    DocumentFile,
    DocumentType,
    Field,
    Issuer,
    Signer,
)
from app.documents.queries import code_owner, usage_counts
from app.extensions import db
from app.html_sanitizer import sanitize_html
from app.slugs import fold, slugify

if TYPE_CHECKING:
    from app.auth.models import User

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


# The most a document's body may hold, as stored (sanitised HTML): the form refuses longer
# input, and a longer imported body is left out and reported.
BODY_MAX = 500_000  # as an article's: full legal texts are long
BODY_MAX_SHOWN = f"{BODY_MAX:,}".replace(",", ".")  # 500.000, as Vietnamese write it
BODY_TOO_LONG = (
    f"Nội dung tối đa {BODY_MAX_SHOWN} ký tự (tính cả mã HTML); hãy rút gọn, hoặc đưa toàn "
    "văn vào tệp đính kèm."
)


class _Clean(str):
    """A body sanitised by this module already: not sanitised a second time on its way from
    save_document to create_document / update_document (a long body takes milliseconds)."""


def _clean_body(values: dict) -> dict:
    """`values` with its body (when there is one) sanitised: a document's body is rich text
    kept to the editor's allow-list, like an article's, whoever writes it (the admin form,
    the NukeViet import, the demo seed)."""
    if "body" not in values or isinstance(values["body"], _Clean):
        return values
    return {**values, "body": _Clean(sanitize_html(values["body"] or ""))}


def _stored(values: dict) -> dict:
    """The values as the model stores them: a plain str body."""
    values = _clean_body(values)
    if "body" in values:
        values["body"] = str(values["body"])
    return values


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
    values = _stored(values)
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
    values = _stored(values)
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


# --- Changes made from the administration ------------------------------------------------------

# Audit action prefix and the noun editors read in messages, per managed list.
LIST_NAMES = {
    DocumentType: ("document_type", "thể loại"),
    Issuer: ("document_issuer", "cơ quan ban hành"),
    Signer: ("document_signer", "người ký"),
    Field: ("document_field", "lĩnh vực"),
}
# Long texts are named in the audit detail, not copied into it.
LONG_VALUES = {"summary", "body"}


class Refused(ValueError):
    """A change refused; `field` names the form field the message belongs next to."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _sidebar_changed() -> None:
    current_app.extensions["documents_newest"].invalidate()


def _squeeze(text: str) -> str:
    return " ".join(text.split())


# --- documents -----------------------------------------------------------------------------------


def replacement_loop(document: Document | None, chosen: Iterable[Document]) -> Document | None:
    """The first of `chosen` that already replaces `document`, directly or through others:
    letting `document` replace it would close a loop."""
    if document is None or document.id is None:
        return None
    for candidate in chosen:
        seen: set[int] = set()
        stack = [candidate]
        while stack:
            current = stack.pop()
            if current.id == document.id:
                return candidate
            if current.id not in seen:
                seen.add(current.id)
                stack.extend(current.replaces)
    return None


def _shown(value) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(getattr(value, "name", value))


def _ids(items: Iterable) -> list[int]:
    return sorted(item.id for item in items)


def _changes(document: Document, values: dict, lists: dict[str, Sequence]) -> list[str]:
    changes = []
    for name, new in values.items():
        old = getattr(document, name)
        if getattr(old, "id", old) != getattr(new, "id", new):
            changes.append(name if name in LONG_VALUES else f"{name}={_shown(new)}")
    current = {
        "fields": document.fields,
        "replaces": document.replaces,
        "related": document.related,
    }
    for name, new in lists.items():
        if _ids(current[name]) != _ids(new):
            changes.append(f"{name}=" + ",".join(str(i) for i in _ids(new)))
    return changes


def _forget_stored(stored_names: list[str]) -> None:
    for name in stored_names:
        files.path_of(name).unlink(missing_ok=True)


def _attach_all(
    document: Document, uploads: Sequence[FileStorage], by: User, stored_names: list[str]
) -> None:
    """Attach every upload (checked by content in attach_file), auditing each; nothing is
    committed. Each stored file's name goes into `stored_names`, so that a failure later in
    the transaction can remove them again; on a refused file that happens here."""
    attached: list[DocumentFile] = []
    for upload in uploads:
        name = upload.filename or ""
        try:
            item = attach_file(document, upload.stream, name, commit=False)
        except files.FileRejected as exc:
            db.session.rollback()
            _forget_stored(stored_names)
            shown = name.replace("\\", "/").rsplit("/", 1)[-1][:120]
            raise Refused("files", f"{shown}: {exc}") from None
        attached.append(item)
        stored_names.append(item.stored_name)
    if attached:
        db.session.flush()
    for item in attached:
        audit(
            "document.file_attach",
            item,
            f"document={document.id}; name={item.original_name}; size={item.size}",
            by=by,
            commit=False,
        )


def save_document(
    document: Document | None,
    *,
    by: User,
    values: dict,
    fields: Sequence[Field] = (),
    replaces: Sequence[Document] = (),
    related: Sequence[Document] = (),
    uploads: Sequence[FileStorage] = (),
) -> Document:
    """Create (document None) or update a document with its lists and new files, all or
    nothing. Raises Refused for a taken code, a replacement loop or a refused file. The body
    is sanitised (app/html_sanitizer.py) before it is compared, audited or stored."""
    values = _clean_body({**values, "code": _squeeze(values["code"])})
    if len(values.get("body", "")) > BODY_MAX:
        raise Refused("body", BODY_TOO_LONG)
    owner = code_owner(values["code"], document)
    if owner is not None:
        raise Refused(
            "code", f"Số ký hiệu đã được dùng cho văn bản “{owner.code}” ({owner.title})."
        )
    if document is not None and any(d.id == document.id for d in replaces):
        raise Refused("replaces", "Văn bản không thể thay thế chính nó.")
    if document is not None and any(d.id == document.id for d in related):
        raise Refused("related", "Văn bản không thể liên quan đến chính nó.")
    looped = replacement_loop(document, replaces)
    if looped is not None:
        raise Refused(
            "replaces",
            f"Không thể thay thế văn bản “{looped.code}”: văn bản đó đã "
            "thay thế (trực tiếp hoặc qua văn bản khác) văn bản đang sửa.",
        )

    stored_names: list[str] = []
    try:
        if document is None:
            code = values.pop("code")
            title = values.pop("title")
            document = create_document(
                code=code,
                title=title,
                fields=fields,
                replaces=replaces,
                related=related,
                commit=False,
                **values,
            )
            db.session.flush()
            audit(
                "document.create",
                document,
                f"code={document.code}; published={document.published}",
                by=by,
                commit=False,
            )
            _attach_all(document, uploads, by, stored_names)
            db.session.commit()
        else:
            changes = _changes(
                document, values, {"fields": fields, "replaces": replaces, "related": related}
            )
            _attach_all(document, uploads, by, stored_names)
            # A relation is stored once per pair; one stored from the other side stays there.
            kept_from = set()
            for other in list(document.related_from):
                if other in related:
                    kept_from.add(other.id)
                else:
                    other.related_to.remove(document)
            if changes:
                audit("document.update", document, "; ".join(changes), by=by, commit=False)
            update_document(
                document,
                fields=fields,
                replaces=replaces,
                related=[d for d in related if d.id not in kept_from],
                **values,
            )  # commits
    except IntegrityError:
        db.session.rollback()
        _forget_stored(stored_names)
        raise Refused("code", "Số ký hiệu đã được dùng cho văn bản khác.") from None
    _sidebar_changed()
    return document


def remove_document_file(attached: DocumentFile, *, by: User) -> None:
    """Detach a file and delete it from disk."""
    audit(
        "document.file_remove",
        attached,
        f"document={attached.document_id}; name={attached.original_name}",
        by=by,
        commit=False,
    )
    remove_file(attached)


def delete_document(document: Document, *, by: User) -> None:
    """Delete a document, its links to other documents and its files on disk."""
    code = document.code
    stored_names = [item.stored_name for item in document.files]
    audit(
        "document.delete",
        document,
        f"code={document.code}; title={document.title}",
        by=by,
        commit=False,
    )
    # SQLite does not enforce ON DELETE CASCADE here: every link row goes through the ORM.
    for other in list(document.related_from):
        other.related_to.remove(document)
    document.related_to = []
    document.replaces = []
    document.replaced_by = []
    document.fields = []
    db.session.flush()
    db.session.delete(document)
    db.session.commit()
    _forget_stored(stored_names)
    log.info("document deleted: %s", code)
    _sidebar_changed()


# --- the managed lists ---------------------------------------------------------------------------


def _same_slug(model, slug: str, entry) -> object | None:
    stmt = select(model).where(model.slug == slug)
    if entry is not None:
        stmt = stmt.where(model.id != entry.id)
    return db.session.scalar(stmt.limit(1))


def _save_entry(model, entry, by: User, values: dict, make) -> object:
    prefix, noun = LIST_NAMES[model]
    if entry is None:
        entry = make()
        db.session.add(entry)
        db.session.flush()
        detail = "; ".join(f"{k}={v}" for k, v in values.items())
        audit(f"{prefix}.create", entry, detail, by=by, commit=False)
    else:
        changes = []
        for name, value in values.items():
            old = getattr(entry, name)
            if getattr(old, "id", old) != getattr(value, "id", value):
                changes.append(f"{name}={_shown(value) if name == 'parent' else value}")
                setattr(entry, name, value)
        if not changes:
            return entry
        audit(f"{prefix}.update", entry, "; ".join(changes), by=by, commit=False)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise Refused("name", f"Đã có {noun} này.") from None
    return entry


def save_type(entry: DocumentType | None, *, name: str, position: int, by: User) -> DocumentType:
    name = _squeeze(name)
    slug = slugify(name)
    if other := _same_slug(DocumentType, slug, entry):
        raise Refused("name", f"Đã có thể loại “{other.name}”.")
    values = {"name": name, "slug": slug, "position": position}
    return _save_entry(DocumentType, entry, by, values, lambda: DocumentType(**values))


def save_issuer(entry: Issuer | None, *, name: str, by: User) -> Issuer:
    name = _squeeze(name)
    slug = slugify(name)
    if other := _same_slug(Issuer, slug, entry):
        raise Refused("name", f"Đã có cơ quan ban hành “{other.name}”.")
    values = {"name": name, "slug": slug}
    return _save_entry(Issuer, entry, by, values, lambda: Issuer(**values))


def save_signer(entry: Signer | None, *, name: str, position: str, by: User) -> Signer:
    name, position = _squeeze(name), _squeeze(position)
    stmt = select(Signer).where(Signer.name == name, Signer.position == position)
    if entry is not None:
        stmt = stmt.where(Signer.id != entry.id)
    if db.session.scalar(stmt.limit(1)) is not None:
        raise Refused(
            "name",
            f"Đã có người ký “{name}” với chức vụ “{position}”."
            if position
            else f"Đã có người ký “{name}”.",
        )
    values = {"name": name, "position": position}
    return _save_entry(Signer, entry, by, values, lambda: Signer(**values))


def save_field(entry: Field | None, *, name: str, parent: Field | None, by: User) -> Field:
    name = _squeeze(name)
    slug = slugify(name)
    if other := _same_slug(Field, slug, entry):
        raise Refused("name", f"Đã có lĩnh vực “{other.name}”.")
    if entry is not None and parent is not None and parent.id in entry.subtree_ids():
        raise Refused("parent", "Không thể đặt lĩnh vực vào chính nó hoặc một lĩnh vực con của nó.")
    values = {"name": name, "slug": slug, "parent": parent}
    return _save_entry(Field, entry, by, values, lambda: Field(**values))


def delete_entry(entry, *, by: User) -> None:
    """Delete an entry of a list, unless documents (or child fields) still use it."""
    model = entry.__class__
    prefix, noun = LIST_NAMES[model]
    used = usage_counts(model).get(entry.id, 0)
    if used:
        raise Refused(
            "",
            f"Không thể xóa {noun} “{entry.name}”: còn {used} văn bản sử dụng. "
            f"Hãy chuyển các văn bản đó sang {noun} khác trước.",
        )
    if model is Field and entry.children:
        raise Refused(
            "",
            f"Không thể xóa lĩnh vực “{entry.name}”: còn "
            f"{len(entry.children)} lĩnh vực con. Hãy chuyển hoặc xóa các "
            "lĩnh vực con trước.",
        )
    audit(f"{prefix}.delete", entry, f"name={entry.name}", by=by, commit=False)
    db.session.delete(entry)
    db.session.commit()
