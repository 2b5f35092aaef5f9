"""What an import brought over: each NukeViet row's new id, so running the import again
changes nothing, an interrupted one goes on where it stopped, and old URLs find their page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, String
from sqlalchemy.orm import Mapped, mapped_column

from app.dates import utcnow
from app.extensions import db


class ImportedRow(db.Model):
    """NukeViet row (`kind`, `old_id`) became our row `new_id` of that kind's table."""

    __tablename__ = "nukeviet_map"
    __table_args__ = (Index("ix_nukeviet_map_kind_old_alias", "kind", "old_alias"),)

    kind: Mapped[str] = mapped_column(String(20), primary_key=True)  # "category", "article"…
    old_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    new_id: Mapped[int | None]  # None: looked at and skipped (see `note`)
    old_alias: Mapped[str | None] = mapped_column(String(255))  # NukeViet's alias, for old URLs
    note: Mapped[str] = mapped_column(String(255), default="")  # why it was skipped
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<ImportedRow {self.kind}:{self.old_id} -> {self.new_id}>"
