"""The idle-timeout bar in a real browser (Debian's Chromium driven by Playwright) against a
real gunicorn server whose idle timeout is shortened through configuration (12 s, the bar in
the last 8 s): the bar's exact text and countdown, a click that keeps the session (the server
confirms), activity in one tab hiding the bar in another, and the logout of every tab at zero
that keeps the text being typed and gives it back after logging in again."""

from __future__ import annotations

import re
import time
from urllib.parse import parse_qs, urlsplit

import pytest
from browser import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    live_server_with_admin,
    login,
    requires_chromium,
    wait_for,
)

IDLE = 12  # seconds without activity before the server ends the session
WARNING = 8  # the bar shows this many seconds before
BAR = "#idle-bar"
BAR_TEXT = re.compile(
    r"Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập\. "
    r"Thời gian chờ: (\d+) giây"
)
EXPIRED_MESSAGE = "Phiên đăng nhập đã hết hạn do không sử dụng. Vui lòng đăng nhập lại."
RESTORED_NOTICE = "Nội dung bạn đang soạn trước khi hết phiên đăng nhập đã được khôi phục."

pytestmark = [
    requires_chromium,
    pytest.mark.timeout(60),
    pytest.mark.once,  # the bar's clock in the browser, whatever the database
]


@pytest.fixture(scope="module")
def server():
    env = {"FLASK_IDLE_TIMEOUT_SECONDS": str(IDLE), "FLASK_IDLE_WARNING_SECONDS": str(WARNING)}
    with live_server_with_admin(2, env) as running:
        yield running


def log_in(page, server, next_path: str = "/admin/") -> None:
    """Log in as the administrator, on the page it is on or on a fresh login page."""
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, next_path)


def bar_seconds(page) -> int | None:
    """The number the bar shows, or None while it is hidden."""
    bar = page.locator(BAR)
    if not bar.is_visible():
        return None
    text = " ".join(bar.inner_text().split())
    match = BAR_TEXT.fullmatch(text)
    assert match, f"unexpected bar text: {text!r}"
    return int(match.group(1))


def server_session(page) -> dict:
    """GET /auth/session from the page, as its own script does it (not activity)."""
    return page.evaluate(
        """async () => {
            const r = await fetch('/auth/session', {headers: {Accept: 'application/json',
                                                              'X-Activity': '0'}});
            return Object.assign({status: r.status}, await r.json());
        }"""
    )


def test_the_bar_counts_down_and_a_click_keeps_the_session(server, context):
    page = context.new_page()
    log_in(page, server)
    bar = page.locator(BAR)
    assert not bar.is_visible(), "the bar shows right after logging in"

    bar.wait_for(state="visible", timeout=(IDLE - WARNING + 3) * 1000)
    assert bar.get_attribute("role") == "alert"
    shown = [bar_seconds(page)]
    assert shown[0] is not None and 1 <= shown[0] <= WARNING, shown
    assert wait_for(
        page, lambda: shown.append(bar_seconds(page)) or len(set(shown)) >= 3, 4, step_ms=100
    ), f"the number did not count down: {shown}"
    assert shown == sorted(shown, reverse=True), shown
    before = server_session(page)
    assert before["status"] == 200 and before["active"] is True
    assert abs(before["deadline"] - time.time() - shown[-1]) <= 2, (before, shown)

    page.click(f"{BAR} button")

    bar.wait_for(state="hidden", timeout=3000)
    after = server_session(page)
    assert after["status"] == 200 and after["active"] is True
    assert after["deadline"] > before["deadline"] + 2, (before, after)
    # The server still has the session once the old deadline has passed.
    page.wait_for_timeout(max(0.0, before["deadline"] - time.time() + 1) * 1000)
    later = server_session(page)
    assert later["status"] == 200 and later["active"] is True, later


def test_activity_in_one_tab_hides_the_bar_in_the_other(server, context):
    first = context.new_page()
    log_in(first, server)
    second = context.new_page()
    second.goto(server.url("/admin/"))

    for page in (first, second):
        page.locator(BAR).wait_for(state="visible", timeout=(IDLE - WARNING + 3) * 1000)
    assert bar_seconds(first) is not None

    second.click("main h1")  # a click on the heading: activity, no navigation

    first.locator(BAR).wait_for(state="hidden", timeout=3000)
    second.locator(BAR).wait_for(state="hidden", timeout=3000)
    state = server_session(first)
    assert state["active"] is True and state["deadline"] - time.time() > WARNING, state


def test_at_zero_every_tab_is_logged_out_and_the_typed_text_comes_back(server, context):
    editing = context.new_page()
    log_in(editing, server, "/admin/users")
    edit_path = editing.get_attribute(f'main a:text-is("{ADMIN_USERNAME}")', "href")
    editing.goto(server.url(edit_path))
    other = context.new_page()
    other.goto(server.url("/admin/"))
    typed = "Quản trị viên — bản nháp chưa lưu"
    name = editing.locator("#display_name")
    name.fill("")
    name.press_sequentially(typed)
    assert name.input_value() == typed

    # Nobody touches anything: the bar counts down to zero in both tabs.
    editing.wait_for_url("**/auth/login?**", timeout=(IDLE + 8) * 1000)
    other.wait_for_url("**/auth/login?**", timeout=5000)
    for page, path in ((editing, edit_path), (other, "/admin/")):
        query = parse_qs(urlsplit(page.url).query)
        assert query.get("next") == [path], page.url
        assert page.locator(".flash", has_text=EXPIRED_MESSAGE).is_visible(), page.content()[:2000]
    assert server_session(other)["status"] == 401

    log_in(editing, server, edit_path)

    assert name.input_value() == typed
    assert editing.locator(".restored-notice").is_visible()
    assert RESTORED_NOTICE in editing.locator(".restored-notice").inner_text()
    assert server_session(editing)["active"] is True


# Activity between two keepalives. The script sends a keepalive at most every quarter of the
# idle timeout (at most 30 s); with a 40 s timeout and the bar in the last 32 s, the bar is due
# 8 s after the page loads while activity in the first 10 s sends nothing by itself.
QUIET_IDLE = 40
QUIET_WARNING = 32


@pytest.fixture(scope="module")
def quiet_server():
    env = {"FLASK_IDLE_TIMEOUT_SECONDS": str(QUIET_IDLE),
           "FLASK_IDLE_WARNING_SECONDS": str(QUIET_WARNING)}  # fmt: skip
    with live_server_with_admin(1, env) as running:
        yield running


def test_activity_since_the_last_keepalive_sends_one_instead_of_showing_the_bar(
    quiet_server, context
):
    page = context.new_page()
    keepalives = []
    page.on("request", lambda r: keepalives.append(time.time())
            if r.url.endswith("/auth/keepalive") else None)  # fmt: skip
    log_in(page, quiet_server)
    page.wait_for_function("document.getElementById('idle-bar') !== null")
    first = server_session(page)
    assert first["status"] == 200 and first["active"] is True
    due = first["deadline"] - QUIET_WARNING  # when the bar would appear
    assert due - time.time() > 2, "the page took too long to load for this test"

    page.keyboard.press("Shift")  # activity, too soon after the page load to be sent
    page.wait_for_timeout(300)
    assert keepalives == [], "the key press itself sent a keepalive: the test proves nothing"

    # Past the moment the bar was due: it never showed, a keepalive went out instead.
    seen_bar = []
    wait_for(page, lambda: seen_bar.append(page.locator(BAR).is_visible()) or
             time.time() > due + 3, due + 5 - time.time(), step_ms=100)  # fmt: skip
    assert not any(seen_bar), "the bar showed although the user was active"
    assert len(keepalives) == 1 and keepalives[0] >= due - 1.5, (keepalives, due)
    later = server_session(page)
    assert later["active"] is True
    assert later["deadline"] > first["deadline"] + 5, (first, later)


def test_without_activity_the_bar_shows_when_due(quiet_server, context):
    """The control of the test above: no key press, and the bar shows on time."""
    page = context.new_page()
    log_in(page, quiet_server)
    first = server_session(page)
    due = first["deadline"] - QUIET_WARNING

    page.locator(BAR).wait_for(state="visible", timeout=(due - time.time() + 3) * 1000)
    assert time.time() >= due - 1.5
    assert server_session(page)["deadline"] == first["deadline"]
