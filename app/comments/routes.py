"""Readers' side: the comments part of the article page, every page of comments, posting."""

from __future__ import annotations

import logging

from flask import (
    Blueprint,
    abort,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape

from app.anti_spam import refused
from app.comments import options
from app.comments.models import Comment, CommentStatus
from app.comments.operations import post_comment, reply_target
from app.comments.posting import Submission, limits, min_seconds, new_stamp, poster, stamp_age
from app.comments.queries import ORDERS, threads
from app.converters import page_number, parse_id
from app.extensions import csrf
from app.news.models import Article
from app.news.routes import visible_article
from app.page_cache import cached_page
from app.page_view import PageView
from app.reader_forms import has_valid_token
from app.stats import count_page_view

bp = Blueprint("comments", __name__)
log = logging.getLogger(__name__)

PENDING = "Ý kiến của bạn đã được gửi và đang chờ duyệt."
PUBLISHED = "Ý kiến của bạn đã được đăng."
CONFIRM = (
    "Vui lòng bấm “Gửi ý kiến” để xác nhận. Trình duyệt của bạn không chạy JavaScript "
    "nên trang cần bạn xác nhận một lần nữa; nội dung bạn viết vẫn được giữ nguyên."
)
LIMITED = "Bạn đã gửi nhiều ý kiến trong thời gian ngắn. Vui lòng thử lại sau {} giây."
REFUSED = "Ý kiến chưa được gửi. Vui lòng sửa các mục được đánh dấu bên dưới."


def comment_text(text: str) -> Markup:
    """A comment as HTML: escaped, its line breaks kept."""
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


def _order_arg() -> str | None:
    """The reader's order in the query ("moi", "cu"); None: the site's default."""
    value = request.args.get("sap-xep", "")
    return value if value in ORDERS.values() else None


def _order() -> str:
    chosen = _order_arg()
    if chosen is None:
        return options.default_order()
    return next(k for k, v in ORDERS.items() if v == chosen)


def _reply_arg() -> int | None:
    return parse_id(request.args.get("tra-loi"))


def _reply_to(article: Article, parent_id: int | None) -> Comment | None:
    try:
        return reply_target(article, parent_id)
    except ValueError:
        return None


def _page_key() -> int | None:
    """The page as the cache key holds it: page 1 is the page without `?page=`."""
    page = page_number()
    return None if page == 1 else page


def part_context(article: Article, page_view: PageView) -> dict:
    """The article page's comments section: the first page, in the site's default order."""
    return {
        "pagination": threads(article, 1, options.per_page(), options.default_order()),
        "order": options.default_order(),
        "moderated": options.moderated(),
        "form": Submission(),
    }


@bp.get("/tin-tuc/<slug>/y-kien")
@cached_page(args={"page": _page_key, "sap-xep": _order_arg, "tra-loi": _reply_arg})
def thread_page(slug: str, page_view: PageView):
    """Every page of an article's comments, newest or oldest first."""
    article, moved = visible_article(slug)
    if moved:
        return redirect(url_for(".thread_page", slug=article.slug, **request.args), 301)
    order = _order()
    pagination = threads(article, page_number(), options.per_page(), order)
    count_page_view(page_view)
    parent = _reply_to(article, _reply_arg())
    form = Submission(parent_id=parent.id if parent else None)
    return render_template(
        "comments/thread_page.html", article=article, pagination=pagination, order=order,
        moderated=options.moderated(), form=form, parent=parent,
        page_view=page_view, order_args={"sap-xep": ORDERS[order]} if _order_arg() else {},
    )  # fmt: skip


@bp.get("/api/y-kien/bat-dau")
def stamp():
    """The signed time a reader started writing (comments.js asks when the form is first
    used): the minimum-time check of a cached page, which cannot carry it."""
    response = jsonify(started=new_stamp())
    response.headers["Cache-Control"] = "no-store, private"
    return response


def _form_page(article: Article, form: Submission, message: str, status: int, *,
               confirm: bool = False):  # fmt: skip
    parent = _reply_to(article, form.parent_id)
    message = form.errors.pop("form", None) or message  # said once, above the form
    body = render_template(
        "comments/post.html", article=article, form=form, message=message, confirm=confirm,
        parent=parent, token=generate_csrf(), moderated=options.moderated(),
    )  # fmt: skip
    response = make_response(body, status)
    response.headers["Cache-Control"] = "no-store, private"
    return response


@bp.post("/tin-tuc/<slug>/y-kien")
@csrf.exempt  # readers' form on a cached page: has_valid_token() below (app.reader_forms)
def post(slug: str):
    article, _ = visible_article(slug)
    form = Submission.from_form(request.form)
    if form.oversized:
        abort(413)
    if not has_valid_token():
        if stamp_age(form.stamp) is None:
            form.stamp = new_stamp()
        return _form_page(article, form, CONFIRM, 200, confirm=True)
    sender = poster()
    verdict = refused("comment", sender, limits())
    if verdict is not None:
        response = _form_page(article, form, LIMITED.format(verdict.retry_after), 429)
        response.headers["Retry-After"] = str(verdict.retry_after)
        return response
    if form.is_bot:
        # Answered as if it were taken, so the bot learns nothing; nothing is stored.
        log.info("comment honeypot filled on article %s: dropped", article.id)
        flash(PENDING, "info")
        return redirect(url_for("news.article", slug=article.slug) + "#y-kien")
    try:
        parent = reply_target(article, form.parent_id)
    except ValueError as exc:
        parent, form.parent_id = None, None
        form.errors["form"] = str(exc)
    if not form.check(min_seconds()):
        return _form_page(article, form, REFUSED, 400)
    user = current_user if current_user.is_authenticated else None
    comment = post_comment(article, form, parent=parent, poster=sender, user=user)
    flash(PUBLISHED if comment.status == CommentStatus.APPROVED else PENDING, "info")
    return redirect(url_for("news.article", slug=article.slug) + "#y-kien")


__all__ = ["bp", "comment_text", "part_context"]
