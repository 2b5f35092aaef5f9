"""The search on PostgreSQL full text (tsvector, GIN, ts_rank): the same behaviour as on
SQLite's FTS5. Skipped without TEST_DATABASE_URL."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
from search_helpers import hit_nodes, hits, search

from app.dates import utcnow
from app.documents.models import Document
from app.documents.operations import (
    create_document,
    delete_document,
    get_or_create_issuer,
    get_or_create_type,
    update_document,
)
from app.extensions import db
from app.news.models import Article, ArticleStatus
from app.news.operations import create_article, create_category, delete_articles, update_article


@pytest.fixture
def pg(pg_app):
    """The PostgreSQL app, its search index emptied too (pg_app empties the models' tables)."""
    assert db.engine.dialect.name == "postgresql"
    db.session.execute(sa.text("DELETE FROM search_index"))
    db.session.commit()
    return pg_app


@pytest.fixture
def client(pg):
    return pg.test_client()


@pytest.fixture
def category(pg):
    return create_category("Tin tức", by=None)


def article(title: str, category, **fields):
    fields.setdefault("status", ArticleStatus.PUBLISHED)
    fields.setdefault("published_at", utcnow() - timedelta(hours=1))
    return create_article(title=title, category=category, **fields)


def document(code: str, title: str, **fields):
    fields.setdefault("issued_on", date(2024, 3, 12))
    return create_document(code=code, title=title, type=get_or_create_type("Kế hoạch"),
                           issuer=get_or_create_issuer("Ban Tuyên giáo"), **fields)  # fmt: skip


def test_accents_case_and_d_with_stroke_are_ignored(client, category):
    article("Học tập và làm theo tư tưởng Hồ Chí Minh", category)
    article("Đại hội Đảng bộ tỉnh", category)

    assert hits(client, "tu tuong") == ["Học tập và làm theo tư tưởng Hồ Chí Minh"]
    assert hits(client, "TƯ TƯỞNG hồ chí") == ["Học tập và làm theo tư tưởng Hồ Chí Minh"]
    assert hits(client, "dai hoi dang") == ["Đại hội Đảng bộ tỉnh"]
    assert hits(client, "ĐẠI HỘI") == ["Đại hội Đảng bộ tỉnh"]
    assert hits(client, "tu tuo") == ["Học tập và làm theo tư tưởng Hồ Chí Minh"]


def test_title_matches_rank_first_and_words_are_marked(client, category):
    article("Hội nghị tổng kết năm", category,
            body="<p>" + "Chuyển đổi số trong cơ quan. " * 15 + "</p>")  # fmt: skip
    article("Chuyển đổi số ở cấp xã", category, body="<p>Triển khai tại các xã.</p>")

    article("Chuyển đổi cây trồng, chuyển đổi giống, chuyển đổi mùa vụ", category,
            body="<p>Ứng dụng công nghệ số.</p>")  # fmt: skip
    assert hits(client, "chuyen doi so") == [
        "Chuyển đổi số ở cấp xã",
        "Chuyển đổi cây trồng, chuyển đổi giống, chuyển đổi mùa vụ",
        "Hội nghị tổng kết năm",
    ]
    first = hit_nodes(client, "chuyen doi so")[0]
    assert [m.text() for m in first.find("h3").find_all("mark")] == ["Chuyển", "đổi", "số"]


def test_only_what_readers_may_see_is_found(client, category):
    now = utcnow()
    article("Bí mật nháp", category, status=ArticleStatus.DRAFT)
    article("Bí mật hẹn giờ", category, status=ArticleStatus.SCHEDULED,
            published_at=now + timedelta(days=1))  # fmt: skip
    article("Bí mật hết hạn", category, expires_at=now - timedelta(minutes=1))
    article("Bí mật công khai", category)
    document("1-QĐ/X", "Bí mật văn bản ẩn", published=False)

    assert hits(client, "bi mat") == ["Bí mật công khai"]


def test_filters_and_pages(client, category):
    other = create_category("Văn hóa", by=None)
    when = datetime(2024, 3, 10, 5, 0)
    article("Phong trào thi đua ở xã", category, published_at=when)
    article("Thi đua yêu nước", other, published_at=when + timedelta(days=30))
    document("5-KH/X", "Kế hoạch thi đua")

    assert hits(client, "thi dua", loai="van-ban") == ["5-KH/X: Kế hoạch thi đua"]
    assert hits(client, "thi dua", **{"chuyen-muc": other.slug}) == ["Thi đua yêu nước"]
    in_march = {"tu-ngay": "01/03/2024", "den-ngay": "31/03/2024"}
    assert sorted(hits(client, "thi dua", **in_march)) == [
        "5-KH/X: Kế hoạch thi đua",
        "Phong trào thi đua ở xã",
    ]
    for n in range(12):
        article(f"Lịch tiếp dân tuần {n + 1}", category)
    assert len(hits(client, "lich tiep dan")) == 10
    assert len(hits(client, "lich tiep dan", trang="2")) == 2
    search(client, 404, q="lich tiep dan", trang="3")


@pytest.mark.parametrize(
    "q", ["tu:* & !tuong", "tu | tuong", "'; --", "<->", '"', "tu\\", "½ ²x", "日本語 テスト"]
)
def test_tsquery_syntax_in_q_is_only_words(client, category, q):
    article("Tư tưởng Hồ Chí Minh", category)

    assert hits(client, q) == (["Tư tưởng Hồ Chí Minh"] if "tu" in q else [])


def test_junk_is_a_400(client):
    search(client, 400, q="x" * 201)
    search(client, 400, q="tu", **{"tu-ngay": "32/01/2024"})


def test_the_index_follows_writes_and_rebuilds(pg, client, category):
    a = article("Ngày hội đại đoàn kết", category)
    made = document("12-KH/BTG", "Kế hoạch tuyên truyền biển đảo")
    assert hits(client, "dai doan ket") == ["Ngày hội đại đoàn kết"]

    update_article(a, title="Lễ phát động thi đua")
    update_document(made, title="Kế hoạch phòng chống thiên tai")
    assert hits(client, "dai doan ket") == [] and hits(client, "bien dao") == []
    assert hits(client, "phat dong") == ["Lễ phát động thi đua"]
    assert hits(client, "thien tai") == ["12-KH/BTG: Kế hoạch phòng chống thiên tai"]

    db.session.execute(sa.text("DELETE FROM search_index"))
    db.session.commit()
    result = pg.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert hits(client, "phat dong") == ["Lễ phát động thi đua"]

    delete_articles([db.session.get(Article, a.id)], by=None)
    delete_document(db.session.get(Document, made.id), by=None)
    assert db.session.scalar(sa.text("SELECT count(*) FROM search_index")) == 0
