"""Article administration, the body sanitiser: a list of hostile payloads, checked on the
public page, and its pinned allowlist.
"""

from __future__ import annotations

from collections import Counter

import pytest
from article_admin import ARTICLES, article_body, article_count, form_data, list_rows, save, submit
from hostile import HOSTILE_PAYLOADS, execution_vectors, page_vectors
from pages import parse, squash, value_of

from app.extensions import db
from app.html_sanitizer import ALLOWED_TAGS, ALLOWED_URL_SCHEMES, CLASSES, SCHEMA, sanitize_html
from app.news.models import Category

# --- The body sanitiser --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "payload", HOSTILE_PAYLOADS, ids=[f"payload{n:02d}" for n in range(len(HOSTILE_PAYLOADS))]
)
def test_hostile_body_html_leaves_no_script_vector_on_the_public_page(
    admin_client, cats, visitor, make_article, payload
):
    baseline = make_article(title="Bài đối chứng", category=db.session.get(Category, cats.a))
    marker = "Đoạn mở đầu an toàn"
    save(
        admin_client,
        form_data(
            cats.a,
            title="Bài thử mã độc",
            status="published",
            body=f"<p>{marker}</p>{payload}",
            rating_enabled="y",  # as the reference article: the page has the same parts
        ),
    )

    response = visitor.get("/tin-tuc/bai-thu-ma-doc")
    reference = visitor.get(f"/tin-tuc/{baseline.slug}")

    assert response.status_code == 200 and reference.status_code == 200
    body = article_body(response.text)
    assert marker in body.text(), "the saved body is not on the page"
    assert execution_vectors(body) == Counter(), f"left in the body: {payload!r}"
    # Nothing escaped the body either: the page has what an article page always has.
    hostile, normal = page_vectors(response.text), page_vectors(reference.text)
    assert hostile == normal, f"page differs from a plain article page: {hostile - normal}"


def test_the_pinned_allowlist_survives_the_sanitiser(admin_client, cats, visitor):
    rich = (
        "<h2>Tiêu đề mục</h2><h3>Tiêu đề nhỏ</h3>"
        "<p>Đoạn có <strong>chữ đậm</strong> và <em>chữ nghiêng</em>.</p>"
        "<ul><li>Mục một</li><li>Mục hai</li></ul><ol><li>Bước một</li></ol>"
        "<blockquote>Lời trích dẫn</blockquote>"
        '<p><a href="https://example.gov.vn/van-ban">Xem văn bản</a></p>'
        '<figure><img src="/media/0123456789abcdef0123456789abcde0.jpg" alt="Ảnh hội nghị">'
        "<figcaption>Toàn cảnh hội nghị</figcaption></figure>"
    )
    save(admin_client, form_data(cats.a, title="Bài định dạng", status="published", body=rich))

    body = article_body(visitor.get("/tin-tuc/bai-dinh-dang").text)

    assert squash(body.find("h2").text()) == "Tiêu đề mục"
    assert squash(body.find("h3").text()) == "Tiêu đề nhỏ"
    assert body.find("strong").text() == "chữ đậm" and body.find("em").text() == "chữ nghiêng"
    assert [li.text() for li in body.find("ul").find_all("li")] == ["Mục một", "Mục hai"]
    assert [li.text() for li in body.find("ol").find_all("li")] == ["Bước một"]
    assert body.find("blockquote").text() == "Lời trích dẫn"
    link = body.find("a")
    assert link.get("href") == "https://example.gov.vn/van-ban" and link.text() == "Xem văn bản"
    assert set(link.get("rel").split()) >= {"noopener", "noreferrer", "nofollow"}
    figure = body.find("figure")
    assert figure.find("img").get("src") == "/media/0123456789abcdef0123456789abcde0.jpg"
    assert figure.find("img").get("alt") == "Ảnh hội nghị"
    assert figure.find("figcaption").text() == "Toàn cảnh hội nghị"
    assert execution_vectors(body) == Counter()


def test_the_sanitiser_allowlist_is_pinned():
    """Widening what article bodies may contain is a decision: change this test with it. The
    editor (TinyMCE) gets the same list, in the same attribute order (editor_schema)."""
    align = ("align-left", "align-center", "align-right", "align-justify")
    assert SCHEMA == {
        "p": ("class",), "h2": ("class",), "h3": ("class",), "h4": ("class",),
        "div": ("class",), "blockquote": ("class",), "pre": (), "hr": (), "br": (),
        "ul": (), "ol": (), "li": ("class",),
        "strong": (), "b": (), "em": (), "i": (), "u": (), "s": (), "sub": (), "sup": (),
        "code": (), "a": ("href", "rel", "title"),
        "figure": ("class",), "figcaption": (),
        "img": ("src", "alt", "width", "height", "title"),
        "table": ("class",), "caption": ("class",), "thead": (), "tbody": (), "tr": (),
        "th": ("class", "colspan", "rowspan", "scope"), "td": ("class", "colspan", "rowspan"),
        "iframe": ("src", "title", "width", "height", "allow", "allowfullscreen", "loading",
                   "referrerpolicy"),
    }  # fmt: skip
    assert ALLOWED_TAGS == set(SCHEMA)
    assert ALLOWED_URL_SCHEMES == {"http", "https", "mailto"}
    # `class` is narrowed to the classes the editor writes: alignment, the captioned image.
    assert CLASSES == {
        **{tag: align for tag in ("p", "h2", "h3", "h4", "div", "blockquote", "li", "table",
                                  "caption", "th", "td")},
        "figure": ("image", *align),
    }  # fmt: skip


def test_a_body_keeps_the_editors_classes_and_loses_the_sites_own(admin_client, cats, visitor):
    body = (
        '<p class="flash flash-error ql-align-center">Thông báo giả mạo căn giữa</p>'
        '<ul><li class="ql-indent-1 idle-bar align-right">Mục căn phải</li></ul>'
        '<p class="button">Nút giả</p>'
    )
    save(admin_client, form_data(cats.a, title="Bài có lớp", status="published", body=body))

    shown = article_body(visitor.get("/tin-tuc/bai-co-lop").text)

    classes = {c for node in shown.iter() if node is not shown for c in node.classes()}
    # Quill's alignment class is read as ours.
    assert classes == {"align-center", "align-right"}
    assert "Thông báo giả mạo căn giữa" in shown.text() and "Nút giả" in shown.text()


EXTERNAL_IMAGES = (
    '<p>Ảnh ngoài:</p><img src="https://tracker.example/pixel.gif" alt="điểm ảnh">'
    '<img src="//tracker.example/b.gif"><img src="/\\tracker.example/c.gif">'
    '<img src=" http://tracker.example/d.gif">'
    '<figure><img src="/media/0123456789abcdef0123456789abcde0.jpg" alt="Ảnh của trang">'
    "<figcaption>Ảnh của trang</figcaption></figure>"
)


def image_sources(page: str) -> list[str | None]:
    return [img.get("src") for img in article_body(page).find_all("img")]


def test_images_from_other_hosts_are_dropped_and_the_sites_own_kept(admin_client, cats, visitor):
    save(
        admin_client,
        form_data(cats.a, title="Bài ảnh ngoài", status="published", body=EXTERNAL_IMAGES),
    )

    sources = image_sources(visitor.get("/tin-tuc/bai-anh-ngoai").text)

    assert "/media/0123456789abcdef0123456789abcde0.jpg" in sources
    assert [s for s in sources if s and "tracker.example" in s] == []


@pytest.mark.parametrize("app", [{"ARTICLE_EXTERNAL_IMAGES": True}], indirect=True)
def test_images_from_other_hosts_are_kept_when_the_setting_allows_them(admin_client, cats, visitor):
    save(
        admin_client,
        form_data(cats.a, title="Bài ảnh ngoài", status="published", body=EXTERNAL_IMAGES),
    )

    sources = image_sources(visitor.get("/tin-tuc/bai-anh-ngoai").text)

    assert "https://tracker.example/pixel.gif" in sources
    assert "/media/0123456789abcdef0123456789abcde0.jpg" in sources


def test_the_sanitiser_reads_urls_as_browsers_do_before_keeping_a_local_image():
    kept = ["/media/a.jpg", "media/a.jpg", "  /media/a.jpg"]
    dropped = ["https://x.example/a.gif", "HTTP://x.example/a.gif", "//x.example/a.gif",
               "/\\x.example/a.gif", "\\\\x.example/a.gif", "/\t/x.example/a.gif",
               "\x01//x.example/a.gif", "&#47;/x.example/a.gif"]  # fmt: skip
    for src in kept:
        assert 'src="' in sanitize_html(f'<img src="{src}">', external_images=False), src
    for src in dropped:
        assert "x.example" not in sanitize_html(f'<img src="{src}">', external_images=False), src


def test_a_refused_save_shows_the_body_back_sanitised(admin_client, cats):
    hostile = '<p>Nội dung</p><img src="x" onerror="window.hacked=1"><script>alert(1)</script>'

    response = submit(admin_client, form_data(cats.a, title="", body=hostile))

    assert response.status_code == 400
    shown = value_of(response.text, "body")
    assert "Nội dung" in shown
    assert "onerror" not in shown and "<script" not in shown
    assert article_count() == 0


def test_a_hostile_title_and_lead_are_shown_as_text(admin_client, cats, visitor):
    title = '<img src=x onerror=alert(1)> Tin "nóng"'
    save(
        admin_client,
        form_data(
            cats.a, title=title, status="published", lead="<script>alert(1)</script> tóm tắt"
        ),
    )
    slug = "img-src-x-onerror-alert-1-tin-nong"

    page = visitor.get(f"/tin-tuc/{slug}").text
    listing = admin_client.get(ARTICLES).text

    assert squash(parse(page).find("h1", cls="article-title").text()) == title
    assert "<script>alert(1)</script> tóm tắt" in parse(page).find("p", cls="article-lead").text()
    # The title and lead, not the whole <article>: readers' forms (rating, comments) end it.
    assert not execution_vectors(parse(page).find("h1", cls="article-title"))
    assert not execution_vectors(parse(page).find("p", cls="article-lead"))
    assert [r["title"] for r in list_rows(listing)] == [title]
    assert "<img src=x onerror" not in listing
