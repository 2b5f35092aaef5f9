"""The news of a real NukeViet 4.5 dump imported: the category tree, 27 articles with their
dates, states, images, tags and counters, approved comments; a second run changes nothing, a
dry run writes nothing, an interrupted run goes on where it stopped."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import func, select

from app.comments.models import Comment
from app.dates import site_zone, to_local, utcnow
from app.extensions import db
from app.html_sanitizer import sanitize_html
from app.media_library.models import MediaItem
from app.news import operations as news_ops
from app.news.models import Article, ArticleStatus, Category, Tag
from app.nukeviet import importer
from app.nukeviet.models import ImportedRow
from app.nukeviet.news import comment_text, imported_article, status_of
from app.nukeviet.source import open_source

DUMP = "/work/shared/fixtures/nukeviet-4.5-sample.sql"
BODY_IMAGE = "nukeviet-nhantaidatviet2011.jpg"  # in article 6's body and its home image


@pytest.fixture(autouse=True)
def news_kinds_only(monkeypatch):
    """The documents, banners and statistics importers have tests of their own."""
    monkeypatch.setattr(importer, "LATER_KINDS", ())


class Extended:
    """The dump's source with rows added to some tables and article bodies changed."""

    def __init__(self, source, extra=None, bodies=None, changes=None):
        self.source, self.extra, self.bodies = source, extra or {}, bodies or {}
        self.changes = changes or {}  # {table: {first column's value: {column: value}}}

    def __getattr__(self, name):
        return getattr(self.source, name)

    def has(self, name):
        return name in self.extra or self.source.has(name)

    def rows(self, name):
        for row in self.source.rows(name):
            if name.endswith("news_detail") and row["id"] in self.bodies:
                row = {**row, "bodyhtml": row["bodyhtml"] + self.bodies[row["id"]]}
            key = next(iter(row.values()))
            yield {**row, **self.changes.get(name, {}).get(key, {})}
        yield from self.extra.get(name, [])


def run(**kwargs):
    kwargs.setdefault("uploads", None)
    kwargs.setdefault("dry_run", False)
    extend = kwargs.pop("extend", None)
    with open_source(DUMP) as source:
        return importer.run(Extended(source, **extend) if extend else source, **kwargs)


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def uploads(tmp_path):
    root = tmp_path / "uploads"
    (root / "news").mkdir(parents=True)
    (root / "news" / BODY_IMAGE).write_bytes(jpeg())
    (root / "news" / "nangly.jpg").write_bytes(b"not an image")
    return root


def test_the_category_tree_keeps_parents_order_and_aliases(app):
    report = run()
    assert report.kinds["category"].added == 7
    roots = db.session.scalars(
        select(Category).where(Category.parent_id.is_(None)).order_by(Category.position)
    ).all()
    assert [c.name for c in roots] == ["Tin tức", "Sản phẩm", "Đối tác", "Tuyển dụng"]
    news = roots[0]
    assert news.slug == "tin-tuc"
    children = sorted(news.children, key=lambda c: c.position)
    assert [c.name for c in children] == ["Thông cáo báo chí", "Bản tin nội bộ", "Tin công nghệ"]
    mapped = db.session.get(ImportedRow, ("category", "1"))
    assert (mapped.new_id, mapped.old_alias) == (news.id, "Tin-tuc")


def test_articles_come_with_dates_states_counters_and_tags(app):
    report = run()
    assert report.kinds["article"].added == 27 and not report.kinds["article"].skipped
    assert count(Article) == 27

    first = imported_article(1)
    assert first.title == "Ra mắt công ty mã nguồn mở đầu tiên tại Việt Nam"
    assert first.slug == "ra-mat-cong-ty-ma-nguon-mo-dau-tien-tai-viet-nam"
    assert to_local(first.published_at) == datetime.fromtimestamp(1274989140, site_zone())
    assert to_local(first.created_at) == datetime.fromtimestamp(1274989177, site_zone())
    assert first.status == ArticleStatus.PUBLISHED and first.is_visible()
    assert first.author == "Quỳnh Nhi"
    assert first.source == "Báo Hà Nội Mới"
    assert first.category.name == "Tin tức"
    assert {c.name for c in first.extra_categories} == {"Thông cáo báo chí", "Bản tin nội bộ"}
    assert {t.name for t in first.tags} >= {"nukeviet", "mã nguồn mở", "php-nuke"}
    assert first.views == 2
    assert first.lead and "<" not in first.lead
    mapped = db.session.get(ImportedRow, ("article", "1"))
    assert mapped.old_alias == "Ra-mat-cong-ty-ma-nguon-mo-dau-tien-tai-Viet-Nam"

    assert imported_article(11).title.startswith("NukeViet được Bộ GD&ĐT")  # &amp; unescaped
    assert imported_article(16).views == 4673
    assert count(Tag) > 20


@pytest.mark.parametrize(
    ("status", "publ", "exp", "expected"),
    [
        (1, -3600, 0, ArticleStatus.PUBLISHED),
        (1, 3600, 0, ArticleStatus.SCHEDULED),
        (1, -7200, -3600, ArticleStatus.EXPIRED),
        (2, 3600, 0, ArticleStatus.SCHEDULED),
        (3, -7200, -3600, ArticleStatus.EXPIRED),
        (0, -3600, 0, ArticleStatus.DRAFT),
        (4, -3600, 0, ArticleStatus.DRAFT),
        (7, -3600, 0, ArticleStatus.SUBMITTED),
        (5, -3600, 0, ArticleStatus.SUBMITTED),
        (6, -3600, 0, ArticleStatus.RETURNED),  # declined on the old site: not in the queue
        (9, -3600, 0, ArticleStatus.RETURNED),
    ],
)
def test_nukeviet_states_map_to_ours(status, publ, exp, expected):
    now = datetime(2026, 11, 30, 8, 0)
    epoch = int((now - datetime(1970, 1, 1)).total_seconds())
    row = {"status": status, "publtime": epoch + publ, "exptime": epoch + exp if exp else 0}
    assert status_of(row, now) == expected


def test_images_go_through_the_media_library_and_bodies_are_sanitised(app, uploads):
    report = run(uploads=uploads, extend={"bodies": {6: '<script>alert("x")</script>'}})
    article = imported_article(6)
    item = db.session.scalar(select(MediaItem))
    assert count(MediaItem) == 1  # the home image and the body's image are one file
    assert article.image == item.file_name
    assert f'src="/media/{item.file_name}"' in article.body
    assert "/uploads/" not in article.body
    assert "<script" not in article.body and "alert" not in article.body
    assert "dantri4.vcmedia.vn" not in article.body  # images of other sites: the sanitiser's rule
    skipped = dict(report.kinds["image"].skipped)
    assert "ảnh minh họa bài #1" in skipped["news/nangly.jpg"]  # no image inside: refused
    assert "không thấy tệp" in skipped["news/hoptac.jpg"]
    assert imported_article(2).image is None  # missing file: article kept, no image


def test_an_image_it_cannot_open_is_skipped_not_the_run(app, uploads, monkeypatch):
    from pathlib import Path

    real_open = Path.open

    def refusing(self, *args, **kwargs):
        if self.name == BODY_IMAGE:
            raise PermissionError(13, "Permission denied")
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", refusing)
    report = run(uploads=uploads)
    assert report.kinds["article"].added == 27
    assert "Permission denied" in dict(report.kinds["image"].skipped)["news/" + BODY_IMAGE]
    assert imported_article(6).image is None


def test_without_uploads_image_paths_are_left_as_they_were(app):
    run()
    assert imported_article(6).image is None
    assert "/uploads/news/" + BODY_IMAGE in imported_article(6).body
    assert count(MediaItem) == 0


def comment(cid, article, *, pid=0, status=1, module="news", content="Bài hay", name="Lan"):
    return {"cid": cid, "module": module, "area": 0, "id": article, "pid": pid,
            "content": content, "attach": "", "post_time": 1700000000 + cid, "userid": 0,
            "post_name": name, "post_email": f"{name.lower()}@example.vn", "post_ip": "",
            "status": status, "likes": 0, "dislikes": 0}  # fmt: skip


COMMENTS = [
    comment(1, 1, content="Chúc mừng<br />VINADES!"),
    comment(2, 1, pid=1, name="Minh"),
    comment(3, 1, pid=2, name="Hoa"),  # a reply to a reply: attached to the thread
    comment(4, 1, status=0),  # waiting for moderation on the old site
    comment(5, 1, module="laws"),
    comment(6, 999),  # an article the dump does not have
]


def test_approved_comments_are_imported_and_counted(app):
    report = run(extend={"extra": {"vi_comment": COMMENTS}})
    counted = report.kinds["comment"]
    assert counted.added == 3
    assert dict(counted.skipped) == {"4": "chưa được duyệt", "6": "bài viết #999 không có"}
    article = imported_article(1)
    assert article.comment_count == 3
    first, second, third = db.session.scalars(select(Comment).order_by(Comment.id)).all()
    assert first.content == "Chúc mừng\nVINADES!" and first.parent is None
    assert second.parent == first and third.parent == first
    assert to_local(first.created_at) == datetime.fromtimestamp(1700000001, site_zone())
    with open_source(DUMP) as source:
        edited = next(r["edittime"] for r in source.rows("vi_news_rows") if r["id"] == 1)
    assert to_local(article.updated_at) == datetime.fromtimestamp(edited, site_zone())


def test_comment_line_breaks_are_kept():
    assert comment_text("Một<br />hai<BR>ba\r\nbốn  &amp; <b>năm</b><br /><br />") == (
        "Một\nhai\nba\nbốn & năm"
    )


def snapshot() -> dict:
    rows = {}
    for row in db.session.scalars(select(ImportedRow)):
        model = {"category": Category, "article": Article, "comment": Comment}.get(row.kind)
        target = db.session.get(model, row.new_id) if model and row.new_id else None
        rows[(row.kind, row.old_id)] = (
            getattr(target, "slug", None) or getattr(target, "content", None),
            getattr(target, "title", None),
            sorted(t.name for t in getattr(target, "tags", [])),
        )
    return {"map": rows, "articles": count(Article), "categories": count(Category),
            "tags": count(Tag), "comments": count(Comment), "media": count(MediaItem)}  # fmt: skip


def test_a_second_run_changes_nothing(app, uploads):
    extend = {"extra": {"vi_comment": COMMENTS}}
    run(uploads=uploads, extend=extend)
    before = snapshot()
    report = run(uploads=uploads, extend=extend)
    assert snapshot() == before
    assert {k: c.added for k, c in report.kinds.items() if k != "image"} == {
        "category": 0, "article": 0, "comment": 0}  # fmt: skip
    assert report.kinds["article"].existing == 27
    assert report.kinds["category"].existing == 7
    assert report.kinds["comment"].existing == 3


def test_a_dry_run_writes_nothing_and_counts_what_it_would_add(app, uploads):
    report = run(uploads=uploads, dry_run=True, extend={"extra": {"vi_comment": COMMENTS}})
    db.session.remove()
    assert (count(Article), count(Category), count(ImportedRow), count(MediaItem),
            count(Comment), count(Tag)) == (0, 0, 0, 0, 0, 0)  # fmt: skip
    assert report.kinds["category"].added == 7
    assert report.kinds["article"].added == 27
    assert report.kinds["comment"].added == 3
    assert report.kinds["image"].added == 2  # the files present (one is no image: found later)
    assert report.lines()[0].startswith("Chạy thử")


def test_an_interrupted_run_goes_on_and_ends_as_one_run(app, uploads, monkeypatch):
    real, made = news_ops.create_article, []

    def failing(**kwargs):
        if len(made) == 10:
            raise RuntimeError("power cut")
        made.append(kwargs["title"])
        return real(**kwargs)

    monkeypatch.setattr(news_ops, "create_article", failing)
    monkeypatch.setattr(importer, "ROWS_PER_COMMIT", 4)
    with pytest.raises(RuntimeError):
        run(uploads=uploads)
    db.session.rollback()
    assert count(Article) == 8  # two batches of 4 committed; the open batch went with its map
    assert count(ImportedRow) == 7 + 8
    monkeypatch.setattr(news_ops, "create_article", real)
    report = run(uploads=uploads)
    assert (report.kinds["article"].existing, report.kinds["article"].added) == (8, 19)
    assert count(Article) == 27 == len({a.slug for a in db.session.scalars(select(Article))})
    assert not any(a.slug.endswith("-2") for a in db.session.scalars(select(Article)))
    assert count(MediaItem) == 1
    mapped = db.session.scalars(select(ImportedRow).where(ImportedRow.kind == "article")).all()
    assert sorted(int(m.old_id) for m in mapped) == list(range(1, 28))
    assert all(db.session.get(Article, m.new_id) is not None for m in mapped)


def test_recent_articles_keep_their_publication_time(app):
    run()
    article = imported_article(16)
    future = article.published_at > utcnow()
    assert article.status == (ArticleStatus.SCHEDULED if future else ArticleStatus.PUBLISHED)
    assert article.published_at - datetime(2026, 11, 24) < timedelta(days=2)


def test_a_row_it_cannot_read_is_skipped_and_the_rest_imported(app):
    report = run(extend={"changes": {"vi_news_rows": {3: {"allowed_rating": "có"}}}})
    assert report.kinds["article"].added == 26
    [(old_id, reason)] = report.kinds["article"].skipped
    assert old_id == "3" and reason.startswith("dữ liệu không đọc được")
    assert imported_article(3) is None and db.session.get(ImportedRow, ("article", "3")) is None
    fixed = run()  # the row corrected (here: read as it is in the dump) comes on the next run
    assert fixed.kinds["article"].added == 1 and imported_article(3) is not None


def test_a_category_committed_before_its_map_row_is_taken_back(app):
    """create_category commits by itself: a run stopped right after it left the category
    without its map row; the next run adopts it instead of making "tin-tuc-2"."""
    news_ops.create_category("Tin tức", slug="Tin-tuc", by=None)
    report = run()
    assert (report.kinds["category"].added, report.kinds["category"].existing) == (6, 1)
    assert count(Category) == 7
    assert db.session.get(ImportedRow, ("category", "1")).new_id == db.session.scalar(
        select(Category.id).where(Category.slug == "tin-tuc")
    )


def test_a_category_made_from_its_name_before_its_map_row_is_taken_back(app):
    """The alias was taken, so the stopped run made the category with a slug from its name;
    the next run adopts that one instead of making a third copy."""
    news_ops.create_category("Khác", slug="tin-tuc", by=None)  # owns the old alias
    twin = news_ops.create_category("Tin tức", by=None)  # the stopped run's category
    assert twin.slug == "tin-tuc-2"
    report = run()
    assert (report.kinds["category"].added, report.kinds["category"].existing) == (6, 1)
    assert count(Category) == 8
    assert db.session.get(ImportedRow, ("category", "1")).new_id == twin.id


def test_only_the_old_sites_own_uploads_are_rewritten(app, uploads):
    own = f'<p><img src="http://127.0.0.1/uploads/news/{BODY_IMAGE}" alt="a"></p>'
    other = f'<p><img src="http://cdn.example.vn/uploads/news/{BODY_IMAGE}" alt="b"></p>'
    run(uploads=uploads, extend={"bodies": {7: own + other}})
    body = imported_article(7).body
    name = db.session.scalar(select(MediaItem.file_name))
    assert f'src="/media/{name}"' in body and 'alt="a"' in body
    assert "cdn.example.vn" not in body and 'alt="b"' not in body  # not ours: left, then dropped


def test_keywords_give_tags_when_the_site_has_no_tag_rows(app):
    run(extend={"changes": {"vi_news_detail": {20: {"keywords": "giáo dục, chuyển đổi số,"}}}})
    assert {t.name for t in imported_article(20).tags} == {"giáo dục", "chuyển đổi số"}


def test_imported_bodies_are_what_the_editor_saves_back(app, uploads):
    """The editor's round trip (tests/editor/test_roundtrip.py) saves sanitize_html(body): an
    imported body is already that, so opening and saving it changes nothing."""
    run(uploads=uploads)
    for article in db.session.scalars(select(Article)):
        assert sanitize_html(article.body) == article.body, article.title


def test_the_article_page_shows_the_old_title_date_and_image(app, uploads, client):
    run(uploads=uploads)
    article = imported_article(6)
    page = client.get(f"/tin-tuc/{article.slug}")
    assert page.status_code == 200
    html_text = page.get_data(as_text=True)
    assert "Mã nguồn mở NukeViet giành giải ba Nhân tài đất Việt 2011" in html_text
    local = datetime.fromtimestamp(1322685920, site_zone())
    assert f"{local:%d/%m/%Y %H:%M}" in html_text
    assert f"/media/{article.image}" in html_text


# --- Attachments, suspended categories, one transaction per category ------------------------

FILES = ("2024_06/so-do.png,2024_06/ke-hoach.pdf\n2024_06/mat.jpg,"
         "https://example.vn/tai-lieu/quy-che.docx,javascript:alert(1)")  # fmt: skip


@pytest.fixture
def attachments(uploads):
    folder = uploads / "news" / "2024_06"
    folder.mkdir()
    Image.new("RGB", (20, 10), (10, 90, 200)).save(folder / "so-do.png", "PNG")
    (folder / "ke-hoach.pdf").write_bytes(b"%PDF-1.4\n%%EOF\n")
    return {"changes": {"vi_news_detail": {7: {"files": FILES}}}}


def test_attachments_end_the_body_as_a_list_of_links(app, uploads, attachments, client):
    report = run(uploads=uploads, extend=attachments)
    article = imported_article(7)
    name = db.session.scalar(select(MediaItem.file_name).where(MediaItem.original_name ==
                                                               "so-do.png"))  # fmt: skip
    assert name is not None
    tail = article.body[article.body.index("<h2>Tệp đính kèm</h2>") :]
    rel = 'rel="noopener noreferrer nofollow"'
    assert tail == (
        f'<h2>Tệp đính kèm</h2><ul><li><a href="/media/{name}" {rel}>so-do.png</a></li>'
        f'<li><a href="https://example.vn/tai-lieu/quy-che.docx" {rel}>quy-che.docx</a></li></ul>'
    )
    assert sanitize_html(article.body) == article.body  # the editor saves it back unchanged
    counted = report.kinds["article_file"]
    assert counted.added == 2
    skipped = dict(counted.skipped)
    assert skipped["news/2024_06/ke-hoach.pdf"].startswith("không phải ảnh")
    assert skipped["news/2024_06/mat.jpg"] == "không thấy tệp (bài #7)"
    assert "javascript:alert(1)" not in article.body
    assert any(line.startswith("- Tệp đính kèm bài viết: thêm mới 2") for line in report.lines())

    page = client.get(f"/tin-tuc/{article.slug}").get_data(as_text=True)
    assert "Tệp đính kèm" in page and f'href="/media/{name}"' in page
    with client.get(f"/media/{name}") as image:
        assert image.status_code == 200

    body = article.body
    again = run(uploads=uploads, extend=attachments)
    assert imported_article(7).body == body and count(MediaItem) == 2
    assert again.kinds.get("article_file") is None or again.kinds["article_file"].added == 0


def test_a_dry_run_counts_attachments_and_writes_nothing(app, uploads, attachments):
    report = run(uploads=uploads, extend=attachments, dry_run=True)
    db.session.remove()
    assert count(MediaItem) == 0 and count(Article) == 0
    counted = report.kinds["article_file"]
    assert counted.added == 2
    assert {old for old, _ in counted.skipped} == {
        "news/2024_06/ke-hoach.pdf", "news/2024_06/mat.jpg", "javascript:alert(1)"}  # fmt: skip


def test_without_uploads_attachments_are_reported_not_linked(app, attachments):
    report = run(extend=attachments)
    assert "Tệp đính kèm" in imported_article(7).body  # the outside address is still listed
    reasons = dict(report.kinds["article_file"].skipped)
    assert reasons["news/2024_06/so-do.png"].startswith("chưa chỉ thư mục uploads")


SUSPENDED = {
    "vi_news_cat": {4: {"status": 0}},  # Tuyển dụng, suspended on the old site
    # NukeViet adds 21 to the state of each article of a suspended category...
    "vi_news_rows": {i: {"status": 22} for i in (3, 4, 5, 8, 9, 10)} | {22: {"status": 21}},
}


def test_a_suspended_category_comes_with_its_shown_articles_as_drafts(app, client):
    changes = {**SUSPENDED, "vi_news_rows": {**SUSPENDED["vi_news_rows"], 10: {"status": 1}}}
    report = run(extend={"changes": changes})
    category = db.session.get(Category, db.session.get(ImportedRow, ("category", "4")).new_id)
    assert category.name == "Tuyển dụng"
    assert db.session.get(ImportedRow, ("category", "4")).note == "tạm ngưng trên web cũ"
    for old_id in (3, 4, 5, 8, 9, 10, 22):  # 10: still 1 in this dump, its category decides
        article = imported_article(old_id)
        assert article.status == ArticleStatus.DRAFT, old_id
        assert client.get(f"/tin-tuc/{article.slug}").status_code == 404
    assert imported_article(9).published_at is not None  # kept for when it is published again
    assert imported_article(1).status == ArticleStatus.PUBLISHED
    notes = "\n".join(report.lines())
    assert "Chuyên mục «Tuyển dụng» (#4) tạm ngưng trên web cũ — xem lại" in notes
    assert "7 bài viết đang hiện của chuyên mục tạm ngưng trên web cũ" not in notes
    assert "6 bài viết đang hiện của chuyên mục tạm ngưng trên web cũ" in notes  # 22 was a draft
    again = run(extend={"changes": changes})
    assert "tạm ngưng" not in "\n".join(again.lines())


@pytest.mark.parametrize(
    ("status", "suspended", "expected"),
    [
        (22, False, ArticleStatus.DRAFT),  # 1 + 21: shown, locked by its category
        (21, False, ArticleStatus.DRAFT),
        (26, False, ArticleStatus.SUBMITTED),  # 5 + 21: waiting stays waiting
        (1, True, ArticleStatus.DRAFT),
        (1, False, ArticleStatus.PUBLISHED),
    ],
)
def test_articles_locked_by_a_suspended_category(status, suspended, expected):
    row = {"status": status, "publtime": 1_600_000_000, "exptime": 0}
    assert status_of(row, datetime(2026, 11, 30), suspended=suspended) == expected


def test_a_category_and_its_map_row_are_one_transaction(app, monkeypatch):
    real, calls = importer.Context.commit, []

    def failing(self):
        calls.append(1)
        if len(calls) == 2:  # the second category's commit
            raise RuntimeError("power cut")
        real(self)

    monkeypatch.setattr(importer.Context, "commit", failing)
    with pytest.raises(RuntimeError):
        run()
    db.session.rollback()
    assert count(Category) == 1 == count(ImportedRow)
    monkeypatch.setattr(importer.Context, "commit", real)
    report = run()
    assert (report.kinds["category"].existing, report.kinds["category"].added) == (1, 6)
    assert count(Category) == 7


def test_an_imported_comment_is_cleaned_as_a_readers_is(app):
    odd = comment(7, 1, name="  Lan \t Anh ", content="  Hay quá  \r\n")
    odd["post_email"] = "không phải thư"
    run(extend={"extra": {"vi_comment": [odd]}})
    [made] = db.session.scalars(select(Comment)).all()
    assert (made.name, made.email, made.content) == ("Lan Anh", "", "Hay quá")
    assert imported_article(1).comment_count == 1
