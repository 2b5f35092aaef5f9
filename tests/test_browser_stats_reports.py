"""The staff's live panel in a real browser (Debian's Chromium driven by Playwright) against
a real gunicorn + gevent server: an administrator watches /admin/stats/, a reader opens an
article in another browser, and the panel shows the article under "Đang đọc" with its
reader and the online number up, without a reload."""

from __future__ import annotations

import pytest
from browser import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    desktop_context,
    first_link,
    live_server_with_admin,
    login,
    requires_chromium,
    wait_for,
)

pytestmark = [requires_chromium, pytest.mark.timeout(120)]

ONLINE = '[data-live-panel] [data-live="online"]'
ROWS = "[data-live-panel] [data-live-reading] tr"


@pytest.fixture(scope="module")
def server():
    # Two workers: the job that publishes may run in the process that does not hold the stream.
    with live_server_with_admin(2, {"FLASK_STATS_STREAM_HEARTBEAT": "2"}) as running:
        yield running


def number(page, selector: str) -> int:
    return int((page.locator(selector).text_content() or "0").replace(",", "").strip() or 0)


def rows(page) -> list[tuple[str, str, str]]:
    """(title, link's path or "", readers) of each row under "Đang đọc"."""
    found = page.eval_on_selector_all(
        ROWS,
        """rows => rows.map(r => [
        r.cells[0].textContent.trim(),
        (r.cells[0].querySelector('a') || {}).pathname || '',
        r.cells[2].textContent.trim()])""",
    )
    return [tuple(row) for row in found]


def test_live_panel_shows_a_reader_arriving(server, browser):
    staff = desktop_context(browser)
    reader = desktop_context(browser)
    streams: list[str] = []
    staff.on("request", lambda r: streams.append(r.url) if "/live/stream" in r.url else None)
    try:
        panel = staff.new_page()
        login(panel, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/stats/")
        panel.locator("[data-live-panel] h2", has_text="Đang diễn ra").wait_for()
        # The script has the stream's first frame (it marks the panel with its time).
        assert wait_for(
            panel, lambda: panel.get_attribute("[data-live-panel]", "data-updated"), 5
        ), f"the panel never got a frame; streams: {streams}"
        assert len(streams) == 1, streams
        panel.evaluate("window.__sameDocument = true")
        online = number(panel, ONLINE)

        page = reader.new_page()
        page.goto(server.url("/"))
        article = first_link(page, "/tin-tuc/")
        page.goto(server.url(article))
        title = (page.locator(".article-title").first.text_content() or "").strip()
        assert title

        def shown() -> bool:
            return (title, article, "1") in rows(panel) and number(panel, ONLINE) > online

        assert wait_for(panel, shown, 5), (online, number(panel, ONLINE), rows(panel))
        assert panel.evaluate("window.__sameDocument === true"), "the panel page was reloaded"
        assert panel.locator("[data-live-empty]").is_hidden()
        assert len(streams) == 1, f"the panel reconnected: {streams}"
    finally:
        reader.close()
        staff.close()
