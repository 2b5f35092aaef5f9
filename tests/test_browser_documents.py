"""The "Văn bản mới" block in a real browser (Debian's Chromium driven by Playwright) against a
real gunicorn + gevent server: a download by someone else changes the "lượt tải" number on
the open page, without a reload."""

from __future__ import annotations

import re
import time

import pytest
from browser import requires_chromium
from live_server import live_server, unique_browser_ua

FIRST_ROW = ".block-documents .doc-list li:first-child"

pytestmark = [
    requires_chromium,
    pytest.mark.timeout(120),
]


@pytest.fixture(scope="module")
def server():
    with live_server(2) as running:
        yield running


@pytest.fixture
def page(context):
    return context.new_page()


def number(text: str | None) -> int:
    assert text and re.fullmatch(r"[\d,]+", text.strip()), f"not a number: {text!r}"
    return int(text.strip().replace(",", ""))


def wait_until_shown(page, selector: str, expected: str, timeout: float) -> str:
    """Poll the open page until `selector` shows `expected`; what it shows at the end."""
    deadline = time.monotonic() + timeout
    while True:
        text = (page.locator(selector).text_content() or "").strip()
        if text == expected or time.monotonic() >= deadline:
            return text
        page.wait_for_timeout(50)


def file_link_of(server, detail_path: str) -> str:
    """The first attached file's download path, read from the document page by a bot (a
    crawler's view counts nothing a reader sees)."""
    result = server.get(
        detail_path, {"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}
    )
    assert result.status == 200, result.status
    match = re.search(r'href="(/van-ban/tep/\d+)" download', result.text)
    assert match, "the document page links no file"
    return match.group(1)


def test_download_elsewhere_updates_the_open_page_without_reload(server, page):
    page.goto(server.url("/"), wait_until="domcontentloaded")
    row = page.locator(FIRST_ROW)
    counter = row.locator('[data-live-item^="document_download:"]')
    item = counter.get_attribute("data-live-item")
    selector = f'{FIRST_ROW} [data-live-item="{item}"]'
    before = number(counter.text_content())
    assert "lượt tải:" in (row.locator(".doc-counts").text_content() or "")
    page.evaluate("window.__notReloaded = true")
    page.wait_for_function("document.querySelector('[data-live-stats]') !== null")
    page.wait_for_timeout(1500)  # the live-stats stream has connected and settled
    download = file_link_of(server, row.locator("a.doc-code").get_attribute("href"))

    result = server.get(download, {"User-Agent": unique_browser_ua()})
    started = time.monotonic()

    assert result.status == 200, result.status
    assert result.body.startswith(b"%PDF")
    shown = wait_until_shown(page, selector, f"{before + 1:,}", timeout=3.0)
    took = time.monotonic() - started
    assert shown == f"{before + 1:,}", f"'lượt tải' still shows {shown} after {took:.1f} s"
    assert page.evaluate("window.__notReloaded === true"), "the page was reloaded"
    assert server.api_stats()["items"][item] == before + 1
