"""Login, logout, password change, and the idle-timeout keepalive."""

from __future__ import annotations

import time

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from app.audit.operations import record as audit
from app.auth import devices, operations
from app.auth.forms import ChangePasswordForm, EmptyForm, LoginForm
from app.auth.passwords import verify_password
from app.auth.safety import safe_next

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.route("/login", methods=["GET", "POST"])
def login():
    default = url_for("admin.dashboard")
    target = safe_next(request.args.get("next"), default)
    if current_user.is_authenticated:
        return redirect(target)
    form = LoginForm()
    if form.validate_on_submit():
        try:
            result = operations.authenticate(form.username.data, form.password.data)
        except operations.TooManyAttempts as exc:
            operations.slow_down_refusal()
            # A standalone page (no menu, no query, no session write): a flood of refusals
            # stays cheap to answer.
            page = render_template(
                "auth/too_many.html", message=exc.message, next_path=request.args.get("next")
            )
            response = make_response(page, 429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        if result.user is None:
            flash(result.message, "error")
            return render_template("auth/login.html", form=form), result.status
        user = result.user
        try:
            operations.start_session(user)
        except operations.LoginUnavailable:
            flash(operations.SESSION_UNAVAILABLE, "error")
            return render_template("auth/login.html", form=form), 503
        login_user(user, remember=False)
        # A permanent cookie survives a browser restart; never for administrators.
        session.permanent = bool(form.remember.data) and not user.is_admin
        response = redirect(target)
        # This browser is now one the owner uses: its own allowance of failed logins.
        devices.issue(response, user.username)
        return response
    if request.args.get("expired"):
        flash("Phiên đăng nhập đã hết hạn do không sử dụng. Vui lòng đăng nhập lại.", "info")
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    form = EmptyForm()
    if not form.validate_on_submit():
        return redirect(url_for("news.home"))
    recorded = True
    if current_user.is_authenticated:
        audit("auth.logout", current_user, commit=False)
        recorded = operations.end_session(current_user.session_token, "logout")
    # This browser is logged out whatever the database says (a shared computer must not stay
    # logged in); a session that could not be ended server-side still ends when idle.
    logout_user()
    session.clear()
    flash("Bạn đã đăng xuất." if recorded else operations.LOGOUT_NOT_RECORDED, "info")
    return redirect(url_for("auth.login"))


@bp.route("/profile", methods=["GET", "POST"])
@login_required
def profile():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current.data):
            form.current.errors.append("Mật khẩu hiện tại không đúng.")
        else:
            try:
                operations.set_password(
                    current_user, form.new.data, keep_session=current_user.session_token
                )
            except operations.AccountError as exc:
                form.new.errors.append(str(exc))
            else:
                flash("Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất.", "info")
                return redirect(url_for("auth.profile"))
    return render_template("auth/profile.html", form=form)


def _session_state(status: int = 200):
    deadline = operations.session_deadline(current_user.session_token)
    if deadline is None:
        return _expired()
    response = jsonify(
        active=True,
        deadline=deadline,
        now=time.time(),
        idle_timeout=current_app.config["IDLE_TIMEOUT_SECONDS"],
    )
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response


def _expired():
    response = jsonify(
        active=False, message="Phiên đăng nhập đã hết hạn.", login=url_for("auth.login", expired=1)
    )
    response.status_code = 401
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/keepalive")
def keepalive():
    """CSRF-protected: the user is active; refresh the idle clock before answering it.

    The script sends it at most every few seconds, so it may write every time (one second
    apart at least: a double click is one keepalive)."""
    if not current_user.is_authenticated:
        return _expired()
    operations.touch_session(current_user, min_interval=1.0)
    g.activity_recorded = True
    return _session_state()


@bp.get("/session")
def session_status():
    """Is the session still alive, and until when? Not activity: extends nothing."""
    if not current_user.is_authenticated:
        return _expired()
    return _session_state()
