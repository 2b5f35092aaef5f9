"""Reads for the public pages: what readers may see, in the order they see it."""

from __future__ import annotations

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.news.models import Article, ArticleSlug, Category, Tag, article_extra_categories


def visible_articles() -> Select[tuple[Article]]:
    """Published, due and unexpired articles, newest first."""
    return (
        select(Article)
        .where(Article.visible_clause())
        .options(selectinload(Article.category))
        .order_by(Article.published_at.desc(), Article.id.desc())
    )


def in_categories(query: Select, category_ids: list[int]) -> Select:
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
                in_categories(visible_articles(), category.descendant_ids()).limit(per_section)
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
