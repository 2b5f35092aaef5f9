"""What a site holds, to compare two sites, and archives rewritten the way an attacker or a
broken disk would. Not a test module: tests/portability/ and test_deploy_doc.py import it."""

from __future__ import annotations

import hashlib
import io
import json
import tarfile
from pathlib import Path

from sqlalchemy import select

from app.extensions import db


def table_rows(app) -> dict[str, list[dict]]:
    """Every row of every table, all columns, in primary-key order."""
    with app.app_context():
        rows = {
            table.name: [dict(row) for row in db.session.execute(
                select(table).order_by(*table.primary_key.columns)).mappings()]
            for table in db.metadata.sorted_tables
        }  # fmt: skip
        db.session.remove()
    return rows


def site_files(instance: Path) -> dict[str, str]:
    """SHA-256 of every file under instance/uploads/, by its path there."""
    return {
        path.relative_to(instance).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted((instance / "uploads").rglob("*"))
        if path.is_file()
    }


def members_of(archive: Path) -> list[tuple[tarfile.TarInfo, bytes]]:
    with tarfile.open(archive, "r:gz") as tar:
        return [(m, tar.extractfile(m).read() if m.isfile() else b"") for m in tar.getmembers()]


def write_archive(archive: Path, members: list[tuple[tarfile.TarInfo, bytes]]) -> Path:
    with tarfile.open(archive, "w:gz") as tar:
        for info, data in members:
            if info.isfile():
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if info.isfile() else None)
    return archive


def listed(members, info: tarfile.TarInfo, data: bytes) -> list:
    """`members` plus a file member `info` that the manifest lists with its true checksum
    (so only the name can be what the import refuses)."""
    out = []
    for old, content in members:
        if old.name == "manifest.json":
            manifest = json.loads(content)
            manifest["files"].append({
                "path": info.name.removeprefix("files/"), "member": info.name,
                "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest(),
            })  # fmt: skip
            content = json.dumps(manifest).encode()
        out.append((old, content))
    return [(info, data), *out]


def resealed(members) -> list:
    """`members` with the manifest's sizes, checksums and row counts made true again (what a
    forger, or a buggy exporter, would write: only the database can refuse such an archive)."""
    by_name = {info.name: data for info, data in members}
    manifest = json.loads(by_name["manifest.json"])
    for entry in [*manifest["tables"], *manifest["files"]]:
        data = by_name[entry["member"]]
        entry["bytes"], entry["sha256"] = len(data), hashlib.sha256(data).hexdigest()
        if "rows" in entry:
            entry["rows"] = data.count(b"\n")
    content = json.dumps(manifest).encode()
    return [(info, content if info.name == "manifest.json" else data) for info, data in members]
