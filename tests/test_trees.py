"""Category and field trees: one meaning of "the ids of a subtree" (the node and all below), one
walk of a tree in display order."""

from __future__ import annotations

from sqlalchemy import update

from app.documents.models import Field
from app.extensions import db
from app.news.models import Category
from app.trees import walk_tree


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


def test_walk_tree_gives_parents_before_children_with_siblings_ends_and_survives_a_cycle():
    # (id, parent): 1 > (2 > 4), 3; 5 and 6 point at each other (a cycle written outside
    # the app), 7 points at a parent that is gone.
    links = [(1, None), (2, 1), (3, None), (4, 2), (5, 6), (6, 5), (7, 99)]
    rows = list(walk_tree(links, lambda n: n[1], lambda n: n[0]))

    assert [(n[0], depth, first, last) for n, depth, first, last in rows] == [
        (1, 0, True, False),
        (2, 1, True, True),
        (4, 2, True, True),
        (3, 0, False, True),
        (5, 0, True, True),
        (6, 0, True, True),
        (7, 0, True, True),
    ]
