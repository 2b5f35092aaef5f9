"""Forms of the documents administration: documents and the type, issuer, signer and field
lists. Every message is Vietnamese, including those WTForms would otherwise give in English."""

from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError

from app.date_fields import VnDateField
from app.documents.operations import BODY_MAX, BODY_TOO_LONG
from app.form_base import PortalForm

INVALID_CHOICE = "Lựa chọn không hợp lệ; hãy tải lại trang và chọn lại."


class ChoiceField(SelectField):
    """A select whose refusals (a forged or stale value) are in Vietnamese."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


class MultiChoiceField(SelectMultipleField):
    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("coerce", int)
        kwargs.setdefault("invalid_value_message", INVALID_CHOICE)
        kwargs.setdefault("invalid_choice_message", INVALID_CHOICE)
        super().__init__(label, validators, **kwargs)


def has_letter_or_digit(form, field) -> None:
    if field.data and not any(ch.isalnum() for ch in field.data):
        raise ValidationError("Tên phải có ít nhất một chữ cái hoặc chữ số.")


def date_required(message: str):
    """Like InputRequired, but blank-only input counts as nothing typed, and a date that
    could not be read keeps only its own message."""

    def check(form, field) -> None:
        if field.data is None and not field.process_errors:
            raise StopValidation(message)

    check.field_flags = {"required": True}
    return check


def too_long(limit: int) -> Length:
    return Length(max=limit, message=f"Tối đa {limit} ký tự.")


class DocumentForm(PortalForm):
    code = StringField(
        "Số ký hiệu",
        validators=[DataRequired("Nhập số ký hiệu."), too_long(60), has_letter_or_digit],
        description="Ví dụ: 118-HD/BTGTU.",
    )
    title = StringField("Tiêu đề", validators=[DataRequired("Nhập tiêu đề."), too_long(400)])
    summary = TextAreaField("Trích yếu", validators=[too_long(2000)])
    # Rich text (HTML) in the same editor as articles; sanitised by the operations.
    body = TextAreaField(
        "Nội dung / toàn văn", validators=[Length(max=BODY_MAX, message=BODY_TOO_LONG)]
    )
    type = ChoiceField("Thể loại")
    issuer = ChoiceField("Cơ quan ban hành")
    signer = ChoiceField("Người ký")
    fields = MultiChoiceField("Lĩnh vực")
    issued_on = VnDateField(
        "Ngày ban hành (ngày/tháng/năm)", validators=[date_required("Nhập ngày ban hành.")]
    )
    in_force_on = VnDateField(
        "Ngày có hiệu lực", validators=[Optional()], description="Để trống: kể từ ngày ban hành."
    )
    expires_on = VnDateField(
        "Ngày hết hiệu lực", validators=[Optional()], description="Để trống nếu không xác định."
    )
    replaces = MultiChoiceField("Thay thế các văn bản")
    related = MultiChoiceField("Văn bản liên quan")
    published = BooleanField("Công bố trên trang (bạn đọc xem và tải được)", default=True)
    files = MultipleFileField("Đính kèm tệp (PDF, DOC, DOCX, XLS, XLSX, ODT, ODS)")

    def validate_in_force_on(self, field) -> None:
        if field.data and self.issued_on.data and field.data < self.issued_on.data:
            raise ValidationError("Ngày có hiệu lực không được trước ngày ban hành.")

    def validate_expires_on(self, field) -> None:
        if not field.data:
            return
        if self.in_force_on.data and field.data <= self.in_force_on.data:
            raise ValidationError("Ngày hết hiệu lực phải sau ngày có hiệu lực.")
        if self.issued_on.data and field.data <= self.issued_on.data:
            raise ValidationError("Ngày hết hiệu lực phải sau ngày ban hành.")


class ActionForm(PortalForm):
    """No fields: gives POST-only buttons (remove a file, delete) their CSRF token."""


NAME_VALIDATORS = [DataRequired("Nhập tên."), has_letter_or_digit]


class PositionField(IntegerField):
    def process_formdata(self, valuelist) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(POSITION_MESSAGE) from None


POSITION_MESSAGE = "Thứ tự là số nguyên từ 0 đến 9999."


class TypeForm(PortalForm):
    name = StringField("Tên thể loại", validators=[*NAME_VALIDATORS, too_long(100)])
    position = PositionField(
        "Thứ tự", default=0, validators=[Optional()], description="Số nhỏ đứng trước."
    )

    def validate_position(self, field) -> None:
        if field.data is not None and not 0 <= field.data <= 9999:
            raise ValidationError(POSITION_MESSAGE)


class IssuerForm(PortalForm):
    name = StringField("Tên cơ quan ban hành", validators=[*NAME_VALIDATORS, too_long(200)])


class SignerForm(PortalForm):
    name = StringField("Họ và tên người ký", validators=[*NAME_VALIDATORS, too_long(150)])
    position = StringField("Chức vụ", validators=[too_long(150)])


class FieldForm(PortalForm):
    name = StringField("Tên lĩnh vực", validators=[*NAME_VALIDATORS, too_long(150)])
    parent = ChoiceField("Thuộc lĩnh vực")
