"""The article editor form."""

from __future__ import annotations

from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from app.converters import record_id
from app.date_fields import VnDateTimeField
from app.form_base import PortalForm
from app.news.models import ArticleStatus, ImagePosition

STATUS_LABELS = {
    ArticleStatus.DRAFT: "Nháp",
    ArticleStatus.SUBMITTED: "Chờ duyệt",
    ArticleStatus.RETURNED: "Trả lại",
    ArticleStatus.PUBLISHED: "Xuất bản",
    ArticleStatus.SCHEDULED: "Hẹn giờ xuất bản",
    ArticleStatus.EXPIRED: "Ngừng đăng",
}
# What a publisher picks in the editor; "submitted" and "returned" come from the workflow's
# buttons (Gửi duyệt, Trả lại), never from this list.
PUBLISHER_STATUSES = (
    ArticleStatus.DRAFT,
    ArticleStatus.PUBLISHED,
    ArticleStatus.SCHEDULED,
    ArticleStatus.EXPIRED,
)
POSITION_LABELS = {
    ImagePosition.BESIDE: "Bên cạnh phần tóm tắt",
    ImagePosition.UNDER: "Dưới phần tóm tắt",
    ImagePosition.HIDDEN: "Không hiển thị trong bài",
}
MAX_BODY = 500_000


class TagsField(StringField):
    """Tags typed as "a, b, c". Built from an article (obj=), it gets the Tag objects: it
    shows their names, and a POST without the field keeps them (it used to fail on a list)."""

    def process_data(self, value) -> None:
        if isinstance(value, list | tuple):
            value = ", ".join(tag.name for tag in value)
        super().process_data(value)


class ArticleForm(PortalForm):
    title = StringField("Tiêu đề", validators=[DataRequired("Nhập tiêu đề."), Length(max=300)])
    slug = StringField(
        "Đường dẫn (slug)",
        validators=[Optional(), Length(max=120)],
        description="Để trống để tạo tự động từ tiêu đề.",
    )
    # Choices are narrowed per editor; the view refuses other values with a clear message.
    category = SelectField("Chuyên mục chính", coerce=record_id, validate_choice=False)
    extra_categories = SelectMultipleField(
        "Chuyên mục khác", coerce=record_id, validate_choice=False
    )
    lead = TextAreaField(
        "Tóm tắt (phần in đậm đầu bài)",
        validators=[DataRequired("Nhập tóm tắt."), Length(max=2000)],
    )
    body = TextAreaField("Nội dung", validators=[Length(max=MAX_BODY)])
    image = FileField("Ảnh minh họa (JPEG, PNG, WebP, GIF)")
    remove_image = BooleanField("Bỏ ảnh minh họa hiện tại")
    image_caption = StringField("Chú thích ảnh", validators=[Length(max=300)])
    image_position = SelectField(
        "Vị trí ảnh", choices={k.value: v for k, v in POSITION_LABELS.items()}
    )
    author = StringField("Tác giả", validators=[Length(max=200)])
    source = StringField("Nguồn tin", validators=[Length(max=200)])
    tags = TagsField("Từ khóa", validators=[Length(max=500)], description="Cách nhau bởi dấu phẩy.")
    status = SelectField(
        "Trạng thái",
        choices={k.value: STATUS_LABELS[k] for k in PUBLISHER_STATUSES},
        validate_choice=False,
    )
    featured = BooleanField("Tin nổi bật trên trang chủ")
    rating_enabled = BooleanField("Cho phép đánh giá", default=True)
    published_at = VnDateTimeField("Thời điểm đăng", validators=[Optional()])
    expires_at = VnDateTimeField("Ngừng đăng lúc", validators=[Optional()])

    def validate_expires_at(self, field) -> None:
        if field.data and self.published_at.data and field.data <= self.published_at.data:
            raise ValidationError("Thời điểm ngừng đăng phải sau thời điểm đăng.")

    def validate_status(self, field) -> None:
        # A time that could not be read has its own message; one is enough.
        typed = self.published_at.data or self.published_at.process_errors
        if field.data == ArticleStatus.SCHEDULED and not typed:
            raise ValidationError("Hẹn giờ xuất bản cần có thời điểm đăng.")

    def tag_list(self) -> list[str]:
        return [t.strip() for t in (self.tags.data or "").split(",") if t.strip()][:20]


BULK_ACTIONS = {
    "publish": "Xuất bản",
    "unpublish": "Chuyển về nháp",
    "move": "Chuyển sang chuyên mục…",
    "delete": "Xóa",
}
# What an editor who is no administrator may do to many articles at once.
EDITOR_BULK_ACTIONS = ("move",)


def optional_record_id(value) -> int | None:
    """A record id, or None for the "choose one" placeholder."""
    return None if value in ("", None) else record_id(value)


class BulkForm(PortalForm):
    """Ids come from checkboxes named "ids"; the action from the select; `target` is the
    category a "move" goes to (choices narrowed per user)."""

    action = SelectField("Với các bài đã chọn", choices=BULK_ACTIONS)
    target = SelectField(
        "Chuyên mục đích",
        coerce=optional_record_id,
        validate_choice=False,
        validators=[Optional()],
    )


class DecisionForm(PortalForm):
    """A publisher's decision on a submitted article: publish (now or at a time) or return
    with a note, from the button pressed."""

    action = SelectField(choices={"approve": "Duyệt và xuất bản", "return": "Trả lại"})
    publish_at = VnDateTimeField("Hẹn giờ đăng (để trống: đăng ngay)", validators=[Optional()])
    note = TextAreaField(
        "Ghi chú cho người viết (bắt buộc khi trả lại)", validators=[Length(max=2000)]
    )


class RestoreForm(PortalForm):
    """No fields: the restore button's CSRF token."""


class ReviewForm(PortalForm):
    """A publisher's decision on a pending revision, from the button pressed."""

    action = SelectField(choices={"apply": "Áp dụng", "discard": "Bỏ bản sửa"})
    note = TextAreaField("Ghi chú cho người sửa (khi bỏ bản sửa)", validators=[Length(max=2000)])
