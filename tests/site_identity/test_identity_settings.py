"""Site settings "Nhận diện" and "Chân trang": name, logo, header image, footer block and
colours within WCAG AA contrast, shown by the header, the footer and the theme stylesheet."""

from __future__ import annotations

import io
import re

import pytest
from audit_log import audit_rows
from identity_helpers import SETTINGS, png, settings_form
from pages import errors_next_to, parse

from app.settings import get
from app.settings.colors import contrast_ratio
from app.settings.identity import header_color_problem, link_color_problem
from app.settings.operations import save_settings


def _save(client, **changes):
    return client.post(SETTINGS, data=settings_form(client.get(SETTINGS).text, **changes),
                       content_type="multipart/form-data")  # fmt: skip


@pytest.mark.parametrize(
    ("field", "color", "says"),
    [("site_header_color", "#ffff00",
      "Chữ trắng trên màu đầu trang #ffff00 chỉ có độ tương phản 1,07:1"),
     ("site_link_color", "#999999",
      "Màu liên kết #999999 trên nền trắng chỉ có độ tương phản 2,84:1"),
     # 4.54:1 on white, less on the light backgrounds links also sit on
     ("site_link_color", "#767676", "Màu liên kết #767676 trên nền nhạt"),
     ("site_header_color", "red", "Màu phải có dạng #rrggbb")],
)  # fmt: skip
def test_a_colour_below_aa_contrast_is_refused_saying_the_contrast_found(
    app, admin_client, field, color, says
):
    response = _save(admin_client, **{field: color})

    assert response.status_code == 400
    [error] = errors_next_to(response.text, field)
    assert error.startswith(says)
    if "tương phản" in says:
        assert "cần ít nhất 4,5:1" in error
    assert get(field) == "#0b4f8a" and audit_rows(app, "settings.change") == []


def test_the_contrast_rule_is_wcag_s():
    assert round(contrast_ratio("#000000", "#ffffff"), 2) == 21.0
    assert round(contrast_ratio("#767676", "#ffffff"), 2) == 4.54
    assert header_color_problem("#0b4f8a") is None and link_color_problem("#0b4f8a") is None
    assert header_color_problem("#777777") is not None  # 4.48:1: just below


def test_accepted_colours_reach_every_page_through_a_versioned_stylesheet(app, admin_client):
    before = parse(app.test_client().get("/").text)
    old_href = [link.get("href") for link in before.find_all("link")
                if "/giao-dien/" in (link.get("href") or "")]  # fmt: skip

    response = _save(admin_client, site_header_color="#7A1F1F", site_link_color="#1a5e20")

    assert response.status_code == 302
    assert get("site_header_color") == "#7a1f1f"
    page = app.test_client().get("/").text
    [href] = [link.get("href") for link in parse(page).find_all("link")
              if "/giao-dien/" in (link.get("href") or "")]  # fmt: skip
    assert [href] != old_href
    css = app.test_client().get(href)
    assert css.mimetype == "text/css" and "immutable" in css.headers["Cache-Control"]
    assert "--brand:#7a1f1f" in css.text and "--blue:#1a5e20" in css.text
    assert " style=" not in page  # the CSP allows no inline style
    stale = app.test_client().get(old_href[0])
    assert "--brand:#7a1f1f" in stale.text and "immutable" not in stale.headers["Cache-Control"]


def test_the_site_name_replaces_the_configured_one_everywhere(app, admin_client):
    assert "Cổng thông tin điện tử" in parse(app.test_client().get("/").text).find("title").text()

    _save(admin_client, site_name="Sở Giáo dục và Đào tạo Hà Tĩnh")

    reader = app.test_client()
    page = parse(reader.get("/").text)
    assert page.find("title").text() == "Sở Giáo dục và Đào tạo Hà Tĩnh"
    assert "Sở Giáo dục và Đào tạo Hà Tĩnh" in page.find("header", cls="site-header").text()
    assert "Sở Giáo dục và Đào tạo Hà Tĩnh" in page.find("footer").text()
    missing = reader.get("/khong-co-trang-nay")
    assert missing.status_code == 404 and "Sở Giáo dục và Đào tạo Hà Tĩnh" in missing.text
    assert "Sở Giáo dục và Đào tạo Hà Tĩnh" in reader.get("/feed.xml").text
    assert ['site_name: "Cổng thông tin điện tử" → "Sở Giáo dục và Đào tạo Hà Tĩnh"'] == [
        e.detail for e in audit_rows(app, "settings.change")]  # fmt: skip


def test_a_logo_and_header_image_are_uploaded_shown_and_removed(app, admin_client):
    response = _save(admin_client, site_name="UBND xã Thạch Hạ",
                     site_logo=(io.BytesIO(png()), "logo.png"),
                     site_header_image=(io.BytesIO(png((1200, 200))), "b.png"))  # fmt: skip

    assert response.status_code == 302
    logo, banner = get("site_logo"), get("site_header_image")
    assert re.fullmatch(r"[0-9a-f]{32}\.png", logo) and banner and banner != logo
    header = parse(app.test_client().get("/").text).find("header", cls="site-header")
    images = {img.get("src"): img.get("alt") for img in header.find_all("img")}
    assert images == {f"/media/{logo}": "UBND xã Thạch Hạ", f"/media/{banner}": ""}
    with app.test_client().get(f"/media/{logo}") as served:
        assert served.mimetype == "image/png"
    # The logo's alt names the home link; the printed name is hidden from screen readers.
    assert header.find("span", cls="brand-name").get("aria-hidden") == "true"

    assert _save(admin_client, site_logo_remove="y").status_code == 302
    assert get("site_logo") == "" and get("site_header_image") == banner
    header = parse(app.test_client().get("/").text).find("header", cls="site-header")
    assert [img.get("alt") for img in header.find_all("img")] == [""]
    assert header.find("span", cls="brand-name").get("aria-hidden") is None


def test_an_upload_that_is_no_image_is_refused_and_nothing_is_saved(app, admin_client):
    response = _save(admin_client, site_name="Tên mới",
                     site_logo=(io.BytesIO(b"<svg onload=alert(1)>"), "logo.png"))  # fmt: skip

    assert response.status_code == 400
    assert "Tệp không phải là ảnh hợp lệ" in " ".join(errors_next_to(response.text, "site_logo"))
    assert get("site_logo") == "" and get("site_name") == "Cổng thông tin điện tử"


def test_the_footer_shows_the_agency_block_with_phone_and_mail_links(app, admin_client):
    response = _save(admin_client, footer_address="Số 5 Phan Đình Phùng, TP Hà Tĩnh",
                     footer_phone="(0239) 3855 123", footer_email="vanphong@hatinh.gov.vn",
                     footer_responsible="Bà Trần Thị Lan - Chánh Văn phòng",
                     footer_licence="Giấy phép số 45/GP-TTĐT ngày 12/3/2024",
                     footer_note="<b>Ghi rõ nguồn</b>")  # fmt: skip

    assert response.status_code == 302
    footer = parse(app.test_client().get("/").text).find("footer", cls="site-footer")
    text = footer.text()
    assert "Số 5 Phan Đình Phùng, TP Hà Tĩnh" in text
    assert "Chịu trách nhiệm chính: Bà Trần Thị Lan - Chánh Văn phòng" in text
    assert "Giấy phép số 45/GP-TTĐT ngày 12/3/2024" in text
    assert "<b>Ghi rõ nguồn</b>" in text and footer.find("b") is None  # escaped
    hrefs = [a.get("href") for a in footer.find_all("a")]
    assert "tel:02393855123" in hrefs and "mailto:vanphong@hatinh.gov.vn" in hrefs
    assert "/auth/login" in hrefs
    assert footer.find("address") is not None


@pytest.mark.parametrize(("field", "value"), [("footer_email", "khong-phai-thu"),
                                              ("footer_phone", "gọi tôi")])  # fmt: skip
def test_a_bad_footer_contact_is_refused(app, admin_client, field, value):
    response = _save(admin_client, **{field: value})

    assert response.status_code == 400 and errors_next_to(response.text, field)
    assert get(field) == ""


def test_a_changed_setting_shows_on_the_next_request_of_a_cached_page(make_app):
    from sqlalchemy import text

    from app.extensions import db, redis_store

    app = make_app(PAGE_CACHE_SECONDS=30)
    with app.app_context():
        redis_store.client.flushdb()
        save_settings({"site_name": "Tên thứ nhất"}, by=None)
        assert "Tên thứ nhất" in app.test_client().get("/").text
        # Behind the settings' back (no content version): only the cached copy shows the old.
        db.session.execute(text("UPDATE site_settings SET value = '\"Tên ngầm\"' "
                                "WHERE key = 'site_name'"))  # fmt: skip
        db.session.commit()
        assert "Tên thứ nhất" in app.test_client().get("/").text

        save_settings({"site_name": "Tên thứ hai", "site_header_color": "#2d2d2d"}, by=None)

        page = app.test_client().get("/").text
        assert "Tên thứ hai" in page and "Tên thứ nhất" not in page
        [href] = [h for h in re.findall(r'href="([^"]+)"', page) if "/giao-dien/" in h]
        assert "--brand:#2d2d2d" in app.test_client().get(href).text
        db.session.remove()


def test_a_hidden_name_is_still_read_and_a_slogan_is_shown(app, admin_client):
    page = admin_client.get(SETTINGS).text
    data = settings_form(page, site_slogan="Vì nhân dân phục vụ")
    data.pop("site_show_name", None)  # the box unticked

    assert admin_client.post(SETTINGS, data=data).status_code == 302

    header = parse(app.test_client().get("/").text).find("header", cls="site-header")
    name = header.find("span", cls="brand-name")
    assert "sr-only" in name.get("class") and name.text() == "Cổng thông tin điện tử"
    assert name.get("aria-hidden") is None  # no logo: the name is the home link's text
    assert header.find("p", cls="brand-slogan").text() == "Vì nhân dân phục vụ"
