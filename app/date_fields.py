"""Admin date and date-time fields typed as `dd/mm/yyyy` and `dd/mm/yyyy HH:MM`.

Plain text inputs, not `type="date"`/`datetime-local`: those follow the browser's locale
(`11/28/2026, 09:15 AM` in an English browser), which Vietnamese editors misread and mistype.
What was typed is shown again when it is refused. A date-time's data is a naive local
date-time, like WTForms' DateTimeLocalField, so `dates.local_to_utc()` applies unchanged.
"""

from __future__ import annotations

import re
from datetime import date, datetime

from wtforms import Field
from wtforms.widgets import TextInput

# re.ASCII: \d would otherwise accept Arabic-Indic and other digits.
DATE_PATTERN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
DATETIME_PATTERN = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+(\d{1,2}):(\d{2})", re.ASCII)
# The same shapes for the browser's own check (the HTML pattern attribute).
DATE_HTML_PATTERN = r"\s*\d{1,2}/\d{1,2}/\d{4}\s*"
DATETIME_HTML_PATTERN = r"\s*\d{1,2}/\d{1,2}/\d{4}\s+\d{1,2}:\d{2}\s*"
DATE_FORMAT_MESSAGE = "Ngày không hợp lệ: hãy nhập theo dạng ngày/tháng/năm, ví dụ 05/09/2024."
DATETIME_FORMAT_MESSAGE = (
    "Thời điểm không hợp lệ: hãy nhập theo dạng ngày/tháng/năm giờ:phút, ví dụ 05/09/2024 14:30."
)
YEAR_MESSAGE = "Năm phải trong khoảng 1900–2100."
MONTH_MESSAGE = (
    "Tháng {month} không có: hãy nhập ngày trước, tháng sau (ngày/tháng/năm), ví dụ 28/11/2026."
)
TIME_MESSAGE = "Giờ {text} không có: giờ từ 0 đến 23, phút từ 00 đến 59 (24 giờ, ví dụ 14:30)."


def _calendar_date(text: str, day: int, month: int, year: int) -> date:
    if not 1900 <= year <= 2100:
        raise ValueError(YEAR_MESSAGE)
    if not 1 <= month <= 12:
        # 11/28/2026 typed the American way: say so rather than "no such date".
        raise ValueError(MONTH_MESSAGE.format(month=month))
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"Ngày {text} không có trong lịch.") from None


def parse_date(text: str) -> date:
    """`05/09/2024` (or `5/9/2024`) -> 2024-09-05; else ValueError with a message for editors."""
    text = text.strip()
    match = DATE_PATTERN.fullmatch(text)
    if not match:
        raise ValueError(DATE_FORMAT_MESSAGE)
    day, month, year = (int(part) for part in match.groups())
    return _calendar_date(text, day, month, year)


def parse_datetime(text: str) -> datetime:
    """`05/09/2024 14:30` (or `5/9/2024 9:05`) -> a naive datetime; else ValueError."""
    text = " ".join(text.split())
    match = DATETIME_PATTERN.fullmatch(text)
    if not match:
        raise ValueError(DATETIME_FORMAT_MESSAGE)
    day, month, year, hour, minute = (int(part) for part in match.groups())
    day_part = _calendar_date(text.split(" ")[0], day, month, year)
    if hour > 23 or minute > 59:
        raise ValueError(TIME_MESSAGE.format(text=text.split(" ")[1]))
    return datetime(day_part.year, day_part.month, day_part.day, hour, minute)


class _TypedDateField(Field):
    """A text input read by `parse`, shown with `display_format`."""

    widget = TextInput()
    display_format = ""
    placeholder = ""
    html_pattern = ""
    hint = ""

    def __init__(self, label=None, validators=None, **kwargs):
        # inputmode stays "text": a numeric keypad (iOS) has no "/", ":" or space.
        render_kw = {
            "placeholder": self.placeholder,
            "pattern": self.html_pattern,
            "title": self.hint,
            "inputmode": "text",
            "autocomplete": "off",
            "spellcheck": "false",
            "size": len(self.placeholder) + 2,
        }
        render_kw.update(kwargs.pop("render_kw", None) or {})
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return " ".join(self.raw_data)
        return self.data.strftime(self.display_format) if self.data else ""

    def process_formdata(self, valuelist) -> None:
        self.data = None
        text = (valuelist[0] if valuelist else "").strip()
        if text:
            self.data = self.parse(text)

    @staticmethod
    def parse(text: str):  # pragma: no cover - overridden
        raise NotImplementedError


class VnDateField(_TypedDateField):
    """A date typed as dd/mm/yyyy."""

    display_format = "%d/%m/%Y"
    placeholder = "dd/mm/yyyy"
    html_pattern = DATE_HTML_PATTERN
    hint = "Ngày/tháng/năm, ví dụ 05/09/2024"
    parse = staticmethod(parse_date)


class VnDateTimeField(_TypedDateField):
    """A date-time typed as dd/mm/yyyy HH:MM (24 h), in the site's zone."""

    display_format = "%d/%m/%Y %H:%M"
    placeholder = "dd/mm/yyyy HH:MM"
    html_pattern = DATETIME_HTML_PATTERN
    hint = "Ngày/tháng/năm giờ:phút (24 giờ), ví dụ 05/09/2024 14:30"
    parse = staticmethod(parse_datetime)
