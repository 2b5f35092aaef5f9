"""The menu editor under /admin/menu/ (administrators only)."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin_menu import NavItem, register_nav
from app.auth.policies import admin_required
from app.converters import id_arg
from app.extensions import db
from app.menu import queries
from app.menu.forms import ROOT, ActionForm, MenuItemForm
from app.menu.models import MAX_DEPTH, MenuItem, MenuKind
from app.menu.operations import (
    MenuError,
    create_item,
    delete_item,
    move_item,
    parent_links,
    subtree_ids,
    update_item,
)

bp = Blueprint("menu_admin", __name__, url_prefix="/admin/menu")


def _item_or_404(item_id: int) -> MenuItem:
    return db.session.get(MenuItem, item_id) or abort(404)


@bp.get("/")
@admin_required
def index():
    return render_template("menu/admin/index.html", rows=queries.menu_rows(), max_depth=MAX_DEPTH)


def _parent_choices(item: MenuItem | None) -> dict[int, str]:
    """The items an item may go under: not itself nor below itself, not at the last level."""
    exclude = set(subtree_ids(item.id, parent_links())) if item is not None else set()
    choices = {ROOT: "(Mục cấp cao nhất)"}
    for row in queries.menu_rows():
        if row.item.id not in exclude and row.depth < MAX_DEPTH:
            choices[row.item.id] = "— " * row.depth + row.item.label
    return choices


def _fill(form: MenuItemForm, item: MenuItem) -> None:
    """The form's target fields from a stored item."""
    form.kind.data = str(item.kind)
    form.parent.data = item.parent_id or ROOT
    kind = MenuKind(item.kind)
    if kind == MenuKind.CATEGORY and item.target.isdigit():
        form.category.data = int(item.target)
    elif kind == MenuKind.DOCUMENT and item.target.isdigit():
        form.document.data = queries.document_code(int(item.target))
    elif kind == MenuKind.PAGE:
        form.page.data = item.target
    elif kind == MenuKind.URL:
        form.url.data = item.target


def _target(form: MenuItemForm) -> str:
    kind = form.kind.data
    if kind == MenuKind.CATEGORY:
        return str(form.category.data or "")
    if kind == MenuKind.DOCUMENT:
        found = queries.document_id(form.document.data or "")
        return "" if found is None else str(found)
    return {MenuKind.PAGE: form.page.data, MenuKind.URL: form.url.data}.get(kind) or ""


def _form_page(item: MenuItem | None):
    form = MenuItemForm(obj=item)
    if request.method == "GET":
        if item is not None:
            _fill(form, item)
        else:
            form.parent.data = id_arg("cha") or ROOT
    form.category.choices = queries.category_choices()
    form.parent.choices = _parent_choices(item)
    if form.validate_on_submit():
        values = {
            "label": form.label.data,
            "kind": form.kind.data,
            "target": _target(form),
            "parent_id": form.parent.data or None,
            "new_tab": form.new_tab.data,
        }
        try:
            if item is None:
                saved = create_item(**values, by=current_user)
                flash(f"Đã thêm “{saved.label}” vào menu.", "info")
            else:
                saved = update_item(item, **values, by=current_user)
                flash(f"Đã lưu “{saved.label}”.", "info")
        except MenuError as exc:
            db.session.rollback()
            getattr(form, exc.field or "label").errors.append(str(exc))
        else:
            return redirect(url_for(".index", _anchor=f"muc-{saved.id}"))
    return render_template("menu/admin/item_form.html", form=form, item=item,
                           pages=queries.page_choices())  # fmt: skip


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    return _form_page(None)


@bp.route("/<int:item_id>", methods=["GET", "POST"])
@admin_required
def edit(item_id: int):
    return _form_page(_item_or_404(item_id))


@bp.post("/<int:item_id>/move/<any(up, down):direction>")
@admin_required
def move(item_id: int, direction: str):
    item = _item_or_404(item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not move_item(item, -1 if direction == "up" else 1, by=current_user):
        where = "đầu" if direction == "up" else "cuối"
        flash(f"“{item.label}” đã ở vị trí {where} trong cấp của nó.", "info")
    return redirect(url_for(".index", _anchor=f"muc-{item_id}"))


@bp.post("/<int:item_id>/delete")
@admin_required
def delete(item_id: int):
    item = _item_or_404(item_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    label = item.label
    count = delete_item(item, by=current_user)
    more = f" và {count - 1} mục con" if count > 1 else ""
    flash(f"Đã xóa “{label}”{more} khỏi menu.", "info")
    return redirect(url_for(".index"))


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("Menu chính", "menu_admin.index", 35, admin_only=True))


__all__ = ["bp", "init_admin"]
