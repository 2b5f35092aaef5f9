"""Article administration under /admin/news/articles: list, editor, revisions, preview."""

from __future__ import annotations

import json

from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user
from sqlalchemy import and_, or_, select

from app.admin_menu import DashboardCount, NavItem, register_count, register_nav, row_count
from app.auth.policies import may_publish, staff_required
from app.converters import id_arg, page_number
from app.dates import local_to_utc, utc_to_local_naive, utcnow
from app.extensions import db
from app.html_sanitizer import sanitize_html
from app.media import ImageRejected, save_uploaded_image
from app.news import admin_workflow, editing
from app.news.admin_access import (
    allowed_categories,
    article_or_404,
    require_publisher,
    revision_or_404,
)
from app.news.editors import may_edit_category
from app.news.forms import (
    BULK_ACTIONS,
    EDITOR_BULK_ACTIONS,
    STATUS_LABELS,
    ArticleForm,
    BulkForm,
    DecisionForm,
    RestoreForm,
    ReviewForm,
)
from app.news.models import (
    LIVE_STATUSES,
    Article,
    ArticleRevision,
    ArticleStatus,
    Category,
    ImagePosition,
    RevisionState,
)
from app.news.operations import (
    NotApplicable,
    apply_revision,
    delete_articles,
    discard_revision,
    needs_approval,
    propose_changes,
    save_article,
    set_status,
)
from app.news.queries import (
    own_pending_revision,
    own_turned_down,
    pending_revisions,
    review_queue_size,
)
from app.news.workflow import move_articles

bp = Blueprint("news_admin", __name__, url_prefix="/admin/news")

REVISION_STATES = {
    RevisionState.SAVED: "Đã lưu",
    RevisionState.PENDING: "Chờ duyệt",
    RevisionState.APPLIED: "Đã duyệt",
    RevisionState.DISCARDED: "Không dùng",
}
SUBMITTED = "Đã gửi duyệt: bài viết chờ người có quyền xuất bản duyệt."
# The workflow's own states: set by its buttons, kept by a publisher's plain save.
WORKFLOW_STATUSES = (ArticleStatus.SUBMITTED, ArticleStatus.RETURNED)
PROPOSED = (
    "Đã lưu thay đổi, chờ người có quyền xuất bản duyệt. "
    "Bài viết trên trang vẫn giữ nguyên cho đến khi được duyệt."
)

SORTS = {
    "moi-nhat": (Article.published_at.desc().nulls_first(), Article.id.desc()),
    "cu-nhat": (Article.published_at.asc(), Article.id.asc()),
    "sua-gan-day": (Article.updated_at.desc(),),
    "tieu-de": (Article.title.asc(),),
    "luot-xem": (Article.views.desc(),),
}


def status_clause(status: ArticleStatus):
    """SQL for what the list shows as `status` (Article.effective_status, in SQL)."""
    now = utcnow()
    live = Article.status.in_(LIVE_STATUSES)
    expired = or_(
        Article.status == ArticleStatus.EXPIRED,
        and_(live, Article.expires_at.is_not(None), Article.expires_at <= now),
    )
    if status not in LIVE_STATUSES and status != ArticleStatus.EXPIRED:
        return Article.status == status  # draft, submitted, returned: the stored state
    if status == ArticleStatus.EXPIRED:
        return expired
    due = and_(Article.published_at.is_not(None), Article.published_at <= now)
    if status == ArticleStatus.SCHEDULED:
        return and_(live, ~due, ~expired)
    return and_(live, due, ~expired)


@bp.get("/articles")
@staff_required
def articles():
    query = select(Article)
    if not current_user.is_admin:
        query = query.where(Article.category_id.in_([c.id for c in current_user.categories]))
    q = request.args.get("q", "").strip()[:200]
    if q:
        query = query.where(Article.title.ilike(f"%{q}%"))
    category = id_arg("chuyen-muc")
    if category:
        query = query.where(Article.category_id == category)
    status = request.args.get("trang-thai", "")
    if status in STATUS_LABELS:
        query = query.where(status_clause(ArticleStatus(status)))
    author = request.args.get("tac-gia", "").strip()[:100]
    if author:
        query = query.where(Article.author.ilike(f"%{author}%"))
    sort = request.args.get("sap-xep", "moi-nhat")
    query = query.order_by(*SORTS.get(sort, SORTS["moi-nhat"]))
    pagination = db.paginate(query, page=page_number(), per_page=25)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    pending_ids = set(
        db.session.scalars(
            select(ArticleRevision.article_id).where(
                ArticleRevision.state == RevisionState.PENDING,
                ArticleRevision.article_id.in_([a.id for a in pagination.items]),
            )
        )
    )
    categories = allowed_categories()
    return render_template(
        "news/admin/articles.html", pagination=pagination, categories=categories,
        statuses=STATUS_LABELS, sort=sort, args=args, bulk=_bulk_form(categories),
        pending_ids=pending_ids, RETURNED=ArticleStatus.RETURNED,
    )  # fmt: skip


def _bulk_form(categories: list[Category]) -> BulkForm:
    """The bulk form with the actions and target categories this user may use."""
    form = BulkForm()
    if not current_user.is_admin:
        form.action.choices = {k: BULK_ACTIONS[k] for k in EDITOR_BULK_ACTIONS}
    form.target.choices = [("", "— Chọn chuyên mục —")] + [(c.id, c.name) for c in categories]
    return form


@bp.post("/articles/bulk")
@staff_required
def bulk():
    if not current_user.is_admin and request.form.get("action") not in EDITOR_BULK_ACTIONS:
        abort(403)
    form = BulkForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [int(i) for i in request.form.getlist("ids") if i.isascii() and i.isdigit()][:500]
    # In id order: PostgreSQL returns rows in no set order, and the audit rows follow this one.
    query = select(Article).where(Article.id.in_(ids)).order_by(Article.id)
    if not current_user.is_admin:
        query = query.where(Article.category_id.in_([c.id for c in current_user.categories]))
    chosen = list(db.session.scalars(query))
    if not chosen:
        flash("Chưa chọn bài viết nào.", "error")
    elif form.action.data == "move":
        _bulk_move(chosen, form.target.data)
    elif form.action.data == "publish":
        count = set_status(chosen, ArticleStatus.PUBLISHED, by=current_user)
        flash(f"Đã xuất bản {count} bài.", "info")
    elif form.action.data == "unpublish":
        count = set_status(chosen, ArticleStatus.DRAFT, by=current_user)
        flash(f"Đã chuyển {count} bài về nháp.", "info")
    else:
        flash(f"Đã xóa {delete_articles(chosen, by=current_user)} bài.", "info")
    return redirect(url_for(".articles"))


def _bulk_move(chosen: list[Article], target_id: int | None) -> None:
    target = db.session.get(Category, target_id) if target_id else None
    if target is None:
        flash("Chọn chuyên mục muốn chuyển các bài đến.", "error")
        return
    if not may_edit_category(current_user, target.id):
        abort(403, description="Bạn không được chuyển bài vào chuyên mục này.")
    moved, skipped = move_articles(chosen, target, by=current_user,
                                   may_publish=may_publish(current_user))  # fmt: skip
    flash(f"Đã chuyển {moved} bài sang chuyên mục “{target.name}”.", "info")
    if skipped:
        flash(
            f"{skipped} bài đang đăng không được chuyển: chỉ người có quyền xuất bản mới "
            "chuyển được bài đang đăng.",
            "error",
        )


def _fill_choices(form: ArticleForm, article: Article | None) -> None:
    allowed = allowed_categories()
    form.category.choices = {c.id: c.name for c in allowed}
    form.extra_categories.choices = {c.id: c.name for c in allowed}
    if not may_publish(current_user):
        form.status.choices = {ArticleStatus.DRAFT.value: STATUS_LABELS[ArticleStatus.DRAFT]}
    elif article is not None and article.status in WORKFLOW_STATUSES:
        # Saving a submitted or returned article as it is keeps it there.
        form.status.choices = {article.status: STATUS_LABELS[article.status],
                               **form.status.choices}  # fmt: skip


def _values_from(form: ArticleForm, article: Article | None, locked: bool) -> dict | None:
    """The model values the form asks for, or None when a field got an error. `locked`: a
    published article saved without the publish right, whose status, slug and dates stay."""
    category = db.session.get(Category, form.category.data)
    if category is None or not may_edit_category(current_user, category.id):
        form.category.errors.append("Bạn không được đăng bài vào chuyên mục này.")
        return None
    values = {
        "title": form.title.data.strip(), "category": category, "lead": form.lead.data.strip(),
        "body": form.body.data or "", "image_caption": form.image_caption.data or "",
        "image_position": ImagePosition(form.image_position.data),
        "author": form.author.data or "", "source": form.source.data or "",
    }  # fmt: skip
    if not locked:
        if form.status.data not in set(ArticleStatus):
            form.status.errors.append("Trạng thái không hợp lệ.")
            return None
        status = ArticleStatus(form.status.data)
        if not may_publish(current_user):
            if status != ArticleStatus.DRAFT:
                form.status.errors.append(
                    "Bạn chỉ được lưu nháp; quản trị viên sẽ duyệt và xuất bản."
                )
                return None
            if request.form.get("intent") == "submit":
                status = ArticleStatus.SUBMITTED
        if status == ArticleStatus.SCHEDULED:
            status = ArticleStatus.PUBLISHED  # due time decides; shown as scheduled
        values.update(
            slug=(form.slug.data or "").strip() or None, status=status,
            featured=bool(form.featured.data) and current_user.is_admin,
            rating_enabled=bool(form.rating_enabled.data),
            published_at=local_to_utc(form.published_at.data),
            expires_at=local_to_utc(form.expires_at.data),
        )  # fmt: skip
    upload = form.image.data
    if upload and getattr(upload, "filename", ""):
        try:
            values["image"] = save_uploaded_image(upload.stream)
        except ImageRejected as exc:
            form.image.errors.append(str(exc))
            return None
    elif form.remove_image.data:
        values["image"] = None
    return values


def _show_article(form: ArticleForm, article: Article) -> None:
    """Fill the form from the stored article (what a GET shows)."""
    form.category.data = article.category_id
    form.extra_categories.data = [c.id for c in article.extra_categories]
    form.tags.data = ", ".join(t.name for t in article.tags)
    form.published_at.data = utc_to_local_naive(article.published_at)
    form.expires_at.data = utc_to_local_naive(article.expires_at)
    form.status.data = str(article.effective_status())
    form.image_position.data = str(article.image_position)


def _show_pending(form: ArticleForm, pending: ArticleRevision) -> None:
    """Fill the form from the change the editor proposed and that still waits."""
    fields = json.loads(pending.fields or "{}")
    form.title.data, form.lead.data, form.body.data = pending.title, pending.lead, pending.body
    form.category.data = fields.get("category_id")
    form.extra_categories.data = fields.get("extra_category_ids", [])
    form.tags.data = ", ".join(fields.get("tags", []))
    for name in ("image_caption", "image_position", "author", "source"):
        form[name].data = fields.get(name, form[name].data)


def _lock_publication(form: ArticleForm, article: Article) -> None:
    """Status, slug and dates of a published article, whatever a forged POST says."""
    form.slug.data = article.slug
    form.status.data = str(article.status)
    form.published_at.data = utc_to_local_naive(article.published_at)
    form.expires_at.data = utc_to_local_naive(article.expires_at)
    form.featured.data = article.featured
    form.rating_enabled.data = article.rating_enabled


def _editor(article: Article | None):
    form = ArticleForm(obj=article)
    _fill_choices(form, article)
    locked = needs_approval(article, may_publish(current_user))
    own_pending = own_pending_revision(article, current_user) if locked else None
    turned_down = own_turned_down(article, current_user) if locked and not own_pending else None
    if request.method == "GET" and article is not None:
        _show_article(form, article)
        if own_pending is not None:
            _show_pending(form, own_pending)
    if locked:
        _lock_publication(form, article)
    if form.validate_on_submit():
        values = _values_from(form, article, locked)
        if values is not None:
            extra_ids = [
                i for i in form.extra_categories.data if may_edit_category(current_user, i)
            ]
            extras = list(db.session.scalars(select(Category).where(Category.id.in_(extra_ids))))
            if locked:
                propose_changes(article, by=current_user, values=values,
                                tags=form.tag_list(), extra_categories=extras)  # fmt: skip
                flash(PROPOSED, "info")
                return redirect(url_for(".edit", article_id=article.id))
            saved = save_article(article, by=current_user, values=values,
                                 tags=form.tag_list(), extra_categories=extras)  # fmt: skip
            flash(SUBMITTED if saved.status == ArticleStatus.SUBMITTED else "Đã lưu bài viết.",
                  "info")  # fmt: skip
            return redirect(url_for(".edit", article_id=saved.id))
    others = editing.mark_editing(article.id, current_user) if article else []
    status = 400 if form.errors else 200
    # Whatever was typed goes back to the editor sanitised: the editor script turns it into
    # live DOM, and a refused save must not run what it refused to store (self-XSS).
    form.body.data = sanitize_html(form.body.data or "")
    pending = pending_revisions(article) if article is not None and not locked else []
    decision = None
    if article is not None and article.status == ArticleStatus.SUBMITTED:
        decision = DecisionForm() if may_publish(current_user) else None
    return render_template("news/admin/article_form.html", form=form, article=article,
                           others=others, locked=locked, own_pending=own_pending,
                           pending=pending, statuses=STATUS_LABELS, decision=decision,
                           may_publish=may_publish(current_user), turned_down=turned_down,
                           SUBMITTED=ArticleStatus.SUBMITTED,
                           RETURNED=ArticleStatus.RETURNED), status  # fmt: skip


@bp.route("/articles/new", methods=["GET", "POST"])
@staff_required
def new():
    return _editor(None)


@bp.route("/articles/<int:article_id>", methods=["GET", "POST"])
@staff_required
def edit(article_id: int):
    return _editor(article_or_404(article_id))


@bp.post("/articles/<int:article_id>/editing")
@staff_required
def still_editing(article_id: int):
    """Pinged by the open editor every 30 s; answers who else has it open."""
    article = article_or_404(article_id)
    return jsonify(others=editing.mark_editing(article.id, current_user))


@bp.get("/articles/<int:article_id>/preview")
@staff_required
def preview(article_id: int):
    """The article as readers will see it, whatever its status."""
    article = article_or_404(article_id)
    return render_template("news/article.html", article=article, views=article.views,
                           newer=[], older=[], preview=True)  # fmt: skip


@bp.get("/articles/<int:article_id>/revisions")
@staff_required
def revisions(article_id: int):
    article = article_or_404(article_id)
    rows = db.session.scalars(
        select(ArticleRevision).where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.id.desc())
    )  # fmt: skip
    return render_template("news/admin/revisions.html", article=article, revisions=list(rows),
                           states=REVISION_STATES)  # fmt: skip


@bp.get("/articles/<int:article_id>/revisions/<int:revision_id>")
@staff_required
def revision(article_id: int, revision_id: int):
    article = article_or_404(article_id)
    rev = revision_or_404(article, revision_id)
    return render_template("news/admin/revision.html", article=article, revision=rev,
                           fields=json.loads(rev.fields or "{}"), states=REVISION_STATES,
                           review=ReviewForm(), may_review=may_publish(current_user),
                           restore=RestoreForm(),
                           PENDING=RevisionState.PENDING)  # fmt: skip


@bp.post("/articles/<int:article_id>/revisions/<int:revision_id>/review")
@staff_required
def review(article_id: int, revision_id: int):
    """A publisher applies a pending revision to the article, or turns it down."""
    article = article_or_404(article_id)
    rev = revision_or_404(article, revision_id)
    require_publisher()
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        if form.action.data == "apply":
            allowed = lambda i: may_edit_category(current_user, i)  # noqa: E731
            apply_revision(rev, by=current_user, allowed_category=allowed)
            flash("Đã áp dụng bản sửa; bài viết trên trang đã được cập nhật.", "info")
        else:
            discard_revision(rev, by=current_user, note=form.note.data or "")
            flash("Đã bỏ bản sửa; bài viết giữ nguyên.", "info")
    except NotApplicable as exc:
        flash(str(exc), "error")
        return redirect(url_for(".revision", article_id=article.id, revision_id=rev.id))
    return redirect(url_for(".edit", article_id=article.id))


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(admin_workflow.bp)
    register_nav(app, NavItem("Bài viết", "news_admin.articles", 10))
    register_nav(app, NavItem("Chờ duyệt", "news_workflow.queue", 11))
    register_count(app, DashboardCount("bài viết", row_count(Article), 10))
    register_count(app, DashboardCount("bài chờ duyệt", review_queue_size, 11))


__all__ = ["bp", "init_admin"]
