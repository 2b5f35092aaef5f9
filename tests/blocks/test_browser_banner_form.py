"""The banner form in a real browser on a live server with the demo content, on a phone-sized
screen: a picture is chosen in the media library's picker, the banner goes between "Văn bản
mới" and "Thống kê" with dates typed dd/mm/yyyy HH:MM, and a reader's home page shows it there
at once (the cached page follows the save), its title as the picture's alt text."""

from __future__ import annotations

import re

import pytest
from browser import ADMIN_PASSWORD, ADMIN_USERNAME, login, requires_chromium

pytestmark = [requires_chromium, pytest.mark.timeout(180)]


def test_a_banner_made_with_a_library_picture_shows_in_the_middle_position(server, browser):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="vi-VN")
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/blocks/new")

    page.get_by_role("button", name="Hoặc chọn từ thư viện ảnh").click()
    page.locator("#media-picker .media-picker-grid button").first.click()
    page.get_by_role("button", name="Chèn ảnh").click()
    chosen = page.locator('input[name="library_image"]').input_value()
    assert re.fullmatch(r"/media/[0-9a-f]{31}0\.(png|jpg)", chosen), chosen
    assert "Đã chọn:" in page.locator("[data-banner-picked]").inner_text()

    page.get_by_label("Vị trí", exact=True).select_option("middle")
    page.get_by_label("Tiêu đề", exact=True).fill("Tuần lễ Văn hóa An Hòa 2026")
    page.get_by_label("Địa chỉ liên kết").fill("https://vanhoa.example.gov.vn/")
    assert not page.get_by_label("Hiện tiêu đề trên ảnh").is_checked()  # off by default
    page.get_by_label("Hiển thị từ").fill("01/01/2020 00:00")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(r"/admin/blocks/\?khoi=middle$"))
    row = page.locator("tr", has_text="Tuần lễ Văn hóa An Hòa 2026")
    assert "Đang hiện" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    context.close()

    home = server.get("/").text
    aside = home.split('<aside class="sidebar"', 1)[1]
    middle = aside.split('class="block block-banners block-banners-middle"', 1)[1]
    middle = middle.split("</section>", 1)[0]
    assert f'<img src="{chosen}" alt="Tuần lễ Văn hóa An Hòa 2026"' in middle
    assert aside.index("block-documents") < aside.index("block-banners-middle")
    assert aside.index("block-banners-middle") < aside.index("block-stats")
    assert errors == []
