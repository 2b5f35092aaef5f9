"""The moderators' queue under /admin/y-kien/: filter, approve, reject, delete, in bulk too.
Editors see and moderate only the comments on articles of their own categories."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.policies import staff_required
from app.comments.forms import ACTIONS, ModerationForm
from app.comments.models import Comment, CommentStatus
from app.comments.operations import delete_comments, set_status
from app.comments.queries import in_scope_by_ids, queue
from app.converters import page_number, parse_id
from app.extensions import db

bp = Blueprint("comments_admin", __name__, url_prefix="/admin/y-kien")

# The filter's query value -> status; "" shows every comment.
FILTERS = {"cho-duyet": CommentStatus.PENDING, "da-duyet": CommentStatus.APPROVED,
           "tu-choi": CommentStatus.REJECTED, "tat-ca": None}  # fmt: skip
FILTER_LABELS = {"cho-duyet": "Chờ duyệt", "da-duyet": "Đã duyệt", "tu-choi": "Đã từ chối",
                 "tat-ca": "Tất cả"}  # fmt: skip
STATUS_LABELS = {CommentStatus.PENDING: "Chờ duyệt", CommentStatus.APPROVED: "Đã duyệt",
                 CommentStatus.REJECTED: "Đã từ chối"}  # fmt: skip
PER_PAGE = 30


def _filter() -> str:
    chosen = request.args.get("trang-thai", "cho-duyet")
    return chosen if chosen in FILTERS else "cho-duyet"


def _just_moderated() -> list[int]:
    """Ids the last action changed (`?xu-ly=1,2`): they stay listed, with their new status,
    whatever the filter, so the moderator sees what was done and can change it again."""
    raw = request.args.get("xu-ly", "")[:600]
    return [i for i in map(parse_id, raw.split(",")) if i is not None][:50]


@bp.get("/")
@staff_required
def queue_page():
    chosen = _filter()
    query = queue(current_user, FILTERS[chosen], also=_just_moderated())
    # error_out=False: after a deletion the page a moderator came back to may be empty.
    pagination = db.paginate(query, page=page_number(), per_page=PER_PAGE, error_out=False)
    return render_template(
        "comments/admin/queue.html", pagination=pagination, chosen=chosen, filters=FILTER_LABELS,
        statuses=STATUS_LABELS, form=ModerationForm(), args={"trang-thai": chosen},
    )  # fmt: skip


def _chosen(form: ModerationForm) -> tuple[str, list[Comment]]:
    """The action and the comments it applies to; 403 when a row's own button names a
    comment the user may not moderate, 404 when it does not exist."""
    one = request.form.get("one", "")
    if one:
        action, _, raw_id = one.partition(":")
        comment_id = parse_id(raw_id)
        if action not in ACTIONS or comment_id is None:
            abort(400)
        found = in_scope_by_ids(current_user, [comment_id])
        if not found:
            abort(404 if db.session.get(Comment, comment_id) is None else 403)
        return action, found
    ids = [i for i in map(parse_id, request.form.getlist("ids")) if i is not None][:500]
    return form.action.data, in_scope_by_ids(current_user, ids)


@bp.post("/")
@staff_required
def moderate():
    form = ModerationForm()
    if not form.validate_on_submit():
        abort(400)
    action, chosen = _chosen(form)
    if not chosen:
        flash("Chưa chọn ý kiến nào.", "error")
    elif action == "approve":
        flash(f"Đã duyệt {set_status(chosen, CommentStatus.APPROVED, by=current_user)} ý kiến.",
              "info")  # fmt: skip
    elif action == "reject":
        flash(f"Đã từ chối {set_status(chosen, CommentStatus.REJECTED, by=current_user)} ý kiến.",
              "info")  # fmt: skip
    else:
        flash(f"Đã xóa {delete_comments(chosen, by=current_user)} ý kiến.", "info")
    kept = {"trang-thai": request.form.get("trang-thai", "")}
    if chosen and action != "delete":
        kept["xu-ly"] = ",".join(str(c.id) for c in chosen[:50])
    if request.form.get("page", "").isdigit():
        kept["page"] = request.form["page"]
    return redirect(url_for(".queue_page", **{k: v for k, v in kept.items() if v}))


__all__ = ["bp"]
