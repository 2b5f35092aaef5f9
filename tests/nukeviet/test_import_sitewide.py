"""Banners of a real NukeViet 4.5 dump imported into the position their plan names, with
their link, schedule, clicks and (from uploads/banners) picture; the visit total reported as
the statistics' starting offset, with the exact setting to add."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from PIL import Image
from sqlalchemy import func, select

from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.nukeviet import importer, sitewide
from app.nukeviet.models import ImportedRow
from app.nukeviet.source import open_source
from tests.nukeviet.source_helpers import Extended, fixture_path


def run(step, *, uploads=None, dry_run=False, extra=None, changed=None):
    report = importer.Report(dry_run=dry_run)
    with open_source(str(fixture_path())) as source:
        ctx = importer.Context(
            source=Extended(source, extra, changed),
            uploads=uploads,
            dry_run=dry_run,
            report=report,
        )
        try:
            step(ctx)
        finally:
            if dry_run:
                db.session.rollback()
    return report


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def imported(old_id: int) -> Banner:
    return db.session.get(Banner, db.session.get(ImportedRow, ("banner", str(old_id))).new_id)


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 20), (20, 90, 200)).save(out, "JPEG")
    return out.getvalue()


def test_banners_keep_position_link_schedule_and_clicks(app):
    report = run(sitewide.import_banners)
    assert report.kinds["banner"].added == 2 and not report.kinds["banner"].skipped
    middle, left = imported(1), imported(2)
    assert (middle.title, middle.target_url) == ("Mid-page advertisement", "http://webnhanh.vn")
    assert middle.block == BannerBlock.MIDDLE  # plan "Mid-page ad block"
    assert left.block == BannerBlock.BANNERS  # plan "Left-column ad block"
    assert left.target_url == "http://vinades.vn" and left.position == 2
    assert middle.active_from == datetime.fromtimestamp(1795633891, UTC).replace(tzinfo=None)
    assert middle.active_until is None and middle.image is None

    again = run(sitewide.import_banners)
    assert again.kinds["banner"].existing == 2 and count(Banner) == 2


def test_an_odd_value_skips_one_banner_not_the_run(app):
    changed = {("banners_rows", 1): {"hits_total": "x"}, ("banners_rows", 2): {"weight": "hai"}}
    report = run(sitewide.import_banners, changed=changed)
    assert report.kinds["banner"].added == 0 and count(Banner) == 0
    skipped = dict(report.kinds["banner"].skipped)
    assert sorted(skipped) == ["1", "2"]
    assert all(reason.startswith("dữ liệu không đọc được") for reason in skipped.values())
    report = run(sitewide.import_banners)  # corrected: both come on the next run
    assert report.kinds["banner"].added == 2


def test_dry_run_writes_no_banner(app):
    report = run(sitewide.import_banners, dry_run=True)
    assert report.kinds["banner"].added == 2
    assert count(Banner) == 0 and count(ImportedRow) == 0


def test_banner_pictures_from_uploads_and_unusable_rows_skipped(app, tmp_path):
    uploads = tmp_path / "uploads"
    (uploads / "banners").mkdir(parents=True)
    (uploads / "banners" / "webnhanh.jpg").write_bytes(jpeg())
    extra = {
        "banners_rows": [
            {"id": 7, "title": "Tắt", "pid": 1, "click_url": "https://a.vn", "act": 0},
            {"id": 8, "title": "Lạ", "pid": 1, "click_url": "javascript:alert(1)", "act": 1},
        ]
    }
    report = run(sitewide.import_banners, uploads=uploads, extra=extra)
    assert imported(1).image and imported(1).image.endswith(".jpg")
    assert imported(2).image is None  # vinades.jpg is not in uploads
    skipped = dict(report.kinds["banner"].skipped)
    assert set(skipped) == {"7", "8"} and "http" in skipped["8"]
    assert any("vinades.jpg" in note for _, note in report.kinds["banner_image"].skipped)
    assert count(Banner) == 2
    assert db.session.get(ImportedRow, ("banner", "8")).new_id is None


def test_statistics_total_is_reported_with_the_setting_to_add(app):
    report = run(sitewide.import_statistics)
    with open_source(str(fixture_path())) as source:
        assert sitewide.statistics_total(source) == 12919
    assert any("STATS_TOTAL_OFFSET = 12919" in note for note in report.notes)
    assert any("STATS_TOTAL_OFFSET=12919" in note for note in report.notes)


def test_administrators_come_without_passwords_readers_stay_out(app, make_user):
    from app.auth.models import Role, User
    from app.auth.operations import find_user

    extra = {
        "users": [
            {"userid": 5, "username": "bandoc", "email": "b@x.vn", "active": 1},
            {"userid": 6, "username": "BienTap", "first_name": "Lan", "last_name": "Trần Thị",
             "email": "lan@x.vn", "active": 1},
        ],
        "authors": [{"admin_id": 6, "lev": 3, "is_suspend": 0}],
    }  # fmt: skip
    report = run(sitewide.import_users, extra=extra)
    admin = find_user("admin")
    assert admin.role == Role.ADMIN and admin.email == "admin@example.com"
    editor = find_user("bientap")
    assert editor.role == Role.EDITOR and editor.display_name == "Trần Thị Lan"
    assert find_user("bandoc") is None
    assert dict(report.kinds["user"].skipped)["5"].startswith("Thành viên")
    # No NukeViet password hash came over, and no password anybody knows works.
    assert "SSHA512" not in admin.password_hash
    assert any("flask set-password" in note for note in report.notes)
    again = run(sitewide.import_users, extra=extra)
    assert again.kinds["user"].existing == 3 and count(User) == 2


def test_a_username_already_taken_is_skipped(app, make_user):
    make_user("admin")
    report = run(sitewide.import_users)
    assert "đã được dùng" in dict(report.kinds["user"].skipped)["1"]
