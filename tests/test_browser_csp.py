"""Every page type under the site's Content-Security-Policy in a real browser (Debian's
Chromium driven by Playwright, against a real gunicorn server): no console error and no CSP
violation on any public or admin page, the TinyMCE editor included while it is used; the
confirmations that replaced inline handlers still ask; and another site cannot frame the
admin."""

from __future__ import annotations

from urllib.parse import urlsplit

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

pytestmark = [requires_chromium, pytest.mark.timeout(240)]

# Runs before any script of the page: keeps every securitypolicyviolation event, of the
# document and of the frames it loads.
RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " blocked " + (e.blockedURI || "inline")
    + " at " + e.sourceFile + ":" + e.lineNumber);
});
"""


class Watched:
    """A page whose console errors, uncaught exceptions and CSP violations are collected."""

    def __init__(self, page) -> None:
        self.page = page
        self.console: list[str] = []
        self.expected_failure = ""  # the document of a page visited for its error status
        page.add_init_script(RECORD_VIOLATIONS)
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console.append(f"uncaught: {error}"))

    def _console(self, message) -> None:
        where = (message.location or {}).get("url", "")
        if message.type == "error" and where and where == self.expected_failure:
            return  # "Failed to load resource: 404" for the 404 page we asked for
        if message.type == "error" or "Content Security Policy" in message.text:
            self.console.append(f"{message.type}: {message.text} [{where}] on {self.page.url}")

    def visit(self, url: str, *, status: int = 200) -> None:
        self.expected_failure = url if status >= 400 else ""
        response = self.page.goto(url, wait_until="load")
        assert response is not None and response.status == status, (url, response.status)
        # Deferred scripts have run by "load"; give the live-stats stream a moment to open.
        self.page.wait_for_timeout(150)

    def violations(self) -> list[str]:
        found = []
        for frame in self.page.frames:
            try:
                found += frame.evaluate("window.__cspViolations || []")
            except Exception:  # noqa: BLE001, S112 - a PDF viewer frame has no window for us
                continue
        return found

    def problems(self) -> list[str]:
        return self.console + self.violations()


def test_public_pages_show_no_console_error_and_no_csp_violation(server, browser, context):
    problems = []
    # Each page as a new reader (a context of its own), so that what one page leaves behind
    # (a stream still open, a cookie) never hides or causes another page's problem.
    for path, status in public_pages(server, context):
        reader = desktop_context(browser)
        watched = Watched(reader.new_page())
        watched.visit(server.url(path), status=status)
        problems += watched.problems()
        reader.close()
    assert problems == [], "\n".join(problems)

    response = context.new_page().goto(server.url("/"))
    assert "'nonce-" in response.headers["content-security-policy"]


def test_admin_pages_show_no_console_error_and_no_csp_violation(server, context):
    watched = Watched(context.new_page())
    page = watched.page
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/")

    paths = admin_pages(page, server.base_url)
    for path in paths[:-1]:
        watched.visit(server.url(path))
    watched.visit(server.url(paths[-1]))  # an existing article in the editor
    page.wait_for_function("() => window.articleEditor && window.articleEditor.initialized")

    assert watched.problems() == [], "\n".join(watched.problems())


def test_the_article_editor_works_under_the_policy(server, context):
    """TinyMCE styles through the CSSOM and its own stylesheets, which a policy without
    'unsafe-inline' allows; using its toolbar (blocks, formats, alignment, the link dialog,
    a table) must not trip the policy."""
    watched = Watched(context.new_page())
    page = watched.page
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/articles/new")
    page.wait_for_function("() => window.articleEditor && window.articleEditor.initialized")
    page.frame_locator("iframe.tox-edit-area__iframe").locator("body").click()
    page.keyboard.type("Đoạn văn thử nghiệm dưới chính sách bảo mật.")
    page.keyboard.press("Control+A")
    page.click("button[data-mce-name='blocks']")
    page.get_by_role("menuitemcheckbox", name="Tiêu đề mục").click()
    page.click("button[data-mce-name='bold']")
    page.click("button[data-mce-name='aligncenter']")
    page.click("button[data-mce-name='link']")
    dialog = page.locator(".tox-dialog")
    dialog.locator("input[type=url]").first.fill("https://example.gov.vn/")
    dialog.get_by_role("button", name="Lưu").click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.click("button[data-mce-name='table']")
    page.get_by_role("menuitem", name="Bảng", exact=True).hover()
    page.locator(".tox-insert-table-picker > div").nth(11).click()
    page.wait_for_timeout(200)

    html = page.evaluate("() => window.articleEditor.getContent()")
    assert '<h2 class="align-center">' in html and "<strong>" in html, html
    assert 'href="https://example.gov.vn/"' in html and "<table>" in html, html
    assert watched.problems() == [], "\n".join(watched.problems())


def test_confirmations_still_ask_and_a_refusal_keeps_the_item(server, context):
    watched = Watched(context.new_page())
    page = watched.page
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/news/categories/")
    dialogs: list[str] = []

    def refuse(dialog):
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", refuse)
    rows_before = page.locator("table.category-tree tbody tr").count()
    page.locator("table.category-tree form[data-confirm] button").first.click()
    page.wait_for_timeout(300)

    assert dialogs == ["Xóa chuyên mục này?"]
    assert urlsplit(page.url).path == "/admin/news/categories/"
    page.reload()
    assert page.locator("table.category-tree tbody tr").count() == rows_before
    # Indentation by class instead of a style attribute: a child category sits further in.
    paddings = page.eval_on_selector_all(
        "table.category-tree tbody tr td:first-child",
        "cells => cells.map(c => parseFloat(getComputedStyle(c).paddingLeft))",
    )
    depths = page.eval_on_selector_all(
        "table.category-tree tbody tr", "rows => rows.map(r => Number(r.dataset.depth))"
    )
    assert any(d > 0 for d in depths), "the demo has subcategories"
    for depth, padding in zip(depths, paddings, strict=True):
        assert padding == 8 + 24 * min(depth, 8)

    # The bulk action asks only when it deletes.
    page.goto(server.url("/admin/news/articles"))
    page.locator("input[name=ids]").first.check()
    options = page.eval_on_selector_all("select[name=action] option", "os => os.map(o => o.value)")
    assert "delete" in options
    page.select_option("select[name=action]", "delete")
    page.click("form button[data-confirm]")
    page.wait_for_timeout(300)
    assert dialogs[-1] == "Xóa các bài đã chọn?"
    assert urlsplit(page.url).path == "/admin/news/articles"
    assert watched.problems() == [], "\n".join(watched.problems())


def test_another_site_cannot_frame_the_site(server, context):
    """A page of another origin that frames ours gets Chromium's error page in the frame; a
    page of our own origin still can (the PDF preview is framed that way)."""
    framing = '<iframe src="{}"></iframe>'.format(server.url("/auth/login"))
    attacker, own = "http://attacker.example/", server.url("/khung-thu")
    for url in (attacker, own):
        context.route(url, lambda route: route.fulfill(content_type="text/html", body=framing))
    page = context.new_page()

    def framed_login(url: str):
        page.goto(url)
        frame = page.frame_locator("iframe").locator("body")
        frame.wait_for(state="attached")
        frames = [f for f in page.frames if f is not page.main_frame]
        assert len(frames) == 1
        return frames[0]

    blocked = framed_login(attacker)
    assert blocked.url.startswith("chrome-error://")
    assert blocked.query_selector("#username") is None, "another site framed the login form"
    allowed = framed_login(own)
    allowed.wait_for_selector("#username")
