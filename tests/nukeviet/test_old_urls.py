"""Old NukeViet addresses of an imported site answer 301 to the new pages, in every form
NukeViet makes them (with and without index.php, /vi/, the query-string form); an unknown one
answers a helpful 404 with a search box; a target is always one of our own pages."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from app.documents.models import Document
from app.extensions import db
from app.news.models import Article, Category
from app.nukeviet import importer
from app.nukeviet.models import ImportedRow
from app.nukeviet.source import open_source
from app.slugs import slugify
from tests.nukeviet.source_helpers import fixture_path
from tests.pages import forms_on, parse

ARTICLE = "Ra-mat-cong-ty-ma-nguon-mo-dau-tien-tai-Viet-Nam-1"
DOCUMENT = "Nghi-dinh-ve-quan-ly-cung-cap-su-dung-dich-vu-Internet-va-thong-tin-tren-mang-1"


@pytest.fixture
def imported(app):
    with open_source(str(fixture_path())) as source:
        importer.run(source, uploads=None, dry_run=False)

    def new(model, kind, old_id):
        return db.session.get(model, db.session.get(ImportedRow, (kind, str(old_id))).new_id)

    return {
        "article": f"/tin-tuc/{new(Article, 'article', 1).slug}",
        "category": f"/chuyen-muc/{new(Category, 'category', 1).slug}",
        "document": f"/van-ban/{new(Document, 'document', 1).slug}",
    }


def location(client, url: str) -> tuple[int, str]:
    response = client.get(url)
    return response.status_code, response.headers.get("Location", "")


def test_every_old_form_answers_301_to_the_new_page(imported, client):
    article, category, document = imported["article"], imported["category"], imported["document"]
    signer = f"/van-ban/?nguoi-ky={db.session.get(ImportedRow, ('document_signer', '1')).new_id}"
    expected = {
        f"/news/Tin-tuc/{ARTICLE}.html": article,
        f"/index.php/news/Tin-tuc/{ARTICLE}.html": article,
        f"/vi/news/Tin-tuc/{ARTICLE}.html": article,
        f"/index.php?language=vi&nv=news&op=Tin-tuc/{ARTICLE}": article,
        f"/index.php?language=vi&nv=news&op={quote(f'Tin-tuc/{ARTICLE}', safe='')}": article,
        "/news/Tin-tuc/": category,
        "/news/Tin-tuc/page-2": f"{category}?page=2",
        "/news/Tin-tuc/page-1": category,
        "/index.php?language=vi&nv=news&op=Tin-tuc": category,
        f"/laws/detail/{DOCUMENT}.html": document,
        f"/index.php/laws/detail/{DOCUMENT}.html": document,
        f"/index.php?language=vi&nv=laws&op=detail/{DOCUMENT}": document,
        "/news/": "/",
        "/index.php": "/",
        "/laws/": "/van-ban/",
        "/laws/cat/Nghi-dinh": "/van-ban/?loai=nghi-dinh",
        "/laws/subject/Cong-nghe-thong-tin": "/van-ban/?co-quan=cong-nghe-thong-tin",
        "/laws/area/Chinh-phu": "/van-ban/?linh-vuc=chinh-phu",
        "/index.php?language=vi&nv=laws&op=signer/3-Nguyen-Tan-Dung": signer,
        "/news/tag/nukeviet": "/tu-khoa/nukeviet",
        "/news/page-2": "/",  # the news home's later pages: ours is one page
        "/laws/cat/Nghi-dinh/page-2": "/van-ban/?loai=nghi-dinh&page=2",
        "/laws/subject/Cong-nghe-thong-tin/page-3": "/van-ban/?co-quan=cong-nghe-thong-tin&page=3",
        "/laws/area/Chinh-phu/page-1": "/van-ban/?linh-vuc=chinh-phu",
    }
    for old, new in expected.items():
        assert location(client, old) == (301, new), old
    assert client.get(article).status_code == 200
    page = client.get(document).get_data(as_text=True)
    assert "72/2013/NĐ-CP" in page


class _Balance(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
        else:
            self.stack.pop()


def test_an_unknown_old_address_is_a_helpful_404_with_a_search_box(imported, client):
    response = client.get("/news/Tin-tuc/Bai-viet-khong-con-nua-999.html")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "Không tìm thấy trang" in page and "trang web cũ" in page
    search = [f for f in forms_on(page, "/") if f.action == "/tim-kiem"]
    assert search and ("q", "Bai viet khong con nua") in search[-1].fields
    checker = _Balance()
    checker.feed(page)
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert not checker.errors and checker.stack == [], checker.errors
    assert parse(page).find_all("input")


HOSTILE = [
    "/laws/detail/Khong-co-van-ban-nay-77.html",
    "/laws/area/Khong-co",
    "/laws/signer/abc",
    "/news/tag/khong-co-tu-khoa-nay",
    "/index.php?language=vi&nv=shops&op=cart",
    "/index.php?nv=news&op=https://evil.example/",
    "/index.php/users/login",
    "/news/Tin-tuc/x-99999999999999999999.html",
    "/news/%00/%ff.html",
    "/index.php?nv=news&op=" + "a/" * 500,
]


def test_unknown_or_hostile_old_addresses_never_leave_the_site(imported, client):
    for old in HOSTILE:
        assert location(client, old) == (404, ""), old


def test_a_target_is_always_our_own_page(imported, client):
    status, target = location(client, "/index.php?nv=news&op=//evil.example/x-1")
    assert status == 301 and target == imported["article"]  # the id is ours; the host is not


# The fixture site's own addresses: rewrite_optional=1 (no /vi/) and rewrite_op_mod=news (no
# module name for the news), as its pages linked them.
def _page_for(about_id: int, alias: str, title: str) -> str:
    """Our page of the about page `about_id` (the import's, or one made as it would be)."""
    known = db.session.get(ImportedRow, ("page", str(about_id)))
    if known is None or known.new_id is None:
        from app.pages.operations import create_page

        page = create_page({"title": title, "body": "<p>x</p>", "published": True}, by=None)
        db.session.add(ImportedRow(kind="page", old_id=str(about_id), new_id=page.id,
                                   old_alias=alias))  # fmt: skip
        db.session.commit()
        return f"/trang/{page.slug}"
    from app.pages.models import Page

    return f"/trang/{db.session.get(Page, known.new_id).slug}"


def test_the_old_sites_own_short_forms_answer_301(imported, client):
    article, category, document = imported["article"], imported["category"], imported["document"]
    tag = quote("mã-nguồn-mở")
    page = _page_for(1, "gioi-thieu-ve-nukeviet", "Giới thiệu về NukeViet")
    expected = {
        f"/Tin-tuc/{ARTICLE}.html": article,
        f"/index.php/Tin-tuc/{ARTICLE}.html": article,
        f"/vi/Tin-tuc/{ARTICLE}.html": article,
        f"/tin-tuc/{ARTICLE}.html": article,  # our /tin-tuc/<slug> said 404: the fallback
        f"/print/Tin-tuc/{ARTICLE}/": f"{article}/in",
        f"/sendmail/Tin-tuc/{ARTICLE}/": article,
        f"/?language=vi&nv=news&op=Tin-tuc/{ARTICLE}.html": article,
        "/Tin-tuc/": category,
        "/Tin-tuc": category,
        "/tin-TUC/": category,  # NukeViet's MySQL compared aliases without case
        "/Tin-tuc/page-2/": f"{category}?page=2",
        "/index.php/Tin-tuc/page-3/": f"{category}?page=3",
        "/page-2/": "/",
        "/vi/": "/",
        "/tag/nukeviet": "/tu-khoa/nukeviet",
        f"/tag/{tag}": f"/tu-khoa/{slugify('mã-nguồn-mở')}",
        "/rss/": "/feed.xml",
        "/rss/Tin-tuc/": f"{category}/feed.xml",
        "/search/?q=nukeviet": "/tim-kiem?q=nukeviet",
        f"/laws/detail/{DOCUMENT}/": document,
        f"/laws/detail/{DOCUMENT}": document,
        f"/vi/laws/detail/{DOCUMENT}/": document,
        "/laws/page-2/": "/van-ban/?page=2",
        "/laws/rss/": "/van-ban/feed.xml",
        "/about/gioi-thieu-ve-nukeviet.html": page,
        "/index.php/about/gioi-thieu-ve-nukeviet.html": page,
        "/index.php?language=vi&nv=about&op=gioi-thieu-ve-nukeviet": page,
        "/seek/": "/tim-kiem",
        "/statistics/": "/thong-ke/",
    }
    for old, new in expected.items():
        if new is not None:
            assert location(client, old) == (301, new), old


def test_about_main_page_goes_to_the_first_imported_page(imported, client):
    first = _page_for(1, "gioi-thieu-ve-nukeviet", "Giới thiệu về NukeViet")
    status, target = location(client, "/about/")
    assert status == 301 and target.startswith("/trang/")
    assert client.get(target).status_code == 200
    assert first  # the page the about module showed first exists


def _helpful_404(client, url: str) -> bool:
    response = client.get(url)
    assert response.status_code == 404, url
    return "trang web cũ" in response.get_data(as_text=True)


def test_a_language_that_was_not_imported_is_the_helpful_404(imported, client):
    for old in (
        f"/en/Tin-tuc/{ARTICLE}.html",
        "/en/news/Tin-tuc/",
        "/index.php/en/laws/",
        "/index.php?language=en&nv=news&op=Tin-tuc",
        f"/?language=en&nv=news&op=Tin-tuc/{ARTICLE}",
    ):
        assert _helpful_404(client, old), old
    assert location(client, "/vi/laws/")[0] == 301


def test_topics_and_unknown_aliases_are_helpful_404s_with_their_words(imported, client):
    response = client.get("/topic/Chu-de-cu/")
    assert response.status_code == 404
    search = [f for f in forms_on(response.get_data(as_text=True), "/") if f.action == "/tim-kiem"]
    assert ("q", "Chu de cu") in search[-1].fields
    assert _helpful_404(client, "/about/khong-co-trang-nay.html")
    assert _helpful_404(client, "/laws/detail/Nghi-dinh-khong-co-99/")


def _add_map_row(kind: str, old_id: str, new_id: int | None, alias: str) -> None:
    """A map row as an import writes it (replacing the one the import recorded, if any)."""
    db.session.merge(ImportedRow(kind=kind, old_id=old_id, new_id=new_id, old_alias=alias))
    db.session.commit()


def test_our_own_routes_win_over_a_colliding_old_alias(imported, client):
    """A category of the old site whose alias is one of our paths: ours answers there; only
    deeper paths nothing of ours matches go to the old category."""
    category_id = db.session.get(ImportedRow, ("category", "1")).new_id
    for n, alias in enumerate(("tu-khoa", "tim-kiem", "van-ban", "static", "tin-tuc")):
        _add_map_row("category", f"90{n}", category_id, alias)
    assert client.get("/tu-khoa/nukeviet").status_code == 200
    assert client.get("/tim-kiem").status_code == 200
    assert client.get("/van-ban/").status_code == 200
    assert client.get("/static/khong-co.css").status_code == 404
    assert "trang web cũ" not in client.get("/van-ban/khong-co").get_data(as_text=True)
    assert location(client, "/tim-kiem/page-2/") == (301, f"{imported['category']}?page=2")
    # An old article under such a category: our route takes it, says 404, the fallback finds it.
    assert location(client, f"/van-ban/{ARTICLE}.html") == (301, imported["article"])
    assert location(client, f"/tu-khoa/{ARTICLE}.html") == (301, imported["article"])
    assert client.get("/van-ban/khong-co-99.html").status_code == 404


def test_recorded_settings_name_the_modules_and_the_op_mod(imported, client):
    """What the site-wide import records (kind "setting"): a renamed laws module, no op_mod."""
    db.session.execute(
        db.delete(ImportedRow).where(ImportedRow.kind == "setting",
                                     ImportedRow.old_id.startswith("module:"))
    )  # fmt: skip
    _add_map_row("setting", "module:van-ban-phap-luat", None, "laws")
    _add_map_row("setting", "module:news", None, "news")
    _add_map_row("setting", "module:gioi-thieu", None, "page")  # the about module, renamed
    _add_map_row("setting", "module:siteterms", None, "page")
    page = _page_for(1, "gioi-thieu-ve-nukeviet", "Giới thiệu về NukeViet")
    assert location(client, "/gioi-thieu/gioi-thieu-ve-nukeviet.html") == (301, page)
    assert _helpful_404(client, "/siteterms/")  # its rows were not imported
    _add_map_row("setting", "rewrite_op_mod", None, "")
    _add_map_row("setting", "site_lang", None, "vi")
    document = imported["document"]
    assert location(client, f"/van-ban-phap-luat/detail/{DOCUMENT}/") == (301, document)
    assert location(client, f"/index.php?nv=van-ban-phap-luat&op=detail/{DOCUMENT}") == (
        301,
        document,
    )
    assert location(client, "/laws/")[0] == 404  # the old site had no module "laws"
    # Without an op_mod, /tag/ was not the news': but a category alias still is the news'.
    assert _helpful_404(client, "/tag/nukeviet") is False
    assert location(client, f"/Tin-tuc/{ARTICLE}.html") == (301, imported["article"])


FUZZ = [
    "/../../etc/passwd",
    "/Tin-tuc/../../x-1.html",
    "/Tin-tuc/%00.html",
    "/%00/",
    "/%00/x-1.html",
    "/tag/%00",
    "/about/%00.html",
    "/laws/detail/%00/",
    "/laws/cat/" + "a" * 10_000,
    "/" + "b" * 10_000 + "/",
    "/" + "c" * 10_000 + "/x-1.html",
    "/Tin-tuc/" + "d" * 10_000 + "-1.html",
    "/index.php/" + "e" * 10_000,
    "/index.php?nv=" + "f" * 10_000 + "&op=x",
    "/index.php?nv=news&op=%00",
    "/index.php?nv=laws&op=detail/%00",
    "/index.php?language=%00&nv=news",
    "/?nv=news&op=" + "g/" * 3000,
    "/Tin-tuc/ứng-dụng-😀-5.html",
    "/😀/",
    "/tag/😀%ff",
    "/\\evil.example/",
    "/Tin-tuc/%5C%5Cevil.example/x-1.html",
    "/Tin-tuc//evil.example/x",
    "/%2F%2Fevil.example/Tin-tuc/",
    "/vi/vi/vi/Tin-tuc/",
]


def test_fuzzed_paths_never_fail_nor_leave_the_site(imported, client):
    for old in FUZZ:
        response = client.get(old)
        # 400: the request guard refuses a NUL in the query string before any view
        assert response.status_code in (301, 308, 400, 404), (old[:80], response.status_code)
        target = response.headers.get("Location", "")
        assert target == "" or (target.startswith("/") and not target.startswith("//")), old[:80]
        if response.status_code == 404 and "trang web cũ" in response.get_data(as_text=True):
            assert parse(response.get_data(as_text=True)).find_all("input"), old[:80]


def test_other_paths_and_methods_keep_their_ordinary_answers(imported, client):
    page = client.get("/khong-co-trang-nay/x")
    assert page.status_code == 404 and "trang web cũ" not in page.get_data(as_text=True)
    assert client.get("/khong-co-trang-nay").status_code == 404
    assert client.post("/Tin-tuc/").status_code == 404  # only GET reads an old address
    assert client.post("/auth/session").status_code == 405
    assert client.get("/").status_code == 200
