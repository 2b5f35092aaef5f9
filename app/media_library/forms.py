"""Forms of the library's admin page: upload (several files), the texts of an image, delete."""

from __future__ import annotations

from flask_wtf.file import MultipleFileField
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.form_base import PortalForm, strip
from app.media_library.models import ALT_MAX, TITLE_MAX

ACCEPT = "image/jpeg,image/png,image/webp,image/gif"
MAX_FILES = 20  # per upload; each is checked and re-encoded in turn


class UploadForm(PortalForm):
    files = MultipleFileField(
        "Chọn ảnh (JPEG, PNG, WebP, GIF; có thể chọn nhiều ảnh)",
        render_kw={"accept": ACCEPT, "multiple": True},
    )


class TextsForm(PortalForm):
    title = StringField(
        "Tiêu đề",
        filters=[strip],
        validators=[DataRequired("Nhập tiêu đề của ảnh."), Length(max=TITLE_MAX)],
    )
    alt = StringField(
        "Văn bản thay thế (mô tả ảnh cho người không xem được ảnh)",
        filters=[strip],
        validators=[Length(max=ALT_MAX)],
    )


class DeleteForm(PortalForm):
    """Only the CSRF token: the button posts it."""
