"""Migration 0007 cleans article bodies stored before the sanitiser narrowed classes and
images: what a new save would drop does not stay in old articles."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import upgrade

from app import create_app
from app.extensions import db

BEFORE = "0005_article_revisions"
DIRTY = (
    '<p class="flash flash-error ql-align-center">Thông báo</p>'
    '<img src="https://tracker.example/pixel.gif" alt="điểm ảnh">'
    '<img src="/media/0123456789abcdef0123456789abcde0.jpg" alt="ảnh">'
)
CLEAN = (
    '<p class="align-center">Thông báo</p>'
    '<p><img src="/media/0123456789abcdef0123456789abcde0.jpg" alt="ảnh"></p>'
)


def _app(tmp_path, redis_url):
    return create_app(
        {"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI":
         f"sqlite:///{tmp_path / 'portal.db'}", "REDIS_URL": redis_url, "SECRET_KEY": "test",
         "TESTING": True, "STATS_BACKGROUND": False}
    )  # fmt: skip


def test_bodies_stored_before_are_cleaned_like_new_saves(tmp_path, redis_url):
    app = _app(tmp_path, redis_url)
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO categories (id, name, slug, description, position) "
                "VALUES (1, 'Tin tức', 'tin-tuc', '', 0)"
            ))  # fmt: skip
            conn.execute(
                sa.text(
                    "INSERT INTO articles (id, title, slug, category_id, lead, body, "
                    "image_caption, image_position, author, source, status, featured, "
                    "created_at, updated_at, views, comment_count, rating_total, rating_count) "
                    "VALUES (1, 'Bài cũ', 'bai-cu', 1, '', :body, '', 'beside', '', '', "
                    "'published', 0, '2024-01-01', '2024-01-01', 0, 0, 0, 0)"
                ),
                {"body": DIRTY},
            )
            conn.execute(
                sa.text(
                    "INSERT INTO article_revisions (article_id, username, created_at, title, "
                    "lead, body, fields) VALUES (1, 'cu', '2024-01-01', 'Bài cũ', '', :body, '{}')"
                ),
                {"body": DIRTY},
            )

        upgrade()

        with db.engine.connect() as conn:
            bodies = conn.execute(sa.text("SELECT body FROM articles")).scalars().all()
            revisions = conn.execute(sa.text("SELECT body, state FROM article_revisions")).all()
        db.engine.dispose()
    assert bodies == [CLEAN]
    assert [tuple(r) for r in revisions] == [(CLEAN, "saved")]
