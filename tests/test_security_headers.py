"""Security headers on every response: a Content-Security-Policy with a fresh nonce and no
framing by other sites, nosniff, a cautious referrer, HSTS only over HTTPS; and templates
with no inline script, handler or style for the policy to block."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from auth_helpers import logged_in_client, new_account

from app.auth.models import Role

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}


def policy(response) -> dict[str, str]:
    """The Content-Security-Policy as {directive: sources}."""
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {response.request.path}"
    parts = (p.strip().split(None, 1) for p in header.split(";") if p.strip())
    return {p[0]: (p[1] if len(p) > 1 else "") for p in parts}


def nonce_of(response) -> str:
    match = re.search(r"'nonce-([A-Za-z0-9_-]+)'", policy(response)["script-src"])
    assert match, "no nonce in script-src"
    return match.group(1)


def assert_site_policy(response) -> None:
    csp = policy(response)
    nonce = nonce_of(response)
    assert csp["default-src"] == "'self'"
    assert csp["script-src"] == f"'self' 'nonce-{nonce}'"
    assert csp["style-src"] == f"'self' 'nonce-{nonce}'"
    assert csp["img-src"] == "'self' data:"
    assert csp["worker-src"] == "'self'"
    assert csp["frame-ancestors"] == "'self'"
    # Frames: our own, and exactly the two video hosts of app/embeds.py.
    assert csp["frame-src"] == "'self' https://www.youtube-nocookie.com https://www.facebook.com"
    assert csp["object-src"] == "'none'"
    assert csp["base-uri"] == "'self'"
    assert csp["form-action"] == "'self'"
    assert "unsafe-inline" not in response.headers["Content-Security-Policy"]
    assert "unsafe-eval" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_every_kind_of_public_response_carries_the_security_headers(app, client, make_article):
    article = make_article()
    responses = [
        client.get("/", headers=UA),
        client.get(f"/tin-tuc/{article.slug}", headers=UA),
        client.get("/van-ban/", headers=UA),
        client.get("/khong-co-trang-nay", headers=UA),
        client.get("/api/stats"),
        client.get("/feed.xml"),
        client.get("/static/css/site.css"),
        client.get("/auth/login"),
    ]
    assert [r.status_code for r in responses] == [200, 200, 200, 404, 200, 200, 200, 200]
    for response in responses:
        assert_site_policy(response)
        response.close()


def test_each_response_gets_its_own_nonce(app, client):
    nonces = {nonce_of(client.get("/", headers=UA)) for _ in range(5)}
    assert len(nonces) == 5
    assert all(len(n) >= 22 for n in nonces)  # 16 random bytes


def test_admin_pages_cannot_be_framed_by_other_sites(app):
    client = logged_in_client(app, new_account("bientap", role=Role.ADMIN))
    for path in ("/admin/", "/admin/news/articles", "/admin/news/articles/new"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert policy(response)["frame-ancestors"] == "'self'"
        assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


def test_only_pages_with_the_body_editor_allow_style_attributes(app, client, make_article):
    """TinyMCE writes style attributes in its frame: the editor's pages allow them, and only
    style attributes; readers' pages and other admin pages do not."""
    article = make_article()
    admin = logged_in_client(app, new_account("soanthao", role=Role.ADMIN))
    editor = admin.get("/admin/news/articles/new")
    assert editor.status_code == 200
    assert policy(editor)["style-src-attr"] == "'unsafe-inline'"
    header = editor.headers["Content-Security-Policy"]
    assert header.count("unsafe-inline") == 1 and "unsafe-eval" not in header
    for response in (admin.get("/admin/"), admin.get("/admin/news/articles"),
                     client.get(f"/tin-tuc/{article.slug}", headers=UA)):  # fmt: skip
        assert "style-src-attr" not in policy(response)
        assert "unsafe-inline" not in response.headers["Content-Security-Policy"]


def test_hsts_only_over_https(app, client):
    assert "Strict-Transport-Security" not in client.get("/").headers
    secure = client.get("/", base_url="https://localhost")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_hsts_can_be_turned_off(make_app):
    app = make_app(HSTS_SECONDS=0)
    response = app.test_client().get("/", base_url="https://localhost")
    assert "Strict-Transport-Security" not in response.headers


def test_external_images_in_the_policy_follow_the_article_setting(make_app):
    app = make_app(ARTICLE_EXTERNAL_IMAGES=True)
    assert policy(app.test_client().get("/"))["img-src"] == "'self' data: https:"


def test_a_response_with_its_own_policy_keeps_it(app, client):
    """The PDF preview is sandboxed by its own header; ours must not replace it."""
    import io
    from datetime import date

    from app.demo.pdf import document_pdf
    from app.documents.operations import (
        attach_file,
        create_document,
        get_or_create_issuer,
        get_or_create_type,
    )

    document = create_document(
        code="7/TB-UBND", title="Thông báo", summary="Lịch tiếp công dân.",
        type=get_or_create_type("Thông báo"), issuer=get_or_create_issuer("UBND tỉnh"),
        issued_on=date(2026, 1, 5),
    )  # fmt: skip
    pdf = document_pdf("UBND tỉnh", "7/TB-UBND", "Thông báo", ["Nội dung."], "Chủ tịch")
    attached = attach_file(document, io.BytesIO(pdf), "thong-bao.pdf")

    response = client.get(f"/van-ban/tep/{attached.id}/xem", buffered=True)
    assert "sandbox" in policy(response)
    assert "nonce" not in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# What the policy would block: inline <script> and <style> without a nonce, on*= handlers,
# style= attributes and javascript: URLs. A JSON data block (<script type="application/json">,
# the reports' chart data) is never run, so script-src does not apply to it.
RUN_SCRIPT = r'<script\b(?![^>]*\bsrc=)(?![^>]*\bnonce=)(?![^>]*\btype="application/json")[^>]*>'
INLINE = [
    (re.compile(RUN_SCRIPT, re.I), "inline <script>"),
    (re.compile(r"<style\b(?![^>]*\bnonce=)[^>]*>", re.I), "inline <style>"),
    (re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I | re.S), "event handler attribute"),
    (re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I | re.S), "style attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


@pytest.mark.parametrize(
    "template", sorted(TEMPLATES.rglob("*.*")), ids=lambda p: str(p.relative_to(TEMPLATES))
)
def test_templates_hold_no_inline_code_the_policy_would_block(template):
    text = template.read_text()
    found = [(what, m.group(0)[:80]) for rx, what in INLINE for m in rx.finditer(text)]
    assert not found, found
