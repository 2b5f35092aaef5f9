"""Banner clicks are never lost, whatever fails first: the "clicked today" mark in Redis or
the count in SQL. Real Redis, a real SQLite file locked by another connection."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import select

from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.stats.models import CounterFlush

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Safari/537.36"
)
TARGET = "https://dichvucong.example.gov.vn/"


pytestmark = pytest.mark.contextless  # conftest's `app`, with no app context pushed


@pytest.fixture
def app_config() -> dict:
    # A short wait for SQLite's lock, so the test does not sit out the production deadline.
    return {"SQLITE_LOCK_WAIT_SECONDS": 0.3}


def add_banner(app) -> int:
    with app.app_context():
        banner = Banner(title="Cổng dịch vụ công", target_url=TARGET, block=BannerBlock.BANNERS)
        db.session.add(banner)
        db.session.commit()
        return banner.id


def clicks(app, banner_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Banner.clicks).where(Banner.id == banner_id))


def reader(app, ip: str = "198.51.100.20"):
    client = app.test_client()
    client.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": BROWSER})
    return client


def click(client, banner_id: int) -> None:
    response = client.get(f"/lien-ket/{banner_id}")
    assert response.status_code == 302
    assert response.headers["Location"] == TARGET


def replay(app) -> int:
    """What the background runner does each second."""
    with app.app_context():
        return app.extensions["stats"].replay_spool()


def spooled(app) -> int:
    return app.extensions["stats"].spool.pending()


def database_path(app) -> str:
    return app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")


class OutsideLock:
    """`sqlite3 portal.db` in another terminal: BEGIN EXCLUSIVE, held until released."""

    def __init__(self, path: str) -> None:
        self.connection = sqlite3.connect(path, isolation_level=None, timeout=5)
        self.connection.execute("BEGIN EXCLUSIVE")

    def release(self) -> None:
        self.connection.execute("ROLLBACK")
        self.connection.close()


@pytest.mark.sqlite_only("an outside SQLite write lock")
def test_a_click_during_a_sql_lock_is_counted_once_when_the_lock_goes(app):
    banner_id = add_banner(app)
    visitor = reader(app)
    lock = OutsideLock(database_path(app))
    try:
        click(visitor, banner_id)  # the reader goes on to the banner's site all the same
        click(visitor, banner_id)  # the same visitor again: its click of the day is taken
        assert replay(app) == 0  # the database is still locked: kept for later
    finally:
        lock.release()
    assert clicks(app, banner_id) == 0
    assert spooled(app) == 1

    assert replay(app) == 1

    assert clicks(app, banner_id) == 1
    assert spooled(app) == 0
    click(visitor, banner_id)
    assert replay(app) == 0
    assert clicks(app, banner_id) == 1


@pytest.mark.sqlite_only("an outside SQLite write lock")
def test_a_spooled_click_replayed_twice_counts_once(app):
    """A replayer killed after its SQL commit but before it noted its progress: the click's
    id, stored in the same transaction, makes the second replay a no-op."""
    banner_id = add_banner(app)
    lock = OutsideLock(database_path(app))
    try:
        click(reader(app), banner_id)
    finally:
        lock.release()
    spool = app.extensions["stats"].spool
    spool.close()
    (path,) = spool.files()
    record = path.read_bytes()

    assert replay(app) == 1
    path.write_bytes(record)
    assert replay(app) == 1

    assert clicks(app, banner_id) == 1
    with app.app_context():
        assert db.session.scalar(select(CounterFlush.kind)) == "banner_click"


def test_clicks_taken_while_redis_is_down_are_counted_once_per_visitor_when_it_is_back(
    make_contextless_app, tmp_path_factory
):
    dead = tmp_path_factory.mktemp("dead") / "redis.sock"
    down = make_contextless_app(False, REDIS_URL=f"unix://{dead}", REDIS_SOCKET_TIMEOUT=0.2)
    banner_id = add_banner(down)
    first, second = reader(down, "198.51.100.1"), reader(down, "198.51.100.2")
    click(first, banner_id)
    click(first, banner_id)  # Redis cannot tell: both kept, the replay decides
    click(second, banner_id)
    assert clicks(down, banner_id) == 0
    assert spooled(down) == 3
    down.extensions["stats"].shutdown()  # that server process stops

    # The same instance served again with Redis reachable (the test session's server).
    back = make_contextless_app(SQLITE_LOCK_WAIT_SECONDS=0.3)  # an empty Redis DB
    assert replay(back) == 3

    assert clicks(back, banner_id) == 2
    click(reader(back, "198.51.100.1"), banner_id)  # already counted today
    assert clicks(back, banner_id) == 2
