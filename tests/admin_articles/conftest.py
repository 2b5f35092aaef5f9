"""Fixtures of the article administration tests: two categories, accounts of each kind and
their logged-in clients, an anonymous reader.
"""

from __future__ import annotations

import pytest
from article_admin import Categories
from auth_helpers import Account, logged_in_client

from app.extensions import db
from app.news.models import Article, Category
from app.news.operations import create_category


@pytest.fixture
def cats(app) -> Categories:
    a, b = create_category("Giáo dục", by=None), create_category("Y tế", by=None)
    return Categories(a.id, b.id, a.slug, b.slug)


@pytest.fixture
def category_editor(make_user, cats) -> Account:
    """An editor of category A who may not publish."""
    return make_user("bientap", display_name="Biên tập viên Hoa", category_ids=[cats.a])


@pytest.fixture
def category_editor_client(app, category_editor):
    return logged_in_client(app, category_editor)


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
