"""The picker's JSON under /admin/thu-vien-anh/api: list and search with pages, upload.

Every answer is JSON, errors too (in Vietnamese, `{"error": code, "title", "message"}` as the
site's other JSON errors), whatever the client's Accept header: a picker's fetch reads one
shape. Staff only; the upload is CSRF-protected (X-CSRFToken from the page's meta tag)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from app.auth.policies import staff_required
from app.converters import page_number
from app.errors.handlers import MESSAGES
from app.media import ImageRejected
from app.media_library.operations import TooLarge, add_upload
from app.media_library.queries import PER_PAGE, as_json, clean_query, search_page

bp = Blueprint("media_library_api", __name__, url_prefix="/admin/thu-vien-anh/api")

CSRF_MESSAGE = "Phiên làm việc đã hết hạn. Vui lòng tải lại trang và thử lại."


def json_error(code: int, message: str | None = None):
    title, default = MESSAGES.get(code, (f"Lỗi {code}", ""))
    return jsonify(error=code, title=title, message=message or default), code


@bp.errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return json_error(400, CSRF_MESSAGE)


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    code = error.code or 500
    description = error.description if error.description != type(error).description else None
    return json_error(code, description)


@bp.get("")
@staff_required
def items():
    q = clean_query(request.args.get("q"))
    pagination = search_page(q, page_number())
    return jsonify(
        items=[as_json(item) for item in pagination.items],
        page=pagination.page,
        pages=pagination.pages,
        total=pagination.total,
        per_page=PER_PAGE,
        q=q,
    )


@bp.post("")
@staff_required
def upload():
    """The picker's upload (field `file`) and the editor's direct one (TinyMCE's "Tải lên"
    tab and pasted pictures, field `image`): either way the picture lands in the library."""
    upload_file = request.files.get("file") or request.files.get("image")
    if upload_file is None or not upload_file.filename:
        return json_error(400, "Chưa chọn ảnh.")
    try:
        item, created = add_upload(upload_file.stream, upload_file.filename, by=current_user)
    except TooLarge as exc:
        return json_error(413, str(exc))
    except ImageRejected as exc:
        return json_error(400, str(exc))
    described = as_json(item)
    return jsonify(item=described, url=described["url"], created=created), (201 if created else 200)


__all__ = ["bp"]
