"""Reads of the news feature: what readers may see, in the order they see it, and the views
editors get of the category tree and of pending revisions."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.news.models import (
    Article,
    ArticleRevision,
    ArticleSlug,
    ArticleStatus,
    Category,
    RevisionState,
    Tag,
    article_extra_categories,
)
from app.slugs import slugify
from app.stats.item_views import views_since
from app.trees import walk_tree


def visible_articles() -> Select[tuple[Article]]:
    """Published, due and unexpired articles, newest first."""
    return (
        select(Article)
        .where(Article.visible_clause())
        .options(selectinload(Article.category))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


def in_categories(query: Select, category_ids: Collection[int]) -> Select:
    """Articles whose main or extra category is one of `category_ids`."""
    extra = select(article_extra_categories.c.article_id).where(
        article_extra_categories.c.category_id.in_(category_ids)
    )
    return query.where(or_(Article.category_id.in_(category_ids), Article.id.in_(extra)))


def top_categories() -> list[Category]:
    return list(
        db.session.scalars(
            select(Category).where(Category.parent_id.is_(None)).order_by(Category.position)
        )
    )


def home_page(newest_count: int = 8, per_section: int = 4) -> dict:
    """The featured article, the newest ones, and a few per top category."""
    featured = db.session.scalar(
        visible_articles().where(Article.featured.is_(True)).limit(1)
    ) or db.session.scalar(visible_articles().limit(1))
    exclude = [featured.id] if featured else []
    newest = list(
        db.session.scalars(visible_articles().where(Article.id.not_in(exclude)).limit(newest_count))
    )
    sections = []
    for category in top_categories():
        articles = list(
            db.session.scalars(
                in_categories(visible_articles(), category.subtree_ids()).limit(per_section)
            )
        )
        if articles:
            sections.append((category, articles))
    return {"featured": featured, "newest": newest, "sections": sections}


def category_by_slug(slug: str) -> Category | None:
    return db.session.scalar(select(Category).where(Category.slug == slug))


def tag_by_slug(slug: str) -> Tag | None:
    return db.session.scalar(select(Tag).where(Tag.slug == slug))


def article_by_slug(slug: str) -> tuple[Article | None, bool]:
    """The article now at `slug`, or the one that used to be; True when it moved."""
    article = db.session.scalar(select(Article).where(Article.slug == slug))
    if article is not None:
        return article, False
    old = db.session.scalar(select(ArticleSlug).where(ArticleSlug.slug == slug))
    return (old.article, True) if old is not None else (None, False)


def neighbours(article: Article, count: int = 5) -> tuple[list[Article], list[Article]]:
    """Newer and older visible articles of the same main category."""
    same = visible_articles().where(
        Article.category_id == article.category_id, Article.id != article.id
    )
    key = (Article.published_at, Article.id)
    newer_cond = or_(key[0] > article.published_at,
                     (key[0] == article.published_at) & (key[1] > article.id))  # fmt: skip
    newer = list(
        db.session.scalars(
            same.where(newer_cond)
            .order_by(None)
            .order_by(Article.published_at.asc(), Article.id.asc())
            .limit(count)
        )
    )
    older = list(db.session.scalars(same.where(~newer_cond).limit(count)))
    return newer, older


def latest(limit: int = 20) -> list[Article]:
    return list(db.session.scalars(visible_articles().limit(limit)))


def all_categories() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def categories_by_ids(ids: list[int]) -> list[Category]:
    if not ids:
        return []
    return list(db.session.scalars(select(Category).where(Category.id.in_(ids))))


# --- The category tree and the editors' views of it ------------------------------------------


@dataclass(frozen=True)
class TreeRow:
    category: Category
    depth: int
    first: bool  # first among its siblings: cannot move up
    last: bool  # last among its siblings: cannot move down


def _all() -> list[Category]:
    return list(db.session.scalars(select(Category).order_by(Category.position, Category.id)))


def category_tree() -> list[TreeRow]:
    """Every category in display order, parents before their children (one whose parent is
    gone shows at the top)."""
    categories = _all()
    known = {c.id for c in categories}

    def parent(c: Category) -> int | None:
        return c.parent_id if c.parent_id in known else None

    return [TreeRow(*row) for row in walk_tree(categories, parent, lambda c: c.id)]


def slug_owner(slug: str) -> int | None:
    return db.session.scalar(select(Category.id).where(Category.slug == slug))


def proposed_slug(name: str, category_id: int | None = None) -> str:
    """A slug from `name` no other category uses (a number is added when needed)."""
    base = slugify(name)
    slug, n = base, 2
    while (owner := slug_owner(slug)) is not None and owner != category_id:
        slug, n = f"{base}-{n}", n + 1
    return slug


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


def pending_revisions(article: Article) -> list[ArticleRevision]:
    return list(
        db.session.scalars(
            select(ArticleRevision)
            .where(ArticleRevision.article_id == article.id)
            .where(ArticleRevision.state == RevisionState.PENDING)
            .order_by(ArticleRevision.id.desc())
        )
    )


def review_queue(
    category_ids: Collection[int] | None,
) -> tuple[list[Article], list[ArticleRevision]]:
    """What waits for a publisher: submitted articles (oldest submission first) and pending
    changes of published articles, in `category_ids` (None: everywhere)."""
    articles = select(Article).where(Article.status == ArticleStatus.SUBMITTED)
    changes = (
        select(ArticleRevision)
        .join(Article, Article.id == ArticleRevision.article_id)
        .where(ArticleRevision.state == RevisionState.PENDING)
    )
    if category_ids is not None:
        articles = articles.where(Article.category_id.in_(category_ids))
        changes = changes.where(Article.category_id.in_(category_ids))
    articles = articles.options(selectinload(Article.category)).order_by(
        Article.submitted_at.asc(), Article.id.asc()
    )
    return (
        list(db.session.scalars(articles)),
        list(db.session.scalars(changes.order_by(ArticleRevision.id.asc()))),
    )


def review_queue_size() -> int:
    """Submitted articles plus pending changes, everywhere (the dashboard's number)."""
    submitted = select(func.count(Article.id)).where(Article.status == ArticleStatus.SUBMITTED)
    pending = select(func.count(ArticleRevision.id)).where(
        ArticleRevision.state == RevisionState.PENDING
    )
    return (db.session.scalar(submitted) or 0) + (db.session.scalar(pending) or 0)


def previous_revision(revision: ArticleRevision) -> ArticleRevision | None:
    """The revision of the same article saved just before `revision`."""
    return db.session.scalar(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == revision.article_id)
        .where(ArticleRevision.id < revision.id)
        .order_by(ArticleRevision.id.desc())
        .limit(1)
    )


def own_turned_down(article: Article, user) -> ArticleRevision | None:
    """`user`'s newest revision of `article` when a publisher turned it down with a note."""
    newest = db.session.scalar(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .where(ArticleRevision.user_id == getattr(user, "id", None))
        .order_by(ArticleRevision.id.desc())
        .limit(1)
    )
    if newest is not None and newest.state == RevisionState.DISCARDED and newest.note:
        return newest
    return None


def own_pending_revision(article: Article, user) -> ArticleRevision | None:
    """The newest change `user` proposed for `article` that is still waiting."""
    mine = [r for r in pending_revisions(article) if r.user_id == getattr(user, "id", None)]
    return mine[0] if mine else None


# --- "Tin xem nhiều", feeds ---------------------------------------------------------------------


def most_read_ids(days: int, limit: int) -> list[int]:
    """Ids of the visible articles most viewed over the last `days` local days, most first."""
    views = views_since("article", days)
    query = (
        select(Article.id)
        .join(views, views.c.item_id == Article.id)
        .where(Article.visible_clause())
        .order_by(views.c.views.desc(), Article.id.desc())
        .limit(limit)
    )
    return list(db.session.scalars(query))


def visible_by_ids(ids: list[int]) -> list[Article]:
    """The articles of `ids` still visible, in the order of `ids`."""
    if not ids:
        return []
    found = {a.id: a for a in db.session.scalars(select(Article).where(
        Article.id.in_(ids), Article.visible_clause()))}  # fmt: skip
    return [found[i] for i in ids if i in found]


def latest_in(category: Category, limit: int = 20) -> list[Article]:
    """The newest visible articles of `category` and its subcategories."""
    query = in_categories(visible_articles(), category.subtree_ids()).limit(limit)
    return list(db.session.scalars(query))
