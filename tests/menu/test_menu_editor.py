"""The menu editor (/admin/menu/): adding items of every kind, nesting at most two levels
below the top, no cycles, moving up and down, deleting a branch, refused targets, access and
CSRF — through the HTTP interface, with the site's menu checked after each change."""

from __future__ import annotations

import pytest
from menu_pages import BASE, editor_rows, item_form, send, site_menu
from pages import field_errors, flashes
from sqlalchemy import select

from app.audit.models import AuditEntry
from app.extensions import db
from app.menu.models import MenuItem


def item(label: str) -> MenuItem:
    db.session.expire_all()
    return db.session.scalar(select(MenuItem).where(MenuItem.label == label))


def add(client, label: str, kind: str, **fields) -> MenuItem:
    response = send(client, BASE + "new", item_form(label, kind, **fields))
    assert response.status_code == 302, field_errors(response.text)
    return item(label)


def test_items_of_every_kind_make_the_sites_menu_in_order(admin_client, client, make_category,
                                                         make_document, make_page):  # fmt: skip
    make_page("gioi-thieu")
    news = make_category("Tin tức")
    document = make_document("12/QĐ-UBND")
    add(admin_client, "Trang chủ", "home")
    add(admin_client, "Giới thiệu", "page", page="gioi-thieu")
    add(admin_client, "Tin tức", "category", category=str(news.id))
    add(admin_client, "Văn bản", "documents")
    add(admin_client, "Quyết định 12", "document", document="12/QĐ-UBND")
    add(admin_client, "Cổng Chính phủ", "url", url="https://chinhphu.vn/", new_tab="y")

    page = admin_client.get("/").text
    assert [(label, href) for label, href, _ in site_menu(page)] == [
        ("Trang chủ", "/"),
        ("Giới thiệu", "/trang/gioi-thieu"),
        ("Tin tức", "/chuyen-muc/tin-tuc"),
        ("Văn bản", "/van-ban/"),
        ("Quyết định 12", document.url),
        ("Cổng Chính phủ", "https://chinhphu.vn/"),
    ]
    outside = '<a href="https://chinhphu.vn/" target="_blank" rel="noopener">Cổng Chính phủ</a>'
    assert outside in page
    assert [label for _, label in editor_rows(admin_client)][:2] == ["Trang chủ", "Giới thiệu"]
    actions = db.session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("menu.%")))
    assert list(actions) == ["menu.create"] * 6


def test_nesting_shows_dropdowns_at_most_two_levels_below_the_top(admin_client, client):
    top = add(admin_client, "Tin tức", "documents")
    child = add(admin_client, "Chuyên đề", "documents", parent=str(top.id))
    grandchild = add(admin_client, "Năm 2026", "home", parent=str(child.id))

    response = send(admin_client, BASE + "new", item_form("Quá sâu", "home",
                                                          parent=str(grandchild.id)))  # fmt: skip

    assert response.status_code == 200
    assert field_errors(response.text) == ["Menu có tối đa 3 cấp: chọn mục cha ở cấp cao hơn."]
    assert item("Quá sâu") is None
    assert editor_rows(admin_client) == [(0, "Tin tức"), (1, "Chuyên đề"), (2, "Năm 2026")]
    # The form offers no parent at the last level.
    assert f'value="{grandchild.id}"' not in admin_client.get(BASE + "new").text
    assert site_menu(client.get("/").text) == [
        ("Tin tức", "/van-ban/", [("Chuyên đề", "/van-ban/", [("Năm 2026", "/", [])])])
    ]


def test_an_item_cannot_go_inside_itself_nor_push_its_branch_too_deep(admin_client):
    top = add(admin_client, "A", "home")
    child = add(admin_client, "B", "home", parent=str(top.id))
    other = add(admin_client, "C", "home")
    other_child = add(admin_client, "D", "home", parent=str(other.id))

    inside = send(admin_client, f"{BASE}{top.id}", item_form("A", "home", parent=str(child.id)))
    too_deep = send(admin_client, f"{BASE}{top.id}",
                    item_form("A", "home", parent=str(other_child.id)))  # fmt: skip

    assert field_errors(inside.text) == ["Không thể đặt một mục vào bên trong chính nó."]
    assert field_errors(too_deep.text) == ["Menu có tối đa 3 cấp: chọn mục cha ở cấp cao hơn."]
    assert item("A").parent_id is None


def test_move_up_and_down_reorders_siblings_and_the_site_follows(admin_client, client):
    for label in ("Một", "Hai", "Ba"):
        add(admin_client, label, "home")

    assert send(admin_client, f"{BASE}{item('Ba').id}/move/up").status_code == 302
    assert [label for _, label in editor_rows(admin_client)] == ["Một", "Ba", "Hai"]
    send(admin_client, f"{BASE}{item('Một').id}/move/down")
    assert [label for label, _, _ in site_menu(client.get("/").text)] == ["Ba", "Một", "Hai"]

    first = send(admin_client, f"{BASE}{item('Ba').id}/move/up", follow=True)
    assert "“Ba” đã ở vị trí đầu trong cấp của nó." in flashes(first.text)


def test_deleting_an_item_deletes_its_branch(admin_client, client):
    top = add(admin_client, "Tin tức", "documents")
    child = add(admin_client, "Con", "home", parent=str(top.id))
    add(admin_client, "Cháu", "home", parent=str(child.id))
    add(admin_client, "Văn bản", "documents")

    response = send(admin_client, f"{BASE}{top.id}/delete", follow=True)

    assert "Đã xóa “Tin tức” và 2 mục con khỏi menu." in flashes(response.text)
    assert editor_rows(admin_client) == [(0, "Văn bản")]
    assert [label for label, _, _ in site_menu(client.get("/").text)] == ["Văn bản"]


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({"kind": "url", "url": "javascript:alert(1)"},
         "Chỉ chấp nhận địa chỉ bắt đầu bằng http:// hoặc https://."),
        ({"kind": "url", "url": "java\tscript:alert(1)"},
         "Địa chỉ liên kết không được chứa khoảng trắng, ký tự điều khiển hoặc dấu \\."),
        ({"kind": "url", "url": "//evil.example/"},
         "Chỉ chấp nhận địa chỉ bắt đầu bằng http:// hoặc https://."),
        ({"kind": "page", "page": "../admin"},
         "Đường dẫn trang chỉ gồm chữ thường không dấu, số và dấu gạch ngang, ví dụ gioi-thieu."),
        ({"kind": "category", "category": "999999"}, "Chọn chuyên mục trong danh sách."),
        ({"kind": "category", "category": "abc"}, "Chọn chuyên mục trong danh sách."),
        ({"kind": "document", "document": "KHÔNG-CÓ"}, "Không tìm thấy văn bản có số ký hiệu này."),
        ({"kind": "popup"}, "Chọn loại liên kết trong danh sách."),
        ({"kind": "home", "parent": "424242"}, "Mục cha không còn tồn tại."),
        ({"kind": "home", "label": "x" * 101}, "Tên mục tối đa 100 ký tự."),
    ],
)  # fmt: skip
def test_refused_targets_are_named_and_nothing_is_saved(admin_client, fields, error):
    response = send(admin_client, BASE + "new", item_form("Mục", "home") | fields)

    assert response.status_code == 200
    assert error in field_errors(response.text)
    assert db.session.scalar(select(MenuItem.id)) is None


def test_an_item_reads_back_into_its_form_and_saves_unchanged(admin_client, make_document):
    make_document("45/QĐ-UBND")
    saved = add(admin_client, "Quyết định", "document", document="45/QĐ-UBND")

    page = admin_client.get(f"{BASE}{saved.id}").text
    assert 'value="45/QĐ-UBND"' in page
    response = send(admin_client, f"{BASE}{saved.id}",
                    item_form("Quyết định 45", "document", document="45/QĐ-UBND"))  # fmt: skip
    assert response.status_code == 302
    assert (item("Quyết định 45").target, item("Quyết định 45").kind) == (saved.target, "document")


def test_only_administrators_reach_the_editor_and_posts_need_the_token(
    admin_client, editor_client, client
):
    assert editor_client.get(BASE).status_code == 403
    assert editor_client.post(BASE + "new", data=item_form("X", "home")).status_code in (400, 403)
    target = add(admin_client, "Một", "home")
    assert admin_client.post(f"{BASE}{target.id}/delete").status_code == 400
    assert admin_client.post(f"{BASE}{target.id}/move/down").status_code == 400
    assert admin_client.get(f"{BASE}999999").status_code == 404
    assert item("Một") is not None
    assert "Menu chính" in admin_client.get("/admin/").text


def test_the_list_flags_items_readers_do_not_see(admin_client, make_page, make_document):
    make_page("lien-he")
    make_page("lich-tiep-dan", published=False)
    draft = make_document("9/TB-UBND", published=False)
    add(admin_client, "Liên hệ", "page", page="lien-he")
    add(admin_client, "Lịch tiếp dân", "page", page="lich-tiep-dan")
    add(admin_client, "Thông báo 9", "document", document="9/TB-UBND")
    assert draft.url not in admin_client.get("/").text

    page = admin_client.get(BASE).text
    flagged = [row for row in page.split('<tr id="muc-')[1:] if "menu-broken" in row]

    assert len(flagged) == 2
    assert "Lịch tiếp dân" in flagged[0] and "Thông báo 9" in flagged[1]
