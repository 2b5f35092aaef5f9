"""Category administration under /admin/news/categories: the tree, ordering, editing."""

from __future__ import annotations

from flask import Blueprint, Flask, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.admin_menu import NavItem, register_nav
from app.auth.policies import admin_required
from app.converters import id_arg
from app.extensions import db
from app.news import editors
from app.news.category_forms import ROOT, ActionForm, CategoryForm
from app.news.models import Category
from app.news.operations import (
    CategoryError,
    create_category,
    delete_category,
    move_category,
    update_category,
)
from app.news.queries import article_counts, category_tree

bp = Blueprint("category_admin", __name__, url_prefix="/admin/news/categories")


def _category_or_404(category_id: int) -> Category:
    return db.session.get(Category, category_id) or abort(404)


@bp.get("/")
@admin_required
def index():
    return render_template(
        "news/admin/categories.html",
        rows=category_tree(),
        counts=article_counts(),
    )


def _parent_choices(exclude: set[int]) -> dict[int, str]:
    """The tree, indented, without `exclude` (a category and everything below it)."""
    choices = {ROOT: "(Không có — chuyên mục gốc)"}
    for row in category_tree():
        if row.category.id not in exclude:
            choices[row.category.id] = "— " * row.depth + row.category.name
    return choices


def _chosen_parent(form: CategoryForm) -> tuple[bool, Category | None]:
    """(ok, parent) from the form; a missing or unknown parent is a field error."""
    if form.parent.data is None:
        form.parent.errors.append("Chọn chuyên mục cha.")
        return False, None
    if form.parent.data == ROOT:
        return True, None
    parent = db.session.get(Category, form.parent.data)
    if parent is None:
        form.parent.errors.append("Chuyên mục cha không tồn tại.")
        return False, None
    return True, parent


def _form_page(category: Category | None):
    form = CategoryForm(obj=category)
    if request.method == "GET":
        if category is not None:
            form.parent.data = category.parent_id or ROOT
        else:
            form.parent.data = id_arg("cha") or ROOT
    exclude = category.subtree_ids() if category is not None else set()
    form.parent.choices = _parent_choices(exclude)
    if form.validate_on_submit():
        ok, parent = _chosen_parent(form)
        if ok:
            values = {"name": form.name.data, "slug": form.slug.data or "", "parent": parent,
                      "description": form.description.data or ""}  # fmt: skip
            try:
                if category is None:
                    saved = create_category(**values, by=current_user)
                    flash(f"Đã tạo chuyên mục “{saved.name}”.", "info")
                else:
                    saved = update_category(category, **values, by=current_user)
                    flash(f"Đã lưu chuyên mục “{saved.name}”.", "info")
            except CategoryError as exc:
                db.session.rollback()
                getattr(form, exc.field or "name").errors.append(str(exc))
            else:
                return redirect(url_for(".index", _anchor=f"chuyen-muc-{saved.id}"))
    return render_template("news/admin/category_form.html", form=form, category=category)


@bp.route("/new", methods=["GET", "POST"])
@admin_required
def new():
    return _form_page(None)


@bp.route("/<int:category_id>", methods=["GET", "POST"])
@admin_required
def edit(category_id: int):
    return _form_page(_category_or_404(category_id))


@bp.post("/<int:category_id>/move/<any(up, down):direction>")
@admin_required
def move(category_id: int, direction: str):
    category = _category_or_404(category_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if not move_category(category, direction, by=current_user):
        where = "đầu" if direction == "up" else "cuối"
        flash(f"Chuyên mục “{category.name}” đã ở vị trí {where} trong cấp của nó.", "info")
    return redirect(url_for(".index", _anchor=f"chuyen-muc-{category_id}"))


@bp.post("/<int:category_id>/delete")
@admin_required
def delete(category_id: int):
    category = _category_or_404(category_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = category.name
    try:
        delete_category(category, by=current_user)
    except CategoryError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(f"Đã xóa chuyên mục “{name}”.", "info")
    return redirect(url_for(".index"))


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("Chuyên mục", "category_admin.index", 30, admin_only=True))
    editors.init_app(app)  # the account form's "categories an editor may edit"


__all__ = ["bp", "init_admin"]
