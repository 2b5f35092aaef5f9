"""The body editor keeps everything, in a real browser (Debian's Chromium driven by Playwright)
against a real gunicorn server.

The round trip: each body of tests/editor/corpus/ (news bodies of the NukeViet 4.5 sample, and
hand-made ones: tables with thead/th/caption/colspan/rowspan, nested lists, figures, video
embeds, aligned text, Word markup, a body of the Quill era) is put in an article as migrated
content is (straight into the database), opened in the article editor, saved unchanged, and
read back from the database: it must be exactly `sanitize_html(original)`. All bodies go
through one browser page.

Then what an editor does with the toolbar and the clipboard: a table with a header row made
through the table menu is saved as <thead><th>; Word's HTML pasted keeps its table and list
and loses its fonts and colours.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from browser import ADMIN_PASSWORD, ADMIN_USERNAME, desktop_context, login, requires_chromium
from run_database import engine_for
from sqlalchemy import text
from test_browser_quality import axe_violations, nu_errors

from app.html_sanitizer import sanitize_html

CORPUS = Path(__file__).parent / "corpus"
BODIES = sorted(CORPUS.glob("*.html"))

pytestmark = [requires_chromium, pytest.mark.timeout(300)]


class Articles:
    """The live server's database, as migrated content would be written into it."""

    def __init__(self, server) -> None:
        self.url = server.database_url

    def _run(self, sql: str, **params):
        engine = engine_for(self.url)
        try:
            with engine.begin() as conn:
                result = conn.execute(text(sql), params)
                return result.scalar() if result.returns_rows else None
        finally:
            engine.dispose()

    def first_id(self) -> int:
        return self._run("SELECT min(id) FROM articles")

    def put_body(self, article_id: int, body: str) -> None:
        self._run("UPDATE articles SET body = :body WHERE id = :id", body=body, id=article_id)

    def body(self, article_id: int) -> str:
        return self._run("SELECT body FROM articles WHERE id = :id", id=article_id)


def open_editor(page, url: str) -> None:
    page.goto(url)
    page.wait_for_function("() => window.articleEditor && window.articleEditor.initialized")


def save(page) -> None:
    with page.expect_navigation():
        page.click("#article-form button[type=submit]")
    assert "Đã lưu bài viết." in page.locator("main").inner_text(), page.url


def difference(expected: str, got: str) -> str:
    at = next((i for i, (a, b) in enumerate(zip(expected, got, strict=False)) if a != b),
              min(len(expected), len(got)))  # fmt: skip
    want, have = expected[at - 80 : at + 120], got[at - 80 : at + 120]
    return f"first difference at {at}:\n  want …{want!r}\n  got  …{have!r}"


def test_every_corpus_body_saved_unchanged_in_the_editor_stays_the_same(server, context):
    articles = Articles(server)
    article_id = articles.first_id()
    url = server.url(f"/admin/news/articles/{article_id}")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, "/admin/")

    # What the corpus must exercise, so that the round trip cannot silently stop covering it.
    together = "".join(sanitize_html(path.read_text(encoding="utf-8")) for path in BODIES)
    for feature in ("<thead><tr><th", 'scope="col"', 'colspan="2"', 'rowspan="2"', "<caption>",
                    "<ul><li>", "<ol><li>", "<li><p>", 'class="align-center"',
                    'class="align-justify"', "<td class=", '<figure class="image">',
                    "<figcaption>", "youtube-nocookie.com/embed/", "facebook.com/plugins/video",
                    "<blockquote>", "<pre>", "<br>", "\xa0"):  # fmt: skip
        assert feature in together, feature

    failures = []
    for path in BODIES:
        original = path.read_text(encoding="utf-8")
        expected = sanitize_html(original)
        assert expected == sanitize_html(expected), f"{path.name}: the sanitiser is no fixed point"
        articles.put_body(article_id, original)
        open_editor(page, url)
        save(page)
        stored = articles.body(article_id)
        if stored != expected:
            failures.append(f"{path.name}: {difference(expected, stored)}")

    assert failures == [], "\n".join(failures)
    assert errors == []
    assert len(BODIES) >= 20


def editor_html(page) -> str:
    return page.evaluate("window.articleEditor.getContent()")


def open_article(page, server, article_id: int) -> None:
    path = f"/admin/news/articles/{article_id}"
    login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, path)
    page.wait_for_function("() => window.articleEditor && window.articleEditor.initialized")


def caret_at_end(page) -> None:
    page.frame_locator("iframe.tox-edit-area__iframe").locator("body p").last.click()
    page.keyboard.press("End")


def editing(server, context, body: str):
    """An article holding `body` open in the editor, the caret at its end: (articles, id,
    page)."""
    articles = Articles(server)
    article_id = articles.first_id()
    articles.put_body(article_id, body)
    page = context.new_page()
    open_article(page, server, article_id)
    caret_at_end(page)
    return articles, article_id, page


def test_a_table_with_a_header_row_made_in_the_editor_is_saved_with_thead_and_th(server, context):
    articles, article_id, page = editing(server, context, "<p>Bảng kết quả:</p>")
    page.keyboard.press("Enter")

    # Bảng > Bảng: the grid, 3 columns by 2 rows.
    page.click("button[data-mce-name='table']")
    page.get_by_role("menuitem", name="Bảng", exact=True).hover()
    page.locator(".tox-insert-table-picker > div").nth(12).click()
    frame = page.frame_locator("iframe.tox-edit-area__iframe")
    frame.locator("table td").first.wait_for()
    frame.locator("table td").first.click()
    page.keyboard.type("Chỉ tiêu")
    page.keyboard.press("Tab")
    page.keyboard.type("Kết quả")
    # Dòng > Thuộc tính dòng: the first row becomes the header row.
    page.click("button[data-mce-name='table']")
    page.get_by_role("menuitem", name="Dòng", exact=True).hover()
    page.get_by_role("menuitem", name="Thuộc tính dòng").click()
    dialog = page.locator(".tox-dialog")
    dialog.get_by_role("combobox", name="Thể loại dòng").click()
    page.locator(".tox-collection__item").filter(has_text=re.compile("^Tiêu đề$")).click()
    dialog.get_by_role("button", name="Lưu").click()
    html = editor_html(page)
    assert "<thead>" in html and "<th" in html, html

    save(page)
    stored = articles.body(article_id)
    assert "<thead><tr><th" in stored and "Chỉ tiêu</th>" in stored, stored
    assert "<tbody><tr><td>" in stored, stored
    assert "style=" not in stored
    assert stored == sanitize_html(stored)


WORD_HTML = (
    "<html xmlns:o='urn:schemas-microsoft-com:office:office' "
    "xmlns:w='urn:schemas-microsoft-com:office:word'><head><meta name=Generator "
    "content='Microsoft Word 15'><style>p.MsoNormal{margin:0cm;font-family:Calibri}</style>"
    "</head><body lang=VI><!--StartFragment-->"
    '<p class=MsoNormal><b><span style=\'font-size:14.0pt;font-family:"Times New Roman";'
    "color:#C00000'>KẾ HOẠCH TUYỂN DỤNG</span></b><o:p></o:p></p>"
    "<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0 "
    "style='border-collapse:collapse;border:none;mso-border-alt:solid windowtext .5pt'>"
    "<tr><td width=200 style='width:150pt;background:#FFFF00'>"
    "<p class=MsoNormal><b>Vị trí</b></p></td>"
    "<td width=200><p class=MsoNormal><b>Số lượng</b></p></td></tr>"
    "<tr><td><p class=MsoNormal><span style='color:blue'>Chuyên viên</span></p></td>"
    "<td><p class=MsoNormal>5</p></td></tr></table>"
    "<ul style='margin-top:0cm' type=disc>"
    "<li class=MsoNormal style='color:red;mso-list:l0 level1 lfo1'>"
    "<span style='font-family:Arial'>Nộp hồ sơ trước 30/6</span></li>"
    "<li class=MsoNormal>Phỏng vấn <i>trực tiếp</i></li></ul>"
    "<!--EndFragment--></body></html>"
)


def test_word_html_pasted_keeps_its_table_and_list_and_loses_fonts_and_colours(server, context):
    articles, article_id, page = editing(server, context, "<p>Dán vào đây:</p>")
    frame = page.frame_locator("iframe.tox-edit-area__iframe")
    # A real paste event with Word's clipboard flavours, dispatched where the caret is.
    frame.locator("body").evaluate(
        """(body, html) => {
            const data = new DataTransfer();
            data.setData('text/html', html);
            data.setData('text/plain', 'KẾ HOẠCH TUYỂN DỤNG');
            body.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true,
                                                             cancelable: true}));
        }""",
        WORD_HTML,
    )
    page.wait_for_function("() => window.articleEditor.getContent().includes('Nộp hồ sơ')")
    save(page)

    stored = articles.body(article_id)
    assert "<table>" in stored, stored
    assert "Vị trí" in stored and "Chuyên viên" in stored
    assert "<ul><li>" in stored and "Phỏng vấn <i>trực tiếp</i>" in stored
    assert "<b>Vị trí</b>" in stored or "<strong>Vị trí</strong>" in stored
    for lost in ("style=", "font-family", "color", "Mso", "<span", "<o:p", "mso-"):
        assert lost not in stored, (lost, stored)
    assert urlsplit(page.url).path.endswith(str(article_id))


READERS_BODY = ("table-results.html", "table-merged.html", "lists-nested.html", "figures.html",
                "embeds.html", "aligned.html")  # fmt: skip


def test_readers_get_tables_embeds_and_alignment_valid_accessible_and_narrow(
    server, browser, context, tmp_path
):
    """The article page of a body with tables, figures, embeds and aligned text: valid HTML
    (the Nu checker), no axe violation, and at 390 px nothing wider than the screen (a wide
    table scrolls inside the article)."""
    articles = Articles(server)
    article_id = articles.first_id()
    body = "".join((CORPUS / name).read_text(encoding="utf-8") for name in READERS_BODY)
    cells = "".join(f"<td>Cột số {n} rất rộng</td>" for n in range(12))
    body += f"<table><tr>{cells}</tr></table>"
    articles.put_body(article_id, body)
    page = context.new_page()
    open_article(page, server, article_id)
    save(page)  # through the app: cached pages are made stale
    href = page.locator("a", has_text="Xem trên trang").get_attribute("href")
    assert href and href.startswith("/tin-tuc/"), href

    reader = desktop_context(browser, bypass_csp=True)
    public = reader.new_page()
    response = public.goto(server.url(href), wait_until="load")
    assert response is not None and response.status == 200
    shown = public.locator(".article-body")
    assert shown.locator("thead th").count() >= 6 and shown.locator("iframe").count() == 3
    assert shown.locator("iframe[title]").count() == 3
    assert shown.locator(".align-center").first.evaluate("e => getComputedStyle(e).textAlign") == (
        "center"
    )
    violations = axe_violations(public)
    errors = nu_errors({href: response.text()}, tmp_path)
    reader.close()
    assert errors + violations == [], "\n".join(errors + violations)

    phone = desktop_context(browser, viewport={"width": 390, "height": 844})
    narrow = phone.new_page()
    narrow.goto(server.url(href), wait_until="load")
    widths = narrow.evaluate(
        "() => [document.documentElement.scrollWidth, window.innerWidth,"
        " Math.max(...[...document.querySelectorAll('.article-body table')]"
        ".map(t => t.scrollWidth - t.clientWidth))]"
    )
    phone.close()
    page_width, screen, table_scroll = widths
    assert page_width <= screen, widths
    assert table_scroll > 0, "the wide table should scroll inside the article"
