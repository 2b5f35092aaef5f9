"""The live statistics in a real browser (Debian's Chromium driven by Playwright) against a
real gunicorn + gevent server: one EventSource for all tabs of a browser, numbers that change
on screen in every tab, and another tab taking over the stream when the leader closes."""

from __future__ import annotations

import re
import time

import pytest
from browser import desktop_session, requires_chromium, wait_for
from live_server import live_server

OFFSET = 1_234_567  # a migrated site's old total, so the numbers need thousands separators
TOTAL = '[data-stat="total"]'
THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+$")

pytestmark = [
    requires_chromium,
    pytest.mark.timeout(120),
]


@pytest.fixture(scope="module")
def server():
    # A short heartbeat: streams of closed tabs end soon, so the server stops quickly.
    env = {"FLASK_STATS_STREAM_HEARTBEAT": "1", "STATS_TOTAL_OFFSET": str(OFFSET)}
    with live_server(2, env) as running:
        yield running


@pytest.fixture
def context():
    with desktop_session() as context:
        yield context


def shown_total(page) -> str:
    return (page.locator(TOTAL).first.text_content() or "").strip()


def wait_for_totals(pages, expected: int, timeout: float) -> dict[int, str]:
    """Poll every tab's "Tổng lượt truy cập" until all show `expected`; what each shows."""
    text = f"{expected:,}"
    deadline = time.monotonic() + timeout
    while True:
        shown = {i: shown_total(page) for i, page in enumerate(pages)}
        if all(value == text for value in shown.values()) or time.monotonic() >= deadline:
            return shown
        pages[0].wait_for_timeout(50)


def test_tabs_share_one_stream_and_show_live_numbers(server, context):
    streams: list[tuple[float, object]] = []  # (when, page) of each /stats/stream request

    def on_request(request) -> None:
        if "/stats/stream" in request.url:
            try:
                page = request.frame.page
            except Exception:  # a request of a page that is already gone
                page = None
            streams.append((time.monotonic(), page))

    context.on("request", on_request)

    leader = context.new_page()
    leader.goto(server.url("/"), wait_until="domcontentloaded")
    opened = wait_for(leader, lambda: len(streams) == 1, 5)
    assert opened, "the first tab opened no live-stats stream"
    follower = context.new_page()
    follower.goto(server.url("/"), wait_until="domcontentloaded")
    follower.wait_for_function("navigator.locks && 'BroadcastChannel' in window")
    follower.wait_for_timeout(2500)  # time enough for a second tab to open its own stream

    assert [page for _, page in streams] == [leader], (
        f"{len(streams)} /stats/stream requests from 2 tabs; expected one, from the first tab"
    )
    for page in (leader, follower):
        assert THOUSANDS.match(shown_total(page)), shown_total(page)

    # Another visitor reads a page: both tabs show the new total within 2 s.
    before = server.api_stats()["total"]
    server.page_view()
    expected = server.api_stats()["total"]
    assert expected == before + 1
    shown = wait_for_totals([leader, follower], expected, 2.0)
    assert shown == {0: f"{expected:,}", 1: f"{expected:,}"}, (expected, shown)

    # The leader tab closes: the other tab opens the stream and keeps updating.
    leader.close()
    took_over = wait_for(follower, lambda: len(streams) == 2, 5)
    assert took_over, "no tab took over the live-stats stream"
    assert streams[1][1] is follower
    follower.wait_for_timeout(500)  # the new stream has connected
    server.page_view()
    server.page_view()
    expected = server.api_stats()["total"]
    assert expected == before + 3
    shown = wait_for_totals([follower], expected, 2.0)
    assert shown == {0: f"{expected:,}"}, (expected, shown)
    assert len(streams) == 2, "more than one stream for one remaining tab"
    follower.close()
