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
