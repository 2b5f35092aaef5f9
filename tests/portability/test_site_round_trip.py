"""A demo site on SQLite, with its uploads and statistics, moved to PostgreSQL with
`flask export` and `flask import`: every row of every table, every file, the pages, new ids
and the visitor totals come across."""

from __future__ import annotations

import shutil

import pytest
from site_archive import site_files, table_rows
from sqlalchemy import func, select
from stats_helpers import BROWSER, stats, visitor

from app.documents.models import Document, DocumentFile
from app.extensions import db, redis_store
from app.news.models import Article, Category

# Seeding the demo and moving it cost ~10 s; the source is always SQLite and the target
# always PostgreSQL, whichever database the run is on.
pytestmark = pytest.mark.once


@pytest.fixture
def source(pg_app, make_app, migrated_db, tmp_path):
    """The demo site on a SQLite database of its own, with pages viewed and a download.
    (After `pg_app`, which empties the Redis DB they share: one Redis per process.)"""
    instance = tmp_path / "source"
    instance.mkdir()
    shutil.copy(migrated_db, instance / "portal.db")
    app = make_app(INSTANCE_PATH=str(instance), DATABASE_URL=None,
                   SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'portal.db'}")  # fmt: skip
    with app.app_context():  # else the command runs in pg_app's context, pushed already
        result = app.test_cli_runner().invoke(args=["seed-demo"])
        assert result.exit_code == 0, result.output
        slugs = db.session.scalars(
            select(Article.slug).where(Article.visible_clause()).order_by(Article.id).limit(3)
        ).all()
        file_id = db.session.scalar(select(func.min(DocumentFile.id)))
        db.session.remove()
    for n in range(4):
        reader = visitor(app, ip=f"203.0.113.{n + 1}", user_agent=BROWSER)
        for slug in slugs:
            assert reader.get(f"/tin-tuc/{slug}").status_code == 200
        with reader.get(f"/van-ban/tep/{file_id}") as download:
            assert download.status_code == 200
    yield app
    with app.app_context():
        db.engine.dispose()


def test_a_sqlite_site_moves_to_postgresql_with_everything(source, pg_app, tmp_path):
    before = stats(source)
    assert before["total"] >= 4
    archive = tmp_path / "site.tar.gz"
    with source.app_context():
        exported = source.test_cli_runner().invoke(args=["export", str(archive)])
        assert exported.exit_code == 0, exported.output
    rows = table_rows(source)  # after the export's checkpoint: what the archive holds
    # The total: the days counted here (the demo's imported history is never in it).
    counted = [row for row in rows["stats_daily"] if not row["imported"]]
    assert sum(row["visits"] for row in counted) == before["total"]
    assert {row["kind"] for row in rows["stats_item_daily"]} >= {"article", "document_download"}

    # A new server: its own Redis, in which the empty site already started counting.
    redis_store.client.flushdb()
    assert stats(pg_app)["total"] == 0

    imported = pg_app.test_cli_runner().invoke(args=["import", str(archive)])
    assert imported.exit_code == 0, imported.output
    db.session.remove()

    moved = table_rows(pg_app)
    assert set(moved) == set(rows)
    for name, expected in rows.items():
        assert moved[name] == expected, name
    source_files = site_files(tmp_path / "source")
    assert any(name.startswith("uploads/documents/") for name in source_files)
    assert any(name.endswith("t.jpg") for name in source_files)  # thumbnails too
    assert site_files(tmp_path / "instance") == source_files

    after = stats(pg_app)
    assert (after["total"], after["today"]) == (before["total"], before["today"])

    reader = pg_app.test_client()
    article = db.session.scalars(select(Article).where(Article.visible_clause())).first()
    page = reader.get(f"/tin-tuc/{article.slug}")
    assert page.status_code == 200
    assert article.title in page.get_data(as_text=True)
    attached = db.session.scalars(select(DocumentFile).order_by(DocumentFile.id)).first()
    stored = tmp_path / "source" / "uploads" / "documents" / attached.stored_name
    with reader.get(f"/van-ban/tep/{attached.id}") as download:
        assert download.status_code == 200
        assert download.data == stored.read_bytes()
    document = db.session.get(Document, attached.document_id)
    found = reader.get("/tim-kiem", query_string={"q": document.code})
    assert found.status_code == 200 and document.code in found.get_data(as_text=True)

    from app.news.operations import create_category

    largest = max(row["id"] for row in rows["categories"])
    assert create_category("Chuyên mục mới sau khi chuyển", by=None).id == largest + 1
    assert (
        db.session.scalar(select(func.count()).select_from(Category)) == len(rows["categories"]) + 1
    )
