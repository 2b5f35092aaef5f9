"""A document's body is rich text, like an article's: sanitised on every save by the same
allow-list (scripts, event handlers and `javascript:` links go; tables, lists and bold stay),
shown as HTML on the document's page, written in the same editor, saved back unchanged byte
for byte through the form and through the real editor in Chromium (a NukeViet body imported
too), searched by its words and never by its tags; bodies
stored as plain text before migration 0020 become escaped paragraphs, and back on downgrade.
"""

from __future__ import annotations

import os

import pytest
import sqlalchemy as sa
from audit_log import audit_rows
from browser import ADMIN_PASSWORD, ADMIN_USERNAME, login, requires_chromium
from flask_migrate import downgrade, upgrade
from pages import errors_next_to, forms_on, parse, value_of
from run_database import engine_for, scratch_database
from werkzeug.datastructures import MultiDict
from werkzeug.test import encode_multipart

from app.documents.models import Document
from app.documents.operations import BODY_MAX, BODY_TOO_LONG
from app.extensions import db
from app.html_sanitizer import sanitize_html
from app.nukeviet import importer, laws
from app.nukeviet.models import ImportedRow
from app.nukeviet.source import open_source
from tests.nukeviet.source_helpers import Extended, fixture_path
from tests.search.search_helpers import hits

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed

IMAGE = "/media/0123456789abcdef0123456789abcde0.jpg"
HOSTILE = (
    '<p onclick="steal()">Mở đầu <strong>in đậm</strong> và <em>nghiêng</em></p>'
    '<script>alert("x")</script>'
    f'<p><img src="{IMAGE}" alt="Sơ đồ" onerror="alert(1)"></p>'
    '<p><a href="javascript:alert(1)">liên kết xấu</a> '
    '<a href="https://vanban.chinhphu.vn/">Cổng văn bản</a></p>'
    '<table border="1" style="width:100%"><caption>Bảng phân công</caption>'
    "<thead><tr><th>Điều</th><th>Nội dung</th></tr></thead><tbody>"
    "<tr><td>1</td><td>Phạm vi điều chỉnh: kiểm toán viên nhà nước</td></tr>"
    '<tr><td colspan="2">Hiệu lực thi hành</td></tr></tbody></table>'
    "<ul><li>Khoản một</li><li>Khoản hai</li></ul>"
    "<pre>Dòng một\n  Dòng hai</pre>"
)
TABLE = (
    "<table><caption>Bảng phân công</caption><thead><tr><th>Điều</th><th>Nội dung</th></tr>"
    "</thead><tbody><tr><td>1</td><td>Phạm vi điều chỉnh: kiểm toán viên nhà nước</td></tr>"
    '<tr><td colspan="2">Hiệu lực thi hành</td></tr></tbody></table>'
)
# A body as NukeViet's CKEditor writes it in the laws module: inline styles, a bordered table
# with widths, &nbsp;, an empty paragraph, line breaks.
NUKEVIET_BODY = (
    '<p style="text-align: center;"><strong>CHÍNH PHỦ</strong><br />\r\n'
    "-------</p>\r\n"
    '<p style="text-align: justify;">Căn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;'
    "&nbsp;</p>\r\n<p>&nbsp;</p>\r\n"
    '<table border="1" cellpadding="1" cellspacing="1" style="width: 500px;">\r\n\t<tbody>\r\n'
    '\t\t<tr>\r\n\t\t\t<td style="width: 40px;">STT</td>\r\n\t\t\t<td>Tên dịch vụ</td>\r\n'
    "\t\t</tr>\r\n\t\t<tr>\r\n\t\t\t<td>1</td>\r\n\t\t\t<td>Dịch vụ truy nhập Internet"
    "</td>\r\n\t\t</tr>\r\n\t</tbody>\r\n</table>\r\n"
    "<ol>\r\n\t<li>Điều 1.&nbsp;<em>Phạm vi</em></li>\r\n\t<li>Điều 2</li>\r\n</ol>\r\n"
)


def stored(app, document_id: int) -> Document:
    with app.app_context():
        document = db.session.get(Document, document_id)
        db.session.expunge(document)
        return document


def edit_form(client, document_id: int) -> list[tuple[str, str]]:
    """The document form's fields as a browser sends them untouched: a textarea's text
    without the line break right after its tag, its line breaks as CR LF."""
    url = f"/admin/documents/{document_id}"
    page = client.get(url)
    assert page.status_code == 200, page.text[:500]
    [form] = [f for f in forms_on(page.text, url) if f.multipart]
    textareas = {node.get("name") for node in parse(page.text).find_all("textarea")}
    fields = []
    for name, value in form.fields:
        if name in textareas:
            value = value.removeprefix("\r\n").removeprefix("\n")
            value = value.replace("\r\n", "\n").replace("\n", "\r\n")
        fields.append((name, value))
    return fields


def post_form(client, document_id: int, fields: list[tuple[str, str]], **changes):
    data = MultiDict([(n, v) for n, v in fields if n not in changes] + list(changes.items()))
    return client.post(
        f"/admin/documents/{document_id}", data=data, content_type="multipart/form-data"
    )


# --- sanitising ----------------------------------------------------------------------------------


def test_a_body_typed_in_the_form_is_stored_sanitised_with_its_table(
    app, make_document, admin_client
):
    made = make_document("118-HD/BTGTU")

    response = post_form(admin_client, made.id, edit_form(admin_client, made.id), body=HOSTILE)

    assert response.status_code == 302, response.text[:2000]
    body = stored(app, made.id).body
    for gone in ("<script", "alert", "onclick", "onerror", "javascript:", "style=", "border="):
        assert gone not in body, gone
    assert body == (
        "<p>Mở đầu <strong>in đậm</strong> và <em>nghiêng</em></p>"
        f'<p><img src="{IMAGE}" alt="Sơ đồ"></p>'
        "<p>liên kết xấu "
        '<a href="https://vanban.chinhphu.vn/" rel="noopener noreferrer nofollow">Cổng văn bản'
        "</a></p>" + TABLE + "<ul><li>Khoản một</li><li>Khoản hai</li></ul>"
        "<pre>Dòng một\n  Dòng hai</pre>"
    )
    assert body == sanitize_html(HOSTILE)  # the articles' sanitiser, not one of its own
    [entry] = audit_rows(app, "document.update")
    assert "body" in entry.detail and "<" not in entry.detail  # named, not copied


def test_the_page_shows_the_body_as_html_and_the_summary_as_text(make_document, reader_client):
    made = make_document("7-CV/TEST", summary="Trích yếu <b>không</b> in đậm", body=HOSTILE)

    page = reader_client.get(made.url).text

    body = parse(page).find(cls="doc-body")
    assert body is not None and body.find("table") is not None
    assert TABLE in page and "<pre>Dòng một\n  Dòng hai</pre>" in page
    assert "<script>alert" not in page and "onerror" not in page and "javascript:" not in page
    assert "Trích yếu &lt;b&gt;không&lt;/b&gt; in đậm" in page  # the summary stays text
    description = parse(page).find("meta", name="description")
    assert description.get("content") == "Trích yếu <b>không</b> in đậm"  # an attribute value


def test_the_form_has_the_article_editor_with_the_servers_allow_list(make_document, admin_client):
    made = make_document("7-CV/TEST", body="<p>Nội dung</p>")

    page = admin_client.get(f"/admin/documents/{made.id}").text

    holder = parse(page).find(id="body-editor")
    assert holder is not None and "table[class]" in holder.get("data-schema")
    assert holder.find("textarea", cls="body-source").get("name") == "body"
    assert "js/article-editor.js" in page and "tinymce.min.js" in page
    assert value_of(page, "body").strip() == "<p>Nội dung</p>"


def test_a_refused_save_gives_the_typed_body_back_sanitised(make_document, admin_client):
    made = make_document("7-CV/TEST")

    response = post_form(
        admin_client, made.id, edit_form(admin_client, made.id), title="", body=HOSTILE
    )

    assert response.status_code == 400
    assert errors_next_to(response.text, "title") == ["Nhập tiêu đề."]
    # The editor makes the textarea's HTML live: what the server refused to store never runs.
    assert value_of(response.text, "body").strip() == sanitize_html(HOSTILE)


def test_a_long_vietnamese_full_text_under_the_limit_is_stored(app, make_document, admin_client):
    # Over Werkzeug's default 500 kB of form text once encoded, under BODY_MAX in characters.
    long_text = "<p>" + ("Điều khoản thi hành nghị định. " * (BODY_MAX // 40)).strip() + "</p>"
    assert len(long_text.encode()) > 500_000 and len(long_text) < BODY_MAX
    made = make_document("8-CV/TEST", body="<p>Ngắn</p>")

    fields = [(n, v) for n, v in edit_form(admin_client, made.id) if n != "body"]
    # Encoded here in memory: the test client would spool it to a file it never closes.
    boundary, data = encode_multipart(MultiDict([*fields, ("body", long_text)]))
    response = admin_client.post(
        f"/admin/documents/{made.id}",
        data=data,
        content_type=f"multipart/form-data; boundary={boundary}",
    )

    assert response.status_code == 302, response.text[:300]
    assert stored(app, made.id).body == long_text


def test_a_body_over_the_limit_is_a_readable_400(app, make_document, admin_client):
    made = make_document("7-CV/TEST", body="<p>Giữ nguyên</p>")
    fields = edit_form(admin_client, made.id)

    typed = post_form(admin_client, made.id, fields, body="<p>" + "a" * BODY_MAX + "</p>")
    # Under the limit as typed, over it once written as the editor writes it (& is &amp;).
    grown = post_form(admin_client, made.id, fields, body="&" * (BODY_MAX - 1_000))

    for response in (typed, grown):
        assert response.status_code == 400
        assert errors_next_to(response.text, "body") == [BODY_TOO_LONG]
        assert "Văn bản chưa được lưu" in response.text
    assert stored(app, made.id).body == "<p>Giữ nguyên</p>"


# --- the editor round trip -----------------------------------------------------------------------


def test_a_body_saved_unchanged_in_the_form_stays_byte_identical(app, make_document, admin_client):
    made = make_document("118-HD/BTGTU", body=HOSTILE)
    before = stored(app, made.id)

    response = post_form(admin_client, made.id, edit_form(admin_client, made.id))

    assert response.status_code == 302, response.text[:2000]
    after = stored(app, made.id)
    assert after.body == before.body == sanitize_html(HOSTILE)
    assert after.updated_at == before.updated_at  # nothing written
    assert audit_rows(app, "document.update") == []


def test_an_imported_nukeviet_body_survives_the_form_unchanged(app, admin_client):
    changed = {("vi_laws_row", 2): {"bodytext": NUKEVIET_BODY}}
    with app.app_context(), open_source(str(fixture_path())) as source:
        ctx = importer.Context(source=Extended(source, None, changed), uploads=None,
                               dry_run=False, report=importer.Report())  # fmt: skip
        laws.import_documents(ctx)
        document_id = db.session.get(ImportedRow, ("document", "2")).new_id
    before = stored(app, document_id)
    assert before.body == (
        '<p class="align-center"><strong>CHÍNH PHỦ</strong><br>-------</p>'
        '<p class="align-justify">Căn cứ Luật Tổ chức Chính phủ ngày 25 tháng 12 năm 2001;'
        "\xa0</p><p>\xa0</p><table><tbody><tr><td>STT</td><td>Tên dịch vụ</td></tr>"
        "<tr><td>1</td><td>Dịch vụ truy nhập Internet</td></tr></tbody></table>"
        "<ol><li>Điều 1.\xa0<em>Phạm vi</em></li><li>Điều 2</li></ol>"
    )

    response = post_form(admin_client, document_id, edit_form(admin_client, document_id))

    assert response.status_code == 302, response.text[:2000]
    after = stored(app, document_id)
    assert after.body == before.body and after.updated_at == before.updated_at


# --- search --------------------------------------------------------------------------------------


def test_search_finds_words_of_a_table_cell_and_never_tag_names(make_document, reader_client):
    make_document("7-CV/TEST", title="Quy chế phối hợp", body=HOSTILE)

    assert hits(reader_client, "kiem toan vien") == ["7-CV/TEST: Quy chế phối hợp"]
    assert hits(reader_client, "hiệu lực thi hành") == ["7-CV/TEST: Quy chế phối hợp"]
    for tag in ("td", "colspan", "strong", "caption", "thead", "noopener"):
        assert hits(reader_client, tag) == [], tag


# --- migration 0020: bodies stored as plain text before ------------------------------------------

BEFORE = "0019_password_links"
PLAIN = {
    1: "Căn cứ Luật Ban hành văn bản;\nCăn cứ Nghị định số 34/2016/NĐ-CP;\n\n"
    "Điều 1. Tỷ lệ < 5% & trên 3 năm\r\n\r\n\r\n   Điều 2.   Hiệu lực  ",
    2: "",
    3: "Một dòng <script>alert(1)</script>",
}
HTML = {
    1: "<p>Căn cứ Luật Ban hành văn bản;<br>Căn cứ Nghị định số 34/2016/NĐ-CP;</p>"
    "<p>Điều 1. Tỷ lệ &lt; 5% &amp; trên 3 năm</p><p>Điều 2. Hiệu lực</p>",
    2: "",
    3: "<p>Một dòng &lt;script&gt;alert(1)&lt;/script&gt;</p>",
}
TEXT_AGAIN = {
    1: "Căn cứ Luật Ban hành văn bản;\nCăn cứ Nghị định số 34/2016/NĐ-CP;\n\n"
    "Điều 1. Tỷ lệ < 5% & trên 3 năm\n\nĐiều 2. Hiệu lực",
    2: "",
    3: "Một dòng <script>alert(1)</script>",
}


def _migrate_plain_bodies(app) -> tuple[dict, dict, list]:
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO document_types (id, name, slug, position) "
                "VALUES (1, 'Quyết định', 'quyet-dinh', 0)"
            ))  # fmt: skip
            conn.execute(sa.text(
                "INSERT INTO document_issuers (id, name, slug) VALUES (1, 'UBND tỉnh', 'ubnd')"
            ))  # fmt: skip
            for number, body in PLAIN.items():
                conn.execute(
                    sa.text(
                        "INSERT INTO documents (id, code, slug, title, summary, body, type_id, "
                        "issuer_id, issued_on, published, views, downloads, search_text, "
                        "created_at, updated_at) VALUES (:id, :code, :slug, 'Văn bản', '', "
                        ":body, 1, 1, '2024-01-02', :yes, 0, 0, '', '2024-01-02', '2024-01-02')"
                    ),
                    {"id": number, "code": f"{number}/QĐ-UBND", "slug": f"{number}-qd-ubnd",
                     "body": body, "yes": True},
                )  # fmt: skip

        upgrade()
        with db.engine.connect() as conn:
            upgraded = dict(conn.execute(sa.text("SELECT id, body FROM documents")).all())
        found = hits(app.test_client(), "ty le tren 3 nam")
        downgrade(revision=BEFORE)
        with db.engine.connect() as conn:
            back = dict(conn.execute(sa.text("SELECT id, body FROM documents")).all())
        db.session.remove()
        db.engine.dispose()
    return upgraded, back, found


def test_plain_bodies_become_escaped_paragraphs_and_come_back_on_downgrade(tmp_path, make_app):
    database = f"sqlite:///{tmp_path / 'before.db'}"
    upgraded, back, found = _migrate_plain_bodies(make_app(SQLALCHEMY_DATABASE_URI=database))
    assert upgraded == HTML
    assert all(sanitize_html(body) == body for body in upgraded.values())  # editor-ready
    assert found == ["1/QĐ-UBND: Văn bản"]  # the index holds the words, not &lt; or &amp;
    assert back == TEXT_AGAIN


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
    reason="TEST_DATABASE_URL names no PostgreSQL database",
)
@pytest.mark.once  # on a database of its own: the same work in either run
def test_the_body_migration_runs_on_postgresql(make_app):
    with scratch_database(os.environ["TEST_DATABASE_URL"]) as url:
        app = make_app(DATABASE_URL=url, SQLALCHEMY_DATABASE_URI=None)
        upgraded, back, found = _migrate_plain_bodies(app)
    assert upgraded == HTML
    assert found == ["1/QĐ-UBND: Văn bản"]
    assert back == TEXT_AGAIN


# --- the real editor, in a real browser ----------------------------------------------------------


@requires_chromium
@pytest.mark.once  # the browser and its live server: the same work in either run
def test_the_document_editor_saves_a_table_body_unchanged_in_a_browser(server, context):
    # Stored as the import and the form store it: sanitised.
    stored_body = sanitize_html(NUKEVIET_BODY + HOSTILE)
    engine = engine_for(server.database_url)
    try:
        with engine.begin() as conn:
            document_id = conn.scalar(sa.text("SELECT min(id) FROM documents"))
            conn.execute(sa.text("UPDATE documents SET body = :body WHERE id = :id"),
                         {"body": stored_body, "id": document_id})  # fmt: skip
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        path = f"/admin/documents/{document_id}"
        login(page, server.base_url, ADMIN_USERNAME, ADMIN_PASSWORD, path)
        page.wait_for_function("() => window.articleEditor && window.articleEditor.initialized")
        frame = page.frame_locator("iframe.tox-edit-area__iframe")
        assert frame.locator("table td[colspan='2']").inner_text() == "Hiệu lực thi hành"
        with page.expect_navigation():
            page.click("form.document-form button[type=submit]")
        assert "Đã lưu văn bản" in page.locator("main").inner_text()
        with engine.connect() as conn:
            body = conn.scalar(sa.text("SELECT body FROM documents WHERE id = :id"),
                               {"id": document_id})  # fmt: skip
    finally:
        engine.dispose()
    assert body == stored_body
    assert errors == []
