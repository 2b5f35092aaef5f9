"""Article administration, an article's life: scheduled publishing and expiry; revisions, the
two-editors warning and preview; public pages following every change at once; the audit
log; changes to published articles by editors without the publish right, waiting for a
publisher.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from article_admin import (
    ARTICLES,
    EDITING_WARNING,
    FORM_TIME,
    NEW,
    SITE_ZONE,
    article_body,
    article_count,
    article_row,
    bulk,
    edit_page,
    form_data,
    list_rows,
    local_form_time,
    png_bytes,
    public_status,
    revisions_of,
    save,
    set_times,
    shown_image,
    submit,
    titles_on,
)
from auth_helpers import is_login_redirect, logged_in_client, page_token
from pages import CONTROLS, all_field_errors, flashes, parse, squash, value_of
from sqlalchemy import func, select

from app.audit.models import AuditEntry
from app.dates import utcnow
from app.extensions import db
from app.news.models import Article, ArticleStatus, Category, RevisionState

# --- Scheduling and expiry -----------------------------------------------------------------------


def test_a_scheduled_article_stays_hidden_until_its_time(admin_client, cats, visitor):
    article_id = save(
        admin_client,
        form_data(
            cats.a,
            title="Thông báo lịch nghỉ Tết",
            status="scheduled",
            published_at=local_form_time(timedelta(days=1)),
        ),
    )
    home = f"/chuyen-muc/{cats.a_slug}"

    assert public_status(visitor, "thong-bao-lich-nghi-tet") == 404
    assert "Thông báo lịch nghỉ Tết" not in titles_on(visitor, home)
    assert "Thông báo lịch nghỉ Tết" not in titles_on(visitor, "/")
    assert value_of(edit_page(admin_client, article_id), "status") == "scheduled"

    set_times(article_id, published_at=utcnow() - timedelta(minutes=1))  # the time has come

    assert public_status(visitor, "thong-bao-lich-nghi-tet") == 200
    assert "Thông báo lịch nghỉ Tết" in titles_on(visitor, home)


def test_a_published_article_dated_in_the_future_is_not_public_yet(admin_client, cats, visitor):
    article_id = save(
        admin_client,
        form_data(
            cats.a,
            title="Bài đăng sau",
            status="published",
            published_at=local_form_time(timedelta(hours=3)),
        ),
    )

    assert public_status(visitor, "bai-dang-sau") == 404
    set_times(article_id, published_at=utcnow() - timedelta(seconds=5))
    assert public_status(visitor, "bai-dang-sau") == 200


def test_an_article_disappears_when_it_expires(admin_client, cats, visitor):
    article_id = save(
        admin_client,
        form_data(
            cats.a,
            title="Thông báo tuyển dụng",
            status="published",
            published_at=local_form_time(timedelta(days=-1)),
            expires_at=local_form_time(timedelta(hours=2)),
        ),
    )
    listing = f"/chuyen-muc/{cats.a_slug}"
    assert public_status(visitor, "thong-bao-tuyen-dung") == 200
    assert "Thông báo tuyển dụng" in titles_on(visitor, listing)

    set_times(article_id, expires_at=utcnow() - timedelta(minutes=1))  # the time has passed

    assert public_status(visitor, "thong-bao-tuyen-dung") == 404
    assert "Thông báo tuyển dụng" not in titles_on(visitor, listing)
    assert "Thông báo tuyển dụng" not in titles_on(visitor, "/")
    rows = list_rows(admin_client.get(ARTICLES).text)
    assert [(r["title"], r["status"]) for r in rows] == [("Thông báo tuyển dụng", "Ngừng đăng")]


def test_times_are_typed_and_shown_in_the_site_time_zone(admin_client, cats):
    typed = (datetime.now(SITE_ZONE) + timedelta(days=2)).strftime("%d/%m/%Y 08:30")
    article_id = save(
        admin_client, form_data(cats.a, title="Giờ Hà Nội", status="scheduled", published_at=typed)
    )

    stored = article_row(article_id).published_at
    assert value_of(edit_page(admin_client, article_id), "published_at") == typed
    assert stored == datetime.strptime(typed, FORM_TIME) - timedelta(hours=7)  # UTC+7, no DST


# --- Revisions, editing together, preview --------------------------------------------------------


def revision_rows(client, article_id: int) -> list[dict]:
    response = client.get(f"{ARTICLES}/{article_id}/revisions")
    assert response.status_code == 200
    rows = []
    for tr in parse(response.text).find("tbody").find_all("tr"):
        cells = [squash(td.text()) for td in tr.find_all("td")]
        link = tr.find("a")
        if link is not None:
            rows.append(
                {"time": cells[0], "user": cells[1], "title": cells[2], "href": link.get("href")}
            )
    return rows


def test_every_save_adds_a_revision_with_its_author_and_time(app, admin_client, make_user, cats):
    publisher = logged_in_client(
        app, make_user("bientap4", category_ids=[cats.a], can_publish=True)
    )
    started = datetime.now(SITE_ZONE).replace(second=0, microsecond=0)
    article_id = save(admin_client, form_data(cats.a, title="Bản đầu"))
    save(
        publisher,
        form_data(cats.a, title="Bản thứ hai", slug="ban-dau"),
        path=f"{ARTICLES}/{article_id}",
    )
    save(
        admin_client,
        form_data(cats.a, title="Bản thứ ba", slug="ban-dau", status="published"),
        path=f"{ARTICLES}/{article_id}",
    )

    rows = revision_rows(admin_client, article_id)

    assert [(r["user"], r["title"]) for r in rows] == [
        ("quantri", "Bản thứ ba"),
        ("bientap4", "Bản thứ hai"),
        ("quantri", "Bản đầu"),
    ]
    for row in rows:
        shown = datetime.strptime(row["time"], "%d/%m/%Y %H:%M").replace(tzinfo=SITE_ZONE)
        assert started <= shown <= datetime.now(SITE_ZONE), row["time"]


def test_an_earlier_version_can_be_viewed(admin_client, cats, make_article):
    article_id = save(
        admin_client,
        form_data(
            cats.a,
            title="Dự thảo quy chế",
            lead="Bản lấy ý kiến lần một.",
            body="<p>Điều 1 bản cũ.</p>",
        ),
    )
    save(
        admin_client,
        form_data(
            cats.a,
            title="Quy chế chính thức",
            slug="du-thao-quy-che",
            lead="Bản ban hành.",
            body="<p>Điều 1 bản mới.</p>",
        ),
        path=f"{ARTICLES}/{article_id}",
    )
    other = make_article(title="Bài khác", category=db.session.get(Category, cats.a))
    save(
        admin_client,
        form_data(cats.a, title="Bài khác", slug=other.slug),
        path=f"{ARTICLES}/{other.id}",
    )

    oldest = revision_rows(admin_client, article_id)[-1]
    page = admin_client.get(oldest["href"])
    foreign = revision_rows(admin_client, other.id)[0]["href"].rsplit("/", 1)[1]

    assert page.status_code == 200
    shown = parse(page.text).find("article")
    assert squash(shown.find("h2").text()) == "Dự thảo quy chế"
    assert "Bản lấy ý kiến lần một." in shown.text()
    assert "Điều 1 bản cũ." in shown.text() and "bản mới" not in shown.text()
    assert "Người sửa: quantri" in squash(parse(page.text).find("main").text())
    assert value_of(edit_page(admin_client, article_id), "title") == "Quy chế chính thức"
    assert admin_client.get(f"{ARTICLES}/{article_id}/revisions/{foreign}").status_code == 404


def warning_shown(page: str) -> str | None:
    """The two-editors warning's text, or None while it is hidden."""
    warning = parse(page).find(id="editing-warning")
    if warning is None or warning.get("hidden") is not None:
        return None
    return squash(warning.text())


def test_a_second_editor_is_warned_with_the_first_editors_name(
    app, admin_client, category_editor_client, cats
):
    article_id = save(admin_client, form_data(cats.a, title="Bài đang sửa"))

    first = admin_client.get(f"{ARTICLES}/{article_id}")
    second = category_editor_client.get(f"{ARTICLES}/{article_id}")
    ping = admin_client.post(
        f"{ARTICLES}/{article_id}/editing",
        headers={"X-CSRFToken": page_token(admin_client, NEW), "Accept": "application/json"},
    )

    assert warning_shown(first.text) is None
    warning = warning_shown(second.text)
    assert warning is not None and "Quản trị viên Lan" in warning and EDITING_WARNING in warning
    assert ping.status_code == 200 and ping.get_json() == {"others": ["Biên tập viên Hoa"]}


def test_a_lone_editor_is_not_warned_about_themselves(admin_client, cats):
    article_id = save(admin_client, form_data(cats.a, title="Bài một mình"))

    edit_page(admin_client, article_id)
    again = edit_page(admin_client, article_id)

    assert warning_shown(again) is None


def test_staff_preview_a_draft_that_the_public_cannot_see(
    admin_client, category_editor_client, cats, visitor
):
    article_id = save(
        category_editor_client,
        form_data(cats.a, title="Bản nháp bí mật", body="<p>Nội dung chưa công bố.</p>"),
    )

    previews = [
        c.get(f"{ARTICLES}/{article_id}/preview") for c in (category_editor_client, admin_client)
    ]

    for preview in previews:
        assert preview.status_code == 200, preview.status_code
        assert "Bản xem trước" in preview.text
        assert squash(parse(preview.text).find("h1").text()) == "Bản nháp bí mật"
        assert "Nội dung chưa công bố." in article_body(preview.text).text()
    assert public_status(visitor, "ban-nhap-bi-mat") == 404
    assert is_login_redirect(visitor.get(f"{ARTICLES}/{article_id}/preview"))


def test_staff_preview_a_scheduled_article_before_it_is_public(admin_client, cats, visitor):
    article_id = save(
        admin_client,
        form_data(
            cats.a,
            title="Bài hẹn giờ xem trước",
            status="scheduled",
            published_at=local_form_time(timedelta(days=1)),
        ),
    )

    preview = admin_client.get(f"{ARTICLES}/{article_id}/preview")

    assert preview.status_code == 200
    assert squash(parse(preview.text).find("h1").text()) == "Bài hẹn giờ xem trước"
    assert public_status(visitor, "bai-hen-gio-xem-truoc") == 404


# --- Public pages follow every change at once ----------------------------------------------------


def test_publishing_editing_and_unpublishing_show_on_public_pages_at_once(
    admin_client, cats, visitor
):
    listing = f"/chuyen-muc/{cats.a_slug}"
    article_id = save(admin_client, form_data(cats.a, title="Bản tin buổi sáng"))
    edit_path = f"{ARTICLES}/{article_id}"
    assert public_status(visitor, "ban-tin-buoi-sang") == 404
    assert "Bản tin buổi sáng" not in titles_on(visitor, listing)

    save(
        admin_client,
        form_data(cats.a, title="Bản tin buổi sáng", slug="ban-tin-buoi-sang", status="published"),
        path=edit_path,
    )
    page = visitor.get("/tin-tuc/ban-tin-buoi-sang")
    assert page.status_code == 200
    assert "Bản tin buổi sáng" in titles_on(visitor, listing)
    assert "Bản tin buổi sáng" in titles_on(visitor, "/")
    cache = page.headers.get("Cache-Control", "")
    assert not re.search(r"max-age=[1-9]", cache) and "Expires" not in page.headers, cache

    save(
        admin_client,
        form_data(
            cats.a,
            title="Bản tin buổi sáng (cập nhật)",
            slug="ban-tin-buoi-sang",
            body="<p>Tin cập nhật lúc 9 giờ.</p>",
            status="published",
        ),
        path=edit_path,
    )
    page = visitor.get("/tin-tuc/ban-tin-buoi-sang")
    assert squash(parse(page.text).find("h1").text()) == "Bản tin buổi sáng (cập nhật)"
    assert "Tin cập nhật lúc 9 giờ." in article_body(page.text).text()
    assert "Bản tin buổi sáng (cập nhật)" in titles_on(visitor, listing)

    save(
        admin_client,
        form_data(
            cats.a, title="Bản tin buổi sáng (cập nhật)", slug="ban-tin-buoi-sang", status="draft"
        ),
        path=edit_path,
    )
    assert public_status(visitor, "ban-tin-buoi-sang") == 404
    assert "Bản tin buổi sáng" not in titles_on(visitor, listing)
    assert "Bản tin buổi sáng" not in titles_on(visitor, "/")


def test_bulk_publish_and_unpublish_show_on_public_pages_at_once(admin_client, cats, visitor):
    ids = [save(admin_client, form_data(cats.a, title=f"Tin ngắn {n}")) for n in (1, 2)]

    published = bulk(admin_client, "publish", ids)
    assert published.status_code == 302
    assert "Đã xuất bản 2 bài." in flashes(admin_client.get(ARTICLES).text)
    assert [public_status(visitor, f"tin-ngan-{n}") for n in (1, 2)] == [200, 200]

    bulk(admin_client, "unpublish", ids[:1])
    assert "Đã chuyển 1 bài về nháp." in flashes(admin_client.get(ARTICLES).text)
    assert [public_status(visitor, f"tin-ngan-{n}") for n in (1, 2)] == [404, 200]
    assert "Tin ngắn 1" not in titles_on(visitor, f"/chuyen-muc/{cats.a_slug}")


# --- Audit log -----------------------------------------------------------------------------------


def audit_page_rows(admin_client) -> list[tuple[str, str, str]]:
    """(user, action, object) as the audit log page shows them, oldest first."""
    response = admin_client.get("/admin/audit")
    assert response.status_code == 200
    rows = []
    for tr in parse(response.text).find("tbody").find_all("tr"):
        cells = [squash(td.text()) for td in tr.find_all("td")]
        rows.append((cells[1], cells[2], cells[3]))
    return rows[::-1]


def test_every_change_writes_an_audit_row(app, admin_client, category_editor_client, cats):
    first = save(category_editor_client, form_data(cats.a, title="Bài kiểm toán"))
    save(
        category_editor_client,
        form_data(cats.a, title="Bài kiểm toán sửa", slug="bai-kiem-toan"),
        path=f"{ARTICLES}/{first}",
    )
    save(
        admin_client,
        form_data(cats.a, title="Bài kiểm toán sửa", slug="bai-kiem-toan", status="published"),
        path=f"{ARTICLES}/{first}",
    )
    second = save(admin_client, form_data(cats.b, title="Bài thứ hai"))
    bulk(admin_client, "publish", [second])
    bulk(admin_client, "unpublish", [first])
    bulk(admin_client, "delete", [first, second])

    article_rows = [r for r in audit_page_rows(admin_client) if r[2].startswith("article")]

    assert article_rows == [
        ("bientap", "article.create", f"article {first}"),
        ("bientap", "article.update", f"article {first}"),
        ("quantri", "article.status.published", f"article {first}"),
        ("quantri", "article.create", f"article {second}"),
        ("quantri", "article.status.published", f"article {second}"),
        ("quantri", "article.status.draft", f"article {first}"),
        ("quantri", "article.delete", f"article {first}"),
        ("quantri", "article.delete", f"article {second}"),
    ]
    db.session.expire_all()
    assert (
        db.session.scalar(
            select(func.count(AuditEntry.id)).where(
                AuditEntry.action.like("article.%"), AuditEntry.ip == "127.0.0.1"
            )
        )
        == 8
    )


def test_refused_saves_write_no_audit_row(category_editor_client, cats):
    db.session.expire_all()
    before = db.session.scalar(select(func.count(AuditEntry.id)))

    submit(category_editor_client, form_data(cats.a, title=""))
    submit(category_editor_client, form_data(cats.a, title="Lén xuất bản", status="published"))
    submit(category_editor_client, form_data(cats.b, title="Lén sang chuyên mục khác"))

    db.session.expire_all()
    assert db.session.scalar(select(func.count(AuditEntry.id))) == before
    assert article_count() == 0


# --- Published articles changed without the publish right ----------------------------------------


PROPOSED = "Đã lưu thay đổi, chờ người có quyền xuất bản duyệt."


def propose(category_editor_client, article: Article, **changes):
    changes.setdefault("title", "Tiêu đề do biên tập viên đổi")
    changes.setdefault("body", "<p>Nội dung do biên tập viên đổi.</p>")
    data = form_data(article.category_id, **changes)
    response = submit(category_editor_client, data, path=f"{ARTICLES}/{article.id}")
    assert response.status_code == 302, all_field_errors(response.text)
    return response


def review(client, article_id: int, revision_id: int, action: str):
    path = f"{ARTICLES}/{article_id}/revisions/{revision_id}"
    token = page_token(client, path)
    return client.post(f"{path}/review", data={"csrf_token": token, "action": action})


def test_an_editor_without_the_right_cannot_unpublish_or_readdress_a_published_article(
    category_editor_client, published, visitor
):
    slug, published_at = published.slug, published.published_at

    response = propose(
        category_editor_client,
        published,
        status="draft",
        slug="duong-dan-moi",
        published_at=local_form_time(timedelta(days=30)),
        expires_at=local_form_time(timedelta(days=60)),
    )

    stored = article_row(published.id)
    assert (stored.status, stored.slug, stored.published_at, stored.expires_at) == (
        ArticleStatus.PUBLISHED,
        slug,
        published_at,
        None,
    )
    page = visitor.get(f"/tin-tuc/{slug}")
    assert page.status_code == 200
    assert "Thông báo lịch tiếp dân" in page.text and "biên tập viên đổi" not in page.text
    assert public_status(visitor, "duong-dan-moi") == 404
    assert any(
        m.startswith(PROPOSED) for m in flashes(category_editor_client.get(response.location).text)
    )
    states = [(r.state, r.username, r.title) for r in revisions_of(published.id)]
    assert states == [(RevisionState.PENDING, "bientap", "Tiêu đề do biên tập viên đổi")]


def test_the_editor_reopens_their_pending_change_without_the_publication_controls(
    category_editor_client, published
):
    propose(category_editor_client, published)

    page = edit_page(category_editor_client, published.id)

    assert value_of(page, "title") == "Tiêu đề do biên tập viên đổi"
    assert "Nội dung do biên tập viên đổi." in value_of(page, "body")
    names = {n.get("name") for n in parse(page).iter() if n.tag in CONTROLS}
    assert not names & {"status", "slug", "published_at", "expires_at", "featured"}
    note = squash(parse(page).find(id="approval-note").text())
    assert "lưu thành bản chờ duyệt: bài trên trang giữ nguyên" in note


def test_a_second_save_replaces_the_editors_earlier_pending_change(
    category_editor_client, published
):
    propose(category_editor_client, published)
    propose(category_editor_client, published, title="Tiêu đề sửa lần hai")

    states = [(r.state, r.title) for r in revisions_of(published.id)]

    assert states == [
        (RevisionState.DISCARDED, "Tiêu đề do biên tập viên đổi"),
        (RevisionState.PENDING, "Tiêu đề sửa lần hai"),
    ]


def test_a_publisher_applies_the_pending_change_and_readers_see_it_at_the_same_address(
    admin_client, category_editor_client, published, visitor
):
    slug = published.slug
    assert "Thông báo lịch tiếp dân" in visitor.get(f"/tin-tuc/{slug}").text  # cached now
    propose(category_editor_client, published, tags="tiếp dân, lịch")
    pending = revisions_of(published.id)[-1]
    assert "Có 1 bản sửa đang chờ duyệt" in squash(edit_page(admin_client, published.id))
    listing = parse(admin_client.get(ARTICLES).text)
    assert [squash(a.text()) for a in listing.find_all("a", cls="pending-badge")] == [
        "có bản sửa chờ duyệt"
    ]

    response = review(admin_client, published.id, pending.id, "apply")

    assert response.status_code == 302
    page = visitor.get(f"/tin-tuc/{slug}")
    assert page.status_code == 200
    assert squash(parse(page.text).find("h1", cls="article-title").text()) == (
        "Tiêu đề do biên tập viên đổi"
    )
    assert "Nội dung do biên tập viên đổi." in article_body(page.text).text()
    stored = article_row(published.id)
    assert (stored.slug, stored.status) == (slug, ArticleStatus.PUBLISHED)
    assert sorted(t.name for t in stored.tags) == ["lịch", "tiếp dân"]
    assert [r.state for r in revisions_of(published.id)] == [
        RevisionState.APPLIED,
        RevisionState.SAVED,
    ]
    assert ("quantri", "article.propose.apply", f"article {published.id}") in audit_page_rows(
        admin_client
    )


def test_a_publisher_discards_the_pending_change_and_the_article_stays(
    admin_client, category_editor_client, published, visitor
):
    propose(category_editor_client, published)
    pending = revisions_of(published.id)[-1]

    response = review(admin_client, published.id, pending.id, "discard")

    assert response.status_code == 302
    assert "biên tập viên đổi" not in visitor.get(f"/tin-tuc/{published.slug}").text
    assert [r.state for r in revisions_of(published.id)] == [RevisionState.DISCARDED]
    again = review(admin_client, published.id, pending.id, "apply")
    assert "Bản sửa này không còn chờ duyệt." in flashes(admin_client.get(again.location).text)
    assert "biên tập viên đổi" not in visitor.get(f"/tin-tuc/{published.slug}").text


def test_an_editor_without_the_right_cannot_apply_a_pending_change(
    category_editor_client, published, visitor
):
    propose(category_editor_client, published)
    pending = revisions_of(published.id)[-1]
    path = f"{ARTICLES}/{published.id}/revisions/{pending.id}"
    token = page_token(category_editor_client, path)

    response = category_editor_client.post(
        f"{path}/review", data={"csrf_token": token, "action": "apply"}
    )

    assert response.status_code == 403
    assert [r.state for r in revisions_of(published.id)] == [RevisionState.PENDING]
    assert "biên tập viên đổi" not in visitor.get(f"/tin-tuc/{published.slug}").text


def test_an_editor_with_the_publish_right_changes_a_published_article_directly(
    app, make_user, cats, published, visitor
):
    publisher = logged_in_client(
        app, make_user("bientap5", category_ids=[cats.a], can_publish=True)
    )

    save(
        publisher,
        form_data(cats.a, title="Lịch tiếp dân đã sửa", slug=published.slug, status="published"),
        path=f"{ARTICLES}/{published.id}",
    )

    assert "Lịch tiếp dân đã sửa" in visitor.get(f"/tin-tuc/{published.slug}").text
    assert [r.state for r in revisions_of(published.id)] == [RevisionState.SAVED]


def test_a_new_illustration_in_a_pending_change_reaches_readers_only_once_applied(
    admin_client, category_editor_client, published, visitor
):
    propose(
        category_editor_client,
        published,
        image=(png_bytes(), "anh-moi.png"),
        image_caption="Ảnh mới",
    )
    pending = revisions_of(published.id)[-1]
    before = visitor.get(f"/tin-tuc/{published.slug}").text
    assert parse(before).find("figure", cls="article-image") is None
    # Saved again from the reopened form: the caption comes back, the file is not re-sent.
    propose(category_editor_client, published, title="Tiêu đề sửa lần hai", image_caption="Ảnh mới")

    review(admin_client, published.id, revisions_of(published.id)[-1].id, "apply")

    after = visitor.get(f"/tin-tuc/{published.slug}").text
    assert shown_image(after).startswith("/media/")
    assert "Ảnh mới" in squash(parse(after).find("figure", cls="article-image").text())
    assert revisions_of(published.id)[0].id == pending.id
