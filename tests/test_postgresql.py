"""The same behaviour on PostgreSQL: migrations, upserts, search, flushes, demo content.

Runs when TEST_DATABASE_URL names a PostgreSQL database that may be wiped (.ci/run sets
one up); the rest of the suite runs on SQLite. The database comes from conftest's `pg_url` and
`pg_app`.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text

from app.extensions import db

URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason="TEST_DATABASE_URL names no PostgreSQL database"
)
UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}


def test_migrations_reach_postgresql(pg_app):
    assert db.engine.dialect.name == "postgresql"
    version = db.session.scalar(text("SELECT version_num FROM alembic_version"))
    assert version and version[:4].isdigit()


def test_demo_content_and_public_pages_on_postgresql(pg_app):
    result = pg_app.test_cli_runner().invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    again = pg_app.test_cli_runner().invoke(args=["seed-demo"])
    assert "nothing added" in again.output
    client = pg_app.test_client()
    home = client.get("/", headers=UA)
    assert home.status_code == 200
    assert "Văn bản mới" in home.get_data(as_text=True)
    found = client.get("/van-ban/?q=huong+dan", headers=UA).get_data(as_text=True)
    assert "118-HD/BTGTU" in found


def test_checkpoint_upserts_and_flush_counts_once_on_postgresql(pg_app):
    from app.news.models import ArticleStatus
    from app.news.operations import create_article, create_category
    from app.stats import durability
    from app.stats.models import DailyStat

    article = create_article(
        title="Bài viết trên PostgreSQL", category=create_category("Tin tức", by=None),
        lead="Tóm tắt.", body="<p>Nội dung.</p>", status=ArticleStatus.PUBLISHED,
    )  # fmt: skip
    service = pg_app.extensions["stats"]
    for n in range(3):
        client = pg_app.test_client()
        client.environ_base["REMOTE_ADDR"] = f"10.1.0.{n}"
        assert client.get(f"/tin-tuc/{article.slug}", headers=UA).status_code == 200
    assert durability.checkpoint(service)
    assert durability.checkpoint(service)  # the second run updates the same rows
    today = datetime.now(UTC).astimezone(service.store.zone).date()
    row = db.session.get(DailyStat, today)
    assert (row.visits, row.page_views) == (3, 3)
    assert durability.flush_all(service) == 1
    assert durability.flush_all(service) == 0
    db.session.expire_all()
    assert db.session.scalar(select(type(article).views).where(type(article).id == article.id)) == 3
