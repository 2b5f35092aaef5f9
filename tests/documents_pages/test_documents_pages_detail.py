"""A document's page (its information table, status, files), its view counter, and the
"Văn bản mới" sidebar block.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from document_files import docx_bytes, pdf_bytes
from document_pages import (
    BTG,
    HANH,
    api_stats,
    assert_error_page,
    flush,
    info_table,
    listed,
    local_today,
    shown,
    sidebar_block,
    stored_counts,
    visitor,
)

from app.documents.models import Document
from app.extensions import db

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- the detail page -----------------------------------------------------------------------------


def test_detail_page_shows_every_field(make_field, make_document, reader_client):
    make_field("An toàn thông tin", "an-toan-thong-tin")
    made = make_document(
        "118-HD/BTGTU",
        title="Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn",
        summary="Hướng dẫn nội dung, hình thức tuyên truyền các ngày lễ lớn trong quý.",
        type="Hướng dẫn", issuer=BTG, signer=HANH, fields=["an-toan-thong-tin"],
        issued_on=date(2024, 3, 15), in_force_on=date(2024, 3, 20), expires_on=date(2099, 12, 31),
        files=[(pdf_bytes(), "Hướng dẫn số 118.pdf"), (docx_bytes(), "Phụ lục.docx")],
    )  # fmt: skip

    response = reader_client.get("/van-ban/118-hd-btgtu")

    assert response.status_code == 200
    page = response.text
    assert '<h1 class="page-title">Hướng dẫn tuyên truyền kỷ niệm các ngày lễ lớn</h1>' in page
    assert info_table(page) == {
        "Số ký hiệu": "118-HD/BTGTU",
        "Trích yếu": "Hướng dẫn nội dung, hình thức tuyên truyền các ngày lễ lớn trong quý.",
        "Thể loại": "Hướng dẫn",
        "Cơ quan ban hành": "Ban Tuyên giáo Tỉnh ủy",
        "Người ký": "Đoàn Thị Mỹ Hạnh (Phó Trưởng ban)",
        "Lĩnh vực": "An toàn thông tin",
        "Ngày ban hành": "15/03/2024",
        "Ngày có hiệu lực": "20/03/2024",
        "Ngày hết hiệu lực": "31/12/2099",
        "Tình trạng": "Còn hiệu lực",
        "Lượt xem / tải": "lượt xem: 1 | lượt tải: 0",
    }
    pdf_id, docx_id = made.files
    assert f'<a href="/van-ban/tep/{pdf_id}" download>Hướng dẫn số 118.pdf</a>' in page
    assert f'<a href="/van-ban/tep/{docx_id}" download>Phụ lục.docx</a>' in page
    assert f'data-pdf="/van-ban/tep/{pdf_id}/xem"' in page
    assert f'data-pdf="/van-ban/tep/{docx_id}/xem"' not in page


@pytest.mark.parametrize(
    ("in_force_days", "expires_days", "status", "in_force_text", "expires_text"),
    [
        (None, None, "Còn hiệu lực", "Kể từ ngày ban hành", "Không xác định"),
        (None, -1, "Hết hiệu lực", "Kể từ ngày ban hành", "{expires}"),
        (None, 0, "Hết hiệu lực", "Kể từ ngày ban hành", "{expires}"),
        (None, 1, "Còn hiệu lực", "Kể từ ngày ban hành", "{expires}"),
        (3, None, "Chưa có hiệu lực", "{in_force}", "Không xác định"),
        (0, None, "Còn hiệu lực", "{in_force}", "Không xác định"),
    ],
)
def test_detail_page_status_is_relative_to_today(
    make_document, reader_client, in_force_days, expires_days, status, in_force_text, expires_text
):
    today = local_today()
    in_force = today + timedelta(days=in_force_days) if in_force_days is not None else None
    expires = today + timedelta(days=expires_days) if expires_days is not None else None
    made = make_document(issued_on=today - timedelta(days=30), in_force_on=in_force,
                         expires_on=expires)  # fmt: skip

    info = info_table(reader_client.get(made.url).text)

    assert info["Tình trạng"] == status
    dates = {"in_force": f"{in_force:%d/%m/%Y}" if in_force else "",
             "expires": f"{expires:%d/%m/%Y}" if expires else ""}  # fmt: skip
    assert info["Ngày có hiệu lực"] == in_force_text.format(**dates)
    assert info["Ngày hết hiệu lực"] == expires_text.format(**dates)


def test_document_without_signer_or_fields_omits_those_rows(make_document, reader_client):
    made = make_document(signer=None)

    info = info_table(reader_client.get(made.url).text)

    assert "Người ký" not in info
    assert "Lĩnh vực" not in info
    assert info["Số ký hiệu"] == made.code


def test_unpublished_document_is_nowhere_to_be_seen(make_document, reader_client):
    hidden = make_document("99-CV/BTGTU", title="Công văn mật", published=False,
                           issued_on=local_today(), files=[(pdf_bytes(), "Mật.pdf")])  # fmt: skip
    make_document("1-CV/TEST", issued_on=local_today() - timedelta(days=1))
    (file_id,) = hidden.files

    assert_error_page(reader_client.get(hidden.url), statuses=(404,))
    assert_error_page(reader_client.get(f"/van-ban/tep/{file_id}", buffered=True), statuses=(404,))
    assert_error_page(
        reader_client.get(f"/van-ban/tep/{file_id}/xem", buffered=True), statuses=(404,)
    )
    assert "99-CV/BTGTU" not in reader_client.get("/van-ban/").text
    assert listed(reader_client.get("/van-ban/?q=cong+van+mat").text) == []
    assert [r["code"] for r in sidebar_block(reader_client.get("/").text)] == ["1-CV/TEST"]


def test_unknown_document_is_a_vietnamese_404(reader_client):
    assert_error_page(reader_client.get("/van-ban/khong-co-van-ban-nay"), statuses=(404,))


# --- counting views ------------------------------------------------------------------------------


def test_document_views_count_once_per_visitor_per_visit(app, make_document):
    made = make_document(issued_on=local_today())
    item = f"document:{made.id}"
    first, second = visitor(app), visitor(app)

    assert shown(first.get(made.url).text, item) == 1
    assert shown(first.get(made.url).text, item) == 1  # same reader, same visit
    assert shown(second.get(made.url).text, item) == 2
    assert shown(first.get("/").text, item) == 2  # the sidebar says the same

    flush(app)

    assert stored_counts(app, made)[0] == 2
    assert shown(first.get(made.url).text, item) == 2  # SQL now, nothing pending
    assert shown(second.get(made.url).text, item) == 2
    assert shown(visitor(app).get(made.url).text, item) == 3
    flush(app)
    assert stored_counts(app, made)[0] == 3


def test_each_document_counts_its_own_views(app, make_document):
    one, two = make_document(issued_on=local_today()), make_document(issued_on=local_today())
    reader = visitor(app)

    reader.get(one.url)
    page = reader.get(two.url).text

    assert shown(page, f"document:{two.id}") == 1
    assert shown(page, f"document:{one.id}") == 1


def test_document_views_do_not_count_bots(app, make_document):
    made = make_document(issued_on=local_today())
    visitor(app, user_agent="Googlebot/2.1 (+http://www.google.com/bot.html)").get(made.url)

    assert shown(visitor(app).get(made.url).text, f"document:{made.id}") == 1


def test_a_new_visit_counts_the_document_again(make_contextless_app, make_document):
    """With a one-second visit timeout, in real time, as production measures it."""
    app = make_contextless_app(VISIT_TIMEOUT_SECONDS=1)
    made = make_document(issued_on=local_today())
    item = f"document:{made.id}"
    reader = visitor(app)

    assert shown(reader.get(made.url).text, item) == 1
    for _ in range(3):  # a view every 0.5 s: the visit never lapses
        time.sleep(0.5)
        assert shown(reader.get(made.url).text, item) == 1
    time.sleep(1.3)

    assert shown(reader.get(made.url).text, item) == 2


def test_two_browsers_on_one_address_are_two_readers(app, make_document):
    """An office behind one address, everyone on the same browser version: each browser has
    its own cookie, and a view made with that cookie is that reader's."""
    made = make_document(issued_on=local_today())
    item = f"document:{made.id}"
    first, second = visitor(app, ip="198.51.100.20"), visitor(app, ip="198.51.100.20")
    first.get("/")
    second.get("/")  # each browser now holds its own visitor cookie
    assert first.get_cookie("vid").value != second.get_cookie("vid").value

    assert shown(first.get(made.url).text, item) == 1
    assert shown(second.get(made.url).text, item) == 2


# --- the "Văn bản mới" sidebar block -------------------------------------------------------------


@pytest.mark.parametrize("count", [2, 3])
def test_sidebar_lists_the_newest_published_documents(make_contextless_app, make_document, count):
    app = make_contextless_app(DOCUMENTS_SIDEBAR_COUNT=count)
    today = local_today()
    for n, days_ago in enumerate([40, 3, 20, 1, 10]):
        make_document(f"{n + 1}-CV/TEST", issued_on=today - timedelta(days=days_ago))
    make_document("99-CV/TEST", issued_on=today, published=False)

    for path in ("/", "/van-ban/", "/van-ban/1-cv-test"):
        rows = sidebar_block(visitor(app).get(path).text)
        assert [r["code"] for r in rows] == ["4-CV/TEST", "2-CV/TEST", "5-CV/TEST"][:count], path


def test_sidebar_row_shows_code_summary_and_counts(make_document, reader_client):
    make_document("118-HD/BTGTU", summary="Hướng dẫn tuyên truyền các ngày lễ lớn.",
                  issued_on=local_today())  # fmt: skip

    (row,) = sidebar_block(reader_client.get("/").text)

    assert row["code"] == "118-HD/BTGTU"
    assert row["summary"] == "Hướng dẫn tuyên truyền các ngày lễ lớn."
    assert row["counts"] == "lượt xem: 0 | lượt tải: 0"


def test_sidebar_shows_the_title_when_there_is_no_summary(make_document, reader_client):
    make_document("5/TB-UBND", title="Thông báo lịch tiếp công dân", summary="")

    (row,) = sidebar_block(reader_client.get("/").text)

    assert row["summary"] == "Thông báo lịch tiếp công dân"


def test_sidebar_cuts_long_summaries_at_a_word(make_contextless_app, make_document):
    app = make_contextless_app(DOCUMENTS_SUMMARY_LENGTH=40)
    summary = (
        "Hướng dẫn nội dung, hình thức tuyên truyền kỷ niệm các ngày lễ lớn, sự kiện lịch sử "
        "quan trọng của đất nước và của tỉnh trong quý."
    )
    make_document("118-HD/BTGTU", summary=summary)

    (row,) = sidebar_block(visitor(app).get("/").text)

    assert row["summary"].endswith("…")
    assert len(row["summary"]) <= 40
    cut = row["summary"][:-1]
    assert summary.startswith(cut)
    assert summary[len(cut)] == " "  # at a word boundary


def test_sidebar_cuts_summaries_just_over_the_length(make_contextless_app, make_document):
    """A summary a few characters over DOCUMENTS_SUMMARY_LENGTH is cut too, like a long one;
    one at the length is shown whole."""
    app = make_contextless_app(DOCUMENTS_SUMMARY_LENGTH=40)
    just_over = "Kế hoạch tổ chức Hội thi báo cáo viên tỉnh An"
    at_length = "Kế hoạch tổ chức Hội thi báo cáo viên ab"
    assert (len(just_over), len(at_length)) == (45, 40)
    make_document("1-KH/TEST", summary=just_over)
    make_document("2-KH/TEST", summary=at_length)

    rows = {r["code"]: r["summary"] for r in sidebar_block(visitor(app).get("/").text)}

    assert rows["2-KH/TEST"] == at_length
    assert rows["1-KH/TEST"] == "Kế hoạch tổ chức Hội thi báo cáo viên…"


@pytest.mark.parametrize(
    ("new_days", "days_ago", "badge"),
    [(7, 0, True), (7, 6, True), (7, 7, True), (7, 8, False), (7, 90, False),
     (2, 2, True), (2, 3, False), (0, 0, True), (0, 1, False)],
)  # fmt: skip
def test_new_badge_only_for_recently_issued_documents(
    make_contextless_app, make_document, new_days, days_ago, badge
):
    app = make_contextless_app(DOCUMENTS_NEW_DAYS=new_days)
    make_document("1-CV/TEST", issued_on=local_today() - timedelta(days=days_ago))

    (row,) = sidebar_block(visitor(app).get("/").text)

    assert row["new"] is badge


def test_sidebar_without_documents_is_not_shown(reader_client):
    page = reader_client.get("/").text

    assert reader_client.get("/").status_code == 200
    assert 'class="block block-documents"' not in page


def test_download_by_another_reader_shows_in_the_sidebar_and_api(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    item = f"document_download:{made.id}"
    reader = visitor(app)
    assert shown(reader.get("/").text, item) == 0
    assert api_stats(app)["items"][item] == 0

    assert visitor(app).get(f"/van-ban/tep/{made.files[0]}", buffered=True).status_code == 200

    page = reader.get("/").text
    assert shown(page, item) == 1
    (row,) = sidebar_block(page)
    assert row["counts"] == "lượt xem: 0 | lượt tải: 1"
    assert api_stats(app)["items"][item] == 1
    assert api_stats(app)["items"][f"document:{made.id}"] == 0


def test_sidebar_counts_use_thousands_separators(app, make_document):
    made = make_document(issued_on=local_today(), files=[(pdf_bytes(), "Tệp.pdf")])
    with app.app_context():
        document = db.session.get(Document, made.id)
        document.views, document.downloads = 12345, 1203
        db.session.commit()

    (row,) = sidebar_block(visitor(app).get("/van-ban/").text)

    assert row["counts"] == "lượt xem: 12,345 | lượt tải: 1,203"
