"""Category administration (issue 6): the tree, moving up and down, parent changes without
cycles, slugs proposed from names and kept unique, deletes refused while articles or
children remain, permissions, CSRF and the audit log — all through the HTTP interface."""

from __future__ import annotations

import html
import re

import pytest
from auth_helpers import (
    PASSWORD,
    is_login_redirect,
    page_token,
)
from pages import field_errors, flashes
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.auth.operations import create_user
from app.extensions import db
from app.news.models import Category

BASE = "/admin/news/categories/"


# --- helpers -------------------------------------------------------------------------------------


def send(client, path: str, data: dict | None = None, follow: bool = False):
    """POST `data` with this client's CSRF token, as the page's form would."""
    token = page_token(client, "/admin/")
    return client.post(path, data={"csrf_token": token, **(data or {})}, follow_redirects=follow)


def fresh(category_id: int) -> Category | None:
    db.session.expire_all()
    return db.session.get(Category, category_id)


def by_slug(slug: str) -> Category | None:
    db.session.expire_all()
    return db.session.scalar(select(Category).where(Category.slug == slug))


def tree_names(client) -> list[tuple[int, str]]:
    """(depth, name) of each row of the category list, top to bottom."""
    page = client.get(BASE).text
    rows = re.findall(
        r'<tr id="chuyen-muc-\d+" data-depth="(\d+)">.*?<a href="[^"]+">([^<]+)</a>', page, re.S
    )
    return [(int(depth), html.unescape(name)) for depth, name in rows]


def audit_actions() -> list[tuple[str, str]]:
    db.session.expire_all()
    rows = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id))
    return [(r.action, r.object_id) for r in rows if r.action.startswith("category.")]


def input_value(page: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
    )
    return html.unescape(match.group(1)) if match else ""


def option_values(page: str, select_name: str) -> list[str]:
    block = page.split(f'name="{select_name}"', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option[^>]*value="([^"]*)"', block)


# --- creating and editing ------------------------------------------------------------------------


def test_admin_creates_a_category_with_the_slug_proposed_from_its_name(admin_client):
    response = send(
        admin_client,
        BASE + "new",
        {
            "name": "Đổi mới  giáo dục",
            "slug": "",
            "parent": "0",
            "description": "Tin ngành giáo dục",
        },
    )
    assert response.status_code == 302
    category = by_slug("doi-moi-giao-duc")
    assert category is not None
    assert (category.name, category.parent_id, category.description) == (
        "Đổi mới giáo dục",
        None,
        "Tin ngành giáo dục",
    )
    page = admin_client.get(response.headers["Location"]).text
    assert "Đã tạo chuyên mục “Đổi mới giáo dục”." in flashes(page)
    assert (0, "Đổi mới giáo dục") in tree_names(admin_client)
    assert ("category.create", str(category.id)) in audit_actions()
    # The public page of the new category exists at once.
    assert admin_client.get("/chuyen-muc/doi-moi-giao-duc").status_code == 200


def test_a_proposed_slug_gets_a_number_when_the_name_is_taken(admin_client, make_category):
    make_category("Tin tức")
    assert send(admin_client, BASE + "new", {"name": "Tin tức", "parent": "0"}).status_code == 302
    assert by_slug("tin-tuc-2") is not None


def test_a_typed_slug_is_normalised(admin_client):
    send(admin_client, BASE + "new", {"name": "Thông báo", "slug": "Thông Báo Mới!", "parent": "0"})
    assert by_slug("thong-bao-moi").name == "Thông báo"


def test_a_typed_slug_used_by_another_category_is_refused_and_nothing_is_lost(
    admin_client, make_category
):
    make_category("Tin tức")
    response = send(
        admin_client,
        BASE + "new",
        {"name": "Tin trong tỉnh", "slug": "tin-tuc", "parent": "0", "description": "Mô tả đã gõ"},
    )
    assert response.status_code == 200
    assert field_errors(response.text) == ["Đường dẫn “tin-tuc” đã được dùng cho chuyên mục khác."]
    assert input_value(response.text, "name") == "Tin trong tỉnh"
    assert input_value(response.text, "slug") == "tin-tuc"
    assert "Mô tả đã gõ</textarea>" in response.text
    db.session.expire_all()
    assert db.session.scalar(select(Category).where(Category.name == "Tin trong tỉnh")) is None


def test_editing_to_another_categorys_slug_is_refused(admin_client, make_category):
    make_category("Tin tức")
    other = make_category("Thông báo")
    response = send(
        admin_client, BASE + str(other.id), {"name": "Thông báo", "slug": "tin-tuc", "parent": "0"}
    )
    assert "Đường dẫn “tin-tuc” đã được dùng cho chuyên mục khác." in field_errors(response.text)
    assert fresh(other.id).slug == "thong-bao"


def test_a_category_keeps_its_own_slug_when_saved_unchanged(admin_client, make_category):
    category = make_category("Tin tức", description="Cũ")
    response = send(
        admin_client,
        BASE + str(category.id),
        {"name": "Tin tức", "slug": "tin-tuc", "parent": "0", "description": "Mới"},
    )
    assert response.status_code == 302
    assert (fresh(category.id).slug, fresh(category.id).description) == ("tin-tuc", "Mới")


def test_missing_name_shows_a_vietnamese_error_and_keeps_what_was_typed(admin_client):
    response = send(
        admin_client,
        BASE + "new",
        {"name": "  ", "slug": "da-go", "parent": "0", "description": "Giữ lại"},
    )
    assert response.status_code == 200
    assert field_errors(response.text) == ["Nhập tên chuyên mục."]
    assert input_value(response.text, "slug") == "da-go"
    assert "Giữ lại</textarea>" in response.text
    assert "Chuyên mục chưa được lưu" in response.text


def test_the_edit_form_shows_the_stored_values(admin_client, make_category):
    parent = make_category("Tin tức")
    child = make_category("Trong tỉnh", parent=parent, description="Tin các huyện")
    page = admin_client.get(BASE + str(child.id)).text
    assert input_value(page, "name") == "Trong tỉnh"
    assert input_value(page, "slug") == "trong-tinh"
    assert re.search(
        rf'<option selected value="{parent.id}">|<option value="{parent.id}" selected', page
    )
    assert "Tin các huyện</textarea>" in page


def test_edit_changes_name_slug_description_and_is_audited(admin_client, make_category):
    category = make_category("Tin tức")
    response = send(
        admin_client,
        BASE + str(category.id),
        {
            "name": "Tin tức - Sự kiện",
            "slug": "tin-tuc-su-kien",
            "parent": "0",
            "description": "Mới",
        },
    )
    assert response.status_code == 302
    saved = fresh(category.id)
    assert (saved.name, saved.slug, saved.description) == (
        "Tin tức - Sự kiện",
        "tin-tuc-su-kien",
        "Mới",
    )
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "category.update"))
    assert entry.username == "quantri"
    assert "slug=tin-tuc-su-kien" in entry.detail
    assert admin_client.get("/chuyen-muc/tin-tuc-su-kien").status_code == 200
    assert admin_client.get("/chuyen-muc/tin-tuc").status_code == 404


def test_unknown_edit_target_is_404(admin_client):
    assert admin_client.get(BASE + "999").status_code == 404
    assert send(admin_client, BASE + "999/delete").status_code == 404


# --- the tree: parents and order -----------------------------------------------------------------


def test_new_categories_go_last_and_the_list_shows_the_tree(admin_client, make_category):
    send(admin_client, BASE + "new", {"name": "Tin tức", "parent": "0"})
    send(admin_client, BASE + "new", {"name": "Văn bản", "parent": "0"})
    news = by_slug("tin-tuc")
    send(admin_client, BASE + "new", {"name": "Trong tỉnh", "parent": str(news.id)})
    send(admin_client, BASE + "new", {"name": "Trong nước", "parent": str(news.id)})
    assert tree_names(admin_client) == [
        (0, "Tin tức"),
        (1, "Trong tỉnh"),
        (1, "Trong nước"),
        (0, "Văn bản"),
    ]


def test_the_new_form_can_start_under_a_parent(admin_client, make_category):
    news = make_category("Tin tức")
    page = admin_client.get(BASE + f"new?cha={news.id}").text
    assert re.search(
        rf'<option selected value="{news.id}">|<option value="{news.id}" selected', page
    )


def test_move_up_and_down_reorders_siblings(admin_client, make_category):
    for name in ("Một", "Hai", "Ba"):
        send(admin_client, BASE + "new", {"name": name, "parent": "0"})
    one, two, three = by_slug("mot"), by_slug("hai"), by_slug("ba")
    assert send(admin_client, BASE + f"{three.id}/move/up").status_code == 302
    assert [n for _, n in tree_names(admin_client)] == ["Một", "Ba", "Hai"]
    send(admin_client, BASE + f"{one.id}/move/down")
    assert [n for _, n in tree_names(admin_client)] == ["Ba", "Một", "Hai"]
    send(admin_client, BASE + f"{two.id}/move/up")
    assert [n for _, n in tree_names(admin_client)] == ["Ba", "Hai", "Một"]
    # The site's main menu follows at once.
    menu = admin_client.get("/").text.split('aria-label="Chuyên mục"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r'href="/chuyen-muc/([^"]+)"', menu) == ["ba", "hai", "mot"]
    moves = [a for a, _ in audit_actions() if a.startswith("category.move")]
    assert moves == ["category.move.up", "category.move.down", "category.move.up"]


def test_moving_past_either_end_changes_nothing_and_says_so(admin_client, make_category):
    first, second = make_category("Một"), make_category("Hai")
    response = send(admin_client, BASE + f"{first.id}/move/up", follow=True)
    assert "Chuyên mục “Một” đã ở vị trí đầu trong cấp của nó." in flashes(response.text)
    response = send(admin_client, BASE + f"{second.id}/move/down", follow=True)
    assert "Chuyên mục “Hai” đã ở vị trí cuối trong cấp của nó." in flashes(response.text)
    assert [n for _, n in tree_names(admin_client)] == ["Một", "Hai"]
    assert not [a for a, _ in audit_actions() if a.startswith("category.move")]


def test_moving_stays_among_siblings(admin_client, make_category):
    news = make_category("Tin tức")
    docs = make_category("Văn bản")
    local = make_category("Trong tỉnh", parent=news)
    send(admin_client, BASE + f"{local.id}/move/up")  # the only child: stays where it is
    send(admin_client, BASE + f"{docs.id}/move/up")
    assert tree_names(admin_client) == [(0, "Văn bản"), (0, "Tin tức"), (1, "Trong tỉnh")]


def test_the_list_disables_moves_at_the_ends(admin_client, make_category):
    make_category("Một")
    make_category("Hai")
    page = admin_client.get(BASE).text
    buttons = re.findall(r'aria-label="Chuyển “([^”]+)” (lên|xuống)" ?(disabled)?>', page)
    assert buttons == [
        ("Một", "lên", "disabled"),
        ("Một", "xuống", ""),
        ("Hai", "lên", ""),
        ("Hai", "xuống", "disabled"),
    ]


def test_parent_change_moves_the_category_with_its_children(admin_client, make_category):
    news = make_category("Tin tức")
    docs = make_category("Văn bản")
    existing = make_category("Quyết định", parent=docs)
    local = make_category("Trong tỉnh", parent=news)
    make_category("Huyện", parent=local)
    response = send(
        admin_client,
        BASE + str(local.id),
        {"name": "Trong tỉnh", "slug": "trong-tinh", "parent": str(docs.id)},
    )
    assert response.status_code == 302
    assert fresh(local.id).parent_id == docs.id
    assert fresh(local.id).position > fresh(existing.id).position  # last among new siblings
    assert tree_names(admin_client) == [
        (0, "Tin tức"),
        (0, "Văn bản"),
        (1, "Quyết định"),
        (1, "Trong tỉnh"),
        (2, "Huyện"),
    ]
    # Back to the root.
    send(
        admin_client,
        BASE + str(local.id),
        {"name": "Trong tỉnh", "slug": "trong-tinh", "parent": "0"},
    )
    assert fresh(local.id).parent_id is None
    assert [n for d, n in tree_names(admin_client) if d == 0] == [
        "Tin tức",
        "Văn bản",
        "Trong tỉnh",
    ]
    assert "parent=" in db.session.scalar(
        select(AuditEntry.detail).where(AuditEntry.action == "category.update")
    )


@pytest.mark.parametrize("target", ["itself", "child", "grandchild"])
def test_a_parent_change_that_would_make_a_cycle_is_refused(admin_client, make_category, target):
    top = make_category("Tin tức")
    child = make_category("Trong tỉnh", parent=top)
    grandchild = make_category("Huyện", parent=child)
    parent = {"itself": top, "child": child, "grandchild": grandchild}[target]
    response = send(
        admin_client,
        BASE + str(top.id),
        {"name": "Tin tức đổi", "slug": "tin-tuc", "parent": str(parent.id)},
    )
    assert response.status_code == 200
    assert field_errors(response.text) == [
        "Không thể chọn chính chuyên mục này hoặc một chuyên mục con của nó làm chuyên mục cha."
    ]
    assert input_value(response.text, "name") == "Tin tức đổi"  # what was typed stays
    assert (fresh(top.id).parent_id, fresh(top.id).name) == (None, "Tin tức")
    assert fresh(child.id).parent_id == top.id


def test_the_parent_list_offers_no_cycle(admin_client, make_category):
    top = make_category("Tin tức")
    child = make_category("Trong tỉnh", parent=top)
    other = make_category("Văn bản")
    page = admin_client.get(BASE + str(top.id)).text
    assert option_values(page, "parent") == ["0", str(other.id)]
    page = admin_client.get(BASE + str(child.id)).text
    assert option_values(page, "parent") == ["0", str(top.id), str(other.id)]


@pytest.mark.parametrize(
    ("value", "message"),
    [("9999", "Chuyên mục cha không tồn tại."), ("abc", "Chuyên mục cha không hợp lệ.")],
)
def test_a_forged_parent_is_refused_in_vietnamese(admin_client, value, message):
    response = send(admin_client, BASE + "new", {"name": "Tin tức", "parent": value})
    assert field_errors(response.text) == [message]
    assert by_slug("tin-tuc") is None


# --- deleting ------------------------------------------------------------------------------------


def test_an_empty_category_is_deleted_and_audited(admin_client, make_category):
    first, doomed, last = make_category("Một"), make_category("Hai"), make_category("Ba")
    doomed_id = doomed.id
    response = send(admin_client, BASE + f"{doomed_id}/delete", follow=True)
    assert "Đã xóa chuyên mục “Hai”." in flashes(response.text)
    assert fresh(doomed_id) is None
    assert [n for _, n in tree_names(admin_client)] == ["Một", "Ba"]
    assert ("category.delete", str(doomed_id)) in audit_actions()
    # Positions are renumbered: moving still works on both ends.
    send(admin_client, BASE + f"{last.id}/move/up")
    assert [n for _, n in tree_names(admin_client)] == ["Ba", "Một"]
    assert fresh(first.id).position == 1


def test_deleting_a_category_that_holds_articles_is_refused_with_a_message(
    admin_client, make_category, make_article
):
    category = make_category("Tin tức")
    make_article(category=category)
    make_article(category=category)
    response = send(admin_client, BASE + f"{category.id}/delete", follow=True)
    assert flashes(response.text) == [
        "Không thể xóa chuyên mục “Tin tức”: còn 2 bài viết trong chuyên mục này. "
        "Hãy chuyển các bài viết sang chuyên mục khác trước."
    ]
    assert fresh(category.id) is not None
    assert not [a for a, _ in audit_actions() if a == "category.delete"]


def test_articles_filed_only_as_an_extra_category_also_block_the_delete(
    admin_client, make_category, make_article
):
    main, extra = make_category("Tin tức"), make_category("Sự kiện")
    make_article(category=main, extra_categories=[extra])
    response = send(admin_client, BASE + f"{extra.id}/delete", follow=True)
    assert "còn 1 bài viết trong chuyên mục này" in flashes(response.text)[0]
    assert fresh(extra.id) is not None


def test_deleting_a_parent_whose_child_holds_articles_is_refused(
    admin_client, make_category, make_article
):
    parent = make_category("Tin tức")
    child = make_category("Trong tỉnh", parent=parent)
    make_article(category=child)
    response = send(admin_client, BASE + f"{parent.id}/delete", follow=True)
    assert flashes(response.text) == [
        "Không thể xóa chuyên mục “Tin tức”: còn 1 bài viết trong chuyên mục này và các mục "
        "con. Hãy chuyển các bài viết sang chuyên mục khác trước."
    ]
    assert fresh(parent.id) is not None and fresh(child.id) is not None


def test_deleting_a_category_with_children_is_refused(admin_client, make_category):
    parent = make_category("Tin tức")
    make_category("Trong tỉnh", parent=parent)
    make_category("Trong nước", parent=parent)
    response = send(admin_client, BASE + f"{parent.id}/delete", follow=True)
    assert flashes(response.text) == [
        "Không thể xóa chuyên mục “Tin tức”: còn 2 chuyên mục con. "
        "Hãy chuyển hoặc xóa các chuyên mục con trước."
    ]
    assert fresh(parent.id) is not None


def test_deleting_a_category_detaches_the_editors_assigned_to_it(admin_client, make_category):
    from app.auth.models import User
    from app.news.models import user_categories

    kept, doomed = make_category("Tin tức"), make_category("Sự kiện")
    user = create_user("phongvien", PASSWORD)
    user.categories = [kept, doomed]
    db.session.commit()
    user_id, doomed_id = user.id, doomed.id
    assert send(admin_client, BASE + f"{doomed_id}/delete").status_code == 302
    db.session.expire_all()
    assert [c.name for c in db.session.get(User, user_id).categories] == ["Tin tức"]
    assert (
        db.session.execute(
            select(user_categories).where(user_categories.c.category_id == doomed_id)
        ).all()
        == []
    )


# --- who may do it -------------------------------------------------------------------------------


def test_posts_without_a_csrf_token_are_refused(admin_client, make_category):
    first, second = make_category("Một"), make_category("Hai")
    assert admin_client.post(BASE + "new", data={"name": "Mới", "parent": "0"}).status_code == 400
    assert admin_client.post(BASE + f"{second.id}/move/up").status_code == 400
    assert admin_client.post(BASE + f"{first.id}/delete").status_code == 400
    assert (
        admin_client.post(BASE + f"{first.id}", data={"name": "Đổi", "parent": "0"}).status_code
        == 400
    )
    bad = {"csrf_token": "not-a-token", "name": "Mới", "parent": "0"}
    assert admin_client.post(BASE + "new", data=bad).status_code == 400
    assert by_slug("moi") is None and fresh(first.id).name == "Một"
    assert [n for _, n in tree_names(admin_client)] == ["Một", "Hai"]
    assert audit_actions() == []


def test_an_editor_gets_403_even_with_a_valid_token(editor_client, make_category):
    category = make_category("Tin tức")
    make_category("Văn bản")
    assert editor_client.get(BASE).status_code == 403
    assert editor_client.get(BASE + "new").status_code == 403
    assert editor_client.get(BASE + str(category.id)).status_code == 403
    assert send(editor_client, BASE + "new", {"name": "Lén tạo", "parent": "0"}).status_code == 403
    assert (
        send(editor_client, BASE + str(category.id), {"name": "Đổi", "parent": "0"}).status_code
        == 403
    )
    assert send(editor_client, BASE + f"{category.id}/move/down").status_code == 403
    assert send(editor_client, BASE + f"{category.id}/delete").status_code == 403
    assert fresh(category.id).name == "Tin tức" and fresh(category.id).position == 0
    assert by_slug("len-tao") is None
    assert audit_actions() == []


def test_the_admin_menu_shows_categories_to_administrators_only(admin_client, editor_client):
    assert f'href="{BASE}">Chuyên mục</a>' in admin_client.get("/admin/").text
    assert f'href="{BASE}"' not in editor_client.get("/admin/").text


@pytest.mark.parametrize("path", [BASE, BASE + "new", BASE + "1"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, make_category, path):
    make_category("Tin tức")
    assert is_login_redirect(client.get(path))


def test_anonymous_posts_change_nothing(client, make_category):
    category = make_category("Tin tức")
    token = page_token(client, "/auth/login")
    response = client.post(BASE + f"{category.id}/delete", data={"csrf_token": token})
    assert is_login_redirect(response)
    assert fresh(category.id) is not None


def test_a_slug_taken_between_the_check_and_the_save_is_a_field_error(
    admin_client, make_category, monkeypatch
):
    """Two admins saving the same slug at once: the unique constraint decides, politely."""
    import app.news.queries as queries

    make_category("Tin tức")
    monkeypatch.setattr(queries, "slug_owner", lambda slug: None)  # the check saw it free
    response = send(
        admin_client, BASE + "new", {"name": "Tin mới", "slug": "tin-tuc", "parent": "0"}
    )
    assert response.status_code == 200
    assert field_errors(response.text) == ["Đường dẫn “tin-tuc” đã được dùng cho chuyên mục khác."]
    assert input_value(response.text, "name") == "Tin mới"
    assert audit_actions() == []
