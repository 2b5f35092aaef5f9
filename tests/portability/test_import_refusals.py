"""`flask import` writes nothing unless the archive is whole, its names stay inside
instance/uploads/, and the target is an empty database of the archive's revision."""

from __future__ import annotations

import json
import shutil
import tarfile
import tempfile
from pathlib import Path

import pytest
from flask_migrate import upgrade
from site_archive import listed, members_of, resealed, site_files, table_rows, write_archive
from sqlalchemy import text

from app.extensions import db
from app.portability.exporter import export_site

PREVIOUS_REVISION = "0015_menu"


@pytest.fixture
def archive(app, make_article, tmp_path):
    """A small site exported: two articles and an uploaded picture with its thumbnail."""
    make_article("Bài thứ nhất")
    make_article("Bài thứ hai")
    images = tmp_path / "instance" / "uploads" / "images"
    images.mkdir(parents=True)
    (images / f"{'a' * 32}.png").write_bytes(b"\x89PNG picture")
    (images / f"{'a' * 31}t.png").write_bytes(b"\x89PNG thumbnail")
    path = tmp_path / "site.tar.gz"
    export_site(path)
    return path


@pytest.fixture
def target(make_app, migrated_db, tmp_path):
    """An empty site on a SQLite database of its own, in its own instance/ folder."""
    instance = tmp_path / "target"
    instance.mkdir()
    shutil.copy(migrated_db, instance / "portal.db")
    return make_app(INSTANCE_PATH=str(instance), DATABASE_URL=None,
                    SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance / 'portal.db'}")  # fmt: skip


def with_articles(archive, change) -> list:
    """The archive's members, the articles table's bytes passed through `change`."""
    return [(info, change(data) if info.name == "tables/articles.jsonl" else data)
            for info, data in members_of(archive)]  # fmt: skip


def run_import(site, path):
    with site.app_context():  # the command runs in this site's context, not the test's
        return site.test_cli_runner().invoke(args=["import", str(path)])


def assert_untouched(site, tmp_path):
    assert not any(table_rows(site).values())
    assert not (tmp_path / "target" / "uploads").exists()
    assert not list((tmp_path / "target").glob("**/.import-*"))


def test_uploads_on_storage_of_their_own_are_imported(archive, target, tmp_path):
    """Several app servers share instance/uploads/ on network storage: a mount or a link to
    another file system (here tmpfs), where files cannot be renamed in from instance/."""
    shared = Path(tempfile.mkdtemp(dir="/dev/shm" if Path("/dev/shm").is_dir() else None))
    try:
        (tmp_path / "target" / "uploads").symlink_to(shared)
        result = run_import(target, archive)
        assert result.exit_code == 0, result.output
        assert site_files(tmp_path / "target") == site_files(tmp_path / "instance") != {}
        assert not list(shared.glob(".import-*"))
    finally:
        shutil.rmtree(shared, ignore_errors=True)


def test_the_archive_imports_into_an_empty_database(app, archive, target, tmp_path):
    result = run_import(target, archive)
    assert result.exit_code == 0, result.output
    assert "Đã nhập" in result.output
    assert table_rows(target) == table_rows(app)
    assert site_files(tmp_path / "target") == site_files(tmp_path / "instance") != {}


def test_a_database_with_rows_is_refused(app, archive, target):
    before = table_rows(app)
    result = run_import(app, archive)
    assert result.exit_code == 1
    assert "không trống" in result.output and "articles" in result.output
    assert table_rows(app) == before


def test_another_revision_is_refused_and_named(archive, target, tmp_path):
    with target.app_context():
        revision = target.test_cli_runner().invoke(args=["import", "--revision", str(archive)])
    assert revision.exit_code == 0
    head = revision.output.strip()
    (tmp_path / "target" / "portal.db").unlink()
    with target.app_context():
        upgrade(revision=PREVIOUS_REVISION)
    result = run_import(target, archive)
    assert result.exit_code == 1
    assert PREVIOUS_REVISION in result.output and head in result.output
    assert f"flask db upgrade {head}" in result.output
    with target.app_context():  # the older schema: no model reads it whole
        assert db.session.scalar(text("SELECT count(*) FROM articles")) == 0
        db.session.remove()
    assert not (tmp_path / "target" / "uploads").exists()


@pytest.mark.parametrize("line", [b"[1, 2]\n", b"{not json\n", b'"text"\n'])
def test_a_resealed_table_line_that_is_no_row_is_refused(archive, target, tmp_path, line):
    members = with_articles(archive, lambda data: data + line)
    result = run_import(target, write_archive(tmp_path / "odd.tar.gz", resealed(members)))
    assert result.exit_code == 1
    assert "không đọc được" in result.output
    assert_untouched(target, tmp_path)


def test_a_tampered_archive_is_refused(archive, target, tmp_path):
    members = with_articles(
        archive, lambda data: data.replace("Bài thứ hai".encode(), "Bài thứ ba!".encode())
    )
    result = run_import(target, write_archive(tmp_path / "tampered.tar.gz", members))
    assert result.exit_code == 1
    assert "tables/articles.jsonl" in result.output and "tổng kiểm tra" in result.output
    assert_untouched(target, tmp_path)


def test_rows_the_database_refuses_leave_it_empty(archive, target, tmp_path):
    # The first article twice: the same id.
    members = with_articles(archive, lambda data: data + data.splitlines(keepends=True)[0])
    result = run_import(target, write_archive(tmp_path / "twice.tar.gz", resealed(members)))
    assert result.exit_code == 1
    assert "không nhận dữ liệu của bảng articles" in result.output
    assert_untouched(target, tmp_path)


def test_a_manifest_that_maps_one_table_onto_another_is_refused(archive, target, tmp_path):
    members = []
    for info, data in members_of(archive):
        if info.name == "manifest.json":
            manifest = json.loads(data)
            tags, articles = (next(e for e in manifest["tables"] if e["name"] == name)
                              for name in ("tags", "articles"))  # fmt: skip
            tags["name"], articles["name"] = "articles", "tags"
            data = json.dumps(manifest).encode()
        members.append((info, data))
    result = run_import(target, write_archive(tmp_path / "swapped.tar.gz", members))
    assert result.exit_code == 1 and "liệt kê các bảng không hợp lệ" in result.output
    assert_untouched(target, tmp_path)


def test_a_damaged_picture_is_refused(archive, target, tmp_path):
    members = [
        (info, data[:-1] + b"!" if info.name.endswith("t.png") else data)
        for info, data in members_of(archive)
    ]
    result = run_import(target, write_archive(tmp_path / "damaged.tar.gz", members))
    assert result.exit_code == 1 and "t.png" in result.output
    assert_untouched(target, tmp_path)


def _file(name: str, kind=tarfile.REGTYPE, link: str = "") -> tarfile.TarInfo:
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, link
    return info


@pytest.mark.parametrize(
    "member",
    [
        _file("files/uploads/../../../escaped.txt"),
        _file("/tmp/escaped.txt"),
        _file("files/secret_key"),
        _file("files/uploads/images/../../portal.db"),
        _file("tables/../escaped.jsonl"),
        _file("files/uploads/images/link.png", tarfile.SYMTYPE, "/etc/passwd"),
        _file("files/uploads/images/hard.png", tarfile.LNKTYPE, "/etc/passwd"),
    ],
    ids=[
        "dot-dot",
        "absolute",
        "outside-uploads",
        "inside-dot-dot",
        "table-dot-dot",
        "symlink",
        "hardlink",
    ],  # fmt: skip
)
def test_members_outside_the_site_folders_are_refused(archive, target, tmp_path, member):
    hostile = write_archive(tmp_path / "hostile.tar.gz",
                            listed(members_of(archive), member, b"escaped"))  # fmt: skip
    result = run_import(target, hostile)
    assert result.exit_code == 1
    assert repr(member.name) in result.output
    assert_untouched(target, tmp_path)
    assert not list(tmp_path.rglob("escaped*"))


def test_a_file_that_is_no_archive_is_refused(target, tmp_path):
    junk = tmp_path / "junk.tar.gz"
    junk.write_bytes(b"not a tar file at all" * 10)
    result = run_import(target, junk)
    assert result.exit_code == 1 and "Không đọc được bản xuất" in result.output
    assert_untouched(target, tmp_path)
