"""Where features declare their settings: key, label, kind (with choices or bounds) and default.

The store (app.settings.store) reads values for declared keys only and the admin page renders
a field for each, so a feature adds a setting by declaring it in its init_app.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import Flask, current_app

from app.media import IMAGE_NAME

# "image": the stored name of an image uploaded through app.media ("" for none);
# "color": "#rrggbb", lower case.
KINDS = ("choice", "int", "bool", "text", "image", "color")
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,99}$")
_COLOR = re.compile(r"^#[0-9a-f]{6}$")
TEXT_MAX = 500
# The admin page shows these sections first, in this order; the others after, by name.
SECTION_ORDER = {"Nhận diện": 0, "Chân trang": 1}


class InvalidValue(ValueError):
    """A value the declaration does not accept; the message is for the administrator."""


@dataclass(frozen=True)
class Setting:
    key: str  # a Python identifier, also the form field's name
    label: str  # Vietnamese, shown on the admin page
    default: object
    kind: str = "text"
    choices: dict[str, str] = field(default_factory=dict)  # kind "choice": value -> label
    minimum: int | None = None  # kind "int"
    maximum: int | None = None
    help: str = ""
    section: str = "Chung"  # the admin page groups settings under these headings
    position: int = 50
    # A further check of a well-typed value: the administrator's message, or None if fine.
    check: Callable[[object], str | None] | None = None
    # Called with the new value once a change is saved and committed, in the saving process
    # (a feature that keeps the value elsewhere too, e.g. the statistics' live total).
    on_change: Callable[[object], None] | None = None

    def __post_init__(self) -> None:
        if not _KEY.match(self.key) or self.kind not in KINDS:
            raise ValueError(f"bad setting declaration: {self.key!r} ({self.kind})")
        if self.kind == "choice" and self.default not in self.choices:
            raise ValueError(f"default of {self.key} is not one of its choices")

    def coerce(self, value: object) -> object:
        """`value` as this setting's type, or InvalidValue."""
        value = self._typed(value)
        problem = self.check(value) if self.check is not None else None
        if problem:
            raise InvalidValue(problem)
        return value

    def _typed(self, value: object) -> object:
        if self.kind == "choice":
            if not isinstance(value, str) or value not in self.choices:
                raise InvalidValue("Lựa chọn không hợp lệ.")
            return value
        if self.kind == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                raise InvalidValue("Phải là số nguyên.")
            if self.minimum is not None and value < self.minimum:
                raise InvalidValue(f"Số phải lớn hơn hoặc bằng {self.minimum}.")
            if self.maximum is not None and value > self.maximum:
                raise InvalidValue(f"Số phải nhỏ hơn hoặc bằng {self.maximum}.")
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise InvalidValue("Giá trị không hợp lệ.")
            return value
        if self.kind == "image":
            if not isinstance(value, str) or (value and not IMAGE_NAME.fullmatch(value)):
                raise InvalidValue("Ảnh không hợp lệ.")
            return value
        if self.kind == "color":
            value = value.strip().lower() if isinstance(value, str) else ""
            if not _COLOR.fullmatch(value):
                raise InvalidValue("Màu phải có dạng #rrggbb (ví dụ #0b4f8a).")
            return value
        if not isinstance(value, str) or len(value) > TEXT_MAX:
            raise InvalidValue(f"Không được dài quá {TEXT_MAX} ký tự.")
        return value


def declare(app: Flask, setting: Setting) -> None:
    settings: dict[str, Setting] = app.extensions.setdefault("settings", {})
    if setting.key in settings and settings[setting.key] != setting:
        raise ValueError(f"setting {setting.key} declared twice")
    settings[setting.key] = setting


def declared(app: Flask | None = None) -> dict[str, Setting]:
    """Every declared setting by key, in (section, position, key) order."""
    settings = (app or current_app).extensions.get("settings", {})
    return dict(sorted(settings.items(), key=lambda kv: (
        SECTION_ORDER.get(kv[1].section, len(SECTION_ORDER)), kv[1].section, kv[1].position, kv[0]
    )))  # fmt: skip


__all__ = ["InvalidValue", "KINDS", "Setting", "declare", "declared"]
