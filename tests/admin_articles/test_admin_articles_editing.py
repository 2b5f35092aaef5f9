"""Article administration, writing articles: create, edit, delete and the list; slugs;
Vietnamese validation messages that keep what was typed.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from article_admin import (
    ARTICLES,
    NEW,
    SAVED,
    article_body,
    article_count,
    assert_vietnamese,
    bulk,
    edit_page,
    form_data,
    list_rows,
    local_form_time,
    public_status,
    save,
    shown_slug,
    submit,
)
from pages import all_field_errors, errors_next_to, flashes, parse, squash, value_of

from app.dates import utcnow
from app.extensions import db
from app.news.models import ArticleStatus, Category

# --- CRUD and the list ---------------------------------------------------------------------------


def test_an_administrator_creates_edits_lists_and_deletes_an_article(admin_client, cats, visitor):
    form = admin_client.get(NEW)
    assert form.status_code == 200 and "Viết bài mới" in form.text

    article_id = save(
        admin_client,
        form_data(
            cats.a,
            title="Hội nghị tổng kết năm",
            lead="Tổng kết công tác năm 2024.",
            body="<p>Hội nghị diễn ra tại hội trường lớn.</p>",
            author="Thu Trang",
            source="Văn phòng",
            tags="hội nghị, tổng kết",
            status="published",
        ),
    )

    after_save = admin_client.get(f"{ARTICLES}/{article_id}")
    assert SAVED in flashes(after_save.text)
    assert value_of(after_save.text, "title") == "Hội nghị tổng kết năm"
    assert value_of(after_save.text, "lead") == "Tổng kết công tác năm 2024."
    assert value_of(after_save.text, "author") == "Thu Trang"
    assert value_of(after_save.text, "tags") == "hội nghị, tổng kết"
    assert value_of(after_save.text, "status") == "published"
    public = visitor.get("/tin-tuc/hoi-nghi-tong-ket-nam")
    assert public.status_code == 200
    assert "Hội nghị diễn ra tại hội trường lớn." in article_body(public.text).text()

    listed = list_rows(admin_client.get(ARTICLES).text)
    assert [(r["id"], r["title"], r["category"], r["status"]) for r in listed] == [
        (article_id, "Hội nghị tổng kết năm", "Giáo dục", "Xuất bản")
    ]

    save(
        admin_client,
        form_data(
            cats.b,
            title="Hội nghị tổng kết năm",
            slug="hoi-nghi-tong-ket-nam",
            lead="Tổng kết công tác năm 2024 và kế hoạch 2025.",
            body="<p>Hội nghị đã bàn kế hoạch năm mới.</p>",
            status="published",
        ),
        path=f"{ARTICLES}/{article_id}",
    )
    public = visitor.get("/tin-tuc/hoi-nghi-tong-ket-nam")
    assert "Hội nghị đã bàn kế hoạch năm mới." in article_body(public.text).text()
    assert "Tổng kết công tác năm 2024 và kế hoạch 2025." in public.text
    assert list_rows(admin_client.get(ARTICLES).text)[0]["category"] == "Y tế"

    deleted = bulk(admin_client, "delete", [article_id])
    assert deleted.status_code == 302
    listing = admin_client.get(ARTICLES).text
    assert "Đã xóa 1 bài." in flashes(listing)
    assert list_rows(listing) == []
    assert "Không có bài viết nào." in listing
    assert public_status(visitor, "hoi-nghi-tong-ket-nam") == 404
    assert admin_client.get(f"{ARTICLES}/{article_id}").status_code == 404


def test_the_list_searches_filters_sorts_and_paginates(admin_client, cats, make_article):
    a, b = db.session.get(Category, cats.a), db.session.get(Category, cats.b)
    make_article(title="Tuyển sinh lớp 10", category=a, author="Ngọc Lan")
    make_article(
        title="Bản tin nháp y tế",
        category=b,
        status=ArticleStatus.DRAFT,
        published_at=None,
        author="Quốc Huy",
    )
    make_article(title="An toàn thực phẩm", category=b, author="Ngọc Lan")

    def titles(query: str) -> list[str]:
        response = admin_client.get(f"{ARTICLES}?{query}")
        assert response.status_code == 200
        return [r["title"] for r in list_rows(response.text)]

    assert titles("q=tuyển sinh") == ["Tuyển sinh lớp 10"]
    assert sorted(titles(f"chuyen-muc={cats.b}")) == ["An toàn thực phẩm", "Bản tin nháp y tế"]
    assert titles("trang-thai=draft") == ["Bản tin nháp y tế"]
    assert sorted(titles("tac-gia=ngọc lan")) == ["An toàn thực phẩm", "Tuyển sinh lớp 10"]
    assert titles("sap-xep=tieu-de") == [
        "An toàn thực phẩm",
        "Bản tin nháp y tế",
        "Tuyển sinh lớp 10",
    ]
    assert titles(f"chuyen-muc={cats.b}&trang-thai=published") == ["An toàn thực phẩm"]

    for n in range(27):
        make_article(title=f"Bản tin số {n:02d}", category=a)
    first, second = titles("sap-xep=tieu-de"), titles("sap-xep=tieu-de&page=2")
    assert len(first) == 25 and len(second) == 5
    assert set(first).isdisjoint(second)
    assert first[0] == "An toàn thực phẩm" and second[-1] == "Tuyển sinh lớp 10"


def test_the_status_filter_finds_what_the_list_labels_scheduled_and_expired(
    admin_client, cats, make_article
):
    """The list labels articles by what readers experience; filtering by a label it offers
    must find the articles it shows with that label."""
    a = db.session.get(Category, cats.a)
    make_article(title="Bài đang đăng", category=a)
    save(
        admin_client,
        form_data(
            cats.a,
            title="Bài hẹn giờ",
            status="scheduled",
            published_at=local_form_time(timedelta(days=2)),
        ),
    )
    make_article(
        title="Bài hết hạn",
        category=a,
        published_at=utcnow() - timedelta(days=3),
        expires_at=utcnow() - timedelta(days=1),
    )
    rows = {r["title"]: r["status"] for r in list_rows(admin_client.get(ARTICLES).text)}
    assert rows == {
        "Bài đang đăng": "Xuất bản",
        "Bài hẹn giờ": "Hẹn giờ xuất bản",
        "Bài hết hạn": "Ngừng đăng",
    }

    scheduled = list_rows(admin_client.get(f"{ARTICLES}?trang-thai=scheduled").text)
    expired = list_rows(admin_client.get(f"{ARTICLES}?trang-thai=expired").text)
    published = list_rows(admin_client.get(f"{ARTICLES}?trang-thai=published").text)

    assert [r["title"] for r in scheduled] == ["Bài hẹn giờ"]
    assert [r["title"] for r in expired] == ["Bài hết hạn"]
    assert [r["title"] for r in published] == ["Bài đang đăng"]


# --- Slugs ---------------------------------------------------------------------------------------


def test_the_slug_is_made_from_the_title_when_left_empty(admin_client, cats, visitor):
    article_id = save(
        admin_client, form_data(cats.a, title="Đổi mới giáo dục: bước tiến mới", status="published")
    )

    assert shown_slug(admin_client, article_id) == "doi-moi-giao-duc-buoc-tien-moi"
    assert public_status(visitor, "doi-moi-giao-duc-buoc-tien-moi") == 200


def test_the_slug_can_be_typed(admin_client, cats, visitor):
    article_id = save(
        admin_client,
        form_data(
            cats.a, title="Lịch công tác tuần", slug="Lịch Công Tác Tuần 32", status="published"
        ),
    )

    assert shown_slug(admin_client, article_id) == "lich-cong-tac-tuan-32"
    assert public_status(visitor, "lich-cong-tac-tuan-32") == 200


def test_two_articles_with_the_same_title_get_different_slugs(admin_client, cats, visitor):
    first = save(
        admin_client,
        form_data(cats.a, title="Thông báo", lead="Thông báo thứ nhất.", status="published"),
    )
    second = save(
        admin_client,
        form_data(cats.a, title="Thông báo", lead="Thông báo thứ hai.", status="published"),
    )

    slugs = shown_slug(admin_client, first), shown_slug(admin_client, second)
    assert slugs[0] == "thong-bao" and slugs[1] != slugs[0] and slugs[1].startswith("thong-bao")
    assert "Thông báo thứ nhất." in visitor.get(f"/tin-tuc/{slugs[0]}").text
    assert "Thông báo thứ hai." in visitor.get(f"/tin-tuc/{slugs[1]}").text


def test_a_typed_slug_already_in_use_gets_a_suffix(admin_client, cats, visitor):
    first = save(
        admin_client, form_data(cats.a, title="Bài một", slug="ban-tin", status="published")
    )
    second = save(
        admin_client, form_data(cats.a, title="Bài hai", slug="ban-tin", status="published")
    )
    edited = save(
        admin_client,
        form_data(cats.a, title="Bài một", slug="ban-tin", status="published"),
        path=f"{ARTICLES}/{first}",
    )

    assert edited == first and shown_slug(admin_client, first) == "ban-tin"
    assert shown_slug(admin_client, second) == "ban-tin-2"
    assert squash(parse(visitor.get("/tin-tuc/ban-tin-2").text).find("h1").text()) == "Bài hai"


def test_an_old_slug_redirects_permanently_after_a_change(admin_client, cats, visitor):
    article_id = save(admin_client, form_data(cats.a, title="Kết quả thi", status="published"))

    save(
        admin_client,
        form_data(cats.a, title="Kết quả thi", slug="ket-qua-thi-tot-nghiep", status="published"),
        path=f"{ARTICLES}/{article_id}",
    )
    old = visitor.get("/tin-tuc/ket-qua-thi")
    taker = save(admin_client, form_data(cats.a, title="Kết quả thi", status="published"))

    assert old.status_code == 301
    assert old.headers["Location"].endswith("/tin-tuc/ket-qua-thi-tot-nghiep")
    assert public_status(visitor, "ket-qua-thi-tot-nghiep") == 200
    # A new article cannot take the old address: it keeps pointing at the moved article.
    assert shown_slug(admin_client, taker) != "ket-qua-thi"
    assert visitor.get("/tin-tuc/ket-qua-thi").status_code == 301


def test_changing_the_title_keeps_the_published_address(admin_client, cats, visitor):
    article_id = save(admin_client, form_data(cats.a, title="Tin sáng", status="published"))
    page = edit_page(admin_client, article_id)

    save(
        admin_client,
        form_data(
            cats.a, title="Tin sáng thứ hai", slug=value_of(page, "slug"), status="published"
        ),
        path=f"{ARTICLES}/{article_id}",
    )

    assert shown_slug(admin_client, article_id) == "tin-sang"
    assert "Tin sáng thứ hai" in visitor.get("/tin-tuc/tin-sang").text


# --- Validation ----------------------------------------------------------------------------------


TYPED = {
    "title": "Tiêu đề đã gõ",
    "lead": "Tóm tắt đã gõ.",
    "author": "Tác giả đã gõ",
    "source": "Nguồn đã gõ",
    "tags": "từ khóa một, từ khóa hai",
    "body": "<p>Nội dung dài đã gõ, <strong>không được mất</strong>.</p>",
}


@pytest.mark.parametrize(
    "name, changes, expected",
    [
        ("title", {"title": ""}, "Nhập tiêu đề."),
        ("lead", {"lead": ""}, "Nhập tóm tắt."),
        (
            "expires_at",
            {"published_at": "02/05/2030 08:00", "expires_at": "01/05/2030 08:00"},
            "Thời điểm ngừng đăng phải sau thời điểm đăng.",
        ),
        (
            "status",
            {"status": "scheduled", "published_at": ""},
            "Hẹn giờ xuất bản cần có thời điểm đăng.",
        ),
        ("title", {"title": "Rất dài " * 40}, None),
        ("slug", {"slug": "duong-dan-" * 13}, None),
        ("published_at", {"published_at": "2030-12-31T08:00"}, None),
        ("expires_at", {"expires_at": "ngày mai"}, None),
        ("image_position", {"image_position": "giữa"}, None),
    ],
    ids=[
        "no-title",
        "no-lead",
        "expiry-first",
        "schedule-no-time",
        "long-title",
        "long-slug",
        "bad-date",
        "bad-expiry",
        "bad-position",
    ],
)
def test_a_validation_error_is_shown_in_vietnamese_next_to_the_field_and_nothing_typed_is_lost(
    admin_client, cats, name, changes, expected
):
    data = form_data(cats.a, **{**TYPED, **changes})

    response = submit(admin_client, data)

    assert response.status_code == 400
    shown = errors_next_to(response.text, name)
    assert shown, f"no error next to {name}: {all_field_errors(response.text)}"
    if expected is not None:
        assert shown == [expected]
    assert_vietnamese(shown)
    assert "Bài viết chưa được lưu" in response.text
    for field_name, typed in {**TYPED, **changes}.items():
        if field_name in ("title", "lead", "body", "author", "source", "tags", "slug"):
            assert value_of(response.text, field_name) == typed.strip("\n"), field_name
    assert article_count() == 0
