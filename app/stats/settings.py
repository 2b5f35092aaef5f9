"""The statistics' site settings: the public page switch, the referrer blocklist, and the old
site's visit total that "Tổng lượt truy cập" adds (with STATS_TOTAL_OFFSET of the config).

The total's offset rides as an argument of the page view's one Redis call, so the page view
reads it from its process (StatsService.total_offset), never from Redis or SQL: the saving
process applies a change at once and publishes the new numbers; the other processes follow
at their next page view that comes back with a new content version (every settings commit
bumps it), or within OFFSET_REFRESH_SECONDS for the live publishes no page view makes.
"""

from __future__ import annotations

from flask import Flask

from app.settings import store
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


def _total_offset_saved(value: object) -> None:
    """A saved change: this process counts with it at once and publishes the new total."""
    from app.stats.services import get_service

    get_service().offset_saved(int(value))


TOTAL_OFFSET = Setting(
    key="stats_total_offset", label="Tổng lượt truy cập của website cũ (cộng vào tổng)",
    kind="int", default=0, minimum=0, maximum=10**12 - 1, section=SECTION, position=30,
    help="Số lượt truy cập website cũ đã đếm (ví dụ tổng của NukeViet khi chuyển sang), cộng "
         "vào “Tổng lượt truy cập”. Thay đổi hiện ngay trên các trang đang mở.",
    on_change=_total_offset_saved,
)  # fmt: skip


def total_offset_setting() -> int:
    """The total's offset setting through the settings cache (app.settings.store.get)."""
    return int(store.get(TOTAL_OFFSET.key))


def stored_total_offset() -> int:
    """The total's offset setting from the database alone (a process's first read, which
    may be a page view's: no Redis call)."""
    return int(store.load()[TOTAL_OFFSET.key])


def declare_settings(app: Flask) -> None:
    """Declare the statistics' settings (app.settings.registry.declare)."""
    for setting in (PUBLIC_PAGE, REFERRER_BLOCKLIST, TOTAL_OFFSET):
        declare(app, setting)
