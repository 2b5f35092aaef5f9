"""Reading comments: what readers see (approved, in threads) and the moderators' queue."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from flask import abort
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, and_, func, or_, select
from sqlalchemy.orm import aliased, contains_eager

from app.comments.models import Comment, CommentStatus
from app.extensions import db
from app.news.models import Article

if TYPE_CHECKING:
    from app.auth.models import User

ORDERS = {"newest": "moi", "oldest": "cu"}  # setting value -> the reader's query value
_Parent = aliased(Comment)


def shown_clause():
    """Comments readers see: approved, and a reply only under an approved comment."""
    parent_shown = select(_Parent.id).where(
        _Parent.id == Comment.parent_id, _Parent.status == CommentStatus.APPROVED
    )
    return and_(
        Comment.status == CommentStatus.APPROVED,
        or_(Comment.parent_id.is_(None), parent_shown.exists()),
    )


def shown_count(article_id: int) -> int:
    """The article's comment count: what readers can see."""
    query = select(func.count(Comment.id)).where(Comment.article_id == article_id, shown_clause())
    return db.session.scalar(query) or 0


def threads(article: Article, page: int, per_page: int, order: str) -> Pagination:
    """One page of `article`'s approved top comments, each with `shown_replies` (approved,
    oldest first). `order`: "newest" or "oldest". Past the last page: 404."""
    newest = order == "newest"
    query = (
        select(Comment)
        .where(
            Comment.article_id == article.id,
            Comment.parent_id.is_(None),
            Comment.status == CommentStatus.APPROVED,
        )
        .order_by(
            Comment.created_at.desc() if newest else Comment.created_at.asc(),
            Comment.id.desc() if newest else Comment.id.asc(),
        )
    )
    if page < 1:
        abort(404)
    pagination = db.paginate(query, page=page, per_page=per_page, error_out=False)
    if page > 1 and not pagination.items:  # page 1 of no comments is the empty section
        abort(404)
    replies: dict[int, list[Comment]] = {c.id: [] for c in pagination.items}
    if replies:
        found = db.session.scalars(
            select(Comment)
            .where(Comment.parent_id.in_(replies), Comment.status == CommentStatus.APPROVED)
            .order_by(Comment.created_at, Comment.id)
        )
        for reply in found:
            replies[reply.parent_id].append(reply)
    for comment in pagination.items:
        comment.shown_replies = replies[comment.id]
    return pagination


def in_scope(query: Select, user: User) -> Select:
    """Only comments on articles of the editor's categories (administrators: all)."""
    if user.is_admin:
        return query
    return query.where(Article.category_id.in_([c.id for c in user.categories]))


def queue(user: User, status: str | None, also: Iterable[int] = ()) -> Select:
    """The moderators' list, newest first, with each comment's article loaded: those in
    `status` (all when None), plus the ids `also` (just moderated: they stay in view)."""
    query = (
        select(Comment)
        .join(Comment.article)
        .options(contains_eager(Comment.article))
        .order_by(Comment.created_at.desc(), Comment.id.desc())
    )
    if status:
        also = list(also)
        shown = Comment.status == status
        query = query.where(or_(shown, Comment.id.in_(also)) if also else shown)
    return in_scope(query, user)


def in_scope_by_ids(user: User, ids: list[int]) -> list[Comment]:
    """The comments among `ids` that `user` may moderate."""
    return list(db.session.scalars(queue(user, None).where(Comment.id.in_(ids))))


def pending_count(user: User) -> int:
    query = select(func.count(Comment.id)).join(Comment.article)
    query = query.where(Comment.status == CommentStatus.PENDING)
    return db.session.scalar(in_scope(query, user)) or 0


__all__ = ["ORDERS", "in_scope_by_ids", "pending_count", "queue", "shown_count", "threads"]
