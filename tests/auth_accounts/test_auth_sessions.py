"""Server-side sessions: fixation, replay after logout, password changes, idle and absolute
limits, what extends the idle clock, the keepalive endpoint and the bar in the pages.
"""

from __future__ import annotations

import time
from datetime import UTC, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from audit_log import audit_rows
from auth_cases import (
    ADMIN_HOME,
    EXPIRED_MESSAGE,
    IDLE,
    all_sessions,
    backdate_sessions,
    change_password,
    is_logged_in,
    live_sessions,
)
from auth_helpers import (
    IDLE_BAR_TEXT,
    OTHER_PASSWORD,
    PASSWORD,
    is_login_redirect,
    keepalive,
    location_path,
    logged_in_client,
    login,
    page_token,
)
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from pages import field_errors, flashes

from app.dates import utcnow

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- Sessions ------------------------------------------------------------------------------------


def test_login_starts_a_new_session(app, client, auth, editor_user):
    old_token = page_token(client)
    with client.session_transaction() as planted:
        planted["planted"] = "by-an-attacker"
    before = client.get_cookie("session").value
    attacker = app.test_client()
    attacker.set_cookie("session", before)

    assert auth.login(editor_user).status_code == 302

    after = client.get_cookie("session").value
    assert after != before
    with client.session_transaction() as current:
        assert "planted" not in current
    assert is_logged_in(client)
    assert not is_logged_in(attacker), "the pre-login cookie was logged in too"
    # The CSRF token of the anonymous session no longer works.
    assert keepalive(client, old_token).status_code == 400


def test_a_cookie_copied_before_logout_is_refused_after_it(app, client, auth, editor_user):
    auth.login(editor_user)
    token = page_token(client, ADMIN_HOME)
    copied = client.get_cookie("session").value

    assert auth.logout().status_code == 302
    assert not is_logged_in(client)

    replay = app.test_client()
    replay.set_cookie("session", copied)
    response = replay.get(ADMIN_HOME)
    assert is_login_redirect(response)
    answer = keepalive(replay, token)
    assert answer.status_code == 401 and answer.json["active"] is False
    assert [s.ended_reason for s in all_sessions(app, editor_user.id)] == ["logout"]


def test_changing_the_password_ends_the_other_sessions_but_keeps_this_one(
    app, client, auth, editor_user
):
    auth.login(editor_user)
    elsewhere = logged_in_client(app, editor_user)

    response = change_password(client, PASSWORD, OTHER_PASSWORD)

    assert response.status_code == 302
    page = client.get(location_path(response))
    assert page.status_code == 200
    assert "Đã đổi mật khẩu. Các phiên đăng nhập khác đã được đăng xuất." in flashes(page.text)
    assert is_logged_in(client)
    assert not is_logged_in(elsewhere)
    assert login(app.test_client(), editor_user.username, PASSWORD).status_code == 401
    assert login(app.test_client(), editor_user.username, OTHER_PASSWORD).status_code == 302
    (row,) = audit_rows(app, "user.password")
    assert (row.username, row.object_type, row.object_id) == (
        "bientap",
        "user",
        str(editor_user.id),
    )


def test_a_wrong_current_password_changes_nothing(app, client, auth, editor_user):
    auth.login(editor_user)
    elsewhere = logged_in_client(app, editor_user)

    response = change_password(client, "doan-bua-thoi", OTHER_PASSWORD)

    assert response.status_code == 200
    assert "Mật khẩu hiện tại không đúng." in field_errors(response.text)
    assert is_logged_in(elsewhere)
    assert login(app.test_client(), editor_user.username, PASSWORD).status_code == 302


def test_an_idle_session_is_ended_by_the_server(app, client, auth, editor_user):
    auth.login(editor_user)

    backdate_sessions(app, editor_user.id, last_active_at=utcnow() - timedelta(seconds=IDLE - 30))
    assert is_logged_in(client), "logged out before the idle timeout"

    backdate_sessions(app, editor_user.id, last_active_at=utcnow() - timedelta(seconds=IDLE + 5))
    response = client.get("/admin/users?page=2")
    assert is_login_redirect(response)
    assert parse_qs(urlsplit(location_path(response)).query)["next"] == ["/admin/users?page=2"]
    assert not is_logged_in(client)
    assert [s.ended_reason for s in all_sessions(app, editor_user.id)] == ["idle"]


@pytest.mark.parametrize("app", [{"IDLE_TIMEOUT_SECONDS": 60}], indirect=True)
def test_the_idle_timeout_is_configurable(app, client, auth, editor_user):
    auth.login(editor_user)
    backdate_sessions(app, editor_user.id, last_active_at=utcnow() - timedelta(seconds=50))
    assert is_logged_in(client)

    backdate_sessions(app, editor_user.id, last_active_at=utcnow() - timedelta(seconds=61))
    assert not is_logged_in(client)


@pytest.mark.parametrize("app", [{"IDLE_TIMEOUT_SECONDS": 2}], indirect=True)
def test_the_idle_timeout_runs_on_the_real_clock(app, client, auth, editor_user):
    auth.login(editor_user)
    time.sleep(1.0)
    assert is_logged_in(client)  # activity: the clock starts again

    time.sleep(2.3)
    assert not is_logged_in(client)


def test_a_session_ends_twelve_hours_after_login_however_active(app, client, auth, editor_user):
    auth.login(editor_user)

    backdate_sessions(app, editor_user.id, created_at=utcnow() - timedelta(hours=11, minutes=59))
    assert is_logged_in(client)

    backdate_sessions(app, editor_user.id, created_at=utcnow() - timedelta(hours=12, seconds=5))
    assert not is_logged_in(client)
    assert [s.ended_reason for s in all_sessions(app, editor_user.id)] == ["lifetime"]


def test_the_keepalive_deadline_never_passes_the_absolute_lifetime(app, client, auth, editor_user):
    auth.login(editor_user)
    token = page_token(client, ADMIN_HOME)
    backdate_sessions(app, editor_user.id, created_at=utcnow() - timedelta(hours=11, minutes=55))

    answer = keepalive(client, token)

    assert answer.status_code == 200
    assert abs(answer.json["deadline"] - (time.time() + 5 * 60)) < 5, answer.json


def stream_first_chunk(client) -> bytes:
    response = client.get("/stats/stream", buffered=False)
    try:
        assert response.status_code == 200
        assert response.mimetype == "text/event-stream"
        return next(iter(response.response))
    finally:
        response.close()


def test_background_requests_do_not_extend_the_idle_clock(app, client, auth, editor_user):
    auth.login(editor_user)
    page_token(client, ADMIN_HOME)
    earlier = (utcnow() - timedelta(minutes=10)).replace(microsecond=0)
    backdate_sessions(app, editor_user.id, last_active_at=earlier)

    assert b"retry:" in stream_first_chunk(client)
    assert client.get("/api/stats", headers={"Accept": "application/json"}).status_code == 200
    status = client.get("/auth/session", headers={"Accept": "application/json"})
    assert status.status_code == 200 and status.json["active"] is True
    assert abs(status.json["deadline"] - (earlier.replace(tzinfo=UTC).timestamp() + IDLE)) < 1
    script = client.get("/static/js/idle-timeout.js")
    script.close()
    assert script.status_code == 200

    (row,) = live_sessions(app, editor_user.id)
    assert row.last_active_at == earlier

    # Control: a page the user opens is activity.
    assert client.get(ADMIN_HOME).status_code == 200
    (row,) = live_sessions(app, editor_user.id)
    assert row.last_active_at > earlier + timedelta(minutes=9)


def test_keepalive_extends_the_idle_clock_and_answers_the_deadline(app, client, auth, editor_user):
    auth.login(editor_user)
    token = page_token(client, ADMIN_HOME)
    earlier = utcnow() - timedelta(minutes=29)
    backdate_sessions(app, editor_user.id, last_active_at=earlier)

    answer = keepalive(client, token)

    assert answer.status_code == 200
    assert answer.headers["Cache-Control"] == "no-store"
    body = answer.json
    assert body["active"] is True and body["idle_timeout"] == IDLE
    assert abs(body["now"] - time.time()) < 5
    assert abs(body["deadline"] - (time.time() + IDLE)) < 5
    (row,) = live_sessions(app, editor_user.id)
    assert row.last_active_at > earlier + timedelta(minutes=28)


def test_keepalive_answers_401_json_when_the_session_is_over(app, client, auth, editor_user):
    auth.login(editor_user)
    token = page_token(client, ADMIN_HOME)
    backdate_sessions(app, editor_user.id, last_active_at=utcnow() - timedelta(seconds=IDLE + 1))

    answer = keepalive(client, token)

    assert answer.status_code == 401
    assert answer.json == {
        "active": False,
        "message": "Phiên đăng nhập đã hết hạn.",
        "login": "/auth/login?expired=1",
    }
    login_page = client.get(answer.json["login"])
    assert login_page.status_code == 200
    assert EXPIRED_MESSAGE in flashes(login_page.text)
    assert client.get("/auth/session").status_code == 401


def test_keepalive_without_a_valid_csrf_token_is_refused(app, client, auth, editor_user):
    auth.login(editor_user)
    page_token(client, ADMIN_HOME)
    stranger = app.test_client()
    foreign_token = page_token(stranger, "/auth/login")
    earlier = (utcnow() - timedelta(minutes=10)).replace(microsecond=0)
    backdate_sessions(app, editor_user.id, last_active_at=earlier)

    for token in (None, foreign_token, "not-a-token"):
        answer = keepalive(client, token)
        assert answer.status_code == 400, token
        assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in answer.json["message"]

    (row,) = live_sessions(app, editor_user.id)
    assert row.last_active_at == earlier


def test_a_csrf_token_does_not_expire_while_the_session_is_kept_alive(
    app, client, auth, editor_user
):
    """Flask-WTF's default would refuse a token older than an hour: an editor with a form open
    all afternoon would lose the save."""
    auth.login(editor_user)
    page_token(client, ADMIN_HOME)
    with client.session_transaction() as current:
        raw = current["csrf_token"]

    class TwoHoursAgo(TimestampSigner):
        def get_timestamp(self) -> int:
            return int(time.time()) - 2 * 3600

    signed = URLSafeTimedSerializer("test-secret", salt="wtf-csrf-token", signer=TwoHoursAgo)
    old_token = signed.dumps(raw)

    assert keepalive(client, old_token).status_code == 200


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/auth/profile", {"current": PASSWORD, "new": OTHER_PASSWORD, "confirm": OTHER_PASSWORD}),
        ("/auth/logout", {}),
    ],
)
def test_forms_without_a_valid_csrf_token_are_refused(app, client, auth, editor_user, path, data):
    auth.login(editor_user)
    stranger_token = page_token(app.test_client(), "/auth/login")

    for token in (None, stranger_token):
        sent = dict(data, **({"csrf_token": token} if token else {}))
        response = client.post(path, data=sent)
        assert response.status_code == 400
        assert "Phiên làm việc đã hết hạn hoặc biểu mẫu không hợp lệ" in response.text

    assert is_logged_in(client)
    assert login(app.test_client(), editor_user.username, PASSWORD).status_code == 302


def test_the_login_form_without_a_csrf_token_is_refused(app, client, editor_user):
    client.get("/auth/login")
    response = client.post(
        "/auth/login", data={"username": editor_user.username, "password": PASSWORD}
    )

    assert response.status_code == 400
    assert not is_logged_in(client)


# --- The keepalive bar in the pages --------------------------------------------------------------


def test_logged_in_pages_carry_the_idle_bar_and_anonymous_pages_do_not(
    app, client, auth, editor_user
):
    assert 'id="idle-bar"' not in client.get("/").text

    auth.login(editor_user)
    for path in ("/", ADMIN_HOME):
        page = client.get(path).text
        assert 'id="idle-bar" class="idle-bar" role="alert" hidden' in page
        assert (IDLE_BAR_TEXT + '<span class="idle-bar-seconds">60</span> giây') in page
        assert f'data-idle="{IDLE}"' in page and 'data-warning="60"' in page
        assert "/static/js/idle-timeout.js" in page
