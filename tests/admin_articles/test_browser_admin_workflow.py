"""The article admin of issue 12 in a real browser against a real server: dates in a browser
set to American English are typed and shown as dd/mm/yyyy HH:MM (never `11/28/2030, 09:15 AM`);
an editor without the publish right submits through the real editor page, a publisher returns
it with a note, the editor reads the note and submits again, the publisher publishes it."""

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


EDITOR, EDITOR_PASSWORD = "bientapvien", "gió-nam thổi 31 ngày"


def new_page(browser):
    context = browser.new_context(user_agent=DESKTOP_UA, locale="vi-VN")
    context.set_default_timeout(DEFAULT_TIMEOUT)
    return context, context.new_page()


def wait_for_editor(page) -> None:
    page.wait_for_function("() => window.articleEditor && window.articleEditor.initialized")


def test_an_article_goes_through_submit_return_resubmit_and_publish(server, browser):
    admin_context, admin = new_page(browser)
    login(admin, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/categories/new")
    admin.fill("#name", "Tuyển sinh")
    admin.click("main button[type=submit]")
    admin.goto(server.base_url + "/admin/users/new")
    admin.fill("#username", EDITOR)
    admin.fill("#display_name", "Biên tập viên Hoa")
    admin.select_option("#categories", label="Tuyển sinh")
    admin.fill("#password", EDITOR_PASSWORD)
    admin.click("main form button[type=submit]")
    admin.wait_for_url(lambda url: "/admin/users/new" not in url)

    editor_context, editor = new_page(browser)
    login(editor, server.base_url, EDITOR, EDITOR_PASSWORD, "/admin/news/articles/new")
    wait_for_editor(editor)
    editor.fill("#title", "Kế hoạch tuyển sinh năm học mới")
    editor.fill("#lead", "Chỉ tiêu và lịch tuyển sinh.")
    editor.click("button[name=intent][value=submit]")
    editor.wait_for_url(lambda url: url.rstrip("/").split("/")[-1].isdigit())
    assert "Đã gửi duyệt" in editor.locator(".flash").first.inner_text()
    article_url = editor.url

    admin.goto(server.base_url + "/admin/news/cho-duyet")
    admin.click("text=Kế hoạch tuyển sinh năm học mới")
    admin.fill("#note", "Bổ sung chỉ tiêu từng trường.")
    admin.click("button[name=action][value=return]")
    admin.wait_for_url(lambda url: url.endswith("/cho-duyet"))

    editor.goto(article_url)
    assert "Bổ sung chỉ tiêu từng trường." in editor.locator("#review-note").inner_text()
    wait_for_editor(editor)
    editor.fill("#lead", "Chỉ tiêu từng trường và lịch tuyển sinh.")
    editor.click("button[name=intent][value=submit]")
    editor.wait_for_load_state()
    assert editor.locator("#review-note").count() == 0

    admin.goto(server.base_url + "/admin/news/cho-duyet")
    admin.click("text=Kế hoạch tuyển sinh năm học mới")
    admin.click("button[name=action][value=approve]")
    admin.wait_for_url(lambda url: url.endswith("/cho-duyet"))
    reader = admin_context.browser.new_page()
    shown = reader.goto(server.base_url + "/tin-tuc/ke-hoach-tuyen-sinh-nam-hoc-moi")
    assert shown.status == 200
    assert "Chỉ tiêu từng trường" in reader.locator("main").inner_text()
    reader.close()
    editor_context.close()
    admin_context.close()
