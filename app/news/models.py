"""Categories, articles, tags and the slugs articles used to have."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Column, ForeignKey, Index, String, Table, Text, and_, or_, text, true
from sqlalchemy.orm import Mapped, backref, mapped_column, relationship

from app.dates import utcnow
from app.extensions import db
from app.page_cache import PageContent
from app.trees import TreeNode

if TYPE_CHECKING:  # a name for the type checker only
    from app.auth.models import User

# Which categories an editor may edit (administrators edit all). News owns the assignment:
# accounts (app.auth) know nothing of categories, each User gets `categories` from here.
user_categories = Table(
    "user_categories",
    db.Model.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)


class Category(PageContent, TreeNode, db.Model):
    __tablename__ = "categories"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    description: Mapped[str] = mapped_column(Text, default="")
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("categories.id"), index=True)
    position: Mapped[int] = mapped_column(default=0)

    parent: Mapped[Category | None] = relationship(
        back_populates="children", remote_side="Category.id"
    )
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.position"
    )
    editors: Mapped[list[User]] = relationship(
        secondary=user_categories,
        backref=backref("categories", order_by="Category.position"),
    )

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"

    def breadcrumb(self) -> list[Category]:
        chain: list[Category] = []
        node: Category | None = self
        while node is not None and node not in chain:
            chain.insert(0, node)
            node = node.parent
        return chain


class ArticleStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SCHEDULED = "scheduled"
    EXPIRED = "expired"
    SUBMITTED = "submitted"  # an editor without the publish right asks a publisher to publish
    RETURNED = "returned"  # a publisher sent it back with a note (Article.review_note)


# The states readers may see (when due and unexpired); every other state is the newsroom's.
LIVE_STATUSES = (ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED)


class ImagePosition(enum.StrEnum):
    HIDDEN = "hidden"
    BESIDE = "beside"
    UNDER = "under"


article_extra_categories = Table(
    "article_extra_categories",
    db.Model.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("category_id", ForeignKey("categories.id", ondelete="CASCADE"), primary_key=True),
)

article_tags = Table(
    "article_tags",
    db.Model.metadata,
    Column("article_id", ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("tag_id", ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
)


class Tag(PageContent, db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    slug: Mapped[str] = mapped_column(String(120), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


class Article(PageContent, db.Model):
    __tablename__ = "articles"
    __table_args__ = (Index("ix_articles_category_published", "category_id", "published_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"))
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    image: Mapped[str | None] = mapped_column(String(100))
    image_caption: Mapped[str] = mapped_column(String(300), default="")
    image_position: Mapped[ImagePosition] = mapped_column(String(10), default=ImagePosition.BESIDE)
    author: Mapped[str] = mapped_column(String(200), default="")
    source: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[ArticleStatus] = mapped_column(String(12), default=ArticleStatus.DRAFT)
    featured: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column(index=True)
    expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    views: Mapped[int] = mapped_column(default=0)
    comment_count: Mapped[int] = mapped_column(default=0)
    rating_total: Mapped[int] = mapped_column(default=0)
    rating_count: Mapped[int] = mapped_column(default=0)
    rating_enabled: Mapped[bool] = mapped_column(default=True, server_default=true())
    # The workflow: when it was last submitted, and the publisher's last decision on it.
    submitted_at: Mapped[datetime | None]
    review_note: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))
    reviewed_by: Mapped[str] = mapped_column(String(60), default="", server_default=text("''"))
    reviewed_at: Mapped[datetime | None]

    category: Mapped[Category] = relationship()
    extra_categories: Mapped[list[Category]] = relationship(secondary=article_extra_categories)
    tags: Mapped[list[Tag]] = relationship(secondary=article_tags, order_by="Tag.name")
    old_slugs: Mapped[list[ArticleSlug]] = relationship(
        back_populates="article", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Article {self.id} {self.slug}>"

    @classmethod
    def visible_clause(cls, now: datetime | None = None):
        """SQL condition for what readers may see at `now`."""
        now = now or utcnow()
        return and_(
            cls.status.in_(LIVE_STATUSES),
            cls.published_at.is_not(None),
            cls.published_at <= now,
            or_(cls.expires_at.is_(None), cls.expires_at > now),
        )

    def effective_status(self, now: datetime | None = None) -> ArticleStatus:
        """What readers experience: a due schedule is published, a past expiry expired."""
        now = now or utcnow()
        if self.status not in LIVE_STATUSES:
            return ArticleStatus(self.status)
        if self.expires_at is not None and self.expires_at <= now:
            return ArticleStatus.EXPIRED
        if self.published_at is None or self.published_at > now:
            return ArticleStatus.SCHEDULED
        return ArticleStatus.PUBLISHED

    def is_visible(self, now: datetime | None = None) -> bool:
        return self.effective_status(now) == ArticleStatus.PUBLISHED

    @property
    def rating_average(self) -> float:
        return self.rating_total / self.rating_count if self.rating_count else 0.0


class ArticleSlug(PageContent, db.Model):
    """A slug an article was published under before a title change; it keeps redirecting."""

    __tablename__ = "article_slugs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(140), unique=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    article: Mapped[Article] = relationship(back_populates="old_slugs")

    def __repr__(self) -> str:
        return f"<ArticleSlug {self.slug} -> {self.article_id}>"


class RevisionState(enum.StrEnum):
    SAVED = "saved"  # a save that changed the article
    PENDING = "pending"  # a save of a published article waiting for a publisher
    APPLIED = "applied"  # a pending save a publisher put on the article
    DISCARDED = "discarded"  # a pending save a publisher turned down


class ArticleRevision(db.Model):
    """The article as one save left it: who, when, and every field an editor can change.

    A save of a published article by someone without the publish right is kept here as
    PENDING and leaves the article untouched until a publisher applies it."""

    __tablename__ = "article_revisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    username: Mapped[str] = mapped_column(String(60), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    title: Mapped[str] = mapped_column(String(300))
    lead: Mapped[str] = mapped_column(Text, default="")
    body: Mapped[str] = mapped_column(Text, default="")
    # The other fields (status, dates, categories, tags, image…) as JSON.
    fields: Mapped[str] = mapped_column(Text, default="{}")
    state: Mapped[RevisionState] = mapped_column(
        String(12),
        default=RevisionState.SAVED,
        server_default=RevisionState.SAVED.value,
        index=True,
    )
    # What the save was, when it was more than a save: "Gửi duyệt", "Trả lại: …", a restore.
    note: Mapped[str] = mapped_column(Text, default="", server_default=text("''"))

    def __repr__(self) -> str:
        return f"<ArticleRevision {self.id} of {self.article_id}>"
