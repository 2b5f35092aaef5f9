"""`flask export`: one snapshot of the database while the site writes, the counters Redis
holds, and never a half-written or overwritten archive."""

from __future__ import annotations

import json
import tarfile

from sqlalchemy import func, select
from stats_helpers import publish, visitor

from app.extensions import db
from app.news.models import Article, Tag
from app.portability.exporter import snapshot, write_table


def test_every_table_is_read_from_one_snapshot(app, make_article, tmp_path):
    make_article("Có trước khi xuất")
    db.session.commit()
    with snapshot() as connection:
        counted = connection.scalar(select(func.count()).select_from(Article))
        # Meanwhile the running site writes (another connection, committed).
        make_article("Viết trong lúc xuất")
        db.session.add(Tag(name="thẻ mới", slug="the-moi"))
        db.session.commit()
        with (tmp_path / "articles.jsonl").open("wb") as out:
            rows = write_table(connection, Article.__table__, out)
        tags = connection.scalar(select(func.count()).select_from(Tag))
    assert (counted, rows) == (1, 1)
    assert tags == 0
    assert db.session.scalar(select(func.count()).select_from(Article)) == 2


def test_the_counters_in_redis_are_exported(make_stats_app, tmp_path):
    site = make_stats_app()
    article = publish(site, "Bài được đọc")
    for n in range(3):
        assert visitor(site, ip=f"192.0.2.{n + 1}").get(article.url).status_code == 200
    path = tmp_path / "site.tar.gz"
    with site.app_context():
        result = site.test_cli_runner().invoke(args=["export", str(path)])
    assert result.exit_code == 0 and "Cảnh báo" not in result.output
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
        days = [json.loads(line) for line in archive.extractfile("tables/stats_daily.jsonl")]
        (row,) = [json.loads(line) for line in archive.extractfile("tables/articles.jsonl")]
    assert manifest["statistics"] == {"checkpointed": True, "visits_ever": 3}
    assert sum(day["visits"] for day in days) == 3
    assert row["views"] == 3


def test_without_redis_the_export_says_so_and_keeps_what_sql_has(make_app, tmp_path):
    site = make_app(REDIS_URL="redis://127.0.0.1:9/0")  # nothing listens on the discard port
    path = tmp_path / "site.tar.gz"
    with site.app_context():
        result = site.test_cli_runner().invoke(args=["export", str(path)])
    assert result.exit_code == 0, result.output
    assert "Cảnh báo: không ghi được số liệu thống kê" in result.output
    with tarfile.open(path, "r:gz") as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["statistics"] == {"checkpointed": False, "visits_ever": 0}


def test_export_never_overwrites(app, tmp_path):
    existing = tmp_path / "old.tar.gz"
    existing.write_bytes(b"an earlier backup")
    result = app.test_cli_runner().invoke(args=["export", str(existing)])
    assert result.exit_code == 1 and "đã tồn tại" in result.output
    assert existing.read_bytes() == b"an earlier backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["instance", "old.tar.gz"]
