"""Admin dates in a real browser set to American English (issue 12): the article editor's
times are typed and shown as dd/mm/yyyy HH:MM, never as the browser's `11/28/2030, 09:15 AM`,
and what was typed is stored as the site's local time."""

from __future__ import annotations

import pytest
from browser import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    DEFAULT_TIMEOUT,
    DESKTOP_UA,
    login,
    requires_chromium,
)

pytestmark = [requires_chromium, pytest.mark.timeout(120)]


@pytest.fixture
def page(browser):
    context = browser.new_context(
        user_agent=DESKTOP_UA, locale="en-US", timezone_id="America/New_York"
    )
    context.set_default_timeout(DEFAULT_TIMEOUT)
    yield context.new_page()
    context.close()


def test_an_english_browser_types_and_reads_times_day_first(server, page):
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/categories/new")
    page.fill("#name", "Thông báo")
    page.click("main button[type=submit]")
    page.goto(server.base_url + "/admin/news/articles/new")
    box = page.locator("#published_at")
    assert box.get_attribute("type") == "text"
    assert box.get_attribute("placeholder") == "dd/mm/yyyy HH:MM"

    page.fill("#title", "Lịch tiếp dân tháng mười một")
    page.fill("#lead", "Lịch tiếp công dân của lãnh đạo tỉnh.")
    page.select_option("#status", "scheduled")
    box.fill("28/11/2030 9:15")
    page.click("#article-form button[type=submit]")
    page.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())

    assert page.locator("#published_at").input_value() == "28/11/2030 09:15"
    listing = page.goto(server.base_url + "/admin/news/articles")
    assert listing.ok
    row = page.locator("tbody tr", has_text="Lịch tiếp dân tháng mười một")
    assert "28/11/2030 09:15" in row.inner_text()

    # Typed month first, it is refused next to the field, not read as another date.
    page.go_back()
    page.locator("#published_at").fill("11/28/2030 09:15")
    page.click("#article-form button[type=submit]")
    errors = page.locator(".form-field.has-error .field-error").all_inner_texts()
    assert len(errors) == 1 and "Tháng 28 không có" in errors[0], errors
    assert page.locator("#published_at").input_value() == "11/28/2030 09:15"
