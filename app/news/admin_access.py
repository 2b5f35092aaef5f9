"""What the logged-in editor may reach in the article administration: the categories they may
edit, and an article or revision by id (404 when missing, 403 outside their categories)."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from app.auth.policies import may_publish
from app.extensions import db
from app.news.editors import may_edit_category
from app.news.models import Article, ArticleRevision, Category
from app.news.queries import all_categories


def allowed_categories() -> list[Category]:
    categories = all_categories()
    if current_user.is_admin:
        return categories
    allowed = {c.id for c in current_user.categories}
    return [c for c in categories if c.id in allowed]


def allowed_category_ids() -> list[int] | None:
    """The ids of the categories the user may edit; None for an administrator (all)."""
    return None if current_user.is_admin else [c.id for c in current_user.categories]


def article_or_404(article_id: int) -> Article:
    article = db.session.get(Article, article_id) or abort(404)
    if not may_edit_category(current_user, article.category_id):
        abort(403)
    return article


def revision_or_404(article: Article, revision_id: int) -> ArticleRevision:
    rev = db.session.get(ArticleRevision, revision_id)
    if rev is None or rev.article_id != article.id:
        abort(404)
    return rev


def may_edit(category_id: int) -> bool:
    return may_edit_category(current_user, category_id)


def require_publisher() -> None:
    """403 unless the user has the publish right (decisions on submitted articles and
    pending changes)."""
    if not may_publish(current_user):
        abort(403, description="Chỉ người có quyền xuất bản mới duyệt được bài viết và bản sửa.")
