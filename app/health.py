"""GET /healthz: can the portal read and write its database, reach Redis, and write its disk.

A `SELECT 1` never touches the database file, so it said "ok" while `instance/` was
read-only and every login answered 500. The checks here do real work instead:

- database: read a real table, then take the write lock and make a change that is rolled
  back (SQLite: `BEGIN IMMEDIATE` and a `CREATE TABLE`; PostgreSQL: the server's read-only
  flag) -> "ok", "read-only", "full", "locked" or "down";
- disk: create, write, fsync and delete a small file in each folder the portal writes to
  (`instance/`, the SQLite database's folder), and look at the free space -> "ok",
  "read-only", "full" or "error";
- Redis: PING -> "ok" or "down" (the problem names the server or Sentinel master, and why).

Answer: 200 when all are "ok", else 503 with the same JSON plus, for the operator (an address
or token that may read /metrics), a `problems` list of sentences naming the folder or service
and what is wrong. The file-system
calls run through offload(): a disk that hangs must not freeze the worker.

`storage_problem()` recognises the same failures in an exception, so that the error handler
answers a write that hit them with a clear 503 page instead of a bare 500.
"""

from __future__ import annotations

import errno
import logging
import os
import secrets
import sqlite3
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url

from app.db_sqlite import lock_wait, wrapped_chain
from app.extensions import db, redis_store
from app.offload import offload

bp = Blueprint("health", __name__)
log = logging.getLogger(__name__)

PROBE_BYTES = 4096
# Seconds the database probe waits for SQLite's write lock before saying "locked".
HEALTH_LOCK_WAIT = 0.5
READ_ONLY_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM}
FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}


# --- what went wrong ---------------------------------------------------------------------------


def _sqlite_error(exc: BaseException | None) -> sqlite3.Error | None:
    return next((e for e in wrapped_chain(exc) if isinstance(e, sqlite3.Error)), None)


def _sqlstate(exc: BaseException | None) -> str | None:
    """The SQLSTATE of a PostgreSQL (psycopg) error behind `exc`, if any."""
    states = (getattr(e, "sqlstate", None) for e in wrapped_chain(exc))
    return next((state for state in states if isinstance(state, str)), None)


def _os_error(exc: BaseException | None) -> OSError | None:
    seen = 0
    while exc is not None and seen < 5:
        if isinstance(exc, OSError):
            return exc
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


def storage_problem(exc: BaseException) -> str | None:
    """The status "read-only" or "full" when `exc` (or what it wraps) says the disk or the
    database cannot be written; None for any other error."""
    found = _sqlite_error(exc)
    if found is not None:
        name = getattr(found, "sqlite_errorname", "") or ""
        message = str(found).lower()
        if name.startswith("SQLITE_READONLY") or "readonly database" in message:
            return "read-only"
        if name == "SQLITE_FULL" or "disk is full" in message:
            return "full"
        if name.startswith("SQLITE_CANTOPEN") or "unable to open database file" in message:
            # The same error for a missing folder (down) and one that cannot be written.
            database = _sqlite_file()
            if database and offload(_exists_but_unwritable, database):
                return "read-only"
        return None
    state = _sqlstate(exc)
    if state is not None:
        # PostgreSQL: 25006 read_only_sql_transaction; class 53 insufficient resources
        # (53100 disk_full).
        return {"25006": "read-only", "53100": "full"}.get(state)
    found = _os_error(exc)
    if found is not None:
        if found.errno in FULL_ERRNOS:
            return "full"
        if found.errno == errno.EROFS:
            return "read-only"
    return None


def _exists_but_unwritable(path: Path) -> bool:
    """The database's folder exists, but it or the file cannot be written.

    os.access() reports a read-only file system even to root, whom permissions never stop.
    """
    if not path.parent.is_dir():
        return False
    writable = os.access(path.parent, os.W_OK)
    return not (writable and (not path.exists() or os.access(path, os.W_OK)))


def _sqlite_file() -> Path | None:
    url = make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])
    if url.get_backend_name() != "sqlite" or url.database in (None, "", ":memory:"):
        return None
    name = url.database
    if name.startswith("file:"):
        name = name[5:].split("?", 1)[0]
    return Path(os.path.abspath(name))  # not resolve(): no file-system call here


# --- the probes --------------------------------------------------------------------------------


def probe_folder(folder: Path, min_free_bytes: int) -> tuple[str, str]:
    """(status, problem) for one folder the portal writes to, from a real write."""
    if not folder.is_dir():
        return "error", f"folder {folder} does not exist"
    path = folder / f".healthz-{os.getpid()}-{secrets.token_hex(4)}"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        return _folder_error(folder, exc)
    try:
        os.write(fd, b"\0" * PROBE_BYTES)
        os.fsync(fd)
    except OSError as exc:
        return _folder_error(folder, exc)
    finally:
        os.close(fd)
        path.unlink(missing_ok=True)
    stats = os.statvfs(folder)
    free = stats.f_bavail * stats.f_frsize
    if free < min_free_bytes:
        return "full", (
            f"folder {folder} has {free // (1024 * 1024)} MiB free, less than the "
            f"{min_free_bytes // (1024 * 1024)} MiB required (HEALTH_MIN_FREE_BYTES)"
        )
    return "ok", ""


def _folder_error(folder: Path, exc: OSError) -> tuple[str, str]:
    if exc.errno in READ_ONLY_ERRNOS:
        return "read-only", f"folder {folder} cannot be written: {exc.strerror}"
    if exc.errno in FULL_ERRNOS:
        return "full", f"disk of folder {folder} is full: {exc.strerror}"
    return "error", f"writing to folder {folder} failed: {exc.strerror}"


def probe_disk() -> tuple[str, list[str]]:
    """The worst status of the folders the portal writes to, and what is wrong with them."""
    folders = [Path(current_app.instance_path)]
    database = _sqlite_file()
    if database is not None and database.parent not in folders:
        folders.append(database.parent)
    min_free = int(current_app.config["HEALTH_MIN_FREE_BYTES"])
    results = [offload(probe_folder, folder, min_free) for folder in folders]
    problems = [problem for status, problem in results if status != "ok"]
    for status in ("read-only", "full", "error"):
        if any(found == status for found, _ in results):
            return status, problems
    return "ok", []


def probe_database(engine: Engine) -> tuple[str, str]:
    """(status, problem): read a real table, then try a write that is rolled back."""
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                _sqlite_write_probe(connection)
            else:
                connection.execute(text("SELECT 1"))
                if connection.execute(text("SHOW transaction_read_only")).scalar() == "on":
                    return "read-only", "the database server accepts no writes (read-only)"
    except Exception as exc:  # any driver error: classify it, never raise from a health check
        return _database_error(exc)
    return "ok", ""


def _sqlite_write_probe(connection) -> None:
    raw = connection.connection.driver_connection
    raw.execute("SELECT count(*) FROM sqlite_master").fetchone()  # opens the file for real
    if raw.in_transaction:
        raw.rollback()
    try:
        # The write lock, then a change to the schema page: SQLite must be able to write the
        # file and its journal. Rolled back, so nothing is ever stored.
        raw.execute("BEGIN IMMEDIATE")
        raw.execute("CREATE TABLE healthz_probe (x INTEGER)")
    finally:
        if raw.in_transaction:
            raw.rollback()


def _database_error(exc: Exception) -> tuple[str, str]:
    problem = storage_problem(exc)
    detail = str(_sqlite_error(exc) or exc).splitlines()[0][:200]
    if problem == "read-only":
        return "read-only", f"the database cannot be written: {detail}"
    if problem == "full":
        return "full", f"the database's disk is full: {detail}"
    if "locked" in detail.lower() or "busy" in detail.lower():
        return "locked", f"the database's write lock is held by someone else: {detail}"
    return "down", f"the database cannot be used: {detail}"


def probe_redis() -> tuple[str, str]:
    """(status, problem): PING the Redis this process uses; the problem names it (host and
    port, or the Sentinel master's name; never a password) and why it did not answer."""
    try:
        redis_store.client.ping()
    except Exception as exc:  # connection, timeout, auth, TLS, no master, embedded start
        reason = redis_store.scrub(str(exc).splitlines()[0][:200] if str(exc) else "")
        reason = reason or type(exc).__name__
        return "down", f"Redis does not answer ({redis_store.describe()}): {reason}"
    return "ok", ""


@bp.get("/healthz")
def healthz():
    status: dict[str, str] = {}
    problems: list[str] = []
    with lock_wait(HEALTH_LOCK_WAIT):  # a held lock is a finding, not a reason to hang
        status["db"], problem = probe_database(db.engine)
    problems += [problem] if problem else []
    status["redis"], problem = probe_redis()
    problems += [problem] if problem else []
    status["disk"], disk_problems = probe_disk()
    problems += disk_problems
    healthy = all(value == "ok" for value in status.values())
    if not healthy:
        log.warning("health check failed: %s", "; ".join(problems))
    # The sentences name folders, hosts and ports: for the operator (the addresses or token
    # that may read /metrics) and the log; anyone else learns only what is down.
    from app.observability.metrics import operator_request

    shown = {**status, "problems": problems} if operator_request() else status
    response = jsonify(status if healthy else shown)
    response.status_code = 200 if healthy else 503
    response.headers["Cache-Control"] = "no-store"
    return response
