"""Attached files: recognised by their bytes, stored under instance/ by generated names."""

from __future__ import annotations

import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # legacy .doc / .xls compound files
ZIP = b"PK\x03\x04"
PDF = b"%PDF-"

ODF_TYPES = {
    "application/vnd.oasis.opendocument.text": "odt",
    "application/vnd.oasis.opendocument.spreadsheet": "ods",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "odt": "application/vnd.oasis.opendocument.text",
    "ods": "application/vnd.oasis.opendocument.spreadsheet",
}
# An archive that unpacks to more than this, or with more entries, is refused (zip bombs).
MAX_UNPACKED = 200 * 1024 * 1024
MAX_ENTRIES = 5000


class FileRejected(ValueError):
    """The upload is not an allowed document; the message is for the editor."""


@dataclass(frozen=True)
class Detected:
    kind: str  # pdf, doc, xls, docx, xlsx, odt, ods

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[self.kind]


def check_size(stream: BinaryIO, limit: int) -> int:
    """The stream's size; over `limit` bytes it is refused."""
    stream.seek(0, 2)
    size = stream.tell()
    stream.seek(0)
    if size > limit:
        raise FileRejected(f"Tệp vượt quá dung lượng cho phép ({limit // (1024 * 1024)} MB).")
    if size == 0:
        raise FileRejected("Tệp rỗng.")
    return size


def detect(stream: BinaryIO, filename: str) -> Detected:
    """What the file really is, from its content; the name only tells .doc from .xls."""
    stream.seek(0)
    head = stream.read(8)
    stream.seek(0)
    extension = Path(filename).suffix.lower().lstrip(".")
    if head.startswith(PDF):
        return Detected("pdf")
    if head == OLE2:
        if extension in ("doc", "xls"):
            return Detected(extension)
        raise FileRejected("Tệp Office đời cũ phải có đuôi .doc hoặc .xls.")
    if head.startswith(ZIP):
        return Detected(_zip_kind(stream))
    raise FileRejected("Chỉ chấp nhận tệp PDF, DOC, DOCX, XLS, XLSX, ODT, ODS.")


def _zip_kind(stream: BinaryIO) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ENTRIES or sum(e.file_size for e in entries) > MAX_UNPACKED:
                raise FileRejected("Tệp có dung lượng giải nén bất thường, không được chấp nhận.")
            names = {e.filename for e in entries}
            if "mimetype" in names:
                # Read a few bytes only: a lying entry must not be unpacked whole.
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                if mimetype in ODF_TYPES:
                    return ODF_TYPES[mimetype]
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except zipfile.BadZipFile as exc:
        raise FileRejected("Tệp bị hỏng hoặc không đúng định dạng.") from exc
    finally:
        stream.seek(0)
    raise FileRejected("Chỉ chấp nhận tệp PDF, DOC, DOCX, XLS, XLSX, ODT, ODS.")


def storage_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def store(stream: BinaryIO) -> tuple[str, int]:
    """Copy the stream to a generated name; return (name, size)."""
    name = secrets.token_hex(16)
    stream.seek(0)
    size = 0
    with open(storage_dir() / name, "xb") as out:
        while chunk := stream.read(1024 * 1024):
            out.write(chunk)
            size += len(chunk)
    return name, size


def path_of(stored_name: str) -> Path:
    return storage_dir() / stored_name


def clean_filename(name: str, kind: str) -> str:
    """The original name for the download, without path parts or control characters, with
    the extension that matches the content."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?').strip(" .")
    stem = Path(name).stem[:200] or "van-ban"
    return f"{stem}.{kind}"
