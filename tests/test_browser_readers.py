"""Readers take part, end to end in a real browser against a real gunicorn server: a reader
rates an article and posts a comment; an editor of the article's category approves it in
the moderation queue; another tab then shows both on the (cached) article page."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from browser import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    desktop_context,
    first_link,
    login,
    requires_chromium,
)

pytestmark = [requires_chromium, pytest.mark.timeout(240)]

EDITOR, EDITOR_PASSWORD = "bientap", "mây-trắng bay 27 lần biên tập"
COMMENT = "Bài viết rất hữu ích.\nCảm ơn ban biên tập!"


def rating_numbers(page) -> tuple[int, int]:
    text = page.locator("#danh-gia .rating-summary").inner_text()
    found = re.search(r"là: ([\d,]+) trong ([\d,]+) đánh giá", text)
    assert found, text
    return int(found[1].replace(",", "")), int(found[2].replace(",", ""))


def make_editor(browser, server, category: str) -> None:
    """The administrator creates an editor of `category` through the accounts form."""
    admin = desktop_context(browser)
    page = admin.new_page()
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/users/new")
    page.fill("#username", EDITOR)
    page.fill("#display_name", "Biên tập viên")
    page.select_option("#role", "editor")
    page.select_option("#categories", label=category)
    page.fill("#password", EDITOR_PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == "/admin/users")
    admin.close()


def test_a_rating_and_an_approved_comment_reach_another_tab(server, browser):
    reader = desktop_context(browser)
    page = reader.new_page()
    page.goto(server.url("/"))
    article = first_link(page, "/tin-tuc/")
    page.goto(server.url(article))
    category = page.locator("nav.breadcrumb a").last.inner_text()
    total, count = rating_numbers(page)

    # Rate with the keyboard-reachable stars: fetch answers the new totals at once.
    page.locator("#danh-gia label", has_text="4 sao").click()
    page.locator("#danh-gia button[type=submit]").click()
    page.locator("#danh-gia [data-rating-status]").filter(has_text="4").wait_for()
    assert rating_numbers(page) == (total + 4, count + 1)

    # Comment like a person: more than the minimum time on the page.
    page.fill("#comment-name", "Nguyễn Văn Đọc")
    page.fill("#comment-email", "doc@example.vn")
    page.fill("#comment-content", COMMENT)
    page.wait_for_timeout(3200)
    page.click("#gui-y-kien button[type=submit]")
    page.locator(".flash", has_text="chờ duyệt").wait_for()
    assert "Cảm ơn ban biên tập" not in page.locator("#y-kien .comment-list").all_inner_texts()

    # The editor of that category approves it.
    make_editor(browser, server, category)
    editor = desktop_context(browser)
    queue = editor.new_page()
    login(queue, server.base_url, EDITOR, EDITOR_PASSWORD, "/admin/y-kien/")
    row = queue.locator("tr[data-comment-id]", has_text="Nguyễn Văn Đọc")
    row.locator("[data-comment-approve]").click()
    queue.locator("tr[data-comment-id][data-status=approved]", has_text="Nguyễn Văn Đọc").wait_for()
    editor.close()

    # Another tab of the reader, and a stranger: both see the vote and the comment.
    for viewer in (reader, desktop_context(browser)):
        tab = viewer.new_page()
        tab.goto(server.url(article))
        assert rating_numbers(tab) == (total + 4, count + 1)
        shown = tab.locator("#y-kien .comment", has_text="Nguyễn Văn Đọc")
        assert shown.locator(".comment-text").inner_text() == COMMENT
        assert "doc@example.vn" not in tab.content()
        viewer.close()
