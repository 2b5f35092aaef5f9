"""Demo content of the editorial workflow: a change an editor proposed for a published demo
article, waiting in the publishers' queue (/admin/news/cho-duyet). Only revisions are added,
no articles, so the demo's article list stays what its data files say. Idempotent."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.extensions import db
from app.news.models import Article, ArticleRevision, RevisionState
from app.news.operations import snapshot_fields

DEMO_EDITOR = "bientap-demo"  # no account: the name the revision shows
NOTE = "Bản sửa mẫu: bổ sung thời gian và địa điểm"


def seed_demo() -> int:
    """Add the demo's pending change if it is missing; how many rows were added."""
    if db.session.scalar(select(ArticleRevision.id).where(ArticleRevision.note == NOTE)):
        return 0
    article = db.session.scalar(
        select(Article).where(Article.visible_clause()).order_by(Article.published_at.desc())
    )
    if article is None:
        return 0
    db.session.add(
        ArticleRevision(
            article_id=article.id,
            user_id=None,
            username=DEMO_EDITOR,
            title=article.title,
            lead=article.lead + " Thời gian: 8 giờ sáng thứ Hai; địa điểm: hội trường tầng 2.",
            body=article.body,
            fields=json.dumps(snapshot_fields(article), ensure_ascii=False),
            state=RevisionState.PENDING,
            note=NOTE,
        )
    )
    db.session.commit()
    return 1


__all__ = ["seed_demo"]
