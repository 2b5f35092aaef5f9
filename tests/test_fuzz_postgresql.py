"""The deterministic sweep of tests/test_fuzz.py on PostgreSQL: every edge value in every URL
parameter and query argument of every GET route, against the seeded demo site. PostgreSQL
fails where SQLite does not (INTEGER ids stop at 2^31 - 1, no NUL in text), so a route can be
fine on one and answer 500 on the other. Runs when TEST_DATABASE_URL names a PostgreSQL
database that may be wiped, as tests/test_postgresql.py."""

from __future__ import annotations

import logging

import pytest
import test_fuzz as fuzz
import test_postgresql
from auth_helpers import logged_in_client, new_account

from app import create_app
from app.auth.models import Role
from app.extensions import db, redis_store

pytestmark = pytest.mark.skipif(
    not test_postgresql.URL.startswith("postgresql"),
    reason="TEST_DATABASE_URL names no PostgreSQL database",
)
pg_url = test_postgresql.pg_url  # that module's fixture: a wiped, migrated database


@pytest.fixture(scope="module")
def pg_reader(pg_url, tmp_path_factory, redis_url):
    from app.demo.seed import seed_demo

    config = fuzz.base_config(tmp_path_factory.mktemp("fuzz-pg"), redis_url)
    app = create_app({**config, "DATABASE_URL": pg_url, "SQLALCHEMY_DATABASE_URI": None})
    with app.app_context():
        with app.test_request_context("/"):
            seed_demo()
        admin = new_account(fuzz.ADMIN, role=Role.ADMIN)
        db.session.commit()
    redis_store.client.flushdb()
    site = fuzz.crawl(app, app.test_client(), ["/auth/login"])
    client = logged_in_client(app, admin)
    fuzz.crawl(app, client, ["/", "/admin/", "/van-ban/", "/auth/profile"], site)
    errors = fuzz.Errors()
    logging.getLogger("app").addHandler(errors)
    try:
        yield fuzz.Target(app, client, site, errors, admin)
    finally:
        logging.getLogger("app").removeHandler(errors)
        app.extensions["stats_runner"].stop()
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        redis_store.client.flushdb()


@pytest.mark.parametrize(("rule", "method"), [p for p in fuzz.RULES if p.values[1] != "POST"])
def test_every_edge_value_in_a_get_url_or_query_answers_without_500_on_postgresql(
    pg_reader, rule, method
):
    fuzz.sweep_get(pg_reader, rule, method)
