"""Forms of the banner and link administration."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, IntegerField, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.blocks.models import BannerBlock, ScheduleState
from app.blocks.operations import stored_image_name, target_url_error
from app.date_fields import VnDateTimeField
from app.form_base import PortalForm, strip

MAX_POSITION = 100_000
# What editors read for each position, in the form and the list (sidebar order).
BLOCK_LABELS = {
    BannerBlock.BANNERS: "Trên Văn bản mới",
    BannerBlock.MIDDLE: "Giữa Văn bản mới và Thống kê",
    BannerBlock.LINKS: "Liên kết (logo và tên)",
}
STATE_LABELS = {
    ScheduleState.SHOWING: "Đang hiện",
    ScheduleState.UPCOMING: "Chưa đến lịch",
    ScheduleState.ENDED: "Hết hạn",
}


class BannerForm(PortalForm):
    title = StringField(
        "Tiêu đề",
        filters=[strip],
        validators=[DataRequired("Nhập tiêu đề."), Length(max=200, message="Tiêu đề quá dài.")],
        description="Chữ thay thế của ảnh (người dùng trình đọc màn hình nghe thấy); "
        "không có ảnh thì hiện thành liên kết chữ.",
    )
    target_url = StringField(
        "Địa chỉ liên kết",
        filters=[strip],
        validators=[Length(max=500, message="Địa chỉ liên kết tối đa 500 ký tự.")],
        description="Địa chỉ đầy đủ, bắt đầu bằng http:// hoặc https://.",
    )
    block = SelectField(
        "Vị trí",
        choices={k.value: v for k, v in BLOCK_LABELS.items()},
        default=BannerBlock.BANNERS.value,
        invalid_choice_message="Chọn vị trí hiển thị trong danh sách.",
    )
    position = IntegerField(
        "Thứ tự trong vị trí",
        default=0,
        invalid_value_message="Thứ tự phải là một số nguyên.",
        validators=[Optional()],
        description="Số nhỏ đứng trước.",
    )
    image = FileField("Ảnh hoặc logo (JPEG, PNG, WebP, GIF)")
    remove_image = BooleanField("Bỏ ảnh hiện tại")
    # The URL of a picture chosen in the media library's picker (set by banner-form.js).
    library_image = HiddenField(filters=[strip])
    show_title = BooleanField(
        "Hiện tiêu đề trên ảnh",
        description="Chỉ với banner có ảnh. Để tắt nếu ảnh đã có chữ: tiêu đề sẽ che mất chữ "
        "của ảnh.",
    )
    active_from = VnDateTimeField(
        "Hiển thị từ", validators=[Optional()], description="Để trống: hiển thị ngay."
    )
    active_until = VnDateTimeField(
        "Hiển thị đến", validators=[Optional()], description="Để trống: không hết hạn."
    )

    def validate_target_url(self, field) -> None:
        error = target_url_error(field.data or "")
        if error:
            raise ValidationError(error)

    def validate_library_image(self, field) -> None:
        if field.data and stored_image_name(field.data) is None:
            raise ValidationError("Ảnh chọn từ thư viện không còn; hãy chọn lại.")

    def validate_position(self, field) -> None:
        # Not NumberRange: it would add a second error to a value that is no number at all.
        if field.data is not None and not 0 <= field.data <= MAX_POSITION:
            raise ValidationError(f"Thứ tự từ 0 đến {MAX_POSITION}.")

    def validate_active_until(self, field) -> None:
        if field.data and self.active_from.data and field.data <= self.active_from.data:
            raise ValidationError("Thời điểm kết thúc phải sau thời điểm bắt đầu.")


class ActionForm(PortalForm):
    """No fields: checks the CSRF token the delete and move buttons send."""
