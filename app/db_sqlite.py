"""SQLite without frozen workers: WAL, no busy wait in C, cooperative waiting for the lock.

SQLite's own busy handler sleeps inside the C library. Under a gevent worker that sleep holds
the only OS thread, so one outside `sqlite3 portal.db` session holding a write lock froze
every request and stream of the worker, Redis-only ones included. Here instead:

- WAL journal mode: readers never wait for a writer (nor a writer for readers);
- `busy_timeout` 0: SQLite answers SQLITE_BUSY at once instead of sleeping;
- every statement and commit that gets SQLITE_BUSY waits with `time.sleep` (a cooperative
  `gevent.sleep` once gevent has patched `time`) and tries again, up to
  SQLITE_LOCK_WAIT_SECONDS; then it raises `DatabaseBusy`, which the error handler answers
  with a Vietnamese 503 and `Retry-After`. The transaction is rolled back by the session
  (and by the pool on return), so a refused write leaves nothing half-done.

SQLITE_BUSY_SNAPSHOT (a transaction that already read, while another writer committed) can
never succeed by retrying the statement: it takes the 503 path at once, unless the failing
statement was the one that opened the transaction, in which case the empty transaction is
rolled back and the statement retried on a fresh snapshot.

Only SQLite URLs are touched; PostgreSQL keeps SQLAlchemy's defaults. Background jobs write
through the same engine, so they get the same behaviour.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from flask import Flask
from sqlalchemy.engine import make_url

log = logging.getLogger(__name__)

T = TypeVar("T")

SQLITE_BUSY = 5
SQLITE_BUSY_SNAPSHOT = 517  # (3 << 8) | SQLITE_BUSY
# First and longest pause between tries, in seconds: short at first (most locks are held for
# a few milliseconds), capped so that a released lock is noticed quickly.
FIRST_PAUSE = 0.002
LONGEST_PAUSE = 0.05


# A shorter (or longer) wait for the statements of one greenlet/thread, e.g. a statistics
# write that has a fallback of its own (the spool) and should not keep a reader waiting.
_wait_override: ContextVar[float | None] = ContextVar("sqlite_lock_wait", default=None)


@contextmanager
def lock_wait(seconds: float) -> Iterator[None]:
    """Within the block, SQLite statements wait at most `seconds` for the lock."""
    token = _wait_override.set(seconds)
    try:
        yield
    finally:
        _wait_override.reset(token)


class DatabaseBusy(sqlite3.OperationalError):
    """Another connection held SQLite's write lock for longer than we are willing to wait.

    A subclass of sqlite3.OperationalError, so SQLAlchemy wraps it like the "database is
    locked" error it replaces (code that catches SQLAlchemy errors keeps working); the error
    handler finds it as the wrapped exception's `orig`.
    """


def is_busy(exc: BaseException) -> bool:
    """True for SQLITE_BUSY and its extended codes (SQLITE_BUSY_SNAPSHOT, …)."""
    if isinstance(exc, DatabaseBusy):
        return True
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(exc, sqlite3.OperationalError) and code is not None:
        return code & 0xFF == SQLITE_BUSY
    return isinstance(exc, sqlite3.OperationalError) and "database is locked" in str(exc)


def wrapped_chain(error: BaseException | None, depth: int = 5) -> Iterator[BaseException]:
    """`error`, then what it wraps (SQLAlchemy's `orig`, else `__cause__`), `depth` at most."""
    while error is not None and depth > 0:
        yield error
        error = getattr(error, "orig", None) or error.__cause__
        depth -= 1


def busy_cause(error: BaseException | None) -> DatabaseBusy | None:
    """The DatabaseBusy behind `error` (itself, or what SQLAlchemy wrapped), else None."""
    return next((e for e in wrapped_chain(error) if isinstance(e, DatabaseBusy)), None)


class CooperativeConnection(sqlite3.Connection):
    """A sqlite3 connection whose statements and commits wait for the lock cooperatively.

    `lock_wait` (seconds) is set on the subclass that `connection_factory()` builds per app.
    """

    lock_wait: float = 3.0

    def __init__(self, database, *args, **kwargs) -> None:
        kwargs["timeout"] = 0  # no busy wait inside the C library
        if len(args) >= 1:
            args = (0, *args[1:])
        super().__init__(database, *args, **kwargs)
        self._path = _file_path(database, kwargs.get("uri", False))
        if self._path:
            make_private(self._path)
        self.execute("PRAGMA busy_timeout = 0")
        if self._path:
            try:
                mode = self.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            except DatabaseBusy:
                # Switching needs a moment without other connections; the next one retries.
                log.warning("SQLite journal mode not switched to WAL yet: database busy")
            else:
                if str(mode).lower() != "wal":
                    log.warning("SQLite journal mode is %s, not WAL", mode)
            make_private(self._path)  # the -wal and -shm files now exist

    # The DB-API entry points SQLAlchemy uses: cursor().execute/executemany, commit.
    def cursor(self, factory=None):
        return super().cursor(factory or CooperativeCursor)

    def execute(self, sql, parameters=(), /):
        cursor = self.cursor()
        return cursor.execute(sql, parameters)

    def executemany(self, sql, parameters, /):
        cursor = self.cursor()
        return cursor.executemany(sql, parameters)

    def commit(self) -> None:
        try:
            _with_retry(self, super().commit, opens_transaction=False)
        except DatabaseBusy:
            # A commit that cannot get the lock is given up whole, never left half-done.
            super().rollback()
            raise


class CooperativeCursor(sqlite3.Cursor):
    def execute(self, sql, parameters=(), /):
        connection = self.connection
        opens = not connection.in_transaction
        return _with_retry(connection, lambda: super(CooperativeCursor, self).execute(
            sql, parameters), opens_transaction=opens)  # fmt: skip

    def executemany(self, sql, parameters, /):
        connection = self.connection
        opens = not connection.in_transaction
        if not isinstance(parameters, list | tuple):
            parameters = list(parameters)  # a retry must see the same rows again
        return _with_retry(connection, lambda: super(CooperativeCursor, self).executemany(
            sql, parameters), opens_transaction=opens)  # fmt: skip


def _with_retry(connection: sqlite3.Connection, call: Callable[[], T], *,
                opens_transaction: bool) -> T:  # fmt: skip
    """call(), again after cooperative pauses while it fails with SQLITE_BUSY, until the
    connection's lock_wait has passed; then DatabaseBusy."""
    wait = _wait_override.get()
    if wait is None:
        wait = float(getattr(connection, "lock_wait", CooperativeConnection.lock_wait))
    deadline = None
    pause = FIRST_PAUSE
    tries = 0
    while True:
        try:
            return call()
        except sqlite3.OperationalError as exc:
            if isinstance(exc, DatabaseBusy) or not is_busy(exc):
                raise
            tries += 1
            code = getattr(exc, "sqlite_errorcode", SQLITE_BUSY)
            if opens_transaction and connection.in_transaction:
                # Only the implicit BEGIN of this very statement is open: dropping it
                # loses nothing and lets the retry start from a fresh snapshot.
                sqlite3.Connection.rollback(connection)
            elif code == SQLITE_BUSY_SNAPSHOT:
                # Our snapshot is older than a committed write: no retry can succeed.
                raise DatabaseBusy(
                    "database is locked: the transaction read data another writer changed"
                ) from exc
            now = time.monotonic()
            if deadline is None:
                deadline = now + wait
            if now >= deadline:
                log.warning("SQLite lock not obtained within %.1f s (%d tries)", wait, tries)
                raise DatabaseBusy(f"database is locked (waited {wait:.1f} s)") from exc
            # time.sleep is gevent.sleep in a gevent worker: other greenlets run meanwhile.
            time.sleep(min(pause, max(0.0, deadline - now)))
            pause = min(pause * 2, LONGEST_PAUSE)


def _file_path(database: Any, uri: bool) -> str | None:
    """The file behind a sqlite3.connect() argument, None for in-memory databases."""
    name = os.fsdecode(database) if isinstance(database, bytes | os.PathLike) else str(database)
    if uri:
        if not name.startswith("file:"):
            return None
        rest = name[5:].split("?", 1)
        path, query = rest[0], rest[1] if len(rest) > 1 else ""
        if "mode=memory" in query:
            return None
        name = path
    if name in ("", ":memory:"):
        return None
    return os.path.abspath(name)


def make_private(path: str) -> None:
    """The database and its -wal/-shm files readable by the server's user only (0600)."""
    for name in (path, path + "-wal", path + "-shm"):
        try:
            if os.stat(name).st_mode & 0o077:
                os.chmod(name, 0o600)
        except FileNotFoundError:
            continue
        except PermissionError:
            log.warning("cannot make %s private (0600): not its owner", name)


def connection_factory(lock_wait: float) -> type[CooperativeConnection]:
    """A CooperativeConnection class waiting at most `lock_wait` seconds for the lock."""
    return type("CooperativeConnection", (CooperativeConnection,), {"lock_wait": lock_wait})


def cooperative_sqlite(app: Flask) -> None:
    """For SQLite URLs, route SQLAlchemy's connections through CooperativeConnection.

    Call before db.init_app(app): Flask-SQLAlchemy builds the engine from these options.
    """
    url = make_url(app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.get_driver_name() not in ("pysqlite", ""):
        return
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args = dict(options.get("connect_args") or {})
    connect_args["factory"] = connection_factory(float(app.config["SQLITE_LOCK_WAIT_SECONDS"]))
    connect_args["timeout"] = 0
    options["connect_args"] = connect_args
    if url.database not in (None, "", ":memory:"):
        # Requests waiting for the write lock each hold a pooled connection; a bigger pool
        # (SQLite connections are cheap) keeps readers from queueing behind them.
        options.setdefault("pool_size", int(app.config["SQLITE_POOL_SIZE"]))
        options.setdefault("max_overflow", int(app.config["SQLITE_POOL_OVERFLOW"]))
        options.setdefault("pool_timeout", float(app.config["SQLITE_LOCK_WAIT_SECONDS"]) + 2)
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options
