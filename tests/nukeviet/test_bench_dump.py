"""The benchmark's generated NukeViet site (bench/nukeviet_dump.py) is a dump the import reads
whole: every article, document, image and attached file comes over, none skipped."""

from __future__ import annotations

import hashlib
import re

import pytest
from source_helpers import fixture_path
from sqlalchemy import func, select

from app.documents.models import Document
from app.extensions import db
from app.news.models import Article
from app.nukeviet.source import open_source
from bench.nukeviet_dump import Plan, generate

PLAN = Plan(articles=200, documents=20, comments=80, images=30, users=5, document_files=0.3)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("nukeviet-bench")
    return generate(folder, PLAN, fixture=fixture_path()), folder / "uploads"


def test_the_dump_is_a_nukeviet_site_of_the_planned_size(site):
    dump, uploads = site
    with open_source(dump) as source:
        assert (source.prefix, source.language) == ("nv4", "vi")
        assert sum(1 for _ in source.rows("vi_news_rows")) == 200
        assert sum(1 for _ in source.rows("vi_news_detail")) == 200
        assert sum(1 for _ in source.rows("vi_laws_row")) == 20
        assert sum(1 for _ in source.rows("vi_news_cat")) == 40
        assert sum(1 for _ in source.rows("vi_comment")) == 80
        bodies = [len(r["bodyhtml"].encode()) for r in source.rows("vi_news_detail")]
        codes = [r["code"] for r in source.rows("vi_laws_row")]
        # The fixture's other tables come along (the statistics total among them).
        assert any(r["c_type"] == "total" for r in source.rows("counter"))
        # NukeViet keeps each article's row again in a table per category.
        copies = sum(sum(1 for _ in source.rows(f"vi_news_{c}")) for c in range(1, 41))
        assert copies >= 200
    assert min(bodies) >= 2000 and max(bodies) <= 9000
    assert all("&#x002F;" in code and "/" not in code for code in codes)  # escaped as stored
    text = dump.read_text(encoding="utf-8")
    assert re.search(r"^INSERT INTO `nv4_vi_news_detail` VALUES \(1,.*\),\(2,", text, re.M)
    assert "<table" in text and "/uploads/news/" in text
    assert len(list(uploads.glob("news/*/*.jpg"))) == 30
    assert (uploads / "banners/vinades.jpg").is_file()  # named by the fixture's banners
    assert list(uploads.glob("laws/*/*.pdf"))


def test_the_same_seed_writes_the_same_bytes(tmp_path):
    small = Plan(articles=20, documents=3, comments=5, images=3, users=2)
    digests = [
        hashlib.sha256(generate(tmp_path / name, small, fixture=fixture_path()).read_bytes())
        for name in ("one", "two")
    ]
    assert digests[0].hexdigest() == digests[1].hexdigest()


def test_the_import_brings_every_article_and_document_over(runner, site):
    dump, uploads = site
    result = runner.invoke(args=["import-nukeviet", str(dump), "--uploads", str(uploads)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "- Chuyên mục tin: thêm mới 40, đã có 0, bỏ qua 0" in out
    assert "- Bài viết: thêm mới 200, đã có 0, bỏ qua 0" in out
    images = re.search(r"- Ảnh \(thư viện ảnh\): thêm mới (\d+), đã có 0, bỏ qua 0", out)
    assert images and int(images[1]) >= 30  # the articles' and the copied pages' images
    assert "Không thấy ảnh" not in out and "không thấy tệp" not in out  # banners, pages too
    assert "- Văn bản: thêm mới 20, đã có 0, bỏ qua 0" in out
    assert "Tệp đính kèm văn bản" not in out  # no file missing or refused
    comments = re.search(r"- Bình luận: thêm mới (\d+), đã có 0, bỏ qua (\d+)", out)
    assert comments and int(comments[1]) + int(comments[2]) == 80
    skipped = re.findall(r"• #\d+: (.+)", out.split("- Bình luận")[1].split("\n- ")[0])
    assert set(skipped) <= {"chưa được duyệt"}  # only the comments NukeViet never approved
    db.session.remove()
    assert db.session.scalar(select(func.count()).select_from(Article)) == 200
    assert db.session.scalar(select(func.count()).select_from(Document)) == 20
    body = db.session.scalars(select(Article.body).where(Article.body.contains("<img"))).first()
    assert body and "/media/" in body and "/uploads/" not in body
    code = db.session.scalar(select(Document.code).order_by(Document.id))
    assert "/" in code and "&#" not in code  # unescaped

    again = runner.invoke(args=["import-nukeviet", str(dump), "--uploads", str(uploads)])
    assert again.exit_code == 0, again.output
    assert "- Bài viết: thêm mới 0, đã có 200, bỏ qua 0" in again.output
    assert "- Văn bản: thêm mới 0, đã có 20, bỏ qua 0" in again.output
