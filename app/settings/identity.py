"""Each site its own: name, logo, header image, footer block and colours, as site settings
(sections "Nhận diện" and "Chân trang" of /admin/cai-dat/), read by the header and footer
partials through the `site` context value (app/__init__.py).

Colours reach pages as a small stylesheet of CSS custom properties (app/settings/theme.py)
at a URL versioned by its content, so no inline style is needed (the CSP allows none) and a
cached page names the stylesheet its own settings made.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask import Flask, current_app

from app.anti_spam import is_email
from app.settings.colors import (
    AA_NORMAL_TEXT,
    WHITE,
    contrast_ratio,
    format_ratio,
    tint,
)
from app.settings.registry import Setting, declare
from app.settings.store import current_values, last_known

IDENTITY = "Nhận diện"
FOOTER = "Chân trang"
DEFAULT_COLOR = "#0b4f8a"  # the header and link blue of site.css
PAGE_BACKGROUND = "#f4f6f8"  # site.css's --bg
_PHONE = re.compile(r"^[0-9+ ().\-]{0,40}$")
CONTRAST_HINT = "cần ít nhất 4,5:1 (chuẩn WCAG 2 mức AA). Vui lòng chọn màu đậm hơn."


def header_color_problem(color: object) -> str | None:
    ratio = contrast_ratio(WHITE, str(color))
    if ratio < AA_NORMAL_TEXT:
        return (f"Chữ trắng trên màu đầu trang {color} chỉ có độ tương phản "
                f"{format_ratio(ratio)}:1, {CONTRAST_HINT}")  # fmt: skip
    return None


def link_color_problem(color: object) -> str | None:
    # Links and buttons sit on white, on the colour's own light tint (notices, table headers,
    # filters) and on the page's light grey (forms): the lowest of these must reach the bar.
    color = str(color)
    on_white = contrast_ratio(color, WHITE)
    if on_white < AA_NORMAL_TEXT:
        return (f"Màu liên kết {color} trên nền trắng chỉ có độ tương phản "
                f"{format_ratio(on_white)}:1, {CONTRAST_HINT}")  # fmt: skip
    on_light = min(contrast_ratio(color, tint(color)), contrast_ratio(color, PAGE_BACKGROUND))
    if on_light < AA_NORMAL_TEXT:
        return (f"Màu liên kết {color} trên nền nhạt (ô thông báo, tiêu đề bảng, biểu mẫu) chỉ "
                f"có độ tương phản {format_ratio(on_light)}:1, {CONTRAST_HINT}")  # fmt: skip
    return None


def email_problem(value: object) -> str | None:
    if value and not is_email(str(value)):
        return "Địa chỉ thư điện tử không hợp lệ."
    return None


def phone_problem(value: object) -> str | None:
    if value and (not _PHONE.fullmatch(str(value)) or not re.search(r"\d", str(value))):
        return "Số điện thoại chỉ gồm chữ số, dấu cách và các ký tự + ( ) . -"
    return None


def _identity(key: str, label: str, position: int, **kw) -> Setting:
    return Setting(key=key, label=label, section=IDENTITY, position=position,
                   **{"default": "", **kw})  # fmt: skip


def _footer(key: str, label: str, position: int, **kw) -> Setting:
    return Setting(key=key, label=label, section=FOOTER, position=position, default="", **kw)


SETTINGS = (
    _identity("site_slogan", "Khẩu hiệu (dòng dưới tên trang)", 20),
    _identity("site_show_name", "Hiện tên trang ở đầu trang", 30, kind="bool", default=True,
              help="Bỏ chọn khi logo hoặc ảnh đầu trang đã có tên cơ quan; tên vẫn được đọc "
                   "cho người dùng trình đọc màn hình."),
    _identity("site_logo", "Logo", 40, kind="image",
              help="Ảnh JPEG, PNG, WebP hoặc GIF; hiện cao khoảng 64 điểm ảnh."),
    _identity("site_header_image", "Ảnh đầu trang (banner)", 50, kind="image",
              help="Ảnh trang trí ngang đầu trang, nên rộng 1140 điểm ảnh trở lên."),
    _identity("site_header_color", "Màu đầu trang", 60, kind="color", default=DEFAULT_COLOR,
              check=header_color_problem,
              help="Nền của đầu trang, menu và chân trang. Chữ trắng trên màu này phải có "
                   "độ tương phản ít nhất 4,5:1."),
    _identity("site_link_color", "Màu liên kết và điểm nhấn", 70, kind="color",
              default=DEFAULT_COLOR, check=link_color_problem,
              help="Liên kết, nút và tiêu đề khối. Màu này trên nền trắng phải có độ tương "
                   "phản ít nhất 4,5:1."),
    _footer("footer_agency", "Tên cơ quan chủ quản", 10),
    _footer("footer_address", "Địa chỉ", 20),
    _footer("footer_phone", "Điện thoại", 30, check=phone_problem),
    _footer("footer_email", "Thư điện tử", 40, check=email_problem),
    _footer("footer_responsible", "Chịu trách nhiệm chính", 50),
    _footer("footer_licence", "Giấy phép", 60,
            help="Cả dòng như sẽ hiện, ví dụ: Giấy phép số 45/GP-TTĐT do Sở Thông tin và "
                 "Truyền thông cấp ngày 12/3/2024."),
    Setting(key="footer_note", label="Dòng ghi chú", section=FOOTER, position=70,
            default="Ghi rõ nguồn khi phát hành lại thông tin từ trang này."),
)  # fmt: skip


def site_name_setting(app: Flask) -> Setting:
    """The site's name; its default is the configured SITE_NAME."""
    return _identity("site_name", "Tên trang", 10, default=app.config["SITE_NAME"],
                     help="Hiện ở đầu trang, chân trang, tiêu đề cửa sổ và bản tin RSS. "
                          "Để trống: dùng tên trong cấu hình máy chủ.")  # fmt: skip


def declare_settings(app: Flask) -> None:
    for setting in (site_name_setting(app), *SETTINGS):
        declare(app, setting)


@dataclass(frozen=True)
class SiteIdentity:
    """What the header, footer and theme show, from the settings."""

    name: str
    slogan: str
    show_name: bool
    logo: str
    header_image: str
    header_color: str
    link_color: str
    agency: str
    address: str
    phone: str
    email: str
    responsible: str
    licence: str
    note: str

    @property
    def phone_href(self) -> str:
        """The phone number as a tel: URI wants it: digits and a leading +."""
        digits = re.sub(r"[^0-9+]", "", self.phone)
        return digits[:1] + digits[1:].replace("+", "")

    @property
    def has_contact(self) -> bool:
        return bool(self.address or self.phone or self.email)


def identity() -> SiteIdentity:
    values = current_values()
    text = {s.key: str(values.get(s.key, s.default) or "") for s in SETTINGS}
    return SiteIdentity(
        name=str(values.get("site_name") or "").strip() or current_app.config["SITE_NAME"],
        slogan=text["site_slogan"],
        show_name=bool(values.get("site_show_name", True)),
        logo=text["site_logo"],
        header_image=text["site_header_image"],
        header_color=text["site_header_color"] or DEFAULT_COLOR,
        link_color=text["site_link_color"] or DEFAULT_COLOR,
        agency=text["footer_agency"],
        address=text["footer_address"],
        phone=text["footer_phone"],
        email=text["footer_email"],
        responsible=text["footer_responsible"],
        licence=text["footer_licence"],
        note=text["footer_note"],
    )


def last_known_name() -> str:
    """The site's name for a page that must not touch the database (it may be down)."""
    return str(last_known("site_name") or "").strip() or current_app.config["SITE_NAME"]


__all__ = [
    "SETTINGS",
    "SiteIdentity",
    "declare_settings",
    "header_color_problem",
    "identity",
    "last_known_name",
    "link_color_problem",
]
