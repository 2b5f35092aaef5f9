"""The export archive: its members, its manifest, and values as JSON with their types.

An archive is one gzip-compressed tar file:

    tables/<table>.jsonl   one JSON object per row, in primary-key order
    files/uploads/...      every file of instance/uploads/ (images, thumbnails, documents)
    manifest.json          last: format, alembic revision, tables in dependency order with
                           their row counts, every member's size and SHA-256

Values keep their type through JSON: datetimes, dates, times, bytes and decimals become a
one-key object (`{"$dt": "2026-11-30T04:12:10"}`), everything else is plain JSON.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import json
import tarfile
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from pathlib import PurePosixPath
from typing import Any, BinaryIO

FORMAT = "portal-export"
VERSION = 1
MANIFEST = "manifest.json"
TABLES = "tables"
FILES = "files"
# Folders of instance/ that hold the site's files (the rest is the database, the secret
# key, Redis' data and the spool: not part of a site's content).
FILE_ROOTS = ("uploads",)
CHUNK = 1024 * 1024


class ArchiveError(Exception):
    """The archive cannot be imported; the message says why (for the administrator)."""


def encode(value: Any) -> Any:
    """A column value as JSON, its type kept."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, datetime):
        return {"$dt": value.isoformat()}
    if isinstance(value, date):
        return {"$d": value.isoformat()}
    if isinstance(value, time):
        return {"$t": value.isoformat()}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$b": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, Decimal):
        return {"$dec": str(value)}
    if isinstance(value, dict | list):
        return {"$json": value}
    raise TypeError(f"cannot export a value of type {type(value).__name__}")


DECODERS = {
    "$dt": datetime.fromisoformat,
    "$d": date.fromisoformat,
    "$t": time.fromisoformat,
    "$b": base64.b64decode,
    "$dec": Decimal,
    "$json": lambda value: value,
}


def decode(value: Any) -> Any:
    """The column value `encode` wrote."""
    if isinstance(value, dict):
        ((tag, raw),) = value.items()
        return DECODERS[tag](raw)
    return value


def table_member(name: str) -> str:
    return f"{TABLES}/{name}.jsonl"


def file_member(relative: str) -> str:
    return f"{FILES}/{relative}"


@dataclass
class Manifest:
    revision: str
    dialect: str
    created_at: str
    tables: list[dict]  # {"name", "rows", "member", "bytes", "sha256"}, dependency order
    files: list[dict]  # {"path" (under instance/), "member", "bytes", "sha256"}
    statistics: dict

    def as_json(self) -> bytes:
        data = {"format": FORMAT, "version": VERSION, **self.__dict__}
        return json.dumps(data, ensure_ascii=False, indent=1).encode()

    @classmethod
    def parse(cls, raw: bytes) -> Manifest:
        try:
            data = json.loads(raw)
            if data.get("format") != FORMAT:
                raise ArchiveError("Tệp không phải là bản xuất của cổng thông tin.")
            if data.get("version") != VERSION:
                raise ArchiveError(f"Bản xuất định dạng {data.get('version')} chưa được hỗ trợ.")
            manifest = cls(**{name: data[name] for name in cls.__dataclass_fields__})
            for entry in manifest.tables:
                check_sizes(entry, ("name", "rows", "member", "bytes", "sha256"))
            for entry in manifest.files:
                check_sizes(entry, ("path", "member", "bytes", "sha256"))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise ArchiveError(f"Tệp mô tả (manifest.json) của bản xuất bị hỏng: {exc}") from exc
        return manifest

    def members(self) -> dict[str, dict]:
        return {entry["member"]: entry for entry in [*self.tables, *self.files]}


def check_sizes(entry: dict, names: tuple[str, ...]) -> None:
    missing = [name for name in names if name not in entry]
    if missing:
        raise KeyError(", ".join(missing))


def safe_member_name(name: str) -> str:
    """`name` if a member may have it: a relative path of plain parts, under tables/ or
    files/<root>/ (never absolute, never "..", never outside instance/ once extracted)."""
    path = PurePosixPath(name)
    parts = path.parts
    plain = all(part not in ("", ".", "..") and "\\" not in part for part in parts)
    if name != MANIFEST and (
        path.is_absolute()
        or not plain
        or not parts
        or not (
            (parts[0] == TABLES and len(parts) == 2 and name.endswith(".jsonl"))
            or (parts[0] == FILES and len(parts) >= 3 and parts[1] in FILE_ROOTS)
        )
    ):
        raise ArchiveError(f"Bản xuất có mục không hợp lệ, bị từ chối: {name!r}")
    return name


def check_members(members: list[tarfile.TarInfo]) -> None:
    """Refuse anything but regular files with safe names (no links, devices, traversal)."""
    seen = set()
    for member in members:
        if member.isdir():
            continue
        if not member.isfile():
            raise ArchiveError(f"Bản xuất có mục không phải tệp thường: {member.name!r}")
        if member.name in seen:
            raise ArchiveError(f"Bản xuất có mục bị lặp: {member.name!r}")
        seen.add(safe_member_name(member.name))


class HashingReader:
    """Reads a stream through SHA-256, counting bytes."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.digest = hashlib.sha256()
        self.size = 0

    def read(self, size: int = -1) -> bytes:
        data = self.stream.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data

    def hexdigest(self) -> str:
        return self.digest.hexdigest()


def verify(entry: dict, reader: HashingReader) -> None:
    """Refuse a member whose bytes are not the ones the manifest describes."""
    if reader.size != entry["bytes"] or reader.hexdigest() != entry["sha256"]:
        raise ArchiveError(
            f"Bản xuất bị hỏng hoặc đã bị sửa: tổng kiểm tra của {entry['member']} không khớp."
        )
