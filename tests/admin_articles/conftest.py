"""Fixtures of the article administration tests: two categories, accounts of each kind and
their logged-in clients, an anonymous reader.
"""

from __future__ import annotations

import itertools

import pytest
from article_admin import Categories
from auth_helpers import Account, logged_in_client, new_account

from app.auth.models import Role
from app.extensions import db, redis_store
from app.news.models import Article, Category
from app.news.operations import create_category


@pytest.fixture
def app(request, make_app):
    """conftest's app, with config overrides through indirect parametrization."""
    application = make_app(**getattr(request, "param", {}))
    with application.app_context():
        redis_store.client.flushdb()
        yield application
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def cats(app) -> Categories:
    a, b = create_category("Giáo dục", by=None), create_category("Y tế", by=None)
    return Categories(a.id, b.id, a.slug, b.slug)


@pytest.fixture
def make_account(app):
    counter = itertools.count(1)

    def factory(
        username: str | None = None,
        *,
        role: Role = Role.EDITOR,
        display_name: str = "",
        category_ids=(),
        can_publish: bool = False,
    ) -> Account:
        categories = [db.session.get(Category, i) for i in category_ids]
        return new_account(
            username or f"bientap{next(counter)}",
            role=role,
            display_name=display_name,
            categories=categories,
            can_publish=can_publish,
        )

    return factory


@pytest.fixture
def admin(make_account) -> Account:
    return make_account("quantri", role=Role.ADMIN, display_name="Quản trị viên Lan")


@pytest.fixture
def admin_client(app, admin):
    return logged_in_client(app, admin)


@pytest.fixture
def editor(make_account, cats) -> Account:
    """An editor of category A who may not publish."""
    return make_account("bientap", display_name="Biên tập viên Hoa", category_ids=[cats.a])


@pytest.fixture
def editor_client(app, editor):
    return logged_in_client(app, editor)


@pytest.fixture
def visitor(app):
    """A reader: no cookies, no account."""
    return app.test_client()


@pytest.fixture
def published(app, cats, make_article) -> Article:
    return make_article(
        title="Thông báo lịch tiếp dân",
        category=db.session.get(Category, cats.a),
        body="<p>Lịch tiếp dân tháng này.</p>",
    )
