"""The models and the migrations describe the same schema: a database built by the Alembic
migrations alone (`flask db upgrade`) has every table, column, type, default, index and
constraint the models declare, and nothing more. A model changed without a migration (or a
migration that does not match its model) fails here instead of on a production upgrade.

On SQLite always (conftest's `app` is a copy of a database built by `flask_migrate.upgrade()`),
and on PostgreSQL when TEST_DATABASE_URL names one (conftest's `pg_url`).
"""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Column, MetaData, String, create_engine

from app.extensions import db
from app.search.schema import include_name


def schema_drift(connection, metadata: MetaData) -> list:
    """What `flask db migrate` would write to turn the database into `metadata`."""
    context = MigrationContext.configure(
        connection,
        # What autogenerate would compare with this project's env.py, plus server defaults,
        # which a model may declare and a hand-written migration may forget.
        # include_name: as the app's env.py has it (the search index is no model).
        opts={
            "compare_type": True,
            "compare_server_default": True,
            "render_as_batch": True,
            "include_name": include_name,
        },  # fmt: skip
    )
    return compare_metadata(context, metadata)


@pytest.mark.sqlite_only("the PostgreSQL twin follows")
def test_a_database_built_by_the_migrations_matches_the_models_on_sqlite(app):
    assert db.engine.dialect.name == "sqlite"
    with db.engine.connect() as connection:
        assert schema_drift(connection, db.metadata) == []


def test_a_database_built_by_the_migrations_matches_the_models_on_postgresql(pg_url):
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            assert schema_drift(connection, db.metadata) == []
    finally:
        engine.dispose()


def test_the_drift_check_sees_a_column_the_migrations_lack(app):
    """The check above can fail: a model column no migration adds is reported."""
    drifted = MetaData(naming_convention=db.metadata.naming_convention)
    for table in db.metadata.tables.values():
        table.to_metadata(drifted)
    drifted.tables["articles"].append_column(Column("subtitle", String(200), nullable=True))

    with db.engine.connect() as connection:
        found = schema_drift(connection, drifted)

    assert [(d[0], d[2], d[3].name) for d in found] == [("add_column", "articles", "subtitle")]
