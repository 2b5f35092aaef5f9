"""The audit log of account events and the user administration (create, edit, roles,
categories, passwords, disabling), through the real forms.
"""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from audit_log import audit_rows
from auth_cases import ADMIN_HOME, TUPLE_CHOICES, categories, get_user, is_logged_in
from auth_helpers import (
    GENERIC_FAILURE,
    OTHER_PASSWORD,
    PASSWORD,
    is_login_redirect,
    location_path,
    logged_in_client,
    login,
    page_token,
)
from pages import field_errors, flashes
from sqlalchemy import select

from app.auth.models import User
from app.dates import utcnow
from app.extensions import db
from app.news.editors import may_edit_category

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- Audit log -----------------------------------------------------------------------------------


def test_login_and_logout_write_audit_rows(app, client, admin_user, editor_user):
    started = utcnow().replace(microsecond=0)
    login(client, editor_user.username, PASSWORD, ip="198.51.100.23")
    client.post(
        "/auth/logout",
        data={"csrf_token": page_token(client, ADMIN_HOME)},
        environ_base={"REMOTE_ADDR": "198.51.100.24"},
    )

    rows = [r for r in audit_rows(app) if r.action.startswith("auth.")]
    assert [(r.action, r.username, r.user_id, r.object_type, r.object_id, r.ip) for r in rows] == [
        ("auth.login", "bientap", editor_user.id, "user", str(editor_user.id), "198.51.100.23"),
        ("auth.logout", "bientap", editor_user.id, "user", str(editor_user.id), "198.51.100.24"),
    ]
    for row in rows:  # naive UTC, not local time (Asia/Ho_Chi_Minh is 7 hours ahead)
        assert started <= row.at <= utcnow(), row.at

    manager = logged_in_client(app, admin_user)
    page = manager.get("/admin/audit")
    assert page.status_code == 200
    for text in ("auth.login", "auth.logout", "bientap", "198.51.100.23", "198.51.100.24"):
        assert text in page.text


@pytest.mark.filterwarnings(TUPLE_CHOICES)
def test_a_crlf_in_a_value_cannot_forge_an_audit_log_line(app, admin_user, editor_user, caplog):
    caplog.set_level(logging.INFO, logger="app")
    manager = logged_in_client(app, admin_user)
    token = page_token(manager, f"/admin/users/{editor_user.id}")
    forged = 'Hoa\r\nINFO:app.audit:audit {"user": "quantri", "action": "user.delete"}'

    response = manager.post(
        f"/admin/users/{editor_user.id}",
        data={
            "csrf_token": token,
            "username": editor_user.username,
            "display_name": forged,
            "role": "editor",
            "active": "y",
        },
    )

    assert response.status_code == 302, field_errors(response.text)
    assert get_user(app, editor_user.id).display_name == forged  # stored as given
    (row,) = audit_rows(app, "user.update")
    assert (row.username, row.object_type, row.object_id) == (
        "quantri",
        "user",
        str(editor_user.id),
    )
    assert forged in row.detail
    audit_messages = [r.getMessage() for r in caplog.records if r.name == "app.audit"]
    assert any("user.update" in m and "\\r\\n" in m for m in audit_messages), audit_messages
    for message in (r.getMessage() for r in caplog.records):
        assert "\r" not in message and "\n" not in message, message
    lines = caplog.text.splitlines()
    assert not [line for line in lines if line.startswith("INFO:app.audit")], lines


def test_a_crlf_in_a_login_name_cannot_forge_a_log_line(app, caplog):
    caplog.set_level(logging.INFO, logger="app")

    login(app.test_client(), "ai\r\nINFO:app.auth:login user='quantri'", "sai-mat-khau-roi")

    messages = [r.getMessage() for r in caplog.records if r.name == "app.auth"]
    assert any(m.startswith("login failed") for m in messages), messages
    for message in messages:
        assert "\r" not in message and "\n" not in message, message


# --- Administration ------------------------------------------------------------------------------


ADMIN_ONLY = ["/admin/users", "/admin/users/new", "/admin/users/1", "/admin/audit"]


@pytest.mark.parametrize("path", ADMIN_ONLY)
def test_admin_pages_are_forbidden_to_editors(app, client, auth, admin_user, editor_user, path):
    auth.login(editor_user)

    response = client.get(path)

    assert response.status_code == 403
    assert "Không có quyền truy cập" in response.text
    assert client.get(ADMIN_HOME).status_code == 200  # editors do have the dashboard


def test_dashboard_counts_articles_documents_comments_and_accounts(
    app, client, auth, admin_user, editor_user, make_article
):
    with app.app_context():
        make_article(title="Một")
        make_article(title="Hai")
    auth.login(editor_user)

    html = client.get(ADMIN_HOME).text

    assert (
        '<div class="dash-cards">\n'
        '  <div class="dash-card"><span class="dash-number">2</span> bài viết</div>\n'
        '  <div class="dash-card"><span class="dash-number">0</span> bài chờ duyệt</div>\n'
        '  <div class="dash-card"><span class="dash-number">0</span> văn bản</div>\n'
        '  <div class="dash-card"><span class="dash-number">0</span> ý kiến chờ duyệt</div>\n'
        '  <div class="dash-card"><span class="dash-number">2</span> tài khoản</div>\n'
        "</div>"
    ) in html  # an editor: no count of the contact inbox, which only administrators open
    auth.logout()
    auth.login(admin_user)
    assert "thư liên hệ chưa xử lý" in client.get(ADMIN_HOME).text


@pytest.mark.parametrize("path", [*ADMIN_ONLY, ADMIN_HOME, "/auth/profile"])
def test_admin_pages_send_anonymous_visitors_to_login(app, client, path):
    response = client.get(path)

    assert is_login_redirect(response)
    assert parse_qs(urlsplit(location_path(response)).query)["next"] == [path]


def test_the_user_forms_render_under_the_warning_policy(app, admin_user, editor_user):
    manager = logged_in_client(app, admin_user)

    for path in ("/admin/users/new", f"/admin/users/{editor_user.id}"):
        response = manager.get(path)
        assert response.status_code == 200, path
        assert 'name="display_name"' in response.text


def user_form(manager, user_id: int | None = None) -> str:
    return page_token(manager, f"/admin/users/{user_id}" if user_id else "/admin/users/new")


@pytest.mark.filterwarnings(TUPLE_CHOICES)
def test_an_administrator_creates_an_editor_with_categories(app, admin_user):
    news, events, _ = categories(app, "Tin tức", "Sự kiện", "Thông báo")
    manager = logged_in_client(app, admin_user)

    response = manager.post(
        "/admin/users/new",
        data={
            "csrf_token": user_form(manager),
            "username": "PhongVien",
            "display_name": "Phóng viên Hòa",
            "email": "",
            "role": "editor",
            "categories": [str(news), str(events)],
            "active": "y",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 302, field_errors(response.text)
    listing = manager.get(location_path(response))
    assert "Đã tạo tài khoản phongvien." in flashes(listing.text)
    row = listing.text.split(">phongvien<", 1)[1].split("</tr>", 1)[0]
    for text in ("Phóng viên Hòa", "Biên tập viên", "Tin tức, Sự kiện", "Hoạt động"):
        assert text in row, row
    assert "Thông báo" not in row
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "phongvien"))
        assert user.role == "editor" and sorted(c.id for c in user.categories) == [news, events]
        assert may_edit_category(user, news) and not may_edit_category(user, _)
        created = user.id
    rows = [r for r in audit_rows(app, "user.create") if r.object_id == str(created)]
    assert [(r.username, r.object_type) for r in rows] == [("quantri", "user")]
    assert login(app.test_client(), "phongvien", PASSWORD).status_code == 302


@pytest.mark.filterwarnings(TUPLE_CHOICES)
def test_an_email_address_can_be_given_to_a_new_user(app, admin_user):
    manager = logged_in_client(app, admin_user)

    response = manager.post(
        "/admin/users/new",
        data={
            "csrf_token": user_form(manager),
            "username": "phongvien",
            "display_name": "Phóng viên",
            "email": "phongvien@example.vn",
            "role": "editor",
            "active": "y",
            "password": PASSWORD,
        },
    )

    assert response.status_code == 302, (response.status_code, field_errors(response.text))
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "phongvien"))
        assert user.email == "phongvien@example.vn"


@pytest.mark.filterwarnings(TUPLE_CHOICES)
def test_deactivating_a_user_ends_their_sessions(app, admin_user, editor_user):
    reporter = logged_in_client(app, editor_user)
    manager = logged_in_client(app, admin_user)

    response = manager.post(
        f"/admin/users/{editor_user.id}",
        data={
            "csrf_token": user_form(manager, editor_user.id),
            "username": editor_user.username,
            "display_name": "Biên tập viên Hoa",
            "role": "editor",
        },
    )  # no "active": unticked

    assert response.status_code == 302, field_errors(response.text)
    assert not is_logged_in(reporter)
    refused = login(app.test_client(), editor_user.username, PASSWORD)
    assert refused.status_code == 401 and flashes(refused.text) == [GENERIC_FAILURE]
    listing = manager.get("/admin/users")
    assert "Đã khóa" in listing.text.split(">bientap<", 1)[1].split("</tr>", 1)[0]
    (row,) = audit_rows(app, "user.update")
    assert "active=False" in row.detail and row.username == "quantri"


@pytest.mark.filterwarnings(TUPLE_CHOICES)
def test_an_administrator_resets_a_password(app, admin_user, editor_user):
    reporter = logged_in_client(app, editor_user)
    manager = logged_in_client(app, admin_user)

    response = manager.post(
        f"/admin/users/{editor_user.id}",
        data={
            "csrf_token": user_form(manager, editor_user.id),
            "username": editor_user.username,
            "display_name": "Biên tập viên Hoa",
            "role": "editor",
            "active": "y",
            "password": OTHER_PASSWORD,
        },
    )

    assert response.status_code == 302, field_errors(response.text)
    assert not is_logged_in(reporter)
    assert login(app.test_client(), editor_user.username, PASSWORD).status_code == 401
    assert login(app.test_client(), editor_user.username, OTHER_PASSWORD).status_code == 302
    assert is_logged_in(manager)
    (row,) = audit_rows(app, "user.password")
    assert (row.username, row.object_id) == ("quantri", str(editor_user.id))


@pytest.mark.filterwarnings(TUPLE_CHOICES)
def test_a_refused_password_in_the_user_form_saves_nothing(app, admin_user, editor_user):
    """The form comes back with an error, so the administrator believes nothing was saved."""
    reporter = logged_in_client(app, editor_user)
    manager = logged_in_client(app, admin_user)

    response = manager.post(
        f"/admin/users/{editor_user.id}",
        data={
            "csrf_token": user_form(manager, editor_user.id),
            "username": editor_user.username,
            "display_name": "Tên mới",
            "role": "editor",
            "active": "y",
            "password": "password123",
        },
    )

    assert response.status_code == 200
    assert any("quá phổ biến" in error for error in field_errors(response.text))
    user = get_user(app, editor_user.id)
    assert (user.display_name, user.active) == ("Biên tập viên Hoa", True)
    assert is_logged_in(reporter)


@pytest.mark.filterwarnings(TUPLE_CHOICES)
def test_an_administrator_cannot_deactivate_themself(app, admin_user):
    manager = logged_in_client(app, admin_user)

    for change in ({"role": "admin"}, {"role": "editor", "active": "y"}):
        response = manager.post(
            f"/admin/users/{admin_user.id}",
            data={
                "csrf_token": user_form(manager, admin_user.id),
                "username": admin_user.username,
                "display_name": "Quản trị",
                **change,
            },
        )

        assert response.status_code == 200
        assert "Bạn không thể tự khóa hoặc tự hạ quyền tài khoản của mình." in response.text
    user = get_user(app, admin_user.id)
    assert (user.active, user.role) == (True, "admin")
    assert is_logged_in(manager)
    assert manager.get("/admin/users").status_code == 200


def test_admin_forms_without_a_csrf_token_are_refused(app, admin_user, editor_user):
    manager = logged_in_client(app, admin_user)

    response = manager.post(
        f"/admin/users/{editor_user.id}",
        data={
            "username": editor_user.username,
            "display_name": "Biên tập viên Hoa",
            "role": "editor",
        },
    )

    assert response.status_code == 400
    assert get_user(app, editor_user.id).active is True
