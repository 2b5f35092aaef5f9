"""The article editor in a real browser (Debian's Chromium driven by Playwright) against a real
gunicorn server: an administrator writes an article in TinyMCE, aligns a paragraph, inserts a
captioned image from the media library (the toolbar's "Thư viện ảnh", uploading in the picker)
and a YouTube video (the media dialog, the iframe built by the server), publishes it, and a
reader finds all of it on the public page; a refused save gives the body back without running
what was typed."""

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
VIDEO = "https://youtu.be/dQw4w9WgXcQ?t=42"
EMBED_SRC = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?start=42"

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


def wait_for_editor(page) -> None:
    page.wait_for_function("() => window.articleEditor && window.articleEditor.initialized")


def test_an_article_written_in_the_editor_is_published_as_written(server, page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/articles/new")
    wait_for_editor(page)

    page.fill("#title", TITLE)
    page.fill("#lead", LEAD)
    body = page.frame_locator("iframe.tox-edit-area__iframe").locator("body")
    body.click()
    page.keyboard.type(BODY_TEXT)
    page.click("button[data-mce-name='aligncenter']")
    page.keyboard.press("End")
    page.keyboard.press("Enter")

    # The media library's picker: upload a picture, caption it, insert it.
    page.click("button[data-mce-name='thuvienanh']")
    page.locator("#media-picker").wait_for(state="visible")
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Tải ảnh mới lên").click()
    chooser.value.set_files({"name": "hoi-thao.png", "mimeType": "image/png",
                             "buffer": photo_png()})  # fmt: skip
    page.locator("#media-picker-alt").wait_for(state="visible")
    page.locator("#media-picker-alt").fill("Đại biểu trong hội trường")
    page.locator("#media-picker-caption").fill(CAPTION)
    page.get_by_role("button", name="Chèn ảnh").click()
    body.locator("figure.image img").wait_for(state="attached")

    # A video: the media dialog asks the server for the embed of the address typed.
    page.click("button[data-mce-name='media']")
    dialog = page.locator(".tox-dialog")
    dialog.locator("input[type=url]").first.fill(VIDEO)
    dialog.locator("button", has_text="Lưu").click()
    page.wait_for_function("src => window.articleEditor.getContent().includes(src)", arg=EMBED_SRC)

    page.select_option("#status", "published")
    page.click("#article-form button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path.rsplit("/", 1)[-1].isdigit())
    assert "Đã lưu bài viết." in page.locator("main").inner_text()

    href = page.locator("a", has_text="Xem trên trang").get_attribute("href")
    assert href and href.startswith("/tin-tuc/"), href
    reader = desktop_context(page.context.browser, timeout=None)
    try:
        public = reader.new_page()
        response = public.goto(server.url(href))
        assert response is not None and response.status == 200
        assert public.locator("h1.article-title").inner_text().strip() == TITLE
        article_body = public.locator(".article-body")
        paragraph = article_body.locator("p.align-center", has_text=BODY_TEXT)
        assert paragraph.evaluate("p => getComputedStyle(p).textAlign") == "center"
        figure = article_body.locator("figure.image")
        assert figure.count() == 1
        assert figure.locator("figcaption").inner_text().strip() == CAPTION
        image = figure.locator("img")
        assert (image.get_attribute("src") or "").startswith("/media/")
        assert image.get_attribute("alt") == "Đại biểu trong hội trường"
        public.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        frame = article_body.locator("iframe")
        assert frame.get_attribute("src") == EMBED_SRC
        assert frame.get_attribute("title") == "Video YouTube"
        # Responsive 16:9 in the column.
        width, height = frame.evaluate("f => [f.clientWidth, f.clientHeight]")
        assert abs(width * 9 / 16 - height) <= 2, (width, height)
    finally:
        reader.close()
    assert errors == []


HOSTILE_BODY = (
    "<p>Đoạn văn còn giữ lại.</p>"
    '<img src="/khong-co-anh.png" onerror="window.__hacked = true">'
    '<p><img src=x onerror="window.__hacked = true"></p>'
    '<iframe src="javascript:window.__hacked = true"></iframe>'
)


def test_a_refused_save_puts_the_body_back_without_running_what_was_typed(server, page):
    """Self-XSS: the 400 page gives the typed body back to the editor, which must not turn it
    into live DOM with its handlers."""
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e => "
        "window.__violations.push(e.violatedDirective));"
    )
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/articles/new")
    page.fill("#lead", LEAD)  # the title stays empty: the save is refused
    wait_for_editor(page)

    # HTMLFormElement.submit() skips the submit event, so the editor cannot replace the
    # textarea's value with its own (clean) HTML: the server gets the payload as typed.
    with page.expect_navigation():
        page.evaluate(
            """body => {
                window.articleEditor.remove();
                const source = document.querySelector('textarea.body-source');
                source.value = body;
                source.form.submit();
            }""",
            HOSTILE_BODY,
        )

    assert "Bài viết chưa được lưu" in page.locator("main").inner_text()
    wait_for_editor(page)
    page.wait_for_timeout(300)  # any image the editor created has failed to load by now
    body = page.frame_locator("iframe.tox-edit-area__iframe").locator("body")
    assert "Đoạn văn còn giữ lại." in body.inner_text()
    assert page.evaluate("window.__hacked") is None
    assert page.locator("[onerror]").count() == 0 and body.locator("[onerror]").count() == 0
    assert body.locator("iframe").count() == 0
    assert page.evaluate("window.__violations") == []


def test_an_image_uploaded_in_the_image_dialog_is_inserted_with_its_caption(server, page):
    """The direct upload (TinyMCE's "Tải lên" tab, to the media library's upload) works next
    to the picker."""
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/articles/new")
    wait_for_editor(page)
    page.frame_locator("iframe.tox-edit-area__iframe").locator("body").click()

    page.click("button[data-mce-name='image']")
    dialog = page.locator(".tox-dialog")
    dialog.get_by_role("tab", name="Tải lên").click()
    with page.expect_file_chooser() as chooser:
        dialog.get_by_role("button", name="Chọn một hình ảnh").click()
    chooser.value.set_files({"name": "ruong-lua.png", "mimeType": "image/png",
                             "buffer": photo_png()})  # fmt: skip
    source = dialog.locator("input[type=url]").first
    uploaded = "input => input.value.startsWith('/media/')"
    page.wait_for_function(uploaded, arg=source.element_handle())
    dialog.get_by_label("Mô tả thay thế (Alt)").fill("Ruộng lúa chín")
    dialog.locator("label.tox-checkbox", has_text="Hiện chú thích").click()
    dialog.get_by_role("button", name="Lưu").click()
    # The placeholder caption, in Vietnamese, replaced by ours.
    caption = page.frame_locator("iframe.tox-edit-area__iframe").locator("figure.image figcaption")
    caption.first.wait_for()
    assert caption.first.inner_text() == "Chú thích ảnh"
    caption.first.click()
    page.keyboard.press("End")
    for _ in "Chú thích ảnh":
        page.keyboard.press("Backspace")
    page.keyboard.type(CAPTION)

    html = page.evaluate("() => window.articleEditor.getContent()")
    assert '<figure class="image"><img src="/media/' in html, html
    assert 'alt="Ruộng lúa chín"' in html and f"<figcaption>{CAPTION}</figcaption>" in html, html
