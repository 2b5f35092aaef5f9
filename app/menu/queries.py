"""The menu as the editor sees it: every item in tree order, with what it points to."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from app.documents.models import Document
from app.extensions import db
from app.menu.links import KIND_LABELS
from app.menu.models import MenuItem, MenuKind
from app.news.models import Category
from app.news.queries import category_tree
from app.pages.models import Page
from app.trees import walk_tree


@dataclass(frozen=True)
class Row:
    item: MenuItem
    depth: int
    first: bool  # first among its siblings: cannot move up
    last: bool  # last among its siblings: cannot move down
    target: str  # what it points to, for the editor
    broken: bool  # what it points to is gone: readers do not see it


def target_ids(items: list[MenuItem]) -> dict[MenuKind, set[int]]:
    """The ids the items point to, for the kinds that point to a row by id."""
    return {kind: {int(i.target) for i in items if i.kind == kind and i.target.isdigit()}
            for kind in (MenuKind.CATEGORY, MenuKind.DOCUMENT)}  # fmt: skip


def values_by_id(model, column, ids: set[int], *where) -> dict[int, str]:
    """`column` of the rows of `model` with these ids (and `where`), by id; no query for none."""
    if not ids:
        return {}
    query = select(model.id, column).where(model.id.in_(ids), *where)
    return dict(db.session.execute(query).all())


def published_page_slugs(items: list[MenuItem]) -> set[str]:
    """The published static pages' slugs, read only when an item points to a page (a draft
    page is no link yet)."""
    if not any(i.kind == MenuKind.PAGE for i in items):
        return set()
    return set(db.session.scalars(select(Page.slug).where(Page.published.is_(True))))


def menu_rows() -> list[Row]:
    """Every item, parents before their children; items no walk from the top reaches (a
    cycle written outside the app) come last, at the top level, so they can be fixed."""
    items = list(db.session.scalars(select(MenuItem).order_by(MenuItem.position, MenuItem.id)))
    ids = target_ids(items)
    names = {
        MenuKind.CATEGORY: values_by_id(Category, Category.name, ids[MenuKind.CATEGORY]),
        MenuKind.DOCUMENT: values_by_id(
            Document, Document.code, ids[MenuKind.DOCUMENT], Document.published.is_(True)
        ),
    }
    pages = published_page_slugs(items)

    def describe(item: MenuItem) -> tuple[str, bool]:
        kind = MenuKind(item.kind)
        if kind in names:
            name = names[kind].get(int(item.target)) if item.target.isdigit() else None
            return (f"{KIND_LABELS[kind]}: {name}", False) if name else (KIND_LABELS[kind], True)
        if kind == MenuKind.PAGE:
            return f"{KIND_LABELS[kind]}: {item.target}", item.target not in pages
        if kind == MenuKind.URL:
            return f"{KIND_LABELS[kind]}: {item.target}", False
        return KIND_LABELS[kind], False

    rows = walk_tree(items, lambda i: i.parent_id, lambda i: i.id)
    return [Row(item, depth, first, last, *describe(item)) for item, depth, first, last in rows]


def document_id(code: str) -> int | None:
    """The id of the document with this number/symbol (Số ký hiệu)."""
    return db.session.scalar(select(Document.id).where(Document.code == code))


def document_code(document_id: int) -> str:
    return db.session.scalar(select(Document.code).where(Document.id == document_id)) or ""


def page_choices() -> dict[str, str]:
    """The static pages' slugs and titles, drafts marked, for the page field's suggestions."""
    rows = db.session.execute(select(Page.slug, Page.title, Page.published).order_by(Page.position))
    return {slug: title + ("" if published else " (bản nháp)") for slug, title, published in rows}


def category_choices() -> dict[int, str]:
    """The news categories, indented as a tree, for a select."""
    return {0: "(Chọn chuyên mục)"} | {
        row.category.id: "— " * row.depth + row.category.name for row in category_tree()
    }


__all__ = [
    "Row",
    "category_choices",
    "document_code",
    "document_id",
    "menu_rows",
    "page_choices",
    "published_page_slugs",
    "target_ids",
    "values_by_id",
]
