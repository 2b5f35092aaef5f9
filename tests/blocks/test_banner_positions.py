"""The sidebar's banner positions: above "Văn bản mới", between it and "Thống kê", and the
"Liên kết" logos; each in its own order, the title as alt text, the overlay only when asked."""

from __future__ import annotations

import re
from datetime import timedelta

from banner_pages import add, aside, banner_titles, png, section

from app.blocks.models import BannerBlock
from app.dates import utcnow
from app.sidebar import POSITIONS

TOP, MIDDLE, LINKS = BannerBlock.BANNERS, BannerBlock.MIDDLE, BannerBlock.LINKS


def test_each_position_sits_where_the_seed_has_it(client, make_document):
    make_document("12-KH/UBND")
    add("Banner trên", TOP)
    add("Banner giữa", MIDDLE)
    add("Báo tỉnh", LINKS)
    side = aside(client.get("/").text)
    order = [
        side.index(marker)
        for marker in (
            'class="block block-banners"',
            'class="block block-documents"',
            'class="block block-banners block-banners-middle"',
            'class="block block-stats"',
            'class="block block-links"',
        )
    ]
    assert order == sorted(order)
    # "Tin xem nhiều" (when shown) comes after the middle banners, right above "Thống kê".
    assert POSITIONS["new_documents"] < POSITIONS["middle_banners"] < POSITIONS["most_read"]
    assert POSITIONS["most_read"] < POSITIONS["stats"]


def test_each_position_shows_its_own_banners_in_their_order(client):
    add("Trên thứ hai", TOP, position=2)
    add("Trên thứ nhất", TOP, position=1)
    add("Giữa cuối", MIDDLE, position=9)
    add("Giữa đầu", MIDDLE, position=0, image=png())
    add("Liên kết B", LINKS, position=2)
    add("Liên kết A", LINKS, position=1)
    page = client.get("/").text
    assert banner_titles(section(page, "block-banners")) == ["Trên thứ nhất", "Trên thứ hai"]
    middle = section(page, "block-banners block-banners-middle")
    assert banner_titles(middle) == ["Giữa đầu", "Giữa cuối"]
    links = section(page, "block-links")
    assert re.findall(r'target="_blank">([^<]+)</a>', links) == ["Liên kết A", "Liên kết B"]


def test_the_title_is_the_alt_text_and_the_overlay_only_when_asked(client):
    plain = add("Ảnh có chữ riêng", TOP, image=png("navy"), position=1)
    overlaid = add("Ảnh trơn", TOP, image=png("teal"), position=2, show_title=True)
    add("Chỉ có chữ", TOP, position=3)
    banners = section(client.get("/").text, "block-banners")
    one, two, three = re.findall(r'<a class="banner[^"]*"[^>]*>.*?</a>', banners, re.S)
    assert f'<img src="/media/{plain.image}" alt="Ảnh có chữ riêng"' in one
    assert "banner-title" not in one  # nothing printed over a picture with its own words
    assert f'<img src="/media/{overlaid.image}" alt="Ảnh trơn"' in two
    # Printed over the picture, and hidden from screen readers, which read the alt text.
    assert '<span class="banner-title" aria-hidden="true">Ảnh trơn</span>' in two
    assert "banner-overlay" in two and "banner-overlay" not in one
    # Without a picture the title is the link's text.
    assert "<img" not in three
    assert '<span class="banner-title">Chỉ có chữ</span>' in three


def test_links_show_their_logo_with_the_name_or_the_name_alone(client):
    logo = add("Báo An Hòa", LINKS, image=png("blue", (96, 96)), position=1)
    add("Cơ sở dữ liệu văn bản", LINKS, position=2)
    links = section(client.get("/").text, "block-links")
    with_logo, name_only = re.findall(r"<li>(.*?)</li>", links, re.S)
    assert f'<img class="partner-logo" src="/media/{logo.image}" alt=""' in with_logo
    assert '<span class="partner-name">Báo An Hòa</span>' in with_logo
    assert "<img" not in name_only
    assert re.search(r'target="_blank">Cơ sở dữ liệu văn bản</a>', name_only)
    assert '<h2 class="block-title" id="lien-ket-title">Liên kết</h2>' in links


def test_a_position_without_a_shown_banner_renders_nothing(client):
    now = utcnow()
    add("Chưa đến lịch", MIDDLE, active_from=now + timedelta(hours=1))
    add("Hết hạn", LINKS, active_until=now - timedelta(minutes=1))
    page = client.get("/").text
    assert "block-banners" not in page
    assert "block-links" not in page
    assert "Chưa đến lịch" not in page and "Hết hạn" not in page
    assert '<h2 class="block-title" id="lien-ket-title">' not in page


def test_titles_are_escaped_in_text_and_alt(client):
    add('<script>alert(1)</script>"><b>', TOP, image=png())
    add("<img src=x onerror=alert(1)>", LINKS)
    side = aside(client.get("/").text)
    assert "<script>alert(1)" not in side and "<img src=x" not in side and "<b>" not in side
    assert 'alt="&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;b&gt;"' in side
    assert "&lt;img src=x onerror=alert(1)&gt;" in side


def test_every_position_is_on_category_and_article_pages_too(client, make_article):
    article = make_article("Bài có thanh bên")
    add("Banner trên", TOP)
    add("Banner giữa", MIDDLE)
    add("Báo tỉnh", LINKS)
    for url in ("/chuyen-muc/" + article.category.slug, f"/tin-tuc/{article.slug}"):
        page = client.get(url).text
        assert banner_titles(section(page, "block-banners")) == ["Banner trên"], url
        middle = section(page, "block-banners block-banners-middle")
        assert banner_titles(middle) == ["Banner giữa"], url
        assert "Báo tỉnh" in section(page, "block-links"), url
