"""Administration of static pages (/admin/trang/) and contact messages (/admin/lien-he/)."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.policies import admin_required
from app.converters import page_number
from app.extensions import db
from app.pages.forms import ActionForm, PageForm
from app.pages.models import ContactMessage, Page
from app.pages.operations import (
    PageError,
    create_page,
    delete_messages,
    delete_page,
    mark_handled,
    next_position,
    update_page,
)
from app.pages.queries import all_pages, messages

pages_bp = Blueprint("pages_admin", __name__, url_prefix="/admin/trang")
contact_bp = Blueprint("contact_admin", __name__, url_prefix="/admin/lien-he")

# The list's filter in the query string (?trang-thai=…) -> handled
FILTERS = {"chua-xu-ly": False, "da-xu-ly": True, "tat-ca": None}
FILTER_LABELS = {"chua-xu-ly": "Chưa xử lý", "da-xu-ly": "Đã xử lý", "tat-ca": "Tất cả"}
PER_PAGE = 30


def _page_or_404(page_id: int) -> Page:
    return db.session.get(Page, page_id) or abort(404)


@pages_bp.get("/")
@admin_required
def index():
    return render_template("pages/admin/pages.html", pages=all_pages())


def _form_page(page: Page | None):
    form = PageForm(obj=page)
    if request.method == "GET" and page is None:
        form.position.data = next_position()
    if form.validate_on_submit():
        values = {name: form[name].data for name in ("title", "slug", "body", "published",
                                                     "position")}  # fmt: skip
        try:
            if page is None:
                saved = create_page(values, by=current_user)
                flash(f"Đã tạo trang “{saved.title}”.", "info")
            else:
                saved = update_page(page, values, by=current_user)
                flash(f"Đã lưu trang “{saved.title}”.", "info")
        except PageError as exc:
            db.session.rollback()
            form[exc.field or "title"].errors.append(str(exc))
        else:
            return redirect(url_for(".edit", page_id=saved.id))
    status = 400 if form.errors else 200
    return render_template("pages/admin/page_form.html", form=form, page=page), status


@pages_bp.route("/moi", methods=["GET", "POST"])
@admin_required
def new():
    return _form_page(None)


@pages_bp.route("/<int:page_id>", methods=["GET", "POST"])
@admin_required
def edit(page_id: int):
    return _form_page(_page_or_404(page_id))


@pages_bp.post("/<int:page_id>/xoa")
@admin_required
def delete(page_id: int):
    page = _page_or_404(page_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    title = page.title
    delete_page(page, by=current_user)
    flash(f"Đã xóa trang “{title}”.", "info")
    return redirect(url_for(".index"))


def _filter() -> str:
    value = request.args.get("trang-thai", "chua-xu-ly")
    return value if value in FILTERS else "chua-xu-ly"


@contact_bp.get("/")
@admin_required
def inbox():
    chosen = _filter()
    pagination = db.paginate(messages(FILTERS[chosen]), page=page_number(), per_page=PER_PAGE,
                             error_out=False)  # fmt: skip
    return render_template(
        "pages/admin/messages.html", pagination=pagination, chosen=chosen,
        filters=FILTER_LABELS,
    )  # fmt: skip


def _message_or_404(message_id: int) -> ContactMessage:
    return db.session.get(ContactMessage, message_id) or abort(404)


def _back():
    return redirect(url_for(".inbox", **{"trang-thai": _filter()}))


@contact_bp.post("/<int:message_id>/<any('xu-ly', 'chua-xu-ly'):state>")
@admin_required
def mark(message_id: int, state: str):
    message = _message_or_404(message_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    mark_handled([message], state == "xu-ly", by=current_user)
    said = "đã xử lý" if state == "xu-ly" else "chưa xử lý"
    flash(f"Đã đánh dấu thư “{message.subject}” là {said}.", "info")
    return _back()


@contact_bp.post("/<int:message_id>/xoa")
@admin_required
def delete_message(message_id: int):
    message = _message_or_404(message_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    subject = message.subject
    delete_messages([message], by=current_user)
    flash(f"Đã xóa thư “{subject}”.", "info")
    current_app.logger.info("contact message %s deleted", message_id)
    return _back()


__all__ = ["contact_bp", "pages_bp"]
