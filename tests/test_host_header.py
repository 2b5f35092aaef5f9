"""A forged Host header changes nothing other visitors see: absolute links come from SITE_URL
(or, without it, from each request's own origin, never from cached bytes), a forged Host is
refused when SITE_URL or TRUSTED_HOSTS is set, and redirects stay on the site."""

from __future__ import annotations

import json
import re

import pytest

from app.extensions import db, redis_store

UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}
SITE = "https://congthongtin.example.gov.vn"
EVIL = "evil.example"


@pytest.fixture
def build(make_app):
    """An app as in production (no SERVER_NAME: Flask builds URLs from the request), page
    cache on, an empty Redis DB; `overrides` go to make_app."""
    built = []

    def factory(**overrides):
        overrides.setdefault("SERVER_NAME", None)
        overrides.setdefault("PAGE_CACHE_SECONDS", 30)
        app = make_app(**overrides)
        redis_store.client.flushdb()
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()


def content(app):
    """An article with a picture in a category, a tag, a document: every cached page type."""
    from datetime import date, timedelta

    from app.dates import utcnow
    from app.documents.operations import create_document, get_or_create_issuer, get_or_create_type
    from app.news.models import ArticleStatus
    from app.news.operations import create_article, create_category

    with app.app_context():
        category = create_category("Tin tức", by=None)
        article = create_article(
            title="Hội nghị tổng kết năm", category=category, lead="Tóm tắt.",
            body="<p>Nội dung.</p>", status=ArticleStatus.PUBLISHED,
            published_at=utcnow() - timedelta(hours=1), image="hoi-nghi.jpg",
            tags=["tổng kết"],
        )  # fmt: skip
        document = create_document(
            code="7/TB-UBND", title="Thông báo lịch tiếp công dân", summary="Lịch tiếp.",
            type=get_or_create_type("Thông báo"), issuer=get_or_create_issuer("UBND tỉnh"),
            issued_on=date(2026, 1, 5),
        )  # fmt: skip
        return {
            "home": "/",
            "category": f"/chuyen-muc/{category.slug}",
            "tag": f"/tu-khoa/{article.tags[0].slug}",
            "article": f"/tin-tuc/{article.slug}",
            "document": f"/van-ban/{document.slug}",
            "image": article.image,
        }


class Visitor:
    """A test client of its own address whose requests carry `host` as their Host header."""

    def __init__(self, app, n: int, host: str) -> None:
        self.client = app.test_client()
        self.client.environ_base["REMOTE_ADDR"] = f"10.7.0.{n}"
        self.host = host

    def get(self, path: str, headers: dict[str, str] | None = None):
        return self.client.get(path, headers={**(headers or {}), "Host": self.host})


def visitor(app, n: int, host: str = "localhost") -> Visitor:
    return Visitor(app, n, host)


def canonical(page: str) -> str:
    match = re.search(r'<link rel="canonical" href="([^"]+)"', page)
    assert match, "no canonical link"
    return match.group(1)


def og_image(page: str) -> str:
    match = re.search(r'<meta property="og:image" content="([^"]+)"', page)
    assert match, "no og:image"
    return match.group(1)


# --- Without SITE_URL (the demo): a forged Host is only shown back to whoever sent it --------


def test_a_forged_host_never_reaches_the_cached_pages_other_visitors_get(build):
    app = build()
    urls = content(app)
    pages = [urls[k] for k in ("home", "category", "tag", "article", "document")]
    for n, path in enumerate(pages):  # the attacker goes first, so its request fills the cache
        response = visitor(app, 100 + n, EVIL).get(path, headers=UA)
        assert response.status_code == 200, path
    cache = app.extensions["page_cache"]
    assert all(cache.get(f"{path}?") is not None for path in pages), "pages were not cached"
    assert all(EVIL not in cache.get(f"{path}?").html for path in pages)

    for n, path in enumerate(pages):
        page = visitor(app, n).get(path, headers=UA).text
        assert EVIL not in page, path
        assert "\x00" not in page

    article = visitor(app, 50).get(urls["article"], headers=UA).text
    assert canonical(article) == f"http://localhost{urls['article']}"
    assert og_image(article) == f"http://localhost/media/{urls['image']}"
    category = visitor(app, 51).get(urls["category"], headers=UA).text
    assert canonical(category) == f"http://localhost{urls['category']}"


def test_a_forged_host_is_only_shown_back_to_its_sender(build):
    """Without SITE_URL the request's origin is the only one there is: a cached page fills it
    in per response, so each visitor sees their own."""
    app = build()
    urls = content(app)
    visitor(app, 1).get(urls["article"], headers=UA)  # cached under a normal Host

    forged = visitor(app, 2, EVIL).get(urls["article"], headers=UA).text
    normal = visitor(app, 3).get(urls["article"], headers=UA).text

    assert canonical(forged) == f"http://{EVIL}{urls['article']}"
    assert canonical(normal) == f"http://localhost{urls['article']}"


def test_the_strict_slash_redirect_never_names_a_forged_host(build):
    app = build()
    response = visitor(app, 1, EVIL).get("/van-ban?loai=thong-bao", headers=UA)

    assert response.status_code == 308
    assert response.headers["Location"] == "/van-ban/?loai=thong-bao"


def test_a_host_with_markup_cannot_inject_into_a_page(build):
    app = build()
    urls = content(app)
    page = visitor(app, 1, 'evil.example"><script>alert(1)</script>').get(
        urls["article"], headers=UA
    )
    assert "<script>alert(1)" not in page.text


# --- With SITE_URL: every absolute link on it, any other Host refused ----------------------------


def test_with_site_url_a_forged_host_gets_a_vietnamese_400_and_nothing_is_cached(build):
    app = build(SITE_URL=SITE)
    urls = content(app)
    keys_before = set(redis_store.client.keys())

    for path in (urls["article"], "/", "/van-ban", "/feed.xml"):
        response = visitor(app, 1, EVIL).get(path, headers=UA)
        assert response.status_code == 400, path
        assert "Yêu cầu không hợp lệ" in response.text
        assert "địa chỉ chính thức" in response.text
        assert EVIL not in response.text
    api = visitor(app, 1, EVIL).get("/api/stats", headers={"Accept": "application/json"})
    assert api.status_code == 400 and api.json["error"] == 400
    assert len(app.extensions["page_cache"]) == 0
    assert set(redis_store.client.keys()) == keys_before, "a refused request counted a visit"

    ok = visitor(app, 2, "congthongtin.example.gov.vn").get(urls["article"], headers=UA)
    assert ok.status_code == 200


def test_with_site_url_only_its_host_the_trusted_hosts_and_local_addresses_are_served(build):
    app = build(SITE_URL=SITE, TRUSTED_HOSTS=["www.example.gov.vn", ".tinh.gov.vn"])
    for host, status in [
        ("congthongtin.example.gov.vn", 200),
        ("congthongtin.example.gov.vn:8443", 200),
        ("www.example.gov.vn", 200),
        ("so-noi-vu.tinh.gov.vn", 200),
        ("127.0.0.1:8000", 200),  # a local health check or a proxy that keeps its own Host
        ("example.gov.vn", 400),
        ("congthongtin.example.gov.vn.evil.example", 400),
        (EVIL, 400),
    ]:
        assert visitor(app, 1, host).get("/healthz").status_code in (
            (200, 503) if status == 200 else (400,)
        ), host


def test_trusted_hosts_from_the_environment_are_a_comma_separated_list(build, monkeypatch):
    monkeypatch.setenv("TRUSTED_HOSTS", "portal.example.gov.vn, www.portal.example.gov.vn")
    app = build()
    assert visitor(app, 1, "www.portal.example.gov.vn").get("/").status_code == 200
    assert visitor(app, 1, EVIL).get("/").status_code == 400


def test_with_site_url_absolute_links_use_it_whatever_the_host(build):
    app = build(SITE_URL=SITE + "/", TRUSTED_HOSTS=["www.example.gov.vn"])
    urls = content(app)
    alias = "www.example.gov.vn"

    article = visitor(app, 1, alias).get(urls["article"], headers=UA).text
    assert canonical(article) == f"{SITE}{urls['article']}"
    assert og_image(article) == f"{SITE}/media/{urls['image']}"
    assert canonical(visitor(app, 2).get(urls["category"], headers=UA).text) == (
        f"{SITE}{urls['category']}"
    )
    assert canonical(visitor(app, 3).get(urls["document"], headers=UA).text) == (
        f"{SITE}{urls['document']}"
    )

    feed = visitor(app, 4, alias).get("/feed.xml").text
    feed_links = re.findall(r"<link>([^<]+)</link>", feed) + re.findall(r'href="([^"]+)"', feed)
    assert f"{SITE}{urls['article']}" in feed_links
    assert feed_links and all(link.startswith(SITE + "/") for link in feed_links), feed_links

    sitemap = visitor(app, 5, "localhost").get("/sitemap.xml").text
    locations = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert {f"{SITE}/", f"{SITE}{urls['article']}", f"{SITE}{urls['category']}"} <= set(locations)
    assert all(loc.startswith(SITE + "/") for loc in locations), locations


def test_with_site_url_redirects_from_an_alias_go_to_the_site(build):
    app = build(SITE_URL=SITE, TRUSTED_HOSTS=["www.example.gov.vn"])
    response = visitor(app, 1, "www.example.gov.vn").get("/van-ban")
    assert response.status_code == 308
    assert response.headers["Location"] == f"{SITE}/van-ban/"


def test_a_site_url_that_is_not_an_origin_stops_the_start(make_app):
    for bad in ("congthongtin.example.gov.vn", "ftp://example.gov.vn", "https://x.vn/cong"):
        with pytest.raises(RuntimeError, match="SITE_URL"):
            make_app(SITE_URL=bad)


def test_a_refused_host_answer_is_json_for_api_clients(build):
    app = build(SITE_URL=SITE)
    response = visitor(app, 1, EVIL).get("/api/stats")
    assert response.status_code == 400
    body = json.loads(response.data)
    assert body["title"] == "Yêu cầu không hợp lệ"
    assert response.headers["Content-Security-Policy"].startswith("default-src 'none'")


def test_behind_a_trusted_proxy_the_forwarded_host_is_the_one_checked(build):
    app = build(SITE_URL=SITE, TRUSTED_PROXIES=1)
    proxy = app.test_client()
    internal = {"Host": "portal-backend:8000", "X-Forwarded-For": "203.0.113.9"}

    forwarded = {"X-Forwarded-Host": "congthongtin.example.gov.vn", "X-Forwarded-Proto": "https"}
    site = proxy.get("/", headers={**internal, **UA, **forwarded})
    forged = proxy.get("/", headers={**internal, **UA, "X-Forwarded-Host": EVIL})

    assert site.status_code == 200
    assert site.headers["Strict-Transport-Security"] == "max-age=31536000"
    assert forged.status_code == 400
