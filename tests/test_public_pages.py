"""What a reader sees on the home, category, tag and article pages, the feed and the sitemap."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from app.blocks.models import Banner, BannerBlock
from app.dates import utcnow
from app.extensions import db
from app.news.models import ArticleStatus

IMAGE = "0123456789abcdef0123456789abcdef.jpg"


def section(html: str, heading: str) -> str:
    """The HTML of the related-list section titled `heading` (empty when absent)."""
    match = re.search(
        rf'<h2 class="section-title">{re.escape(heading)}</h2>(.*?)</section>', html, re.S
    )
    return match.group(1) if match else ""


def titles_in(html: str) -> list[str]:
    return re.findall(r'<a href="/tin-tuc/[^"]+">([^<]+)</a>', html)


# --- home --------------------------------------------------------------------------------------


def test_home_shows_the_featured_article_first(make_article, client):
    make_article("Tin mới nhất hôm nay", published_at=utcnow() - timedelta(minutes=5))
    make_article("Tin nổi bật của tuần", featured=True, published_at=utcnow() - timedelta(days=2))

    html = client.get("/").text

    featured = html.split('<section class="featured"', 1)[1].split("</section>", 1)[0]
    assert "Tin nổi bật của tuần" in featured
    assert "Tin mới nhất hôm nay" not in featured


def test_home_lists_newest_articles_newest_first(make_article, client):
    now = utcnow()
    make_article("Tin thứ ba", published_at=now - timedelta(hours=3))
    make_article("Tin thứ nhất", published_at=now - timedelta(hours=1))
    make_article("Tin thứ hai", published_at=now - timedelta(hours=2))
    make_article("Tin chưa đăng", status=ArticleStatus.DRAFT)

    response = client.get("/")

    assert response.status_code == 200
    newest = response.text.split('<section class="newest">', 1)[1].split("</section>", 1)[0]
    assert "Tin mới nhất" in newest
    # The newest becomes the featured article when none is marked featured.
    assert titles_in(newest) == ["Tin thứ hai", "Tin thứ ba"]
    assert "Tin thứ nhất" in response.text
    assert "Tin chưa đăng" not in response.text


def test_home_has_a_section_per_top_category_with_its_subcategories_articles(
    make_category, make_article, client
):
    economy = make_category("Kinh tế", position=1)
    farming = make_category("Nông nghiệp", parent=economy)
    culture = make_category("Văn hóa", position=2)
    make_category("Chuyên mục trống", position=3)
    make_article("Giá lúa tăng mạnh", category=farming)
    make_article("Lễ hội đền Hùng", category=culture)

    html = client.get("/").text

    sections = re.findall(r'<section class="category-section">(.*?)</section>', html, re.S)
    headings = [
        re.search(r'href="(/chuyen-muc/[^"]+)">([^<]+)</a></h2>', s).groups() for s in sections
    ]
    assert headings == [("/chuyen-muc/kinh-te", "Kinh tế"), ("/chuyen-muc/van-hoa", "Văn hóa")]
    assert "Giá lúa tăng mạnh" in sections[0]
    assert "Lễ hội đền Hùng" in sections[1]


def test_home_without_articles_says_so(client):
    response = client.get("/")

    assert response.status_code == 200
    assert "Chưa có bài viết nào được đăng." in response.text


def test_every_page_has_the_top_categories_in_the_menu(make_category, client):
    make_category("Thông báo")
    make_category("Con", parent=make_category("Cha"))

    nav = client.get("/").text.split('<nav class="main-nav"', 1)[1].split("</nav>", 1)[0]

    assert '<a href="/chuyen-muc/thong-bao">Thông báo</a>' in nav
    assert '<a href="/chuyen-muc/cha">Cha</a>' in nav
    # Sub-categories are in their parent's dropdown (issue 12).
    assert nav.split('<ul class="sub-menu"', 1)[1].count('href="/chuyen-muc/con"') == 1


# --- category pages ----------------------------------------------------------------------------


@pytest.fixture
def twelve_articles(make_category, make_article):
    """Twelve visible articles in one category: one more page than ARTICLES_PER_PAGE (10)."""
    category = make_category("Thời sự")
    now = utcnow()
    return category, [
        make_article(
            f"Thời sự số {n:02d}", category=category, published_at=now - timedelta(hours=n)
        )
        for n in range(1, 13)
    ]


def test_category_page_shows_newest_ten_then_a_second_page(twelve_articles, client):
    first = client.get("/chuyen-muc/thoi-su")
    second = client.get("/chuyen-muc/thoi-su?page=2")

    assert first.status_code == 200
    assert titles_in(first.text) == [f"Thời sự số {n:02d}" for n in range(1, 11)]
    assert 'rel="next" href="/chuyen-muc/thoi-su?page=2"' in first.text
    assert second.status_code == 200
    assert titles_in(second.text) == ["Thời sự số 11", "Thời sự số 12"]
    assert 'rel="prev" href="/chuyen-muc/thoi-su?page=1"' in second.text


@pytest.mark.parametrize("page", ["99", "0"])
def test_category_page_out_of_range_is_not_found(twelve_articles, client, page):
    response = client.get(f"/chuyen-muc/thoi-su?page={page}")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


@pytest.mark.parametrize("page", ["abc", "-1", "1.5", "٣", "9223372036854775807"])
def test_category_page_number_that_is_not_a_page_number_is_a_400(twelve_articles, client, page):
    """One rule for every list (app/converters.py): a malformed or absurd page number is a
    400, never page 1 under another cache key, nor an integer the database cannot hold."""
    response = client.get(f"/chuyen-muc/thoi-su?page={page}")

    assert response.status_code == 400
    assert "Số trang không hợp lệ." in response.text


def test_unknown_category_is_not_found(client):
    assert client.get("/chuyen-muc/khong-co").status_code == 404


def test_category_page_includes_subcategory_and_extra_category_articles(
    make_category, make_article, client
):
    education = make_category("Giáo dục")
    schools = make_category("Trường học", parent=education)
    health = make_category("Y tế")
    make_article("Khai giảng năm học mới", category=schools)
    make_article("Tiêm chủng cho học sinh", category=health, extra_categories=[education])
    make_article("Bệnh viện tỉnh mở khoa mới", category=health)

    html = client.get("/chuyen-muc/giao-duc").text

    assert set(titles_in(html)) == {"Khai giảng năm học mới", "Tiêm chủng cho học sinh"}
    subcategories = html.split('<ul class="subcategories">', 1)[1].split("</ul>", 1)[0]
    assert '<a href="/chuyen-muc/truong-hoc">Trường học</a>' in subcategories


def test_subcategory_page_shows_the_breadcrumb_to_its_parent(make_category, make_article, client):
    parent = make_category("Giáo dục")
    make_article("Tin trường", category=make_category("Trường học", parent=parent))

    html = client.get("/chuyen-muc/truong-hoc").text

    crumbs = html.split('<nav class="breadcrumb"', 1)[1].split("</nav>", 1)[0]
    assert re.findall(r">([^<]+)</a>", crumbs) == ["Trang chủ", "Giáo dục", "Trường học"]


def test_tag_page_lists_the_tagged_articles(make_article, client):
    make_article("Có từ khóa", tags=["Chuyển đổi số"])
    make_article("Không có từ khóa")

    response = client.get("/tu-khoa/chuyen-doi-so")

    assert response.status_code == 200
    assert "Từ khóa: Chuyển đổi số" in response.text
    assert titles_in(response.text) == ["Có từ khóa"]


# --- article page ------------------------------------------------------------------------------


@pytest.fixture
def full_article(make_article):
    article = make_article(
        "Khánh thành cầu Hòa Bình mới",
        published_at=datetime(2024, 6, 11, 22, 26),
        lead="Cây cầu nối hai bờ sông đã chính thức thông xe.",
        body=(
            "<h2>Công trình trọng điểm</h2><p>Cầu dài 500 m.</p>"
            '<figure><img src="/media/ffffffffffffffffffffffffffffffff.jpg" alt="Mặt cầu">'
            "<figcaption>Mặt cầu nhìn từ trên cao</figcaption></figure>"
        ),
        image=IMAGE,
        image_caption="Lễ cắt băng khánh thành",
        author="Minh Anh - Trung tâm Truyền thông",
        tags=["giao thông", "Cầu đường"],
    )
    article.views = 1234
    article.comment_count = 3
    article.rating_total = 4
    article.rating_count = 2
    db.session.commit()
    return article


def test_article_page_shows_title_and_vietnamese_date_line(full_article, client):
    response = client.get("/tin-tuc/khanh-thanh-cau-hoa-binh-moi")

    assert response.status_code == 200
    assert '<h1 class="article-title">Khánh thành cầu Hòa Bình mới</h1>' in response.text
    # 22:26 UTC on Tuesday 11 June is 05:26 on Wednesday 12 June in Vietnam (UTC+7).
    assert re.search(
        r'<time class="article-time"[^>]*>Thứ tư - 12/06/2024 05:26</time>', response.text
    )


@pytest.mark.parametrize(
    ("utc", "shown"),
    [
        (datetime(2024, 6, 15, 17, 30), "Chủ nhật - 16/06/2024 00:30"),
        (datetime(2024, 12, 31, 16, 59), "Thứ ba - 31/12/2024 23:59"),
        (datetime(2024, 12, 31, 17, 0), "Thứ tư - 01/01/2025 00:00"),
        (datetime(2024, 3, 4, 1, 5), "Thứ hai - 04/03/2024 08:05"),
    ],
)
def test_article_date_line_is_in_site_time_zone(make_article, client, utc, shown):
    article = make_article("Tin có giờ đăng", published_at=utc)

    html = client.get(f"/tin-tuc/{article.slug}").text

    assert f">{shown}</time>" in html


def test_article_page_shows_views_and_comment_count(full_article, client):
    html = client.get("/tin-tuc/khanh-thanh-cau-hoa-binh-moi").text

    views = re.search(r'Lượt xem: <span data-counter="views"[^>]*>([\d.,]+)</span>', html)
    assert views, "no view count on the page"
    # This visit may already be counted by the time the page renders.
    assert int(re.sub(r"\D", "", views.group(1))) in (1234, 1235)
    assert "Bình luận: 3" in html


def test_article_page_shows_lead_in_bold_then_body_with_captioned_figure(full_article, client):
    html = client.get("/tin-tuc/khanh-thanh-cau-hoa-binh-moi").text

    assert re.search(
        r'class="article-lead"><strong>Cây cầu nối hai bờ sông đã chính thức thông xe.</strong>',
        html,
    )
    body = html.split('<div class="article-body">', 1)[1]
    assert body.index("<h2>Công trình trọng điểm</h2>") < body.index("<figure")
    assert "<figcaption>Mặt cầu nhìn từ trên cao</figcaption>" in body


def test_article_page_shows_the_main_image_with_its_caption(full_article, client):
    html = client.get("/tin-tuc/khanh-thanh-cau-hoa-binh-moi").text

    figure = re.search(r'<figure class="article-image[^"]*">(.*?)</figure>', html, re.S)
    assert figure, "no article image"
    assert f'src="/media/{IMAGE}"' in figure.group(1)
    assert "<figcaption>Lễ cắt băng khánh thành</figcaption>" in figure.group(1)


def test_article_without_image_renders_without_a_figure(make_article, client):
    article = make_article("Tin không có ảnh", image=None)

    response = client.get(f"/tin-tuc/{article.slug}")

    assert response.status_code == 200
    assert "Tin không có ảnh" in response.text
    assert "article-image" not in response.text


def test_article_page_shows_author_and_tags_linking_to_tag_pages(full_article, client):
    html = client.get("/tin-tuc/khanh-thanh-cau-hoa-binh-moi").text

    assert '<p class="article-author">Minh Anh - Trung tâm Truyền thông</p>' in html
    tags = html.split('<p class="article-tags">', 1)[1].split("</p>", 1)[0]
    assert re.findall(r'<a href="([^"]+)">([^<]+)</a>', tags) == [
        ("/tu-khoa/cau-duong", "Cầu đường"),
        ("/tu-khoa/giao-thong", "giao thông"),
    ]
    tag_page = client.get("/tu-khoa/giao-thong")
    assert tag_page.status_code == 200
    assert "Khánh thành cầu Hòa Bình mới" in tag_page.text


def test_article_page_has_marked_rating_section(full_article, client):
    html = client.get("/tin-tuc/khanh-thanh-cau-hoa-binh-moi").text

    rating = re.search(r'<section[^>]*data-block="rating"[^>]*>(.*?)</section>', html, re.S)
    assert rating
    opening = rating.group(0)[: rating.start(1) - rating.start(0)]
    assert 'id="danh-gia"' in opening and 'aria-label="Đánh giá bài viết"' in opening
    text = " ".join(re.sub(r"<[^>]+>", " ", rating.group(1)).split())
    assert "Tổng số điểm của bài viết là: 4 trong 2 đánh giá" in text
    assert "Xếp hạng: 2 - 2 phiếu bầu" in text


def test_article_page_lists_newer_and_older_articles_of_the_same_category(
    make_category, make_article, client
):
    news = make_category("Tin tức")
    other = make_category("Khác")
    now = utcnow()
    for hours in (1, 2, 4, 5, 6, 7, 8, 9):
        make_article(f"Cùng mục {hours} giờ trước", category=news,
                     published_at=now - timedelta(hours=hours))  # fmt: skip
    make_article("Mục khác mới hơn", category=other, published_at=now - timedelta(minutes=150))
    make_article("Nháp mới hơn", category=news, status=ArticleStatus.DRAFT,
                 published_at=now - timedelta(minutes=170))  # fmt: skip
    current = make_article("Bài đang đọc", category=news, published_at=now - timedelta(hours=3))

    html = client.get(f"/tin-tuc/{current.slug}").text

    # Nearest first on both sides, at most five each.
    assert titles_in(section(html, "Tin mới hơn")) == [
        "Cùng mục 2 giờ trước",
        "Cùng mục 1 giờ trước",
    ]
    assert titles_in(section(html, "Tin cũ hơn")) == [
        f"Cùng mục {h} giờ trước" for h in (4, 5, 6, 7, 8)
    ]


def test_newest_article_has_no_newer_list(make_article, client):
    make_article("Bài cũ", published_at=utcnow() - timedelta(days=1))
    newest = make_article("Bài mới nhất", published_at=utcnow() - timedelta(minutes=1))

    html = client.get(f"/tin-tuc/{newest.slug}").text

    assert "Tin mới hơn" not in html
    assert titles_in(section(html, "Tin cũ hơn")) == ["Bài cũ"]


@pytest.mark.parametrize(
    "fields",
    [
        {"status": ArticleStatus.DRAFT},
        {"status": ArticleStatus.SCHEDULED, "published_at": datetime(2999, 1, 1)},
        {"status": ArticleStatus.EXPIRED},
        {"expires_at": datetime(2000, 1, 1), "published_at": datetime(1999, 1, 1)},
    ],
    ids=["draft", "scheduled", "expired-status", "expired-date"],
)
def test_unpublished_articles_are_not_found(make_article, client, fields):
    article = make_article("Bài không công khai", **fields)

    response = client.get(f"/tin-tuc/{article.slug}")

    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.text


def test_unknown_article_is_not_found(client):
    assert client.get("/tin-tuc/khong-ton-tai").status_code == 404


# --- sidebar -----------------------------------------------------------------------------------


def add_banner(title: str, block=BannerBlock.BANNERS, **fields) -> Banner:
    banner = Banner(
        title=title, target_url=f"https://{title.lower().replace(' ', '-')}.example.vn/",
        block=block, **fields,
    )  # fmt: skip
    db.session.add(banner)
    db.session.commit()
    return banner


def test_sidebar_shows_active_banners_and_links_only(make_article, client):
    now = utcnow()
    running = add_banner("Banner dang chay", image=IMAGE, position=2, show_title=True).id
    text_only = add_banner("Banner chu", position=1).id
    add_banner("Banner sap chay", active_from=now + timedelta(days=1))
    add_banner("Banner het han", active_until=now - timedelta(minutes=1))
    in_period = add_banner("Banner trong han", active_from=now - timedelta(days=1),
                           active_until=now + timedelta(days=1), position=3).id  # fmt: skip
    add_banner("Lien ket so mot", block=BannerBlock.LINKS)
    add_banner("Lien ket het han", block=BannerBlock.LINKS, active_until=now - timedelta(days=1))
    article = make_article("Bài có thanh bên", image=IMAGE)

    for url in ("/", "/chuyen-muc/tin-tuc", f"/tin-tuc/{article.slug}"):
        html = client.get(url).text
        sidebar = html.split('<aside class="sidebar"', 1)[1].split("</aside>", 1)[0]
        banners = sidebar.split('class="block block-banners"', 1)[1].split("</section>", 1)[0]
        links = sidebar.split('class="block block-links"', 1)[1].split("</section>", 1)[0]

        # Banners link to the counting redirect (/lien-ket/<id>), never to the target itself.
        assert re.findall(r'href="/lien-ket/(\d+)"', banners) == [
            str(text_only),
            str(running),
            str(in_period),
        ], url
        assert f'<img src="/media/{IMAGE}"' in banners
        assert re.findall(r'<span class="banner-title"[^>]*>([^<]+)</span>', banners) == [
            "Banner chu",
            "Banner dang chay",
            "Banner trong han",
        ]
        assert "Liên kết" in links
        assert ">Lien ket so mot</a>" in links
        assert "het han" not in sidebar and "sap chay" not in sidebar


def test_sidebar_hides_empty_banner_and_link_blocks(client):
    html = client.get("/").text

    assert "block-banners" not in html
    assert "block-links" not in html


# --- feed and sitemap --------------------------------------------------------------------------


def test_feed_is_rss_2_with_the_newest_visible_articles(make_article, client):
    make_article("Tin & sự kiện <mới>", published_at=datetime(2024, 6, 11, 22, 26),
                 lead="Tóm tắt có ký tự đặc biệt & < >")  # fmt: skip
    make_article("Tin cũ hơn", published_at=datetime(2024, 6, 1, 8, 0))
    make_article("Tin nháp", status=ArticleStatus.DRAFT)

    response = client.get("/feed.xml")

    assert response.status_code == 200
    assert response.mimetype == "application/rss+xml"
    root = ET.fromstring(response.data)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None and channel.findtext("title")
    assert channel.findtext("link") == "http://localhost/"
    items = channel.findall("item")
    assert [i.findtext("title") for i in items] == ["Tin & sự kiện <mới>", "Tin cũ hơn"]
    first = items[0]
    assert first.findtext("link") == "http://localhost/tin-tuc/tin-su-kien-moi"
    assert first.findtext("description") == "Tóm tắt có ký tự đặc biệt & < >"
    assert first.findtext("category") == "Tin tức"
    assert parsedate_to_datetime(first.findtext("pubDate")).isoformat() == (
        "2024-06-11T22:26:00+00:00"
    )
    assert len({i.findtext("guid") for i in items}) == 2


def test_feed_without_articles_is_still_valid(client):
    root = ET.fromstring(client.get("/feed.xml").data)

    assert root.find("channel") is not None
    assert root.find("channel/item") is None


def test_sitemap_lists_home_categories_and_visible_articles(make_article, client):
    make_article("Bài công khai")
    make_article("Bài nháp", status=ArticleStatus.DRAFT)

    response = client.get("/sitemap.xml")

    assert response.status_code == 200
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(response.data)
    locs = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    assert "http://localhost/" in locs
    assert "http://localhost/chuyen-muc/tin-tuc" in locs
    assert "http://localhost/tin-tuc/bai-cong-khai" in locs
    assert "http://localhost/tin-tuc/bai-nhap" not in locs
    assert all(
        re.fullmatch(r"\d{4}-\d{2}-\d{2}", m.text) for m in root.iter(f"{{{ns['s']}}}lastmod")
    )
