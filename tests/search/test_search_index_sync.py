"""The index follows every write: articles saved and deleted through the admin, documents
through the operations, a rollback, and `flask search reindex`."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from admin_articles.article_admin import ARTICLES, bulk, form_data, save, submit
from search_helpers import hits

from app.documents.models import Document
from app.documents.operations import delete_document, update_document
from app.extensions import db
from app.news.models import Article
from app.news.operations import create_article, update_article


def index_rows() -> int:
    return db.session.scalar(sa.text("SELECT count(*) FROM search_index"))


def test_an_article_written_in_the_editor_is_found_edited_and_forgotten(
    admin_client, make_category
):
    category = make_category("Tin tức")
    article_id = save(
        admin_client,
        form_data(category.id, title="Ngày hội đại đoàn kết toàn dân tộc", status="published"),
    )
    assert hits(admin_client, "dai doan ket") == ["Ngày hội đại đoàn kết toàn dân tộc"]

    edited = form_data(category.id, title="Lễ phát động phong trào thi đua",
                       status="published", body="<p>Đông đảo hội viên tham gia.</p>")  # fmt: skip
    response = submit(admin_client, edited, f"{ARTICLES}/{article_id}")
    assert response.status_code == 302
    assert hits(admin_client, "dai doan ket") == []
    assert hits(admin_client, "phat dong") == ["Lễ phát động phong trào thi đua"]
    assert hits(admin_client, "hoi vien") == ["Lễ phát động phong trào thi đua"]

    assert bulk(admin_client, "publish", [article_id]).status_code == 302
    assert bulk(admin_client, "unpublish", [article_id]).status_code == 302
    assert hits(admin_client, "phat dong") == []  # a draft now: indexed, never shown
    assert bulk(admin_client, "delete", [article_id]).status_code == 302
    assert db.session.get(Article, article_id) is None
    assert index_rows() == 0


def test_documents_are_found_edited_and_forgotten(client, make_document):
    made = make_document("12-KH/BTG", title="Kế hoạch tuyên truyền biển đảo",
                         summary="Tuyên truyền chủ quyền biển đảo năm 2024.")  # fmt: skip
    assert hits(client, "bien dao") == ["12-KH/BTG: Kế hoạch tuyên truyền biển đảo"]
    assert hits(client, "chu quyen") == ["12-KH/BTG: Kế hoạch tuyên truyền biển đảo"]

    document = db.session.get(Document, made.id)
    update_document(document, title="Kế hoạch phòng chống thiên tai", summary="Ứng phó bão lũ.")
    assert hits(client, "bien dao") == []
    assert hits(client, "bao lu") == ["12-KH/BTG: Kế hoạch phòng chống thiên tai"]

    delete_document(db.session.get(Document, made.id), by=None)
    assert hits(client, "thien tai") == []
    assert index_rows() == 0


@pytest.mark.sqlite_only("the FTS5 table's rowid and body")
def test_counters_and_status_changes_leave_the_index_alone(client, make_article):
    article = make_article("Tư tưởng Hồ Chí Minh")
    rowid = db.session.scalar(sa.text("SELECT rowid FROM search_index"))
    db.session.execute(sa.text("UPDATE search_index SET body = 'da doi' WHERE rowid = :r"),
                       {"r": rowid})  # fmt: skip
    db.session.commit()

    update_article(article, featured=True, author="Ban biên tập")
    article.views = 99
    db.session.commit()

    assert db.session.scalar(sa.text("SELECT body FROM search_index")) == "da doi"


def test_a_rolled_back_write_leaves_no_index_row(client, make_category):
    category = make_category("Tin tức")
    create_article(title="Bài viết bỏ dở", category=category, commit=False)
    db.session.flush()
    assert index_rows() == 1
    db.session.rollback()

    assert index_rows() == 0
    assert hits(client, "bo do") == []


def test_reindex_rebuilds_the_index_from_the_tables(client, runner, make_article, make_document):
    make_article("Tư tưởng Hồ Chí Minh")
    make_document("7-CT/TU", title="Chỉ thị về tư tưởng")
    db.session.execute(sa.text("DELETE FROM search_index"))
    db.session.commit()
    assert hits(client, "tu tuong") == []

    result = runner.invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert "2 bài viết và văn bản" in result.output
    assert sorted(hits(client, "tu tuong")) == ["7-CT/TU: Chỉ thị về tư tưởng",
                                                "Tư tưởng Hồ Chí Minh"]  # fmt: skip


def test_the_demo_content_is_searchable(client, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    assert "An Hòa chính thức vận hành Trung tâm Giám sát, điều hành đô thị thông minh" in hits(
        client, "do thi thong minh"
    )
    assert hits(client, "118-HD/BTGTU")[0].startswith("118-HD/BTGTU: Hướng dẫn tuyên truyền")
