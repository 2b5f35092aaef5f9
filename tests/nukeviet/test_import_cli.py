"""`flask import-nukeviet`: the report printed in Vietnamese, a second run that finds
everything there, a dry run, and a clear message (exit 1) for a source it cannot read."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.news.models import Article
from app.nukeviet import importer

DUMP = "/work/shared/fixtures/nukeviet-4.5-sample.sql"


@pytest.fixture(autouse=True)
def news_kinds_only(monkeypatch):
    monkeypatch.setattr(importer, "LATER_KINDS", ())


def articles() -> int:
    db.session.remove()
    return db.session.scalar(select(func.count()).select_from(Article))


def test_import_then_again(runner):
    first = runner.invoke(args=["import-nukeviet", DUMP])
    assert first.exit_code == 0, first.output
    assert "Kết quả nhập:" in first.output
    assert "- Bài viết: thêm mới 27, đã có 0, bỏ qua 0" in first.output
    assert "- Chuyên mục tin: thêm mới 7, đã có 0, bỏ qua 0" in first.output
    assert articles() == 27

    second = runner.invoke(args=["import-nukeviet", DUMP])
    assert second.exit_code == 0, second.output
    assert "- Bài viết: thêm mới 0, đã có 27, bỏ qua 0" in second.output
    assert "- Chuyên mục tin: thêm mới 0, đã có 7, bỏ qua 0" in second.output
    assert articles() == 27


def test_dry_run_prints_what_it_would_do(runner):
    result = runner.invoke(args=["import-nukeviet", DUMP, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Chạy thử (không ghi gì vào cơ sở dữ liệu):" in result.output
    assert "- Bài viết: sẽ thêm 27" in result.output
    assert articles() == 0


def test_missing_images_are_listed(runner, tmp_path):
    (tmp_path / "news").mkdir()
    result = runner.invoke(args=["import-nukeviet", DUMP, "--uploads", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "bỏ qua" in result.output and "không thấy tệp" in result.output
    assert "news/nangly.jpg" in result.output


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("site.txt", "Không nhận ra nguồn"),
        ("/nowhere/dump.sql", "Không tìm thấy tệp"),
        ("ftp://host/db", "Không hỗ trợ loại địa chỉ ftp://"),
    ],
)
def test_a_bad_source_is_a_clear_message(runner, source, message):
    result = runner.invoke(args=["import-nukeviet", source])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output


def test_a_file_that_is_no_dump(runner, tmp_path):
    bad = tmp_path / "broken.sql"
    bad.write_text("INSERT INTO `nv4_vi_news_rows` VALUES (1,'unterminated", encoding="utf-8")
    result = runner.invoke(args=["import-nukeviet", str(bad)])
    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ")
    assert articles() == 0


def test_an_uploads_folder_that_is_not_there(runner, tmp_path):
    result = runner.invoke(args=["import-nukeviet", DUMP, "--uploads", str(tmp_path / "no")])
    assert result.exit_code == 1
    assert "Không tìm thấy thư mục uploads" in result.output
