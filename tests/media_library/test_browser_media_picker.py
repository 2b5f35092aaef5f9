"""The media picker in a real browser (Chromium through Playwright) on a live gunicorn server:
on the article editor, which includes templates/media_library/_picker.html, an editor opens
`MediaPicker.open()`, uploads a picture from the dialog, describes it and inserts it, and gets
the promise's result; Esc gives null; the same picture is found again by a search and chosen
with the keyboard."""

from __future__ import annotations

import re

import pytest
from browser import ADMIN_PASSWORD, ADMIN_USERNAME, login, requires_chromium
from media_cases import picture

pytestmark = [requires_chromium, pytest.mark.timeout(180)]

EDITOR = "/admin/news/articles/new"


@pytest.fixture
def page(context):
    return context.new_page()


def start_picker(page) -> None:
    """Open the picker; its promise is kept in window.__picked."""
    page.evaluate("() => { window.__picked = window.MediaPicker.open(); }")
    page.locator("#media-picker").wait_for(state="visible")


def picked(page):
    return page.evaluate("() => window.__picked")


def test_an_editor_uploads_a_picture_in_the_picker_and_gets_it_back(server, page):
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, EDITOR)
    page.wait_for_function("() => window.MediaPicker && window.MediaPicker.open")

    # Opened: focus in the search box, the demo library listed.
    start_picker(page)
    assert page.evaluate("() => document.activeElement.id") == "media-picker-q"
    grid = page.locator("#media-picker .media-picker-grid")
    grid.locator("button").first.wait_for()
    assert grid.locator("button").count() > 5
    status = page.locator("#media-picker [data-picker-status]")
    assert re.fullmatch(r"\d+ ảnh\.", status.inner_text()), status.inner_text()

    # Upload from the dialog: the details step opens with the alt text field focused.
    with page.expect_file_chooser() as chooser:
        page.get_by_role("button", name="Tải ảnh mới lên").click()
    chooser.value.set_files({"name": "hoi-truong-tinh.png", "mimeType": "image/png",
                             "buffer": picture((20, 110, 200), (160, 120))})  # fmt: skip
    alt = page.locator("#media-picker-alt")
    alt.wait_for(state="visible")
    page.wait_for_function("() => document.activeElement.id === 'media-picker-alt'")
    assert alt.input_value() == "hoi truong tinh"  # the title from the file name
    alt.fill("Hội trường tỉnh nhìn từ cửa chính")
    page.locator("#media-picker-caption").fill("Hội trường tỉnh")
    page.get_by_role("button", name="Chèn ảnh").click()

    result = picked(page)
    assert re.fullmatch(r"/media/[0-9a-f]{31}0\.png", result["url"]), result
    assert result["alt"] == "Hội trường tỉnh nhìn từ cửa chính"
    assert result["caption"] == "Hội trường tỉnh"
    assert (result["width"], result["height"]) == (160, 120)
    assert not page.locator("#media-picker").is_visible()
    assert server.get(result["url"]).status == 200

    # Esc closes the dialog (also from a search box with text in it): the promise gives null.
    start_picker(page)
    page.keyboard.type("chưa tìm")
    page.keyboard.press("Escape")
    assert picked(page) is None

    # Found again by its title (without diacritics), chosen with the keyboard.
    start_picker(page)
    page.keyboard.type("hoi truong tinh")
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#media-picker [data-picker-status]').textContent"
        " === '1 ảnh khớp với “hoi truong tinh”.'"
    )
    assert grid.locator("button").count() == 1
    item = page.get_by_role("button", name=re.compile("^hoi truong tinh"))
    item.focus()
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'media-picker-alt'")
    page.keyboard.press("Enter")  # Enter in the alt text field inserts

    again = picked(page)
    assert again["url"] == result["url"] and again["caption"] == ""
    assert errors == []
