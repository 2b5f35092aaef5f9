"""The voting route: fetch() with the reader's token gets JSON, a plain form a redirect.

A reader's page is cached (the same bytes for everyone), so the form carries no token of its
own: static/js/reader-forms.js fetches it just before the first submit (app/reader_forms.py).
A POST without a valid token (no JavaScript) changes nothing and gets a page asking to
confirm, with a token and the chosen stars kept.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import TooManyRequests

from app import page_view as page_views
from app import rate_limit
from app.errors.handlers import wants_json
from app.extensions import csrf, db
from app.news.models import Article
from app.ratings.services import LABELS, STARS, VoteResult, cast_vote, live_items, parse_stars
from app.reader_forms import has_valid_token
from app.stats.services import get_service
from app.visitor import address_key

bp = Blueprint("ratings", __name__)

VOTES_PER_ADDRESS = 60  # votes per address and window (RATING_VOTES_PER_ADDRESS)
VOTES_WINDOW = 600  # seconds (RATING_VOTES_WINDOW)


def _rated_article(article_id: int) -> Article:
    article = db.session.get(Article, article_id)
    if article is None or not article.is_visible():
        abort(404)
    if not article.rating_enabled:
        abort(400, "Bài viết này không nhận đánh giá.")
    return article


def _message(result: VoteResult) -> str:
    if result.counted:
        return f"Cảm ơn bạn đã đánh giá bài viết này: {result.stars} sao."
    return f"Bạn đã đánh giá bài viết này: {result.stars} sao."


@bp.post("/danh-gia/<int:article_id>")
@csrf.exempt  # the token is checked below: without it, the reader is asked to confirm
def vote(article_id: int):
    article = _rated_article(article_id)
    stars = parse_stars(request.form.getlist("stars"))
    if stars is None:
        abort(400, "Hãy chọn từ 1 đến 5 sao.")
    if not has_valid_token():
        if wants_json():
            abort(400, "Phiên làm việc đã hết hạn. Vui lòng tải lại trang rồi đánh giá lại.")
        response = make_response(
            render_template(
                "ratings/confirm.html", article=article, stars=stars, choices=STARS, labels=LABELS
            )  # fmt: skip
        )
        response.headers["Cache-Control"] = "no-store, private"
        return response
    config = current_app.config
    verdict = rate_limit.hit(
        "rating", address_key(request.remote_addr or ""),
        limit=int(config.get("RATING_VOTES_PER_ADDRESS", VOTES_PER_ADDRESS)),
        window=int(config.get("RATING_VOTES_WINDOW", VOTES_WINDOW)),
    )  # fmt: skip
    if not verdict.allowed:
        raise TooManyRequests(
            "Có quá nhiều lượt đánh giá từ địa chỉ mạng của bạn. Vui lòng thử lại sau.",
            retry_after=verdict.retry_after,
        )
    stats = get_service()
    visitor = stats.identify(page_views.of(request))  # a new visitor gets its cookie
    if visitor.is_bot:
        abort(403, "Trình duyệt tự động không được đánh giá bài viết.")
    try:
        result = cast_vote(article.id, visitor.cookie, stars, stats=stats)
    except LookupError:
        abort(404)
    message = _message(result)
    if wants_json():
        total_item, count_item = live_items(article.id)
        totals = result.totals
        return jsonify(
            status="counted" if result.counted else "already", stars=result.stars,
            total=totals.total, count=totals.count, average=totals.average, message=message,
            items={total_item: totals.total, count_item: totals.count},
        )  # fmt: skip
    flash(message, "info")
    return redirect(url_for("news.article", slug=article.slug, _anchor="danh-gia"), 303)


__all__ = ["bp"]
