"""One handler for every HTTP error: a readable Vietnamese page, or JSON when asked."""

from __future__ import annotations

import logging
from collections.abc import Callable

import sqlalchemy.exc
from flask import (
    Blueprint,
    Flask,
    current_app,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
)
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.db_sqlite import DatabaseBusy, busy_cause
from app.extensions import db
from app.health import storage_problem
from app.observability.logs import loggable_path
from app.settings.identity import last_known_name

bp = Blueprint("errors", __name__)
log = logging.getLogger(__name__)

MESSAGES = {
    400: ("Yêu cầu không hợp lệ", "Dữ liệu gửi lên không hợp lệ. Vui lòng kiểm tra và thử lại."),
    401: ("Cần đăng nhập", "Phiên đăng nhập đã hết hạn hoặc bạn chưa đăng nhập."),
    403: ("Không có quyền truy cập", "Bạn không có quyền thực hiện thao tác này."),
    404: ("Không tìm thấy trang", "Trang bạn tìm không tồn tại hoặc đã được chuyển đi."),
    405: ("Phương thức không được hỗ trợ", "Thao tác này không được hỗ trợ tại địa chỉ này."),
    413: ("Dữ liệu quá lớn", "Tệp hoặc dữ liệu gửi lên vượt quá dung lượng cho phép."),
    429: ("Quá nhiều yêu cầu", "Bạn thao tác quá nhanh. Vui lòng chờ một lát rồi thử lại."),
    500: ("Lỗi hệ thống", "Đã có lỗi xảy ra. Chúng tôi đã ghi nhận và sẽ khắc phục sớm."),
    503: ("Dịch vụ tạm ngưng", "Hệ thống đang bận. Vui lòng thử lại sau ít phút."),
}


def wants_json() -> bool:
    best = request.accept_mimetypes.best_match(["application/json", "text/html"])
    return request.path.startswith("/api/") or (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, (f"Lỗi {code}", detail or ""))
    message = detail or message
    if wants_json():
        response = jsonify(error=code, title=title, message=message)
    else:
        response = make_response(error_page(code, title, message))
    response.status_code = code
    return response


def error_page(code: int, title: str, message: str) -> str:
    page = {"code": code, "title": title, "message": message}
    try:
        return render_template("errors/error.html", **page)
    except Exception:  # noqa: BLE001 - menu and sidebar need the database, which may be down
        db.session.rollback()
        log.warning("error page %s shown without menu and sidebar", code, exc_info=True)
        # Straight from Jinja: context processors may need the database too (the user).
        template = current_app.jinja_env.get_template("errors/error.html")
        return template.render(**page, bare=True, site_name=last_known_name())


@bp.app_errorhandler(CSRFError)
def csrf_error(error: CSRFError):
    return error_response(400, "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ. "
                               "Vui lòng tải lại trang và thử lại.")  # fmt: skip


@bp.app_errorhandler(HTTPException)
def http_error(error: HTTPException):
    if isinstance(error, InternalServerError):
        return server_error(error)
    if error.code == 404 and request.method in ("GET", "HEAD"):
        moved = moved_to(request.path)
        if moved is not None:
            return redirect(moved, 301)
    description = error.description if error.description != type(error).description else None
    response = error_response(error.code or 500, description)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if getattr(error, "retry_after", None):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


FALLBACKS = "errors.not_found_fallbacks"


def add_not_found_fallback(app: Flask, resolve: Callable[[str], str | None]) -> None:
    """`resolve(path)` is asked, before a GET's 404 page, whether the path moved (an old
    site's address that one of our routes took): our path to answer 301 with, or None."""
    app.extensions.setdefault(FALLBACKS, []).append(resolve)


def moved_to(path: str) -> str | None:
    for resolve in current_app.extensions.get(FALLBACKS, ()):
        try:
            found = resolve(path)
        except Exception:  # noqa: BLE001 - a lookup that fails leaves the ordinary 404
            db.session.rollback()
            log.warning("not-found fallback failed on %s", loggable_path(path), exc_info=True)
            continue
        if found is not None and found.startswith("/") and not found.startswith("//"):
            return found  # our own path only: never a redirect off the site
    return None


@bp.app_errorhandler(DatabaseBusy)
@bp.app_errorhandler(sqlalchemy.exc.OperationalError)
@bp.app_errorhandler(sqlalchemy.exc.TimeoutError)
def database_busy(error: Exception):
    """A write that could not get SQLite's lock in time (or no pooled connection while
    writes wait for it): 503 with Retry-After; the session is rolled back, nothing half-done."""
    if busy_cause(error) is None and not isinstance(error, sqlalchemy.exc.TimeoutError):
        return server_error(error)
    db.session.rollback()
    log.warning("database busy on %s %s: %s", request.method, loggable_path(request.path), error)
    response = error_response(503, "Hệ thống đang bận ghi dữ liệu nên thao tác của bạn chưa "
                                   "được lưu. Vui lòng thử lại sau ít giây.")  # fmt: skip
    response.headers["Retry-After"] = str(current_app.config["DATABASE_BUSY_RETRY_AFTER"])
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_errorhandler(Exception)
def server_error(error: Exception):
    if isinstance(error, HTTPException) and not isinstance(error, InternalServerError):
        return http_error(error)
    db.session.rollback()
    problem = storage_problem(error)
    if problem is not None:
        return storage_error(error, problem)
    log.exception("unhandled error on %s %s", request.method, loggable_path(request.path))
    return error_response(500)


STORAGE_MESSAGES = {
    "read-only": "ổ đĩa của máy chủ đang ở chế độ chỉ đọc",
    "full": "ổ đĩa của máy chủ đã đầy",
}


def storage_error(error: Exception, problem: str):
    """The disk or the database cannot be written (app/health.py tells which): a 503 that
    says so, instead of a 500 that says nothing; the operator gets the traceback."""
    log.error("cannot write (%s) on %s %s", problem, request.method, loggable_path(request.path),
              exc_info=error)  # fmt: skip
    response = error_response(503, f"Hệ thống tạm thời không lưu được dữ liệu "
                                   f"({STORAGE_MESSAGES[problem]}), nên thao tác của bạn chưa "
                                   "được thực hiện. Quản trị viên đã được báo; vui lòng thử lại "
                                   "sau.")  # fmt: skip
    response.headers["Retry-After"] = "60"
    response.headers["Cache-Control"] = "no-store"
    return response
