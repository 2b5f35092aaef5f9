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

from app.admin import NavItem, register_nav
from app.auth.policies import may_edit_category, may_publish, staff_required
from app.dates import local_to_utc, utc_to_local_naive, utcnow
from app.extensions import db
from app.media import ImageRejected, save_uploaded_image
from app.news import editing
from app.news.forms import STATUS_LABELS, ArticleForm, BulkForm
from app.news.models import Article, ArticleRevision, ArticleStatus, Category, ImagePosition
from app.news.queries import all_categories
from app.news.services import delete_articles, save_article, set_status

bp = Blueprint("news_admin", __name__, url_prefix="/admin/news")

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
    live = Article.status.in_([ArticleStatus.PUBLISHED, ArticleStatus.SCHEDULED])
    expired = or_(
        Article.status == ArticleStatus.EXPIRED,
        and_(live, Article.expires_at.is_not(None), Article.expires_at <= now),
    )
    if status == ArticleStatus.DRAFT:
        return Article.status == ArticleStatus.DRAFT
    if status == ArticleStatus.EXPIRED:
        return expired
    due = and_(Article.published_at.is_not(None), Article.published_at <= now)
    if status == ArticleStatus.SCHEDULED:
        return and_(live, ~due, ~expired)
    return and_(live, due, ~expired)


def _allowed_categories() -> list[Category]:
    categories = all_categories()
    if current_user.is_admin:
        return categories
    allowed = {c.id for c in current_user.categories}
    return [c for c in categories if c.id in allowed]


def _article_or_404(article_id: int) -> Article:
    article = db.session.get(Article, article_id) or abort(404)
    if not may_edit_category(current_user, article.category_id):
        abort(403)
    return article


@bp.get("/articles")
@staff_required
def articles():
    query = select(Article)
    if not current_user.is_admin:
        query = query.where(Article.category_id.in_([c.id for c in current_user.categories]))
    q = request.args.get("q", "").strip()[:200]
    if q:
        query = query.where(Article.title.ilike(f"%{q}%"))
    category = request.args.get("chuyen-muc", type=int)
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
    pagination = db.paginate(query, page=request.args.get("page", 1, type=int), per_page=25)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template(
        "news/admin/articles.html", pagination=pagination, categories=_allowed_categories(),
        statuses=STATUS_LABELS, sort=sort, args=args, bulk=BulkForm(),
    )  # fmt: skip


@bp.post("/articles/bulk")
@staff_required
def bulk():
    if not current_user.is_admin:
        abort(403)
    form = BulkForm()
    if not form.validate_on_submit():
        abort(400)
    ids = [int(i) for i in request.form.getlist("ids") if i.isascii() and i.isdigit()][:500]
    chosen = list(db.session.scalars(select(Article).where(Article.id.in_(ids))))
    if not chosen:
        flash("Chưa chọn bài viết nào.", "error")
    elif form.action.data == "publish":
        flash(
            f"Đã xuất bản {set_status(chosen, ArticleStatus.PUBLISHED, current_user)} bài.", "info"
        )
    elif form.action.data == "unpublish":
        flash(
            f"Đã chuyển {set_status(chosen, ArticleStatus.DRAFT, current_user)} bài về nháp.",
            "info",
        )
    else:
        flash(f"Đã xóa {delete_articles(chosen, current_user)} bài.", "info")
    return redirect(url_for(".articles"))


def _fill_choices(form: ArticleForm) -> None:
    allowed = _allowed_categories()
    form.category.choices = {c.id: c.name for c in allowed}
    form.extra_categories.choices = {c.id: c.name for c in allowed}
    if not may_publish(current_user):
        form.status.choices = {ArticleStatus.DRAFT.value: STATUS_LABELS[ArticleStatus.DRAFT]}


def _values_from(form: ArticleForm, article: Article | None) -> dict | None:
    """The model values the form asks for, or None when a field got an error."""
    category = db.session.get(Category, form.category.data)
    if category is None or not may_edit_category(current_user, category.id):
        form.category.errors.append("Bạn không được đăng bài vào chuyên mục này.")
        return None
    if form.status.data not in set(ArticleStatus):
        form.status.errors.append("Trạng thái không hợp lệ.")
        return None
    status = ArticleStatus(form.status.data)
    if not may_publish(current_user) and status != ArticleStatus.DRAFT:
        form.status.errors.append("Bạn chỉ được lưu nháp; quản trị viên sẽ duyệt và xuất bản.")
        return None
    values = {
        "title": form.title.data.strip(), "slug": (form.slug.data or "").strip() or None,
        "category": category, "lead": form.lead.data.strip(), "body": form.body.data or "",
        "image_caption": form.image_caption.data or "",
        "image_position": ImagePosition(form.image_position.data),
        "author": form.author.data or "", "source": form.source.data or "",
        "status": status, "featured": bool(form.featured.data) and current_user.is_admin,
        "published_at": local_to_utc(form.published_at.data),
        "expires_at": local_to_utc(form.expires_at.data),
    }  # fmt: skip
    upload = form.image.data
    if upload and getattr(upload, "filename", ""):
        try:
            values["image"] = save_uploaded_image(upload.stream)
        except ImageRejected as exc:
            form.image.errors.append(str(exc))
            return None
    elif form.remove_image.data:
        values["image"] = None
    if status == ArticleStatus.SCHEDULED:
        values["status"] = ArticleStatus.PUBLISHED  # due time decides; shown as scheduled
    return values


def _editor(article: Article | None):
    form = ArticleForm(obj=article)
    _fill_choices(form)
    if request.method == "GET" and article is not None:
        form.category.data = article.category_id
        form.extra_categories.data = [c.id for c in article.extra_categories]
        form.tags.data = ", ".join(t.name for t in article.tags)
        form.published_at.data = utc_to_local_naive(article.published_at)
        form.expires_at.data = utc_to_local_naive(article.expires_at)
        form.status.data = str(article.effective_status())
        form.image_position.data = str(article.image_position)
    if form.validate_on_submit():
        values = _values_from(form, article)
        if values is not None:
            extra_ids = [
                i for i in form.extra_categories.data if may_edit_category(current_user, i)
            ]
            extras = list(db.session.scalars(select(Category).where(Category.id.in_(extra_ids))))
            saved = save_article(article, user=current_user, values=values,
                                 tags=form.tag_list(), extra_categories=extras)  # fmt: skip
            flash("Đã lưu bài viết.", "info")
            return redirect(url_for(".edit", article_id=saved.id))
    others = editing.mark_editing(article.id, current_user) if article else []
    status = 400 if form.errors else 200
    return render_template("news/admin/article_form.html", form=form, article=article,
                           others=others), status  # fmt: skip


@bp.route("/articles/new", methods=["GET", "POST"])
@staff_required
def new():
    return _editor(None)


@bp.route("/articles/<int:article_id>", methods=["GET", "POST"])
@staff_required
def edit(article_id: int):
    return _editor(_article_or_404(article_id))


@bp.post("/articles/<int:article_id>/editing")
@staff_required
def still_editing(article_id: int):
    """Pinged by the open editor every 30 s; answers who else has it open."""
    article = _article_or_404(article_id)
    return jsonify(others=editing.mark_editing(article.id, current_user))


@bp.get("/articles/<int:article_id>/preview")
@staff_required
def preview(article_id: int):
    """The article as readers will see it, whatever its status."""
    article = _article_or_404(article_id)
    return render_template("news/article.html", article=article, views=article.views,
                           newer=[], older=[], preview=True)  # fmt: skip


@bp.get("/articles/<int:article_id>/revisions")
@staff_required
def revisions(article_id: int):
    article = _article_or_404(article_id)
    rows = db.session.scalars(
        select(ArticleRevision).where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.id.desc())
    )  # fmt: skip
    return render_template("news/admin/revisions.html", article=article, revisions=list(rows))


@bp.get("/articles/<int:article_id>/revisions/<int:revision_id>")
@staff_required
def revision(article_id: int, revision_id: int):
    article = _article_or_404(article_id)
    rev = db.session.get(ArticleRevision, revision_id)
    if rev is None or rev.article_id != article.id:
        abort(404)
    return render_template("news/admin/revision.html", article=article, revision=rev,
                           fields=json.loads(rev.fields or "{}"))  # fmt: skip


@bp.post("/images")
@staff_required
def upload_image():
    """Images inserted into an article body by the editor (JSON for fetch)."""
    upload = request.files.get("image")
    if upload is None or not upload.filename:
        return jsonify(error="Chưa chọn ảnh."), 400
    try:
        name = save_uploaded_image(upload.stream)
    except ImageRejected as exc:
        return jsonify(error=str(exc)), 400
    return jsonify(url=url_for("media.image", name=name), name=name)


def init_admin(app: Flask) -> None:
    app.register_blueprint(bp)
    register_nav(app, NavItem("Bài viết", "news_admin.articles", 10))


__all__ = ["bp", "init_admin"]
