"""Migration 0010 indexes the articles and documents already there, and goes back cleanly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade
from search_helpers import hits

from app.extensions import db
from app.news.models import Article, Category

BEFORE = "0009_comments"


def articles_then(conn) -> sa.Table:
    """The articles table as it was at BEFORE (later migrations add columns), with the
    model's Python defaults for the columns it had then."""
    table = sa.Table("articles", sa.MetaData(), autoload_with=conn)
    for column in table.columns:
        model_column = Article.__table__.columns[column.name]
        if model_column.default is not None:
            column.default = model_column.default._copy()
            column.default._set_parent(column)
    return table


@pytest.mark.sqlite_only("the FTS5 index the migration builds")
def test_the_migration_indexes_existing_rows_and_downgrades(make_app):
    app = make_app()
    with app.app_context():
        downgrade(revision=BEFORE)
        # Core inserts, as rows written before the index existed (no session, no hook).
        with db.engine.begin() as conn:
            conn.execute(Category.__table__.insert().values(id=1, name="Tin", slug="tin"))
            conn.execute(articles_then(conn).insert().values(
                id=1, title="Đại hội Đảng bộ tỉnh", slug="dai-hoi", category_id=1,
                body="<p>Thành công tốt đẹp.</p>", status="published",
                published_at=sa.func.datetime("now", "-1 day"),
            ))  # fmt: skip

        upgrade()
        assert hits(app.test_client(), "thanh cong tot dep") == ["Đại hội Đảng bộ tỉnh"]

        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            left = conn.execute(sa.text(
                "SELECT name FROM sqlite_master WHERE name LIKE '%search%'"
            )).scalars().all()  # fmt: skip
        upgrade()
        db.engine.dispose()
    assert left == []
