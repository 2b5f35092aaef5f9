"""Forms of the user administration; features add fields to the account form through
`app.account_fields`."""

from wtforms import BooleanField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, Optional

from app.account_fields import account_fields
from app.auth.models import ROLE_LABELS, Role
from app.form_base import PortalForm

ROLE_CHOICES = {role.value: label for role, label in ROLE_LABELS.items()}


class UserForm(PortalForm):
    username = StringField(
        "Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập."), Length(max=60)]
    )
    display_name = StringField(
        "Họ và tên", validators=[DataRequired("Nhập họ và tên."), Length(max=120)]
    )
    email = StringField(
        "Thư điện tử", validators=[Optional(), Email("Địa chỉ thư không hợp lệ."), Length(max=200)]
    )
    role = SelectField("Vai trò", choices=ROLE_CHOICES, default=Role.EDITOR.value)
    can_publish = BooleanField("Được phép xuất bản (không cần duyệt)")
    active = BooleanField("Đang hoạt động", default=True)
    password = PasswordField("Mật khẩu", validators=[Optional(), Length(max=128)])


def account_form_class() -> type[UserForm]:
    """UserForm with the fields features added (the template shows them by name)."""
    added = account_fields()
    if not added:
        return UserForm
    return type("AccountForm", (UserForm,), {field.name: field.make() for field in added})
