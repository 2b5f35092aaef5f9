"""Upgrading an existing PostgreSQL site keeps its data: a database at an older revision, with
rows written in that revision's schema (articles, comments, votes, documents, banners, daily
statistics, an account), upgraded to the newest migration, keeps every row and value, and
the site serves them; a downgrade back and a new upgrade keep them again and end at the schema
the models declare. On a PostgreSQL database of its own (TEST_DATABASE_URL's server), in the
SQLite run of the suite (skips without TEST_DATABASE_URL)."""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from run_database import scratch_database
from test_models_migrations import schema_drift

from app import create_app
from app.extensions import db

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
        reason="TEST_DATABASE_URL names no PostgreSQL database",
    ),  # fmt: skip
    pytest.mark.once,  # on a database of its own: the same work in either run
]

HEAD_SCRIPTS = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
                            "migrations")  # fmt: skip
BEFORE = "0012_article_workflow"  # before the media library, pages, menu and banner positions
TABLES = ["users", "categories", "articles", "tags", "article_tags", "comments", "rating_votes",
          "document_types", "document_issuers", "document_signers", "documents", "banners",
          "stats_daily"]  # fmt: skip

OLD_ROWS = [
    "INSERT INTO users (username, display_name, email, password_hash, role, can_publish, active,"
    " created_at) VALUES ('bientap', 'Biên tập viên Hoa', 'hoa@example.gov.vn', 'x', 'editor',"
    " true, true, '2024-05-01 08:00')",
    "INSERT INTO categories (name, slug, description, position)"
    " VALUES ('Tin địa phương', 'tin-dia-phuong', 'Tin của tỉnh', 1)",
    "INSERT INTO articles (title, slug, category_id, lead, body, image_caption, image_position,"
    " author, source, status, featured, published_at, created_at, updated_at, views,"
    " comment_count, rating_total, rating_count) VALUES ('Hội nghị tổng kết năm 2024',"
    " 'hoi-nghi-tong-ket', (SELECT id FROM categories), 'Sáng nay, Sở đã tổng kết.',"
    " '<p>Nội dung đầy đủ của bài.</p>', '', 'beside', 'Minh Anh', '', 'published', true,"
    " '2024-06-12 05:26', '2024-06-12 05:00', '2024-06-12 05:26', 203, 1, 9, 2)",
    "INSERT INTO tags (name, slug) VALUES ('Tổng kết', 'tong-ket')",
    "INSERT INTO article_tags (article_id, tag_id)"
    " VALUES ((SELECT id FROM articles), (SELECT id FROM tags))",
    "INSERT INTO comments (article_id, name, email, content, status, created_at, visitor,"
    " ip_hash) VALUES ((SELECT id FROM articles), 'Trần Văn Bình', 'binh@example.vn',"
    " 'Bài viết rất hữu ích, cảm ơn Sở.', 'approved', '2024-06-12 07:00', 'v1', 'h1')",
    "INSERT INTO rating_votes (article_id, visitor, stars, created_at)"
    " VALUES ((SELECT id FROM articles), 'v1', 4, '2024-06-12 07:01'),"
    " ((SELECT id FROM articles), 'v2', 5, '2024-06-12 07:02')",
    "INSERT INTO document_types (name, slug, position) VALUES ('Hướng dẫn', 'huong-dan', 1)",
    "INSERT INTO document_issuers (name, slug) VALUES ('Ban Tuyên giáo', 'ban-tuyen-giao')",
    "INSERT INTO document_signers (name, position) VALUES ('Nguyễn Văn An', 'Phó Trưởng ban')",
    "INSERT INTO documents (code, slug, title, summary, body, type_id, issuer_id, signer_id,"
    " issued_on, in_force_on, published, views, downloads, search_text, created_at,"
    " updated_at) VALUES ('118-HD/BTGTU', '118-hd-btgtu', 'Hướng dẫn tuyên truyền',"
    " 'Hướng dẫn tuyên truyền kỷ niệm', '', (SELECT id FROM document_types),"
    " (SELECT id FROM document_issuers), (SELECT id FROM document_signers), '2024-06-01',"
    " '2024-06-05', true, 203, 104, '118-hd/btgtu huong dan', '2024-06-01 09:00',"
    " '2024-06-01 09:00')",
    "INSERT INTO banners (title, image, target_url, block, position, clicks) VALUES"
    " ('Cổng dịch vụ công', '0123456789abcdef0123456789abcde0.png', 'https://dichvucong.gov.vn/',"
    " 'banners', 1, 17), ('Báo tỉnh', NULL, 'https://baotinh.vn/', 'links', 1, 3)",
    "INSERT INTO stats_daily (day, visits, visitors, page_views, bot_views, updated_at)"
    " VALUES ('2024-06-12', 1520, 980, 4210, 77, '2024-06-12 23:59')",
]


def rows_of(tables: list[str]) -> dict[str, list[tuple]]:
    """Every row of each table, as columns of the old schema (newer columns left out)."""
    found = {}
    with db.engine.connect() as conn:
        for table in tables:
            columns = OLD_COLUMNS[table]
            listed = ", ".join(f'"{c}"' for c in columns)
            found[table] = [tuple(r) for r in conn.execute(sa.text(
                f'SELECT {listed} FROM "{table}" ORDER BY {listed}'))]  # fmt: skip
    return found


OLD_COLUMNS: dict[str, list[str]] = {}


@pytest.fixture
def old_site(tmp_path, redis_url):
    """An app on a new PostgreSQL database migrated up to BEFORE, holding OLD_ROWS."""
    with scratch_database(os.environ["TEST_DATABASE_URL"]) as url:
        app = create_app({"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url,
                          "SQLALCHEMY_DATABASE_URI": None, "REDIS_URL": redis_url,
                          "SECRET_KEY": "test", "TESTING": True, "SERVER_NAME": "localhost",
                          "STATS_BACKGROUND": False, "PAGE_CACHE_SECONDS": 0})  # fmt: skip
        try:
            with app.app_context():
                upgrade(revision=BEFORE)
                inspector = sa.inspect(db.engine)
                for table in TABLES:
                    OLD_COLUMNS[table] = [c["name"] for c in inspector.get_columns(table)]
                with db.engine.begin() as conn:
                    for statement in OLD_ROWS:
                        conn.execute(sa.text(statement))
                yield app
                db.session.remove()
                db.engine.dispose()
        finally:
            app.extensions["stats_runner"].stop()


def test_an_old_postgresql_site_upgraded_keeps_its_rows_and_serves_them(old_site):
    before = rows_of(TABLES)
    assert all(before[table] for table in TABLES)

    upgrade()

    assert rows_of(TABLES) == before
    with db.engine.connect() as conn:
        revision = conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
        banners = conn.execute(sa.text("SELECT title, show_title FROM banners ORDER BY id")).all()
    assert revision == ScriptDirectory(HEAD_SCRIPTS).get_current_head()
    assert [tuple(b) for b in banners] == [("Cổng dịch vụ công", True), ("Báo tỉnh", False)]
    client = old_site.test_client()
    article = client.get("/tin-tuc/hoi-nghi-tong-ket")
    assert article.status_code == 200
    assert "Hội nghị tổng kết năm 2024" in article.text
    assert "Bài viết rất hữu ích, cảm ơn Sở." in article.text
    document = client.get("/van-ban/118-hd-btgtu")
    assert document.status_code == 200 and "118-HD/BTGTU" in document.text

    # New rows get ids after the old ones (the sequences came through).
    from app.news.operations import create_category

    assert create_category("Tin mới", by=None).id == 2


def test_a_downgrade_and_upgrade_again_keep_the_rows_and_end_at_the_models_schema(old_site):
    upgrade()
    at_head = rows_of(TABLES)

    downgrade(revision=BEFORE)
    assert rows_of(TABLES) == at_head
    upgrade()

    assert rows_of(TABLES) == at_head
    with db.engine.connect() as conn:
        assert schema_drift(conn, db.metadata) == []
