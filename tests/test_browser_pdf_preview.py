"""The PDF preview in a real browser (Debian's Chromium driven by Playwright) against a real
gunicorn + gevent server, under the site's Content-Security-Policy: an administrator attaches a
PDF whose /OpenAction is JavaScript (`app.alert(...)`); a reader opens the public document page
and sees its page drawn by the vendored pdf.js on a canvas, and the document's script never
runs (no dialog), with no console error and no CSP violation."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from browser import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    desktop_context,
    login,
    requires_chromium,
)

pytestmark = [
    requires_chromium,
    pytest.mark.timeout(120),
]

CODE = "99/TB-PDFJS"
SLUG = "99-tb-pdfjs"
FILL = (0, 102, 204)  # the page's blue rectangle, as pdf.js paints it
BOT = {"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}  # counts nothing
PAYLOAD = 'app.alert("PDF script ran"); this.print(); app.launchURL("https://evil.example/");'


def hostile_pdf() -> bytes:
    """One page with a blue rectangle and a line of text; JavaScript at open (/OpenAction),
    in the document's name tree and as the page's open action. Offsets computed, so pdf.js
    reads it without repairing."""
    js = PAYLOAD.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    content = (
        b"0 0.4 0.8 rg 20 20 260 160 re f\n"
        b"BT /F1 20 Tf 1 1 1 rg 40 95 Td (Van ban thu nghiem) Tj ET\n"
    )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R"
        b" /Names << /JavaScript << /Names [(open) 4 0 R] >> >> >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 300 200] /Contents 5 0 R"
        b" /Resources << /Font << /F1 6 0 R >> >> /AA << /O 4 0 R >> >>",
        b"<< /S /JavaScript /JS (" + js.encode() + b") >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"endstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def attach_as_administrator(page, server) -> None:
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/documents/new")
    page.fill("#code", CODE)
    page.fill("#title", "Thông báo kèm tệp PDF có mã lệnh")
    page.fill("#issued_on", "05/01/2026")
    upload = {"name": "Thông báo mã lệnh.pdf", "mimeType": "application/pdf",
              "buffer": hostile_pdf()}  # fmt: skip
    page.set_input_files("#files", upload)
    page.click("form.document-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path.rsplit("/", 1)[-1].isdigit())
    assert "Đã lưu văn bản" in page.locator("main").inner_text()


def preview_pixels(page, condition: str) -> int:
    """How many pixels of the first preview canvas meet `condition`, a JavaScript expression
    of their `r`, `g` and `b`."""
    return page.evaluate(
        """() => {
            const canvas = document.querySelector('.pdf-preview canvas');
            const context = canvas.getContext('2d');
            const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
            let n = 0;
            for (let i = 0; i < data.length; i += 4) {
              const r = data[i], g = data[i + 1], b = data[i + 2];
              if (CONDITION) n++;
            }
            return n;
        }""".replace("CONDITION", condition)
    )


def painted_blue_pixels(page) -> int:
    """How many pixels of the first preview canvas carry the page's blue fill."""
    r, g, b = FILL
    return preview_pixels(
        page, f"Math.abs(r - {r}) < 8 && Math.abs(g - {g}) < 8 && Math.abs(b - {b}) < 8"
    )


def record_problems(page) -> list[str]:
    """The console errors and uncaught exceptions of `page` from now on, in the list returned;
    its CSP violations in `window.__violations` of each document it loads."""
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => "
        "window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));"
    )
    return errors


def test_a_pdf_with_javascript_is_drawn_by_pdfjs_and_its_script_never_runs(server, context):
    attach_as_administrator(context.new_page(), server)
    reader = desktop_context(context.browser)
    dialogs: list[str] = []
    try:
        page = reader.new_page()
        page.on("dialog", lambda d: (dialogs.append(f"{d.type}: {d.message}"), d.dismiss()))
        errors = record_problems(page)

        response = page.goto(server.url(f"/van-ban/{SLUG}"))

        assert response is not None and response.status == 200
        preview = page.locator(".pdf-preview")
        page.wait_for_selector(".pdf-preview[data-state=ready]")
        assert preview.locator("canvas").count() == 1
        assert painted_blue_pixels(page) > 1000, "the page was not painted"
        assert page.locator("iframe, embed, object").count() == 0
        page.wait_for_timeout(500)  # anything the document could have started has started
        assert dialogs == []
        assert page.evaluate("window.__violations") == []
        assert errors == []
    finally:
        reader.close()


def test_a_seeded_document_with_an_embedded_vietnamese_font_is_drawn_cleanly(server, context):
    """The demo documents embed DejaVu Sans (pdf.js loads it as a FontFace under the CSP)."""
    page = context.new_page()
    errors = record_problems(page)
    listing = server.get("/van-ban/", BOT).text
    paths = [p for p in dict.fromkeys(re.findall(r'href="(/van-ban/[a-z0-9-]+)"', listing))]
    paths = [p for p in paths if p != f"/van-ban/{SLUG}"]
    with_pdf = next((p for p in paths if 'class="pdf-preview"' in server.get(p, BOT).text), None)
    assert with_pdf, "no seeded document has a PDF"

    page.goto(server.url(with_pdf))

    page.wait_for_selector(".pdf-preview[data-state=ready]")
    ink = preview_pixels(page, "r < 100 && g < 100")
    assert ink > 500, "no text was drawn"
    assert page.evaluate("window.__violations") == []
    assert errors == []
