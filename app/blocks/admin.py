"""Banner and link administration under /admin/blocks."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import case, select

from app.admin_menu import NavItem, register_nav
from app.auth.policies import admin_required
from app.blocks.forms import BLOCK_LABELS, STATE_LABELS, ActionForm, BannerForm
from app.blocks.models import Banner, BannerBlock
from app.blocks.operations import (
    BannerError,
    create_banner,
    delete_banner,
    move_banner,
    stored_image_name,
    update_banner,
)
from app.blocks.queries import now
from app.dates import local_to_utc, utc_to_local_naive
from app.extensions import db
from app.media import ImageRejected, save_uploaded_image

bp = Blueprint("blocks_admin", __name__, url_prefix="/admin/blocks")

# The list goes through the positions in the sidebar's order, then each one's own order.
SIDEBAR_ORDER = case({block.value: n for n, block in enumerate(BLOCK_LABELS)}, value=Banner.block,
                     else_=len(BLOCK_LABELS))  # fmt: skip
MOVES = {"len": -1, "xuong": 1}


def _banner_or_404(banner_id: int) -> Banner:
    return db.session.get(Banner, banner_id) or abort(404)


@bp.get("/")
@admin_required
def index():
    query = select(Banner).order_by(SIDEBAR_ORDER, Banner.position, Banner.id)
    block = request.args.get("khoi", "")
    if block in BLOCK_LABELS:
        query = query.where(Banner.block == block)
    else:
        block = ""
    return render_template(
        "blocks/admin/banners.html",
        banners=list(db.session.scalars(query)),
        block=block,
        blocks=BLOCK_LABELS,
        states=STATE_LABELS,
        now=now(),
    )


def _values_from(form: BannerForm, banner: Banner | None) -> dict | None:
    """The model values the form asks for, or None when the image was refused. The image is
    stored only once every other field is valid, so a refused form leaves no file behind."""
    values = {
        "title": form.title.data,
        "target_url": form.target_url.data,
        "block": BannerBlock(form.block.data),
        "position": form.position.data or 0,
        "active_from": local_to_utc(form.active_from.data),
        "active_until": local_to_utc(form.active_until.data),
        "show_title": form.show_title.data,
    }
    upload = form.image.data
    if upload is not None and getattr(upload, "filename", ""):
        try:
            values["image"] = save_uploaded_image(upload.stream)
        except ImageRejected as exc:
            form.image.errors.append(str(exc))
            return None
    elif form.library_image.data:  # a picture of the library, already stored (checked)
        values["image"] = stored_image_name(form.library_image.data)
    elif form.remove_image.data or banner is None:
        values["image"] = None
    return values


def _form_page(banner: Banner | None):
    form = BannerForm(obj=banner)
    if request.method == "GET":
        if banner is not None:
            form.block.data = str(banner.block)
            form.show_title.data = banner.show_title
            form.active_from.data = utc_to_local_naive(banner.active_from)
            form.active_until.data = utc_to_local_naive(banner.active_until)
        elif request.args.get("khoi") in BLOCK_LABELS:
            form.block.data = request.args["khoi"]
    if form.validate_on_submit():
        values = _values_from(form, banner)
        if values is not None:
            try:
                if banner is None:
                    saved = create_banner(**values, by=current_user)
                    flash(f"Đã thêm “{saved.title}”.", "info")
                else:
                    saved = update_banner(banner, **values, by=current_user)
                    flash(f"Đã lưu “{saved.title}”.", "info")
            except BannerError as exc:  # the form checks the same; a second line of defence
                db.session.rollback()
                getattr(form, exc.field or "title").errors.append(str(exc))
            else:
                return redirect(url_for(".index", khoi=str(saved.block)))
    return render_template(
        "blocks/admin/banner_form.html", form=form, banner=banner, blocks=BLOCK_LABELS
    )


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    return _form_page(None)


@bp.route("/<int:banner_id>", methods=["GET", "POST"])
@admin_required
def edit(banner_id: int):
    return _form_page(_banner_or_404(banner_id))


@bp.post("/<int:banner_id>/delete")
@admin_required
def delete(banner_id: int):
    banner = _banner_or_404(banner_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    title, block = banner.title, str(banner.block)
    delete_banner(banner, by=current_user)
    flash(f"Đã xóa “{title}”.", "info")
    return redirect(url_for(".index", khoi=block))


@bp.post("/<int:banner_id>/move")
@admin_required
def move(banner_id: int):
    """One place up or down within the banner's position (the buttons of the list)."""
    banner = _banner_or_404(banner_id)
    step = MOVES.get(request.form.get("huong", ""))
    if step is None or not ActionForm().validate_on_submit():
        abort(400)
    if move_banner(banner, step, by=current_user):
        flash(f"Đã chuyển “{banner.title}” {'lên' if step < 0 else 'xuống'}.", "info")
    else:
        flash(f"“{banner.title}” đã ở {'đầu' if step < 0 else 'cuối'} vị trí.", "info")
    shown = request.form.get("khoi", "")  # the list's filter, kept if it is one
    return redirect(url_for(".index", khoi=shown if shown in BLOCK_LABELS else None,
                            _anchor=f"banner-{banner.id}"))  # fmt: skip


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("Banner & liên kết", "blocks_admin.index", 40, admin_only=True))


__all__ = ["bp", "init_admin"]
