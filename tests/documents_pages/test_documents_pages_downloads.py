"""Downloads and previews of a document's files, and their counter."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from document_files import docx_bytes, pdf_bytes
from document_pages import (
    BTG,
    assert_error_page,
    flush,
    headline,
    info_table,
    local_today,
    shown,
    stored_counts,
    visitor,
)

from app.demo.pdf import document_pdf
from app.documents.models import DocumentFile
from app.extensions import db

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- downloads -----------------------------------------------------------------------------------


GUIDE_DISPOSITION = (
    'attachment; filename="Huong dan so 118.pdf"; '
    "filename*=UTF-8''H%C6%B0%E1%BB%9Bng%20d%E1%BA%ABn%20s%E1%BB%91%20118.pdf"
)


@pytest.fixture
def guide_pdf() -> bytes:
    return document_pdf(BTG, "118-HD/BTGTU", "Hướng dẫn tuyên truyền",
                        ["Nội dung hướng dẫn."], "Phó Trưởng ban Đoàn Thị Mỹ Hạnh")  # fmt: skip


def test_download_sends_the_file_under_its_vietnamese_name(make_document, reader_client, guide_pdf):
    made = make_document(files=[(guide_pdf, "Hướng dẫn số 118.pdf")])

    response = reader_client.get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == GUIDE_DISPOSITION
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == guide_pdf
    assert response.data.startswith(b"%PDF")


def test_download_of_an_office_file_has_its_own_type(make_document, reader_client):
    content = docx_bytes()
    made = make_document(files=[(content, "Phụ lục kèm theo.docx")])

    response = reader_client.get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    assert response.status_code == 200
    assert response.headers["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert response.headers["Content-Disposition"].startswith(
        "attachment; filename=\"Phu luc kem theo.docx\"; filename*=UTF-8''Ph%E1%BB%A5%20l"
    )
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == content


def test_downloads_count_once_per_visitor_per_document_per_visit(app, make_document):
    made = make_document(
        issued_on=local_today(),
        files=[(pdf_bytes("một"), "Một.pdf"), (pdf_bytes("hai"), "Hai.pdf")],
    )
    item = f"document_download:{made.id}"
    first, second = visitor(app), visitor(app)
    onlooker = visitor(app)

    for file_id in (*made.files, made.files[0]):  # both files, one twice: one download
        assert first.get(f"/van-ban/tep/{file_id}", buffered=True).status_code == 200
    assert shown(onlooker.get("/").text, item) == 1
    second.get(f"/van-ban/tep/{made.files[1]}", buffered=True)
    assert shown(onlooker.get("/").text, item) == 2

    flush(app)

    assert stored_counts(app, made) == (0, 2)
    assert shown(onlooker.get("/").text, item) == 2
    first.get(f"/van-ban/tep/{made.files[1]}", buffered=True)
    assert shown(onlooker.get("/").text, item) == 2


def test_a_download_is_not_a_page_view(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    visitor(app).get("/")
    before = headline(app)
    assert before == (1, 1, 1)

    downloader = visitor(app)
    for _ in range(3):
        assert downloader.get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 200

    assert headline(app) == before
    assert stored_counts(app, made) == (0, 0)  # neither a view of the document
    assert shown(visitor(app).get(made.url).text, f"document:{made.id}") == 1


def test_downloads_by_crawlers_are_not_counted(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    crawler = visitor(app, user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)")

    response = crawler.get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    assert response.status_code == 200
    assert shown(visitor(app).get("/").text, f"document_download:{made.id}") == 0
    flush(app)
    assert stored_counts(app, made) == (0, 0)


def test_detail_page_shows_downloads_not_flushed_yet(app, make_document):
    """Like views, the page's download count is SQL's value plus what is still pending."""
    made = make_document(issued_on=local_today() - timedelta(days=60),
                         files=[(pdf_bytes(), "Tệp.pdf")])  # fmt: skip
    visitor(app).get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    page = visitor(app).get(made.url).text

    assert shown(page, f"document_download:{made.id}") == 1
    assert info_table(page)["Lượt xem / tải"] == "lượt xem: 1 | lượt tải: 1"


def test_preview_serves_the_pdf_without_counting_a_download(app, make_document, guide_pdf):
    made = make_document(issued_on=local_today(), files=[(guide_pdf, "Hướng dẫn số 118.pdf")])
    reader = visitor(app)

    response = reader.get(f"/van-ban/tep/{made.files[0]}/xem", buffered=True)

    assert response.status_code == 200
    # pdf.js fetches and draws it; a browser sent here saves it (its own viewer would run
    # the document's JavaScript).
    assert response.headers["Content-Disposition"] == GUIDE_DISPOSITION
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == guide_pdf
    assert shown(reader.get("/").text, f"document_download:{made.id}") == 0


def test_preview_of_a_file_that_is_not_a_pdf_is_not_found(make_document, reader_client):
    made = make_document(files=[(docx_bytes(), "Phụ lục.docx")])

    assert_error_page(
        reader_client.get(f"/van-ban/tep/{made.files[0]}/xem", buffered=True), statuses=(404,)
    )


@pytest.mark.parametrize(
    "path",
    [
        "/van-ban/tep/..%2f..%2fetc%2fpasswd",
        "/van-ban/tep/..%2F..%2F..%2Finstance%2Fportal.db",
        "/van-ban/tep/%2e%2e",
        "/van-ban/tep/%2e%2e/%2e%2e/etc/passwd",
        "/van-ban/tep/1%00",
        "/van-ban/tep/1%00/xem",
        "/van-ban/tep/-1",
        "/van-ban/tep//etc/passwd",
        "/van-ban/tep/99999",
        "/van-ban/tep/99999/xem",
        "/van-ban/tep/1.0",
        "/van-ban/tep/0x1",
        "/van-ban/tep/%31",  # "1", percent-encoded: the file exists, so this one is allowed
    ],
)
def test_paths_that_are_not_a_file_id_are_not_found(make_document, reader_client, path):
    made = make_document(files=[(pdf_bytes(), "Tệp.pdf")])
    assert made.files == (1,)

    response = reader_client.get(path, buffered=True)

    if path == "/van-ban/tep/%31":
        assert response.status_code == 200
        assert response.data == pdf_bytes()
        return
    assert_error_page(response, statuses=(404,))
    assert b"root:" not in response.data
    assert b"SQLite format" not in response.data


def test_file_missing_from_disk_is_not_found_and_not_counted(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    with app.app_context():
        stored = db.session.get(DocumentFile, made.files[0]).stored_name
    (Path(app.instance_path) / "uploads" / "documents" / stored).unlink()
    reader = visitor(app)

    assert_error_page(reader.get(f"/van-ban/tep/{made.files[0]}", buffered=True), statuses=(404,))
    assert_error_page(
        reader.get(f"/van-ban/tep/{made.files[0]}/xem", buffered=True), statuses=(404,)
    )
    assert reader.get(made.url).status_code == 200
    assert shown(reader.get("/").text, f"document_download:{made.id}") == 0


def test_file_missing_from_disk_says_so(app, make_document):
    made = make_document(files=[(pdf_bytes(), "Tệp.pdf")])
    with app.app_context():
        stored = db.session.get(DocumentFile, made.files[0]).stored_name
    (Path(app.instance_path) / "uploads" / "documents" / stored).unlink()

    response = visitor(app).get(f"/van-ban/tep/{made.files[0]}", buffered=True)

    assert response.status_code == 404
    assert "Tệp đính kèm không còn tồn tại trên máy chủ." in response.text
