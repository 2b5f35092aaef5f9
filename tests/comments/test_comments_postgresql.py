"""Comments on PostgreSQL: posting, the count under concurrent moderation, an article's
deletion taking its comments, the editors' queue."""

from __future__ import annotations

import threading

import pytest
from comment_helpers import Reader, add_comment, rows, set_setting

from app.comments.models import Comment, CommentStatus
from app.comments.operations import set_status
from app.comments.queries import pending_count
from app.extensions import db
from app.news.models import Article
from app.news.operations import create_article, create_category, delete_articles


@pytest.fixture
def pg(pg_app, clock):
    pg_app.config["COMMENT_CLOCK"] = clock
    category = create_category("Tin PostgreSQL", by=None)
    article = create_article(title="Bài trên PostgreSQL", category=category, lead="Tóm tắt",
                             body="<p>Nội dung</p>", status="published",
                             published_at=db.func.now())  # fmt: skip
    return pg_app, article


def _count(article_id: int) -> int:
    db.session.expire_all()
    return db.session.get(Article, article_id).comment_count


def test_posting_and_replying_on_postgresql(pg, clock):
    app, article = pg
    set_setting("comments_moderation", "none")
    reader = Reader(app, clock, "10.3.3.3")

    assert reader.post(article.slug, name="Một").status_code == 302
    [top] = rows()
    assert reader.post(article.slug, name="Hai", parent_id=str(top.id)).status_code == 302

    assert _count(article.id) == 2
    page = reader.get(f"/tin-tuc/{article.slug}").text
    assert "Một" in page and "Hai" in page and "an@example.vn" not in page


def test_concurrent_approvals_of_one_article_count_every_comment(pg):
    app, article = pg
    ids = [add_comment(article, f"Bạn đọc {n}", status=CommentStatus.PENDING).id for n in range(8)]
    start = threading.Barrier(len(ids))
    failures = []

    def approve(comment_id: int) -> None:
        with app.app_context():
            try:
                comment = db.session.get(Comment, comment_id)
                start.wait()
                set_status([comment], CommentStatus.APPROVED, by=None)
            except Exception as exc:  # noqa: BLE001 - reported below
                failures.append(exc)
            finally:
                db.session.remove()

    threads = [threading.Thread(target=approve, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    assert _count(article.id) == 8


def test_deleting_an_article_deletes_its_comments(pg):
    app, article = pg
    top = add_comment(article, "Gốc")
    add_comment(article, "Đáp", parent=top)

    delete_articles([db.session.get(Article, article.id)], by=None)

    assert rows() == []


def test_an_editor_counts_only_their_categories_on_postgresql(pg):
    app, article = pg
    other = create_category("Chuyên mục khác", by=None)
    elsewhere = create_article(title="Bài khác", category=other, lead="x", body="<p>x</p>",
                               status="published", published_at=db.func.now())  # fmt: skip
    add_comment(article, "Của mình", status=CommentStatus.PENDING)
    add_comment(elsewhere, "Của người khác", status=CommentStatus.PENDING)
    from auth_helpers import new_account

    from app.auth.models import User

    account = new_account("bientap_pg", categories=[article.category])
    assert pending_count(db.session.get(User, account.id)) == 1
