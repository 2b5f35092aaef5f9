"""Article administration, who may do what: anonymous visitors and forged requests (CSRF),
editors of one category, editors without the right to publish, administrators. Through the
HTTP interface with real CSRF tokens, real logins, the embedded Redis and a migrated SQLite
database.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from article_admin import (
    ARTICLES,
    BULK,
    DRAFTS_ONLY,
    IMAGES,
    NEW,
    NOT_YOUR_CATEGORY,
    article_count,
    article_row,
    assert_vietnamese,
    bulk,
    edit_page,
    form_data,
    list_rows,
    local_form_time,
    multipart,
    png_bytes,
    public_status,
    save,
    stored_images,
    submit,
    titles_on,
)
from auth_helpers import is_login_redirect, logged_in_client, page_token
from pages import all_field_errors, errors_next_to, options_of, value_of
from sqlalchemy import select

from app.extensions import db
from app.news.models import Article, ArticleStatus, Category

# --- Anonymous visitors and CSRF -----------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["", "/new", "/{id}", "/{id}/preview", "/{id}/revisions", "/{id}/revisions/1"]
)
def test_anonymous_visitors_are_sent_to_the_login_page(visitor, make_article, path):
    article = make_article()

    response = visitor.get(ARTICLES + path.format(id=article.id))

    assert is_login_redirect(response), (response.status_code, response.headers.get("Location"))


def test_anonymous_posts_with_a_valid_token_save_nothing(app, visitor, cats, make_article):
    article = make_article(title="Bài có sẵn", category=db.session.get(Category, cats.a))
    token = page_token(visitor)  # the login page's token for this anonymous session
    before = article_count()

    created = visitor.post(NEW, data={**form_data(cats.a), "csrf_token": token})
    edited = visitor.post(
        f"{ARTICLES}/{article.id}", data={**form_data(cats.a, title="Đổi"), "csrf_token": token}
    )
    deleted = visitor.post(
        BULK, data={"csrf_token": token, "action": "delete", "ids": [str(article.id)]}
    )
    uploaded = visitor.post(
        IMAGES,
        **multipart({"image": (png_bytes(), "a.png")}),
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )

    for response in (created, edited, deleted):
        assert is_login_redirect(response), response.status_code
    assert uploaded.status_code == 401 and "error" in uploaded.get_json()
    assert article_count() == before
    assert article_row(article.id).title == "Bài có sẵn"
    assert stored_images(app) == []


def test_posts_without_the_csrf_token_are_refused_and_save_nothing(admin_client, cats, visitor):
    article_id = save(admin_client, form_data(cats.a, title="Bài gốc", status="published"))
    before = article_count()

    created = admin_client.post(NEW, data=form_data(cats.a, title="Bài không có mã"))
    edited = admin_client.post(f"{ARTICLES}/{article_id}", data=form_data(cats.a, title="Sửa"))
    forged_token = admin_client.post(
        NEW, data={**form_data(cats.a, title="Mã giả"), "csrf_token": "giả-mạo"}
    )
    deleted = admin_client.post(BULK, data={"action": "delete", "ids": [str(article_id)]})
    uploaded = admin_client.post(
        IMAGES,
        **multipart({"image": (png_bytes(), "a.png")}),
        headers={"Accept": "application/json"},
    )

    for response in (created, edited, forged_token, deleted, uploaded):
        assert response.status_code == 400, response.status_code
    assert "Vui lòng tải lại trang" in created.text
    assert article_count() == before
    assert article_row(article_id).title == "Bài gốc"
    assert public_status(visitor, "bai-goc") == 200


# --- Permissions ---------------------------------------------------------------------------------


def test_an_editor_creates_and_edits_drafts_in_an_assigned_category(category_editor_client, cats):
    page = category_editor_client.get(NEW).text
    assert options_of(page, "category") == [str(cats.a)]
    assert options_of(page, "status") == ["draft"]

    article_id = save(category_editor_client, form_data(cats.a, title="Lịch thi học kỳ"))
    save(
        category_editor_client,
        form_data(cats.a, title="Lịch thi học kỳ I", slug="lich-thi-hoc-ky"),
        path=f"{ARTICLES}/{article_id}",
    )

    page = edit_page(category_editor_client, article_id)
    assert value_of(page, "title") == "Lịch thi học kỳ I"
    assert [r["title"] for r in list_rows(category_editor_client.get(ARTICLES).text)] == [
        "Lịch thi học kỳ I"
    ]


def test_an_editor_sees_only_articles_of_assigned_categories_in_the_list(
    category_editor_client, cats, make_article
):
    make_article(title="Bài giáo dục", category=db.session.get(Category, cats.a))
    make_article(title="Bài y tế", category=db.session.get(Category, cats.b))

    page = category_editor_client.get(ARTICLES).text
    rows = list_rows(page)
    forced = list_rows(category_editor_client.get(f"{ARTICLES}?chuyen-muc={cats.b}").text)

    assert [r["title"] for r in rows] == ["Bài giáo dục"]
    # Editors select articles only to move them (issue 12), and only to their categories.
    assert all(r["checkbox"] for r in rows)
    assert options_of(page, "action") == ["move"]
    assert options_of(page, "target") == ["", str(cats.a)]
    assert forced == []


def test_an_editor_gets_403_on_an_article_of_another_category(
    app, category_editor_client, cats, make_article
):
    other = make_article(title="Bài y tế", category=db.session.get(Category, cats.b))
    token = page_token(category_editor_client, NEW)

    pages = [
        category_editor_client.get(f"{ARTICLES}/{other.id}{suffix}")
        for suffix in ("", "/preview", "/revisions")
    ]
    posted = category_editor_client.post(
        f"{ARTICLES}/{other.id}",
        data={**form_data(cats.a, title="Chiếm bài", status="draft"), "csrf_token": token},
    )
    pinged = category_editor_client.post(
        f"{ARTICLES}/{other.id}/editing",
        headers={"X-CSRFToken": token, "Accept": "application/json"},
    )

    for response in (*pages, posted, pinged):
        assert response.status_code == 403, response.status_code
    assert "Không có quyền truy cập" in pages[0].text
    row = article_row(other.id)
    assert (row.title, row.category_id, row.status) == ("Bài y tế", cats.b, "published")


def test_a_forged_post_into_another_category_is_refused_in_vietnamese_and_saves_nothing(
    category_editor_client, cats, visitor
):
    response = submit(category_editor_client, form_data(cats.b, title="Bài lén sang y tế"))

    assert response.status_code == 400
    assert article_count() == 0
    assert "Bài lén sang y tế" not in titles_on(visitor, f"/chuyen-muc/{cats.b_slug}")
    assert value_of(response.text, "title") == "Bài lén sang y tế"
    assert errors_next_to(response.text, "category") == [NOT_YOUR_CATEGORY]


def test_an_editor_cannot_move_an_own_article_into_another_category(category_editor_client, cats):
    article_id = save(category_editor_client, form_data(cats.a, title="Bài của tôi"))

    response = submit(
        category_editor_client,
        form_data(cats.b, title="Bài của tôi", slug="bai-cua-toi"),
        path=f"{ARTICLES}/{article_id}",
    )

    assert response.status_code == 400
    assert article_row(article_id).category_id == cats.a
    assert errors_next_to(response.text, "category") == [NOT_YOUR_CATEGORY]


def test_a_forged_extra_category_is_never_attached_and_any_refusal_is_in_vietnamese(
    category_editor_client, cats
):
    data = form_data(cats.a, title="Bài thêm chuyên mục", extra_categories=[str(cats.b)])

    response = submit(category_editor_client, data)

    db.session.expire_all()
    attached = db.session.scalars(
        select(Article).where(Article.extra_categories.any(Category.id == cats.b))
    ).all()
    assert attached == []
    assert_vietnamese(all_field_errors(response.text))


def test_an_editor_without_the_publish_right_saves_drafts_only(
    category_editor_client, cats, visitor
):
    forged = submit(
        category_editor_client, form_data(cats.a, title="Bài tự xuất bản", status="published")
    )

    assert forged.status_code == 400
    assert article_count() == 0
    assert public_status(visitor, "bai-tu-xuat-ban") == 404
    assert value_of(forged.text, "title") == "Bài tự xuất bản"

    article_id = save(category_editor_client, form_data(cats.a, title="Bài nháp của biên tập"))
    refusals = []
    for status in ("published", "scheduled"):
        again = submit(
            category_editor_client,
            form_data(
                cats.a,
                title="Bài nháp của biên tập",
                slug="bai-nhap-cua-bien-tap",
                status=status,
                published_at=local_form_time(timedelta(hours=-1)),
            ),
            path=f"{ARTICLES}/{article_id}",
        )
        assert again.status_code == 400, status
        refusals.append(errors_next_to(again.text, "status"))
    assert article_row(article_id).status == ArticleStatus.DRAFT
    assert public_status(visitor, "bai-nhap-cua-bien-tap") == 404
    assert errors_next_to(forged.text, "status") == [DRAFTS_ONLY]
    assert refusals == [[DRAFTS_ONLY], [DRAFTS_ONLY]]


def test_editors_with_the_publish_right_and_administrators_publish(
    app, make_user, admin_client, cats, visitor
):
    publisher = make_user("bientap2", category_ids=[cats.a], can_publish=True)
    publisher_client = logged_in_client(app, publisher)
    assert "published" in options_of(publisher_client.get(NEW).text, "status")

    save(publisher_client, form_data(cats.a, title="Bài biên tập đăng", status="published"))
    save(admin_client, form_data(cats.b, title="Bài quản trị đăng", status="published"))

    assert public_status(visitor, "bai-bien-tap-dang") == 200
    assert public_status(visitor, "bai-quan-tri-dang") == 200


def test_bulk_actions_are_for_administrators_only(app, make_user, cats, visitor):
    publisher = make_user("bientap3", category_ids=[cats.a], can_publish=True)
    client = logged_in_client(app, publisher)
    article_id = save(client, form_data(cats.a, title="Bài chờ duyệt"))

    for action in ("publish", "unpublish", "delete"):
        response = bulk(client, action, [article_id])
        assert response.status_code == 403, action
    assert article_row(article_id).status == ArticleStatus.DRAFT
    assert public_status(visitor, "bai-cho-duyet") == 404
