"""The health check and the bounded ids on PostgreSQL, whose INTEGER ids stop at 2^31 - 1 and
which can refuse writes (a read-only server or transaction). Runs when TEST_DATABASE_URL
names a PostgreSQL database that may be wiped, as tests/test_postgresql.py."""

from __future__ import annotations

import pytest
import test_postgresql

from app.blocks.models import Banner, BannerBlock
from app.extensions import db

URL = test_postgresql.URL

pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql"), reason="TEST_DATABASE_URL names no PostgreSQL database"
)
READ_ONLY = {"pool_pre_ping": True,
             "connect_args": {"options": "-c default_transaction_read_only=on"}}  # fmt: skip


def test_healthz_is_ok_on_postgresql(pg_app):
    response = pg_app.test_client().get("/healthz")

    assert response.status_code == 200
    assert response.get_json() == {"db": "ok", "redis": "ok", "disk": "ok"}


def test_healthz_names_a_postgresql_server_that_accepts_no_writes(make_app, pg_url):
    app = make_app(DATABASE_URL=pg_url, SQLALCHEMY_DATABASE_URI=None,
                   SQLALCHEMY_ENGINE_OPTIONS=READ_ONLY)  # fmt: skip

    response = app.test_client().get("/healthz")

    assert response.status_code == 503
    body = response.get_json()
    assert (body["db"], body["redis"], body["disk"]) == ("read-only", "ok", "ok")
    with app.app_context():
        db.engine.dispose()


def test_a_write_refused_by_a_read_only_postgresql_is_a_clear_503(make_app, pg_url):
    app = make_app(DATABASE_URL=pg_url, SQLALCHEMY_DATABASE_URI=None,
                   SQLALCHEMY_ENGINE_OPTIONS=READ_ONLY)  # fmt: skip

    def write():
        db.session.add(Banner(title="x", target_url="https://example.gov.vn/",
                              block=BannerBlock.LINKS))  # fmt: skip
        db.session.commit()
        return "saved"

    app.add_url_rule("/ghi", "write", write)

    response = app.test_client().get("/ghi")

    assert response.status_code == 503
    assert "ổ đĩa của máy chủ đang ở chế độ chỉ đọc" in response.text
    with app.app_context():
        db.engine.dispose()


@pytest.mark.parametrize("url", ["/lien-ket/2147483648", "/van-ban/tep/2147483648",
                                 "/lien-ket/99999999999999999999999"])  # fmt: skip
def test_ids_past_postgresql_integer_are_not_found(pg_app, url):
    response = pg_app.test_client().get(url)

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_a_page_past_postgresql_integers_is_a_400(pg_app):
    response = pg_app.test_client().get("/van-ban/?page=9223372036854775807")

    assert response.status_code == 400
    assert "Số trang không hợp lệ." in response.text


@pytest.mark.parametrize(
    ("url", "status"),
    [("/van-ban/?q=%00", 400), ("/van-ban/?loai=%00", 400), ("/van-ban/?co-quan=a%00", 400),
     ("/tin-tuc/a%00b", 404), ("/chuyen-muc/a%00b", 404), ("/tu-khoa/%00", 404),
     ("/van-ban/a%00", 404)],
)  # fmt: skip
def test_a_nul_byte_is_refused_not_a_postgresql_error(pg_app, url, status):
    response = pg_app.test_client().get(url)

    assert response.status_code == status
    assert '<html lang="vi">' in response.text
