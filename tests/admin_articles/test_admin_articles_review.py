"""Article administration, the editorial workflow (issue 12): an editor without the publish
right submits ("Gửi duyệt"), a publisher publishes, schedules or returns with a note, the
editor sees the note and submits again; the publishers' queue; readers never see a submitted
or returned article."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from article_admin import (
    ARTICLES,
    SITE_ZONE,
    article_row,
    edit_page,
    form_data,
    list_rows,
    public_status,
    revisions_of,
    save,
    set_times,
    submit,
    titles_on,
)
from audit_log import audit_rows
from auth_helpers import logged_in_client, page_token
from pages import flashes, parse, squash

from app.dates import utcnow
from app.news.models import ArticleStatus

QUEUE = "/admin/news/cho-duyet"
TITLE = "Kế hoạch tuyển sinh lớp mười"
SLUG = "ke-hoach-tuyen-sinh-lop-muoi"


@pytest.fixture
def publisher_client(app, make_user, cats):
    """A publisher of category A (not an administrator)."""
    return logged_in_client(
        app,
        make_user(
            "xuatban", display_name="Trưởng ban Lan", category_ids=[cats.a], can_publish=True
        ),  # fmt: skip
    )


def send_for_review(client, category_id: int, path: str | None = None, **fields) -> int:
    """Save with the "Gửi duyệt" button."""
    data = form_data(category_id, **{"title": TITLE, "intent": "submit", **fields})
    return save(client, data, **({"path": path} if path else {}))


def decide(client, article_id: int, action: str, note: str = "", publish_at: str = ""):
    token = page_token(client, f"{ARTICLES}/{article_id}")
    return client.post(
        f"{ARTICLES}/{article_id}/duyet",
        data={"csrf_token": token, "action": action, "note": note, "publish_at": publish_at},
    )


def queue_titles(client) -> list[str]:
    response = client.get(QUEUE)
    assert response.status_code == 200
    tables = parse(response.text).find_all("table")
    return [
        squash(tr.find("a").text())
        for table in tables
        for tr in table.find("tbody").find_all("tr")
        if tr.find("a") is not None
    ]


def revision_notes(article_id: int) -> list[str]:
    return [r.note for r in revisions_of(article_id)]


def test_an_editor_submits_and_the_article_waits_in_the_queue_unseen_by_readers(
    app, category_editor_client, publisher_client, admin_client, cats, visitor
):
    article_id = send_for_review(category_editor_client, cats.a)

    assert article_row(article_id).status == ArticleStatus.SUBMITTED
    assert article_row(article_id).submitted_at is not None
    shown = category_editor_client.get(f"{ARTICLES}/{article_id}").text
    assert "Đã gửi duyệt" in " ".join(flashes(shown))
    assert [r["status"] for r in list_rows(category_editor_client.get(ARTICLES).text)] == [
        "Chờ duyệt"
    ]
    # Publishers of the category, and administrators, find it in their queue.
    assert queue_titles(publisher_client) == [TITLE]
    assert queue_titles(admin_client) == [TITLE]
    dashboard = squash(parse(admin_client.get("/admin/").text).find("main").text())
    assert "1 bài chờ duyệt" in dashboard
    # Readers: no page, no listing, no feed, no sitemap, no search result.
    assert public_status(visitor, SLUG) == 404
    assert TITLE not in titles_on(visitor, f"/chuyen-muc/{cats.a_slug}")
    assert TITLE not in visitor.get("/feed.xml").text
    assert SLUG not in visitor.get("/sitemap.xml").text
    assert TITLE not in visitor.get("/tim-kiem", query_string={"q": "tuyển sinh"}).text
    assert [r.action for r in audit_rows(app, prefix="article.")] == ["article.submit"]


def test_a_publisher_of_another_category_does_not_see_it_in_the_queue(
    app, make_user, category_editor_client, cats
):
    send_for_review(category_editor_client, cats.a)
    other = logged_in_client(app, make_user("xuatban2", category_ids=[cats.b], can_publish=True))
    assert queue_titles(other) == []


def test_an_editor_without_the_publish_right_can_neither_approve_nor_return(
    category_editor_client, cats, visitor
):
    article_id = send_for_review(category_editor_client, cats.a)

    for action in ("approve", "return"):
        response = decide(category_editor_client, article_id, action, note="Tự duyệt")
        assert response.status_code == 403, action
    assert article_row(article_id).status == ArticleStatus.SUBMITTED
    assert public_status(visitor, SLUG) == 404
    # Nor publish by forging the status field, nor by choosing it.
    response = submit(
        category_editor_client,
        form_data(cats.a, title=TITLE, status="published"),
        path=f"{ARTICLES}/{article_id}",
    )
    assert response.status_code == 400
    assert article_row(article_id).status == ArticleStatus.SUBMITTED
    # The editor's page offers no decision.
    assert "Duyệt và xuất bản" not in edit_page(category_editor_client, article_id)


def test_a_returned_article_shows_the_note_and_goes_back_to_the_queue_when_resubmitted(
    app, category_editor_client, publisher_client, cats, visitor
):
    article_id = send_for_review(category_editor_client, cats.a)
    note = "Thiếu số liệu chỉ tiêu năm nay; bổ sung <bảng> trước khi gửi lại."

    response = decide(publisher_client, article_id, "return", note=note)

    assert response.status_code == 302
    stored = article_row(article_id)
    assert (stored.status, stored.review_note, stored.reviewed_by) == (
        ArticleStatus.RETURNED,
        note,
        "Trưởng ban Lan",
    )
    assert queue_titles(publisher_client) == []
    assert public_status(visitor, SLUG) == 404
    # The editor sees the note, escaped, on the article and in the list.
    page = edit_page(category_editor_client, article_id)
    shown = parse(page).find("div", id="review-note")
    assert shown is not None and note in squash(shown.text())
    assert "&lt;bảng&gt;" in page
    rows = list_rows(category_editor_client.get(ARTICLES).text)
    assert rows[0]["status"].startswith("Trả lại")
    assert "Thiếu số liệu" in rows[0]["status"]
    assert [r["title"] for r in list_rows(
        category_editor_client.get(ARTICLES, query_string={"trang-thai": "returned"}).text
    )] == [TITLE]  # fmt: skip

    send_for_review(
        category_editor_client, cats.a, path=f"{ARTICLES}/{article_id}",
        body="<p>Chỉ tiêu năm nay: 450 học sinh.</p>",
    )  # fmt: skip

    assert article_row(article_id).status == ArticleStatus.SUBMITTED
    assert queue_titles(publisher_client) == [TITLE]
    assert revision_notes(article_id) == ["Gửi duyệt", f"Trả lại: {note}", "Gửi duyệt"]
    assert [r.action for r in audit_rows(app, prefix="article.")] == [
        "article.submit", "article.return", "article.submit"
    ]  # fmt: skip


def test_returning_needs_a_note(category_editor_client, publisher_client, cats):
    article_id = send_for_review(category_editor_client, cats.a)

    response = decide(publisher_client, article_id, "return", note="   ")

    assert response.status_code == 302
    page = publisher_client.get(response.headers["Location"]).text
    assert "Nhập ghi chú cho người viết" in " ".join(flashes(page))
    assert article_row(article_id).status == ArticleStatus.SUBMITTED


def test_a_publisher_approves_and_readers_see_the_article_at_once(
    app, category_editor_client, publisher_client, cats, visitor
):
    article_id = send_for_review(category_editor_client, cats.a)
    assert public_status(visitor, SLUG) == 404  # cached as missing first

    response = decide(publisher_client, article_id, "approve")

    assert response.status_code == 302
    assert article_row(article_id).status == ArticleStatus.PUBLISHED
    assert public_status(visitor, SLUG) == 200
    assert TITLE in titles_on(visitor, f"/chuyen-muc/{cats.a_slug}")
    assert queue_titles(publisher_client) == []
    assert revision_notes(article_id)[-1] == "Duyệt và xuất bản"
    assert [r.action for r in audit_rows(app, prefix="article.")][-1] == "article.approve"
    # A decision on an article no longer waiting is refused, not repeated.
    again = decide(publisher_client, article_id, "return", note="Muộn rồi")
    assert again.status_code == 302
    assert article_row(article_id).status == ArticleStatus.PUBLISHED


def test_a_publisher_schedules_a_submitted_article(
    category_editor_client, publisher_client, cats, visitor
):
    article_id = send_for_review(category_editor_client, cats.a)
    when = (datetime.now(SITE_ZONE) + timedelta(days=2)).replace(second=0, microsecond=0)

    decide(publisher_client, article_id, "approve", publish_at=when.strftime("%d/%m/%Y %H:%M"))

    stored = article_row(article_id)
    assert stored.effective_status() == ArticleStatus.SCHEDULED
    assert stored.published_at == when.replace(tzinfo=None) - timedelta(hours=7)
    assert public_status(visitor, SLUG) == 404
    set_times(article_id, published_at=utcnow() - timedelta(minutes=1))
    assert public_status(visitor, SLUG) == 200


def test_the_queue_lists_pending_changes_of_published_articles(
    category_editor_client, publisher_client, cats, published
):
    response = submit(
        category_editor_client,
        form_data(cats.a, title="Lịch tiếp dân đã sửa"),
        path=f"{ARTICLES}/{published.id}",
    )
    assert response.status_code == 302

    assert queue_titles(publisher_client) == ["Lịch tiếp dân đã sửa"]
    page = publisher_client.get(QUEUE).text
    assert f"/admin/news/articles/{published.id}/revisions/" in page


def test_the_queue_is_in_the_admin_menu(publisher_client):
    menu = parse(publisher_client.get(ARTICLES).text).find("nav", cls="admin-nav")
    assert QUEUE in [a.get("href") for a in menu.find_all("a")]


def test_a_publisher_saving_a_submitted_article_keeps_it_submitted(
    app, category_editor_client, publisher_client, cats
):
    article_id = send_for_review(category_editor_client, cats.a)
    page = edit_page(publisher_client, article_id)
    assert "Duyệt và xuất bản" in page

    save(
        publisher_client,
        form_data(cats.a, title=TITLE + " (sửa chính tả)", status="submitted"),
        path=f"{ARTICLES}/{article_id}",
    )

    assert article_row(article_id).status == ArticleStatus.SUBMITTED
    # A save is no new submission: the editor's submission time and audit row stay theirs.
    assert [(r.username, r.action) for r in audit_rows(app, prefix="article.")] == [
        ("bientap", "article.submit"), ("xuatban", "article.update")
    ]  # fmt: skip


def test_a_change_turned_down_with_a_note_shows_the_note_to_its_editor(
    app, category_editor_client, publisher_client, cats, published
):
    submit(
        category_editor_client,
        form_data(cats.a, title="Lịch tiếp dân (sửa sai giờ)"),
        path=f"{ARTICLES}/{published.id}",
    )
    pending = revisions_of(published.id)[-1]
    path = f"{ARTICLES}/{published.id}/revisions/{pending.id}"
    token = page_token(publisher_client, path)

    response = publisher_client.post(
        f"{path}/review",
        data={"csrf_token": token, "action": "discard", "note": "Giờ tiếp dân vẫn là 8 giờ."},
    )

    assert response.status_code == 302
    assert article_row(published.id).title == "Thông báo lịch tiếp dân"
    shown = parse(edit_page(category_editor_client, published.id)).find("div", id="review-note")
    assert shown is not None and "Giờ tiếp dân vẫn là 8 giờ." in squash(shown.text())
    assert "Giờ tiếp dân vẫn là 8 giờ." in audit_rows(app, "article.propose.discard")[-1].detail
    # A new change of theirs replaces the note with its own pending state.
    submit(
        category_editor_client,
        form_data(cats.a, title="Lịch tiếp dân (bổ sung địa điểm)"),
        path=f"{ARTICLES}/{published.id}",
    )
    page = edit_page(category_editor_client, published.id)
    assert parse(page).find("div", id="review-note") is None
