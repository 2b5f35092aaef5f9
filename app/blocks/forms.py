"""Forms of the banner and link administration."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, DateTimeLocalField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.blocks.models import BannerBlock
from app.blocks.operations import target_url_error
from app.form_base import PortalForm, strip

# What <input type="datetime-local"> sends (with or without seconds).
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]
BAD_DATETIME = "Ngày giờ không hợp lệ."
MAX_POSITION = 100_000
# What editors read for each block, in the form and the list.
BLOCK_LABELS = {BannerBlock.BANNERS: "Banner (ảnh)", BannerBlock.LINKS: "Liên kết"}


class BannerForm(PortalForm):
    title = StringField(
        "Tiêu đề",
        filters=[strip],
        validators=[DataRequired("Nhập tiêu đề."), Length(max=200, message="Tiêu đề quá dài.")],
    )
    target_url = StringField(
        "Địa chỉ liên kết",
        filters=[strip],
        validators=[Length(max=500, message="Địa chỉ liên kết tối đa 500 ký tự.")],
        description="Địa chỉ đầy đủ, bắt đầu bằng http:// hoặc https://.",
    )
    block = SelectField(
        "Khối hiển thị",
        choices={k.value: v for k, v in BLOCK_LABELS.items()},
        default=BannerBlock.BANNERS.value,
        invalid_choice_message="Chọn khối hiển thị trong danh sách.",
    )
    position = IntegerField(
        "Thứ tự",
        default=0,
        invalid_value_message="Thứ tự phải là một số nguyên.",
        validators=[Optional()],
        description="Số nhỏ đứng trước.",
    )
    image = FileField("Ảnh (JPEG, PNG, WebP, GIF)")
    remove_image = BooleanField("Bỏ ảnh hiện tại")
    active_from = DateTimeLocalField(
        "Hiển thị từ",
        format=LOCAL_FORMATS,
        validators=[Optional()],
        invalid_value_message=BAD_DATETIME,
        description="Để trống: hiển thị ngay.",
    )
    active_until = DateTimeLocalField(
        "Hiển thị đến",
        format=LOCAL_FORMATS,
        validators=[Optional()],
        invalid_value_message=BAD_DATETIME,
        description="Để trống: không hết hạn.",
    )

    def validate_target_url(self, field) -> None:
        error = target_url_error(field.data or "")
        if error:
            raise ValidationError(error)

    def validate_position(self, field) -> None:
        # Not NumberRange: it would add a second error to a value that is no number at all.
        if field.data is not None and not 0 <= field.data <= MAX_POSITION:
            raise ValidationError(f"Thứ tự từ 0 đến {MAX_POSITION}.")

    def validate_active_until(self, field) -> None:
        if field.data and self.active_from.data and field.data <= self.active_from.data:
            raise ValidationError("Thời điểm kết thúc phải sau thời điểm bắt đầu.")


class ActionForm(PortalForm):
    """No fields: checks the CSRF token the delete buttons send."""
