"""Readers' votes: one row per article and visitor, kept in SQL (they outlive Redis)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, SmallInteger, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.dates import utcnow
from app.extensions import db


class RatingVote(db.Model):
    """One visitor's stars for one article. The unique constraint, not a "has voted?" query,
    is what keeps concurrent votes of one visitor to one (PITFALLS: vote races)."""

    __tablename__ = "rating_votes"
    __table_args__ = (UniqueConstraint("article_id", "visitor"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    visitor: Mapped[str] = mapped_column(String(64))  # the signed `vid` cookie's id
    stars: Mapped[int] = mapped_column(SmallInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def __repr__(self) -> str:
        return f"<RatingVote {self.stars} for {self.article_id}>"
