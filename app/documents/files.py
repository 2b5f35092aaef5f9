"""Attached files: recognised by their bytes, stored under instance/ by generated names."""

from __future__ import annotations

import copy
import secrets
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from app.offload import offload
from app.private_files import create_private, private_dir

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
# The size is measured by unpacking, never read from the archive's headers: those are
# written by whoever made the file. Real office files unpack to a few times their size.
MAX_UNPACKED = 100 * 1024 * 1024
MAX_ENTRIES = 5000
CHUNK = 64 * 1024
# Office and OpenDocument files use only these: stored and deflated.
ZIP_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
BOMB = "Tệp có dung lượng giải nén bất thường, không được chấp nhận."
DAMAGED = "Tệp bị hỏng hoặc không đúng định dạng."


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


def detect(stream: BinaryIO, filename: str, max_unpacked: int | None = None) -> Detected:
    """What the file really is, from its content; the name only tells .doc from .xls.

    Archives (.docx, .xlsx, .odt, .ods) are unpacked to measure them, in the thread pool
    for CPU-heavy work: never on the event loop."""
    if max_unpacked is None:
        max_unpacked = MAX_UNPACKED
    return offload(_detect, stream, filename, max_unpacked, heavy=True)


def _detect(stream: BinaryIO, filename: str, max_unpacked: int) -> Detected:
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
        return Detected(_zip_kind(stream, max_unpacked))
    raise FileRejected("Chỉ chấp nhận tệp PDF, DOC, DOCX, XLS, XLSX, ODT, ODS.")


def _zip_kind(stream: BinaryIO, max_unpacked: int) -> str:
    try:
        with zipfile.ZipFile(stream) as archive:
            entries = archive.infolist()
            check_unpacked_size(archive, entries, max_unpacked)
            names = {e.filename for e in entries}
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                if mimetype in ODF_TYPES:
                    return ODF_TYPES[mimetype]
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return "docx"
                if "xl/workbook.xml" in names:
                    return "xlsx"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, zlib.error, NotImplementedError,
            RuntimeError, ValueError) as exc:  # fmt: skip
        if isinstance(exc, FileRejected):
            raise
        raise FileRejected(DAMAGED) from exc
    finally:
        stream.seek(0)
    raise FileRejected("Chỉ chấp nhận tệp PDF, DOC, DOCX, XLS, XLSX, ODT, ODS.")


def check_unpacked_size(archive: zipfile.ZipFile, entries: list[zipfile.ZipInfo],
                        budget: int) -> None:  # fmt: skip
    """Unpack every entry (discarding the bytes) and refuse the archive when the real total
    exceeds `budget`, or when any entry unpacks to more or less than its header says."""
    if len(entries) > MAX_ENTRIES:
        raise FileRejected(BOMB)
    # The headers' own total first: a bomb that admits its size costs nothing to refuse.
    if sum(e.file_size for e in entries) > budget:
        raise FileRejected(BOMB)
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise FileRejected("Tệp được đặt mật khẩu, không được chấp nhận.")
        if entry.compress_type not in ZIP_METHODS:
            raise FileRejected(DAMAGED)
        # zipfile stops reading at the size the header declares: give it a size it cannot
        # reach, so that what the compressed data really holds comes out (a reader such as
        # Word or unzip would unpack all of it), and count it.
        unbounded = copy.copy(entry)
        unbounded.file_size = budget + 1
        real = 0
        with archive.open(unbounded) as member:
            while chunk := member.read(CHUNK):
                real += len(chunk)
                if real > entry.file_size or total + real > budget:
                    raise FileRejected(BOMB)
        if real != entry.file_size:
            raise FileRejected(DAMAGED)
        total += real


def storage_dir() -> Path:
    path = Path(current_app.instance_path) / "uploads" / "documents"
    return private_dir(path)  # 0700: unpublished documents are not for other local users


def store(stream: BinaryIO) -> tuple[str, int]:
    """Copy the stream to a generated name (file writes off the event loop); return
    (name, size)."""
    return offload(_store, stream, storage_dir())


def _store(stream: BinaryIO, folder: Path) -> tuple[str, int]:
    name = secrets.token_hex(16)
    stream.seek(0)
    size = 0
    with create_private(folder / name) as out:
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
