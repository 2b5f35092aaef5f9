"""Phones and desktops (issue 12): at 390 px and 1366 px wide, no page type of the catalogue
(tests/browser.py) is wider than the screen, and each one's full-page screenshot is kept in
test-artifacts/screenshots/<width>/<page>.png; the menu folds behind its button on a phone
and its dropdown opens from the keyboard on a desktop. One Chromium, one context per width,
one live server with the demo content."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from browser import (
    ADMIN_PASSWORD,
    ADMIN_USERNAME,
    admin_pages,
    desktop_context,
    login,
    public_pages,
    requires_chromium,
)

# The layout at two widths, whatever the database: in the SQLite run only.
pytestmark = [requires_chromium, pytest.mark.timeout(240), pytest.mark.once]

SCREENSHOTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "screenshots"
PHONE, DESKTOP = {"width": 390, "height": 844}, {"width": 1366, "height": 900}

# The page's width against the window's, and when it is wider, the element that sticks out
# furthest (not counting those inside a box that scrolls or clips them: they widen nothing).
OVERFLOW = """() => {
  const limit = window.innerWidth;
  const width = document.documentElement.scrollWidth;
  if (width <= limit) return {width, limit, widest: ""};
  const clipped = el => {
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  let widest = null, right = limit;
  for (const el of document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > right + 0.5 && !clipped(el)) { widest = el; right = box.right; }
  }
  // None: something positioned escapes the box that scrolls it. The furthest out, then.
  for (const el of widest ? [] : document.body.querySelectorAll("*")) {
    const box = el.getBoundingClientRect();
    if (box.right > right + 0.5) { widest = el; right = box.right; }
  }
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "")
    + [...el.classList].map(c => "." + c).join("");
  const path = [];
  for (let el = widest; el && el !== document.body && path.length < 4; el = el.parentElement) {
    path.unshift(name(el));
  }
  return {width, limit, widest: widest ? path.join(" > ") + " (right edge at "
    + Math.round(right) + " px): " + widest.textContent.trim().slice(0, 60) : "?"};
}"""


def shot_name(path: str) -> str:
    """A file name for a page: `/` is home, `/van-ban/?q=x` is van-ban-q-x; a long one keeps
    its start and its end (an article, its print view and its comments differ at the end)."""
    name = re.sub(r"[^A-Za-z0-9]+", "-", path).strip("-") or "home"
    return name if len(name) <= 80 else f"{name[:40]}--{name[-38:]}"


def check_pages(page, base_url: str, pages: list[tuple[str, int]], folder: Path) -> list[str]:
    """Visit each page: a screenshot of it, and what is wider than the window."""
    folder.mkdir(parents=True, exist_ok=True)
    wide = []
    for path, status in pages:
        response = page.goto(base_url + path, wait_until="load")
        assert response is not None and response.status == status, (path, response.status)
        page.screenshot(path=str(folder / f"{shot_name(path)}.png"), full_page=True,
                        animations="disabled", caret="hide")  # fmt: skip
        found = page.evaluate(OVERFLOW)
        if found["width"] > found["limit"]:
            wide.append(f"{path}: {found['width']} px in {found['limit']}: {found['widest']}")
    return wide


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["390", "1366"])
def test_no_page_type_is_wider_than_the_screen(server, browser, viewport):
    context = desktop_context(browser, viewport=viewport)
    folder = SCREENSHOTS / str(viewport["width"])
    page = context.new_page()
    wide = check_pages(page, server.base_url, public_pages(server, context), folder)
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/")
    admin = [(path, 200) for path in admin_pages(page, server.base_url)]
    wide += check_pages(page, server.base_url, admin, folder / "admin")
    context.close()

    assert wide == [], "pages wider than the screen:\n" + "\n".join(wide)
    assert len(list(folder.glob("**/*.png"))) >= len(admin) + 10


def test_the_menu_folds_behind_its_button_on_a_phone(server, browser):
    context = desktop_context(browser, viewport=PHONE)
    page = context.new_page()
    page.goto(server.url("/"), wait_until="load")
    toggle, menu = page.locator(".menu-toggle"), page.locator("#main-menu")
    news = menu.get_by_role("link", name="Tin tức", exact=True)

    assert toggle.is_visible() and toggle.get_attribute("aria-expanded") == "false"
    assert not menu.is_visible() and not news.is_visible()
    bar = page.locator(".main-nav").bounding_box()
    assert bar is not None and bar["height"] < 60  # one row, not the whole menu

    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    assert news.is_visible() and menu.get_by_role("link", name="Văn bản").is_visible()
    sub = menu.locator(".has-sub").first
    assert not sub.locator(".sub-menu").is_visible()
    sub.locator(".sub-toggle").click()  # a tap opens the sub-menu of Tin tức
    assert sub.get_by_role("link", name="Chuyển đổi số").is_visible()
    toggle.click()
    assert not menu.is_visible()
    context.close()


def test_a_dropdown_opens_from_the_keyboard_on_a_desktop(server, browser):
    context = desktop_context(browser, viewport=DESKTOP)
    page = context.new_page()
    page.goto(server.url("/"), wait_until="load")
    assert not page.locator(".menu-toggle").is_visible()
    sub_menu = page.locator(".has-sub .sub-menu").first
    assert not sub_menu.is_visible()

    for _ in range(40):  # Tab through the page to the first item with a dropdown
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('.has-sub > a')"):
            break
    else:
        pytest.fail("Tab never reached the menu's dropdown item")
    assert sub_menu.is_visible()
    page.keyboard.press("Tab")  # its arrow button
    page.keyboard.press("Tab")  # the first link inside the dropdown
    assert page.evaluate("document.activeElement.closest('.sub-menu') !== null")
    assert sub_menu.is_visible()
    context.close()
