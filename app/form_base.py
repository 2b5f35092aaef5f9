"""The base of every form: Flask-WTF's CSRF protection, with WTForms' built-in messages
in Vietnamese (WTForms ships no Vietnamese catalogue)."""

from __future__ import annotations

from flask_wtf import FlaskForm

MESSAGES = {
    "This field is required.": "Vui lòng nhập trường này.",
    "Not a valid choice.": "Lựa chọn không hợp lệ.",
    "Invalid Choice: could not coerce.": "Lựa chọn không hợp lệ.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Lựa chọn không hợp lệ.",
    "'%(value)s' is not a valid choice for this field.": "Lựa chọn “%(value)s” không hợp lệ.",
    "'%(value)s' are not valid choices for this field.": "Các lựa chọn “%(value)s” không hợp lệ.",
    "Not a valid datetime value.": "Thời điểm không hợp lệ.",
    "Not a valid date value.": "Ngày không hợp lệ.",
    "Not a valid time value.": "Giờ không hợp lệ.",
    "Not a valid integer value.": "Phải là số nguyên.",
    "Not a valid decimal value.": "Phải là số.",
    "Not a valid float value.": "Phải là số.",
    "Invalid email address.": "Địa chỉ thư điện tử không hợp lệ.",
    "Invalid URL.": "Địa chỉ web không hợp lệ.",
    "Invalid input.": "Dữ liệu không hợp lệ.",
    "Field must be equal to %(other_name)s.": "Giá trị không khớp với trường %(other_name)s.",
    "Field must be at least %(min)d characters long.": "Cần ít nhất %(min)d ký tự.",
    "Field cannot be longer than %(max)d characters.": "Không được dài quá %(max)d ký tự.",
    "Field must be exactly %(max)d characters long.": "Phải có đúng %(max)d ký tự.",
    "Field must be between %(min)d and %(max)d characters long.": (
        "Phải có từ %(min)d đến %(max)d ký tự."
    ),
    "Number must be at least %(min)s.": "Số phải lớn hơn hoặc bằng %(min)s.",
    "Number must be at most %(max)s.": "Số phải nhỏ hơn hoặc bằng %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Số phải nằm trong khoảng %(min)s đến %(max)s.",
    "The CSRF token is missing.": "Thiếu mã bảo vệ biểu mẫu. Vui lòng tải lại trang.",
    "The CSRF token is invalid.": "Mã bảo vệ biểu mẫu không hợp lệ. Vui lòng tải lại trang.",
    "The CSRF token has expired.": "Mã bảo vệ biểu mẫu đã hết hạn. Vui lòng tải lại trang.",
    "The CSRF tokens do not match.": "Mã bảo vệ biểu mẫu không khớp. Vui lòng tải lại trang.",
}


def strip(value):
    """A field filter: surrounding white space never counts."""
    return value.strip() if isinstance(value, str) else value


class VietnameseTranslations:
    """The gettext interface WTForms asks of a translations object."""

    def gettext(self, message: str) -> str:
        return MESSAGES.get(message, message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        # Vietnamese has one form; the plural English text is the catalogue's key.
        return MESSAGES.get(plural, MESSAGES.get(singular, plural if n != 1 else singular))


TRANSLATIONS = VietnameseTranslations()


class PortalForm(FlaskForm):
    class Meta:
        def get_translations(self, form):
            return TRANSLATIONS
