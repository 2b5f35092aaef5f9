"""Category and field trees: one meaning of "the ids of a subtree" (the node and all below)."""

from __future__ import annotations

from sqlalchemy import update

from app.documents.models import Field
from app.extensions import db
from app.news.models import Category


def test_a_category_subtree_holds_the_category_and_everything_below_it(make_category):
    news = make_category("Tin tức")
    local = make_category("Trong tỉnh", parent=news)
    district = make_category("Huyện", parent=local)
    other = make_category("Văn bản")

    assert news.subtree_ids() == {news.id, local.id, district.id}
    assert local.subtree_ids() == {local.id, district.id}
    assert district.subtree_ids() == {district.id}
    assert other.subtree_ids() == {other.id}


def test_a_field_subtree_has_the_same_meaning(app):
    top = Field(name="Giáo dục", slug="giao-duc")
    child = Field(name="Mầm non", slug="mam-non", parent=top)
    sibling = Field(name="Y tế", slug="y-te")
    db.session.add_all([top, child, sibling])
    db.session.commit()

    assert top.subtree_ids() == {top.id, child.id}
    assert sibling.subtree_ids() == {sibling.id}


def test_a_subtree_follows_the_database_not_stale_loaded_children(make_category):
    """A parent changed by another statement (another process) is what counts."""
    news = make_category("Tin tức")
    moved = make_category("Trong tỉnh", parent=news)
    other = make_category("Văn bản")
    assert moved in news.children  # loaded before the change

    db.session.execute(update(Category).where(Category.id == moved.id).values(parent_id=other.id))

    assert news.subtree_ids() == {news.id}
    assert other.subtree_ids() == {other.id, moved.id}


def test_a_cycle_written_outside_the_app_does_not_loop_forever(make_category):
    a = make_category("Một")
    b = make_category("Hai", parent=a)
    db.session.execute(update(Category).where(Category.id == a.id).values(parent_id=b.id))

    assert a.subtree_ids() == {a.id, b.id}
    assert b.subtree_ids() == {a.id, b.id}


def test_a_node_not_stored_yet_has_an_empty_subtree(app):
    assert Category(name="Mới", slug="moi").subtree_ids() == set()
