"""What machines read: RSS feeds (the site's, per category, for documents), the sitemap,
robots.txt and the favicon. Feeds and sitemap are parsed as XML, hostile titles included."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from email.utils import parsedate_to_datetime

from discovery_pages import ALIAS, ATOM, HOSTILE, HOSTILE_IN_XML, SITE, reader, rss_items
from pages import parse
from PIL import Image
from sqlalchemy import update

from app.documents.models import Document
from app.extensions import db
from app.news.models import Article, ArticleStatus

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def hostile_title(model, item_id: int) -> None:
    """Give a row the hostile title straight in SQL, as an import from another system would:
    what the feeds must survive is whatever the database holds."""
    db.session.execute(update(model).where(model.id == item_id).values(title=HOSTILE))
    db.session.commit()


def item_links(items) -> list[str]:
    return [item.findtext("link") for item in items]


# --- RSS ---------------------------------------------------------------------------------------


def test_site_feed_is_valid_rss_with_absolute_links_and_rfc822_dates(make_article, app):
    published = datetime(2026, 3, 4, 5, 6, 7)
    article = make_article("Tin đầu tiên", published_at=published)
    hostile_title(Article, article.id)

    response = reader(app).get("/feed.xml", headers={"Host": ALIAS})
    assert response.status_code == 200 and response.mimetype == "application/rss+xml"
    channel, items = rss_items(response.data)

    assert channel.findtext("link") == SITE + "/"
    assert channel.find(f"{ATOM}link").attrib == {
        "href": SITE + "/feed.xml", "rel": "self", "type": "application/rss+xml"}  # fmt: skip
    (item,) = items
    url = f"{SITE}/tin-tuc/{article.slug}"
    assert item.findtext("title") == HOSTILE_IN_XML
    assert item.findtext("link") == url
    assert item.find("guid").text == url and item.find("guid").get("isPermaLink") == "true"
    assert parsedate_to_datetime(item.findtext("pubDate")) == published.replace(tzinfo=UTC)
    assert item.findtext("description") == article.lead


def test_category_feed_holds_its_subtree_and_nothing_else(make_category, make_article, app):
    parent = make_category("Kinh tế", description="Tin kinh tế")
    child = make_category("Nông nghiệp", parent=parent)
    other = make_category("Văn hóa")
    in_parent = make_article("Tăng trưởng quý I", category=parent)
    in_child = make_article("Mùa lúa mới", category=child)
    make_article("Lễ hội mùa xuân", category=other)
    make_article("Bản nháp kinh tế", category=parent, status=ArticleStatus.DRAFT)
    extra = make_article("Chợ phiên", category=other, extra_categories=[child])
    hostile_title(Article, in_child.id)

    response = reader(app).get(f"/chuyen-muc/{parent.slug}/feed.xml")
    assert response.status_code == 200 and response.mimetype == "application/rss+xml"
    channel, items = rss_items(response.data)

    assert sorted(item_links(items)) == sorted(
        f"{SITE}/tin-tuc/{a.slug}" for a in (in_parent, in_child, extra))  # fmt: skip
    assert HOSTILE_IN_XML in [item.findtext("title") for item in items]
    assert channel.findtext("title").startswith("Kinh tế")
    assert channel.findtext("link") == f"{SITE}/chuyen-muc/{parent.slug}"
    assert channel.find(f"{ATOM}link").get("href") == f"{SITE}/chuyen-muc/{parent.slug}/feed.xml"
    assert reader(app, 2).get("/chuyen-muc/khong-co/feed.xml").status_code == 404


def test_documents_feed_lists_published_documents_as_valid_rss(make_document, app):
    shown = make_document("5-TB/TEST", title="Thông báo lịch họp", issued_on=date(2026, 2, 3))
    hidden = make_document("6-TB/TEST", title="Chưa công bố", published=False)
    hostile_title(Document, shown.id)

    response = reader(app).get("/van-ban/feed.xml")
    assert response.status_code == 200 and response.mimetype == "application/rss+xml"
    channel, items = rss_items(response.data)

    (item,) = items
    assert item.findtext("link") == f"{SITE}/van-ban/{shown.slug}"
    assert item.findtext("title") == f"5-TB/TEST: {HOSTILE_IN_XML}"
    # Issued on 3 February, a day of the site's zone.
    assert parsedate_to_datetime(item.findtext("pubDate")) == datetime(
        2026, 2, 2, 17, 0, tzinfo=UTC)  # fmt: skip
    assert channel.find(f"{ATOM}link").get("href") == f"{SITE}/van-ban/feed.xml"
    assert hidden.slug not in response.text


def test_category_and_documents_pages_announce_their_feeds(make_category, make_article, app):
    category = make_category("Thời sự")
    make_article("Tin thời sự", category=category)

    category_page = parse(reader(app).get(f"/chuyen-muc/{category.slug}").text)
    documents_page = parse(reader(app, 2).get("/van-ban/").text)

    feeds = [link.get("href") for link in category_page.find_all("link", rel="alternate")]
    assert f"/chuyen-muc/{category.slug}/feed.xml" in feeds and "/feed.xml" in feeds
    feeds = [link.get("href") for link in documents_page.find_all("link", rel="alternate")]
    assert "/van-ban/feed.xml" in feeds
    for href in ("/feed.xml", f"/chuyen-muc/{category.slug}/feed.xml", "/van-ban/feed.xml"):
        assert reader(app, 3).get(href).status_code == 200


# --- sitemap -----------------------------------------------------------------------------------


def test_sitemap_lists_documents_and_their_list_with_lastmod(make_article, make_document, app):
    article = make_article("Tin có trong sơ đồ")
    hostile_title(Article, article.id)
    shown = make_document("7-KH/TEST", title="Kế hoạch")
    hidden = make_document("8-KH/TEST", title="Chưa công bố", published=False)

    response = reader(app).get("/sitemap.xml", headers={"Host": ALIAS})
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    entries = {url.findtext(f"{SITEMAP}loc"): url.findtext(f"{SITEMAP}lastmod")
               for url in root.findall(f"{SITEMAP}url")}  # fmt: skip

    assert f"{SITE}/van-ban/" in entries
    assert f"{SITE}/tin-tuc/{article.slug}" in entries
    lastmod = entries[f"{SITE}/van-ban/{shown.slug}"]
    assert abs(date.fromisoformat(lastmod) - datetime.now(UTC).date()) <= timedelta(days=1)
    assert f"{SITE}/van-ban/{hidden.slug}" not in entries
    assert all(loc.startswith(SITE + "/") for loc in entries), entries


# --- robots.txt and favicon --------------------------------------------------------------------


def test_robots_txt_allows_the_site_and_keeps_crawlers_out_of_private_paths(app):
    response = reader(app).get("/robots.txt", headers={"Host": ALIAS})

    assert response.status_code == 200 and response.mimetype == "text/plain"
    lines = response.text.splitlines()
    assert lines[0] == "User-agent: *"
    disallowed = {line.split(": ", 1)[1] for line in lines if line.startswith("Disallow: ")}
    assert {"/admin/", "/auth/", "/api/", "/stats/"} <= disallowed
    assert "Allow: /" in lines
    assert f"Sitemap: {SITE}/sitemap.xml" in lines
    # What is disallowed really is the login, the API and the stream.
    for path in ("/auth/login", "/api/stats", "/stats/stream", "/admin/"):
        assert any(path.startswith(prefix) for prefix in disallowed), path
    assert not any("/tin-tuc/".startswith(p) or "/van-ban/".startswith(p) for p in disallowed)


def test_favicon_ico_is_a_real_icon_cached_for_long(app):
    with reader(app).get("/favicon.ico") as response:
        response.make_sequence()

    assert response.status_code == 200
    assert response.mimetype == "image/vnd.microsoft.icon"
    assert response.data[:4] == b"\x00\x00\x01\x00"  # ICONDIR: reserved 0, type 1 (icon)
    assert response.cache_control.max_age >= 7 * 24 * 3600
    icon = Image.open(io.BytesIO(response.data))
    assert {(16, 16), (32, 32)} <= set(icon.info["sizes"])
