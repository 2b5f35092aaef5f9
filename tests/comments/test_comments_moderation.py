"""The moderators' queue: filter, approve, reject, delete, bulk, the audit log, editors kept
to their categories, the dashboard's count."""

from __future__ import annotations

import pytest
from audit_log import audit_rows
from auth_helpers import logged_in_client
from comment_helpers import add_comment, rows, shown_names
from pages import csrf_token_from, flashes, forms_on, parse, squash

from app.comments.models import CommentStatus
from app.extensions import db
from app.news.models import Article

QUEUE = "/admin/y-kien/"


def queue_rows(page: str) -> list[dict]:
    found = []
    for tr in parse(page).find("table").find("tbody").find_all("tr"):
        if tr.get("data-comment-id"):
            found.append({
                "id": int(tr.get("data-comment-id")), "status": tr.get("data-status"),
                "name": squash(tr.find("strong", cls="comment-name").text()),
                "email": squash(tr.find("span", cls="comment-email").text()),
            })  # fmt: skip
    return found


def act(client, page: str, **fields):
    """Submit the queue's form as the browser would, with `fields` changed or added."""
    [form] = [f for f in forms_on(page, QUEUE) if f.method == "post" and f.action == QUEUE]
    data = {name: value for name, value in form.fields if name != "one"}  # no row button pressed
    data.update(fields)
    return client.post(form.action, data=data)


def count_of(article: Article) -> int:
    db.session.expire_all()
    return db.session.get(Article, article.id).comment_count


@pytest.fixture
def two(app, make_category, make_article):
    """Two articles in two categories, each with a pending comment."""
    health, school = make_category("Y tế"), make_category("Giáo dục")
    a = make_article(title="Tiêm chủng mở rộng", category=health)
    b = make_article(title="Khai giảng năm học", category=school)
    return {"health": health, "school": school, "a": a, "b": b,
            "ca": add_comment(a, "Người hỏi tiêm chủng", status=CommentStatus.PENDING,
                              email="hoi@example.vn", minutes_ago=5),
            "cb": add_comment(b, "Phụ huynh", status=CommentStatus.PENDING,
                              email="ph@example.vn", minutes_ago=1)}  # fmt: skip


def test_the_queue_lists_pending_comments_newest_first_with_email_and_article(
    app, admin_client, two
):
    page = admin_client.get(QUEUE).text

    assert [(r["name"], r["email"]) for r in queue_rows(page)] == [
        ("Phụ huynh", "ph@example.vn"), ("Người hỏi tiêm chủng", "hoi@example.vn")]  # fmt: skip
    assert f"/tin-tuc/{two['b'].slug}#y-kien" in page
    approve = parse(page).find("button", id=f"duyet-{two['ca'].id}")
    assert approve.get("value") == f"approve:{two['ca'].id}"


def test_approve_from_a_row_publishes_it_counts_it_and_audits_it(app, admin_client, two, client):
    page = admin_client.get(QUEUE).text

    response = act(admin_client, page, one=f"approve:{two['ca'].id}")

    assert response.status_code == 302
    back = admin_client.get(response.headers["Location"]).text
    assert "Đã duyệt 1 ý kiến." in flashes(back)
    # Still in view with its new status (the pending filter kept), the other one as well.
    assert [(r["name"], r["status"]) for r in queue_rows(back)] == [
        ("Phụ huynh", "pending"), ("Người hỏi tiêm chủng", "approved")]  # fmt: skip
    assert count_of(two["a"]) == 1
    assert shown_names(client.get(f"/tin-tuc/{two['a'].slug}").text) == ["Người hỏi tiêm chủng"]
    [entry] = audit_rows(app, "comment.approve")
    assert entry.object_id == str(two["ca"].id) and "Người hỏi tiêm chủng" in entry.detail
    assert [r["name"] for r in queue_rows(admin_client.get(QUEUE).text)] == ["Phụ huynh"]
    approved = queue_rows(admin_client.get(QUEUE + "?trang-thai=da-duyet").text)
    assert [(r["name"], r["status"]) for r in approved] == [("Người hỏi tiêm chủng", "approved")]


def test_reject_then_delete_from_a_row(app, admin_client, two):
    chosen = two["cb"].id
    act(admin_client, admin_client.get(QUEUE).text, one=f"reject:{chosen}")
    rejected = admin_client.get(QUEUE + "?trang-thai=tu-choi").text
    assert [r["name"] for r in queue_rows(rejected)] == ["Phụ huynh"]

    act(admin_client, rejected, one=f"delete:{chosen}")

    assert [c.name for c in rows()] == ["Người hỏi tiêm chủng"]
    assert [e.action for e in audit_rows(app, prefix="comment.")] == [
        "comment.reject", "comment.delete"]  # fmt: skip
    delete = parse(rejected).find("button", id=f"xoa-{chosen}")
    assert delete.get("data-confirm")


def test_bulk_actions_apply_to_the_ticked_comments(app, admin_client, two):
    page = admin_client.get(QUEUE).text
    ids = [str(two["ca"].id), str(two["cb"].id)]

    act(admin_client, page, ids=ids, action="approve")
    assert {c.status for c in rows()} == {CommentStatus.APPROVED}
    assert count_of(two["a"]) == 1 and count_of(two["b"]) == 1

    act(admin_client, admin_client.get(QUEUE + "?trang-thai=tat-ca").text, ids=ids,
        action="delete")  # fmt: skip
    assert rows() == [] and count_of(two["a"]) == 0
    assert len(audit_rows(app, "comment.approve")) == 2
    assert len(audit_rows(app, "comment.delete")) == 2


def test_deleting_a_comment_takes_its_replies_and_the_count_follows(app, admin_client, article):
    top = add_comment(article, "Gốc")
    add_comment(article, "Đáp", parent=top)
    assert count_of(article) == 2

    act(admin_client, admin_client.get(QUEUE + "?trang-thai=tat-ca").text, one=f"delete:{top.id}")

    assert rows() == [] and count_of(article) == 0


def test_the_queue_refuses_a_post_without_its_token(app, admin_client, two):
    response = admin_client.post(QUEUE, data={"one": f"approve:{two['ca'].id}"})

    assert response.status_code == 400
    assert {c.status for c in rows()} == {CommentStatus.PENDING}


def test_the_queue_is_paginated(app, admin_client, article):
    for n in range(32):
        add_comment(article, f"Bạn đọc {n:02d}", status=CommentStatus.PENDING, minutes_ago=n)

    first, second = (admin_client.get(QUEUE + f"?page={n}").text for n in (1, 2))

    assert len(queue_rows(first)) == 30 and queue_rows(first)[0]["name"] == "Bạn đọc 00"
    assert [r["name"] for r in queue_rows(second)] == ["Bạn đọc 30", "Bạn đọc 31"]


def test_an_editor_sees_and_moderates_only_their_categories(app, make_user, two):
    editor = make_user("bientap_yte", category_ids=[two["health"].id])
    client = logged_in_client(app, editor)

    page = client.get(QUEUE).text
    assert [r["name"] for r in queue_rows(page)] == ["Người hỏi tiêm chủng"]
    assert "Phụ huynh" not in page
    assert "Phụ huynh" not in client.get(QUEUE + f"?trang-thai=tat-ca&xu-ly={two['cb'].id}").text

    forbidden = act(client, page, one=f"approve:{two['cb'].id}")
    assert forbidden.status_code == 403
    missing = act(client, page, one="approve:999999")
    assert missing.status_code == 404
    act(client, page, ids=[str(two["ca"].id), str(two["cb"].id)], action="approve")

    statuses = {c.name: c.status for c in rows()}
    assert statuses["Người hỏi tiêm chủng"] == CommentStatus.APPROVED
    assert statuses["Phụ huynh"] == CommentStatus.PENDING
    assert len(audit_rows(app, "comment.approve")) == 1


def test_the_dashboard_counts_pending_comments_for_each_moderator(
    app, admin_client, make_user, two
):
    editor = logged_in_client(app, make_user("bientap_gd", category_ids=[two["school"].id]))

    def card(client) -> str:
        cards = parse(client.get("/admin/").text).find_all("div", cls="dash-card")
        return next(squash(c.text()) for c in cards if "ý kiến chờ duyệt" in c.text())

    assert card(admin_client) == "2 ý kiến chờ duyệt"
    assert card(editor) == "1 ý kiến chờ duyệt"
    add_comment(two["b"], "Thêm", status=CommentStatus.PENDING)
    add_comment(two["b"], "Đã duyệt")
    assert card(admin_client) == "3 ý kiến chờ duyệt" and card(editor) == "2 ý kiến chờ duyệt"


def test_the_queue_needs_a_login_and_the_menu_links_it(app, client, admin_client):
    anonymous = app.test_client()
    assert anonymous.get(QUEUE).status_code in (302, 401)
    nav = parse(admin_client.get("/admin/").text).find("nav", cls="admin-nav")
    assert QUEUE in [a.get("href") for a in nav.find_all("a")]
    assert csrf_token_from(admin_client.get(QUEUE).text)
