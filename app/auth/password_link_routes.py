"""The page a password-setting link opens (`/dat-mat-khau/<token>`): no login needed.

Every answer of this blueprint, refusals included, is `Cache-Control: no-store` and
`Referrer-Policy: no-referrer` (the token is in the address: no other site may see it in a
Referer, no cache may keep it). The view is not a cached reader page, so the page cache never
stores it. Requests are rate-limited per address before the database is asked, and a token
that cannot be one of ours is a 404 without any query.
"""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import TooManyRequests

from app import rate_limit
from app.auth import password_links
from app.auth.forms import ChangePasswordForm
from app.auth.operations import AccountError

bp = Blueprint("password_links", __name__)

# Requests (page views and submissions together) one address may make per window: room for a
# few typing mistakes of several colleagues behind one NAT address, nothing for guessing.
RATE_LIMIT = 30
RATE_WINDOW = 600
REFUSED = "auth/password_link_refused.html"


class SetPasswordForm(ChangePasswordForm):
    """The new password twice; no current password (the link stands for it)."""

    current = None


@bp.after_request
def _private(response):
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def _refused(refusal: password_links.LinkRefused, *, query: bool = True):
    """The refusal page; with `query=False` straight from Jinja, without the context
    processors (the site's name is a setting read from the database)."""
    values = {"code": refusal.status, "title": refusal.title, "message": refusal.message}
    if query:
        page = render_template(REFUSED, **values)
    else:
        page = current_app.jinja_env.get_template(REFUSED).render(**values)
    return make_response(page, refusal.status)


@bp.route(password_links.PATH + "<token>", methods=["GET", "POST"])
def set_password(token: str):
    if not password_links.well_formed(token):
        return _refused(password_links.refusal("unknown"), query=False)
    verdict = rate_limit.hit(
        "password-link", request.remote_addr or "", limit=RATE_LIMIT, window=RATE_WINDOW
    )
    if not verdict.allowed:
        raise TooManyRequests(retry_after=verdict.retry_after)
    try:
        link = password_links.open_link(token)
    except password_links.LinkRefused as refusal:
        return _refused(refusal)
    form = SetPasswordForm()
    if form.validate_on_submit():
        try:
            user = password_links.use(token, form.new.data)
        except password_links.LinkRefused as refusal:
            return _refused(refusal)
        except AccountError as exc:
            form.new.errors.append(str(exc))
        else:
            flash(
                f"Đã đặt mật khẩu cho tài khoản {user.username}. "
                "Vui lòng đăng nhập bằng mật khẩu mới.",
                "info",
            )
            return redirect(url_for("auth.login"))
    return render_template("auth/set_password.html", form=form, user=link.user)
