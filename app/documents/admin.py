"""Documents administration under /admin/documents: the documents with their files, and the
type, issuer, signer and field lists.

Who may do what (checked here, on the server, whatever the menu shows):
- any logged-in editor lists documents, creates them and edits unpublished ones, with their
  files;
- publishing a document, and changing one that is published (its fields or its files), takes
  the right to publish (administrators, and editors given it); others save documents
  unpublished for an administrator to review;
- deleting a document, and managing the type, issuer, signer and field lists, is for
  administrators only: those changes reach every document at once.
"""

from __future__ import annotations

from typing import Any, ClassVar

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import select

from app.admin_menu import DashboardCount, NavItem, register_count, register_nav, row_count
from app.auth.policies import admin_required, may_publish, staff_required
from app.converters import id_arg, page_number
from app.documents import operations, queries
from app.documents.admin_forms import (
    ActionForm,
    DocumentForm,
    FieldForm,
    IssuerForm,
    SignerForm,
    TypeForm,
)
from app.documents.models import Document, DocumentFile, DocumentType, Field, Issuer, Signer
from app.extensions import db
from app.form_base import PortalForm
from app.html_sanitizer import sanitize_html
from app.slugs import fold
from app.trees import walk_tree

bp = Blueprint("documents_admin", __name__, url_prefix="/admin/documents")

PER_PAGE = 25
STATUSES = {"da-cong-bo": "Đã công bố", "chua-cong-bo": "Chưa công bố"}
PUBLISHED_ONLY_BY_PUBLISHERS = (
    "Văn bản đã công bố chỉ người có quyền xuất bản mới được sửa hoặc thay tệp đính kèm."
)
NO_PUBLISH_RIGHT = (
    "Bạn chưa có quyền công bố văn bản: hãy bỏ chọn ô này để lưu văn bản chờ quản trị viên "
    "duyệt và công bố."
)


# --- helpers -------------------------------------------------------------------------------------


def field_tree() -> list[tuple[Field, int]]:
    """Every field, parents before their children, with its depth."""
    everything = list(db.session.scalars(select(Field).order_by(Field.name)))
    rows = walk_tree(everything, lambda f: f.parent_id, lambda f: f.id)
    return [(item, depth) for item, depth, _, _ in rows]


def _tree_label(item: Field, depth: int) -> str:
    return "— " * depth + item.name


def _signer_label(signer: Signer) -> str:
    return f"{signer.name} ({signer.position})" if signer.position else signer.name


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _by_ids(model, ids: list[int]) -> list:
    if not ids:
        return []
    return list(db.session.scalars(select(model).where(model.id.in_(ids))))


def _editable(document_id: int) -> Document:
    document = db.session.get(Document, document_id) or abort(404)
    if document.published and not may_publish(current_user):
        abort(403, description=PUBLISHED_ONLY_BY_PUBLISHERS)
    return document


# --- documents -----------------------------------------------------------------------------------


@bp.get("/")
@staff_required
def index():
    stmt = select(Document).order_by(Document.issued_on.desc(), Document.id.desc())
    args: dict[str, str] = {}
    q = request.args.get("q", "").strip()[:200]
    if q:
        args["q"] = q
        for word in fold(q).split():
            stmt = stmt.where(Document.search_text.like(_like(word), escape="\\"))
    type_id = id_arg("loai")
    if type_id:
        args["loai"] = str(type_id)
        stmt = stmt.where(Document.type_id == type_id)
    status = request.args.get("trang-thai", "")
    if status in STATUSES:
        args["trang-thai"] = status
        stmt = stmt.where(Document.published.is_(status == "da-cong-bo"))
    pagination = db.paginate(stmt, page=page_number(), per_page=PER_PAGE)
    types = db.session.scalars(
        select(DocumentType).order_by(DocumentType.position, DocumentType.name)
    )
    return render_template(
        "documents/admin/documents.html",
        pagination=pagination,
        args=args,
        types=list(types),
        statuses=STATUSES,
        may_publish=may_publish(current_user),
    )


def _fill_choices(form: DocumentForm, document: Document | None) -> None:
    types = db.session.scalars(
        select(DocumentType).order_by(DocumentType.position, DocumentType.name)
    )
    form.type.choices = {t.id: t.name for t in types}
    issuers = db.session.scalars(select(Issuer).order_by(Issuer.name))
    form.issuer.choices = {i.id: i.name for i in issuers}
    signers = db.session.scalars(select(Signer).order_by(Signer.name, Signer.position))
    form.signer.choices = {0: "— Không ghi —", **{s.id: _signer_label(s) for s in signers}}
    form.fields.choices = {f.id: _tree_label(f, depth) for f, depth in field_tree()}
    others = select(Document).order_by(Document.issued_on.desc(), Document.id.desc())
    if document is not None:
        others = others.where(Document.id != document.id)
    labels = {d.id: f"{d.code} — {d.title[:90]}" for d in db.session.scalars(others)}
    form.replaces.choices = labels
    form.related.choices = labels


def _initial(document: Document | None) -> dict[str, Any]:
    if document is None:
        return {"published": may_publish(current_user), "signer": 0}
    return {
        "code": document.code,
        "title": document.title,
        "summary": document.summary,
        "body": document.body,
        "type": document.type_id,
        "issuer": document.issuer_id,
        "signer": document.signer_id or 0,
        "fields": [f.id for f in document.fields],
        "issued_on": document.issued_on,
        "in_force_on": document.in_force_on,
        "expires_on": document.expires_on,
        "replaces": [d.id for d in document.replaces],
        "related": [d.id for d in document.related],
        "published": document.published,
    }


def _values_from(form: DocumentForm) -> dict[str, Any] | None:
    """The model values the form asks for, or None when a field got an error."""
    chosen = {
        "type": db.session.get(DocumentType, form.type.data),
        "issuer": db.session.get(Issuer, form.issuer.data),
        "signer": db.session.get(Signer, form.signer.data) if form.signer.data else None,
    }
    for name in ("type", "issuer"):
        if chosen[name] is None:  # deleted since the form was shown
            form[name].errors.append("Lựa chọn không còn tồn tại; hãy chọn lại.")
    if form.published.data and not may_publish(current_user):
        form.published.errors.append(NO_PUBLISH_RIGHT)
    if form.errors:
        return None
    return {
        "code": form.code.data,
        "title": form.title.data.strip(),
        "summary": (form.summary.data or "").strip(),
        "body": (form.body.data or "").strip(),
        **chosen,
        "issued_on": form.issued_on.data,
        "in_force_on": form.in_force_on.data,
        "expires_on": form.expires_on.data,
        "published": bool(form.published.data),
    }


def _editor(document: Document | None):
    form = DocumentForm(data=_initial(document) if request.method == "GET" else None)
    _fill_choices(form, document)
    if form.validate_on_submit():
        values = _values_from(form)
        if values is not None:
            try:
                saved = operations.save_document(
                    document,
                    by=current_user,
                    values=values,
                    fields=_by_ids(Field, form.fields.data),
                    replaces=_by_ids(Document, form.replaces.data),
                    related=_by_ids(Document, form.related.data),
                    uploads=form.files.data or [],
                )
            except operations.Refused as exc:
                form[exc.field].errors.append(str(exc))
            else:
                flash(f"Đã lưu văn bản {saved.code}.", "info")
                return redirect(url_for(".edit", document_id=saved.id))
    if request.method == "POST":
        # What was typed goes back to the editor sanitised: the editor script turns it into
        # live DOM, and a refused save must not run what it refused to store (self-XSS).
        form.body.data = sanitize_html(form.body.data or "")
    return render_template(
        "documents/admin/document_form.html",
        form=form,
        document=document,
        may_publish=may_publish(current_user),
        max_mb=_megabytes(),
    ), (400 if form.errors else 200)


def _megabytes() -> str:
    size = current_app.config["DOCUMENT_MAX_BYTES"] / (1024 * 1024)
    return f"{size:g}" if size >= 1 else f"{size:.2f}".rstrip("0").rstrip(".")


@bp.route("/new", methods=["GET", "POST"])
@staff_required
def new():
    return _editor(None)


@bp.route("/<int:document_id>", methods=["GET", "POST"])
@staff_required
def edit(document_id: int):
    return _editor(_editable(document_id))


@bp.post("/<int:document_id>/files/<int:file_id>/remove")
@staff_required
def remove_file(document_id: int, file_id: int):
    document = _editable(document_id)
    attached = db.session.get(DocumentFile, file_id)
    if attached is None or attached.document_id != document.id:
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = attached.original_name
    operations.remove_document_file(attached, by=current_user)
    flash(f"Đã gỡ tệp {name}.", "info")
    return redirect(url_for(".edit", document_id=document.id))


@bp.route("/<int:document_id>/delete", methods=["GET", "POST"])
@admin_required
def delete(document_id: int):
    """A confirmation page; its POST deletes."""
    document = db.session.get(Document, document_id) or abort(404)
    form = ActionForm()
    if form.validate_on_submit():
        code = document.code
        operations.delete_document(document, by=current_user)
        flash(f"Đã xóa văn bản {code}.", "info")
        return redirect(url_for(".index"))
    if request.method == "POST":
        abort(400)
    return render_template("documents/admin/confirm_delete.html", document=document, form=form)


# --- the managed lists ---------------------------------------------------------------------------


class ListKind:
    """One managed list (types, issuers, signers, fields): what differs between them is
    declared once here, in a subclass, so the views below never ask which list they serve."""

    key: ClassVar[str]
    title: ClassVar[str]  # what editors read
    model: ClassVar[type]
    form: ClassVar[type[PortalForm]]
    headers: ClassVar[tuple[str, ...]]
    order: ClassVar[tuple]  # columns the list is sorted by

    def rows(self) -> list[tuple[Any, list[str]]]:
        """Each entry with the cells shown under `headers`."""
        entries = db.session.scalars(select(self.model).order_by(*self.order))
        return [(entry, self.cells(entry)) for entry in entries]

    def cells(self, entry) -> list[str]:
        return [entry.name]

    def initial(self, entry) -> dict[str, Any]:
        """The form's values for editing `entry`."""
        return {"name": entry.name}

    def make_form(self, entry=None) -> PortalForm:
        data = self.initial(entry) if entry is not None and request.method == "GET" else None
        return self.form(data=data)

    def save(self, form, entry):
        """Create (entry None) or change an entry from a validated form; raises Refused."""
        raise NotImplementedError


class TypeList(ListKind):
    key, title, model, form = "types", "Thể loại", DocumentType, TypeForm
    headers = ("Tên thể loại", "Thứ tự")
    order = (DocumentType.position, DocumentType.name)

    def cells(self, entry: DocumentType) -> list[str]:
        return [entry.name, str(entry.position)]

    def initial(self, entry: DocumentType) -> dict[str, Any]:
        return {"name": entry.name, "position": entry.position}

    def save(self, form, entry: DocumentType | None) -> DocumentType:
        return operations.save_type(
            entry, name=form.name.data, position=form.position.data or 0, by=current_user
        )


class IssuerList(ListKind):
    key, title, model, form = "issuers", "Cơ quan ban hành", Issuer, IssuerForm
    headers = ("Tên cơ quan",)
    order = (Issuer.name,)

    def save(self, form, entry: Issuer | None) -> Issuer:
        return operations.save_issuer(entry, name=form.name.data, by=current_user)


class SignerList(ListKind):
    key, title, model, form = "signers", "Người ký", Signer, SignerForm
    headers = ("Họ và tên", "Chức vụ")
    order = (Signer.name, Signer.position)

    def cells(self, entry: Signer) -> list[str]:
        return [entry.name, entry.position]

    def initial(self, entry: Signer) -> dict[str, Any]:
        return {"name": entry.name, "position": entry.position}

    def save(self, form, entry: Signer | None) -> Signer:
        return operations.save_signer(
            entry, name=form.name.data, position=form.position.data or "", by=current_user
        )


class FieldList(ListKind):
    """A tree: shown indented under its parents; a parent is chosen outside its own subtree."""

    key, title, model, form = "fields", "Lĩnh vực", Field, FieldForm
    headers = ("Tên lĩnh vực",)
    order = (Field.name,)

    def rows(self) -> list[tuple[Any, list[str]]]:
        return [(f, [_tree_label(f, depth)]) for f, depth in field_tree()]

    def initial(self, entry: Field) -> dict[str, Any]:
        return {"name": entry.name, "parent": entry.parent_id or 0}

    def make_form(self, entry: Field | None = None) -> PortalForm:
        form = super().make_form(entry)
        excluded = entry.subtree_ids() if entry is not None else set()
        form.parent.choices = {
            0: "— Không (lĩnh vực cấp cao nhất) —",
            **{f.id: _tree_label(f, d) for f, d in field_tree() if f.id not in excluded},
        }
        return form

    def save(self, form, entry: Field | None) -> Field:
        parent = db.session.get(Field, form.parent.data) if form.parent.data else None
        return operations.save_field(entry, name=form.name.data, parent=parent, by=current_user)


KINDS: dict[str, ListKind] = {
    kind.key: kind for kind in (TypeList(), IssuerList(), SignerList(), FieldList())
}


def _kind(key: str) -> ListKind:
    return KINDS.get(key) or abort(404)


@bp.get("/lists")
@admin_required
def lists_index():
    return redirect(url_for(".lists", kind="types"))


@bp.route("/lists/<kind>", methods=["GET", "POST"])
@admin_required
def lists(kind: str):
    """One list with its entries, and the form that adds one."""
    spec = _kind(kind)
    form = spec.make_form()
    if form.validate_on_submit():
        try:
            entry = spec.save(form, None)
        except operations.Refused as exc:
            form[exc.field].errors.append(str(exc))
        else:
            flash(f"Đã thêm “{entry.name}”.", "info")
            return redirect(url_for(".lists", kind=kind))
    return render_template(
        "documents/admin/lists.html",
        kind=spec,
        kinds=KINDS,
        rows=spec.rows(),
        used=queries.usage_counts(spec.model),
        form=form,
    ), (400 if form.errors else 200)


@bp.route("/lists/<kind>/<int:entry_id>", methods=["GET", "POST"])
@admin_required
def list_entry(kind: str, entry_id: int):
    spec = _kind(kind)
    entry = db.session.get(spec.model, entry_id) or abort(404)
    form = spec.make_form(entry)
    if form.validate_on_submit():
        try:
            spec.save(form, entry)
        except operations.Refused as exc:
            form[exc.field].errors.append(str(exc))
        else:
            flash(f"Đã lưu “{entry.name}”.", "info")
            return redirect(url_for(".lists", kind=kind))
    return render_template(
        "documents/admin/list_entry.html", kind=spec, kinds=KINDS, entry=entry, form=form
    ), (400 if form.errors else 200)


@bp.post("/lists/<kind>/<int:entry_id>/delete")
@admin_required
def list_entry_delete(kind: str, entry_id: int):
    spec = _kind(kind)
    entry = db.session.get(spec.model, entry_id) or abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    name = entry.name
    try:
        operations.delete_entry(entry, by=current_user)
    except operations.Refused as exc:
        flash(str(exc), "error")
    else:
        flash(f"Đã xóa “{name}”.", "info")
    return redirect(url_for(".lists", kind=kind))


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("Văn bản", "documents_admin.index", 20))
    register_count(app, DashboardCount("văn bản", row_count(Document), 20))
    register_nav(
        app, NavItem("Danh mục văn bản", "documents_admin.lists_index", 21, admin_only=True)
    )


__all__ = ["bp", "init_admin"]
