"""The menu on PostgreSQL: the demo menu seeded through the operations, reordered, a branch
deleted (children before their parent, the foreign key holds), and the site's menu read."""

from __future__ import annotations

from menu_pages import site_menu
from sqlalchemy import func, select

from app.extensions import db
from app.menu.demo import seed_demo
from app.menu.models import MenuItem
from app.menu.operations import delete_item, move_item
from app.news.operations import create_category


def test_the_menu_on_postgresql(pg_app):
    news = create_category("Tin tức - Sự kiện", slug="tin-tuc-su-kien", by=None)
    create_category("Hoạt động cơ sở", slug="hoat-dong-co-so", parent=news, by=None)
    with pg_app.test_request_context("/"):
        # Trang chủ, Giới thiệu, Tin tức and its one child, Văn bản, Liên hệ
        assert seed_demo() == 6

    documents = db.session.scalar(select(MenuItem).where(MenuItem.label == "Văn bản"))
    assert move_item(documents, -1, by=None)
    delete_item(db.session.scalar(select(MenuItem).where(MenuItem.label == "Tin tức")), by=None)

    page = pg_app.test_client().get("/").text
    # The site has no static page yet: Giới thiệu and Liên hệ wait for theirs.
    assert site_menu(page) == [("Trang chủ", "/", []), ("Văn bản", "/van-ban/", [])]
    assert db.session.scalar(select(func.count(MenuItem.id))) == 4
