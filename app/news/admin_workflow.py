"""The editorial workflow's admin pages: the publishers' queue ("Chờ duyệt"), a publisher's
decision on a submitted article, a revision compared with the one before it or with the
article, and restoring a revision."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.policies import may_publish, staff_required
from app.dates import local_to_utc
from app.news import revision_diff
from app.news.admin_access import (
    allowed_category_ids,
    article_or_404,
    may_edit,
    require_publisher,
    revision_or_404,
)
from app.news.forms import DecisionForm, RestoreForm
from app.news.models import RevisionState
from app.news.operations import NotApplicable
from app.news.queries import all_categories, previous_revision, review_queue
from app.news.workflow import WorkflowError, approve, restore, return_to_editor
from app.offload import offload

bp = Blueprint("news_workflow", __name__, url_prefix="/admin/news")


@bp.get("/cho-duyet")
@staff_required
def queue():
    """What waits for a publisher in the user's categories. Editors without the publish
    right see their own part of it (read-only), so they know what is pending."""
    articles, changes = review_queue(allowed_category_ids())
    return render_template("news/admin/queue.html", articles=articles, changes=changes,
                           may_review=may_publish(current_user))  # fmt: skip


@bp.post("/articles/<int:article_id>/duyet")
@staff_required
def decide(article_id: int):
    article = article_or_404(article_id)
    require_publisher()
    form = DecisionForm()
    if not form.validate_on_submit():
        errors = [e for field in form for e in field.errors]
        flash("Chưa duyệt: " + " ".join(errors) if errors else "Yêu cầu không hợp lệ.", "error")
        return redirect(url_for("news_admin.edit", article_id=article.id))
    try:
        if form.action.data == "approve":
            approve(article, by=current_user, publish_at=local_to_utc(form.publish_at.data))
            flash("Đã duyệt bài viết.", "info")
        else:
            return_to_editor(article, by=current_user, note=form.note.data or "")
            flash("Đã trả lại bài viết cho người viết.", "info")
    except WorkflowError as exc:
        flash(str(exc), "error")
        return redirect(url_for("news_admin.edit", article_id=article.id))
    return redirect(url_for(".queue"))


@bp.get("/articles/<int:article_id>/revisions/<int:revision_id>/so-sanh")
@staff_required
def compare(article_id: int, revision_id: int):
    """?voi=truoc (default): with the revision before it; ?voi=hien-tai: with the article."""
    article = article_or_404(article_id)
    rev = revision_or_404(article, revision_id)
    names = {c.id: c.name for c in all_categories()}
    against = request.args.get("voi", "truoc")
    newer = revision_diff.of_revision(rev, f"Phiên bản #{rev.id}")
    if against == "hien-tai":
        older, newer = newer, revision_diff.of_article(article, "Bài viết hiện tại")
    else:
        against = "truoc"
        before = previous_revision(rev)
        older = (
            revision_diff.of_revision(before, f"Phiên bản #{before.id}")
            if before is not None
            else revision_diff.Version("(chưa có)", "", "", "", {})
        )
    # Up to ~0.3 s of CPU for a 400,000-character body: off the event loop, in a thread
    # that has the app (changed dates are shown in the site's zone, read from its config).
    app = current_app._get_current_object()

    def compare() -> revision_diff.Comparison:
        with app.app_context():
            return revision_diff.compare(older, newer, names)

    comparison = offload(compare, heavy=True)
    return render_template("news/admin/revision_compare.html", article=article, revision=rev,
                           comparison=comparison, against=against)  # fmt: skip


@bp.post("/articles/<int:article_id>/revisions/<int:revision_id>/khoi-phuc")
@staff_required
def restore_revision(article_id: int, revision_id: int):
    article = article_or_404(article_id)
    rev = revision_or_404(article, revision_id)
    if not RestoreForm().validate_on_submit():
        abort(400)
    if rev.state == RevisionState.PENDING:
        flash("Bản sửa này đang chờ duyệt: hãy áp dụng hoặc bỏ nó.", "error")
        return redirect(url_for("news_admin.revision", article_id=article.id, revision_id=rev.id))
    try:
        added = restore(rev, by=current_user, may_publish=may_publish(current_user),
                        allowed_category=may_edit)  # fmt: skip
    except NotApplicable as exc:
        flash(str(exc), "error")
        return redirect(url_for("news_admin.revision", article_id=article.id, revision_id=rev.id))
    if added.state == RevisionState.PENDING:
        flash(
            f"Đã gửi phiên bản #{rev.id} thành bản sửa chờ duyệt; bài trên trang giữ nguyên "
            "cho đến khi được duyệt.",
            "info",
        )
    else:
        flash(f"Đã khôi phục phiên bản #{rev.id}.", "info")
    return redirect(url_for("news_admin.edit", article_id=article.id))


__all__ = ["bp"]
