"""The demo site's menu: an agency's (Trang chủ, Giới thiệu, Tin tức with its sub-categories,
Văn bản, Liên hệ), seeded once; an editor's menu is never touched by a second seed."""

from __future__ import annotations

from menu_pages import site_menu
from sqlalchemy import func, select

from app.extensions import db
from app.menu.models import MenuItem


def test_the_demo_menu_is_an_agencys_and_a_second_seed_adds_nothing(runner, client):
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "menu items" in first.output
    count = db.session.scalar(select(func.count(MenuItem.id)))

    again = runner.invoke(args=["seed-demo"])

    assert again.exit_code == 0, again.output
    assert db.session.scalar(select(func.count(MenuItem.id))) == count
    menu = site_menu(client.get("/").text)
    assert [(label, href) for label, href, _ in menu] == [
        ("Trang chủ", "/"),
        ("Giới thiệu", "/trang/gioi-thieu"),
        ("Tin tức", "/chuyen-muc/tin-tuc-su-kien"),
        ("Văn bản", "/van-ban/"),
        ("Liên hệ", "/trang/lien-he"),
    ]
    news = menu[2][2]
    assert ("Hoạt động cơ sở", "/chuyen-muc/hoat-dong-co-so", []) in news
    assert ("Văn hóa - Xã hội", "/chuyen-muc/van-hoa-xa-hoi",
            [("Giáo dục - Y tế", "/chuyen-muc/giao-duc-y-te", [])]) in news  # fmt: skip
