"""The article editor in a real browser (Debian's Chromium driven by Playwright) against a real
gunicorn server: an administrator writes an article in the Quill editor, inserts an image
through the toolbar's image button (upload, then a caption prompt), publishes it, and a
reader finds the title, the text and the captioned figure on the public page."""

from __future__ import annotations

import io
import subprocess
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from live_server import BIN, CLI_TIMEOUT, ROOT, live_server
from PIL import Image, ImageDraw
from playwright.sync_api import sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
USERNAME, PASSWORD = "quantri", "mây-trắng bay 27 lần"
TITLE = "Hội thảo chuyển đổi số năm 2024"
LEAD = "Hội thảo bàn về chuyển đổi số trong cơ quan nhà nước."
BODY_TEXT = "Sáng nay, hơn 200 đại biểu đã dự hội thảo tại hội trường tỉnh."
CAPTION = "Quang cảnh hội thảo chuyển đổi số"

pytestmark = [
    pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed"),
    pytest.mark.timeout(120),
]


@pytest.fixture(scope="module")
def server():
    with live_server(1) as running:
        result = subprocess.run(  # noqa: S603 - our own venv's flask
            [str(BIN / "flask"), "create-admin", "--username", USERNAME, "--display-name",
             "Quản trị viên", "--password", PASSWORD],
            cwd=ROOT, env=running.env, capture_output=True, text=True, timeout=CLI_TIMEOUT,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr[-4000:]
        yield running


@pytest.fixture
def page():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(user_agent=DESKTOP_UA, locale="vi-VN")
            context.set_default_timeout(10_000)
            yield context.new_page()
            context.close()
        finally:
            browser.close()


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
    page.goto(server.url("/auth/login?next=/admin/news/articles/new"))
    page.fill("#username", USERNAME)
    page.fill("#password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/admin/news/articles/new")

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
    reader = page.context.browser.new_context(user_agent=DESKTOP_UA, locale="vi-VN")
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
