"""Share and print in a real browser (Chromium against gunicorn with the demo content): the
copy button copies the article's address and says so, without the Clipboard API the address
is selected for the reader to copy, and the print view's button prints — all from static
scripts under the site's Content-Security-Policy, with no request to another site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from browser import first_link, requires_chromium

pytestmark = [requires_chromium, pytest.mark.timeout(120)]


def watch(page, origin: str) -> tuple[list[str], list[str]]:
    """Console errors (CSP violations included), and requests to any other origin."""
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: None if r.url.startswith(origin) else outside.append(r.url))
    return errors, outside


def test_copy_link_and_print_work_from_static_scripts(server, context):
    origin = server.url("")
    page = context.new_page()
    errors, outside = watch(page, origin)
    page.goto(server.url("/"))
    article = first_link(page, "/tin-tuc/")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=origin)
    page.goto(server.url(article))

    page.get_by_role("button", name="Sao chép liên kết").click()
    page.get_by_text("Đã sao chép liên kết.").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.input_value(".share-url")
    assert urlsplit(copied).path == article and copied.startswith(origin)

    page.get_by_role("link", name="In bài viết").click()
    page.wait_for_url(lambda url: urlsplit(url).path == article + "/in")
    # (A statement list: an expression ending in a function would be called by evaluate.)
    page.evaluate("window.__printed = 0; window.print = () => { window.__printed += 1; }; 0")
    page.get_by_role("button", name="In bài này").click()
    assert page.evaluate("window.__printed") == 1
    assert page.locator("h1").count() == 1

    assert errors == [] and outside == []


def test_without_the_clipboard_api_the_address_is_selected_to_copy(server, context):
    page = context.new_page()
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.goto(server.url("/"))
    page.goto(server.url(first_link(page, "/tin-tuc/")))

    page.get_by_role("button", name="Sao chép liên kết").click()

    page.get_by_text("hãy nhấn Ctrl+C").wait_for()
    selected = page.evaluate(
        "(() => { const f = document.querySelector('.share-url');"
        " return document.activeElement === f"
        " && f.value.substring(f.selectionStart, f.selectionEnd) === f.value; })()"
    )
    assert selected
