"""Writes of the news feature: articles, their revisions and the category tree. A function
here changes state, audits what a person did and commits; views call it and redirect."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.audit.operations import record as audit
from app.dates import utcnow
from app.extensions import db
from app.html_sanitizer import sanitize_html
from app.news import queries
from app.news.models import (
    Article,
    ArticleRevision,
    ArticleSlug,
    ArticleStatus,
    Category,
    ImagePosition,
    RevisionState,
    Tag,
)
from app.ordering import move_in_order
from app.slugs import slugify

if TYPE_CHECKING:
    from app.auth.models import User

log = logging.getLogger(__name__)

ARTICLE_FIELDS = {
    "title", "lead", "body", "image", "image_caption", "image_position", "author", "source",
    "status", "featured", "published_at", "expires_at", "category", "rating_enabled",
}  # fmt: skip


def _slug_taken(slug: str, article_id: int | None) -> bool:
    current = db.session.scalar(select(Article.id).where(Article.slug == slug))
    if current is not None and current != article_id:
        return True
    old_owner = db.session.scalar(select(ArticleSlug.article_id).where(ArticleSlug.slug == slug))
    return old_owner is not None and old_owner != article_id


def unique_article_slug(text: str, article_id: int | None = None) -> str:
    """A slug from `text` used by no other article, now or in the past."""
    base = slugify(text)
    slug, n = base, 2
    while _slug_taken(slug, article_id):
        slug, n = f"{base}-{n}", n + 1
    return slug


def get_or_create_tags(names: Iterable[str]) -> list[Tag]:
    tags: list[Tag] = []
    for name in names:
        name = " ".join(name.split())[:100]
        if not name:
            continue
        slug = slugify(name)
        tag = db.session.scalar(select(Tag).where(Tag.slug == slug))
        if tag is None:
            tag = Tag(name=name, slug=slug)
            db.session.add(tag)
        if tag not in tags:
            tags.append(tag)
    return tags


def create_article(
    *,
    title: str,
    category: Category,
    extra_categories: Iterable[Category] = (),
    tags: Iterable[str] = (),
    slug: str | None = None,
    commit: bool = True,
    **fields,
) -> Article:
    """Create an article; the body is sanitised whatever the caller passed."""
    unknown = set(fields) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    article = Article(title=title, category=category, **fields)
    article.body = sanitize_html(article.body or "")
    article.slug = unique_article_slug(slug or title)
    article.extra_categories = [c for c in extra_categories if c is not category]
    article.tags = get_or_create_tags(tags)
    if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = utcnow()
    db.session.add(article)
    if commit:
        db.session.commit()
        log.info("article created: %s", article.id)
    return article


def update_article(
    article: Article, *, tags: Iterable[str] | None = None, commit: bool = True, **fields
) -> Article:
    """Change an article; a new slug keeps the old one redirecting."""
    new_slug = fields.pop("slug", None)
    extra = fields.pop("extra_categories", None)
    unknown = set(fields) - ARTICLE_FIELDS
    if unknown:
        raise TypeError(f"unknown article fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(article, name, value)
    if "body" in fields:
        article.body = sanitize_html(article.body or "")
    if new_slug is not None:
        wanted = unique_article_slug(new_slug, article.id)
        if wanted != article.slug:
            rename_article_slug(article, wanted)
    if extra is not None:
        article.extra_categories = [c for c in extra if c is not article.category]
    if tags is not None:
        article.tags = get_or_create_tags(tags)
    if commit:
        db.session.commit()
        log.info("article updated: %s", article.id)
    return article


def rename_article_slug(article: Article, new_slug: str) -> None:
    """Move the article to `new_slug`, remembering the current one for redirects."""
    reclaimed = db.session.scalar(select(ArticleSlug).where(ArticleSlug.slug == new_slug))
    if reclaimed is not None:  # going back to a slug the article used before
        db.session.delete(reclaimed)
        db.session.flush()
    db.session.add(ArticleSlug(slug=article.slug, article=article))
    article.slug = new_slug


def snapshot_fields(article: Article) -> dict:
    """The fields a revision keeps besides title, lead and body."""
    return {
        "slug": article.slug,
        "category_id": article.category_id,
        "extra_category_ids": [c.id for c in article.extra_categories],
        "tags": [t.name for t in article.tags],
        "image": article.image,
        "image_caption": article.image_caption,
        "image_position": str(article.image_position),
        "author": article.author,
        "source": article.source,
        "status": str(article.status),
        "featured": article.featured,
        "rating_enabled": article.rating_enabled,
        "published_at": article.published_at.isoformat() if article.published_at else None,
        "expires_at": article.expires_at.isoformat() if article.expires_at else None,
    }


def record_revision(
    article: Article, *, by: User, state: RevisionState = RevisionState.SAVED, note: str = ""
) -> ArticleRevision:
    revision = ArticleRevision(
        state=state,
        note=note,
        article_id=article.id,
        user_id=by.id,
        username=by.username,
        title=article.title,
        lead=article.lead,
        body=article.body,
        fields=json.dumps(snapshot_fields(article), ensure_ascii=False),
    )
    db.session.add(revision)
    return revision


SUBMIT_NOTE = "Gửi duyệt"


def save_article(article: Article | None, *, by: User, values: dict, tags: list[str],
                 extra_categories: list[Category]) -> Article:  # fmt: skip
    """Create or update from the editor form: sanitised, revision kept, audited."""
    slug = values.pop("slug", None) or values["title"]
    previous_status = None
    if article is None:
        article = create_article(slug=slug, tags=tags, extra_categories=extra_categories,
                                 commit=False, **values)  # fmt: skip
        db.session.flush()
        action = "article.create"
    else:
        previous_status = article.status
        update_article(article, slug=slug, tags=tags, extra_categories=extra_categories,
                       commit=False, **values)  # fmt: skip
        action = "article.update"
        if previous_status != article.status:
            action = f"article.status.{article.status}"
    note = ""
    if article.status == ArticleStatus.SUBMITTED and previous_status != ArticleStatus.SUBMITTED:
        action, note = "article.submit", SUBMIT_NOTE
        article.submitted_at = utcnow()
    if article.status == ArticleStatus.PUBLISHED and article.published_at is None:
        article.published_at = utcnow()
    record_revision(article, by=by, note=note)
    audit(action, article, article.title, by=by, commit=False)
    db.session.commit()
    log.info("%s %s by %s", action, article.id, by.username)
    return article


def set_status(articles: list[Article], status: ArticleStatus, *, by: User) -> int:
    for article in articles:
        article.status = status
        if status == ArticleStatus.PUBLISHED and article.published_at is None:
            article.published_at = utcnow()
        record_revision(article, by=by)
        audit(f"article.status.{status}", article, article.title, by=by, commit=False)
    db.session.commit()
    return len(articles)


def delete_articles(articles: list[Article], *, by: User) -> int:
    for article in articles:
        audit("article.delete", article, article.title, by=by, commit=False)
        db.session.delete(article)
    db.session.commit()
    return len(articles)


# --- Changes to published articles that wait for a publisher ------------------------------------

# What a save without the publish right may propose for a published article. Status, slug,
# publication and expiry dates and "featured" decide whether and where readers see it: they
# stay as a publisher set them.
PROPOSABLE_FIELDS = ("title", "lead", "body", "category", "image", "image_caption",
                     "image_position", "author", "source")  # fmt: skip


# States an editor without the publish right still owns: saving them changes the article.
EDITABLE_UNPUBLISHED = (ArticleStatus.DRAFT, ArticleStatus.SUBMITTED, ArticleStatus.RETURNED)


def needs_approval(article: Article | None, may_publish: bool) -> bool:
    """Whether a save of `article` must wait for a publisher instead of changing it."""
    return article is not None and article.status not in EDITABLE_UNPUBLISHED and not may_publish


def propose_changes(article: Article, *, by: User, values: dict, tags: list[str],
                    extra_categories: list[Category]) -> ArticleRevision:  # fmt: skip
    """Keep a save of a published article as a pending revision; the article (what readers
    see) is left untouched. The editor's earlier pending revision of it is replaced: the
    editor was shown it and saved on top of it."""
    earlier = queries.own_pending_revision(article, by)
    proposed = {name: values[name] for name in PROPOSABLE_FIELDS if name in values}
    if "image" not in proposed:  # no new upload, no removal: keep what was there
        proposed["image"] = (
            json.loads(earlier.fields or "{}").get("image", article.image)
            if earlier is not None
            else article.image
        )
    fields = snapshot_fields(article)  # status, slug and dates stay the article's own
    fields.update(
        category_id=proposed["category"].id,
        extra_category_ids=[c.id for c in extra_categories if c is not proposed["category"]],
        tags=[" ".join(t.split())[:100] for t in tags if t.strip()],
        image=proposed["image"],
        image_caption=proposed.get("image_caption", ""),
        image_position=str(proposed.get("image_position", ImagePosition.BESIDE)),
        author=proposed.get("author", ""),
        source=proposed.get("source", ""),
    )
    revision = ArticleRevision(
        article_id=article.id,
        user_id=by.id,
        username=by.username,
        title=proposed["title"],
        lead=proposed["lead"],
        body=sanitize_html(proposed.get("body") or ""),
        fields=json.dumps(fields, ensure_ascii=False),
        state=RevisionState.PENDING,
    )
    db.session.add(revision)
    if earlier is not None:
        earlier.state = RevisionState.DISCARDED
    db.session.flush()
    audit("article.propose", article, f"revision={revision.id}; {revision.title}",
          by=by, commit=False)  # fmt: skip
    db.session.commit()
    log.info("article.propose %s revision %s by %s", article.id, revision.id,
             by.username)  # fmt: skip
    return revision


class NotApplicable(ValueError):
    """A pending revision that cannot be applied; the message is for the publisher."""


def put_revision_on(
    article: Article, revision: ArticleRevision, *, allowed_category: Callable[[int], bool]
) -> None:
    """Give `article` the content `revision` kept: title, lead, body, categories, tags,
    image, author, source. Status, slug and dates stay: they decide whether and where
    readers see it. Not committed. NotApplicable when its category is gone or not allowed."""
    fields = json.loads(revision.fields or "{}")
    category = db.session.get(Category, fields.get("category_id"))
    if category is None or not allowed_category(category.id):
        raise NotApplicable(
            "Phiên bản này đặt bài vào một chuyên mục không còn tồn tại hoặc bạn không được "
            "đăng bài vào; hãy sửa bài trực tiếp."
        )
    extras = []
    if fields.get("extra_category_ids"):
        extras = list(
            db.session.scalars(
                select(Category).where(Category.id.in_(fields["extra_category_ids"]))
            )
        )
    position = fields.get("image_position")
    if position not in set(ImagePosition):
        position = ImagePosition.BESIDE
    update_article(
        article,
        tags=fields.get("tags", []),
        extra_categories=[c for c in extras if allowed_category(c.id)],
        commit=False,
        title=revision.title,
        lead=revision.lead,
        body=revision.body,
        category=category,
        image=fields.get("image"),
        image_caption=fields.get("image_caption", ""),
        image_position=ImagePosition(position),
        author=fields.get("author", ""),
        source=fields.get("source", ""),
    )


def apply_revision(
    revision: ArticleRevision, *, by: User, allowed_category: Callable[[int], bool]
) -> Article:
    """Put a pending revision on its article (status, slug and dates unchanged), keep the
    result as a revision, audit. `allowed_category(id)` says whether `by` may publish in
    a category."""
    if revision.state != RevisionState.PENDING:
        raise NotApplicable("Bản sửa này không còn chờ duyệt.")
    article = db.session.get(Article, revision.article_id)
    put_revision_on(article, revision, allowed_category=allowed_category)
    revision.state = RevisionState.APPLIED
    record_revision(article, by=by)
    audit("article.propose.apply", article, f"revision={revision.id} by {revision.username}",
          by=by, commit=False)  # fmt: skip
    db.session.commit()
    log.info("article.propose.apply %s revision %s by %s", article.id, revision.id,
             by.username)  # fmt: skip
    return article


def discard_revision(revision: ArticleRevision, *, by: User, note: str = "") -> None:
    """Turn down a pending revision; the article stays as it is. A note (why, what to change)
    is kept on the revision for its editor to read."""
    if revision.state != RevisionState.PENDING:
        raise NotApplicable("Bản sửa này không còn chờ duyệt.")
    revision.state = RevisionState.DISCARDED
    note = " ".join(note.split())[:2000]
    detail = f"revision={revision.id} by {revision.username}"
    if note:
        revision.note = f"Trả lại: {note}"
        detail += f"; {note}"
    audit("article.propose.discard", None, detail, by=by, commit=False, object_type="article",
          object_id=str(revision.article_id))  # fmt: skip
    db.session.commit()
    log.info("article.propose.discard %s revision %s by %s", revision.article_id, revision.id,
             by.username)  # fmt: skip


def assign_categories(user: User, category_ids: list[int]) -> str:
    """Let `user` edit exactly these categories (unknown ids are ignored); not committed, the
    account's save commits. The note for the account's audit row, "" when nothing changed."""
    categories = queries.categories_by_ids(category_ids)
    if {c.id for c in categories} == {c.id for c in user.categories}:
        return ""
    user.categories = categories
    return "categories=" + ",".join(str(c.id) for c in categories)


# --- The category tree ---------------------------------------------------------------------------

SLUG_TAKEN = "Đường dẫn “{}” đã được dùng cho chuyên mục khác."


class CategoryError(ValueError):
    """A change the tree refuses; the message is for the editor, `field` the form field."""

    def __init__(self, message: str, field: str = "") -> None:
        super().__init__(message)
        self.field = field


def _resolve_slug(typed: str, name: str, category_id: int | None) -> str:
    """The slug typed (normalised), which must be free, or one proposed from the name."""
    if not typed.strip():
        return queries.proposed_slug(name, category_id)
    slug = slugify(typed)
    owner = queries.slug_owner(slug)
    if owner is not None and owner != category_id:
        raise CategoryError(SLUG_TAKEN.format(slug), "slug")
    return slug


def _check_parent(category: Category | None, parent: Category | None) -> None:
    if parent is None or category is None:
        return
    if parent.id in category.subtree_ids():
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
    name: str,
    *,
    slug: str = "",
    parent: Category | None = None,
    description: str = "",
    position: int | None = None,
    by: User | None,
    commit: bool = True,
) -> Category:
    """A new category, last among its siblings unless `position` is given. A slug typed must
    be free (CategoryError otherwise); none typed, one is proposed from the name. Audited when
    a person made it; `by=None` is the system (demo seed, fixtures) and leaves no audit row.
    `commit=False` only flushes: the caller commits it with its own rows (an import's map
    row); a slug taken meanwhile still rolls back and raises CategoryError."""
    name = " ".join(name.split())
    slug = _resolve_slug(slug, name, None)
    category = Category(
        name=name,
        slug=slug,
        parent=parent,
        description=description.strip(),
        position=_next_position(parent.id if parent else None) if position is None else position,
    )
    with _slug_guard(slug):
        db.session.add(category)
        db.session.flush()
        if by is not None:
            audit("category.create", category, f"{name} ({slug})", by=by, commit=False)
        if commit:
            db.session.commit()
    log.info("category created: %s", slug)
    return category


def update_category(
    category: Category,
    *,
    name: str,
    slug: str,
    parent: Category | None,
    description: str,
    by: User,
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
        audit("category.update", category, "; ".join(changes), by=by, commit=False)
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


def move_category(category: Category, direction: str, *, by: User) -> bool:
    """Swap with the previous ("up") or next ("down") sibling; False at either end."""
    if direction not in ("up", "down"):
        raise ValueError(direction)
    step = -1 if direction == "up" else 1
    if not move_in_order(_siblings(category.parent_id), category, step, start=0):
        return False
    audit(f"category.move.{direction}", category, f"position={category.position}", by=by,
          commit=False)  # fmt: skip
    db.session.commit()
    return True


def delete_category(category: Category, *, by: User) -> None:
    """Delete an empty leaf category; refuse one that holds articles or has children."""
    below = category.subtree_ids() - {category.id}
    articles = queries.article_count(below | {category.id})
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
    audit("category.delete", category, f"{category.name} ({category.slug})", by=by, commit=False)
    # SQLite does not enforce ON DELETE CASCADE here: the ORM removes the category's rows of
    # user_categories (through Category.editors) with it, so editors are detached.
    db.session.delete(category)
    db.session.flush()
    _renumber(parent_id)
    db.session.commit()
    log.info("category deleted: %s", category.slug)
