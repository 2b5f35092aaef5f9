"""The workflow on PostgreSQL (issue 12): submit, the queue and its count, the status filter,
return, approve and restore behave as on SQLite. Skips without TEST_DATABASE_URL."""

from __future__ import annotations

from auth_helpers import new_account
from sqlalchemy import select

from app.auth.models import User
from app.extensions import db
from app.news.models import Article, ArticleRevision, ArticleStatus
from app.news.operations import create_category, save_article
from app.news.queries import review_queue, review_queue_size
from app.news.workflow import approve, restore, return_to_editor


def test_the_workflow_on_postgresql(pg_app):
    assert db.engine.dialect.name == "postgresql"
    with pg_app.test_request_context("/"):
        school, health = create_category("Giáo dục", by=None), create_category("Y tế", by=None)
        account = new_account("bientap", categories=[school])
        publisher_account = new_account("xuatban", categories=[school], can_publish=True)
        editor = db.session.get(User, account.id)
        publisher = db.session.get(User, publisher_account.id)
        values = {"title": "Tuyển sinh lớp mười", "category": school, "lead": "Tóm tắt.",
                  "body": "<p>Bản một.</p>", "status": ArticleStatus.SUBMITTED}  # fmt: skip
        article = save_article(None, by=editor, values=values, tags=[], extra_categories=[])

        assert [a.id for a in review_queue(None)[0]] == [article.id]
        assert review_queue([health.id]) == ([], [])
        assert review_queue_size() == 1
        assert db.session.scalar(select(Article.id).where(Article.visible_clause())) is None

        return_to_editor(article, by=publisher, note="Bổ sung chỉ tiêu.")
        assert review_queue_size() == 0
        values.update(body="<p>Bản hai.</p>")
        save_article(article, by=editor, values=dict(values), tags=[], extra_categories=[])
        approve(article, by=publisher)
        assert db.session.scalar(select(Article.id).where(Article.visible_clause())) == article.id

        first = db.session.scalars(
            select(ArticleRevision).where(ArticleRevision.article_id == article.id)
            .order_by(ArticleRevision.id)
        ).first()  # fmt: skip
        restore(first, by=publisher, may_publish=True, allowed_category=lambda i: True)
        db.session.expire_all()
        assert db.session.get(Article, article.id).body == "<p>Bản một.</p>"
