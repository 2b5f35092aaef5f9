"""Migration 0016 on a database with banners and links written before it: banners stay in
the position above "Văn bản mới" with the overlay they were shown with, links stay links
(no logo), new rows get the overlay off; the downgrade folds the new position into the old
block. On SQLite always, on PostgreSQL when TEST_DATABASE_URL names one."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from app import create_app
from app.extensions import db

BEFORE = "0015_menu"
IMAGE = "0123456789abcdef0123456789abcde0.png"
ROWS = [  # (title, image, block, position) as the old admin wrote them
    ("Banner có ảnh", IMAGE, "banners", 1),
    ("Banner chữ", None, "banners", 2),
    ("Báo tỉnh", None, "links", 1),
]


@pytest.fixture(params=["sqlite", "postgresql"])
def app_before(request, tmp_path, redis_url):
    """An app on a database migrated up to the revision before 0016 (PostgreSQL: the one of
    pg_url, brought down to it), left migrated to the head for whoever uses it next."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'portal.db'}"
    else:
        url = request.getfixturevalue("pg_url")
    app = create_app(
        {"INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": None,
         "REDIS_URL": redis_url, "SECRET_KEY": "test", "TESTING": True,
         "STATS_BACKGROUND": False}
    )  # fmt: skip
    with app.app_context():
        if request.param == "sqlite":
            upgrade(revision=BEFORE)
        else:
            downgrade(revision=BEFORE)
        yield app
        upgrade()
        db.session.remove()
        db.engine.dispose()


def rows() -> list[tuple]:
    with db.engine.connect() as conn:
        return [
            tuple(row)
            for row in conn.execute(
                sa.text("SELECT title, block, position, image, show_title FROM banners ORDER BY id")
            )
        ]


def test_old_banners_and_links_keep_their_place_and_look(app_before):
    with db.engine.begin() as conn:
        conn.execute(sa.text("DELETE FROM banners"))
        for title, image, block, position in ROWS:
            conn.execute(
                sa.text(
                    "INSERT INTO banners (title, image, target_url, block, position, clicks) "
                    "VALUES (:title, :image, 'https://example.gov.vn/', :block, :position, 3)"
                ),
                {"title": title, "image": image, "block": block, "position": position},
            )

    upgrade()

    assert rows() == [
        ("Banner có ảnh", "banners", 1, IMAGE, True),  # its title was printed over it: kept
        ("Banner chữ", "banners", 2, None, False),
        ("Báo tỉnh", "links", 1, None, False),
    ]
    with db.engine.begin() as conn:  # a row written after: no overlay unless asked
        conn.execute(
            sa.text(
                "INSERT INTO banners (title, target_url, block, position, clicks) "
                "VALUES ('Mới', 'https://example.gov.vn/', 'middle', 1, 0)"
            )
        )
    assert rows()[-1] == ("Mới", "middle", 1, None, False)

    downgrade(revision=BEFORE)

    with db.engine.connect() as conn:
        columns = {c["name"] for c in sa.inspect(conn).get_columns("banners")}
        blocks = conn.execute(sa.text("SELECT title, block FROM banners ORDER BY id")).all()
    assert "show_title" not in columns
    assert [tuple(b) for b in blocks][-1] == ("Mới", "banners")  # the old code shows it
