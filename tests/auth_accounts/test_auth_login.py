"""Logging in through the real form with its CSRF token: throttling under a controllable
clock, where the form sends the user (`next`), the session cookie's attributes.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest
from auth_cases import ADMIN_HOME, fail, is_logged_in
from auth_helpers import (
    BLOCKED,
    GENERIC_FAILURE,
    PASSWORD,
    Account,
    cookie_attributes,
    location_path,
    login,
    session_cookie_header,
)
from pages import csrf_token_from, flashes

from app.auth.operations import create_user

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- Throttling ----------------------------------------------------------------------------------


def test_five_failures_lock_the_username_and_ip_pair_for_thirty_minutes(app, clock, editor_user):
    here, elsewhere = "192.0.2.10", "192.0.2.99"
    for _ in range(4):
        response = fail(app, editor_user.username, here)
        assert response.status_code == 401 and flashes(response.text) == [GENERIC_FAILURE]
        clock.advance(30)

    fifth = fail(app, editor_user.username, here)
    assert fifth.status_code == 401
    assert BLOCKED in flashes(fifth.text)[0]

    # Even the right password is refused from here, with the same message…
    right = login(app.test_client(), editor_user.username, PASSWORD, ip=here)
    assert right.status_code == 401 and BLOCKED in flashes(right.text)[0]
    # …but not from another address.
    assert login(app.test_client(), editor_user.username, PASSWORD, ip=elsewhere).status_code == 302

    clock.advance(29 * 60)
    still = login(app.test_client(), editor_user.username, PASSWORD, ip=here)
    assert still.status_code == 401 and BLOCKED in flashes(still.text)[0]

    clock.advance(60 + 1)  # 30 minutes and a second after the lockout
    again = login(app.test_client(), editor_user.username, PASSWORD, ip=here)
    assert again.status_code == 302, flashes(again.text)


def test_failures_spread_over_more_than_five_minutes_do_not_lock(app, clock, editor_user):
    here = "192.0.2.10"
    for _ in range(4):
        fail(app, editor_user.username, here)
    clock.advance(5 * 60 + 1)

    fifth = fail(app, editor_user.username, here)
    assert flashes(fifth.text) == [GENERIC_FAILURE]
    assert login(app.test_client(), editor_user.username, PASSWORD, ip=here).status_code == 302


def test_an_account_takes_at_most_100_failures_an_hour_from_anywhere(app, clock, editor_user):
    from app.auth.operations import throttle

    # 99 failures from 99 addresses, recorded by the throttle the login form uses (each one
    # through the form would cost an argon2 verification: ~15 s).
    with app.test_request_context():
        guard = throttle()
        for n in range(99):
            guard.failure(editor_user.username, f"10.0.{n // 200}.{n % 200 + 1}")
    assert (
        login(app.test_client(), editor_user.username, PASSWORD, ip="203.0.113.1").status_code
        == 302
    )

    hundredth = fail(app, editor_user.username, "203.0.113.2")
    assert flashes(hundredth.text) == [GENERIC_FAILURE]

    for ip in ("203.0.113.3", "198.51.100.200"):  # never seen before: blocked anyway
        blocked = login(app.test_client(), editor_user.username, PASSWORD, ip=ip)
        assert blocked.status_code == 401 and BLOCKED in flashes(blocked.text)[0]
    # Other accounts are not affected.
    other = Account(0, "khac", PASSWORD)
    with app.app_context():
        create_user(other.username, other.password)
    assert login(app.test_client(), "khac", PASSWORD, ip="203.0.113.3").status_code == 302

    clock.advance(3600 + 1)
    response = login(app.test_client(), editor_user.username, PASSWORD, ip="203.0.113.3")
    assert response.status_code == 302, flashes(response.text)


def normalised(page: str, *values: str) -> str:
    page = page.replace(csrf_token_from(page), "TOKEN")
    for value in values:
        page = page.replace(value, "USERNAME")
    return page


def test_unknown_users_and_wrong_passwords_get_identical_answers(app, editor_user):
    wrong = login(app.test_client(), editor_user.username, "sai-mat-khau-roi", ip="192.0.2.1")
    unknown = login(app.test_client(), "khongtontai", "sai-mat-khau-roi", ip="192.0.2.2")

    assert wrong.status_code == unknown.status_code == 401
    assert flashes(wrong.text) == flashes(unknown.text) == [GENERIC_FAILURE]
    assert normalised(wrong.text, editor_user.username) == normalised(unknown.text, "khongtontai")

    # Locked out the same way too.
    for _ in range(4):
        wrong = login(app.test_client(), editor_user.username, "sai-mat-khau-roi", ip="192.0.2.1")
        unknown = login(app.test_client(), "khongtontai", "sai-mat-khau-roi", ip="192.0.2.2")
    assert wrong.status_code == unknown.status_code == 401
    assert flashes(wrong.text) == flashes(unknown.text)
    assert BLOCKED in flashes(unknown.text)[0]


def test_logins_failures_and_lockouts_are_logged_without_passwords(app, editor_user, caplog):
    caplog.set_level(logging.INFO, logger="app")
    for _ in range(5):
        fail(app, editor_user.username, "192.0.2.7", password="mat-khau-sai-bi-mat")
    login(app.test_client(), editor_user.username, PASSWORD, ip="192.0.2.7")
    login(app.test_client(), editor_user.username, PASSWORD, ip="192.0.2.8")

    messages = [r.getMessage() for r in caplog.records if r.name == "app.auth"]
    failures = [m for m in messages if m.startswith("login failed") and "192.0.2.7" in m]
    assert len(failures) == 5, messages
    assert all("'bientap'" in m for m in failures)
    assert "LOCKED" in failures[-1] and "LOCKED" not in failures[0]
    assert any(m.startswith("login blocked") and "192.0.2.7" in m for m in messages), messages
    assert any(m.startswith("login user='bientap'") and "192.0.2.8" in m for m in messages)
    assert "mat-khau-sai-bi-mat" not in caplog.text and PASSWORD not in caplog.text


# --- Where the login form sends the user ---------------------------------------------------------


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "//evil.example/admin/",
        "/\\evil.example",
        "\\\\evil.example",
        "https://evil.example",
        "http://localhost.evil.example/",
        "javascript:alert(1)",
        "/\t/evil.example",
        " //evil.example",
        "evil.example",
        "https:evil.example",
    ],
)
def test_unsafe_next_values_go_to_the_default_page(app, editor_user, target):
    response = login(app.test_client(), editor_user.username, PASSWORD, next=target)

    assert response.status_code == 302
    assert location_path(response) == ADMIN_HOME


def test_an_encoded_double_slash_stays_on_the_site(app, editor_user):
    browser = app.test_client()
    response = login(browser, editor_user.username, PASSWORD, next="/%2F%2Fevil.example")

    assert response.status_code == 302
    landing = location_path(response)  # asserts the host is still ours
    assert landing in (ADMIN_HOME, "/%2F%2Fevil.example")
    followed = browser.get(landing)
    if followed.status_code in (301, 302, 303, 307, 308):
        location_path(followed)


def test_a_local_next_path_is_honoured(app, editor_user):
    response = login(app.test_client(), editor_user.username, PASSWORD, next="/admin/users?page=2")

    assert response.status_code == 302
    assert location_path(response) == "/admin/users?page=2"


def test_a_logged_in_user_sent_to_the_login_page_is_not_redirected_off_site(
    app, client, auth, editor_user
):
    auth.login(editor_user)

    response = client.get("/auth/login?next=//evil.example")

    assert response.status_code == 302 and location_path(response) == ADMIN_HOME


# --- Cookies -------------------------------------------------------------------------------------


def test_the_session_cookie_is_httponly_lax_and_ends_with_the_browser(app, client, editor_user):
    response = login(client, editor_user.username, PASSWORD)

    header = session_cookie_header(response)
    attributes = cookie_attributes(header)
    assert "httponly" in attributes
    assert "samesite=lax" in header.lower()
    assert "secure" not in attributes  # plain HTTP: a Secure cookie would be dropped
    assert not {"expires", "max-age"} & attributes


def test_the_session_cookie_is_secure_over_https(app, client, editor_user):
    response = login(client, editor_user.username, PASSWORD, base_url="https://localhost")

    header = session_cookie_header(response)
    assert {"secure", "httponly"} <= cookie_attributes(header)
    assert "samesite=lax" in header.lower()


def test_remember_me_is_ignored_for_administrators(app, client, admin_user):
    response = login(client, admin_user.username, admin_user.password, remember=True)

    assert response.status_code == 302
    assert not {"expires", "max-age"} & cookie_attributes(session_cookie_header(response))
    assert all(not h.startswith("remember_token=") for h in response.headers.getlist("Set-Cookie"))


def test_remember_me_keeps_an_editor_logged_in_at_most_twelve_hours(app, client, editor_user):
    response = login(client, editor_user.username, PASSWORD, remember=True)

    header = session_cookie_header(response)
    assert "expires" in cookie_attributes(header)
    expires = parsedate_to_datetime(header.lower().split("expires=")[1].split(";")[0])
    left = expires - datetime.now(UTC)
    assert timedelta(hours=11, minutes=59) < left <= timedelta(hours=12, seconds=5)
    # Restart the browser: only persistent cookies survive.
    restarted = app.test_client()
    restarted.set_cookie("session", client.get_cookie("session").value)
    assert is_logged_in(restarted)
