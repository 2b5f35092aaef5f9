"""The statistics' site settings: the public page switch, the referrer blocklist."""

from __future__ import annotations

from flask import Flask

from app.settings.registry import Setting, declare


def _check_blocklist(value: object) -> str | None:
    """Refuse entries that are not domain names (the administrator sees the message)."""
    from app.stats.agents import parse_domains

    _, bad = parse_domains(str(value))
    if bad:
        shown = ", ".join(bad[:5]) + ("…" if len(bad) > 5 else "")
        return f"Không phải tên miền: {shown}. Ví dụ đúng: spam.example, seo-offers.example"
    return None


SECTION = "Thống kê"

PUBLIC_PAGE = Setting(
    key="stats_public_page", label="Trang thống kê công khai /thong-ke/", kind="bool",
    default=False, section=SECTION, position=10,
    help="Cho mọi người xem số lượt truy cập theo giờ, ngày, tháng, năm, trình duyệt, hệ điều "
         "hành và trang giới thiệu, như mô-đun thống kê của NukeViet.",
)  # fmt: skip
REFERRER_BLOCKLIST = Setting(
    key="stats_referrer_blocklist", label="Trang giới thiệu bị loại khỏi thống kê",
    default="", section=SECTION, position=20,
    help="Tên miền cách nhau bởi dấu phẩy hoặc dấu cách (ví dụ: spam.example, "
         "seo-offers.example); cả tên miền con cũng bị loại.",
    check=_check_blocklist,
)  # fmt: skip


def declare_settings(app: Flask) -> None:
    """Declare the statistics' settings (app.settings.registry.declare)."""
    for setting in (PUBLIC_PAGE, REFERRER_BLOCKLIST):
        declare(app, setting)
