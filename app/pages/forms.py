"""The admin's forms of static pages and contact messages."""

from __future__ import annotations

from wtforms import BooleanField, IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.form_base import PortalForm, strip
from app.pages.models import SLUG_MAX, TITLE_MAX

BODY_MAX = 500_000
POSITION_MAX = 100_000


class PageForm(PortalForm):
    title = StringField(
        "Tiêu đề",
        filters=[strip],
        validators=[DataRequired("Nhập tiêu đề."),
                    Length(max=TITLE_MAX, message=f"Tiêu đề tối đa {TITLE_MAX} ký tự.")],
    )  # fmt: skip
    slug = StringField(
        "Đường dẫn (slug)",
        filters=[strip],
        validators=[Length(max=SLUG_MAX, message=f"Đường dẫn tối đa {SLUG_MAX} ký tự.")],
        description="Phần cuối của địa chỉ /trang/…; để trống: tạo từ tiêu đề.",
    )
    body = TextAreaField("Nội dung", validators=[Length(max=BODY_MAX, message="Nội dung quá dài.")])
    published = BooleanField("Hiển thị trên trang")
    position = IntegerField(
        "Thứ tự",
        default=0,
        invalid_value_message="Thứ tự phải là một số nguyên.",
        validators=[Optional()],
        description="Số nhỏ đứng trước trong danh sách trang.",
    )

    def validate_position(self, field) -> None:
        if field.data is not None and not 0 <= field.data <= POSITION_MAX:
            raise ValidationError(f"Thứ tự từ 0 đến {POSITION_MAX}.")


class ActionForm(PortalForm):
    """No fields: checks the CSRF token of the delete and mark buttons."""


__all__ = ["ActionForm", "PageForm"]
