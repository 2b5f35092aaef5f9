"""Readers' comments on articles: plain text, moderated, replies one level deep."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text, event, inspect
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.dates import utcnow
from app.extensions import db
from app.news.models import Article
from app.page_cache import PageContent

NAME_MAX = 100
EMAIL_MAX = 254
CONTENT_MAX = 3000


class CommentStatus(enum.StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"


class Comment(PageContent, db.Model):
    """`ip_hash` is a keyed hash of the poster's address (app.comments.posting.poster_keys):
    it lets a moderator see that comments came from one address, never which one."""

    __tablename__ = "comments"
    __table_args__ = (
        Index("ix_comments_article_status_created", "article_id", "status", "created_at"),
        Index("ix_comments_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    parent_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    email: Mapped[str] = mapped_column(String(EMAIL_MAX))
    content: Mapped[str] = mapped_column(Text)
    status: Mapped[CommentStatus] = mapped_column(String(10), default=CommentStatus.PENDING)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    visitor: Mapped[str] = mapped_column(String(64), default="")
    ip_hash: Mapped[str] = mapped_column(String(64), default="")

    article: Mapped[Article] = relationship()
    parent: Mapped[Comment | None] = relationship(remote_side=[id], back_populates="replies")
    replies: Mapped[list[Comment]] = relationship(
        back_populates="parent", cascade="all, delete-orphan", order_by="Comment.created_at"
    )

    def __repr__(self) -> str:
        return f"<Comment {self.id} on {self.article_id} {self.status}>"

    @property
    def invalidates_pages(self) -> bool:
        """Readers see approved comments only: a change to one that is or was approved makes
        cached pages stale; a new pending comment or a rejection of one leaves them."""
        if self.status == CommentStatus.APPROVED:
            return True
        history = inspect(self).attrs.status.history
        return CommentStatus.APPROVED in (history.deleted or ())


@event.listens_for(Article, "before_delete")
def _drop_comments(mapper, connection, article: Article) -> None:
    """An article's comments go with it (SQLite enforces no foreign keys here)."""
    table = Comment.__table__
    connection.execute(table.delete().where(table.c.article_id == article.id))


__all__ = ["CONTENT_MAX", "EMAIL_MAX", "NAME_MAX", "Comment", "CommentStatus"]
