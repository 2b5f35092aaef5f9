"""Banner and link administration (issue 6): CRUD through the HTTP interface with CSRF, image
uploads checked by content, target addresses limited to http(s), the active period in the
sidebar, and the counted click redirect (no open redirect, once per visitor per local day,
crawlers apart, Redis failures harmless)."""

from __future__ import annotations

import html
import io
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from audit_log import audit_rows
from auth_helpers import (
    is_login_redirect,
    page_token,
)
from image_helpers import SVG_WITH_SCRIPT, noise_png
from pages import field_errors, flashes
from PIL import Image
from sqlalchemy import select

from app.blocks.models import Banner, BannerBlock
from app.blocks.operations import BannerError, create_banner, target_url_error
from app.dates import utcnow
from app.extensions import db
from app.visitor import sign

BASE = "/admin/blocks/"
ZONE_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh, the default SITE_TIMEZONE (no DST)
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"


# --- fixtures and helpers ------------------------------------------------------------------------


@pytest.fixture
def app_config(clock) -> dict:
    """The counting reads conftest's `clock`."""
    return {"STATS_CLOCK": clock}


def png_bytes(size=(60, 20), color="red") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def form_data(**overrides) -> dict:
    data = {
        "title": "Cổng Dịch vụ công",
        "target_url": "https://dichvucong.example.gov.vn/",
        "block": "banners",
        "position": "1",
        "active_from": "",
        "active_until": "",
    }
    data.update(overrides)
    return data


def send(
    client,
    path: str,
    data: dict | None = None,
    image: tuple[bytes, str] | None = None,
    follow: bool = False,
):
    """POST like the page's form, with this client's CSRF token (and a file when given)."""
    payload = {"csrf_token": page_token(client, "/admin/"), **(data or {})}
    if image is not None:
        payload["image"] = (io.BytesIO(image[0]), image[1])
    return client.post(
        path, data=payload, content_type="multipart/form-data", follow_redirects=follow
    )


def banners() -> list[Banner]:
    db.session.expire_all()
    return list(db.session.scalars(select(Banner).order_by(Banner.id)))


def fresh(banner_id: int) -> Banner | None:
    db.session.expire_all()
    return db.session.get(Banner, banner_id)


def stored_images(app) -> list[str]:
    folder = Path(app.instance_path) / "uploads" / "images"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def input_value(page: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', page).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return html.unescape(match.group(1)) if match else ""


def fields_with_errors(page: str) -> dict[str, list[str]]:
    """{field name: its error messages} for each form field showing an error."""
    found = {}
    for chunk in page.split('<div class="form-field')[1:]:
        errors = field_errors(chunk.split("</div>", 1)[0])
        if errors:
            found[re.search(r'name="([^"]+)"', chunk).group(1)] = errors
    return found


def add_banner(title: str, url: str = "https://dichvucong.example.gov.vn/", **fields) -> Banner:
    banner = Banner(title=title, target_url=url, **fields)
    db.session.add(banner)
    db.session.commit()
    return banner


def sidebar(client) -> tuple[str, str]:
    """The banner block and the link block of the home page's sidebar ("" when absent)."""
    page = client.get("/").text
    aside = page.split('<aside class="sidebar"', 1)[1]

    def block(name: str) -> str:
        if f'class="block {name}"' not in aside:
            return ""
        return aside.split(f'class="block {name}"', 1)[1].split("</section>", 1)[0]

    return block("block-banners"), block("block-links")


def clicks(banner_id: int) -> int:
    return fresh(banner_id).clicks


def visitor(app, cookie: str | None = None, ip: str = "203.0.113.5", agent: str = BROWSER):
    """A reader's browser: its own client, address and (optionally) visitor cookie."""
    reader = app.test_client()
    reader.environ_base.update({"REMOTE_ADDR": ip, "HTTP_USER_AGENT": agent})
    if cookie:  # a cookie the server issued: signed with its key (made-up ones count as none)
        reader.set_cookie("vid", sign(cookie, app.secret_key))
    return reader


def local_to_epoch(value: str) -> float:
    """`2024-06-01 23:59` in the site's zone (UTC+7), as a Unix time."""
    local = datetime.strptime(value, "%Y-%m-%d %H:%M")
    return (local - ZONE_OFFSET).replace(tzinfo=UTC).timestamp()


# --- creating, editing, deleting -----------------------------------------------------------------


def test_admin_adds_a_banner_with_a_png_image_served_from_media(admin_client, app):
    response = send(admin_client, BASE + "new", form_data(), image=(png_bytes(), "banner.png"))
    assert response.status_code == 302
    (banner,) = banners()
    assert (banner.title, banner.target_url, banner.block, banner.position) == (
        "Cổng Dịch vụ công",
        "https://dichvucong.example.gov.vn/",
        BannerBlock.BANNERS,
        1,
    )
    assert re.fullmatch(r"[0-9a-f]{31}0\.png", banner.image)
    assert banner.image in stored_images(app)
    with admin_client.get(f"/media/{banner.image}") as image:
        assert image.status_code == 200
        assert image.mimetype == "image/png"
        assert image.headers["X-Content-Type-Options"] == "nosniff"
        served = Image.open(io.BytesIO(image.data))
    assert (served.format, served.size) == ("PNG", (60, 20))
    page = admin_client.get(response.headers["Location"]).text
    assert "Đã thêm “Cổng Dịch vụ công”." in flashes(page)
    assert f"/media/{banner.image[:-5]}t.png" in page  # the list shows the thumbnail
    (entry,) = audit_rows(app, "banner.create")
    assert (entry.username, entry.object_id) == ("quantri", str(banner.id))
    assert "https://dichvucong.example.gov.vn/" in entry.detail


def test_a_link_needs_no_image(admin_client):
    response = send(admin_client, BASE + "new", form_data(title="Báo điện tử", block="links"))
    assert response.status_code == 302
    (link,) = banners()
    assert (link.block, link.image) == (BannerBlock.LINKS, None)


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"Day khong phai la anh, chi la van ban.\n" * 20, "anh.png"),
        (b"<?php system($_GET['c']); ?>", "banner.png.php"),
        (b"GIF89a<script>alert(1)</script>", "banner.gif"),
        (SVG_WITH_SCRIPT, "banner.svg"),
        (SVG_WITH_SCRIPT, "banner.png"),
    ],
    ids=["text-renamed-png", "php-double-extension", "gif-header-only", "svg", "svg-renamed"],
)
def test_files_that_are_not_images_are_refused_next_to_the_field(
    admin_client, app, content, filename
):
    response = send(
        admin_client,
        BASE + "new",
        form_data(title="Banner thử", position="7"),
        image=(content, filename),
    )
    assert response.status_code == 200
    assert field_errors(response.text) == ["Tệp không phải là ảnh hợp lệ (JPEG, PNG, WebP, GIF)."]
    assert fields_with_errors(response.text) == {
        "image": ["Tệp không phải là ảnh hợp lệ (JPEG, PNG, WebP, GIF)."]
    }
    # Nothing typed is lost; the file alone must be chosen again.
    assert input_value(response.text, "title") == "Banner thử"
    assert input_value(response.text, "target_url") == "https://dichvucong.example.gov.vn/"
    assert input_value(response.text, "position") == "7"
    assert "Ảnh cần được chọn lại." in response.text
    assert banners() == []
    assert stored_images(app) == []
    assert audit_rows(app, "banner.create") == []


@pytest.mark.parametrize("app", [{"IMAGE_MAX_BYTES": 20_000}], indirect=True)
def test_an_oversize_image_is_refused(admin_client, app):
    big = noise_png((200, 200))
    assert len(big) > 20_000
    response = send(admin_client, BASE + "new", form_data(), image=(big, "to.png"))
    assert response.status_code == 200
    assert field_errors(response.text) == ["Ảnh vượt quá dung lượng cho phép (0 MB)."]
    assert banners() == [] and stored_images(app) == []
    # A small one passes under the same limit.
    assert (
        send(admin_client, BASE + "new", form_data(), image=(png_bytes(), "nho.png")).status_code
        == 302
    )


def test_an_image_is_stored_only_when_the_rest_of_the_form_is_valid(admin_client, app):
    response = send(
        admin_client,
        BASE + "new",
        form_data(target_url="javascript:alert(1)"),
        image=(png_bytes(), "banner.png"),
    )
    assert response.status_code == 200
    assert stored_images(app) == []


def test_edit_changes_fields_keeps_or_removes_the_image_and_is_audited(admin_client, app):
    send(admin_client, BASE + "new", form_data(), image=(png_bytes(), "banner.png"))
    (banner,) = banners()
    image = banner.image
    page = admin_client.get(BASE + str(banner.id)).text
    assert input_value(page, "title") == "Cổng Dịch vụ công"
    assert input_value(page, "position") == "1"
    assert '<option selected value="banners">' in page
    # Without a new file the image stays.
    response = send(
        admin_client,
        BASE + str(banner.id),
        form_data(title="Dịch vụ công trực tuyến", block="links", position="3"),
    )
    assert response.status_code == 302
    saved = fresh(banner.id)
    assert (saved.title, saved.block, saved.position, saved.image) == (
        "Dịch vụ công trực tuyến",
        BannerBlock.LINKS,
        3,
        image,
    )
    # A new file replaces it.
    send(
        admin_client, BASE + str(banner.id), form_data(), image=(png_bytes(color="blue"), "moi.png")
    )
    replaced = fresh(banner.id).image
    assert replaced not in (None, image)
    # "Bỏ ảnh hiện tại" removes it.
    send(admin_client, BASE + str(banner.id), form_data(remove_image="y"))
    assert fresh(banner.id).image is None
    updates = audit_rows(app, "banner.update")
    assert len(updates) == 3
    assert "title=Dịch vụ công trực tuyến" in updates[0].detail
    assert "block=links" in updates[0].detail


def test_a_refused_edit_changes_nothing_and_keeps_what_was_typed(admin_client):
    banner = add_banner("Cổng tỉnh", "https://anhoa.example.gov.vn/")
    response = send(
        admin_client,
        BASE + str(banner.id),
        form_data(title="Tên mới", target_url="ftp://anhoa.example.gov.vn/"),
    )
    assert response.status_code == 200
    assert field_errors(response.text) == [
        "Chỉ chấp nhận địa chỉ bắt đầu bằng http:// hoặc https://."
    ]
    assert input_value(response.text, "title") == "Tên mới"
    assert input_value(response.text, "target_url") == "ftp://anhoa.example.gov.vn/"
    assert (fresh(banner.id).title, fresh(banner.id).target_url) == (
        "Cổng tỉnh",
        "https://anhoa.example.gov.vn/",
    )


def test_delete_removes_the_banner_and_is_audited(admin_client, app):
    banner = add_banner("Cổng tỉnh", block=BannerBlock.LINKS)
    banner_id = banner.id
    response = send(admin_client, BASE + f"{banner_id}/delete", follow=True)
    assert "Đã xóa “Cổng tỉnh”." in flashes(response.text)
    assert fresh(banner_id) is None
    (entry,) = audit_rows(app, "banner.delete")
    assert entry.object_id == str(banner_id)
    assert admin_client.get(f"/lien-ket/{banner_id}").status_code == 404


def test_the_list_filters_by_block_and_shows_state_and_clicks(admin_client):
    now = utcnow()
    add_banner("Banner chạy", position=2, clicks=1234)
    add_banner("Banner hết hạn", active_until=now - timedelta(hours=1))
    add_banner("Banner sắp chạy", active_from=now + timedelta(days=1))
    add_banner("Liên kết báo", block=BannerBlock.LINKS)
    page = admin_client.get(BASE).text
    titles = re.findall(r'<a href="/admin/blocks/\d+">([^<]+)</a><br>', page)
    assert titles == ["Banner hết hạn", "Banner sắp chạy", "Banner chạy", "Liên kết báo"]
    assert "<td>1,234</td>" in page
    states = re.findall(r'<span class="banner-state[^"]*">([^<]+)</span>', page)
    assert states == ["Hết hạn", "Chưa đến lịch", "Đang hiện", "Đang hiện"]
    links = admin_client.get(BASE + "?khoi=links").text
    assert re.findall(r'<a href="/admin/blocks/\d+">([^<]+)</a><br>', links) == ["Liên kết báo"]
    assert (
        len(
            re.findall(
                r'<a href="/admin/blocks/\d+">[^<]+</a><br>',
                admin_client.get(BASE + "?khoi=x").text,
            )
        )
        == 4
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Nhập tiêu đề."),
        ("target_url", "", "Nhập địa chỉ liên kết."),
        ("position", "abc", "Thứ tự phải là một số nguyên."),
        ("position", "-1", "Thứ tự từ 0 đến 100000."),
        ("block", "header", "Chọn vị trí hiển thị trong danh sách."),
        (
            "active_from",
            "ngày mai",
            "Thời điểm không hợp lệ: hãy nhập theo dạng ngày/tháng/năm giờ:phút, "
            "ví dụ 05/09/2024 14:30.",
        ),
    ],
)
def test_form_errors_are_vietnamese_and_next_to_their_field(admin_client, field, value, message):
    response = send(admin_client, BASE + "new", form_data(**{field: value}))
    assert response.status_code == 200
    assert field_errors(response.text) == [message]
    assert fields_with_errors(response.text) == {field: [message]}
    assert banners() == []


def test_the_end_of_the_period_must_follow_its_start(admin_client):
    response = send(
        admin_client,
        BASE + "new",
        form_data(active_from="02/01/2030 08:00", active_until="01/01/2030 08:00"),
    )
    assert field_errors(response.text) == ["Thời điểm kết thúc phải sau thời điểm bắt đầu."]
    assert input_value(response.text, "active_from") == "02/01/2030 08:00"
    assert input_value(response.text, "active_until") == "01/01/2030 08:00"
    assert banners() == []


# --- target addresses ----------------------------------------------------------------------------

REFUSED_URLS = [
    "javascript:alert(1)",
    "JaVaScRiPt:alert(document.cookie)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "vbscript:msgbox(1)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    "ftp://files.example.gov.vn/",
    "file:///etc/passwd",
    "mailto:vanthu@example.gov.vn",
    "//evil.example/",
    "/tin-tuc/bai-viet",
    "tin-tuc/bai-viet",
    "evil.example",
    "https:evil.example",
    "https:/evil.example",
    "https:\\\\evil.example",
    "http://",
    "https://user:matkhau@evil.example/",
    "https://dichvucong.example.gov.vn@evil.example/",
    "https://exa mple.vn/",
    "https://example.vn:99999/",
]


def test_an_address_with_a_nul_byte_is_refused_before_the_form(admin_client):
    response = send(admin_client, BASE + "new", form_data(target_url="https://example.vn/\x00"))
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text
    assert banners() == []
    with pytest.raises(BannerError):  # the service refuses it too, whoever calls it
        create_banner(title="x", target_url="https://example.vn/\x00", block="links", by=None)


@pytest.mark.parametrize("url", REFUSED_URLS)
def test_only_absolute_http_addresses_are_accepted(admin_client, url):
    response = send(admin_client, BASE + "new", form_data(target_url=url))
    assert response.status_code == 200
    (error,) = field_errors(response.text)
    assert "Địa chỉ liên kết" in error or "http://" in error
    assert banners() == []
    with pytest.raises(BannerError):  # the service refuses it too, whoever calls it
        create_banner(title="x", target_url=url, block="links", by=None)


@pytest.mark.parametrize(
    "url",
    [
        "https://dichvucong.example.gov.vn/",
        "http://example.vn",
        "HTTPS://EXAMPLE.VN/Trang?a=1&b=2#x",
        "https://cổngthôngtin.vn/đường-dẫn",
        "https://example.vn:8443/portal",
    ],
)
def test_http_and_https_addresses_are_accepted(url):
    assert target_url_error(url) is None


def test_surrounding_spaces_are_trimmed(admin_client):
    send(admin_client, BASE + "new", form_data(target_url="  https://example.vn/  "))
    assert banners()[0].target_url == "https://example.vn/"


# --- the active period in the sidebar ------------------------------------------------------------


def test_the_active_period_is_typed_in_site_time_and_stored_in_utc(admin_client):
    send(
        admin_client,
        BASE + "new",
        form_data(active_from="01/05/2031 07:30", active_until="2/5/2031 0:15"),
    )
    (banner,) = banners()
    assert banner.active_from == datetime(2031, 5, 1, 0, 30)
    assert banner.active_until == datetime(2031, 5, 1, 17, 15)
    page = admin_client.get(BASE + str(banner.id)).text
    assert input_value(page, "active_from") == "01/05/2031 07:30"
    assert input_value(page, "active_until") == "02/05/2031 00:15"


def test_the_sidebar_shows_banners_only_within_their_period(admin_client, client):
    local_now = utcnow() + ZONE_OFFSET

    def at(delta: timedelta) -> str:
        return (local_now + delta).strftime("%d/%m/%Y %H:%M")

    send(
        admin_client,
        BASE + "new",
        form_data(
            title="Đang chạy",
            active_from=at(-timedelta(hours=1)),
            active_until=at(timedelta(hours=1)),
        ),
    )
    send(
        admin_client,
        BASE + "new",
        form_data(title="Sắp chạy", active_from=at(timedelta(minutes=30))),
    )
    send(
        admin_client,
        BASE + "new",
        form_data(title="Vừa hết hạn", active_until=at(-timedelta(minutes=2))),
    )
    send(admin_client, BASE + "new", form_data(title="Liên kết chạy", block="links"))
    send(
        admin_client,
        BASE + "new",
        form_data(title="Liên kết hết hạn", block="links", active_until=at(-timedelta(days=1))),
    )
    banner_block, link_block = sidebar(client)
    assert re.findall(r'<span class="banner-title">([^<]+)</span>', banner_block) == ["Đang chạy"]
    assert re.findall(r'target="_blank">([^<]+)</a>', link_block) == ["Liên kết chạy"]


def test_sidebar_links_go_through_the_counting_redirect(admin_client, client):
    send(admin_client, BASE + "new", form_data(title="Cổng tỉnh"), image=(png_bytes(), "b.png"))
    send(
        admin_client,
        BASE + "new",
        form_data(title="Báo tỉnh", block="links", target_url="https://bao.example.vn/"),
    )
    banner, link = banners()
    banner_block, link_block = sidebar(client)
    assert f'href="/lien-ket/{banner.id}" rel="noopener" target="_blank"' in banner_block
    assert f'href="/lien-ket/{link.id}" rel="noopener" target="_blank"' in link_block
    assert "dichvucong.example.gov.vn" not in banner_block
    assert "bao.example.vn" not in link_block
    assert f'<img src="/media/{banner.image}"' in banner_block


# --- the click redirect --------------------------------------------------------------------------


def test_a_click_redirects_only_to_the_stored_address(app):
    banner = add_banner("Cổng tỉnh", "https://anhoa.example.gov.vn/trang?a=1")
    reader = visitor(app)
    for query in (
        "",
        "?next=https://evil.example/",
        "?url=//evil.example",
        "?next=/admin/&url=javascript:alert(1)&target_url=https://evil.example",
    ):
        response = reader.get(f"/lien-ket/{banner.id}{query}")
        assert response.status_code == 302
        assert response.headers["Location"] == "https://anhoa.example.gov.vn/trang?a=1"
        assert response.headers["Cache-Control"] == "no-store"
    assert "evil" not in response.text


def test_unknown_or_inactive_banners_are_404(app):
    now = utcnow()
    expired = add_banner("Hết hạn", active_until=now - timedelta(minutes=1))
    future = add_banner("Sắp chạy", active_from=now + timedelta(hours=1))
    reader = visitor(app)
    assert reader.get("/lien-ket/999").status_code == 404
    assert reader.get(f"/lien-ket/{expired.id}").status_code == 404
    assert reader.get(f"/lien-ket/{future.id}").status_code == 404
    assert reader.get("/lien-ket/abc").status_code == 404
    assert reader.get("/lien-ket/-1").status_code == 404
    assert clicks(expired.id) == 0 and clicks(future.id) == 0


def test_a_stored_address_that_is_not_http_never_redirects(app):
    """A row written around the admin forms (an import, a database edit) is not followed."""
    bad = add_banner("Cũ", "javascript:alert(1)")
    relative = add_banner("Tương đối", "//evil.example/")
    reader = visitor(app)
    assert reader.get(f"/lien-ket/{bad.id}").status_code == 404
    assert reader.get(f"/lien-ket/{relative.id}").status_code == 404


def test_a_click_is_counted_once_per_visitor_per_day(app):
    banner = add_banner("Cổng tỉnh")
    first = visitor(app, cookie="a" * 24)
    for _ in range(3):
        assert first.get(f"/lien-ket/{banner.id}").status_code == 302
    assert clicks(banner.id) == 1
    # Another browser (another visitor cookie) counts, from the same address too.
    visitor(app, cookie="b" * 24).get(f"/lien-ket/{banner.id}")
    assert clicks(banner.id) == 2
    # Without a cookie the daily hash of address and browser tells visitors apart.
    no_cookie = visitor(app, ip="198.51.100.7")
    no_cookie.get(f"/lien-ket/{banner.id}")
    no_cookie.get(f"/lien-ket/{banner.id}")
    assert clicks(banner.id) == 3
    visitor(app, ip="198.51.100.8").get(f"/lien-ket/{banner.id}")
    assert clicks(banner.id) == 4


def test_each_banner_counts_on_its_own(app):
    one, two = add_banner("Một"), add_banner("Hai", block=BannerBlock.LINKS)
    reader = visitor(app, cookie="c" * 24)
    reader.get(f"/lien-ket/{one.id}")
    reader.get(f"/lien-ket/{two.id}")
    reader.get(f"/lien-ket/{two.id}")
    assert (clicks(one.id), clicks(two.id)) == (1, 1)


def test_crawlers_are_redirected_but_not_counted(app):
    banner = add_banner("Cổng tỉnh")
    bot = visitor(app, agent=GOOGLEBOT)
    response = bot.get(f"/lien-ket/{banner.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://dichvucong.example.gov.vn/"
    visitor(app, agent="").get(f"/lien-ket/{banner.id}")  # no user agent: a script
    assert clicks(banner.id) == 0


def test_head_requests_and_prefetches_are_not_counted(app):
    banner = add_banner("Cổng tỉnh")
    reader = visitor(app, cookie="d" * 24)
    assert reader.head(f"/lien-ket/{banner.id}").status_code == 302
    reader.get(f"/lien-ket/{banner.id}", headers={"Sec-Purpose": "prefetch"})
    assert clicks(banner.id) == 0
    reader.get(f"/lien-ket/{banner.id}")
    assert clicks(banner.id) == 1


def test_the_next_local_day_counts_again(app, clock):
    banner = add_banner("Cổng tỉnh")
    reader = visitor(app, cookie="e" * 24)
    clock.now = local_to_epoch("2031-03-10 23:58")  # 16:58 UTC
    reader.get(f"/lien-ket/{banner.id}")
    clock.now = local_to_epoch("2031-03-10 23:59")
    reader.get(f"/lien-ket/{banner.id}")
    assert clicks(banner.id) == 1
    # 00:01 in the site's zone is still 10 March in UTC: the local day decides.
    clock.now = local_to_epoch("2031-03-11 00:01")
    reader.get(f"/lien-ket/{banner.id}")
    assert clicks(banner.id) == 2
    clock.now = local_to_epoch("2031-03-11 23:00")
    reader.get(f"/lien-ket/{banner.id}")
    assert clicks(banner.id) == 2


def test_simultaneous_clicks_of_one_visitor_count_once(app):
    banner_id = add_banner("Cổng tỉnh").id
    readers = [visitor(app, cookie="f" * 24) for _ in range(8)]
    barrier = threading.Barrier(len(readers))

    def click(reader):
        barrier.wait()
        return reader.get(f"/lien-ket/{banner_id}").status_code

    with ThreadPoolExecutor(len(readers)) as pool:
        assert list(pool.map(click, readers)) == [302] * len(readers)
    assert clicks(banner_id) == 1


def test_the_click_is_still_redirected_when_redis_is_down(make_app):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", REDIS_SOCKET_TIMEOUT=0.2)
    with app.app_context():
        banner = add_banner("Cổng tỉnh")
        response = visitor(app, cookie="g" * 24).get(f"/lien-ket/{banner.id}")
        assert response.status_code == 302
        assert response.headers["Location"] == "https://dichvucong.example.gov.vn/"
        assert clicks(banner.id) == 0
        db.session.remove()
        db.engine.dispose()


# --- who may do it -------------------------------------------------------------------------------


def test_posts_without_a_csrf_token_are_refused(admin_client, app):
    banner = add_banner("Cổng tỉnh")
    assert admin_client.post(BASE + "new", data=form_data()).status_code == 400
    assert admin_client.post(BASE + str(banner.id), data=form_data(title="Đổi")).status_code == 400
    assert admin_client.post(BASE + f"{banner.id}/delete").status_code == 400
    assert [b.title for b in banners()] == ["Cổng tỉnh"]
    assert audit_rows(app, "banner.create") == audit_rows(app, "banner.delete") == []


def test_an_editor_gets_403_even_with_a_valid_token(editor_client):
    banner = add_banner("Cổng tỉnh")
    assert editor_client.get(BASE).status_code == 403
    assert editor_client.get(BASE + "new").status_code == 403
    assert editor_client.get(BASE + str(banner.id)).status_code == 403
    assert send(editor_client, BASE + "new", form_data(title="Lén")).status_code == 403
    assert send(editor_client, BASE + str(banner.id), form_data(title="Đổi")).status_code == 403
    assert send(editor_client, BASE + f"{banner.id}/delete").status_code == 403
    assert [b.title for b in banners()] == ["Cổng tỉnh"]


def test_the_admin_menu_shows_banners_to_administrators_only(admin_client, editor_client):
    assert f'href="{BASE}">Banner &amp; liên kết</a>' in admin_client.get("/admin/").text
    assert f'href="{BASE}"' not in editor_client.get("/admin/").text


@pytest.mark.parametrize("path", [BASE, BASE + "new", BASE + "1"])
def test_anonymous_visitors_are_sent_to_the_login_page(client, path):
    add_banner("Cổng tỉnh")
    assert is_login_redirect(client.get(path))


def test_anonymous_posts_change_nothing(client):
    banner = add_banner("Cổng tỉnh")
    token = page_token(client, "/auth/login")
    assert is_login_redirect(client.post(BASE + f"{banner.id}/delete", data={"csrf_token": token}))
    assert fresh(banner.id) is not None


# --- positions, order within a position, overlay, schedule state (issue 12) ---------------------


def row_titles(page: str) -> list[str]:
    return re.findall(r'<a href="/admin/blocks/\d+">([^<]+)</a><br>', page)


def move(client, banner: Banner, direction: str, **extra):
    return send(client, BASE + f"{banner.id}/move", {"huong": direction, **extra})


def test_the_form_offers_the_three_positions_and_saves_each(admin_client):
    page = admin_client.get(BASE + "new").text
    assert re.findall(r'<option[^>]*value="(\w+)"', page) == ["banners", "middle", "links"]
    assert "Trên Văn bản mới" in page and "Giữa Văn bản mới và Thống kê" in page
    for block in ("banners", "middle", "links"):
        assert (
            send(admin_client, BASE + "new", form_data(title=block, block=block)).status_code == 302
        )
    assert [(b.title, b.block) for b in banners()] == [
        ("banners", BannerBlock.BANNERS),
        ("middle", BannerBlock.MIDDLE),
        ("links", BannerBlock.LINKS),
    ]


def test_the_overlay_is_off_unless_ticked_and_kept_on_edit(admin_client):
    send(admin_client, BASE + "new", form_data(title="Ảnh có chữ"), image=(png_bytes(), "a.png"))
    send(admin_client, BASE + "new", form_data(title="Ảnh trơn", show_title="y"),
         image=(png_bytes(), "b.png"))  # fmt: skip
    with_words, plain = banners()
    assert (with_words.show_title, plain.show_title) == (False, True)
    page = admin_client.get(BASE + str(plain.id)).text
    assert re.search(r'<input[^>]*checked[^>]*name="show_title"|<input[^>]*name="show_title"'
                     r'[^>]*checked', page)  # fmt: skip
    assert "Tiêu đề hiện trên ảnh" in admin_client.get(BASE).text
    send(admin_client, BASE + str(plain.id), form_data(title="Ảnh trơn"))  # unticked
    assert fresh(plain.id).show_title is False


def test_the_list_goes_through_the_positions_in_sidebar_order_and_filters_by_one(admin_client):
    add_banner("Liên kết", block=BannerBlock.LINKS)
    add_banner("Giữa", block=BannerBlock.MIDDLE)
    add_banner("Trên 2", position=2)
    add_banner("Trên 1", position=1)
    assert row_titles(admin_client.get(BASE).text) == ["Trên 1", "Trên 2", "Giữa", "Liên kết"]
    middle = admin_client.get(BASE + "?khoi=middle").text
    assert row_titles(middle) == ["Giữa"]
    assert '<option value="middle" selected>' in middle
    assert "<td>Giữa Văn bản mới và Thống kê</td>" in middle
    # The add button of a filtered list starts in that position.
    new = admin_client.get(BASE + "new?khoi=middle").text
    assert '<option selected value="middle">' in new


def test_the_schedule_state_follows_the_clock(admin_client, app, clock):
    now = utcnow()
    add_banner("Chạy", active_from=now - timedelta(hours=1), active_until=now + timedelta(hours=1))
    add_banner("Sắp", active_from=now + timedelta(minutes=5))
    add_banner("Hết", active_until=now - timedelta(seconds=1))
    states = re.findall(r'<span class="banner-state banner-state-\w+">([^<]+)</span>',
                        admin_client.get(BASE).text)  # fmt: skip
    assert states == ["Đang hiện", "Chưa đến lịch", "Hết hạn"]


def test_up_and_down_move_a_banner_within_its_position_only(admin_client, app):
    one = add_banner("Một", position=5)
    two = add_banner("Hai", position=5)  # equal numbers: the older first
    three = add_banner("Ba", position=9)
    other = add_banner("Giữa", block=BannerBlock.MIDDLE, position=1)
    response = move(admin_client, three, "len", khoi="banners")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/blocks/?khoi=banners#banner-{three.id}")
    assert [(b.title, b.position) for b in banners()] == [
        ("Một", 1), ("Hai", 3), ("Ba", 2), ("Giữa", 1)
    ]  # fmt: skip
    move(admin_client, one, "xuong")
    page = admin_client.get(BASE + "?khoi=banners").text
    assert row_titles(page) == ["Ba", "Một", "Hai"]
    # At the top already: nothing moves, the editor is told.
    follow = send(admin_client, BASE + f"{three.id}/move", {"huong": "len"}, follow=True)
    assert "“Ba” đã ở đầu vị trí." in flashes(follow.text)
    assert row_titles(admin_client.get(BASE + "?khoi=banners").text) == ["Ba", "Một", "Hai"]
    assert fresh(other.id).position == 1
    assert [e.object_id for e in audit_rows(app, "banner.move")] == [str(three.id), str(one.id)]
    assert fresh(two.id).position == 3


def test_the_sidebar_follows_the_order_set_with_the_buttons(admin_client, client):
    first = add_banner("Trước", position=1)
    second = add_banner("Sau", position=2)
    move(admin_client, second, "len")
    banner_block, _ = sidebar(client)
    assert re.findall(r'<span class="banner-title">([^<]+)</span>', banner_block) == [
        "Sau", "Trước"
    ]  # fmt: skip
    assert first.id != second.id


@pytest.mark.parametrize("direction", ["", "up", "len; DROP TABLE banners", "xuong\x00"])
def test_a_move_with_a_bad_direction_is_400_and_changes_nothing(admin_client, app, direction):
    banner = add_banner("Một", position=4)
    response = move(admin_client, banner, direction)
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ" in response.text
    assert fresh(banner.id).position == 4
    assert audit_rows(app, "banner.move") == []


def test_a_move_needs_a_token_an_administrator_and_a_banner(admin_client, editor_client):
    banner = add_banner("Một", position=4)
    add_banner("Hai", position=5)
    refused = admin_client.post(BASE + f"{banner.id}/move", data={"huong": "xuong"})
    assert refused.status_code == 400
    assert move(editor_client, banner, "xuong").status_code == 403
    assert move(admin_client, fresh(banner.id), "xuong").status_code == 302
    assert admin_client.get(BASE + "999/move").status_code == 405
    assert send(admin_client, BASE + "999/move", {"huong": "len"}).status_code == 404
    assert [b.title for b in sorted(banners(), key=lambda b: b.position)] == ["Hai", "Một"]


def test_a_bad_date_typed_the_american_way_is_refused_next_to_its_field(admin_client):
    response = send(admin_client, BASE + "new", form_data(active_from="11/28/2026 09:15"))
    assert response.status_code == 200
    (error,) = fields_with_errors(response.text)["active_from"]
    assert "Tháng 28 không có" in error
    assert input_value(response.text, "active_from") == "11/28/2026 09:15"
    assert banners() == []


def test_a_picture_chosen_in_the_media_library_is_used_as_it_is(admin_client, app):
    send(admin_client, BASE + "new", form_data(title="Đã có ảnh"), image=(png_bytes(), "a.png"))
    (first,) = banners()
    files = stored_images(app)
    page = admin_client.get(BASE + "new").text
    assert "Hoặc chọn từ thư viện ảnh" in page and 'name="library_image"' in page
    assert "js/media-picker.js" in page  # the library's picker is offered
    response = send(
        admin_client,
        BASE + "new",
        form_data(title="Logo dùng lại", block="links", library_image=f"/media/{first.image}"),
    )
    assert response.status_code == 302
    assert banners()[1].image == first.image
    assert stored_images(app) == files  # nothing copied


@pytest.mark.parametrize(
    "url",
    [
        "/media/0123456789abcdef0123456789abcde0.png",  # a name nothing was stored under
        "https://evil.example/media/{name}",
        "/media/../media/{name}",
        "/media/{thumb}",
        "/static/css/site.css",
        "javascript:alert(1)",
    ],
)
def test_a_library_choice_that_names_no_stored_picture_is_refused(admin_client, app, url):
    send(admin_client, BASE + "new", form_data(title="Đã có ảnh"), image=(png_bytes(), "a.png"))
    (first,) = banners()
    stem, ext = first.image.split(".")
    url = url.format(name=first.image, thumb=f"{stem[:-1]}t.{ext}")
    response = send(admin_client, BASE + "new", form_data(title="Lạ", library_image=url))
    assert response.status_code == 200
    assert field_errors(response.text) == ["Ảnh chọn từ thư viện không còn; hãy chọn lại."]
    assert [b.title for b in banners()] == ["Đã có ảnh"]
