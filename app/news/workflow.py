"""Writes of the editorial workflow: a publisher's decision on a submitted article (publish,
schedule or return with a note), restoring an earlier revision, moving articles between
categories in bulk. Each changes state, keeps a revision saying what happened, audits and
commits. Submitting is a save (operations.save_article with the "submitted" status)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from app.audit.operations import record as audit
from app.dates import format_datetime, utcnow
from app.extensions import db
from app.news.models import Article, ArticleRevision, ArticleStatus, Category
from app.news.operations import (
    NotApplicable,
    needs_approval,
    propose_changes,
    put_revision_on,
    record_revision,
)

if TYPE_CHECKING:
    from app.auth.models import User

log = logging.getLogger(__name__)

MAX_NOTE = 2000


class WorkflowError(ValueError):
    """A decision the workflow refuses; the message is for the person who asked."""


def _decided(article: Article, by: User, note: str) -> None:
    article.review_note = note
    article.reviewed_by = by.display_name or by.username
    article.reviewed_at = utcnow()


def approve(article: Article, *, by: User, publish_at: datetime | None = None) -> Article:
    """Publish a submitted article: now, or at `publish_at` (naive UTC) when it is later.
    The caller checked that `by` may publish in its category."""
    if article.status != ArticleStatus.SUBMITTED:
        raise WorkflowError("Bài viết này không ở trạng thái chờ duyệt.")
    now = utcnow()
    article.status = ArticleStatus.PUBLISHED
    article.published_at = publish_at if publish_at and publish_at > now else now
    _decided(article, by, "")
    scheduled = article.published_at > now
    note = (
        "Duyệt, hẹn giờ đăng " + format_datetime(article.published_at)
        if scheduled
        else ("Duyệt và xuất bản")
    )
    record_revision(article, by=by, note=note)
    audit("article.approve", article, note, by=by, commit=False)
    db.session.commit()
    log.info("article.approve %s by %s", article.id, by.username)
    return article


def return_to_editor(article: Article, *, by: User, note: str) -> Article:
    """Send a submitted article back to its editor with a note saying what to change."""
    note = note.strip()
    if article.status != ArticleStatus.SUBMITTED:
        raise WorkflowError("Bài viết này không ở trạng thái chờ duyệt.")
    if not note:
        raise WorkflowError("Nhập ghi chú cho người viết: cần sửa gì trước khi gửi lại.")
    if len(note) > MAX_NOTE:
        raise WorkflowError(f"Ghi chú tối đa {MAX_NOTE} ký tự.")
    article.status = ArticleStatus.RETURNED
    _decided(article, by, note)
    record_revision(article, by=by, note=f"Trả lại: {note}")
    audit("article.return", article, note, by=by, commit=False)
    db.session.commit()
    log.info("article.return %s by %s", article.id, by.username)
    return article


def restore(
    revision: ArticleRevision,
    *,
    by: User,
    may_publish: bool,
    allowed_category: Callable[[int], bool],
) -> ArticleRevision:
    """Bring an earlier revision's content back. Directly (a new SAVED revision recording the
    restore) when `by` may change the article; as a pending change for a publisher when the
    article is published and `by` has no publish right. Returns the revision it added."""
    article = db.session.get(Article, revision.article_id)
    if needs_approval(article, may_publish):
        fields = json.loads(revision.fields or "{}")
        category = db.session.get(Category, fields.get("category_id"))
        if category is None or not allowed_category(category.id):
            raise NotApplicable(
                "Phiên bản này đặt bài vào một chuyên mục bạn không được đăng bài vào."
            )
        extras = [
            c
            for c in (db.session.get(Category, i) for i in fields.get("extra_category_ids", []))
            if c is not None and allowed_category(c.id)
        ]
        values = {
            "title": revision.title, "lead": revision.lead, "body": revision.body,
            "category": category, "image": fields.get("image"),
            **{k: fields.get(k, "") for k in ("image_caption", "image_position", "author",
                                              "source")},
        }  # fmt: skip
        return propose_changes(
            article, by=by, values=values, tags=fields.get("tags", []), extra_categories=extras
        )
    put_revision_on(article, revision, allowed_category=allowed_category)
    added = record_revision(article, by=by, note=f"Khôi phục phiên bản #{revision.id}")
    db.session.flush()
    audit("article.restore", article, f"revision={revision.id}", by=by, commit=False)
    db.session.commit()
    log.info("article.restore %s revision %s by %s", article.id, revision.id, by.username)
    return added


def move_articles(
    articles: list[Article], category: Category, *, by: User, may_publish: bool
) -> tuple[int, int]:
    """Make `category` the main category of `articles` (the caller checked that `by` may edit
    it and them). Published articles are moved only by a publisher: where readers find an
    article is a publisher's decision. Returns (moved, left as they were)."""
    moved = skipped = 0
    for article in articles:
        if needs_approval(article, may_publish):
            skipped += 1
            continue
        if article.category_id == category.id:
            continue
        before = article.category.name
        article.category = category
        article.extra_categories = [c for c in article.extra_categories if c is not category]
        note = f"Chuyển từ “{before}” sang “{category.name}”"
        record_revision(article, by=by, note=note)
        audit("article.move", article, note, by=by, commit=False)
        moved += 1
    db.session.commit()
    log.info("article.move %s to %s by %s", moved, category.id, by.username)
    return moved, skipped
