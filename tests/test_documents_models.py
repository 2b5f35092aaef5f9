"""Documents: status derived from the dates, replacement chains, related documents, search
text, and what an attached file may be (recognised by its bytes, never by its name)."""

from __future__ import annotations

import io
import itertools
import re
import struct
import tracemalloc
import zipfile
from datetime import date
from pathlib import Path

import pytest
from document_files import (
    CONTENT_TYPES_XML,
    ODS,
    ODT,
    docx_bytes,
    odf_bytes,
    ole2_bytes,
    pdf_bytes,
    xlsx_bytes,
    zip_bytes,
)
from sqlalchemy import func, select

from app.documents import files
from app.documents.filters import Filters, query
from app.documents.models import Document, DocumentFile
from app.documents.operations import (
    attach_file,
    create_document,
    get_or_create_issuer,
    get_or_create_signer,
    get_or_create_type,
    update_document,
)
from app.extensions import db
from app.slugs import fold

# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def make_document_row(app):
    """Create a published document and return the row itself (a Document of the test's session,
    which keeps the app context pushed), unlike conftest's `make_document`; `file` (bytes) is
    attached under `file_name`."""
    counter = itertools.count(1)

    def factory(
        code: str | None = None,
        *,
        title: str | None = None,
        type: str = "Hướng dẫn",
        issuer: str = "Ban Tuyên giáo Tỉnh ủy",
        signer: tuple[str, str] | None = ("Đoàn Thị Mỹ Hạnh", "Phó Trưởng ban"),
        issued_on: date = date(2024, 3, 15),
        file: bytes | None = None,
        file_name: str = "Văn bản.pdf",
        **values,
    ) -> Document:
        n = next(counter)
        document = create_document(
            code=code or f"{n}-HD/TEST",
            title=title or f"Văn bản thử nghiệm số {n}",
            type=get_or_create_type(type),
            issuer=get_or_create_issuer(issuer),
            signer=get_or_create_signer(*signer) if signer else None,
            issued_on=issued_on,
            **values,
        )
        if file is not None:
            attach_file(document, io.BytesIO(file), file_name)
        return document

    return factory


def storage(app) -> Path:
    return Path(app.instance_path) / "uploads" / "documents"


def stored_files(app) -> list[Path]:
    folder = storage(app)
    return sorted(folder.iterdir()) if folder.exists() else []


def file_rows() -> int:
    return db.session.scalar(select(func.count(DocumentFile.id)))


# --- status --------------------------------------------------------------------------------------

IN_FORCE_ON = date(2024, 3, 1)
EXPIRES_ON = date(2024, 12, 31)


@pytest.mark.parametrize(
    ("today", "label"),
    [
        (date(2024, 2, 15), "Chưa có hiệu lực"),  # issued, not in force yet
        (date(2024, 2, 29), "Chưa có hiệu lực"),
        (date(2024, 3, 1), "Còn hiệu lực"),  # the in-force day itself
        (date(2024, 12, 30), "Còn hiệu lực"),
        (date(2024, 12, 31), "Hết hiệu lực"),  # the expiry day: no longer in force
        (date(2030, 1, 1), "Hết hiệu lực"),
    ],
)
def test_status_follows_in_force_and_expiry_dates(make_document_row, today, label):
    document = make_document_row(
        issued_on=date(2024, 2, 10), in_force_on=IN_FORCE_ON, expires_on=EXPIRES_ON
    )

    assert document.status_label(today) == label
    assert document.in_force(today) is (label == "Còn hiệu lực")


def test_document_without_dates_is_in_force_from_issue_forever(make_document_row):
    document = make_document_row(issued_on=date(2024, 3, 15))

    assert document.status_label(date(2024, 3, 15)) == "Còn hiệu lực"
    assert document.status_label(date(2099, 1, 1)) == "Còn hiệu lực"


def test_status_is_computed_for_each_day_never_stored(make_document_row):
    document = make_document_row(
        issued_on=date(2024, 2, 10), in_force_on=IN_FORCE_ON, expires_on=EXPIRES_ON
    )
    db.session.expire_all()
    reloaded = db.session.get(Document, document.id)

    # One row, no write in between: three answers for three days.
    labels = [reloaded.status_label(d) for d in (date(2024, 2, 20), date(2024, 6, 1),
                                                   date(2025, 6, 1))]  # fmt: skip
    assert labels == ["Chưa có hiệu lực", "Còn hiệu lực", "Hết hiệu lực"]
    columns = {c.name for c in Document.__table__.columns}
    assert not {"status", "in_force", "expired", "is_expired"} & columns


def test_list_filters_agree_with_the_status_shown_on_every_boundary_day(make_document_row):
    made = [
        make_document_row(issued_on=date(2024, 1, 1)),
        make_document_row(issued_on=date(2024, 1, 1), in_force_on=date(2024, 3, 1)),
        make_document_row(issued_on=date(2024, 1, 1), expires_on=date(2024, 6, 1)),
        make_document_row(
            issued_on=date(2024, 1, 1), in_force_on=date(2024, 3, 1), expires_on=date(2024, 6, 1)
        ),  # fmt: skip
    ]
    for today in (date(2024, 2, 29), date(2024, 3, 1), date(2024, 5, 31), date(2024, 6, 1)):
        in_force = {d.code for d in db.session.scalars(query(Filters(status="con-hieu-luc"),
                                                             today))}  # fmt: skip
        expired = {d.code for d in db.session.scalars(query(Filters(status="het-hieu-luc"),
                                                            today))}  # fmt: skip
        assert in_force == {d.code for d in made if d.status_label(today) == "Còn hiệu lực"}, today
        assert expired == {d.code for d in made if d.status_label(today) == "Hết hiệu lực"}, today


# --- replacement chain and related documents ------------------------------------------------------


def chain_section(html: str, heading: str) -> list[str]:
    """The codes listed under `heading` in the page's "Thay thế" section, in order."""
    chain = re.search(r'<section class="doc-chain">(.*?)</section>', html, re.S)
    if not chain:
        return []
    part = re.search(rf"<p>{re.escape(heading)}</p>\s*<ul>(.*?)</ul>", chain.group(1), re.S)
    return re.findall(r'<a href="/van-ban/[^"]+">([^<]+)</a>', part.group(1)) if part else []


REPLACES = "Văn bản này thay thế:"
REPLACED_BY = "Văn bản này đã được thay thế bởi:"


@pytest.fixture
def chain(make_document_row):
    """A ← B ← C: B replaces A, C replaces B."""
    a = make_document_row("12/QĐ-STTTT", type="Quyết định", issued_on=date(2022, 1, 10))
    b = make_document_row(
        "87/QĐ-STTTT", type="Quyết định", issued_on=date(2023, 5, 2), replaces=[a]
    )
    c = make_document_row("145/QĐ-STTTT", type="Quyết định", issued_on=date(2024, 8, 20),
                      replaces=[b])  # fmt: skip
    return a, b, c


def test_replacement_chain_is_followed_in_both_directions(chain):
    a, b, c = chain

    assert c.replacement_chain() == ([b, a], [])
    assert b.replacement_chain() == ([a], [c])
    assert a.replacement_chain() == ([], [b, c])


def test_newest_document_page_lists_everything_it_replaced(chain, client):
    a, b, c = chain

    html = client.get(f"/van-ban/{c.slug}").text

    assert chain_section(html, REPLACES) == ["87/QĐ-STTTT", "12/QĐ-STTTT"]
    assert chain_section(html, REPLACED_BY) == []


def test_oldest_document_page_lists_everything_that_replaced_it(chain, client):
    a, b, c = chain

    html = client.get(f"/van-ban/{a.slug}").text

    assert chain_section(html, REPLACED_BY) == ["87/QĐ-STTTT", "145/QĐ-STTTT"]
    assert chain_section(html, REPLACES) == []


def test_middle_document_page_lists_both_sides(chain, client):
    a, b, c = chain

    html = client.get(f"/van-ban/{b.slug}").text

    assert chain_section(html, REPLACES) == ["12/QĐ-STTTT"]
    assert chain_section(html, REPLACED_BY) == ["145/QĐ-STTTT"]


def test_document_without_replacements_has_no_chain_section(make_document_row, client):
    document = make_document_row("5/TB-UBND")

    html = client.get(f"/van-ban/{document.slug}").text

    assert 'class="doc-chain"' not in html


def related_codes(html: str) -> list[str]:
    section = re.search(r'<section class="doc-related">(.*?)</section>', html, re.S)
    return re.findall(r'<a href="/van-ban/[^"]+">([^<]+)</a>', section.group(1)) if section else []


def test_related_documents_are_listed_on_both_sides(make_document_row, client):
    plan = make_document_row("45-KH/BTGTU", type="Kế hoạch", issued_on=date(2024, 1, 5))
    guide = make_document_row("118-HD/BTGTU", issued_on=date(2024, 3, 15), related=[plan])
    other = make_document_row("27-TB/BTGTU", type="Thông báo", issued_on=date(2024, 2, 1),
                          related=[guide])  # fmt: skip

    assert [d.code for d in plan.related] == ["118-HD/BTGTU"]
    # Newest issue date first, whichever side stored the link.
    assert [d.code for d in guide.related] == ["27-TB/BTGTU", "45-KH/BTGTU"]
    assert related_codes(client.get(f"/van-ban/{plan.slug}").text) == ["118-HD/BTGTU"]
    assert related_codes(client.get(f"/van-ban/{guide.slug}").text) == [
        "27-TB/BTGTU",
        "45-KH/BTGTU",
    ]
    assert related_codes(client.get(f"/van-ban/{other.slug}").text) == ["118-HD/BTGTU"]


def test_a_relation_stored_from_both_sides_is_listed_once(make_document_row, client):
    first = make_document_row("1-CV/TEST", type="Công văn")
    second = make_document_row("2-CV/TEST", type="Công văn", related=[first])
    update_document(first, related=[second])

    assert related_codes(client.get(f"/van-ban/{first.slug}").text) == ["2-CV/TEST"]
    assert related_codes(client.get(f"/van-ban/{second.slug}").text) == ["1-CV/TEST"]


def test_a_document_is_never_related_to_or_replacing_itself(make_document_row):
    document = make_document_row("3-CV/TEST")
    update_document(document, related=[document], replaces=[document])

    assert document.related == []
    assert document.replacement_chain() == ([], [])


# --- search text --------------------------------------------------------------------------------


def test_search_text_folds_code_title_and_summary(make_document_row):
    document = make_document_row(
        "1827/QĐ-UBND",
        title="Quyết định Ban hành ĐỀ ÁN chuyển đổi số",
        summary="Phê duyệt Đề án “Chuyển đổi số” tỉnh An Hòa giai đoạn 2024–2025.",
    )

    assert document.search_text == (
        "1827/qd-ubnd quyet dinh ban hanh de an chuyen doi so phe duyet de an "
        "“chuyen doi so” tinh an hoa giai đoan 2024–2025.".replace("đ", "d")
    )
    assert document.search_text == fold(document.search_text)


def test_search_text_follows_edits(make_document_row):
    document = make_document_row("9-HD/TEST", title="Hướng dẫn cũ")

    update_document(document, title="Kế hoạch mới", code="10-KH/TEST")

    assert "ke hoach moi" in document.search_text
    assert "10-kh/test" in document.search_text
    assert "huong dan cu" not in document.search_text
    assert document.slug == "10-kh-test"


def test_code_whitespace_is_normalised(make_document_row):
    document = make_document_row("  118-HD/BTGTU  ")

    assert document.code == "118-HD/BTGTU"
    assert document.slug == "118-hd-btgtu"


# --- files: accepted ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name", "content_type", "shown_name"),
    [
        (pdf_bytes(), "Hướng dẫn số 118.pdf", "application/pdf", "Hướng dẫn số 118.pdf"),
        (docx_bytes(), "Công văn 1383.docx",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "Công văn 1383.docx"),
        (xlsx_bytes(), "Báo cáo số liệu.xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "Báo cáo số liệu.xlsx"),
        (odf_bytes(ODT), "Kế hoạch.odt", ODT, "Kế hoạch.odt"),
        (odf_bytes(ODS), "Bảng tổng hợp.ods", ODS, "Bảng tổng hợp.ods"),
        (ole2_bytes(), "Quyết định cũ.doc", "application/msword", "Quyết định cũ.doc"),
        (ole2_bytes(), "Thống kê.XLS", "application/vnd.ms-excel", "Thống kê.xls"),
        # The extension shown follows the content, whatever the name said.
        (docx_bytes(), "Tờ trình.pdf",
         "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
         "Tờ trình.docx"),
        (pdf_bytes(), "Thông báo", "application/pdf", "Thông báo.pdf"),
        (pdf_bytes(), "../../etc/Kế hoạch.pdf", "application/pdf", "Kế hoạch.pdf"),
        (pdf_bytes(), "C:\\Users\\an\\Tờ trình.pdf", "application/pdf", "Tờ trình.pdf"),
    ],
)  # fmt: skip
def test_allowed_files_are_recognised_by_their_content(
    app, make_document_row, content, name, content_type, shown_name
):
    document = make_document_row()

    attached = attach_file(document, io.BytesIO(content), name)

    assert attached.content_type == content_type
    assert attached.original_name == shown_name
    assert attached.size == len(content)
    assert document.files == [attached]


def test_stored_file_has_a_generated_name_under_instance_uploads(app, make_document_row):
    content = pdf_bytes("Nội dung hướng dẫn")
    document = make_document_row()

    first = attach_file(document, io.BytesIO(content), "Hướng dẫn số 118.pdf")
    second = attach_file(document, io.BytesIO(content), "Hướng dẫn số 118.pdf")

    assert stored_files(app) == sorted([storage(app) / first.stored_name,
                                        storage(app) / second.stored_name])  # fmt: skip
    for attached in (first, second):
        assert re.fullmatch(r"[0-9a-f]{32}", attached.stored_name)
        assert (storage(app) / attached.stored_name).read_bytes() == content
        assert attached.original_name == "Hướng dẫn số 118.pdf"
    assert first.stored_name != second.stored_name
    assert [f.position for f in document.files] == [0, 1]


# --- files: refused -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "name"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 200, "Hướng dẫn.pdf"),
        (b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200, "Công văn.pdf"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "Thông báo.pdf"),
        (b"<html><body>%PDF-1.4</body></html>", "Báo cáo.pdf"),
        (b"#!/bin/sh\nrm -rf /\n", "Kế hoạch.pdf"),
        (ole2_bytes(), "Quyết định.pdf"),  # legacy Office file under a PDF name
        (ole2_bytes(), "Quyết định.docx"),
        (ole2_bytes(), "Quyết định"),
        (zip_bytes({"readme.txt": b"xin chao"}), "Tài liệu.docx"),  # a zip, not Office
        (zip_bytes({"[Content_Types].xml": CONTENT_TYPES_XML}), "Tài liệu.docx"),
        (zip_bytes({"mimetype": b"application/epub+zip", "x.xml": b"<x/>"}), "Sách.odt"),
        (b"PK\x03\x04" + b"\x00" * 100, "Hỏng.docx"),  # zip signature, corrupt archive
        (b"\xd0\xcf\x11\xe0", "Cụt.doc"),  # half an OLE2 header
    ],
)
def test_files_that_are_not_documents_are_refused(app, make_document_row, content, name):
    document = make_document_row()

    with pytest.raises(files.FileRejected) as refused:
        attach_file(document, io.BytesIO(content), name)

    assert str(refused.value)  # a message for the editor
    db.session.rollback()
    assert file_rows() == 0
    assert stored_files(app) == []


def test_empty_file_is_refused(app, make_document_row):
    document = make_document_row()

    with pytest.raises(files.FileRejected, match="Tệp rỗng"):
        attach_file(document, io.BytesIO(b""), "Trống.pdf")

    db.session.rollback()
    assert file_rows() == 0
    assert stored_files(app) == []


def test_file_over_the_configured_limit_is_refused_and_one_at_the_limit_accepted(make_app):
    small = make_app(DOCUMENT_MAX_BYTES=1000, STATS_BACKGROUND=False)
    at_limit = pdf_bytes().ljust(1000, b" ")
    over = pdf_bytes().ljust(1001, b" ")
    with small.app_context():
        document = create_document(
            code="1-CV/TEST", title="Công văn", type=get_or_create_type("Công văn"),
            issuer=get_or_create_issuer("UBND tỉnh An Hòa"), issued_on=date(2024, 1, 1),
        )  # fmt: skip

        with pytest.raises(files.FileRejected, match="dung lượng"):
            attach_file(document, io.BytesIO(over), "Quá lớn.pdf")
        db.session.rollback()
        accepted = attach_file(document, io.BytesIO(at_limit), "Vừa đủ.pdf")

        assert accepted.size == 1000
        assert [f.original_name for f in document.files] == ["Vừa đủ.pdf"]
        assert len(stored_files(small)) == 1
        db.session.remove()
        db.engine.dispose()


def zeros_zip(members: dict[str, int], chunk: int = 1024 * 1024) -> bytes:
    """A docx-looking zip whose members hold the given number of zero bytes, written in
    chunks so the test never holds them in memory."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        for name, size in members.items():
            with archive.open(name, "w", force_zip64=True) as member:
                zeros = bytes(chunk)
                for _ in range(size // chunk):
                    member.write(zeros)
                member.write(bytes(size % chunk))
    return out.getvalue()


def test_zip_bomb_declaring_a_huge_unpacked_size_is_refused(app, make_document_row):
    bomb = zeros_zip({"word/document.xml": 300 * 1024 * 1024})
    assert len(bomb) < 2 * 1024 * 1024  # it would pass the size limit
    document = make_document_row()

    with pytest.raises(files.FileRejected, match="giải nén"):
        attach_file(document, io.BytesIO(bomb), "Hướng dẫn.docx")

    db.session.rollback()
    assert stored_files(app) == []


def test_unpacked_size_limit_counts_every_entry(app, make_document_row, monkeypatch):
    monkeypatch.setattr(files, "MAX_UNPACKED", 3 * 1024 * 1024)
    document = make_document_row()
    fits = zeros_zip({"word/document.xml": 1024 * 1024, "word/media/a.bin": 1024 * 1024})
    too_big = zeros_zip({"word/document.xml": 1024 * 1024, "word/media/a.bin": 1024 * 1024,
                         "word/media/b.bin": 2 * 1024 * 1024})  # fmt: skip

    assert attach_file(document, io.BytesIO(fits), "Vừa.docx").original_name == "Vừa.docx"
    with pytest.raises(files.FileRejected, match="giải nén"):
        attach_file(document, io.BytesIO(too_big), "Quá.docx")


def test_zip_with_too_many_entries_is_refused(app, make_document_row):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES_XML)
        archive.writestr("word/document.xml", b"<w:document/>")
        for n in range(files.MAX_ENTRIES):
            archive.writestr(f"word/parts/{n}.xml", b"")
    document = make_document_row()

    with pytest.raises(files.FileRejected):
        attach_file(document, io.BytesIO(out.getvalue()), "Nhiều phần.docx")


def lying_odt(payload_size: int) -> bytes:
    """An ODT whose `mimetype` entry declares 39 bytes but inflates to 39 + `payload_size`."""
    mimetype = ODT.encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        info = zipfile.ZipInfo("mimetype")
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w") as member:
            member.write(mimetype)
            zeros = bytes(1024 * 1024)
            for _ in range(payload_size // len(zeros)):
                member.write(zeros)
    data = bytearray(out.getvalue())
    # The uncompressed size, in the local header and in the central directory.
    struct.pack_into("<I", data, data.find(b"PK\x03\x04") + 22, len(mimetype))
    struct.pack_into("<I", data, data.rfind(b"PK\x01\x02") + 24, len(mimetype))
    return bytes(data)


def test_entry_lying_about_its_size_is_refused_without_unpacking_it(app, make_document_row):
    """A few hundred KB that inflate to 200 MB while the header says 39 bytes: checking the
    ODF mimetype must read only its first bytes, not inflate the whole entry in memory."""
    bomb = lying_odt(200 * 1024 * 1024)
    assert len(bomb) < 1024 * 1024
    document = make_document_row()

    tracemalloc.start()
    try:
        with pytest.raises(files.FileRejected):
            attach_file(document, io.BytesIO(bomb), "Kế hoạch.odt")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert peak < 20 * 1024 * 1024, f"checking a {len(bomb)}-byte upload took {peak:,} bytes"
    db.session.rollback()
    assert stored_files(app) == []


def test_odf_detection_uses_content_not_declared_name(app, make_document_row):
    document = make_document_row()

    attached = attach_file(document, io.BytesIO(odf_bytes(ODS)), "Bảng.odt")

    assert attached.original_name == "Bảng.ods"
    assert attached.content_type == ODS
