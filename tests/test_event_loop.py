"""Nothing freezes a gevent worker (issue 9 §1): SQLite waits for its lock cooperatively and
answers a Vietnamese 503 when it cannot get it; images are refused by their header before
any decoding; archives are measured by unpacking them, not by what their headers claim.

The live-server tests hold SQLite's lock from another process while a real gunicorn (gevent)
worker serves: every read page must still answer within a client timeout far below the
time the lock is held. No test measures time; timeouts only bound how long a test can hang.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import io
import os
import re
import sqlite3
import stat
import struct
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
import zipfile
import zlib
from pathlib import Path

import pytest
from auth_helpers import logged_in_client, new_account
from live_server import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    CREATE_ADMIN,
    live_server,
    unique_browser_ua,
)
from pages import csrf_token_from
from PIL import Image, ImageFile
from sqlalchemy import select, text

from app import create_app
from app.auth.models import Role
from app.db_sqlite import DatabaseBusy, connection_factory, lock_wait
from app.documents import files
from app.extensions import db
from app.media import ImageRejected, header_dimensions, save_uploaded_image
from app.news.models import Category

BUSY_MESSAGE = "Hệ thống đang bận ghi dữ liệu"


# --- The cooperative connection, against a second connection holding the lock ----------------


@pytest.fixture
def database(tmp_path) -> Path:
    path = tmp_path / "portal.db"
    setup = sqlite3.connect(path, factory=connection_factory(1.0))
    setup.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
    setup.execute("INSERT INTO notes (body) VALUES ('đầu tiên')")
    setup.commit()
    setup.close()
    return path


class LockHolder:
    """A plain sqlite3 connection (busy timeout 0) holding the write lock until released;
    usable from any thread, as an outside process would be."""

    def __init__(self, path: Path, mode: str = "EXCLUSIVE") -> None:
        self.connection = sqlite3.connect(
            path, timeout=0, isolation_level=None, check_same_thread=False
        )
        self.connection.execute(f"BEGIN {mode}")

    def release(self, commit_row: str | None = None) -> None:
        if commit_row is not None:
            self.connection.execute("INSERT INTO notes (body) VALUES (?)", (commit_row,))
        self.connection.execute("COMMIT")
        self.connection.close()


def bodies(path: Path) -> list[str]:
    reader = sqlite3.connect(path)
    try:
        return [row[0] for row in reader.execute("SELECT body FROM notes ORDER BY id")]
    finally:
        reader.close()


@pytest.mark.sqlite_only("SQLite's own lock waits")
@pytest.mark.parametrize("mode", ["EXCLUSIVE", "IMMEDIATE"])
def test_reads_go_on_while_another_connection_holds_the_write_lock(database, mode):
    connection = sqlite3.connect(database, factory=connection_factory(0.0))  # never waits
    holder = LockHolder(database, mode)
    try:
        rows = connection.execute("SELECT body FROM notes").fetchall()
    finally:
        holder.release()
        connection.close()

    assert rows == [("đầu tiên",)]


@pytest.mark.sqlite_only("SQLite's own lock waits")
def test_a_write_waits_for_the_lock_and_goes_through_once_it_is_released(database):
    connection = sqlite3.connect(database, factory=connection_factory(30.0))
    holder = LockHolder(database)
    released = threading.Event()

    def release_soon():
        holder.release(commit_row="của người khác")
        released.set()

    timer = threading.Timer(0.3, release_soon)
    timer.start()
    try:
        connection.execute("INSERT INTO notes (body) VALUES ('của chúng ta')")
        connection.commit()
    finally:
        timer.join()
        connection.close()

    assert released.is_set()
    assert bodies(database) == ["đầu tiên", "của người khác", "của chúng ta"]


@pytest.mark.sqlite_only("SQLite's own lock waits")
def test_a_write_that_cannot_get_the_lock_gives_up_whole(database):
    connection = sqlite3.connect(database, factory=connection_factory(0.2))
    holder = LockHolder(database)
    try:
        with pytest.raises(DatabaseBusy, match="database is locked"):
            connection.execute("INSERT INTO notes (body) VALUES ('không được lưu')")
        in_transaction = connection.in_transaction
    finally:
        holder.release()
    # The same connection works again once the lock is free; the refused row never appears.
    connection.execute("INSERT INTO notes (body) VALUES ('lần sau')")
    connection.commit()
    connection.close()

    assert in_transaction is False
    assert bodies(database) == ["đầu tiên", "lần sau"]


@pytest.mark.sqlite_only("SQLite's own lock waits")
def test_a_shorter_wait_can_be_asked_for_one_block_of_work(database):
    # A write with a fallback of its own (e.g. a click spooled for later) should not keep a
    # reader waiting for the full deadline. The lock is released after 2 s: a write still
    # waiting then would succeed instead of being refused.
    connection = sqlite3.connect(database, factory=connection_factory(60.0))
    holder = LockHolder(database)
    timer = threading.Timer(2.0, holder.release)
    timer.start()
    try:
        with lock_wait(0.1), pytest.raises(DatabaseBusy):
            connection.execute("INSERT INTO notes (body) VALUES ('không chờ lâu')")
    finally:
        timer.join()
    connection.execute("INSERT INTO notes (body) VALUES ('chờ bình thường')")
    connection.commit()
    connection.close()

    assert bodies(database) == ["đầu tiên", "chờ bình thường"]


@pytest.mark.sqlite_only("SQLite's own lock waits")
def test_a_transaction_whose_snapshot_went_stale_is_refused_not_retried(database):
    # A transaction that read, then another writer committed: retrying the write can never
    # succeed (SQLITE_BUSY_SNAPSHOT), so it takes the 503 path instead of waiting 60 s.
    connection = sqlite3.connect(database, factory=connection_factory(60.0))
    connection.isolation_level = None
    connection.execute("BEGIN")
    connection.execute("SELECT count(*) FROM notes").fetchone()
    other = LockHolder(database, "IMMEDIATE")
    other.release(commit_row="đến trước")

    with pytest.raises(DatabaseBusy, match="another writer"):
        connection.execute("INSERT INTO notes (body) VALUES ('đến sau')")
    connection.execute("ROLLBACK")
    connection.close()

    assert bodies(database) == ["đầu tiên", "đến trước"]


@pytest.mark.sqlite_only("the SQLite file's mode and journal")
def test_database_files_are_private_and_in_wal_mode(tmp_path, redis_url):
    instance = tmp_path / "instance"
    instance.mkdir()
    path = instance / "portal.db"
    sqlite3.connect(path).execute("CREATE TABLE t (x)").connection.commit()
    os.chmod(path, 0o644)  # as an older version left it
    app = create_app({"INSTANCE_PATH": str(instance), "REDIS_URL": redis_url,
                      "SECRET_KEY": "test", "TESTING": True})  # fmt: skip
    with app.app_context():
        mode = db.session.execute(text("PRAGMA journal_mode")).scalar()
        busy_timeout = db.session.execute(text("PRAGMA busy_timeout")).scalar()
        db.session.execute(text("INSERT INTO t VALUES (1)"))
        db.session.commit()
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in instance.glob("portal.db*")}
        db.session.remove()
        db.engine.dispose()

    assert mode == "wal" and busy_timeout == 0
    assert set(modes) == {"portal.db", "portal.db-wal", "portal.db-shm"}
    assert modes == dict.fromkeys(modes, 0o600), {k: oct(v) for k, v in modes.items()}


def test_postgresql_engines_are_left_alone(tmp_path, redis_url):
    app = create_app({"INSTANCE_PATH": str(tmp_path), "REDIS_URL": redis_url, "SECRET_KEY": "t",
                      "DATABASE_URL": "postgresql://portal@localhost/portal"})  # fmt: skip

    assert "connect_args" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert "pool_size" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]


# --- Through the app: a write that cannot get the lock answers 503 -----------------------------


@pytest.fixture
def busy_app(make_contextless_app):
    return make_contextless_app(SQLITE_LOCK_WAIT_SECONDS=0.3)


@pytest.fixture
def admin_client(busy_app):
    with busy_app.app_context():
        account = new_account("quantri", role=Role.ADMIN, display_name="Quản trị viên")
    return logged_in_client(busy_app, account)


def category_names(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Category.name).order_by(Category.id)))


@pytest.mark.sqlite_only("SQLite's own lock waits")
@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_save_that_cannot_get_the_lock_answers_503_then_goes_through(
    busy_app, admin_client, accept
):
    token = csrf_token_from(admin_client.get("/admin/news/categories/new").text)
    data = {"csrf_token": token, "name": "Tin địa phương", "slug": "", "parent": "0"}
    database = busy_app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    holder = sqlite3.connect(database, timeout=0, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        refused = admin_client.post(
            "/admin/news/categories/new", data=data, headers={"Accept": accept}
        )
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    names_after_refusal = category_names(busy_app)
    accepted = admin_client.post("/admin/news/categories/new", data=data)

    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "5"
    if accept == "application/json":
        assert refused.get_json()["error"] == 503
        assert BUSY_MESSAGE in refused.get_json()["message"]
    else:
        assert BUSY_MESSAGE in refused.text and "<html" in refused.text.lower()
    assert "Tin địa phương" not in names_after_refusal
    assert accepted.status_code == 302
    assert category_names(busy_app).count("Tin địa phương") == 1


# --- Images: refused from the header, before any decoding --------------------------------------


def png_header_only(width: int, height: int, bit_depth: int = 1) -> bytes:
    """A valid PNG of `width`x`height` black pixels, 1 bit each: a few KB on disk, however
    large the picture (each row compresses to almost nothing)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes((width * bit_depth + 7) // 8)
    compressor = zlib.compressobj(9)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat)
            + chunk(b"IEND", b""))  # fmt: skip


@pytest.fixture
def decodes(monkeypatch) -> list[tuple[int, int]]:
    """Sizes of the images Pillow decodes (ImageFile.load) during the test."""
    seen = []
    original = ImageFile.ImageFile.load

    def load(self):
        seen.append(self.size)
        return original(self)

    monkeypatch.setattr(ImageFile.ImageFile, "load", load)
    return seen


def test_an_image_over_the_pixel_limit_is_refused_without_being_decoded(app, decodes):
    huge = png_header_only(6000, 5000)  # 30 million pixels, under Pillow's own bomb limit
    assert len(huge) < 100_000

    with pytest.raises(ImageRejected) as refused:
        save_uploaded_image(io.BytesIO(huge))

    assert str(refused.value) == (
        "Ảnh có kích thước quá lớn (6000×5000 điểm ảnh; tối đa 25 triệu điểm ảnh). "
        "Vui lòng thu nhỏ ảnh rồi tải lên lại."
    )
    assert decodes == []
    assert not list((Path(app.instance_path) / "uploads" / "images").glob("*"))


def test_the_pixel_limit_follows_the_setting(app, decodes):
    app.config["IMAGE_MAX_PIXELS"] = 40_000
    fits = png_header_only(200, 200)
    over = png_header_only(201, 200)

    name = save_uploaded_image(io.BytesIO(fits))
    with pytest.raises(ImageRejected, match="201×200"):
        save_uploaded_image(io.BytesIO(over))

    assert re.fullmatch(r"[0-9a-f]{31}0\.png", name)
    assert set(decodes) == {(200, 200)}  # the refused one never reached the decoder


def encoded(kind: str, size: tuple[int, int], **options) -> bytes:
    out = io.BytesIO()
    mode = "P" if kind == "GIF" else "RGB"
    Image.new(mode, size).save(out, kind, **options)
    return out.getvalue()


@pytest.mark.parametrize(
    "kind, options",
    [("PNG", {}), ("GIF", {}), ("JPEG", {}), ("JPEG", {"progressive": True}),
     ("WEBP", {}), ("WEBP", {"lossless": True}), ("WEBP", {"exif": b"Exif\x00\x00"})],
    ids=["png", "gif", "jpeg", "progressive-jpeg", "webp", "webp-lossless", "webp-extended"],
)  # fmt: skip
def test_header_dimensions_agree_with_pillow(kind, options):
    data = encoded(kind, (1234, 567), **options)

    assert header_dimensions(data) == (1234, 567) == Image.open(io.BytesIO(data)).size


def test_a_cameras_multi_picture_jpeg_is_stored_as_its_first_picture(app):
    out = io.BytesIO()
    first, second = Image.new("RGB", (300, 200), (200, 0, 0)), Image.new("RGB", (300, 200))
    first.save(out, "MPO", save_all=True, append_images=[second])

    name = save_uploaded_image(io.BytesIO(out.getvalue()))
    with Image.open(Path(app.instance_path) / "uploads" / "images" / name) as stored:
        kind, size, pixel = stored.format, stored.size, stored.getpixel((150, 100))

    assert name.endswith(".jpg") and kind == "JPEG" and size == (300, 200)
    assert pixel[0] > 150 and pixel[1] < 50  # the red first picture, not the black second


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(app, decodes):
    data = encoded("JPEG", (4000, 3000), quality=50)

    name = save_uploaded_image(io.BytesIO(data))
    with Image.open(Path(app.instance_path) / "uploads" / "images" / name) as stored:
        size = stored.size

    assert size == (1600, 1200)
    assert decodes and max(w * h for w, h in decodes) <= 2000 * 1500  # draft: 1/2 scale


# --- Archives: measured by unpacking, whatever their headers say -------------------------------

CONTENT_TYPES_XML = b'<?xml version="1.0"?><Types/>'


def lying_docx(real_size: int, claimed: int = 10) -> bytes:
    """A .docx whose word/document.xml holds `real_size` bytes while both its local header
    and the central directory claim `claimed`."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        with archive.open("word/document.xml", "w", force_zip64=False) as member:
            block = b"<w:p/>" * (1024 * 1024 // 6)
            written = 0
            while written < real_size:
                piece = block[: real_size - written]
                member.write(piece)
                written += len(piece)
    data = bytearray(out.getvalue())
    local = data.find(b"PK\x03\x04", data.find(b"word/document.xml") - 40)
    central = data.rfind(b"PK\x01\x02")
    assert data[local + 30 : local + 47] == b"word/document.xml"
    assert data[central + 46 : central + 63] == b"word/document.xml"
    struct.pack_into("<I", data, local + 22, claimed)  # uncompressed size, local header
    struct.pack_into("<I", data, central + 24, claimed)  # and in the central directory
    return bytes(data)


def test_a_docx_whose_headers_understate_its_unpacked_size_is_refused():
    bomb = lying_docx(50 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:  # the lie the old check believed
        assert sum(e.file_size for e in archive.infolist()) < 100

    with pytest.raises(files.FileRejected) as refused:
        files.detect(io.BytesIO(bomb), "Kế hoạch.docx")

    assert str(refused.value) == "Tệp có dung lượng giải nén bất thường, không được chấp nhận."


def test_a_docx_within_the_budget_is_accepted_and_one_over_it_refused():
    honest = lying_docx(3 * 1024 * 1024, claimed=3 * 1024 * 1024)

    assert files.detect(io.BytesIO(honest), "a.docx", max_unpacked=4 * 1024 * 1024).kind == "docx"
    with pytest.raises(files.FileRejected, match="giải nén"):
        files.detect(io.BytesIO(honest), "a.docx", max_unpacked=2 * 1024 * 1024)


def test_an_entry_that_unpacks_to_less_than_its_header_says_is_refused():
    short = lying_docx(1000, claimed=5000)

    with pytest.raises(files.FileRejected, match="hỏng"):
        files.detect(io.BytesIO(short), "a.docx")


def test_a_lying_docx_upload_is_not_stored(app):
    from datetime import date

    from app.documents.operations import (
        attach_file,
        create_document,
        get_or_create_issuer,
        get_or_create_type,
    )

    document = create_document(
        code="9-KH/UBND", title="Kế hoạch", type=get_or_create_type("Kế hoạch"),
        issuer=get_or_create_issuer("UBND tỉnh An Hòa"), issued_on=date(2024, 6, 1),
    )  # fmt: skip

    with pytest.raises(files.FileRejected, match="giải nén"):
        attach_file(document, io.BytesIO(lying_docx(20 * 1024 * 1024)), "Kế hoạch.docx")
    db.session.rollback()

    folder = Path(app.instance_path) / "uploads" / "documents"
    assert not folder.exists() or not list(folder.iterdir())


# --- A real gunicorn (gevent) server while another process holds SQLite's lock ----------------

HOLD_LOCK = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
db.execute("BEGIN " + sys.argv[2])
print("locked", flush=True)
sys.stdin.readline()  # hold until told (or until the test closes our stdin)
db.execute("ROLLBACK")
print("released", flush=True)
"""


class OutsideLock:
    """`sqlite3 portal.db` in another process, holding BEGIN EXCLUSIVE/IMMEDIATE."""

    def __init__(self, database: Path, mode: str) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - our own interpreter
            [sys.executable, "-c", HOLD_LOCK, str(database), mode],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )  # fmt: skip
        assert self.process.stdout.readline().strip() == "locked"

    def release(self) -> None:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "released"
        self.process.stdin.close()
        self.process.stdout.close()
        self.process.wait(timeout=10)


class Browser:
    """urllib with cookies: a logged-in editor on the live server."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect()
        )

    def request(self, path, data=None, headers=None, timeout=5.0):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        headers = {"User-Agent": unique_browser_ua(), **(headers or {})}
        req = urllib.request.Request(self.base_url + path, data=body, headers=headers)
        try:
            with self.opener.open(req, timeout=timeout) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, dict(error.headers), error.read().decode()

    def token(self, path: str) -> str:
        status, _, page = self.request(path)
        assert status == 200, (path, status)
        return csrf_token_from(page)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.sqlite_only("SQLite's own lock waits")
def test_pages_answer_while_an_outside_process_holds_the_lock_and_writes_get_a_503():
    lock_wait = 8  # a write waits this long; pages must answer within 5 s meanwhile
    env = {"FLASK_SQLITE_LOCK_WAIT_SECONDS": str(lock_wait)}
    # The browser tests' prepared instance, administrator included (a copy, not a new seed).
    with live_server(workers=1, env=env, commands=(CREATE_ADMIN,)) as server:
        database = server.instance / "portal.db"
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in server.instance.glob("portal.db*")}
        with contextlib.closing(sqlite3.connect(database)) as reader:
            journal = reader.execute("PRAGMA journal_mode").fetchone()[0]
        home = server.page_view("/").text
        article = re.search(r'href="(/tin-tuc/[^"#?]+)"', home).group(1)
        documents = server.page_view("/van-ban").text
        document = re.search(r'href="(/van-ban/(?!tep/)[^"#?/]+)"', documents).group(1)
        editor = Browser(server.base_url)
        token = editor.token("/auth/login")
        status, _, _ = editor.request("/auth/login", {"csrf_token": token,
                                                      "username": ADMIN_USERNAME,
                                                      "password": ADMIN_PASSWORD})  # fmt: skip
        assert status == 302, "login failed"
        form_token = editor.token("/admin/news/categories/new")

        for mode in ("EXCLUSIVE", "IMMEDIATE"):
            name = f"Chuyên mục {mode.lower()}"
            data = {"csrf_token": form_token, "name": name, "slug": "", "parent": "0"}
            outside = OutsideLock(database, mode)
            try:
                result: dict = {}

                def save(d=data, into=result):
                    status, headers, page = editor.request("/admin/news/categories/new", d,
                                                           timeout=30)  # fmt: skip
                    into.update(status=status, headers=headers, page=page)

                write = threading.Thread(target=save)
                write.start()
                # While the write waits for the lock, the same (only) worker serves readers.
                answered = {
                    path: server.get(path, {"User-Agent": unique_browser_ua()}, timeout=5).status
                    for path in ("/api/stats", "/", article, "/van-ban", document)
                }
                write_was_waiting = write.is_alive()
                write.join(timeout=30)
            finally:
                outside.release()
            retried, _, _ = editor.request("/admin/news/categories/new", data)
            with contextlib.closing(sqlite3.connect(database)) as reader:
                saved = reader.execute("SELECT count(*) FROM categories WHERE name = ?",
                                       (name,)).fetchone()[0]  # fmt: skip

            assert answered == dict.fromkeys(answered, 200), (mode, answered, server.log())
            assert write_was_waiting, "the write did not wait for the lock"
            assert result["status"] == 503, (mode, result.get("status"), server.log())
            assert result["headers"]["Retry-After"] == "5"
            assert BUSY_MESSAGE in result["page"]
            assert retried == 302
            assert saved == 1

        assert "Traceback" not in server.log(100_000)

    assert journal == "wal"
    assert modes == dict.fromkeys(modes, 0o600) and "portal.db" in modes, modes
