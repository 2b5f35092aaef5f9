"""Forms of the category administration."""

from __future__ import annotations

from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from app.converters import record_id_or_zero
from app.form_base import PortalForm, strip

ROOT = 0  # the "no parent" choice


class CategoryForm(PortalForm):
    name = StringField(
        "Tên chuyên mục",
        filters=[strip],
        validators=[DataRequired("Nhập tên chuyên mục."), Length(max=200, message="Tên quá dài.")],
    )
    slug = StringField(
        "Đường dẫn (slug)",
        filters=[strip],
        validators=[Length(max=120, message="Đường dẫn tối đa 120 ký tự.")],
        description="Để trống để tạo tự động từ tên; chỉ gồm chữ không dấu, số và dấu gạch ngang.",
    )
    # The choices are the tree (set by the view); whether a choice is allowed is the
    # service's call (no cycles), so a forged value gets a Vietnamese answer too.
    parent = SelectField(
        "Chuyên mục cha",
        coerce=record_id_or_zero,
        default=ROOT,
        validate_choice=False,
        invalid_value_message="Chuyên mục cha không hợp lệ.",
    )
    description = TextAreaField(
        "Mô tả", filters=[strip], validators=[Length(max=2000, message="Mô tả quá dài.")]
    )


class ActionForm(PortalForm):
    """No fields: checks the CSRF token the move and delete buttons send."""
