"""Writes of the comments feature: posting, moderating, deleting. Each recounts the articles
it touched (`Article.comment_count` = the comments readers see) in the same transaction,
audits what a moderator did, and commits."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import select, update

from app.anti_spam import is_email, one_line, paragraphs
from app.audit.operations import record as audit
from app.comments import options
from app.comments.models import EMAIL_MAX, NAME_MAX, Comment, CommentStatus
from app.comments.queries import shown_count
from app.extensions import db
from app.news.models import Article

if TYPE_CHECKING:
    from app.auth.models import User
    from app.comments.posting import Poster, Submission

log = logging.getLogger(__name__)

VERBS = {CommentStatus.APPROVED: "approve", CommentStatus.REJECTED: "reject",
         CommentStatus.PENDING: "unapprove"}  # fmt: skip


def reply_target(article: Article, parent_id: int | None) -> Comment | None:
    """The comment a reply attaches to: the top comment of the thread (replies are one level
    deep). None for a new thread; ValueError when it is not a shown comment of `article`."""
    if parent_id is None:
        return None
    parent = db.session.get(Comment, parent_id)
    if parent is not None and parent.parent_id is not None:
        parent = parent.parent
    if parent is None or parent.article_id != article.id or parent.status != CommentStatus.APPROVED:
        raise ValueError("Ý kiến bạn muốn trả lời không còn hiển thị.")
    return parent


def initial_status(user: User | None) -> CommentStatus:
    mode = options.moderation()
    if mode == "none" or (mode == "guests" and user is not None):
        return CommentStatus.APPROVED
    return CommentStatus.PENDING


def post_comment(article: Article, submission: Submission, *, parent: Comment | None,
                 poster: Poster, user: User | None) -> Comment:  # fmt: skip
    """Store a reader's comment (checked already), approved at once if the setting says so."""
    comment = Comment(
        article_id=article.id,
        parent=parent,
        name=submission.name,
        email=submission.email,
        content=submission.content,
        status=initial_status(user),
        user_id=getattr(user, "id", None),
        visitor=poster.visitor,
        ip_hash=poster.ip_hash,
    )
    db.session.add(comment)
    if comment.status == CommentStatus.APPROVED:
        recount([article.id])
    db.session.commit()
    log.info("comment %s on article %s: %s", comment.id, article.id, comment.status)
    return comment


GUEST_NAME = "Khách"


def import_comment(article: Article, *, parent: Comment | None, name: str, email: str,
                   content: str, created_at: datetime) -> Comment:  # fmt: skip
    """An approved comment brought over from another site (the NukeViet import): its texts
    cleaned as a reader's are (one-line name, the text's line breaks kept, an address that
    is no e-mail dropped), counted on its article; flushed, not committed (the caller commits
    it with its own record). Shown escaped like every comment; old ones are kept whole.
    The count is written without touching the article's `updated_at` (the old site's edit
    time stays) and without reloading the article: one count, one UPDATE."""
    name = one_line(name)[:NAME_MAX] or GUEST_NAME
    email = email.strip()
    comment = Comment(
        article_id=article.id,
        parent=parent,
        name=name,
        email=email if is_email(email, EMAIL_MAX) else "",
        content=paragraphs(content),
        status=CommentStatus.APPROVED,
        created_at=created_at,
    )
    db.session.add(comment)
    db.session.flush()
    db.session.execute(
        update(Article)
        .where(Article.id == article.id)
        .values(comment_count=shown_count(article.id), updated_at=Article.updated_at)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(article, ["comment_count"])
    return comment


def _detail(comment: Comment) -> str:
    return f"{comment.article.title} — {comment.name}: {comment.content[:200]}"


def set_status(comments: Iterable[Comment], status: CommentStatus, *, by: User) -> int:
    """Approve, reject or unapprove `comments`; return how many changed."""
    changed = [c for c in comments if c.status != status]
    for comment in changed:
        comment.status = status
        audit(f"comment.{VERBS[status]}", comment, _detail(comment), by=by, commit=False)
    recount({c.article_id for c in changed})
    db.session.commit()
    return len(changed)


def delete_comments(comments: Iterable[Comment], *, by: User) -> int:
    """Delete `comments` with their replies; return how many were chosen."""
    chosen = list(comments)
    for comment in chosen:
        replies = len(comment.replies)
        detail = _detail(comment) + (f" (và {replies} trả lời)" if replies else "")
        audit("comment.delete", comment, detail, by=by, commit=False)
        db.session.delete(comment)
    recount({c.article_id for c in chosen})
    db.session.commit()
    return len(chosen)


def recount(article_ids: Iterable[int]) -> None:
    """Set each article's comment_count from the rows, inside the caller's transaction. The
    article rows are locked first (PostgreSQL), so concurrent moderations of one article
    count one after the other instead of each missing the other's change."""
    ids = sorted(set(article_ids))
    if not ids:
        return
    db.session.flush()
    articles = db.session.scalars(
        select(Article)
        .where(Article.id.in_(ids))
        .order_by(Article.id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for article in articles:
        count = shown_count(article.id)
        if article.comment_count != count:  # an unchanged article stays clean (no page stale)
            article.comment_count = count


__all__ = ["delete_comments", "import_comment", "initial_status", "post_comment", "recount",
           "reply_target", "set_status"]  # fmt: skip
