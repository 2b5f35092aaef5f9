"""The whole run through the command, every kind (news, documents, banners, statistics): a
second run adds nothing anywhere, a dry run leaves every table as it was, the run is
audited once."""

from __future__ import annotations

from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.extensions import db

DUMP = "/work/shared/fixtures/nukeviet-4.5-sample.sql"


def table_counts() -> dict[str, int]:
    db.session.remove()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def test_a_second_whole_run_adds_nothing(runner):
    first = runner.invoke(args=["import-nukeviet", DUMP])
    assert first.exit_code == 0, first.output
    assert "- Văn bản: thêm mới 3" in first.output
    after_first = table_counts()
    assert after_first["articles"] == 27 and after_first["nukeviet_map"] > 27
    audits = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "nukeviet.import"))
    [audit] = audits.all()
    assert "article: +27" in audit.detail

    second = runner.invoke(args=["import-nukeviet", DUMP])
    assert second.exit_code == 0, second.output
    assert "thêm mới 0" in second.output
    assert not [line for line in second.output.splitlines()
                if line.startswith("- ") and "thêm mới 0," not in line]  # fmt: skip
    assert table_counts() == after_first  # no second audit row either


def test_a_whole_dry_run_leaves_every_table_as_it_was(runner):
    before = table_counts()
    result = runner.invoke(args=["import-nukeviet", DUMP, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "- Bài viết: sẽ thêm 27" in result.output
    assert "- Văn bản: sẽ thêm 3" in result.output
    assert table_counts() == before
