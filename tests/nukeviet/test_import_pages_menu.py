"""The about pages and the main menu of a real NukeViet 4.5 dump imported: 8 pages at their
slugs with their titles, the menu as readers saw it (titles, order, nesting, where each item
leads), a second run that changes nothing, a dry run that writes nothing; items the portal
cannot show are reported with the reason; the portal's own menu is kept."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from pages import parse
from sqlalchemy import func, select

from app.extensions import db
from app.html_sanitizer import sanitize_html
from app.menu import store
from app.menu.models import MenuItem, MenuKind
from app.menu.operations import create_item
from app.news.models import Article, Category
from app.nukeviet import importer
from app.nukeviet.models import ImportedRow
from app.nukeviet.source import open_source
from app.pages.models import Page
from app.pages.operations import create_page
from app.slugs import slugify
from tests.nukeviet.source_helpers import Extended, fixture_path

SITE = "https://congthongtin.example.gov.vn"
ABOUT = [  # (id, title, alias) in weight order, as the dump has them
    (1, "Giới thiệu về NukeViet", "gioi-thieu-ve-nukeviet"),
    (2, "Giới thiệu về NukeViet CMS", "gioi-thieu-ve-nukeviet-cms"),
    (3, "Logo và tên gọi NukeViet", "logo-va-ten-goi-nukeviet"),
    (4, "Giấy phép sử dụng NukeViet", "giay-phep-su-dung-nukeviet"),
    (5, "Những tính năng của NukeViet CMS 4.0", "nhung-tinh-nang-cua-nukeviet-cms-4-0"),
    (6, "Yêu cầu sử dụng NukeViet 4", "Yeu-cau-su-dung-NukeViet-4"),
    (7, "Giới thiệu về Công ty cổ phần phát triển nguồn mở Việt Nam",
     "gioi-thieu-ve-cong-ty-co-phan-phat-trien-nguon-mo-viet-nam"),
    (8, "Ủng hộ, hỗ trợ và tham gia phát triển NukeViet",
     "ung-ho-ho-tro-va-tham-gia-phat-trien-nukeviet"),
]  # fmt: skip
PAGE_SLUGS = [slugify(alias) for _, _, alias in ABOUT]
# The menu as NukeViet's readers saw it (Thống kê was for administrators only), with the
# home link its theme shows first; what the portal has no page for is left out.
EXPECTED_MENU = [
    ("Trang chủ", MenuKind.HOME, "", []),
    ("Giới thiệu", MenuKind.PAGE, PAGE_SLUGS[0],
     [(title, MenuKind.PAGE, slug, [])
      for (_, title, _), slug in zip(ABOUT, PAGE_SLUGS, strict=True)]),
    ("Tin Tức", MenuKind.HOME, "", [
        ("Đối tác", MenuKind.CATEGORY, "doi-tac", []),
        ("Tuyển dụng", MenuKind.CATEGORY, "tuyen-dung", []),
        ("Rss", MenuKind.URL, f"{SITE}/feed.xml", []),
        ("Tìm kiếm", MenuKind.URL, f"{SITE}/tim-kiem", []),
        ("Tin tức", MenuKind.CATEGORY, "tin-tuc", []),
        ("Sản phẩm", MenuKind.CATEGORY, "san-pham", []),
    ]),
    ("Tìm kiếm", MenuKind.URL, f"{SITE}/tim-kiem", []),
    ("Liên hệ", MenuKind.PAGE, "lien-he", []),
]  # fmt: skip
SKIPPED = {"3", "4", "5", "19"}  # members, statistics (administrators), voting, news/content


@pytest.fixture(autouse=True)
def pages_and_menu(monkeypatch):
    """The news (the menu links its categories), then the pages and the menu."""
    monkeypatch.setattr(importer, "LATER_KINDS", (
        ("app.nukeviet.site_pages", "import_pages"),
        ("app.nukeviet.site_pages", "import_menu"),
    ))  # fmt: skip


@pytest.fixture
def app_config() -> dict:
    return {"SITE_URL": SITE}


@pytest.fixture
def contact_page(app):
    return create_page({"title": "Liên hệ", "slug": "lien-he", "published": True}, by=None)


def run(*, dry_run=False, extra=None, changed=None):
    with open_source(str(fixture_path())) as source:
        return importer.run(Extended(source, extra, changed), uploads=None, dry_run=dry_run)


def count(model, *where) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where))


def tree(parent_id=None) -> list:
    """The menu as (label, kind, target as a reader sees it, children), in order."""
    items = db.session.scalars(
        select(MenuItem)
        .where(MenuItem.parent_id.is_(None) if parent_id is None
               else MenuItem.parent_id == parent_id)
        .order_by(MenuItem.position, MenuItem.id)
    )  # fmt: skip
    out = []
    for item in items:
        target = item.target
        if item.kind == MenuKind.CATEGORY:
            target = db.session.get(Category, int(item.target)).slug
        out.append((item.label, MenuKind(item.kind), target, tree(item.id)))
    return out


def test_the_about_pages_come_at_their_slugs_with_their_titles(app, client):
    report = run()
    assert report.kinds["page"].added == 8 and not report.kinds["page"].skipped
    pages = db.session.scalars(select(Page).order_by(Page.position, Page.id)).all()
    assert [(p.title, p.slug) for p in pages] == [
        (title, slug) for (_, title, _), slug in zip(ABOUT, PAGE_SLUGS, strict=True)
    ]
    assert [p.position for p in pages] == list(range(1, 9)) and all(p.published for p in pages)
    for (old_id, title, alias), page in zip(ABOUT, pages, strict=True):
        mapped = db.session.get(ImportedRow, ("page", str(old_id)))
        assert (mapped.new_id, mapped.old_alias) == (page.id, alias)
        assert sanitize_html(page.body) == page.body  # the editor saves it back unchanged
        shown = client.get(f"/trang/{page.slug}")
        assert shown.status_code == 200
        [heading] = parse(shown.get_data(as_text=True)).find_all("h1")
        assert heading.text() == title
    licence = pages[3]
    assert licence.body.startswith("<p><strong>Giấy phép công cộng GNU (tiếng Anh: GNU")
    assert "mailto:dangtuan@vietkey.net" in licence.body
    assert pages[0].created_at.year >= 2010


def test_a_page_whose_alias_is_taken_gets_a_slug_from_its_title(app):
    create_page({"title": "Trang của cổng", "slug": "logo-va-ten-goi-nukeviet"}, by=None)
    run()
    page = db.session.get(Page, db.session.get(ImportedRow, ("page", "3")).new_id)
    assert page.title == "Logo và tên gọi NukeViet"
    assert page.slug == "logo-va-ten-goi-nukeviet-2"
    assert db.session.get(ImportedRow, ("page", "3")).old_alias == "logo-va-ten-goi-nukeviet"


def test_the_menu_is_the_old_sites_tree_and_every_link_opens(app, client, contact_page):
    report = run()
    assert tree() == EXPECTED_MENU
    counted = report.kinds["menu_item"]
    assert counted.added == 1 + 22 - len(SKIPPED)  # with the home link
    reasons = dict(counted.skipped)
    assert set(reasons) == SKIPPED
    assert reasons["4"] == "trên web cũ chỉ thành viên hoặc quản trị thấy mục này"
    assert "thăm dò ý kiến" in reasons["5"] and "khu vực thành viên" in reasons["3"]
    assert all(not i.new_tab for i in db.session.scalars(select(MenuItem)))  # target 1 there

    store.forget()
    links = store.main_menu()
    assert [link.label for link in links] == [label for label, *_ in EXPECTED_MENU]
    every = [link for top in links for link in (top, *top.children)]
    assert len(every) == 5 + 8 + 6
    for link in every:
        path = urlsplit(link.url).path
        assert client.get(path).status_code == 200, (link.label, link.url)
    home = client.get("/").get_data(as_text=True)
    assert "Giới thiệu về NukeViet CMS" in home and "Đối tác" in home  # the menu on the page


def test_without_site_url_the_portals_own_pages_are_reported_not_linked(app, contact_page):
    app.extensions["site_url"] = ""
    report = run()
    reasons = dict(report.kinds["menu_item"].skipped)
    assert reasons["6"].startswith("trang tìm kiếm của cổng (/tim-kiem): đặt SITE_URL")
    assert reasons["18"].startswith("tin RSS của cổng (/feed.xml)")
    assert not count(MenuItem, MenuItem.kind == MenuKind.URL)


def test_the_contact_item_waits_for_the_contact_page(app, client):
    report = run()
    item = db.session.get(MenuItem, db.session.get(ImportedRow, ("menu_item", "7")).new_id)
    assert (item.label, item.kind, item.target) == ("Liên hệ", MenuKind.PAGE, "lien-he")
    assert any(line.startswith("Mục menu «Liên hệ» trỏ tới trang liên hệ /trang/lien-he")
               for line in report.lines())  # fmt: skip
    store.forget()
    assert "Liên hệ" not in [link.label for link in store.main_menu()]  # no page: not shown
    create_page({"title": "Liên hệ", "slug": "lien-he", "published": True}, by=None)
    store.forget()
    assert store.main_menu()[-1].label == "Liên hệ"


def menu_row(row_id, parent, title, link, *, mid=1, status=1, target=1, groups="6"):
    return {"id": row_id, "parentid": parent, "mid": mid, "title": title, "link": link,
            "icon": "", "image": "", "note": "", "weight": row_id, "sort": 0, "lev": 0,
            "subitem": "", "groups_view": groups, "module_name": "", "op": "",
            "target": target, "css": "", "active_type": 0, "status": status}  # fmt: skip


EXTRA_ROWS = [
    menu_row(30, 8, "Cổng Chính phủ", "https://chinhphu.vn/", target=2),  # third level
    menu_row(31, 30, "Văn bản mới", "https://vanban.chinhphu.vn/"),  # a fourth one
    menu_row(32, 0, "Menu chân trang", "https://example.vn/", mid=2),
    menu_row(33, 0, "Đang ẩn", "https://example.vn/an", status=0),
    menu_row(34, 0, "Mã độc", "javascript:alert(1)"),
    menu_row(35, 0, "Văn bản", "/index.php?language=vi&amp;nv=laws"),
    menu_row(36, 2, "Chuyên mục Tin tức", "/Tin-tuc/"),  # a rewritten link (no module name)
    menu_row(37, 0, "Trang giới thiệu", "/about/logo-va-ten-goi-nukeviet.html"),
    menu_row(38, 0, "Bài tuyển dụng", "/Tuyen-dung/Tuyen-dung-lap-trinh-vien-PHP-3.html"),
]


def test_deeper_items_other_menus_hidden_and_unsafe_links_are_skipped(app):
    report = run(extra={"vi_menu_rows": EXTRA_ROWS})
    reasons = dict(report.kinds["menu_item"].skipped)
    assert reasons["31"] == "menu của cổng có tối đa 3 cấp"
    assert reasons["32"].startswith("thuộc menu khác của web cũ")
    assert reasons["33"] == "đang ẩn trên web cũ"
    assert reasons["34"].startswith("liên kết không dùng được")
    outside = db.session.get(MenuItem, db.session.get(ImportedRow, ("menu_item", "30")).new_id)
    assert (outside.kind, outside.target, outside.new_tab) == (
        MenuKind.URL, "https://chinhphu.vn/", True)  # fmt: skip
    top = [(label, kind, target) for label, kind, target, _ in tree()]
    article = db.session.scalar(select(Article).where(Article.title.startswith("Tuyển dụng lập")))
    assert top[-1] == ("Bài tuyển dụng", MenuKind.URL, f"{SITE}/tin-tuc/{article.slug}")
    assert top[-3:-1] == [
        ("Văn bản", MenuKind.DOCUMENTS, ""),
        ("Trang giới thiệu", MenuKind.PAGE, "logo-va-ten-goi-nukeviet"),
    ]
    news = next(children for label, _, _, children in tree() if label == "Tin Tức")
    assert news[-1] == ("Chuyên mục Tin tức", MenuKind.CATEGORY, "tin-tuc", [])


def test_the_portals_own_menu_is_kept_and_the_old_one_added_after(app):
    home = create_item(label="Trang chủ", kind=MenuKind.HOME, target="", parent_id=None,
                       new_tab=False, by=None)  # fmt: skip
    documents = create_item(label="Văn bản", kind=MenuKind.DOCUMENTS, target="", parent_id=None,
                            new_tab=False, by=None)  # fmt: skip
    report = run()
    top = tree()
    assert [label for label, *_ in top[:3]] == ["Trang chủ", "Văn bản", "Giới thiệu"]
    assert count(MenuItem, MenuItem.kind == MenuKind.HOME, MenuItem.parent_id.is_(None)) == 2
    assert {home.id, documents.id} <= {i.id for i in db.session.scalars(select(MenuItem))}
    assert any(line.startswith("Menu của cổng đã có 2 mục trước khi nhập") for line in
               report.lines())  # fmt: skip


def snapshot() -> dict:
    return {
        "map": sorted((r.kind, r.old_id, r.new_id, r.old_alias)
                      for r in db.session.scalars(select(ImportedRow))),
        "pages": sorted((p.id, p.slug, p.title, p.body, p.position, p.updated_at)
                        for p in db.session.scalars(select(Page))),
        "menu": tree(),
        "items": count(MenuItem),
    }  # fmt: skip


def test_a_second_run_changes_nothing(app, contact_page):
    run()
    before = snapshot()
    report = run()
    assert snapshot() == before
    assert (report.kinds["page"].added, report.kinds["page"].existing) == (0, 8)
    assert (report.kinds["menu_item"].added, report.kinds["menu_item"].existing) == (0, 19)
    assert not any("Menu của cổng đã có" in line for line in report.lines())


def test_a_dry_run_writes_nothing_and_counts_what_it_would_add(app, contact_page):
    report = run(dry_run=True)
    db.session.remove()
    assert (count(Page), count(MenuItem), count(ImportedRow)) == (1, 0, 0)
    assert report.kinds["page"].added == 8
    assert report.kinds["menu_item"].added == 1 + 22 - len(SKIPPED)
    assert set(dict(report.kinds["menu_item"].skipped)) == SKIPPED


def test_a_page_and_its_map_row_are_one_transaction(app, monkeypatch):
    real, pages = importer.Context.remember, []

    def failing(self, kind, old_id, *args, **kwargs):
        if kind == "page":
            pages.append(old_id)
            if len(pages) == 2:  # the second page is written, its map row not: power cut
                raise RuntimeError("power cut")
        real(self, kind, old_id, *args, **kwargs)

    monkeypatch.setattr(importer.Context, "remember", failing)
    with pytest.raises(RuntimeError):
        run()
    db.session.rollback()
    assert count(Page) == 1 == count(ImportedRow, ImportedRow.kind == "page")
    monkeypatch.setattr(importer.Context, "remember", real)
    report = run()
    assert (report.kinds["page"].existing, report.kinds["page"].added) == (1, 7)
    assert count(Page) == 8 == len({p.slug for p in db.session.scalars(select(Page))})


def test_page_images_come_into_the_media_library(app, tmp_path, client):
    from PIL import Image

    from app.media_library.models import MediaItem

    about = tmp_path / "uploads" / "about"
    about.mkdir(parents=True)
    Image.new("RGB", (30, 12), (200, 0, 0)).save(about / "w.png", "PNG")
    Image.new("RGB", (30, 12), (0, 120, 0)).save(about / "anh-bia.png", "PNG")
    changed = {("vi_about", 4): {"image": "anh-bia.png", "imagealt": "Ảnh bìa giấy phép"}}
    with open_source(str(fixture_path())) as source:
        report = importer.run(Extended(source, None, changed), uploads=tmp_path / "uploads",
                              dry_run=False)  # fmt: skip
    logo = db.session.get(Page, db.session.get(ImportedRow, ("page", "3")).new_id)
    w = db.session.scalar(select(MediaItem.file_name).where(MediaItem.original_name == "w.png"))
    assert f'src="/media/{w}"' in logo.body and "/uploads/about/w.png" not in logo.body
    skipped = dict(report.kinds["image"].skipped)
    assert skipped["about/nukevietvn_180x84.png"] == (
        "không thấy tệp (ảnh trong trang giới thiệu #3)"
    )
    licence = db.session.get(Page, db.session.get(ImportedRow, ("page", "4")).new_id)
    cover = db.session.scalar(
        select(MediaItem.file_name).where(MediaItem.original_name == "anh-bia.png")
    )
    assert licence.body.startswith(f'<p><img src="/media/{cover}" alt="Ảnh bìa giấy phép">')
    assert client.get(f"/trang/{licence.slug}").status_code == 200
