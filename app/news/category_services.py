"""Writes for the category tree: create, edit, reorder, delete; each change audited."""

from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import IntegrityError

from app.audit.services import record as audit
from app.auth.models import user_categories
from app.extensions import db
from app.news.models import Article, Category, article_extra_categories
from app.slugs import slugify

log = logging.getLogger(__name__)

SLUG_TAKEN = "Đường dẫn “{}” đã được dùng cho chuyên mục khác."


class CategoryError(ValueError):
    """A change the tree refuses; the message is for the editor, `field` the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class TreeRow:
    category: Category
    depth: int
    first: bool  # first among its siblings: cannot move up
    last: bool  # last among its siblings: cannot move down


def _all() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def category_tree() -> list[TreeRow]:
    """Every category in display order, parents before their children."""
    categories = _all()
    known = {c.id for c in categories}
    by_parent: dict[int | None, list[Category]] = {}
    for c in categories:
        parent = c.parent_id if c.parent_id in known else None
        by_parent.setdefault(parent, []).append(c)
    rows: list[TreeRow] = []
    seen: set[int] = set()

    def walk(parent_id: int | None, depth: int) -> None:
        siblings = by_parent.get(parent_id, [])
        for i, c in enumerate(siblings):
            if c.id in seen:  # a damaged tree must not loop forever
                continue
            seen.add(c.id)
            rows.append(TreeRow(c, depth, i == 0, i == len(siblings) - 1))
            walk(c.id, depth + 1)

    walk(None, 0)
    # Anything unreachable (a cycle written outside this module) still shows, at the root.
    for c in categories:
        if c.id not in seen:
            seen.add(c.id)
            rows.append(TreeRow(c, 0, True, True))
    return rows


def descendant_ids(category: Category) -> set[int]:
    """The ids below `category` (not its own), from the parent links in the database."""
    children: dict[int | None, list[int]] = {}
    for cid, parent_id in db.session.execute(select(Category.id, Category.parent_id)):
        children.setdefault(parent_id, []).append(cid)
    found: set[int] = set()
    todo = list(children.get(category.id, []))
    while todo:
        cid = todo.pop()
        if cid not in found and cid != category.id:
            found.add(cid)
            todo.extend(children.get(cid, []))
    return found


def slug_owner(slug: str) -> int | None:
    return db.session.scalar(select(Category.id).where(Category.slug == slug))


def proposed_slug(name: str, category_id: int | None = None) -> str:
    """A slug from `name` no other category uses (a number is added when needed)."""
    base = slugify(name)
    slug, n = base, 2
    while (owner := slug_owner(slug)) is not None and owner != category_id:
        slug, n = f"{base}-{n}", n + 1
    return slug


def _resolve_slug(typed: str, name: str, category_id: int | None) -> str:
    """The slug typed (normalised), which must be free, or one proposed from the name."""
    if not typed.strip():
        return proposed_slug(name, category_id)
    slug = slugify(typed)
    owner = slug_owner(slug)
    if owner is not None and owner != category_id:
        raise CategoryError(SLUG_TAKEN.format(slug), "slug")
    return slug


def _check_parent(category: Category | None, parent: Category | None) -> None:
    if parent is None or category is None:
        return
    if parent.id == category.id or parent.id in descendant_ids(category):
        raise CategoryError(
            "Không thể chọn chính chuyên mục này hoặc một chuyên mục con của nó "
            "làm chuyên mục cha.",
            "parent",
        )


def _parent_is(parent_id: int | None):
    return Category.parent_id.is_(None) if parent_id is None else Category.parent_id == parent_id


def _next_position(parent_id: int | None, exclude: int | None = None) -> int:
    query = select(func.max(Category.position)).where(_parent_is(parent_id))
    if exclude is not None:
        query = query.where(Category.id != exclude)
    highest = db.session.scalar(query)
    return 0 if highest is None else highest + 1


@contextmanager
def _slug_guard(slug: str):
    """A slug taken by a concurrent save after it was checked becomes a field error."""
    try:
        yield
    except IntegrityError as exc:
        db.session.rollback()
        raise CategoryError(SLUG_TAKEN.format(slug), "slug") from exc


def create_category(
    *, name: str, slug: str = "", parent: Category | None = None, description: str = "", by
) -> Category:
    """A new category, last among its siblings."""
    name = " ".join(name.split())
    slug = _resolve_slug(slug, name, None)
    category = Category(
        name=name,
        slug=slug,
        parent=parent,
        description=description.strip(),
        position=_next_position(parent.id if parent else None),
    )
    with _slug_guard(slug):
        db.session.add(category)
        db.session.flush()
        audit("category.create", category, f"{name} ({slug})", user=by, commit=False)
        db.session.commit()
    log.info("category created: %s", slug)
    return category


def update_category(
    category: Category, *, name: str, slug: str, parent: Category | None, description: str, by
) -> Category:
    """Change a category; a new parent puts it last among its new siblings."""
    _check_parent(category, parent)
    name = " ".join(name.split())
    slug = _resolve_slug(slug, name, category.id)
    values = {"name": name, "slug": slug, "description": description.strip()}
    with _slug_guard(slug):
        changes = []
        for field, value in values.items():
            if getattr(category, field) != value:
                changes.append(f"{field}={value}")
                setattr(category, field, value)
        new_parent_id = parent.id if parent else None
        if category.parent_id != new_parent_id:
            old_parent_id = category.parent_id
            position = _next_position(new_parent_id, exclude=category.id)
            category.parent = parent
            category.position = position
            db.session.flush()
            _renumber(old_parent_id)
            changes.append(f"parent={new_parent_id or '-'}")
        audit("category.update", category, "; ".join(changes), user=by, commit=False)
        db.session.commit()
    return category


def _siblings(parent_id: int | None) -> list[Category]:
    query = select(Category).where(_parent_is(parent_id)).order_by(Category.position, Category.id)
    return list(db.session.scalars(query))


def _renumber(parent_id: int | None) -> list[Category]:
    siblings = _siblings(parent_id)
    for i, c in enumerate(siblings):
        c.position = i
    return siblings


def move_category(category: Category, direction: str, *, by) -> bool:
    """Swap with the previous ("up") or next ("down") sibling; False at either end."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    siblings = _renumber(category.parent_id)
    i = siblings.index(category)
    j = i - 1 if direction == "up" else i + 1
    if not 0 <= j < len(siblings):
        db.session.rollback()
        return False
    other = siblings[j]
    category.position, other.position = other.position, category.position
    audit(f"category.move.{direction}", category, f"position={category.position}", user=by,
          commit=False)  # fmt: skip
    db.session.commit()
    return True


def article_counts() -> dict[int, int]:
    """How many articles each category holds as their main category."""
    query = select(Article.category_id, func.count(Article.id)).group_by(Article.category_id)
    return {cid: n for cid, n in db.session.execute(query)}


def article_count(category_ids: set[int]) -> int:
    """Articles whose main or extra category is one of `category_ids`."""
    if not category_ids:
        return 0
    extra = select(article_extra_categories.c.article_id).where(
        article_extra_categories.c.category_id.in_(category_ids)
    )
    query = select(func.count(Article.id)).where(
        or_(Article.category_id.in_(category_ids), Article.id.in_(extra))
    )
    return db.session.scalar(query) or 0


def delete_category(category: Category, *, by) -> None:
    """Delete an empty leaf category; refuse one that holds articles or has children."""
    below = descendant_ids(category)
    articles = article_count(below | {category.id})
    children = len(_siblings(category.id))
    if articles:
        where = "trong chuyên mục này" if not below else "trong chuyên mục này và các mục con"
        raise CategoryError(
            f"Không thể xóa chuyên mục “{category.name}”: còn {articles} bài viết {where}. "
            "Hãy chuyển các bài viết sang chuyên mục khác trước."
        )
    if children:
        raise CategoryError(
            f"Không thể xóa chuyên mục “{category.name}”: còn {children} chuyên mục con. "
            "Hãy chuyển hoặc xóa các chuyên mục con trước."
        )
    parent_id = category.parent_id
    audit("category.delete", category, f"{category.name} ({category.slug})", user=by, commit=False)
    # SQLite does not enforce ON DELETE CASCADE here: detach editors explicitly.
    db.session.execute(delete(user_categories).where(user_categories.c.category_id == category.id))
    db.session.delete(category)
    db.session.flush()
    _renumber(parent_id)
    db.session.commit()
    log.info("category deleted: %s", category.slug)
