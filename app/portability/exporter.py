"""`flask export`: every table, the site's files and the revision into one archive."""

from __future__ import annotations

import json
import logging
import os
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import redis
from flask import current_app
from sqlalchemy import Connection, Table, select, text
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.portability.archive import (
    FILE_ROOTS,
    MANIFEST,
    HashingReader,
    Manifest,
    encode,
    file_member,
    table_member,
)

log = logging.getLogger(__name__)

ROWS_PER_FETCH = 1000


def checkpoint_statistics() -> dict:
    """Put what Redis counts into SQL first (spool replay, item flush, day checkpoint), so
    that the export holds the totals as they stand; say whether it could."""
    from app.stats import durability
    from app.stats.services import get_service, visits_ever

    service = get_service()
    try:
        service.store.client.ping()
        service.replay_spool()
        durability.flush_all(service)
        durability.checkpoint(service)
        checkpointed = True
    except (redis.RedisError, OSError, SQLAlchemyError) as exc:
        db.session.rollback()
        log.warning("statistics not checkpointed before the export: %s", exc)
        checkpointed = False
    return {"checkpointed": checkpointed, "visits_ever": visits_ever()}


def current_revision(connection: Connection) -> str:
    revisions = connection.execute(text("SELECT version_num FROM alembic_version")).scalars()
    found = sorted(revisions)
    if len(found) != 1:
        raise RuntimeError(
            "Cơ sở dữ liệu chưa được nâng cấp (flask db upgrade) hoặc có nhiều phiên bản."
        )
    return found[0]


@contextmanager
def snapshot() -> Iterator[Connection]:
    """One read-only transaction for every table, so that rows written meanwhile by the
    running site never leave the export half-consistent (a comment without its article)."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
        elif connection.dialect.name == "sqlite":
            # pysqlite opens no transaction for reads by itself; in WAL mode this one reads
            # one snapshot of the whole file until it ends.
            connection.exec_driver_sql("BEGIN")
        try:
            yield connection
        finally:
            connection.rollback()


def write_table(connection: Connection, table: Table, out) -> int:
    """Stream `table`'s rows, in primary-key order, as JSON lines; the row count."""
    order = list(table.primary_key.columns) or list(table.columns)
    result = connection.execution_options(stream_results=True, yield_per=ROWS_PER_FETCH).execute(
        select(table).order_by(*order)
    )
    rows = 0
    for row in result.mappings():
        line = json.dumps({name: encode(value) for name, value in row.items()},
                          ensure_ascii=False, separators=(",", ":"))  # fmt: skip
        out.write(line.encode() + b"\n")
        rows += 1
    return rows


def site_files(instance: Path) -> Iterator[tuple[str, Path]]:
    """(path under instance/, full path) of every regular file of the site's folders."""
    for root in FILE_ROOTS:
        base = instance / root
        for folder, dirs, names in os.walk(base):
            # An import's staging folder (instance/uploads/.import-…) is not the site's yet.
            dirs[:] = sorted(d for d in dirs if not d.startswith(".import-"))
            for name in sorted(names):
                path = Path(folder) / name
                if path.is_file() and not path.is_symlink():
                    yield path.relative_to(instance).as_posix(), path


def add_member(archive: tarfile.TarFile, name: str, path: Path) -> dict:
    """Add the file at `path` as `name`, hashing it as it goes in."""
    info = archive.gettarinfo(str(path), arcname=name)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    info.mode = 0o600
    with path.open("rb") as stream:
        reader = HashingReader(stream)
        archive.addfile(info, reader)
    return {"member": name, "bytes": reader.size, "sha256": reader.hexdigest()}


def export_site(destination: Path) -> Manifest:
    """Write the archive to `destination` (written aside, then renamed into place)."""
    instance = Path(current_app.instance_path)
    statistics = checkpoint_statistics()
    db.session.remove()
    destination.parent.mkdir(parents=True, exist_ok=True)
    partial = destination.with_name(f".{destination.name}.partial")
    try:
        manifest = _write(partial, instance, statistics)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, destination)
    return manifest


def _write(partial: Path, instance: Path, statistics: dict) -> Manifest:
    tables: list[dict] = []
    files: list[dict] = []
    with (
        tempfile.TemporaryDirectory(dir=partial.parent, prefix=".export-") as work,
        snapshot() as connection,
    ):
        revision = current_revision(connection)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            for table in db.metadata.sorted_tables:
                path = Path(work) / f"{table.name}.jsonl"
                with path.open("wb") as out:
                    rows = write_table(connection, table, out)
                entry = add_member(archive, table_member(table.name), path)
                tables.append({"name": table.name, "rows": rows, **entry})
                path.unlink()
            for relative, path in site_files(instance):
                files.append({"path": relative, **add_member(archive, file_member(relative), path)})
            manifest = Manifest(
                revision=revision,
                dialect=connection.dialect.name,
                created_at=datetime.now(UTC).isoformat(timespec="seconds"),
                tables=tables,
                files=files,
                statistics=statistics,
            )
            body = Path(work) / MANIFEST
            body.write_bytes(manifest.as_json())
            add_member(archive, MANIFEST, body)
    return manifest
