"""Writes to the main menu (audited): add, change, delete and reorder items."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from sqlalchemy import func, select

from app.audit.operations import apply_changes
from app.audit.operations import record as audit
from app.documents.models import Document
from app.extensions import db
from app.menu import store
from app.menu.links import url_error
from app.menu.models import MAX_DEPTH, MenuItem, MenuKind
from app.news.models import Category
from app.ordering import move_in_order

if TYPE_CHECKING:
    from app.auth.models import User

ITEM_FIELDS = ("label", "kind", "target", "parent_id", "new_tab")
MAX_LABEL = 100
PAGE_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


class MenuError(ValueError):
    """A value the menu refuses; the message is for the editor, `field` the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def parent_links() -> dict[int, int | None]:
    """Every item's parent, read in one query."""
    return dict(db.session.execute(select(MenuItem.id, MenuItem.parent_id)).all())


def depth_of(item_id: int | None, parents: dict[int, int | None]) -> int:
    """0 for a top item, 1 below it, ...; a cycle written outside the app stops the walk."""
    depth, seen = 0, set()
    node = parents.get(item_id) if item_id is not None else None
    while node is not None and node not in seen:
        seen.add(node)
        depth += 1
        node = parents.get(node)
    return depth


def subtree_ids(item_id: int, parents: dict[int, int | None]) -> list[int]:
    """The item and every item below it, parents before children."""
    found, todo = [item_id], [item_id]
    while todo:
        current = todo.pop()
        for child, parent in parents.items():
            if parent == current and child not in found:
                found.append(child)
                todo.append(child)
    return found


def _height(item_id: int, parents: dict[int, int | None]) -> int:
    """How many levels hang below the item (0: none)."""
    base = depth_of(item_id, parents)
    return max(depth_of(i, parents) for i in subtree_ids(item_id, parents)) - base


def _check_target(kind: MenuKind, target: str) -> str:
    if kind in (MenuKind.HOME, MenuKind.DOCUMENTS):
        return ""
    if kind == MenuKind.CATEGORY:
        if not target.isdigit() or db.session.get(Category, int(target)) is None:
            raise MenuError("Chọn chuyên mục trong danh sách.", "category")
    elif kind == MenuKind.DOCUMENT:
        if not target.isdigit() or db.session.get(Document, int(target)) is None:
            raise MenuError("Không tìm thấy văn bản có số ký hiệu này.", "document")
    elif kind == MenuKind.PAGE:
        if len(target) > 140 or not PAGE_SLUG.fullmatch(target):
            raise MenuError(
                "Đường dẫn trang chỉ gồm chữ thường không dấu, số và dấu gạch ngang, "
                "ví dụ gioi-thieu.",
                "page",
            )
    elif kind == MenuKind.URL:
        error = url_error(target)
        if error:
            raise MenuError(error, "url")
    return target


def _validate(values: dict, item: MenuItem | None) -> dict:
    label = (values.get("label") or "").strip()
    if not label:
        raise MenuError("Nhập tên mục.", "label")
    if len(label) > MAX_LABEL:
        raise MenuError(f"Tên mục tối đa {MAX_LABEL} ký tự.", "label")
    try:
        kind = MenuKind(values.get("kind"))
    except ValueError as exc:
        raise MenuError("Chọn loại liên kết trong danh sách.", "kind") from exc
    target = _check_target(kind, (values.get("target") or "").strip())
    parent_id = values.get("parent_id")
    parents = parent_links()
    if parent_id is not None:
        if parent_id not in parents:
            raise MenuError("Mục cha không còn tồn tại.", "parent")
        if item is not None and parent_id in subtree_ids(item.id, parents):
            raise MenuError("Không thể đặt một mục vào bên trong chính nó.", "parent")
        below = _height(item.id, parents) if item is not None else 0
        if depth_of(parent_id, parents) + 1 + below > MAX_DEPTH:
            raise MenuError(
                f"Menu có tối đa {MAX_DEPTH + 1} cấp: chọn mục cha ở cấp cao hơn.", "parent"
            )
    return {"label": label, "kind": kind, "target": target, "parent_id": parent_id,
            "new_tab": bool(values.get("new_tab"))}  # fmt: skip


def _under(parent_id: int | None):
    """The items whose parent is `parent_id` (the top items for None)."""
    return MenuItem.parent_id.is_(None) if parent_id is None else MenuItem.parent_id == parent_id


def _next_position(parent_id: int | None) -> int:
    last = db.session.scalar(select(func.max(MenuItem.position)).where(_under(parent_id)))
    return 0 if last is None else last + 1


def _describe(item: MenuItem) -> str:
    return f"{item.label} -> {item.kind}:{item.target}"


def _commit() -> None:
    db.session.commit()
    store.forget()


def create_item(*, by: User | None, commit: bool = True, **values) -> MenuItem:
    """A new item at the end of its parent's list; `values` are ITEM_FIELDS. `commit=False`:
    flushed only; the caller commits (with its own rows) and then calls store.forget()."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown menu item fields: {sorted(unknown)}")
    checked = _validate(values, None)
    item = MenuItem(**checked, position=_next_position(checked["parent_id"]))
    db.session.add(item)
    db.session.flush()
    audit("menu.create", item, _describe(item), by=by, commit=False)
    if commit:
        _commit()
    return item


def update_item(item: MenuItem, *, by: User | None, **values) -> MenuItem:
    """Change the item; moved under another parent, it goes to the end of that list."""
    unknown = set(values) - set(ITEM_FIELDS)
    if unknown:
        raise TypeError(f"unknown menu item fields: {sorted(unknown)}")
    checked = _validate({name: getattr(item, name) for name in ITEM_FIELDS} | values, item)
    if checked["parent_id"] != item.parent_id:
        item.position = _next_position(checked["parent_id"])
    changes = apply_changes(item, checked.items())
    audit("menu.update", item, "; ".join(changes), by=by, commit=False)
    _commit()
    return item


def delete_item(item: MenuItem, *, by: User | None) -> int:
    """Delete the item and every item below it; how many were deleted."""
    ids = subtree_ids(item.id, parent_links())
    audit("menu.delete", item, _describe(item) + f" (+{len(ids) - 1} mục con)", by=by,
          commit=False)  # fmt: skip
    for item_id in reversed(ids):  # children first: no row is left pointing at a gone one
        db.session.delete(db.session.get(MenuItem, item_id))
        db.session.flush()
    _commit()
    return len(ids)


def move_item(item: MenuItem, offset: int, *, by: User | None) -> bool:
    """Move the item `offset` places (-1 up, +1 down) among its siblings; False at an end."""
    query = select(MenuItem).where(_under(item.parent_id))
    siblings = db.session.scalars(query.order_by(MenuItem.position, MenuItem.id))
    if not move_in_order(list(siblings), item, offset, start=0):
        return False
    audit("menu.move", item, f"{item.label}: {'lên' if offset < 0 else 'xuống'}", by=by,
          commit=False)  # fmt: skip
    _commit()
    return True


__all__ = [
    "ITEM_FIELDS",
    "MenuError",
    "create_item",
    "delete_item",
    "depth_of",
    "move_item",
    "parent_links",
    "subtree_ids",
    "update_item",
]
