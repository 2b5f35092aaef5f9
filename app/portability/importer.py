"""`flask import`: an archive of `flask export` into an empty database of its revision.

Nothing is written before the archive's names, the revision and the emptiness of the target
are checked. The rows go in one transaction, each member's checksum checked as it is read
(a corrupt member rolls everything back); the files are written aside under instance/ and
moved into place only after the commit. On PostgreSQL every sequence then continues after
the largest id, so new rows get new ids.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import re
import secrets
import shutil
import tarfile
from collections.abc import Iterator
from pathlib import Path

import redis
from flask import current_app
from sqlalchemy import Connection, Integer, Table, bindparam, func, inspect, select, update
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db, redis_store
from app.portability.archive import (
    CHUNK,
    FILE_ROOTS,
    MANIFEST,
    ArchiveError,
    HashingReader,
    Manifest,
    check_members,
    decode,
    file_member,
    table_member,
    verify,
)
from app.portability.exporter import current_revision
from app.private_files import create_private, private_dir

log = logging.getLogger(__name__)

ROWS_PER_INSERT = 500


def open_archive(path: Path) -> tuple[tarfile.TarFile, Manifest]:
    """The tar file and its manifest, after checking every member's name and type."""
    try:
        archive = tarfile.open(path, mode="r:gz")
        members = archive.getmembers()
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise ArchiveError(f"Không đọc được bản xuất {path}: {exc}") from exc
    try:
        check_members(members)
        names = {member.name for member in members if member.isfile()}
        if MANIFEST not in names:
            raise ArchiveError("Bản xuất thiếu tệp mô tả manifest.json.")
        manifest = Manifest.parse(read_member(archive, MANIFEST))
        listed = manifest.members()
        if set(listed) != names - {MANIFEST}:
            extra = sorted(names - {MANIFEST} - set(listed))
            missing = sorted(set(listed) - names)
            raise ArchiveError(f"Bản xuất không khớp với tệp mô tả: thừa {extra}, thiếu {missing}.")
        for entry in manifest.files:
            if entry["member"] != file_member(entry["path"]):
                raise ArchiveError(f"Bản xuất có đường dẫn tệp không hợp lệ: {entry['path']!r}")
        tables = [entry["name"] for entry in manifest.tables]
        if len(set(tables)) != len(tables) or any(
            entry["member"] != table_member(entry["name"]) for entry in manifest.tables
        ):
            raise ArchiveError("Tệp mô tả của bản xuất liệt kê các bảng không hợp lệ.")
    except (ArchiveError, tarfile.TarError, OSError, EOFError) as exc:
        archive.close()
        if isinstance(exc, ArchiveError):
            raise
        raise ArchiveError(f"Bản xuất bị hỏng: {exc}") from exc
    return archive, manifest


def read_member(archive: tarfile.TarFile, name: str) -> bytes:
    stream = archive.extractfile(name)
    if stream is None:
        raise ArchiveError(f"Bản xuất thiếu mục {name}.")
    return stream.read()


def check_target(connection: Connection, manifest: Manifest) -> None:
    """Refuse a database of another revision, with other tables, or with any row."""
    try:
        revision = current_revision(connection)
    except Exception as exc:
        raise ArchiveError(
            f"Cơ sở dữ liệu đích chưa được tạo bảng. Chạy `flask db upgrade "
            f"{manifest.revision}` trên cơ sở dữ liệu trống rồi nhập lại."
        ) from exc
    if revision != manifest.revision:
        raise ArchiveError(
            f"Cơ sở dữ liệu đích ở phiên bản {revision}, bản xuất ở phiên bản "
            f"{manifest.revision}. Nhập vào một cơ sở dữ liệu trống đã nâng cấp đúng phiên bản "
            f"đó (`flask db upgrade {manifest.revision}`), rồi `flask db upgrade` sau khi nhập."
        )
    known = {table.name for table in db.metadata.sorted_tables}
    archived = {entry["name"] for entry in manifest.tables}
    if archived != known:
        raise ArchiveError(
            f"Các bảng của bản xuất khác với cơ sở dữ liệu đích: {sorted(archived ^ known)}."
        )
    filled = [
        table.name
        for table in db.metadata.sorted_tables
        if connection.scalar(select(func.count()).select_from(table))
    ]
    if filled:
        raise ArchiveError(
            "Cơ sở dữ liệu đích không trống (có dữ liệu trong: "
            + ", ".join(filled)
            + "). Chỉ nhập vào một cơ sở dữ liệu mới, trống."
        )


def rows_of(stream) -> Iterator[dict]:
    for line in stream:
        if line.strip():
            try:
                row = json.loads(line)
            except ValueError:
                row = None
            if not isinstance(row, dict):
                raise ArchiveError("Bản xuất bị hỏng: một dòng dữ liệu không đọc được.")
            yield {name: decode(value) for name, value in row.items()}


def load_table(connection: Connection, table: Table, rows: Iterator[dict]) -> int:
    """Insert the rows in batches; a column that points into its own table (a parent) is
    set afterwards, so a child may come before its parent."""
    own = [fk.parent.name for fk in table.foreign_keys
           if fk.column.table is table and fk.parent.nullable]  # fmt: skip
    (key,) = table.primary_key.columns if own else (None,)
    links: list[dict] = []
    batch: list[dict] = []
    count = 0
    for row in rows:
        if own and any(row.get(name) is not None for name in own):
            links.append({"_key": row[key.name], **{name: row[name] for name in own}})
            row = {**row, **dict.fromkeys(own)}
        batch.append(row)
        count += 1
        if len(batch) >= ROWS_PER_INSERT:
            connection.execute(table.insert(), batch)
            batch = []
    if batch:
        connection.execute(table.insert(), batch)
    if links:
        statement = (
            update(table)
            .where(key == bindparam("_key"))
            .values({name: bindparam(name) for name in own})
        )
        for start in range(0, len(links), ROWS_PER_INSERT):
            connection.execute(statement, links[start : start + ROWS_PER_INSERT])
    return count


def refused_rows(table: str, exc: Exception) -> str:
    """Why the rows of an intact member did not go in (the database's own words, short)."""
    if isinstance(exc, SQLAlchemyError):
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:300]
        return f"Cơ sở dữ liệu đích không nhận dữ liệu của bảng {table}: {reason}"
    return f"Bản xuất có dữ liệu không hợp lệ ở bảng {table}: {exc}"


def reset_sequences(connection: Connection) -> None:
    """PostgreSQL: every table's id sequence goes on after the largest imported id."""
    if connection.dialect.name != "postgresql":
        return
    for table in db.metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, Integer):
            continue
        (column,) = columns
        largest = select(func.max(column)).scalar_subquery()
        sequence = func.pg_get_serial_sequence(table.name, column.name)
        connection.execute(select(func.setval(sequence, func.coalesce(largest, 0) + 1, False)))


def sha256_of(path: Path) -> str:
    with path.open("rb") as stream:
        reader = HashingReader(stream)
        while reader.read(CHUNK):
            pass
    return reader.hexdigest()


class Staging:
    """Files written aside, moved into place after the commit. The staging folder lies
    inside the folder the files go to (instance/uploads/.import-…): on the same file system
    even when that folder is a mount of its own (NFS shared by several app servers), so the
    moves after the commit are renames that cannot fail half-way for lack of one."""

    def __init__(self, instance: Path) -> None:
        self.instance = instance
        self.root = instance / FILE_ROOTS[0]
        self.folder = self.root / f".import-{secrets.token_hex(6)}"
        self.moves: list[tuple[Path, Path]] = []

    def write(self, relative: str, stream, entry: dict) -> None:
        target = self.instance / relative
        # The folder itself may be a link to the shared storage: files stay inside it.
        if not target.resolve().is_relative_to(self.root.resolve()):
            raise ArchiveError(f"Bản xuất có đường dẫn ra ngoài thư mục instance/: {relative!r}")
        staged = self.folder / relative
        private_dir(staged.parent)
        reader = HashingReader(stream)
        with create_private(staged) as out:
            while chunk := reader.read(CHUNK):
                out.write(chunk)
        verify(entry, reader)
        if target.exists() and (not target.is_file() or sha256_of(target) != entry["sha256"]):
            raise ArchiveError(f"Thư mục instance/ đã có tệp {relative} với nội dung khác.")
        self.moves.append((staged, target))

    def commit(self) -> None:
        for staged, target in self.moves:
            private_dir(target.parent)
            os.replace(staged, target)
        self.discard()

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        with contextlib.suppress(OSError):  # made for the staging alone (a mount: stays)
            self.root.rmdir()


def clear_live_statistics() -> bool:
    """Drop the site's statistics keys from Redis, so that the counters are read again from
    the imported SQL history (Redis of an empty site may already hold a few hits)."""
    from app.redis_keys import names

    # This site's statistics keys (REDIS_KEY_PREFIX), glob characters of the prefix escaped.
    pattern = re.sub(r"([*?\[\]\\])", r"\\\1", names().stats) + "*"
    try:
        client = redis_store.client
        batch = []
        for name in client.scan_iter(match=pattern, count=1000):
            batch.append(name)
            if len(batch) >= 1000:
                client.unlink(*batch)
                batch = []
        if batch:
            client.unlink(*batch)
    except (redis.RedisError, OSError) as exc:
        log.warning("Redis not cleared after the import: %s", exc)
        return False
    return True


def create_tables(revision: str) -> bool:
    """On a database without any table, run the migrations up to `revision` (what
    `flask db upgrade REV` does); a database with tables is left to the checks."""
    if inspect(db.engine).get_table_names():
        return False
    from flask_migrate import upgrade

    upgrade(revision=revision)
    return True


def import_site(path: Path, migrate: bool = False) -> Manifest:
    """Load the archive at `path` into this app's empty database and instance/ folder.
    With `migrate`, a database without tables gets them at the archive's revision first,
    and the database is upgraded to this release's revision after."""
    from app.search import schema

    instance = Path(current_app.instance_path)
    archive, manifest = open_archive(path)
    if migrate:
        try:
            create_tables(manifest.revision)
        except BaseException:
            archive.close()
            raise
    staging = Staging(instance)
    tables = {table.name: table for table in db.metadata.sorted_tables}
    try:
        with db.engine.connect() as connection:
            check_target(connection, manifest)
            for entry in manifest.tables:
                stream = archive.extractfile(entry["member"])
                reader = HashingReader(stream)
                try:
                    count = load_table(connection, tables[entry["name"]],
                                       rows_of(iter_lines(reader)))  # fmt: skip
                except (ValueError, KeyError, TypeError, SQLAlchemyError) as exc:
                    while reader.read(CHUNK):  # a tampered member is named as such
                        pass
                    verify(entry, reader)
                    raise ArchiveError(refused_rows(entry["name"], exc)) from exc
                verify(entry, reader)
                if count != entry["rows"]:
                    raise ArchiveError(f"Bản xuất bị hỏng: bảng {entry['name']} thiếu dòng.")
            for entry in manifest.files:
                staging.write(entry["path"], archive.extractfile(entry["member"]), entry)
            reset_sequences(connection)
            schema.rebuild(connection)
            connection.commit()
    except BaseException:
        staging.discard()
        raise
    finally:
        archive.close()
    staging.commit()
    clear_live_statistics()
    if migrate:
        from flask_migrate import upgrade

        upgrade()  # on to this release's revision, as `flask db upgrade` after the import
    return manifest


def iter_lines(reader: HashingReader) -> Iterator[bytes]:
    """Lines of a member read through the checksum (to its very end)."""
    pending = b""
    while chunk := reader.read(CHUNK):
        pending += chunk
        *lines, pending = pending.split(b"\n")
        yield from lines
    if pending:
        yield pending
