"""Every page type is valid HTML (the W3C Nu checker, npm `vnu-jar`) and accessible (axe-core,
npm `axe-core`, WCAG 2 A and AA rules) — in a real browser against a real gunicorn server
with the demo content, as a reader and as the administrator.

The tools come from `npm ci` (package.json; `make test` runs it) and need Java for the Nu
checker; the module skips without them, and .ci/run installs them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
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

ROOT = Path(__file__).resolve().parent.parent
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

pytestmark = [
    requires_chromium,
    pytest.mark.once,  # the pages' markup and accessibility, whatever the database
    pytest.mark.skipif(not (AXE.exists() and VNU.exists()), reason="run `npm ci` first"),
    pytest.mark.skipif(shutil.which("java") is None, reason="the Nu checker needs Java"),
    pytest.mark.timeout(300),
]


def nu_errors(pages: dict[str, str], folder: Path) -> list[str]:
    """The Nu checker's errors for each page's HTML (one Java start for all of them)."""
    files = {}
    for n, (path, html) in enumerate(pages.items()):
        file = folder / f"page{n}.html"
        file.write_text(html, encoding="utf-8")
        files[file.name] = path
    run = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, sorted(
            folder.glob("page*.html")))],
        capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip
    messages = json.loads(run.stderr or run.stdout)["messages"]
    return [
        f"{files.get(m.get('url', '').rsplit('/', 1)[-1], m.get('url'))}:{m.get('lastLine')}: "
        f"{m['message']}"
        for m in messages
        if m["type"] == "error" or (m["type"] == "non-document-error")
    ]


# The body editor (TinyMCE) builds its frame after "load": its resize handle, a focusable
# separator, gets its aria-value* attributes a moment after it appears. axe runs once the
# page's editor, if it has one, is whole.
EDITOR_READY = """() => !document.querySelector("#body-editor textarea.body-source")
  || (window.tinymce && tinymce.get().length > 0 && tinymce.get().every(e => e.initialized)
      && !document.querySelector(".tox-statusbar__resize-handle:not([aria-valuenow])"))"""


def axe_violations(page) -> list[str]:
    page.wait_for_function(EDITOR_READY)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_AA
    )
    return [
        f"{page.url}: {v['id']} ({v['impact']}): {v['help']} at "
        + "; ".join(" ".join(node["target"]) for node in v["nodes"][:5])
        for v in result["violations"]
    ]


def check(page, url: str, status: int, pages: dict[str, str], violations: list[str]) -> None:
    response = page.goto(url, wait_until="load")
    assert response is not None and response.status == status, (url, response.status)
    pages[url] = response.text()
    violations += axe_violations(page)


def test_every_page_type_is_valid_html_and_passes_axe(server, browser, context, tmp_path):
    pages: dict[str, str] = {}
    violations: list[str] = []
    # The scripts axe adds are not the page's own: the browser lets them in past the policy.
    reader = desktop_context(browser, bypass_csp=True)
    page = reader.new_page()
    for path, status in public_pages(server, context):
        check(page, server.url(path), status, pages, violations)
    reader.close()

    staff = desktop_context(browser, bypass_csp=True)
    page = staff.new_page()
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/")
    for path in admin_pages(page, server.base_url):
        check(page, server.url(path), 200, pages, violations)
    # The public statistics page, once an administrator has switched it on.
    page.goto(server.url("/admin/cai-dat/"))
    page.check("#stats_public_page")
    page.click("main button:has-text('Lưu cài đặt')")
    page.wait_for_load_state()
    check(page, server.url("/thong-ke/"), 200, pages, violations)
    staff.close()

    assert len(pages) > 20
    errors = nu_errors(pages, tmp_path)
    assert errors + violations == [], "\n".join(errors + violations)


def test_the_checks_see_a_broken_page(browser, tmp_path):
    """The checkers are wired: a page with a missing label, poor contrast and invalid
    nesting is caught by both."""
    html = (
        '<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>x</title></head>'
        '<body><main><p style="color:#bbb;background:#fff">chữ nhạt</p><input type="text">'
        "<p><div>khối trong đoạn</div></p></main></body></html>"
    )
    assert [e.split(": ", 1)[1] for e in nu_errors({"/hong": html}, tmp_path)] == [
        "No “p” element in scope but a “p” end tag seen."
    ]
    context = desktop_context(browser, bypass_csp=True)
    page = context.new_page()
    page.set_content(html)
    found = " ".join(axe_violations(page))
    context.close()
    assert "label" in found and "color-contrast" in found
