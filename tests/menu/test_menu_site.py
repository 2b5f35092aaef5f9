"""The menu readers see: the default one while the editor's is empty (sub-categories as
dropdowns), items whose target is gone left out, edits showing on cached pages at once, and
the menu read from the database once per content version, not once per page."""

from __future__ import annotations

from contextlib import contextmanager

import pytest
from menu_pages import site_menu
from sqlalchemy import event

from app.extensions import db
from app.menu.models import MenuItem, MenuKind
from app.menu.operations import create_item, delete_item
from app.news.operations import delete_category


def add(label: str, kind: MenuKind, target: str = "", parent: MenuItem | None = None):
    return create_item(label=label, kind=kind, target=target,
                       parent_id=parent.id if parent else None, new_tab=False, by=None)  # fmt: skip


@contextmanager
def menu_queries():
    """The SQL statements that read the menu's table while the block runs."""
    seen: list[str] = []

    def note(conn, cursor, statement, *args):
        if "menu_items" in statement:
            seen.append(statement)

    engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_an_empty_menu_shows_home_the_category_tree_and_documents(client, make_category):
    news = make_category("Tin tức")
    make_category("Hoạt động cơ sở", parent=news)
    make_category("Thông báo")

    assert site_menu(client.get("/").text) == [  # fmt: skip
        ("Trang chủ", "/", []),
        (
            "Tin tức",
            "/chuyen-muc/tin-tuc",
            [
                ("Hoạt động cơ sở", "/chuyen-muc/hoat-dong-co-so", []),
            ],
        ),
        ("Thông báo", "/chuyen-muc/thong-bao", []),
        ("Văn bản", "/van-ban/", []),
    ]


def test_a_dropdown_has_its_buttons_for_script_and_its_list_for_everyone(client, make_category):
    make_category("Con", parent=make_category("Cha"))

    page = client.get("/").text

    assert 'aria-controls="main-menu" hidden>' in page  # shown by menu.js, never without it
    assert 'class="sub-toggle" aria-expanded="false" aria-controls="menu-sub-2" hidden>' in page
    assert '<ul class="sub-menu" id="menu-sub-2">' in page
    assert '<script src="/static/js/menu.js' in page


def test_the_current_page_is_marked_in_the_menu(client, make_category):
    make_category("Thông báo")

    page = client.get("/chuyen-muc/thong-bao").text

    assert '<a href="/chuyen-muc/thong-bao" aria-current="page">Thông báo</a>' in page
    assert '<a href="/">Trang chủ</a>' in page


def test_items_whose_target_is_gone_are_left_out(client, make_category, make_document,
                                                 make_page):  # fmt: skip
    gone = make_category("Sáp nhập")
    hidden = make_document("7/TB-UBND", published=False)
    make_page("lich-tiep-dan", published=False)
    add("Trang chủ", MenuKind.HOME)
    add("Lịch tiếp dân", MenuKind.PAGE, "lich-tiep-dan")  # a draft
    add("Trang đã xóa", MenuKind.PAGE, "khong-co")
    add("Chuyên mục cũ", MenuKind.CATEGORY, str(gone.id))
    add("Văn bản nháp", MenuKind.DOCUMENT, str(hidden.id))
    db.session.add(MenuItem(label="Hỏng", kind=MenuKind.URL, target="javascript:alert(1)"))
    db.session.commit()
    delete_category(gone, by=None)

    page = client.get("/").text

    assert site_menu(page) == [("Trang chủ", "/", [])]
    assert "javascript:" not in page


def test_labels_are_escaped(client):
    add("<img src=x onerror=alert(1)>", MenuKind.HOME)

    page = client.get("/").text

    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


@pytest.mark.parametrize("app", [{"PAGE_CACHE_SECONDS": 30}], indirect=True)
def test_an_edit_shows_at_once_on_a_cached_page(app, client, make_category, make_page):
    make_category("Thông báo")
    make_page("lien-he")
    client.get("/")
    assert len(app.extensions["page_cache"]) == 1  # the home page is cached now
    item = add("Liên hệ", MenuKind.PAGE, "lien-he")

    assert site_menu(client.get("/").text) == [("Liên hệ", "/trang/lien-he", [])]
    delete_item(item, by=None)
    assert [label for label, _, _ in site_menu(client.get("/").text)] == [
        "Trang chủ", "Thông báo", "Văn bản"
    ]  # fmt: skip


def test_the_menu_is_read_once_per_content_version(client, make_page):
    make_page("lien-he")
    top = add("Tin tức", MenuKind.DOCUMENTS)
    add("Con", MenuKind.HOME, parent=top)
    client.get("/van-ban/")  # a page that is never cached: it renders every time

    with menu_queries() as seen:
        for _ in range(3):
            assert client.get("/van-ban/").status_code == 200
    assert seen == []

    add("Liên hệ", MenuKind.PAGE, "lien-he")  # a new content version
    with menu_queries() as seen:
        page = client.get("/van-ban/").text
        client.get("/van-ban/")
    assert len(seen) == 1
    assert [label for label, _, _ in site_menu(page)] == ["Tin tức", "Liên hệ"]


def test_without_redis_the_menu_is_read_from_the_database_on_each_page(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", REDIS_SOCKET_TIMEOUT=0.2)
    with app.app_context():
        add("Văn bản", MenuKind.DOCUMENTS)
        client = app.test_client()
        assert site_menu(client.get("/van-ban/").text) == [("Văn bản", "/van-ban/", [])]
        # Written by another process (no forget() here), and the version cannot move.
        db.session.add(MenuItem(label="Trang chủ", kind=MenuKind.HOME, position=9))
        db.session.commit()

        page = client.get("/van-ban/")

        assert page.status_code == 200
        assert [label for label, _, _ in site_menu(page.text)] == ["Văn bản", "Trang chủ"]
        db.session.remove()
        db.engine.dispose()
