"""The database a test run uses: SQLite by default, PostgreSQL when DATABASE_URL names one
("PostgreSQL mode": the second run of .ci/run, `DATABASE_URL=postgresql://… make test`).

In PostgreSQL mode each pytest-xdist worker works in a database of its own (DATABASE_URL's
name with the worker's id appended, `portal_ci_gw1`, created on first use: the role needs
CREATEDB), migrated once per session and emptied before each test; each live gunicorn server
gets a scratch database of its own (`scratch_database`), dropped when it stops.

Not a test module: tests/conftest.py and tests/live_server.py import it. conftest removes
DATABASE_URL from the environment once read, so an app a test builds with an explicit SQLite
URL is on SQLite, and servers and commands get the database they are given.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterator

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import ProgrammingError
from sqlalchemy.pool import NullPool

# conftest moves DATABASE_URL to RUN_DATABASE_URL_ENV in the environment, where pytest-xdist's
# workers (started after it) find it.
RUN_DATABASE_URL_ENV = "PORTAL_TEST_RUN_DATABASE_URL"
RUN_DATABASE_URL = os.environ.get("DATABASE_URL") or os.environ.get(RUN_DATABASE_URL_ENV, "")
DATABASE_KIND = "postgresql" if RUN_DATABASE_URL.startswith("postgres") else "sqlite"
POSTGRESQL_MODE = DATABASE_KIND == "postgresql"

# Empties every table but alembic_version in one round trip: TRUNCATE only the tables that
# hold rows (a TRUNCATE of all 33 costs ~55 ms, this ~3 ms), and every sequence back to 1, as
# a fresh copy of the migrated database would have them.
EMPTY_TABLES = """
DO $$
DECLARE
  name text;
  found boolean;
  filled text[] := '{}';
BEGIN
  FOR name IN SELECT quote_ident(tablename) FROM pg_tables
              WHERE schemaname = 'public' AND tablename <> 'alembic_version' LOOP
    EXECUTE 'SELECT EXISTS (SELECT FROM ' || name || ')' INTO found;
    IF found THEN filled := filled || name; END IF;
  END LOOP;
  IF cardinality(filled) > 0 THEN
    EXECUTE 'TRUNCATE ' || array_to_string(filled, ', ') || ' CASCADE';
  END IF;
  PERFORM setval(c.oid, 1, false) FROM pg_class c
    JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'S' AND n.nspname = 'public';
END $$
"""


def driver_url(url: str) -> str:
    """`url` with SQLAlchemy's psycopg 3 driver, as the app's config makes it."""
    scheme, rest = url.split("://", 1)
    return f"postgresql+psycopg://{rest}" if scheme.startswith("postgres") else url


def engine_for(url: str, **kwargs) -> Engine:
    return create_engine(driver_url(url), **kwargs)


def with_database(url: str, name: str) -> str:
    return make_url(url).set(database=name).render_as_string(hide_password=False)


def create_database(url: str, name: str, *, replace: bool = False) -> str:
    """Create the database `name` on `url`'s server (if missing, or afresh with `replace`);
    returns its URL."""
    if not re.fullmatch(r"[a-z0-9_]{1,63}", name):
        raise ValueError(f"not a database name for tests: {name!r}")
    engine = engine_for(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            if replace:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                 {"name": name})  # fmt: skip
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
            # A test's commits need not wait for the disk (6 ms each here, 1 ms without): a
            # crash of the server loses the last ones, which a test database can afford.
            with contextlib.suppress(ProgrammingError):  # not ours: leave it as it is
                conn.execute(text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    finally:
        engine.dispose()
    return with_database(url, name)


def drop_database(url: str) -> None:
    """Drop `url`'s database, closing whatever connections are left on it."""
    name = make_url(url).database
    engine = engine_for(with_database(url, "postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


def worker_database(url: str) -> str:
    """Under pytest-xdist, `url`'s name with the worker's id appended (created on first use);
    without xdist, `url` itself."""
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")
    if not url.startswith("postgres"):
        return url
    return create_database(url, f"{make_url(url).database}" + (f"_{worker}" if worker else ""))


def empty_database(url: str) -> None:
    """Remove every row (the schema and alembic_version stay) and restart the sequences.

    A connection a finished test left inside a transaction would make the TRUNCATE wait for
    ever: after a short lock timeout, such sessions on this database are closed and it tries
    again."""
    engine = engine_for(url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("SET lock_timeout = '3s'"))
            try:
                conn.execute(text(EMPTY_TABLES))
            except Exception as exc:  # LockNotAvailable, wrapped by SQLAlchemy
                if "lock timeout" not in str(exc):
                    raise
                conn.execute(text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname ="
                    " current_database() AND pid <> pg_backend_pid()"
                    " AND state LIKE 'idle in transaction%'"
                ))  # fmt: skip
                conn.execute(text(EMPTY_TABLES))
    finally:
        engine.dispose()


_scratch_numbers = iter(range(1, 1_000_000))


@contextlib.contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new empty database next to `url`'s (its name plus `_s<n>`), dropped at exit."""
    name = f"{make_url(url).database}_s{os.getpid()}_{next(_scratch_numbers)}"
    scratch = create_database(url, name[-63:], replace=True)
    try:
        yield scratch
    finally:
        drop_database(scratch)


def drop_orphan_scratch_databases(url: str) -> None:
    """Drop the scratch databases next to `url`'s whose test process is gone (killed before
    it could drop them)."""
    base = make_url(url).database
    engine = engine_for(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            pattern = f"^{re.escape(base)}_s[0-9]+_[0-9]+$"
            names = conn.scalars(text("SELECT datname FROM pg_database WHERE datname ~ :p"),
                                 {"p": pattern}).all()  # fmt: skip
    finally:
        engine.dispose()
    from live_server import pid_alive  # here: live_server imports this module

    for name in names:
        if not pid_alive(int(name[len(base) + 2 :].split("_")[0])):
            drop_database(with_database(url, name))


def server_database(url: str | None = None) -> contextlib.AbstractContextManager[str | None]:
    """For a server a test starts: in PostgreSQL mode a scratch database (its URL), else None
    (the server keeps its SQLite database under its instance folder)."""
    if not POSTGRESQL_MODE:
        return contextlib.nullcontext(None)
    return scratch_database(url or os.environ["TEST_DATABASE_URL"])
