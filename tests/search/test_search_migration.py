"""Migration 0010 indexes the articles and documents already there, and goes back cleanly."""

from __future__ import annotations

import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from search_helpers import hits

from app import create_app
from app.extensions import db

BEFORE = "0009_comments"


def test_the_migration_indexes_existing_rows_and_downgrades(tmp_path, redis_url):
    database = f"sqlite:///{tmp_path / 'portal.db'}"
    app = create_app({"INSTANCE_PATH": str(tmp_path), "SQLALCHEMY_DATABASE_URI": database,
                      "REDIS_URL": redis_url, "SECRET_KEY": "test", "TESTING": True,
                      "STATS_BACKGROUND": False})  # fmt: skip
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO categories (id, name, slug, description, position) "
                "VALUES (1, 'Tin tức', 'tin-tuc', '', 0)"
            ))  # fmt: skip
            conn.execute(sa.text(
                "INSERT INTO articles (id, title, slug, category_id, lead, body, "
                "image_caption, image_position, author, source, status, featured, published_at, "
                "created_at, updated_at, views, comment_count, rating_total, rating_count) "
                "VALUES (1, 'Đại hội Đảng bộ tỉnh', 'dai-hoi', 1, '', "
                "'<p>Thành công tốt đẹp.</p>', '', 'beside', '', '', 'published', 0, "
                "'2024-01-01', '2024-01-01', '2024-01-01', 0, 0, 0, 0)"
            ))  # fmt: skip

        upgrade()
        assert hits(app.test_client(), "thanh cong tot dep") == ["Đại hội Đảng bộ tỉnh"]

        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            left = conn.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE name LIKE '%search%'"
            )).scalars().all()  # fmt: skip
        db.engine.dispose()
    assert left == []
