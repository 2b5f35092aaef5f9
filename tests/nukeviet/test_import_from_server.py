"""Importing from the live MariaDB server (`flask import-nukeviet mysql://…`, as a user runs
it) gives the same site as importing the dump file: the same rows of every kind, the same
titles, bodies, dates and counters, the same report.

The server and its scratch database with the fixture loaded: `test_source_mysql`'s
`server_url` fixture (skips, saying why, when no MariaDB answers and NUKEVIET_TEST_MYSQL_URL
is unset). The dump's import goes into a second copy of the migrated database."""

from __future__ import annotations

import shutil
from datetime import datetime

import pytest
from source_helpers import fixture_path
from sqlalchemy import select
from test_source_mysql import server_url  # noqa: F401 - the module's fixture

from app.extensions import db

pytestmark = pytest.mark.once

# Columns that record when this run wrote a row, not what the old site held, and the random
# unusable password an imported account holds until its owner sets one.
WRITE_TIMES = {"created_at", "updated_at", "imported_at", "at", "recorded_at", "password_hash"}
# The audit trail of the run itself (its time and detail differ by nothing but the clock).
RUN_TABLES = {"audit_log"}


def _value(value):
    return value.isoformat() if isinstance(value, datetime) else value


def site_rows() -> dict[str, list[tuple]]:
    """Every table's rows (ids included: both imports write in the same order), without the
    columns that only say when they were written."""
    db.session.remove()
    found = {}
    for table in db.metadata.sorted_tables:
        if table.name in RUN_TABLES:
            continue
        columns = [c for c in table.columns if c.name not in WRITE_TIMES]
        rows = db.session.execute(select(*columns)).all()
        found[table.name] = sorted((tuple(_value(v) for v in row) for row in rows), key=repr)
    return found


def _report(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("- ", "    • "))]


def test_the_server_and_the_dump_import_the_same_site(
    app,
    runner,
    make_app,
    migrated_db,
    tmp_path,
    server_url,  # noqa: F811
):
    from_server = runner.invoke(args=["import-nukeviet", server_url])
    assert from_server.exit_code == 0, from_server.output
    assert "- Bài viết: thêm mới 27" in from_server.output
    assert "- Văn bản: thêm mới 3" in from_server.output
    server_site = site_rows()

    other = tmp_path / "from-dump.db"
    shutil.copy(migrated_db, other)
    dump_app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///{other}")
    with dump_app.app_context():
        from_dump = dump_app.test_cli_runner().invoke(args=["import-nukeviet", str(fixture_path())])
        assert from_dump.exit_code == 0, from_dump.output
        dump_site = site_rows()
        db.session.remove()

    assert _report(from_server.output) == _report(from_dump.output)
    assert server_site.keys() == dump_site.keys()
    for table, rows in dump_site.items():
        assert server_site[table] == rows, table
    filled = {name for name, rows in dump_site.items() if rows}
    assert {
        "articles",
        "categories",
        "documents",
        "document_signers",
        "nukeviet_map",
        "pages",
    } <= filled

    again = runner.invoke(args=["import-nukeviet", server_url])
    assert again.exit_code == 0, again.output
    assert site_rows() == server_site  # from the server too, a second run changes nothing
