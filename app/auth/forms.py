"""Login and password forms."""

from wtforms import BooleanField, PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from app.auth.passwords import MAX_LENGTH
from app.form_base import PortalForm


class LoginForm(PortalForm):
    username = StringField(
        "Tên đăng nhập", validators=[DataRequired("Nhập tên đăng nhập."), Length(max=60)]
    )
    password = PasswordField(
        "Mật khẩu", validators=[DataRequired("Nhập mật khẩu."), Length(max=MAX_LENGTH)]
    )
    remember = BooleanField("Ghi nhớ trên máy này (không áp dụng cho quản trị viên)")


class ChangePasswordForm(PortalForm):
    current = PasswordField(
        "Mật khẩu hiện tại", validators=[DataRequired("Nhập mật khẩu hiện tại.")]
    )
    new = PasswordField(
        "Mật khẩu mới", validators=[DataRequired("Nhập mật khẩu mới."), Length(max=MAX_LENGTH)]
    )
    confirm = PasswordField(
        "Nhập lại mật khẩu mới", validators=[EqualTo("new", "Hai mật khẩu mới không khớp.")]
    )


class EmptyForm(PortalForm):
    """Carries the CSRF token of POST-only buttons (logout, keepalive)."""
