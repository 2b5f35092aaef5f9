"""Article administration, moving articles to another category in bulk (issue 12): only to a
category the user may edit (administrators: any), only articles the user may edit, published
ones only by a publisher; each move kept in the revisions and audited."""

from __future__ import annotations

from article_admin import ARTICLES, BULK, article_row, form_data, revisions_of, save, titles_on
from audit_log import audit_rows
from auth_helpers import logged_in_client, page_token
from pages import flashes


def move(client, ids: list[int], target: int | str):
    token = page_token(client, ARTICLES)
    return client.post(
        BULK,
        data={"csrf_token": token, "action": "move", "target": str(target),
              "ids": [str(i) for i in ids]},
    )  # fmt: skip


def category_of(article_id: int) -> int:
    return article_row(article_id).category_id


def test_an_administrator_moves_articles_and_public_pages_follow(app, admin_client, cats, visitor):
    first = save(admin_client, form_data(cats.a, title="Tin chuyển một", status="published"))
    second = save(admin_client, form_data(cats.a, title="Tin chuyển hai", status="published"))
    assert "Tin chuyển một" in titles_on(visitor, f"/chuyen-muc/{cats.a_slug}")

    response = move(admin_client, [first, second], cats.b)

    assert response.status_code == 302
    page = admin_client.get(response.headers["Location"]).text
    assert "Đã chuyển 2 bài sang chuyên mục “Y tế”." in flashes(page)
    assert (category_of(first), category_of(second)) == (cats.b, cats.b)
    assert "Tin chuyển một" not in titles_on(visitor, f"/chuyen-muc/{cats.a_slug}")
    assert "Tin chuyển hai" in titles_on(visitor, f"/chuyen-muc/{cats.b_slug}")
    moves = audit_rows(app, "article.move")
    assert [row.detail for row in moves] == ["Chuyển từ “Giáo dục” sang “Y tế”"] * 2
    assert revisions_of(first)[-1].note == "Chuyển từ “Giáo dục” sang “Y tế”"


def test_an_editor_moves_only_to_a_category_assigned_to_them(
    app, make_user, admin_client, category_editor_client, cats
):
    draft = save(category_editor_client, form_data(cats.a, title="Nháp của biên tập"))

    refused = move(category_editor_client, [draft], cats.b)

    assert refused.status_code == 403
    assert category_of(draft) == cats.a
    assert audit_rows(app, "article.move") == []
    # With both categories assigned, the move is allowed.
    both = logged_in_client(app, make_user("haichuyenmuc", category_ids=[cats.a, cats.b]))
    assert move(both, [draft], cats.b).status_code == 302
    assert category_of(draft) == cats.b


def test_an_editor_cannot_move_articles_of_a_category_not_theirs(
    app, make_user, admin_client, cats
):
    outside = save(admin_client, form_data(cats.b, title="Bài của chuyên mục khác"))
    editor = logged_in_client(app, make_user("chiA", category_ids=[cats.a]))

    response = move(editor, [outside], cats.a)

    assert response.status_code == 302
    assert "Chưa chọn bài viết nào." in flashes(editor.get(ARTICLES).text)
    assert category_of(outside) == cats.b


def test_a_published_article_is_moved_only_by_a_publisher(
    app, make_user, admin_client, cats, visitor
):
    live = save(admin_client, form_data(cats.a, title="Tin đang đăng", status="published"))
    editor = logged_in_client(app, make_user("khongxuatban", category_ids=[cats.a, cats.b]))

    response = move(editor, [live], cats.b)

    assert response.status_code == 302
    shown = " ".join(flashes(editor.get(ARTICLES).text))
    assert "Đã chuyển 0 bài" in shown
    assert "1 bài đang đăng không được chuyển" in shown
    assert category_of(live) == cats.a
    publisher = logged_in_client(
        app, make_user("coxuatban", category_ids=[cats.a, cats.b], can_publish=True)
    )
    move(publisher, [live], cats.b)
    assert category_of(live) == cats.b


def test_a_move_without_a_target_or_to_an_unknown_category_changes_nothing(admin_client, cats):
    article_id = save(admin_client, form_data(cats.a, title="Không đích"))

    for target in ("", "999999", "abc"):
        response = move(admin_client, [article_id], target)
        assert response.status_code in (302, 400), target
        assert category_of(article_id) == cats.a
