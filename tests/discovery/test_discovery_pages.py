"""What readers' pages tell machines and what readers take away: canonical, Open Graph and
Twitter tags on every public page type (absolute, on SITE_URL whatever the Host), one <h1>
per page, the print view, and the share links under an article."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from discovery_pages import ALIAS, SITE, h1_count, meta, reader
from pages import parse, squash

from app.dates import utcnow
from app.extensions import db
from app.news.models import ArticleStatus
from app.news.operations import update_article

OTHER_HOST = {"Host": ALIAS}


@pytest.fixture
def site(make_category, make_article, make_document, app):
    """One of each public page type, and their paths."""
    app.config["ARTICLES_PER_PAGE"] = 2
    news = make_category("Tin tức", description="Tin hoạt động của cơ quan.")
    child = make_category("Tin địa phương", parent=news)
    article = make_article(
        "Hội nghị tổng kết năm",
        category=child,
        lead="Hội nghị đánh giá kết quả một năm công tác.",
        body="<p>Nội dung hội nghị.</p><h2>Phần hai</h2><p>Thêm nội dung.</p>",
        image="hoi-nghi.jpg",
        image_caption="Quang cảnh hội nghị",
        author="Minh Anh",
        source="Báo Tỉnh",
        tags=["tổng kết"],
    )
    plain = make_article("Bài không ảnh", category=news)
    for n in range(3):
        make_article(f"Bài thêm {n}", category=news)
    document = make_document("12-KH/TEST", title="Kế hoạch năm", summary="Kế hoạch công tác.",
                             issued_on=date(2026, 1, 5))  # fmt: skip
    return {
        "home": "/",
        "category": f"/chuyen-muc/{news.slug}",
        "category_page_2": f"/chuyen-muc/{news.slug}?page=2",
        "tag": f"/tu-khoa/{article.tags[0].slug}",
        "article": f"/tin-tuc/{article.slug}",
        "plain_article": f"/tin-tuc/{plain.slug}",
        "documents": "/van-ban/",
        "document": document.url,
        "print": f"/tin-tuc/{article.slug}/in",
        "image": article.image,
        "article_id": article.id,
    }


# --- meta tags -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["home", "category", "category_page_2", "tag", "article", "documents", "document"]
)
def test_every_public_page_type_has_absolute_canonical_open_graph_and_twitter_tags(site, app, page):
    path = site[page]
    tags = meta(reader(app).get(path, headers=OTHER_HOST).text)

    expected = SITE + path
    assert tags["canonical"] == expected
    assert tags["og:url"] == expected
    assert tags["og:site_name"] == app.config["SITE_NAME"]
    assert tags["og:locale"] == "vi_VN"
    assert tags["og:title"] and tags["og:description"] and tags["description"]
    assert tags["og:image"].startswith(SITE + "/")
    assert tags["twitter:card"] in ("summary", "summary_large_image")
    assert ALIAS not in str(tags) and "localhost" not in str(tags)


def test_article_tags_describe_the_article_and_its_picture(site, app):
    tags = meta(reader(app).get(site["article"], headers=OTHER_HOST).text)

    assert tags["og:type"] == "article"
    assert tags["og:title"] == "Hội nghị tổng kết năm"
    assert tags["og:description"] == "Hội nghị đánh giá kết quả một năm công tác."
    assert tags["og:image"] == f"{SITE}/media/{site['image']}"
    assert tags["twitter:card"] == "summary_large_image"


def test_a_page_without_a_picture_shows_the_sites_default_one(site, app):
    tags = meta(reader(app).get(site["plain_article"]).text)
    image = tags["og:image"]

    assert image == f"{SITE}/static/og-default.png"
    assert tags["twitter:card"] == "summary"
    with reader(app, 2).get(urlsplit(image).path) as picture:
        assert picture.status_code == 200 and picture.mimetype == "image/png"


def test_a_list_page_beyond_the_first_is_its_own_canonical_page(site, app):
    first = meta(reader(app).get(site["category"] + "?page=1").text)
    second = meta(reader(app, 2).get(site["category_page_2"]).text)

    assert first["canonical"] == SITE + site["category"]  # page 1 has no ?page=
    assert second["canonical"] == SITE + site["category_page_2"]


def test_a_filtered_documents_list_names_the_whole_list_as_canonical(site, app):
    tags = meta(reader(app).get("/van-ban/?loai=huong-dan&q=k%E1%BA%BF").text)

    assert tags["canonical"] == SITE + "/van-ban/"


def test_hostile_titles_stay_text_in_meta_tags(make_article, app):
    article = make_article('Tin "trích dẫn" <script>alert(1)</script> & hơn',
                           lead='Tóm tắt "x" <img src=x onerror=alert(1)>')  # fmt: skip
    html = reader(app).get(f"/tin-tuc/{article.slug}").text

    assert "<script>alert(1)" not in html and "<img src=x" not in html
    tags = meta(html)
    assert tags["og:title"] == 'Tin "trích dẫn" <script>alert(1)</script> & hơn'
    assert tags["og:description"] == 'Tóm tắt "x" <img src=x onerror=alert(1)>'


# --- one h1 -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "page", ["home", "category", "tag", "article", "documents", "document", "print"]
)
def test_every_public_page_type_has_exactly_one_h1(site, app, page):
    html = reader(app).get(site[page]).text

    assert h1_count(html) == 1


def test_the_home_pages_h1_names_the_site(site, app):
    h1 = parse(reader(app).get("/").text).find("h1")

    assert squash(h1.text()) == app.config["SITE_NAME"]


# --- print view -------------------------------------------------------------------------------


def test_print_view_shows_the_article_with_its_absolute_source_and_print_date(site, app):
    response = reader(app).get(site["print"], headers=OTHER_HOST)
    assert response.status_code == 200
    root = parse(response.text)
    text = squash(root.text())

    assert squash(root.find("h1").text()) == "Hội nghị tổng kết năm"
    for expected in ("Hội nghị đánh giá kết quả một năm công tác.", "Nội dung hội nghị.",
                     "Phần hai", "Minh Anh", "Nguồn: Báo Tỉnh", "Quang cảnh hội nghị"):  # fmt: skip
        assert expected in text
    assert f"Địa chỉ bài viết: {SITE}{site['article']}" in text
    today = utcnow() + timedelta(hours=7)  # Asia/Ho_Chi_Minh, no daylight saving time
    assert f"Ngày in: {today:%d/%m/%Y}" in text
    assert ALIAS not in response.text


def test_print_view_has_no_menu_sidebar_or_inline_script(site, app):
    root = parse(reader(app).get(site["print"]).text)

    assert root.find("aside") is None and root.find("nav", cls="main-nav") is None
    assert root.find(cls="sidebar") is None
    scripts = root.find_all("script")
    assert [s.get("src") for s in scripts] == ["/static/js/print.js"]
    assert all(not s.text().strip() for s in scripts)
    button = root.find("button", **{"data-print": ""})
    assert button is not None and squash(button.text()) == "In bài này"
    assert root.find("link", rel="stylesheet").get("href") == "/static/css/print.css"
    with reader(app, 2).get("/static/js/print.js") as script:
        assert script.status_code == 200


def test_article_links_to_its_print_view(site, app):
    root = parse(reader(app).get(site["article"]).text)
    link = root.find("a", href=site["print"])

    assert link is not None and squash(link.text()) == "In bài viết"


def test_print_view_of_a_hidden_or_unknown_article_is_404(site, make_article, app):
    draft = make_article("Bản nháp", status=ArticleStatus.DRAFT)
    later = make_article("Hẹn giờ", published_at=utcnow() + timedelta(days=1),
                         status=ArticleStatus.SCHEDULED)  # fmt: skip

    for slug in (draft.slug, later.slug, "khong-co-bai-nay"):
        response = reader(app).get(f"/tin-tuc/{slug}/in")
        assert response.status_code == 404, slug
        assert "Hội nghị" not in response.text


def test_print_view_at_an_old_slug_redirects_to_the_new_one(site, make_article, app):
    article = make_article("Tên cũ của bài")
    old = article.slug
    update_article(article, slug="ten-moi-cua-bai")

    response = reader(app).get(f"/tin-tuc/{old}/in")

    assert response.status_code == 301
    assert urlsplit(response.headers["Location"]).path == "/tin-tuc/ten-moi-cua-bai/in"
    assert reader(app, 2).get("/tin-tuc/ten-moi-cua-bai/in").status_code == 200


def test_print_view_is_not_a_page_view_of_the_article(site, app):
    for n in range(3):
        assert reader(app, 10 + n).get(site["print"]).status_code == 200

    html = reader(app, 20).get(site["article"]).text
    views = parse(html).find(**{"data-counter": "views"})

    assert squash(views.text()) == "1"  # only this reader's view of the article itself


# --- share links ------------------------------------------------------------------------------


def test_share_links_carry_the_encoded_absolute_article_url(site, app):
    html = reader(app).get(site["article"], headers=OTHER_HOST).text
    root = parse(html)
    expected = SITE + site["article"]

    facebook = root.find("a", cls="share-facebook").get("href")
    zalo = root.find("a", cls="share-zalo").get("href")
    assert facebook.startswith("https://www.facebook.com/sharer/sharer.php?u=https%3A%2F%2F")
    assert parse_qs(urlsplit(facebook).query) == {"u": [expected]}
    assert zalo.startswith("https://sp.zalo.me/share_inline?url=https%3A%2F%2F")
    assert parse_qs(urlsplit(zalo).query) == {"url": [expected]}
    for link in (root.find("a", cls="share-facebook"), root.find("a", cls="share-zalo")):
        assert "noopener" in link.get("rel")
    field = root.find("input", cls="share-url")
    assert field.get("value") == expected and field.get("readonly") is not None
    label = root.find("label", **{"for": field.get("id")})
    assert label is not None and squash(label.text()) == "Liên kết bài viết"
    button = root.find("button", **{"data-share-copy-button": ""})
    assert squash(button.text()) == "Sao chép liên kết"
    assert root.find(**{"data-share-copy-status": ""}).get("role") == "status"


def test_article_page_loads_no_third_party_script(site, app):
    root = parse(reader(app).get(site["article"]).text)
    sources = [s.get("src") for s in root.find_all("script")]

    assert "/static/js/share.js" in sources
    assert all(src and src.startswith("/static/") for src in sources), sources
    assert all(not s.text().strip() for s in root.find_all("script"))
    with reader(app, 2).get("/static/js/share.js") as script:
        assert script.status_code == 200


def test_without_site_url_a_cached_page_shares_each_readers_own_origin(make_app):
    """The page is cached once; the origin in its share links is filled per response."""
    from app.news.operations import create_article, create_category

    app = make_app(SITE_URL="", TRUSTED_HOSTS=None, SERVER_NAME=None, PAGE_CACHE_SECONDS=30)
    with app.app_context():
        article = create_article(title="Bài chia sẻ", category=create_category("Tin", by=None),
                                 lead="Tóm tắt.", body="<p>Nội dung.</p>",
                                 status=ArticleStatus.PUBLISHED,
                                 published_at=utcnow() - timedelta(hours=1))  # fmt: skip
        path = f"/tin-tuc/{article.slug}"
        db.session.remove()

    first = reader(app, 1).get(path, headers={"Host": "a.example"}).text
    second = reader(app, 2).get(path, headers={"Host": "b.example"}).text

    assert len(app.extensions["page_cache"]) == 1
    for html, host in ((first, "a.example"), (second, "b.example")):
        href = parse(html).find("a", cls="share-facebook").get("href")
        assert parse_qs(urlsplit(href).query) == {"u": [f"http://{host}{path}"]}
    assert "a.example" not in second
