"""Rating an article in a real browser (Chromium) against gunicorn + gevent: chosen with the
keyboard, sent with fetch, the totals change without a reload, and in another tab live."""

from __future__ import annotations

import re

import pytest
from browser import first_link, requires_chromium, wait_for
from live_server import live_server

pytestmark = [requires_chromium, pytest.mark.timeout(120)]

SUMMARY = ".article-rating .rating-summary"
AVERAGE = ".article-rating .rating-average"


@pytest.fixture(scope="module")
def server():
    with live_server(1) as running:
        yield running


def summary(page) -> str:
    return " ".join((page.locator(SUMMARY).text_content() or "").split())


def test_a_reader_rates_with_the_keyboard_and_sees_the_totals_at_once(server, context):
    reading, watching = context.new_page(), context.new_page()
    reading.goto(server.url("/"))
    url = server.url(first_link(reading, "/tin-tuc/"))
    reading.goto(url)
    watching.goto(url)
    before = re.search(r"là: (\d+) trong (\d+) đánh giá", summary(reading))
    total, count = int(before.group(1)), int(before.group(2))
    reading.evaluate("window.notReloaded = true")

    first_star = reading.locator('.article-rating input[name="stars"][value="1"]')
    first_star.focus()
    for _ in range(3):
        reading.keyboard.press("ArrowRight")  # a radio group: arrows move and choose
    chosen = reading.locator('.article-rating input[name="stars"]:checked')
    assert chosen.get_attribute("value") == "4"
    reading.keyboard.press("Tab")
    assert reading.evaluate("document.activeElement.textContent.trim()") == "Gửi đánh giá"
    reading.keyboard.press("Enter")

    expected = f"Tổng số điểm của bài viết là: {total + 4} trong {count + 1} đánh giá"
    status = reading.locator(".article-rating [data-rating-status]")
    assert wait_for(reading, lambda: summary(reading) == expected, 10), summary(reading)
    assert status.text_content() == "Cảm ơn bạn đã đánh giá bài viết này: 4 sao."
    assert reading.evaluate("window.notReloaded === true")
    # The other tab was told over the live channel, without reloading either.
    assert wait_for(watching, lambda: summary(watching) == expected, 10), summary(watching)
    average = " ".join((watching.locator(AVERAGE).text_content() or "").split())
    assert average.endswith(f"- {count + 1} phiếu bầu")

    reading.reload()
    assert status.text_content() == "Bạn đã đánh giá bài viết này: 4 sao."
    assert summary(reading) == expected
