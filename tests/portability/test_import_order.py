"""Rows that point into their own table (a category's parent) are imported whatever their
order: PostgreSQL checks each foreign key at the end of every statement."""

from __future__ import annotations

import shutil

from site_archive import table_rows

from app.extensions import db
from app.news.models import Category
from app.news.operations import create_category
from app.portability import importer
from app.portability.exporter import export_site


def test_a_child_category_older_than_its_parent_is_imported(
    make_app, migrated_db, pg_app, tmp_path, monkeypatch
):
    instance = tmp_path / "source"
    instance.mkdir()
    shutil.copy(migrated_db, instance / "portal.db")
    source = make_app(INSTANCE_PATH=str(instance), DATABASE_URL=None,
                      SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'portal.db'}")  # fmt: skip
    archive = tmp_path / "site.tar.gz"
    with source.app_context():
        child = create_category("Giáo dục phổ thông", by=None)
        parent = create_category("Giáo dục", by=None)
        db.session.get(Category, child.id).parent_id = parent.id
        db.session.commit()
        assert child.id < parent.id
        export_site(archive)
        db.session.remove()
    monkeypatch.setattr(importer, "ROWS_PER_INSERT", 1)  # every row its own statement
    with pg_app.app_context():
        importer.import_site(archive)
    assert table_rows(pg_app)["categories"] == table_rows(source)["categories"]
