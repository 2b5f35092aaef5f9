"""The article editor in a real browser (Debian's Chromium driven by Playwright) against a real
gunicorn server: an administrator writes an article in the Quill editor, inserts an image
through the toolbar's image button (upload, then a caption prompt), publishes it, and a
reader finds the title, the text and the captioned figure on the public page."""

from __future__ import annotations

import io
from urllib.parse import urlsplit

import pytest
from browser import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    desktop_context,
    login,
    requires_chromium,
)
from PIL import Image, ImageDraw

TITLE = "Hội thảo chuyển đổi số năm 2024"
LEAD = "Hội thảo bàn về chuyển đổi số trong cơ quan nhà nước."
BODY_TEXT = "Sáng nay, hơn 200 đại biểu đã dự hội thảo tại hội trường tỉnh."
CAPTION = "Quang cảnh hội thảo chuyển đổi số"

pytestmark = [
    requires_chromium,
    pytest.mark.timeout(120),
]


@pytest.fixture
def page(context):
    return context.new_page()


def photo_png() -> bytes:
    """A small picture: a sky, a field and a sun."""
    image = Image.new("RGB", (320, 200), (120, 180, 235))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 130, 320, 200), fill=(60, 150, 60))
    draw.ellipse((240, 20, 290, 70), fill=(250, 210, 40))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_an_article_written_with_a_captioned_image_in_the_editor_is_published(server, page):
    dialogs: list[str] = []

    def answer(dialog):
        dialogs.append(f"{dialog.type}: {dialog.message}")
        if dialog.type == "prompt":  # the caption, asked once the upload succeeded
            dialog.accept(CAPTION)
        else:  # an alert means the upload failed: the assertions below say so
            dialog.accept()

    page.on("dialog", answer)
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/articles/new")

    page.fill("#title", TITLE)
    page.fill("#lead", LEAD)
    editor = page.locator(".ql-editor")
    editor.click()
    page.keyboard.type(BODY_TEXT)
    page.keyboard.press("Enter")
    with page.expect_file_chooser() as chooser:
        page.click(".ql-toolbar button.ql-image")
    chooser.value.set_files({"name": "hoi-thao.png", "mimeType": "image/png",
                             "buffer": photo_png()})  # fmt: skip
    editor.locator("figure img").wait_for(state="attached")
    assert dialogs and dialogs[0].startswith("prompt:"), dialogs
    assert editor.locator("figure figcaption").inner_text() == CAPTION
    page.select_option("#status", "published")
    page.click("#article-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path.rsplit("/", 1)[-1].isdigit())
    assert "Đã lưu bài viết." in page.locator("main").inner_text()

    public_link = page.locator("a", has_text="Xem trên trang")
    href = public_link.get_attribute("href")
    assert href and href.startswith("/tin-tuc/"), href
    reader = desktop_context(page.context.browser, timeout=None)
    try:
        public = reader.new_page()
        response = public.goto(server.url(href))
        assert response is not None and response.status == 200
        assert public.locator("h1.article-title").inner_text().strip() == TITLE
        body = public.locator(".article-body")
        assert BODY_TEXT in body.inner_text()
        figure = body.locator("figure")
        assert figure.count() == 1
        assert figure.locator("figcaption").inner_text().strip() == CAPTION
        image = figure.locator("img")
        assert (image.get_attribute("src") or "").startswith("/media/")
        public.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        assert image.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [320, 200]
    finally:
        reader.close()
    assert [d for d in dialogs if not d.startswith("prompt:")] == [], dialogs


HOSTILE_BODY = (
    "<p>Đoạn văn còn giữ lại.</p>"
    '<img src="/khong-co-anh.png" onerror="window.__hacked = true">'
    '<p><img src=x onerror="window.__hacked = true"></p>'
)


def test_a_refused_save_puts_the_body_back_without_running_what_was_typed(server, page):
    """Self-XSS: the 400 page gives the typed body back to the editor, which must not turn it
    into live DOM with its handlers (it once did, through innerHTML)."""
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => "
        "window.__violations.push(e.violatedDirective));"
    )
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/articles/new")
    page.fill("#lead", LEAD)  # the title stays empty: the save is refused
    page.wait_for_function("window.articleEditor !== undefined")

    # HTMLFormElement.submit() skips the submit event, so the editor cannot replace the
    # textarea's value with its own (clean) HTML: the server gets the payload as typed.
    with page.expect_navigation():
        page.evaluate(
            """body => {
                const source = document.querySelector('textarea.body-source');
                source.value = body;
                source.form.submit();
            }""",
            HOSTILE_BODY,
        )

    assert "Bài viết chưa được lưu" in page.locator("main").inner_text()
    page.wait_for_function("window.articleEditor !== undefined")
    page.wait_for_timeout(300)  # any image the editor created has failed to load by now
    assert "Đoạn văn còn giữ lại." in page.locator(".ql-editor").inner_text()
    assert page.evaluate("window.__hacked") is None
    assert page.locator("[onerror]").count() == 0
    assert page.evaluate("window.__violations") == []
