"""/admin/cai-dat/: every declared setting as one form (administrators only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.policies import admin_required
from app.settings import store
from app.settings.forms import settings_form
from app.settings.operations import save_settings
from app.settings.registry import declared

bp = Blueprint("settings_admin", __name__, url_prefix="/admin/cai-dat")


@bp.route("/", methods=["GET", "POST"])
@admin_required
def edit():
    settings = declared()
    form = settings_form(settings, store.load())
    if form.validate_on_submit():
        changed = save_settings({key: form[key].data for key in settings}, by=current_user)
        flash("Đã lưu cài đặt." if changed else "Không có thay đổi nào.", "info")
        return redirect(url_for(".edit"))
    sections: dict[str, list] = {}
    for key, setting in settings.items():
        sections.setdefault(setting.section, []).append(form[key])
    status = 400 if form.errors else 200
    return render_template("settings/admin.html", form=form, sections=sections), status


__all__ = ["bp"]
