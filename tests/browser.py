"""Helpers for tests in a real browser: Debian's Chromium driven by Playwright, a desktop
browser context, the administrator of a live server and logging in through its form.

Not a test module: the test_browser_*.py files import it. Their fixtures `server` (a live
server with the administrator), `browser` (one Chromium per test process) and `context` (a
desktop context per test) are in conftest.py.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from live_server import ADMIN_PASSWORD as ADMIN_PASSWORD  # the browser tests import it here
from live_server import ADMIN_USERNAME as ADMIN_USERNAME
from live_server import CREATE_ADMIN, LiveServer, live_server
from playwright.sync_api import Browser, BrowserContext, Page, Playwright, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
# Headless Chromium says "HeadlessChrome", which the server rightly counts as a crawler.
DESKTOP_UA = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/156.0.0.0 Safari/537.36"
)
DEFAULT_TIMEOUT = 10_000  # ms, for every Playwright wait of a desktop context

requires_chromium = pytest.mark.skipif(not CHROMIUM.exists(), reason=f"{CHROMIUM} is not installed")


def launch(playwright: Playwright) -> Browser:
    """Debian's Chromium, headless, without its background traffic."""
    return playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)


# One Playwright driver per test process, started on first use and stopped when the run ends
# (conftest.py's pytest_sessionfinish): the sync API allows only one at a time in a thread,
# and starting it (a Node.js process) costs about a second each time.
_playwright: list = []  # [its context manager, the Playwright it entered]


def playwright() -> Playwright:
    """The test process's Playwright driver."""
    if not _playwright:
        manager = sync_playwright()
        _playwright[:] = [manager, manager.__enter__()]
    return _playwright[1]


def stop_playwright() -> None:
    """Stop the driver playwright() started, with every browser it still has."""
    if _playwright:
        manager, _ = _playwright
        _playwright.clear()
        manager.__exit__(None, None, None)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A Chromium of its own, closed at exit."""
    browser = launch(playwright())
    try:
        yield browser
    finally:
        browser.close()


def desktop_context(
    browser: Browser, *, timeout: float | None = DEFAULT_TIMEOUT, **kwargs
) -> BrowserContext:
    """A new context of a Vietnamese desktop Chrome; `timeout` (ms) for its waits, or None
    for Playwright's default. `kwargs` go to Browser.new_context."""
    context = browser.new_context(user_agent=DESKTOP_UA, locale="vi-VN", **kwargs)
    if timeout is not None:
        context.set_default_timeout(timeout)
    return context


@contextlib.contextmanager
def desktop_session() -> Iterator[BrowserContext]:
    """A Chromium of its own with one desktop context; both closed at exit."""
    with chromium() as browser:
        context = desktop_context(browser)
        yield context
        context.close()


@contextlib.contextmanager
def live_server_with_admin(workers: int, env: dict[str, str] | None = None) -> Iterator[LiveServer]:
    """live_server(workers, env) with the administrator ADMIN_USERNAME (live_server.py's
    CREATE_ADMIN, run once on the prepared instance the server copies)."""
    with live_server(workers, env, commands=(CREATE_ADMIN,)) as running:
        yield running


def login(page: Page, base_url: str, username: str, password: str, next_path: str = "/admin/"):
    """Log in through the form on the page it is on, or on a fresh login page that goes on to
    `next_path`; returns once the browser has arrived at `next_path`."""
    if "/auth/login" not in page.url:
        page.goto(base_url + "/auth/login?next=" + quote(next_path))
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(lambda url: urlsplit(url).path == urlsplit(next_path).path)


def wait_for(page: Page, predicate: Callable[[], object], timeout: float, step_ms: float = 50):
    """Wait for `predicate` while Playwright runs (its events only fire inside its calls);
    whether it held within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() >= deadline:
            return False
        page.wait_for_timeout(step_ms)
    return True


# The catalogue of page types: every public and admin page type, for the tests that check
# each of them (CSP, accessibility, valid HTML).


def first_link(page, prefix: str, rest: str = ".+") -> str:
    """The path of the page's first link below `prefix`, the rest of it matching `rest`."""
    hrefs = page.eval_on_selector_all("a[href]", "links => links.map(a => a.getAttribute('href'))")
    for href in hrefs:
        path = urlsplit(href).path
        if path.startswith(prefix) and re.fullmatch(rest, path[len(prefix) :]):
            return path
    raise AssertionError(f"no link starting with {prefix} on {page.url}")


def public_pages(server, context) -> list[tuple[str, int]]:
    """One URL of every public page type of the demo site, with its expected status."""
    page = context.new_page()
    page.goto(server.url("/"))
    article, category = first_link(page, "/tin-tuc/"), first_link(page, "/chuyen-muc/")
    page.goto(server.url(article))
    tag = first_link(page, "/tu-khoa/")
    page.goto(server.url("/van-ban/"))
    document = first_link(page, "/van-ban/")
    page.goto(server.url("/tim-kiem?q=chỉ số cải cách hành chính"))
    with_table = first_link(page, "/tin-tuc/")  # a body with a table (caption, header row)
    page.close()
    # A password-setting link, as `flask password-link` prints it (opening it spends nothing).
    password_link = urlsplit(server.flask("password-link", ADMIN_USERNAME).split()[-1]).path
    return [
        ("/", 200),
        (category, 200),
        (category + "?page=2", server.get(category + "?page=2").status),
        (article, 200),
        (article + "/in", 200),  # its print view
        (article + "/y-kien?sap-xep=cu", 200),  # all its readers' comments
        (tag, 200),
        ("/van-ban/", 200),
        ("/van-ban/?q=quyết định", 200),
        ("/tim-kiem?q=chuyen doi so", 200),  # the site search, results highlighted
        ("/tim-kiem", 200),  # the search form alone
        (document, 200),  # with its PDF preview frame
        (with_table, 200),
        ("/trang/gioi-thieu", 200),  # a static page
        ("/trang/lien-he", 200),  # the static page with the contact form
        ("/trang-khong-co", 404),
        ("/auth/login", 200),
        (password_link, 200),  # the page that sets a password
        ("/dat-mat-khau/" + "A" * 43, 404),  # a link that is not (or no longer) one
        ("/news/Tin-tuc/Bai-viet-khong-con-nua-999.html", 404),  # an old NukeViet address
    ]


ADMIN_PAGES = [
    "/admin/",
    "/admin/news/articles",
    "/admin/news/categories/",
    "/admin/news/categories/new",
    "/admin/blocks/",
    "/admin/blocks/new",
    "/admin/documents/",
    "/admin/documents/new",
    "/admin/documents/lists",
    "/admin/users",
    "/admin/users/new",
    "/admin/audit",
    "/admin/y-kien/",
    "/admin/cai-dat/",
    "/admin/menu/",
    "/admin/menu/new",
    "/admin/news/cho-duyet",
    "/admin/thu-vien-anh/",
    "/admin/thu-vien-anh/?q=du lich",
    "/admin/trang/",
    "/admin/trang/moi",
    "/admin/lien-he/",
    "/admin/lien-he/?trang-thai=da-xu-ly",
    "/admin/blocks/?khoi=middle",
    "/auth/profile",
    "/admin/stats/",
    "/admin/stats/days?range=365",
    "/admin/stats/months",
    "/admin/stats/years",
    "/admin/stats/profiles",
    "/admin/stats/breakdowns",
    "/admin/stats/top",
    "/admin/stats/import/",
]


def admin_pages(page: Page, base_url: str) -> list[str]:
    """Every admin page type, as paths, for a logged-in `page`; the last one is an existing
    article in the editor (it loads TinyMCE)."""
    paths = list(ADMIN_PAGES)
    page.goto(base_url + "/admin/news/articles")
    article_form = first_link(page, "/admin/news/articles/")
    page.goto(base_url + "/admin/documents/")
    paths.append(first_link(page, "/admin/documents/"))
    page.goto(base_url + "/admin/documents/lists")
    paths.append(first_link(page, "/admin/documents/lists/"))
    page.goto(base_url + "/admin/menu/")
    paths.append(first_link(page, "/admin/menu/", r"\d+"))  # an item of the demo menu
    page.goto(base_url + "/admin/news/cho-duyet")  # the demo's change waiting for a publisher
    revision = first_link(page, "/admin/news/articles/", r"\d+/revisions/\d+")
    paths += [revision, revision + "/so-sanh", revision + "/so-sanh?voi=hien-tai"]
    for library in ("/admin/thu-vien-anh/", "/admin/trang/", "/admin/blocks/"):
        page.goto(base_url + library)
        paths.append(first_link(page, library, r"\d+"))  # an image, a static page, a banner
    return [*paths, article_form]
