"""The demo site's main menu, as an agency's site has it: Trang chủ, Giới thiệu, Tin tức with
its sub-categories, Văn bản, Liên hệ."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from app.menu.models import MenuItem, MenuKind
from app.menu.operations import create_item
from app.news.models import Category

# (label, kind, target: a category's slug or a page's slug, children)
DEMO_MENU = [
    ("Trang chủ", MenuKind.HOME, "", []),
    ("Giới thiệu", MenuKind.PAGE, "gioi-thieu", []),
    ("Tin tức", MenuKind.CATEGORY, "tin-tuc-su-kien", [
        ("Hoạt động cơ sở", MenuKind.CATEGORY, "hoat-dong-co-so", []),
        ("Chuyển đổi số", MenuKind.CATEGORY, "chuyen-doi-so", []),
        ("Cải cách hành chính", MenuKind.CATEGORY, "cai-cach-hanh-chinh", []),
        ("Văn hóa - Xã hội", MenuKind.CATEGORY, "van-hoa-xa-hoi", [
            ("Giáo dục - Y tế", MenuKind.CATEGORY, "giao-duc-y-te", []),
        ]),
        ("Nông nghiệp - Môi trường", MenuKind.CATEGORY, "nong-nghiep-moi-truong", []),
    ]),
    ("Văn bản", MenuKind.DOCUMENTS, "", []),
    ("Liên hệ", MenuKind.PAGE, "lien-he", []),
]  # fmt: skip


def seed_demo() -> int:
    """Add the demo menu to a site whose menu is empty; how many items were added (0 when
    the site has a menu already: an editor's menu is never touched)."""
    if db.session.scalar(select(func.count(MenuItem.id))):
        return 0
    categories = dict(db.session.execute(select(Category.slug, Category.id)).all())

    def add(entries, parent_id: int | None) -> int:
        added = 0
        for label, kind, target, children in entries:
            if kind == MenuKind.CATEGORY:
                if target not in categories:
                    continue  # a site without that category: the item is left out
                target = str(categories[target])
            item = create_item(label=label, kind=kind, target=target, parent_id=parent_id,
                               new_tab=False, by=None)  # fmt: skip
            added += 1 + add(children, item.id)
        return added

    return add(DEMO_MENU, None)


__all__ = ["DEMO_MENU", "seed_demo"]
