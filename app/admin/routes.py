"""The administration shell: dashboard, users, audit log."""

from __future__ import annotations

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
from flask_login import current_user
from sqlalchemy import select

from app.account_fields import account_fields
from app.admin.forms import UserForm, account_form_class
from app.admin.operations import create_account, update_user
from app.admin_menu import dashboard_counts
from app.audit.models import AuditEntry
from app.auth import password_links
from app.auth.forms import EmptyForm
from app.auth.models import Role, User
from app.auth.operations import AccountError
from app.auth.policies import admin_required, staff_required
from app.converters import page_number
from app.extensions import db

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@staff_required
def dashboard():
    return render_template("admin/dashboard.html", cards=dashboard_counts())


def _user_form(user: User | None = None) -> UserForm:
    form = account_form_class()(obj=user)
    for added in account_fields():
        added.prepare(form[added.name])
        if user is not None and request.method == "GET":
            form[added.name].data = added.initial(user)
    return form


def _added_values(form: UserForm) -> dict:
    """The submitted values of the fields features added, by name."""
    return {added.name: form[added.name].data for added in account_fields()}


@bp.get("/users")
@admin_required
def users():
    rows = list(db.session.scalars(select(User).order_by(User.role, User.username)))
    return render_template(
        "admin/users.html",
        users=rows,
        added=account_fields(),
        without_password=password_links.users_without_password(rows),
    )


@bp.route("/users/new", methods=["GET", "POST"])
@admin_required
def user_new():
    """A new account with the password typed here, or (password left empty) with none yet:
    the next page then shows the one-time link its user sets it with."""
    form = _user_form()
    if form.validate_on_submit():
        try:
            user = create_account(
                form.username.data,
                form.password.data or None,
                display_name=form.display_name.data,
                email=form.email.data or "",
                role=Role(form.role.data),
                can_publish=form.can_publish.data,
                added=_added_values(form),
                by=current_user,
            )
        except AccountError as exc:
            form.username.errors.append(str(exc))
        else:
            flash(f"Đã tạo tài khoản {user.username}.", "info")
            if form.password.data:
                return redirect(url_for("admin.users"))
            return _password_link_page(user)
    return render_template("admin/user_form.html", form=form, user=None, added=account_fields())


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@admin_required
def user_edit(user_id: int):
    user = db.session.get(User, user_id) or abort(404)
    form = _user_form(user)
    form.username.data = user.username  # never renamed here
    if form.validate_on_submit():
        try:
            update_user(
                user,
                by=current_user,
                display_name=form.display_name.data,
                email=form.email.data or "",
                role=form.role.data,
                can_publish=form.can_publish.data,
                active=form.active.data,
                added=_added_values(form),
                password=form.password.data or "",
            )
        except AccountError as exc:
            form.password.errors.append(str(exc))
        else:
            flash(f"Đã cập nhật tài khoản {user.username}.", "info")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, added=account_fields())


@bp.post("/users/<int:user_id>/password-link")
@admin_required
def user_password_link(user_id: int):
    """Issue a one-time password-setting link and show it, once (never stored in clear, so
    neither a redirect nor a flash message may carry it)."""
    user = db.session.get(User, user_id) or abort(404)
    if not EmptyForm().validate_on_submit():
        abort(400)
    return _password_link_page(user)


def _password_link_page(user: User):
    """A new link for `user`, shown once: neither stored in clear nor put in a redirect."""
    issued = password_links.issue(user, by=current_user)
    page = render_template(
        "auth/password_link_issued.html",
        user=user,
        issued=issued,
        hours=password_links.link_hours(),
    )
    response = make_response(page)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.get("/audit")
@admin_required
def audit_log():
    page = page_number()
    pagination = db.paginate(
        select(AuditEntry).order_by(AuditEntry.id.desc()), page=page, per_page=50
    )
    return render_template("admin/audit.html", pagination=pagination)
