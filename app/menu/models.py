"""The items of the site's main menu: a tree at most three levels deep."""

from __future__ import annotations

import enum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.extensions import db
from app.page_cache import PageContent

# A top item, its sub-items and theirs: "at most two levels below the top".
MAX_DEPTH = 2


class MenuKind(enum.StrEnum):
    HOME = "home"
    CATEGORY = "category"  # target: the category's id
    PAGE = "page"  # target: the static page's slug
    DOCUMENTS = "documents"
    DOCUMENT = "document"  # target: the document's id
    URL = "url"  # target: an absolute http(s) address


class MenuItem(PageContent, db.Model):
    __tablename__ = "menu_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(100))
    kind: Mapped[MenuKind] = mapped_column(String(10))
    target: Mapped[str] = mapped_column(String(500), default="")
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("menu_items.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    new_tab: Mapped[bool] = mapped_column(default=False)

    def __repr__(self) -> str:
        return f"<MenuItem {self.id} {self.kind}:{self.target}>"
