"""The inline PDF preview: served sandboxed, framed only by our own pages."""

from __future__ import annotations

import io
from datetime import date

from app.demo.pdf import document_pdf
from app.documents.services import (
    attach_file,
    create_document,
    get_or_create_issuer,
    get_or_create_type,
)


def _document_with(app, data: bytes, name: str) -> int:
    document = create_document(
        code="7/TB-UBND", title="Thông báo lịch tiếp công dân", summary="Lịch tiếp công dân.",
        type=get_or_create_type("Thông báo"), issuer=get_or_create_issuer("UBND tỉnh"),
        issued_on=date(2026, 1, 5),
    )  # fmt: skip
    return attach_file(document, io.BytesIO(data), name).id


def test_pdf_preview_is_inline_and_sandboxed(app, client):
    pdf = document_pdf("UBND tỉnh", "7/TB-UBND", "Thông báo", ["Nội dung."], "Chủ tịch")
    file_id = _document_with(app, pdf, "Thông báo số 7.pdf")

    response = client.get(f"/van-ban/tep/{file_id}/xem", buffered=True)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("inline;")
    policy = [p.strip() for p in response.headers["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy
    assert "frame-ancestors 'self'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.data == pdf


def test_detail_page_frames_the_preview_without_an_iframe_sandbox(app, client):
    """Chromium shows no PDF inside <iframe sandbox>; the header does the sandboxing."""
    pdf = document_pdf("UBND tỉnh", "7/TB-UBND", "Thông báo", ["Nội dung."], "Chủ tịch")
    file_id = _document_with(app, pdf, "Thông báo số 7.pdf")

    page = client.get("/van-ban/7-tb-ubnd").get_data(as_text=True)

    frame = page[page.index("<iframe") : page.index("</iframe>")]
    assert f'src="/van-ban/tep/{file_id}/xem"' in frame
    assert " sandbox" not in frame
