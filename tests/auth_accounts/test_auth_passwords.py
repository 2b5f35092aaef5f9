"""Accounts: argon2id hashes and the password policy; the command line (create-admin,
set-password, …). Against the real embedded Redis and a migrated SQLite database.
"""

from __future__ import annotations

import argon2
import pytest
from auth_cases import ADMIN_HOME, LONG_TEXT, change_password, get_user, is_logged_in, long_password
from auth_helpers import (
    GENERIC_FAILURE,
    OTHER_PASSWORD,
    PASSWORD,
    location_path,
    logged_in_client,
    login,
)
from pages import field_errors, flashes
from sqlalchemy import func, select

from app.auth.models import User
from app.auth.operations import AccountError, create_user
from app.extensions import db

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- Password hashing and policy -----------------------------------------------------------------


@pytest.mark.real_password_hashing
def test_passwords_are_stored_as_argon2id_with_owasp_parameters(app, make_user):
    first = make_user("mot")
    second = make_user("hai")
    hashes = [get_user(app, account.id).password_hash for account in (first, second)]

    for stored in hashes:
        assert stored.startswith("$argon2id$v=19$"), stored
        assert PASSWORD not in stored
        params = argon2.extract_parameters(stored)
        assert params.type is argon2.Type.ID
        # OWASP: argon2id with at least 19 MiB and 2 passes (or more memory for fewer passes).
        assert params.memory_cost >= 19 * 1024, params
        assert params.time_cost >= 2, params
        assert params.salt_len >= 16, params
    assert hashes[0] != hashes[1], "same password, same hash: no salt"


@pytest.mark.real_password_hashing
def test_a_weak_old_hash_is_replaced_at_the_next_login(app, auth, editor_user):
    weak = argon2.PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1)
    with app.app_context():
        db.session.get(User, editor_user.id).password_hash = weak.hash(PASSWORD)
        db.session.commit()

    assert auth.login(editor_user).status_code == 302

    params = argon2.extract_parameters(get_user(app, editor_user.id).password_hash)
    assert params.memory_cost >= 19 * 1024 and params.time_cost >= 2, params


@pytest.mark.parametrize(
    ("username", "password", "reason"),
    [
        ("bientap", "k9#Vq2!", "ít nhất 8 ký tự"),
        ("bientap", "password123", "quá phổ biến"),
        ("bientap", "12345678", "quá phổ biến"),
        ("nguyenvana", "nguyenvana2024", "chứa tên đăng nhập"),
        ("nguyenvana", "Nguyenvana!1", "chứa tên đăng nhập"),
        ("bientap", LONG_TEXT[:129], "không được dài quá 128"),
    ],
    ids=[
        "7-chars",
        "password123",
        "12345678",
        "username+year",
        "username-capitalised",
        "129-chars",
    ],
)
def test_weak_passwords_are_refused(app, username, password, reason):
    with app.app_context(), pytest.raises(AccountError) as refused:
        create_user(username, password)
    assert reason in str(refused.value)
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0


def test_the_username_rule_refuses_what_it_alone_makes_weak(app):
    """Control for the case above: the same password is fine for another username."""
    with app.app_context():
        create_user("trantuan", "nguyenvana2024")


@pytest.mark.parametrize("length", [8, 64, 72, 73, 100, 128])
def test_passwords_of_8_to_128_characters_are_accepted_and_work(app, make_user, length):
    password = "k9#Vq2!m" if length == 8 else long_password(length)
    assert len(password) == length
    account = make_user("dainhat", password)

    response = login(app.test_client(), account.username, password)
    assert response.status_code == 302 and location_path(response) == ADMIN_HOME


def test_the_profile_form_refuses_a_common_password(app, client, auth, editor_user):
    auth.login(editor_user)

    response = change_password(client, PASSWORD, "password123")

    assert response.status_code == 200
    assert any("quá phổ biến" in error for error in field_errors(response.text))
    assert login(app.test_client(), editor_user.username, PASSWORD).status_code == 302


def test_the_profile_form_accepts_a_100_character_password(app, client, auth, editor_user):
    auth.login(editor_user)
    new = long_password(100)

    response = change_password(client, PASSWORD, new)

    assert response.status_code == 302, (response.status_code, field_errors(response.text))
    assert login(app.test_client(), editor_user.username, new).status_code == 302


# --- The command line ----------------------------------------------------------------------------


def test_create_admin_with_options_makes_an_administrator_who_can_log_in(app, runner):
    result = runner.invoke(
        args=[
            "create-admin",
            "--username",
            "QuanTri",
            "--display-name",
            "Ban quản trị",
            "--password",
            PASSWORD,
        ]
    )

    assert result.exit_code == 0, result.output
    assert "Administrator 'quantri' created." in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.username, user.display_name, user.role) == ("quantri", "Ban quản trị", "admin")
    response = login(app.test_client(), "quantri", PASSWORD)
    assert response.status_code == 302
    assert location_path(response) == ADMIN_HOME


def test_create_admin_reads_the_password_from_admin_password(app, runner):
    result = runner.invoke(
        args=["create-admin", "--username", "quantri"], env={"ADMIN_PASSWORD": OTHER_PASSWORD}
    )

    assert result.exit_code == 0, result.output
    assert "Mật khẩu" not in result.output, "prompted although ADMIN_PASSWORD was set"
    assert login(app.test_client(), "quantri", OTHER_PASSWORD).status_code == 302


def test_create_admin_prompts_for_what_is_missing(app, runner):
    result = runner.invoke(args=["create-admin"], input=f"quantri\n{PASSWORD}\n{PASSWORD}\n")

    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output, "the password was echoed"
    assert login(app.test_client(), "quantri", PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--username", "quantri", "--password", "12345678"], "quá phổ biến"),
        (["--username", "quantri", "--password", "short1!"], "ít nhất 8 ký tự"),
        (["--username", "quan tri!", "--password", PASSWORD], "Tên đăng nhập chỉ gồm"),
        (["--username", "bientap", "--password", PASSWORD], "Tên đăng nhập đã được dùng."),
    ],
    ids=["common-password", "short-password", "bad-username", "taken-username"],
)
def test_create_admin_refuses_bad_input_with_a_friendly_message(
    app, runner, editor_user, args, message
):
    result = runner.invoke(args=["create-admin", *args])

    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output and result.exception.__class__ is SystemExit
    with app.app_context():
        assert db.session.scalar(select(func.count(User.id)).where(User.role == "admin")) == 0


def test_set_password_changes_the_password_and_ends_the_users_sessions(app, runner, editor_user):
    browser = logged_in_client(app, editor_user)

    result = runner.invoke(args=["set-password", "bientap"], env={"NEW_PASSWORD": OTHER_PASSWORD})

    assert result.exit_code == 0, result.output
    assert not is_logged_in(browser)
    assert login(app.test_client(), "bientap", PASSWORD).status_code == 401
    assert login(app.test_client(), "bientap", OTHER_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["set-password", "khongco", "--password", PASSWORD], "No user named 'khongco'."),
        (["set-password", "bientap", "--password", "password123"], "quá phổ biến"),
    ],
    ids=["unknown-user", "common-password"],
)
def test_set_password_refuses_bad_input_with_a_friendly_message(
    app, runner, editor_user, args, message
):
    browser = logged_in_client(app, editor_user)

    result = runner.invoke(args=args)

    assert result.exit_code == 1, result.output
    assert result.output.startswith("Error: ") and message in result.output
    assert "Traceback" not in result.output
    assert is_logged_in(browser)


def test_no_account_exists_after_migrations_and_seed(app, runner):
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output

    with app.app_context():
        assert db.session.scalar(select(func.count(User.id))) == 0
    for username, password in [("admin", "admin"), ("admin", "admin123"), ("root", "root")]:
        response = login(app.test_client(), username, password)
        assert response.status_code == 401
        assert flashes(response.text) == [GENERIC_FAILURE]
