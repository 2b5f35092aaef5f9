"""The deterministic sweep of tests/test_fuzz.py on PostgreSQL: every edge value in every URL
parameter and query argument of every GET route, against the seeded demo site. PostgreSQL
fails where SQLite does not (INTEGER ids stop at 2^31 - 1, no NUL in text), so a route can be
fine on one and answer 500 on the other. Runs when TEST_DATABASE_URL names a PostgreSQL
database that may be wiped, as tests/test_postgresql.py."""

from __future__ import annotations

import pytest
import test_fuzz as fuzz
import test_postgresql

from app import create_app

pytestmark = pytest.mark.skipif(
    not test_postgresql.URL.startswith("postgresql"),
    reason="TEST_DATABASE_URL names no PostgreSQL database",
)


@pytest.fixture(scope="module")
def pg_reader(pg_url, tmp_path_factory, redis_url):
    config = fuzz.base_config(tmp_path_factory.mktemp("fuzz-pg"), redis_url)
    app = create_app({**config, "DATABASE_URL": pg_url, "SQLALCHEMY_DATABASE_URI": None})
    site, admin, client = fuzz.seed_and_crawl(app)
    with fuzz.targeting(app, site, admin, client) as target:
        yield target


@pytest.mark.parametrize(("rule", "method"), [p for p in fuzz.RULES if p.values[1] != "POST"])
def test_every_edge_value_in_a_get_url_or_query_answers_without_500_on_postgresql(
    pg_reader, rule, method
):
    fuzz.sweep_get(pg_reader, rule, method)
