"""Helpers for tests of accounts and logins: a controllable clock, users, logging in and out
through the real forms (with their CSRF tokens); reading the pages is tests/pages.py.

Not a test module: tests/conftest.py (the account fixtures), the accounts tests
(tests/auth_accounts/), the administration tests and the statistics tests import it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from pages import csrf_token_from

from app.auth.models import Role
from app.auth.operations import create_user
from app.extensions import db

# A password zxcvbn accepts and that contains none of the test usernames.
PASSWORD = "mây-trắng bay 27 lần"
OTHER_PASSWORD = "Lúa vàng 2024 trên đồi"

# What the login page says (app/auth/operations.py): the same for unknown users and bad passwords.
GENERIC_FAILURE = "Tên đăng nhập hoặc mật khẩu không đúng."
BLOCKED = "Đăng nhập tạm thời bị khóa do nhập sai nhiều lần."
IDLE_BAR_TEXT = (
    "Bạn đã không sử dụng Site, Bấm vào đây để duy trì trạng thái đăng nhập. Thời gian chờ: "
)


class Clock:
    """A clock the login throttle or the statistics read (make_app(AUTH_CLOCK=clock),
    STATS_CLOCK=clock), in epoch seconds; moves only when told."""

    def __init__(self, start: float | None = None) -> None:
        self.now = time.time() if start is None else start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@dataclass
class Account:
    id: int
    username: str
    password: str


def new_account(
    username: str, password: str = PASSWORD, *, role: Role = Role.EDITOR, categories=(), **fields
) -> Account:
    """Create a user (in the app context the caller holds); `fields` go to create_user,
    `categories` are the news categories the editor may edit (news keeps that assignment)."""
    user = create_user(username, password, role=role, **fields)
    if categories:
        user.categories = list(categories)
        db.session.commit()
    return Account(user.id, user.username, password)


def location_path(response) -> str:
    """Where a redirect sends the browser, as a path (asserting it stays on this site)."""
    target = urljoin("http://localhost/auth/login", response.headers["Location"])
    parts = urlsplit(target)
    assert parts.netloc == "localhost", f"redirect leaves the site: {response.headers['Location']}"
    return parts.path + (f"?{parts.query}" if parts.query else "")


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and location_path(response).startswith("/auth/login")


def page_token(client, path: str = "/auth/login", **kwargs) -> str:
    """The CSRF token of the form (or meta tag) on `path`, for this client's session."""
    response = client.get(path, **kwargs)
    assert response.status_code == 200, (path, response.status_code)
    return csrf_token_from(response.text)


def login(
    client,
    username: str,
    password: str,
    *,
    next: str | None = None,  # noqa: A002 - the query parameter's name
    remember: bool = False,
    ip: str | None = None,
    base_url: str | None = None,
):
    """Fill in and send the login form; the response to the POST (not followed)."""
    path = "/auth/login" + (f"?{urlencode({'next': next})}" if next is not None else "")
    extra = {"base_url": base_url} if base_url else {}
    if ip:
        extra["environ_base"] = {"REMOTE_ADDR": ip}
    data = {"csrf_token": page_token(client, path, **extra), "username": username,
            "password": password}  # fmt: skip
    if remember:
        data["remember"] = "y"
    # Over HTTPS a browser sends the page's address as Referer, and Flask-WTF checks it.
    headers = {"Referer": base_url + path} if base_url else {}
    return client.post(path, data=data, headers=headers, **extra)


def logged_in_client(app, account: Account, client=None, **kwargs):
    """`client`, else a new test client of `app`, logged in as `account` through the form
    (`kwargs` go to login()); the login must succeed."""
    client = app.test_client() if client is None else client
    response = login(client, account.username, account.password, **kwargs)
    assert response.status_code == 302, f"login of {account.username} failed:\n{response.text}"
    return client


def logout(client):
    token = page_token(client, "/admin/")
    return client.post("/auth/logout", data={"csrf_token": token})


def keepalive(client, token: str | None, **kwargs):
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["X-CSRFToken"] = token
    return client.post("/auth/keepalive", headers=headers, **kwargs)


def session_cookie_header(response) -> str:
    """The Set-Cookie header of the session cookie in `response`."""
    headers = [h for h in response.headers.getlist("Set-Cookie") if h.startswith("session=")]
    assert len(headers) == 1, response.headers.getlist("Set-Cookie")
    return headers[0]


def cookie_attributes(header: str) -> set[str]:
    """The attribute names of a Set-Cookie header, lowercased (`httponly`, `expires`…)."""
    return {part.split("=", 1)[0].strip().lower() for part in header.split(";")[1:]}
