"""The imported site's pages show what NukeViet showed: for every article and document of the
fixture, the expected values are read straight from the dump (`open_source`) and compared
with our pages as a reader gets them; every old address of each row answers 301 to that page,
and the list pages hold the right number of rows."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest

from app.extensions import db
from app.nukeviet import importer
from app.nukeviet.models import ImportedRow
from app.nukeviet.source import open_source
from tests.nukeviet.source_helpers import fixture_path
from tests.pages import parse, squash

HCM = ZoneInfo("Asia/Ho_Chi_Minh")  # NukeViet showed dates in the site's time zone


def shown_date(timestamp: int, with_time: bool = False) -> str:
    """A NukeViet timestamp as its pages showed it: dd/mm/yyyy [HH:MM], Vietnamese time."""
    moment = datetime.fromtimestamp(timestamp, UTC).astimezone(HCM)
    return moment.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


@pytest.fixture
def dump(app):
    """The dump's tables this module compares with, after importing it."""
    with open_source(str(fixture_path())) as source:
        importer.run(source, uploads=None, dry_run=False)
        tables = {
            name: list(source.rows(name))
            for name in ("vi_news_rows", "vi_news_cat", "vi_laws_row", "vi_laws_cat",
                         "vi_laws_subject", "vi_laws_signer", "vi_laws_area", "vi_about")
        }  # fmt: skip
    return tables


def _main(client, url: str):
    response = client.get(url)
    assert response.status_code == 200, url
    page = parse(response.get_data(as_text=True))
    return page.find("main")


def _redirects_to(client, old: str, new: str) -> None:
    response = client.get(old)
    assert (response.status_code, response.headers.get("Location")) == (301, new), old


def _our_url(kind: str, old_id: int, prefix: str, model) -> str | None:
    row = db.session.get(ImportedRow, (kind, str(old_id)))
    if row is None or row.new_id is None:
        return None
    return f"{prefix}{db.session.get(model, row.new_id).slug}"


def _visible(row: dict, now: int) -> bool:
    """Shown to readers on the old site: active, published, not expired."""
    return (
        row["status"] == 1
        and row["publtime"] <= now
        and (not row["exptime"] or row["exptime"] > now)
    )


def test_every_article_page_shows_its_title_date_category_and_views(dump, client):
    from app.news.models import Article

    categories = {c["catid"]: c for c in dump["vi_news_cat"]}
    now = int(datetime.now(UTC).timestamp())
    checked = hidden = 0
    for row in dump["vi_news_rows"]:
        url = _our_url("article", row["id"], "/tin-tuc/", Article)
        assert url is not None, row["id"]
        if not _visible(row, now):  # NukeViet did not show it either
            assert client.get(url).status_code == 404, url
            hidden += 1
            continue
        main = _main(client, url)
        title = main.find("h1", "article-title")
        assert squash(title.text()) == squash(html.unescape(row["title"])), url
        shown = squash(main.find("time", "article-time").text())
        assert shown.endswith(shown_date(row["publtime"], with_time=True)), (url, shown)
        crumbs = main.find("nav", "breadcrumb").find_all("a")
        assert squash(crumbs[-1].text()) == html.unescape(categories[row["catid"]]["title"]), url
        views = main.find("span", None, **{"data-counter": "views"}).text()
        # the old total and this visit, grouped in thousands ("4,674")
        assert int(re.sub(r"\D", "", views)) == row["hitstotal"] + 1, (url, views)
        checked += 1
    assert checked + hidden == len(dump["vi_news_rows"]) == 27
    assert checked >= 20


def _info(main) -> dict[str, str]:
    """The document's facts table: label -> text."""
    table = main.find("table", "doc-info")
    return {
        squash(tr.find("th").text()): squash(tr.find("td").text()) for tr in table.find_all("tr")
    }


def test_every_document_page_shows_its_code_title_dates_issuer_signer_and_counters(dump, client):
    from app.documents.models import Document

    names = {
        key: {r["id"]: html.unescape(r["title"]) for r in dump[table]}
        for key, table in (
            ("cat", "vi_laws_cat"),
            ("subject", "vi_laws_subject"),
            ("signer", "vi_laws_signer"),
            ("area", "vi_laws_area"),
        )
    }
    for row in dump["vi_laws_row"]:
        url = _our_url("document", row["id"], "/van-ban/", Document)
        assert url is not None, row["id"]
        main = _main(client, url)
        assert squash(main.find("h1").text()) == squash(html.unescape(row["title"])), url
        info = _info(main)
        assert info["Số ký hiệu"] == html.unescape(row["code"]), url  # 72/2013/NĐ-CP
        assert "&#x" not in info["Số ký hiệu"]
        assert info["Trích yếu"] == squash(html.unescape(row["introtext"])), url
        assert info["Thể loại"] == names["cat"][row["cid"]], url
        assert info["Cơ quan ban hành"] == names["subject"][row["sid"]], url
        assert info["Người ký"] == names["signer"][row["sgid"]], url
        areas = [names["area"][int(a)] for a in str(row["area_ids"]).split(",") if a.strip()]
        assert all(area in info["Lĩnh vực"] for area in areas), url
        assert info["Ngày ban hành"] == shown_date(row["publtime"]), url
        if row["startvalid"]:
            assert info["Ngày có hiệu lực"] == shown_date(row["startvalid"]), url
        if row["exptime"]:
            assert info["Ngày hết hiệu lực"] == shown_date(row["exptime"]), url
        counters = info["Lượt xem / tải"]
        expected = f"lượt xem: {row['view_hits'] + 1} | lượt tải: {row['download_hits']}"
        assert counters == expected, url  # the old totals, this visit counted once
    assert len(dump["vi_laws_row"]) == 3


def test_every_old_address_of_every_row_answers_301_to_its_page(dump, client):
    from app.documents.models import Document
    from app.news.models import Article, Category
    from app.pages.models import Page

    cat_alias = {c["catid"]: c["alias"] for c in dump["vi_news_cat"]}
    for row in dump["vi_news_rows"]:
        new = _our_url("article", row["id"], "/tin-tuc/", Article)
        op = f"{cat_alias[row['catid']]}/{row['alias']}-{row['id']}"
        for old in (
            f"/{op}.html",  # the site's own form: rewrite_optional, rewrite_op_mod=news
            f"/index.php/{op}.html",
            f"/vi/{op}.html",
            f"/news/{op}.html",
            f"/index.php/vi/news/{op}.html",
            f"/index.php?language=vi&nv=news&op={quote(op)}",
            f"/index.php?language=vi&nv=news&op={op}.html",
        ):
            _redirects_to(client, old, new)
    for row in dump["vi_news_cat"]:
        new = _our_url("category", row["catid"], "/chuyen-muc/", Category)
        for old in (f"/{row['alias']}/", f"/news/{row['alias']}/", f"/vi/{row['alias']}/"):
            _redirects_to(client, old, new)
        assert client.get(new).status_code == 200
    for row in dump["vi_laws_row"]:
        new = _our_url("document", row["id"], "/van-ban/", Document)
        for old in (
            f"/laws/detail/{row['alias']}/",
            f"/index.php/laws/detail/{row['alias']}/",
            f"/vi/laws/detail/{row['alias']}/",
            f"/index.php?language=vi&nv=laws&op=detail/{row['alias']}",
        ):
            _redirects_to(client, old, new)
    pages = 0
    for row in dump["vi_about"]:
        new = _our_url("page", row["id"], "/trang/", Page)
        if new is None:
            continue  # the pages import is not there (or skipped this row)
        pages += 1
        for old in (f"/about/{row['alias']}.html", f"/index.php/about/{row['alias']}.html"):
            _redirects_to(client, old, new)
        assert client.get(new).status_code == 200, new
    has_pages_import = db.session.scalar(
        db.select(db.func.count()).select_from(ImportedRow).where(ImportedRow.kind == "page")
    )
    assert pages == (len(dump["vi_about"]) if has_pages_import else 0)


def _article_links(client, url: str) -> set[str]:
    """Every article a list shows, over all its pages."""
    found: set[str] = set()
    for number in range(1, 50):
        response = client.get(f"{url}?page={number}" if number > 1 else url)
        if response.status_code == 404 and number > 1:
            return found
        assert response.status_code == 200, url
        main = parse(response.get_data(as_text=True)).find("main")
        links = {a.get("href") for a in main.find_all("a")}
        found |= {link for link in links if link and re.fullmatch(r"/tin-tuc/[^/]+", link)}
    raise AssertionError(f"{url}: more than 50 pages")


def test_the_lists_show_the_right_counts(dump, client):
    from app.news.models import Category

    now = int(datetime.now(UTC).timestamp())
    children: dict[int, list[int]] = {}
    for cat in dump["vi_news_cat"]:
        children.setdefault(cat["parentid"], []).append(cat["catid"])

    def subtree(catid: int) -> set[int]:
        found = {catid}
        for child in children.get(catid, []):
            found |= subtree(child)
        return found

    visible = [r for r in dump["vi_news_rows"] if _visible(r, now)]
    for cat in dump["vi_news_cat"]:
        ids = subtree(cat["catid"])
        expected = {
            r["id"]
            for r in visible
            if ids & {r["catid"], *(int(c) for c in str(r["listcatid"]).split(",") if c)}
        }
        url = _our_url("category", cat["catid"], "/chuyen-muc/", Category)
        assert len(_article_links(client, url)) == len(expected), (cat["alias"], url)
    documents = [r for r in dump["vi_laws_row"] if r["status"] == 1]
    page = client.get("/van-ban/").get_data(as_text=True)
    assert f"Tìm thấy {len(documents)} văn bản." in squash(page)
    listed = parse(page).find("table", "doc-table").find("tbody").find_all("tr")
    assert len(listed) == len(documents) == 3
