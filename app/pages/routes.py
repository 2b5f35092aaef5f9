"""Readers' side: a static page at /trang/<slug>, and the contact form's POST."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import generate_csrf

from app.anti_spam import min_seconds, new_stamp, poster, refused, stamp_age
from app.extensions import csrf
from app.page_cache import cached_page
from app.page_view import PageView
from app.pages.contact import ContactSubmission, contact_slug, limits
from app.pages.models import Page
from app.pages.operations import store_message
from app.pages.queries import published_page
from app.reader_forms import has_valid_token
from app.site_url import absolute_url
from app.stats import count_page_view

bp = Blueprint("pages", __name__)
log = logging.getLogger(__name__)

SENT = "Cảm ơn bạn đã liên hệ. Thư của bạn đã được gửi tới ban biên tập."
CONFIRM = (
    "Vui lòng bấm “Gửi thư liên hệ” để xác nhận. Trình duyệt của bạn không chạy JavaScript "
    "nên trang cần bạn xác nhận một lần nữa; nội dung bạn viết vẫn được giữ nguyên."
)
REFUSED = "Thư chưa được gửi. Vui lòng sửa các mục được đánh dấu bên dưới."
LIMITED = (
    "Quá nhiều yêu cầu. Bạn đã gửi nhiều thư trong thời gian ngắn. Vui lòng thử lại sau {} giây."
)
FORM_ANCHOR = "gui-lien-he"


def _page_or_404(slug: str) -> Page:
    return published_page(slug) or abort(404)


@bp.get("/trang/<slug>")
@cached_page
def show(slug: str, page_view: PageView):
    page = _page_or_404(slug)
    count_page_view(page_view)
    form = ContactSubmission() if slug == contact_slug() else None
    return render_template("pages/show.html", page=page, form=form, page_view=page_view)


def _form_page(page: Page, form: ContactSubmission, message: str, status: int, *,
               confirm: bool = False):  # fmt: skip
    message = form.errors.pop("form", None) or message  # said once, above the form
    body = render_template("pages/show.html", page=page, form=form, message=message,
                           confirm=confirm, token=generate_csrf())  # fmt: skip
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store, private"
    return response


@bp.post("/trang/<slug>/gui")
@csrf.exempt  # readers' form on a cached page: has_valid_token() below (app.reader_forms)
def contact(slug: str):
    page = _page_or_404(slug)
    if slug != contact_slug():
        abort(404)
    form = ContactSubmission.from_form(request.form)
    if form.oversized:
        abort(413)
    if not has_valid_token():
        if stamp_age(form.stamp) is None:
            form.stamp = new_stamp()
        return _form_page(page, form, CONFIRM, 200, confirm=True)
    sender = poster()
    verdict = refused("contact", sender, limits())
    if verdict is not None:
        response = _form_page(page, form, LIMITED.format(verdict.retry_after), 429)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    if form.is_bot:
        # Answered as if it were taken, so the bot learns nothing; nothing is stored.
        log.info("contact form honeypot filled: dropped")
    elif not form.check(min_seconds()):
        return _form_page(page, form, REFUSED, 400)
    else:
        store_message(form, sender)
    flash(SENT, "info")
    return redirect(url_for(".show", slug=page.slug, _anchor=FORM_ANCHOR))


def contact_page_url() -> str | None:
    """The contact page's address for the footer, when that page is published."""
    slug = contact_slug()
    return url_for("pages.show", slug=slug) if slug and published_page(slug) else None


def sitemap_entries() -> list:
    from app.pages.queries import published_pages

    return [(absolute_url("pages.show", slug=p.slug), p.updated_at) for p in published_pages()]


__all__ = ["bp", "contact_page_url", "sitemap_entries"]
