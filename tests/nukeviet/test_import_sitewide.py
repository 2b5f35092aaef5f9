"""Site-wide parts of a real NukeViet 4.5 dump: banners in the position their plan names, with
their link, schedule, clicks and (from uploads/banners) picture; the visit total as the setting
the statistics' total adds (once, never over an administrator's value); the site's identity
where our settings hold their defaults; administrators without a usable password."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime

import pytest
from audit_log import audit_rows
from auth_helpers import logged_in_client
from pages import parse
from PIL import Image
from sqlalchemy import func, select
from stats_helpers import sidebar, stats, visitor

from app.auth.password_links import has_usable_password
from app.blocks.models import Banner, BannerBlock
from app.extensions import db
from app.nukeviet import importer, sitewide
from app.nukeviet.models import ImportedRow
from app.nukeviet.source import open_source
from app.settings import get
from app.settings.operations import save_settings
from app.stats.models import DailyStat
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


def logged_in_admin(app, make_user):
    from app.auth.models import Role

    return logged_in_client(app, make_user("quantri", role=Role.ADMIN))


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


# --- The visit total -----------------------------------------------------------------------------


def offset() -> int:
    return get("stats_total_offset")


def test_the_visit_total_becomes_the_offset_setting_the_total_shows(app):
    with open_source(str(fixture_path())) as source:
        assert sitewide.statistics_total(source) == 12919

    report = run(sitewide.import_statistics)

    assert offset() == 12919 and report.kinds["statistics"].added == 2  # the total, a day
    assert any(note.startswith("Tổng lượt truy cập trên trang cũ: 12919: đã đặt vào Cài đặt")
               for note in report.notes)  # fmt: skip
    html = visitor(app, ip="198.51.100.1").get("/").text
    assert sidebar(html)["total"] == 12920
    assert stats(app)["total"] == 12920
    assert [e.detail for e in audit_rows(app, "settings.change")] == [
        "stats_total_offset: 0 → 12919"
    ]


def test_a_second_run_leaves_the_offset_an_administrator_changed_since(app):
    run(sitewide.import_statistics)
    save_settings({"stats_total_offset": 500}, by=None)

    again = run(sitewide.import_statistics)

    assert offset() == 500 and again.kinds["statistics"].existing == 2
    assert stats(app)["total"] == 500


def test_an_offset_set_before_the_import_is_kept_and_reported(app):
    save_settings({"stats_total_offset": 777}, by=None)

    report = run(sitewide.import_statistics)

    assert offset() == 777
    [(old_id, reason)] = report.kinds["statistics"].skipped
    assert old_id == "total" and "Giữ giá trị 777" in reason and "12919" in reason
    assert db.session.get(ImportedRow, ("statistics", "total")) is not None
    save_settings({"stats_total_offset": 0}, by=None)
    assert run(sitewide.import_statistics).kinds["statistics"].existing == 2 and offset() == 0


@pytest.mark.parametrize("app", [{"STATS_TOTAL_OFFSET": 12919}], indirect=True)
def test_a_configured_offset_is_not_counted_twice(app):
    report = run(sitewide.import_statistics)

    assert offset() == 0 and stats(app)["total"] == 12919
    [(_, reason)] = report.kinds["statistics"].skipped
    assert "STATS_TOTAL_OFFSET = 12919" in reason


def test_the_days_of_the_last_month_become_imported_days_of_the_history(app):
    report = run(sitewide.import_statistics)

    # The fixture's only day: 26/11/2026 (its last hit at 02:25 in Asia/Ho_Chi_Minh).
    days = db.session.scalars(select(DailyStat)).all()
    assert [(d.day, d.visits, d.imported) for d in days] == [(date(2026, 11, 26), 12919, True)]
    assert any("26/11/2026 (12919)" in note for note in report.notes)
    assert stats(app)["total"] == 12919  # the offset holds those visits, once
    again = run(sitewide.import_statistics)
    assert again.kinds["statistics"].existing == 2 and again.kinds["statistics"].added == 0


def test_a_day_of_an_earlier_month_or_counted_here_is_not_imported(app):
    db.session.add(DailyStat(day=date(2026, 11, 26), visits=3, imported=False))
    db.session.commit()
    earlier = datetime(2026, 10, 5, 3, tzinfo=UTC).timestamp()  # 05/10, not reset (odd)
    extra = {
        "counter": [
            {"c_type": "day", "c_val": "05", "last_update": int(earlier), "c_count": 40},
            {"c_type": "day", "c_val": "xx", "last_update": 1795634704, "c_count": 9},
            {"c_type": "day", "c_val": "07", "last_update": 10**20, "c_count": 9},
        ],
        # NukeViet's "by country" is no zone: ours (Asia/Ho_Chi_Minh here) places the days.
        "config": [{"lang": "sys", "module": "site", "config_name": "statistics_timezone",
                    "config_value": "byCountry"}],
    }  # fmt: skip

    report = run(sitewide.import_statistics, extra=extra)

    assert [(d.day, d.visits) for d in db.session.scalars(select(DailyStat))] == [
        (date(2026, 11, 26), 3)
    ]
    assert dict(report.kinds["statistics"].skipped) == {
        "day:2026-11-26": "Ngày này trang mới đã tự đếm"
    }


def test_a_dry_run_sets_no_offset(app):
    report = run(sitewide.import_statistics, dry_run=True)

    assert report.kinds["statistics"].added == 2 and offset() == 0  # the total and one day
    assert count(ImportedRow) == count(DailyStat) == 0
    assert any("sẽ đặt" in note for note in report.notes)


# --- Site identity -------------------------------------------------------------------------------


def config_rows(**values) -> dict:
    """Rows appended to the dump's config (the last row of a name wins, as in NukeViet)."""
    where = {"site_email": ("sys", "site"), "site_phone": ("sys", "site")}
    return {"config": [{"lang": where.get(name, ("vi", "global"))[0],
                        "module": where.get(name, ("vi", "global"))[1],
                        "config_name": name, "config_value": value}
                       for name, value in values.items()]}  # fmt: skip


def test_the_site_identity_comes_over_where_ours_hold_defaults(app):
    report = run(sitewide.import_identity)

    assert get("site_name") == "NukeViet Peer"
    assert get("site_slogan") == "Chia sẻ thành công, kết nối đam mê"
    assert get("footer_email") == "admin@example.com"
    assert get("footer_phone") == "" and get("site_logo") == ""  # empty on the old site
    # The news comments: 5 a page, newest first (ours already); moderation stays ours.
    assert get("comments_per_page") == 5 and get("comments_order") == "newest"
    assert get("comments_moderation") == "all"
    assert any(note.startswith("Trang cũ đăng ngay mọi ý kiến không chờ duyệt")
               for note in report.notes)  # fmt: skip
    assert (report.kinds["setting"].added, report.kinds["setting"].existing) == (4, 1)
    assert not report.kinds["setting"].skipped
    page = visitor(app).get("/").text
    assert "NukeViet Peer" in parse(page).find("title").text()
    assert "Chia sẻ thành công, kết nối đam mê" in page and "admin@example.com" in page

    again = run(sitewide.import_identity)
    assert again.kinds["setting"].existing == 5 and again.kinds["setting"].added == 0


def test_what_an_administrator_set_is_kept_and_reported(app):
    save_settings({"site_name": "Sở Giáo dục Hà Tĩnh"}, by=None)

    report = run(sitewide.import_identity)

    assert get("site_name") == "Sở Giáo dục Hà Tĩnh"
    assert get("site_slogan") == "Chia sẻ thành công, kết nối đam mê"
    reason = dict(report.kinds["setting"].skipped)["site_name"]
    assert "giữ «Sở Giáo dục Hà Tĩnh»" in reason and "NukeViet Peer" in reason


def test_a_value_our_setting_refuses_is_skipped_with_its_reason(app):
    extra = config_rows(site_email="hộp thư cũ", site_phone="0239.3855.123")
    report = run(sitewide.import_identity, extra=extra)

    assert get("footer_email") == "" and get("footer_phone") == "0239.3855.123"
    assert "không hợp lệ" in dict(report.kinds["setting"].skipped)["site_email"]


def test_a_comment_order_we_do_not_have_is_skipped_and_ours_kept(app):
    save_settings({"comments_per_page": 10}, by=None)
    extra = {"config": [{"lang": "vi", "module": "news", "config_name": "sortcomm",
                         "config_value": "2"}]}  # fmt: skip

    report = run(sitewide.import_identity, extra=extra)

    skipped = dict(report.kinds["setting"].skipped)
    assert "lượt thích" in skipped["news:sortcomm"] and "giữ «10»" in skipped["news:perpagecomm"]
    assert get("comments_order") == "newest" and get("comments_per_page") == 10


def test_the_logo_and_header_image_come_from_uploads(app, tmp_path):
    uploads = tmp_path / "uploads"
    uploads.mkdir()
    (uploads / "logo.jpg").write_bytes(jpeg())
    extra = config_rows(site_logo="uploads/logo.jpg", site_banner="uploads/khong-co.jpg")

    report = run(sitewide.import_identity, uploads=uploads, extra=extra)

    assert get("site_logo").endswith(".jpg") and get("site_header_image") == ""
    assert "khong-co.jpg" in dict(report.kinds["setting"].skipped)["site_banner"]
    logo = parse(visitor(app).get("/").text).find("img", src=f"/media/{get('site_logo')}")
    assert logo is not None


def test_the_old_url_settings_are_remembered_once(app):
    run(sitewide.import_identity)

    def alias(old_id):
        return db.session.get(ImportedRow, ("setting", old_id)).old_alias

    assert alias("rewrite_op_mod") == "news" and alias("site_lang") == "vi"
    assert alias("module:laws") == "laws" and alias("module:about") == "page"
    assert alias("module:siteterms") == "page"
    rows = count(ImportedRow)
    run(sitewide.import_identity)
    assert count(ImportedRow) == rows


def test_a_dry_run_changes_no_setting(app):
    report = run(sitewide.import_identity, dry_run=True)

    assert report.kinds["setting"].added == 4
    assert get("site_name") == app.config["SITE_NAME"] and count(ImportedRow) == 0
    assert get("comments_per_page") == 20


# --- Accounts ------------------------------------------------------------------------------------


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
    # No NukeViet password hash came over, and none works: each waits for its link.
    assert "SSHA512" not in admin.password_hash
    assert not has_usable_password(admin) and not has_usable_password(editor)
    assert any("«Tạo liên kết đặt mật khẩu»" in note and "flask password-link" in note
               for note in report.notes)  # fmt: skip
    assert any(note.startswith("1 thành viên") for note in report.notes)
    again = run(sitewide.import_users, extra=extra)
    assert again.kinds["user"].existing == 3 and count(User) == 2
    users = logged_in_admin(app, make_user).get("/admin/users").text
    assert users.count("Chưa đặt mật khẩu") == 2


def test_a_username_already_taken_is_skipped(app, make_user):
    make_user("admin")
    report = run(sitewide.import_users)
    assert "đã được dùng" in dict(report.kinds["user"].skipped)["1"]
