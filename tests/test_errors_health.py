"""Error pages, the health check, media serving safety and the generated secret key."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import stat
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import text

from app.extensions import db
from app.media import save_image_bytes

# --- error pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/khong-co-trang-nay", "/tin-tuc/", "/chuyen-muc/a/b"])
def test_unknown_url_shows_the_vietnamese_not_found_page(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert '<html lang="vi">' in response.text
    assert "Không tìm thấy trang" in response.text
    assert "Trang bạn tìm không tồn tại hoặc đã được chuyển đi." in response.text
    assert 'href="/">« Về trang chủ</a>' in response.text


def test_not_found_is_json_for_clients_asking_for_json(client):
    response = client.get("/khong-co-trang-nay", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.is_json
    assert response.get_json()["error"] == 404
    assert response.get_json()["title"] == "Không tìm thấy trang"


def test_not_found_under_api_is_json_whatever_the_accept_header(client):
    response = client.get("/api/khong-co", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response.get_json()["error"] == 404


def test_browser_accept_header_gets_html(client):
    accept = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
    response = client.get("/khong-co-trang-nay", headers={"Accept": accept})

    assert response.mimetype == "text/html"
    assert "Không tìm thấy trang" in response.text


@pytest.mark.parametrize(("method", "url"), [("post", "/healthz"), ("delete", "/")])
def test_wrong_method_shows_the_vietnamese_405_page(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 405
    assert "Phương thức không được hỗ trợ" in response.text
    assert "GET" in response.headers["Allow"]


def boom():
    raise RuntimeError("secret internal detail")


def test_unhandled_exception_shows_the_vietnamese_500_page(make_app):
    app = make_app()
    app.add_url_rule("/boom", "boom", boom)

    response = app.test_client().get("/boom")

    assert response.status_code == 500
    assert '<html lang="vi">' in response.text
    assert "Lỗi hệ thống" in response.text
    assert "Đã có lỗi xảy ra." in response.text
    assert "secret internal detail" not in response.text
    assert "Traceback" not in response.text


def test_unhandled_exception_is_json_for_json_clients(make_app):
    app = make_app()
    app.add_url_rule("/api/boom", "api_boom", boom)

    response = app.test_client().get("/api/boom")

    assert response.status_code == 500
    assert response.get_json()["error"] == 500
    assert "secret internal detail" not in response.text


def test_unhandled_exception_is_logged(make_app, caplog):
    app = make_app()
    app.add_url_rule("/boom", "boom", boom)

    with caplog.at_level("ERROR"):
        app.test_client().get("/boom")

    logged = [r for r in caplog.records if r.levelname == "ERROR" and "/boom" in r.getMessage()]
    assert logged, "the error was not logged"
    assert logged[0].exc_info and isinstance(logged[0].exc_info[1], RuntimeError)


# --- health check ------------------------------------------------------------------------------


def test_healthz_reports_database_redis_and_disk_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"db": "ok", "redis": "ok", "disk": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


def test_healthz_is_503_naming_redis_when_redis_is_unreachable(make_app):
    app = make_app(REDIS_URL="unix:///nonexistent/redis.sock")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    assert response.get_json() == {
        "db": "ok",
        "redis": "down",
        "disk": "ok",
        "problems": [
            "Redis does not answer (unix:///nonexistent/redis.sock): Error 2 connecting to "
            "/nonexistent/redis.sock. No such file or directory."
        ],
    }


def test_healthz_tells_only_the_operator_where_and_why(make_app):
    """Hosts, ports and folders are for the operator (METRICS_ALLOW, METRICS_TOKEN): a load
    balancer or a stranger elsewhere learns what is down, not where."""
    app = make_app(REDIS_URL="unix:///nonexistent/redis.sock", METRICS_TOKEN="t0ken")
    outside = {"REMOTE_ADDR": "203.0.113.5"}

    stranger = app.test_client().get("/healthz", environ_base=outside)
    operator = app.test_client().get(
        "/healthz", environ_base=outside, headers={"Authorization": "Bearer t0ken"}
    )

    assert stranger.status_code == operator.status_code == 503
    assert stranger.get_json() == {"db": "ok", "redis": "down", "disk": "ok"}
    assert "nonexistent" in operator.get_json()["problems"][0]


def test_healthz_is_503_naming_the_database_when_it_is_unreachable(make_app):
    app = make_app(SQLALCHEMY_DATABASE_URI="sqlite:////nonexistent/dir/portal.db")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert (body["db"], body["redis"], body["disk"]) == ("down", "ok", "error")
    assert body["problems"] == [
        "the database cannot be used: unable to open database file",
        "folder /nonexistent/dir does not exist",
    ]


# --- media -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/media/..%2f..%2fetc%2fpasswd",
        "/media/..%2F..%2F..%2Fetc%2Fpasswd",
        "/media/../../etc/passwd",
        "/media/%2e%2e%2fsecret_key",
        "/media/..",
        "/media/secret_key",
        "/media/portal.db",
        "/media/abc.jpg",
        "/media/0123456789ABCDEF0123456789ABCDEF.jpg",
        "/media/0123456789abcdef0123456789abcdef.php",
        "/media/0123456789abcdef0123456789abcdef.jpg.php",
        "/media/0123456789abcdef0123456789abcdef.jpg%00.png",
        "/media/0123456789abcdef0123456789abcdef.jpg/",
        "/media/0123456789abcdef0123456789abcdef.jpg",
    ],
)
def test_media_refuses_traversal_bad_and_missing_names(client, url):
    response = client.get(url)

    assert response.status_code == 404
    assert b"root:" not in response.data
    assert "Không tìm thấy trang" in response.text


def test_media_serves_a_stored_image_without_sniffing(app, client):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
    name = save_image_bytes(png, "png")

    with client.get(f"/media/{name}") as response:
        assert response.status_code == 200
        assert response.data == png
        assert response.mimetype == "image/png"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]


# --- secret key --------------------------------------------------------------------------------


def test_missing_secret_key_is_generated_into_the_instance_folder(make_app, tmp_path):
    key_file = tmp_path / "instance" / "secret_key"
    assert not key_file.exists()

    app = make_app(SECRET_KEY="")

    assert key_file.exists()
    key = key_file.read_text().strip()
    assert len(key) >= 32
    assert app.secret_key == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_generated_secret_key_is_stable_across_restarts(make_app, tmp_path):
    first = make_app(SECRET_KEY="")
    second = make_app(SECRET_KEY="")

    assert first.secret_key == second.secret_key
    # A session cookie signed before the restart is still accepted after it.
    signed = first.session_interface.get_signing_serializer(first).dumps({"user": 7})
    assert second.session_interface.get_signing_serializer(second).loads(signed) == {"user": 7}


def test_each_instance_folder_gets_its_own_secret_key(make_app, tmp_path):
    other = tmp_path / "other-instance"
    other.mkdir()

    first = make_app(SECRET_KEY="")
    second = make_app(SECRET_KEY="", INSTANCE_PATH=str(other))

    assert first.secret_key != second.secret_key
    assert (Path(other) / "secret_key").read_text().strip() == second.secret_key


def test_configured_secret_key_is_used_and_nothing_is_written(make_app, tmp_path):
    app = make_app(SECRET_KEY="configured-key")

    assert app.secret_key == "configured-key"
    assert not (tmp_path / "instance" / "secret_key").exists()


# --- a read-only or full disk --------------------------------------------------------------------
# Tests run as root, whom file permissions never stop: the failures here are real ones, a
# read-only bind mount, a full tmpfs, a database opened read-only by SQLite itself.


@pytest.fixture
def mounts(tmp_path):
    """Make tmpfs and read-only bind mounts under tmp_path (needs root and mount rights);
    everything is unmounted at the end."""
    made: list[Path] = []

    def mount(*args: str) -> None:
        result = subprocess.run(["mount", *args], capture_output=True, text=True)
        if result.returncode != 0:
            pytest.skip(f"cannot mount here: {result.stderr.strip()}")

    class Mounts:
        @staticmethod
        def tmpfs(path: Path, size: str) -> Path:
            path.mkdir()
            mount("-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path))
            made.append(path)
            return path

        @staticmethod
        def read_only_view(source: Path, path: Path) -> Path:
            path.mkdir()
            mount("--bind", str(source), str(path))
            made.append(path)
            mount("-o", "remount,bind,ro", str(path))
            return path

    if os.geteuid() != 0:
        pytest.skip("mounting needs root")
    yield Mounts()
    for path in reversed(made):
        subprocess.run(["umount", "-l", str(path)], check=False)


def close_database(app) -> None:
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def read_only_instance(make_app, tmp_path, mounts):
    """An app whose whole instance/ (database, WAL files, uploads) is on a read-only mount."""
    writable = make_app()
    with writable.app_context():
        db.session.execute(text("SELECT count(*) FROM alembic_version"))  # WAL files exist
    close_database(writable)
    view = mounts.read_only_view(tmp_path / "instance", tmp_path / "read-only")
    return make_app(INSTANCE_PATH=str(view), SQLALCHEMY_DATABASE_URI=f"sqlite:///{view}/portal.db")


@pytest.mark.sqlite_only("SQLite's files on a read-only instance folder")
def test_healthz_names_a_read_only_instance_folder(make_app, tmp_path, mounts):
    app = read_only_instance(make_app, tmp_path, mounts)

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert (body["db"], body["redis"], body["disk"]) == ("read-only", "ok", "read-only")
    view = tmp_path / "read-only"
    assert any(p.startswith("the database cannot be written") for p in body["problems"])
    assert f"folder {view} cannot be written: Read-only file system" in body["problems"]
    assert response.headers["Cache-Control"] == "no-store"
    close_database(app)


@pytest.mark.sqlite_only("SQLite's files on a read-only instance folder")
def test_logins_and_pages_on_a_read_only_instance_say_so_instead_of_500(make_app, tmp_path, mounts):
    app = read_only_instance(make_app, tmp_path, mounts)
    client = app.test_client()

    responses = [
        client.get("/"),
        client.get("/auth/login"),
        client.post("/auth/login", data={"username": "a", "password": "b"}),
    ]

    for response in responses:
        assert response.status_code != 500, response.text
        if response.status_code == 503:
            assert "ổ đĩa của máy chủ đang ở chế độ chỉ đọc" in response.text
            assert response.headers["Retry-After"] == "60"
    assert responses[0].status_code == 503  # the home page needs the database
    close_database(app)


@pytest.mark.sqlite_only("SQLite's files on a read-only instance folder")
def test_healthz_names_a_database_sqlite_opens_read_only(make_app, tmp_path):
    database = tmp_path / "instance" / "portal.db"
    make_app()  # the database file, copied from the migrated template
    app = make_app(SQLALCHEMY_DATABASE_URI=f"sqlite:///file:{database}?mode=ro&uri=true")

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert (body["db"], body["redis"], body["disk"]) == ("read-only", "ok", "ok")
    assert body["problems"] == [
        "the database cannot be written: attempt to write a readonly database"
    ]
    close_database(app)


def test_healthz_names_a_full_disk(make_app, tmp_path, migrated_db, mounts):
    instance = mounts.tmpfs(tmp_path / "small-disk", "4m")
    shutil.copy(migrated_db, instance / "portal.db")
    app = make_app(INSTANCE_PATH=str(instance), HEALTH_MIN_FREE_BYTES=0,
                   SQLALCHEMY_DATABASE_URI=f"sqlite:///{instance}/portal.db")  # fmt: skip
    assert app.test_client().get("/healthz").status_code == 200
    filler = os.open(instance / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    with pytest.raises(OSError, match="No space left on device"):  # write until the disk is full
        while True:
            os.write(filler, b"\0" * 4096)
    os.close(filler)

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert body["disk"] == "full"
    assert f"disk of folder {instance} is full: No space left on device" in body["problems"]
    close_database(app)


def test_healthz_calls_the_disk_full_below_the_free_space_required(make_app, tmp_path):
    app = make_app(HEALTH_MIN_FREE_BYTES=2**60)

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert (body["db"], body["redis"], body["disk"]) == ("ok", "ok", "full")
    assert "MiB free, less than the" in body["problems"][0]
    assert "(HEALTH_MIN_FREE_BYTES)" in body["problems"][0]


@pytest.mark.parametrize(
    ("error", "words"),
    [
        (OSError(errno.ENOSPC, "No space left on device"), "ổ đĩa của máy chủ đã đầy"),
        (OSError(errno.EROFS, "Read-only file system"), "ổ đĩa của máy chủ đang ở chế độ chỉ đọc"),
        (sqlite3.OperationalError("attempt to write a readonly database"), "chế độ chỉ đọc"),
        (sqlite3.OperationalError("database or disk is full"), "ổ đĩa của máy chủ đã đầy"),
    ],
)
def test_a_write_the_disk_refuses_is_a_clear_503_not_a_500(make_app, caplog, error, words):
    app = make_app()

    def write():
        raise error

    app.add_url_rule("/ghi", "write", write)

    with caplog.at_level("ERROR"):
        response = app.test_client().get("/ghi")

    assert response.status_code == 503
    assert '<html lang="vi">' in response.text
    assert words in response.text
    assert "thao tác của bạn chưa được thực hiện" in response.text
    assert response.headers["Retry-After"] == "60"
    assert any("cannot write" in r.getMessage() and r.exc_info for r in caplog.records)


# --- private files -----------------------------------------------------------------------------


def test_the_instance_folder_the_app_creates_is_private(make_app, tmp_path):
    folder = tmp_path / "new" / "instance"

    make_app(INSTANCE_PATH=str(folder), SECRET_KEY="")

    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "secret_key").stat().st_mode) == 0o600


def test_uploaded_images_and_documents_are_private(app, tmp_path):
    import io

    from app.documents.files import store

    image = save_image_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16, "png")
    document, _size = store(io.BytesIO(b"%PDF-1.4\n%%EOF"))

    uploads = Path(app.instance_path) / "uploads"
    for folder in (uploads, uploads / "images", uploads / "documents"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    for path in (uploads / "images" / image, uploads / "documents" / document):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.sqlite_only("SQLite's files on a read-only instance folder")
def test_a_logged_in_editor_on_a_read_only_instance_gets_a_clear_page(make_app, tmp_path, mounts):
    from auth_helpers import logged_in_client, new_account

    from app.auth.models import Role

    writable = make_app()
    with writable.app_context():
        account = new_account("bien-tap", role=Role.ADMIN)
        db.session.commit()
    editor = logged_in_client(writable, account)
    cookies = {name: editor.get_cookie(name) for name in ("session", "remember_token")}
    close_database(writable)
    view = mounts.read_only_view(tmp_path / "instance", tmp_path / "read-only")
    app = make_app(INSTANCE_PATH=str(view), SQLALCHEMY_DATABASE_URI=f"sqlite:///{view}/portal.db")
    client = app.test_client()
    for name, cookie in cookies.items():
        if cookie is not None:
            client.set_cookie(name, cookie.value, domain=cookie.domain)

    for path in ("/admin/", "/admin/news/articles", "/auth/profile"):
        response = client.get(path)
        # The session cannot even be read (SQLite's WAL needs a writable folder): 503.
        assert response.status_code == 503, (path, response.text)
        assert '<html lang="vi">' in response.text
        assert "ổ đĩa của máy chủ đang ở chế độ chỉ đọc" in response.text
    close_database(app)


@pytest.mark.sqlite_only("SQLite's write lock")
def test_healthz_names_a_database_whose_write_lock_someone_else_holds(make_app, tmp_path):
    app = make_app(SQLITE_LOCK_WAIT_SECONDS=0.2)
    outside = sqlite3.connect(tmp_path / "instance" / "portal.db", isolation_level=None)
    outside.execute("BEGIN IMMEDIATE")  # another writer, as an operator's sqlite3 session
    try:
        response = app.test_client().get("/healthz")
    finally:
        outside.execute("ROLLBACK")
        outside.close()

    assert response.status_code == 503
    body = response.get_json()
    assert (body["db"], body["redis"], body["disk"]) == ("locked", "ok", "ok")
    assert body["problems"][0].startswith("the database's write lock is held by someone else")
    assert app.test_client().get("/healthz").status_code == 200  # and ok once it is released
    close_database(app)
