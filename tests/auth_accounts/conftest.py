"""Fixtures of the accounts and logins tests: an app that keeps no app context pushed (so
`flask.g`, where Flask-Login caches the current user, does not leak from one test-client
request into the next), whose login throttle reads the test's clock; accounts; log in/out.
"""

from __future__ import annotations

import itertools

import pytest
from auth_helpers import OTHER_PASSWORD, PASSWORD, Account, Clock, login, logout, new_account

from app.auth.models import Role


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(request, make_contextless_app, clock):
    """Replaces conftest's `app`: no application context stays pushed during the test, so
    `flask.g` (where Flask-Login caches the current user) does not leak from one test-client
    request into the next. The throttle reads `clock`; indirect parametrization adds config."""
    return make_contextless_app(AUTH_CLOCK=clock, **getattr(request, "param", {}))


@pytest.fixture
def make_user(app):
    """make_user(username=None, password=PASSWORD, role=Role.EDITOR, **fields) -> Account."""
    counter = itertools.count(1)

    def factory(
        username: str | None = None, password: str = PASSWORD, *, role: Role = Role.EDITOR, **fields
    ) -> Account:
        username = username or f"bientap{next(counter)}"
        with app.app_context():
            return new_account(username, password, role=role, **fields)

    return factory


@pytest.fixture
def auth(client):
    """Log `client` in and out through the forms."""

    class Auth:
        def login(self, account: Account, **kwargs):
            return login(client, account.username, account.password, **kwargs)

        def logout(self):
            return logout(client)

    return Auth()


@pytest.fixture
def editor(make_user) -> Account:
    return make_user("bientap", display_name="Biên tập viên Hoa")


@pytest.fixture
def admin(make_user) -> Account:
    return make_user("quantri", OTHER_PASSWORD, role=Role.ADMIN, display_name="Quản trị")
