"""Official documents ("Văn bản") with their types, issuers, signers, fields and files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dates import utcnow
from app.extensions import db
from app.page_cache import PageContent
from app.trees import TreeNode

document_fields = Table(
    "document_fields",
    db.Model.metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("field_id", ForeignKey("document_field_list.id", ondelete="CASCADE"), primary_key=True),
)

# (document, the older document it replaces)
document_replacements = Table(
    "document_replacements",
    db.Model.metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("replaced_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
)

# Stored once per pair, either direction; Document.related reads both.
document_relations = Table(
    "document_relations",
    db.Model.metadata,
    Column("document_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
    Column("related_id", ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True),
)


class DocumentType(PageContent, db.Model):
    """Thể loại: Hướng dẫn, Công văn, Kế hoạch, Quyết định…"""

    __tablename__ = "document_types"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    position: Mapped[int] = mapped_column(default=0)

    def __repr__(self) -> str:
        return f"<DocumentType {self.slug}>"


class Issuer(PageContent, db.Model):
    """Cơ quan ban hành."""

    __tablename__ = "document_issuers"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(140), unique=True)

    def __repr__(self) -> str:
        return f"<Issuer {self.slug}>"


class Signer(PageContent, db.Model):
    """Người ký, with the position they signed in."""

    __tablename__ = "document_signers"
    __table_args__ = (UniqueConstraint("name", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    position: Mapped[str] = mapped_column(String(150), default="")

    def __repr__(self) -> str:
        return f"<Signer {self.name}>"


class Field(PageContent, TreeNode, db.Model):
    """Lĩnh vực: a tree; a document may belong to several."""

    __tablename__ = "document_field_list"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(150))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("document_field_list.id"))

    parent: Mapped[Field | None] = relationship(back_populates="children", remote_side="Field.id")
    children: Mapped[list[Field]] = relationship(back_populates="parent", order_by="Field.name")

    def __repr__(self) -> str:
        return f"<Field {self.slug}>"


class Document(PageContent, db.Model):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(60), unique=True)  # Số ký hiệu
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(400))
    summary: Mapped[str] = mapped_column(Text, default="")  # Trích yếu
    body: Mapped[str] = mapped_column(Text, default="")
    type_id: Mapped[int] = mapped_column(ForeignKey("document_types.id"), index=True)
    issuer_id: Mapped[int] = mapped_column(ForeignKey("document_issuers.id"), index=True)
    signer_id: Mapped[int | None] = mapped_column(ForeignKey("document_signers.id"), index=True)
    issued_on: Mapped[date] = mapped_column(index=True)
    in_force_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    published: Mapped[bool] = mapped_column(default=True)
    views: Mapped[int] = mapped_column(default=0)
    downloads: Mapped[int] = mapped_column(default=0)
    # Code, title and summary folded to lower case without diacritics, for search.
    search_text: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    type: Mapped[DocumentType] = relationship()
    issuer: Mapped[Issuer] = relationship()
    signer: Mapped[Signer | None] = relationship()
    fields: Mapped[list[Field]] = relationship(secondary=document_fields, order_by="Field.name")
    files: Mapped[list[DocumentFile]] = relationship(
        back_populates="document", cascade="all, delete-orphan", order_by="DocumentFile.position"
    )
    replaces: Mapped[list[Document]] = relationship(
        secondary=document_replacements,
        primaryjoin="Document.id == document_replacements.c.document_id",
        secondaryjoin="Document.id == document_replacements.c.replaced_id",
        back_populates="replaced_by",
    )
    replaced_by: Mapped[list[Document]] = relationship(
        secondary=document_replacements,
        primaryjoin="Document.id == document_replacements.c.replaced_id",
        secondaryjoin="Document.id == document_replacements.c.document_id",
        back_populates="replaces",
    )
    related_to: Mapped[list[Document]] = relationship(
        secondary=document_relations,
        primaryjoin="Document.id == document_relations.c.document_id",
        secondaryjoin="Document.id == document_relations.c.related_id",
    )
    related_from: Mapped[list[Document]] = relationship(
        secondary=document_relations,
        primaryjoin="Document.id == document_relations.c.related_id",
        secondaryjoin="Document.id == document_relations.c.document_id",
        viewonly=True,
    )

    def __repr__(self) -> str:
        return f"<Document {self.code}>"

    def in_force(self, today: date) -> bool:
        """Còn hiệu lực: derived from the dates, never stored."""
        if self.in_force_on is not None and today < self.in_force_on:
            return False
        return self.expires_on is None or today < self.expires_on

    def status_label(self, today: date) -> str:
        if self.in_force_on is not None and today < self.in_force_on:
            return "Chưa có hiệu lực"
        return "Còn hiệu lực" if self.in_force(today) else "Hết hiệu lực"

    @property
    def related(self) -> list[Document]:
        seen: dict[int, Document] = {}
        for doc in [*self.related_to, *self.related_from]:
            seen.setdefault(doc.id, doc)
        return sorted(seen.values(), key=lambda d: d.issued_on, reverse=True)

    def replacement_chain(self) -> tuple[list[Document], list[Document]]:
        """Everything this document replaced (transitively, newest first) and everything
        that replaced it (oldest first)."""
        older: list[Document] = []
        stack = list(self.replaces)
        while stack:
            doc = stack.pop(0)
            if doc not in older and doc is not self:
                older.append(doc)
                stack.extend(doc.replaces)
        newer: list[Document] = []
        stack = list(self.replaced_by)
        while stack:
            doc = stack.pop(0)
            if doc not in newer and doc is not self:
                newer.append(doc)
                stack.extend(doc.replaced_by)
        return older, newer


class DocumentFile(PageContent, db.Model):
    """An attached file, stored under instance/ by a generated name."""

    __tablename__ = "document_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id", ondelete="CASCADE"))
    stored_name: Mapped[str] = mapped_column(String(64), unique=True)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    document: Mapped[Document] = relationship(back_populates="files")

    def __repr__(self) -> str:
        return f"<DocumentFile {self.id} {self.original_name!r}>"

    @property
    def is_pdf(self) -> bool:
        return self.content_type == "application/pdf"
