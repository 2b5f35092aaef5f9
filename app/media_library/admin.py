"""The library's admin page under /admin/thu-vien-anh/: the grid with search and pages,
uploading several images at once, an image's texts, where it is used, and deleting it."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.policies import staff_required
from app.converters import page_number
from app.extensions import db
from app.media import ImageRejected
from app.media_library.forms import MAX_FILES, DeleteForm, TextsForm, UploadForm
from app.media_library.models import MediaItem
from app.media_library.operations import InUse, TooLarge, add_upload, delete_item, update_texts
from app.media_library.queries import clean_query, search_page
from app.media_library.usage import usages

bp = Blueprint("media_library", __name__, url_prefix="/admin/thu-vien-anh")

TOO_MANY = f"Mỗi lần tải lên tối đa {MAX_FILES} ảnh."


def may_delete(item: MediaItem) -> bool:
    """Administrators delete any image; editors the ones they uploaded."""
    return bool(current_user.is_admin or item.uploaded_by_id == current_user.id)


def _item_or_404(item_id: int) -> MediaItem:
    return db.session.get(MediaItem, item_id) or abort(404)


def _library(form: UploadForm, status: int = 200):
    q = clean_query(request.args.get("q"))
    pagination = search_page(q, page_number())
    args = {"q": q} if q else {}
    return render_template("media_library/admin/library.html", pagination=pagination, q=q,
                           form=form, args=args, max_files=MAX_FILES), status  # fmt: skip


@bp.get("/")
@staff_required
def library():
    return _library(UploadForm())


@bp.post("/tai-len")
@staff_required
def upload():
    form = UploadForm()
    if not form.validate_on_submit():
        abort(400)
    files = [f for f in form.files.data or [] if getattr(f, "filename", "")]
    if not files:
        form.files.errors.append("Chưa chọn ảnh nào.")
        return _library(form, 400)
    if len(files) > MAX_FILES:
        form.files.errors.append(TOO_MANY)
        return _library(form, 400)
    added = found = 0
    status = 200
    for upload_file in files:
        try:
            _, created = add_upload(upload_file.stream, upload_file.filename, by=current_user)
        except ImageRejected as exc:
            # The name as the browser sent it is shown escaped, like everything in a template.
            form.files.errors.append(f"{upload_file.filename}: {exc}")
            status = 413 if isinstance(exc, TooLarge) and status != 400 else 400
            continue
        added += created
        found += not created
    if added:
        flash(f"Đã tải lên {added} ảnh.", "info")
    if found:
        flash(f"{found} ảnh đã có sẵn trong thư viện, không tải lên lại.", "info")
    if form.files.errors:
        return _library(form, status)
    return redirect(url_for(".library"))


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@staff_required
def edit(item_id: int):
    item = _item_or_404(item_id)
    form = TextsForm(obj=item)
    if form.validate_on_submit():
        update_texts(item, title=form.title.data, alt=form.alt.data or "", by=current_user)
        flash("Đã lưu thông tin ảnh.", "info")
        return redirect(url_for(".edit", item_id=item.id))
    return render_template("media_library/admin/edit.html", item=item, form=form,
                           places=usages(item.file_name), delete_form=DeleteForm(),
                           may_delete=may_delete(item)), 400 if form.errors else 200  # fmt: skip


@bp.post("/<int:item_id>/xoa")
@staff_required
def delete(item_id: int):
    item = _item_or_404(item_id)
    if not may_delete(item):
        abort(403, description="Chỉ quản trị viên hoặc người đã tải ảnh lên mới xóa được ảnh.")
    if not DeleteForm().validate_on_submit():
        abort(400)
    try:
        delete_item(item, by=current_user)
    except InUse as exc:
        flash(f"Không xóa được: ảnh đang được dùng ở {len(exc.places)} nơi (xem danh sách bên "
              "dưới). Hãy gỡ ảnh khỏi các nơi đó trước.", "error")  # fmt: skip
        return redirect(url_for(".edit", item_id=item.id))
    flash("Đã xóa ảnh khỏi thư viện.", "info")
    return redirect(url_for(".library"))


__all__ = ["bp", "may_delete"]
