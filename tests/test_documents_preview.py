"""The PDF preview: drawn by the vendored pdf.js from our own origin, never by the browser's
PDF viewer (which runs a document's JavaScript); the file itself is only ever an attachment.
The browser side is in tests/test_browser_pdf_preview.py."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

from app.demo.pdf import document_pdf
from app.documents.operations import (
    attach_file,
    create_document,
    get_or_create_issuer,
    get_or_create_type,
)

ROOT = Path(__file__).resolve().parent.parent
PDFJS = "vendor/pdfjs-6.5.438"


def _document_with(app, data: bytes, name: str) -> int:
    document = create_document(
        code="7/TB-UBND", title="Thông báo lịch tiếp công dân", summary="Lịch tiếp công dân.",
        type=get_or_create_type("Thông báo"), issuer=get_or_create_issuer("UBND tỉnh"),
        issued_on=date(2026, 1, 5),
    )  # fmt: skip
    return attach_file(document, io.BytesIO(data), name).id


def _pdf() -> bytes:
    return document_pdf("UBND tỉnh", "7/TB-UBND", "Thông báo", ["Nội dung."], "Chủ tịch")


def test_the_preview_data_is_an_attachment_a_browser_never_renders(app, client):
    pdf = _pdf()
    file_id = _document_with(app, pdf, "Thông báo số 7.pdf")

    response = client.get(f"/van-ban/tep/{file_id}/xem", buffered=True)

    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    policy = [p.strip() for p in response.headers["Content-Security-Policy"].split(";")]
    assert "sandbox" in policy and "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cross-Origin-Resource-Policy"] == "same-origin"
    assert response.data == pdf


def test_the_preview_does_not_count_as_a_download(app, client):
    file_id = _document_with(app, _pdf(), "Thông báo số 7.pdf")

    client.get(f"/van-ban/tep/{file_id}/xem", buffered=True)
    page = client.get("/van-ban/7-tb-ubnd").get_data(as_text=True)

    assert re.search(r'data-live-item="document_download:\d+">0<', page)


def test_the_detail_page_draws_the_pdf_with_pdfjs_not_the_browser_viewer(app, client):
    file_id = _document_with(app, _pdf(), "Thông báo số 7.pdf")

    page = client.get("/van-ban/7-tb-ubnd").get_data(as_text=True)

    assert f'<div class="pdf-preview" data-pdf="/van-ban/tep/{file_id}/xem"' in page
    assert '<script type="module" src="/static/js/pdf-preview.js"></script>' in page
    # The pages scroll inside the region (80 % of the window): keyboard users reach it too.
    assert re.search(r'<div class="pdf-preview"[^>]* role="region" tabindex="0">', page)
    for viewer in ("<iframe", "<embed", "<object"):
        assert viewer not in page


def test_a_document_without_a_pdf_loads_no_preview_script(app, client):
    create_document(
        code="8/TB-UBND", title="Thông báo không tệp", summary="Không có tệp.",
        type=get_or_create_type("Thông báo"), issuer=get_or_create_issuer("UBND tỉnh"),
        issued_on=date(2026, 1, 6),
    )  # fmt: skip

    page = client.get("/van-ban/8-tb-ubnd").get_data(as_text=True)

    assert "pdf-preview" not in page


def test_the_vendored_pdfjs_has_no_scripting_bundle_and_is_served_as_javascript(client):
    folder = ROOT / "static" / PDFJS
    shipped = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())

    assert "pdf.min.mjs" in shipped and "pdf.worker.min.mjs" in shipped and "LICENSE" in shipped
    # The scripting sandbox (pdf.sandbox, QuickJS) is what would run a document's JavaScript.
    assert not [name for name in shipped if "sandbox" in name or "quickjs" in name]
    for name in ("pdf.min.mjs", "pdf.worker.min.mjs"):
        response = client.get(f"/static/{PDFJS}/{name}")
        assert response.status_code == 200
        assert response.mimetype in {"text/javascript", "application/javascript"}
        response.close()
    script = (ROOT / "static" / "js" / "pdf-preview.js").read_text()
    assert f'from "../{PDFJS}/pdf.min.mjs"' in script
    assert "enableXfa: false" in script and "isEvalSupported: false" in script
    assert "innerHTML" not in script
