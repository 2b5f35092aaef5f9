"""Forms of the menu editor."""

from __future__ import annotations

from wtforms import BooleanField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.converters import record_id_or_zero
from app.form_base import PortalForm, strip
from app.menu.links import KIND_LABELS
from app.menu.models import MenuKind

ROOT = 0  # the "no parent" choice


class MenuItemForm(PortalForm):
    label = StringField(
        "Tên hiển thị",
        filters=[strip],
        validators=[
            DataRequired("Nhập tên mục."),
            Length(max=100, message="Tên mục tối đa 100 ký tự."),
        ],
    )
    kind = SelectField(
        "Liên kết tới",
        choices={k.value: v for k, v in KIND_LABELS.items()}
        | {MenuKind.PAGE.value: "Trang tĩnh (Giới thiệu, Liên hệ…)"},
        default=MenuKind.CATEGORY.value,
        invalid_choice_message="Chọn loại liên kết trong danh sách.",
    )
    # One field per kind of target; the one the kind names is used. The choices are set by
    # the view; whether a choice is allowed is the operations' call.
    category = SelectField(
        "Chuyên mục", coerce=record_id_or_zero, default=0, validate_choice=False,
        invalid_value_message="Chọn chuyên mục trong danh sách.",
    )  # fmt: skip
    page = StringField(
        "Trang tĩnh (đường dẫn)",
        filters=[strip],
        validators=[Length(max=140, message="Đường dẫn trang tối đa 140 ký tự.")],
        description="Phần cuối địa chỉ /trang/…, ví dụ gioi-thieu hoặc lien-he.",
    )
    document = StringField(
        "Văn bản (số ký hiệu)",
        filters=[strip],
        validators=[Length(max=60, message="Số ký hiệu tối đa 60 ký tự.")],
        description="Ví dụ 118-HD/BTGTU.",
    )
    url = StringField(
        "Địa chỉ bên ngoài",
        filters=[strip],
        validators=[Length(max=500, message="Địa chỉ tối đa 500 ký tự.")],
        description="Địa chỉ đầy đủ, bắt đầu bằng http:// hoặc https://.",
    )
    parent = SelectField(
        "Nằm trong mục", coerce=record_id_or_zero, default=ROOT, validate_choice=False,
        invalid_value_message="Mục cha không hợp lệ.",
    )  # fmt: skip
    new_tab = BooleanField("Mở trong thẻ mới")


class ActionForm(PortalForm):
    """No fields: checks the CSRF token the move and delete buttons send."""
