"""The comments' settings (app.settings) and how the rest of the feature reads them."""

from __future__ import annotations

from flask import Flask

from app.settings import Setting, declare, get

MODERATION = Setting(
    key="comments_moderation",
    label="Duyệt ý kiến bạn đọc",
    default="all",
    kind="choice",
    choices={
        "all": "Mọi ý kiến chờ duyệt",
        "guests": "Chỉ ý kiến của khách chờ duyệt (người đã đăng nhập được đăng ngay)",
        "none": "Đăng ngay, không chờ duyệt",
    },
    section="Ý kiến bạn đọc",
    position=10,
)
PER_PAGE = Setting(
    key="comments_per_page",
    label="Số ý kiến mỗi trang",
    default=20,
    kind="int",
    minimum=1,
    maximum=200,
    section="Ý kiến bạn đọc",
    position=20,
)
ORDER = Setting(
    key="comments_order",
    label="Thứ tự hiển thị mặc định",
    default="newest",
    kind="choice",
    choices={"newest": "Mới nhất trước", "oldest": "Cũ nhất trước"},
    section="Ý kiến bạn đọc",
    position=30,
)


def declare_settings(app: Flask) -> None:
    for setting in (MODERATION, PER_PAGE, ORDER):
        declare(app, setting)


def moderation() -> str:
    return str(get(MODERATION.key))


def moderated() -> bool:
    """Whether some comments wait for approval (the form says so)."""
    return moderation() != "none"


def per_page() -> int:
    return int(get(PER_PAGE.key))


def default_order() -> str:
    return str(get(ORDER.key))


__all__ = ["declare_settings", "default_order", "moderated", "moderation", "per_page"]
