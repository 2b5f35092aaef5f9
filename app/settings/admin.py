"""/admin/cai-dat/: every declared setting as one form (administrators only)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from app.auth.policies import admin_required
from app.media import ImageRejected, save_uploaded_image
from app.settings import store
from app.settings.forms import REMOVE, settings_form
from app.settings.operations import save_settings
from app.settings.registry import Setting, declared

bp = Blueprint("settings_admin", __name__, url_prefix="/admin/cai-dat")


def _image_value(form, key: str, current: object) -> object:
    """An image setting's new value: the upload stored through app.media, "" when the box
    "remove" is ticked, else the current image. ImageRejected for a refused upload."""
    upload = form[key].data
    if upload is not None and getattr(upload, "filename", ""):
        return save_uploaded_image(upload.stream)
    if form[REMOVE.format(key)].data:
        return ""
    return current


def _values(form, settings: dict[str, Setting], current: dict) -> dict | None:
    """Every setting's posted value; None when an upload was refused (a field error). Images
    are stored only once every other field is valid, so a refused form leaves no file."""
    values = {}
    for key, setting in settings.items():
        if setting.kind != "image":
            values[key] = form[key].data
            continue
        try:
            values[key] = _image_value(form, key, current.get(key, setting.default))
        except ImageRejected as exc:
            form[key].errors = [*form[key].errors, str(exc)]
            return None
    return values


@bp.route("/", methods=["GET", "POST"])
@admin_required
def edit():
    settings = declared()
    current = store.load()
    form = settings_form(settings, current)
    if form.validate_on_submit() and (values := _values(form, settings, current)) is not None:
        changed = save_settings(values, by=current_user)
        flash("Đã lưu cài đặt." if changed else "Không có thay đổi nào.", "info")
        return redirect(url_for(".edit"))
    sections: dict[str, list] = {}
    for key, setting in settings.items():
        remove = form[REMOVE.format(key)] if setting.kind == "image" else None
        sections.setdefault(setting.section, []).append(
            {
                "field": form[key],
                "kind": setting.kind,
                "current": current.get(key),
                "remove": remove,
            }  # fmt: skip
        )
    status = 400 if form.errors else 200
    return render_template("settings/admin.html", form=form, sections=sections), status


__all__ = ["bp"]
