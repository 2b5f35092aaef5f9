"""Issue 9: login floods and address rotation, OWASP device cookies that keep the owner's
browser working, session writes, and what counts as use of a session.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import pytest
from auth_cases import ADMIN_HOME, backdate_sessions, fail, is_logged_in, live_sessions
from auth_helpers import (
    BLOCKED,
    GENERIC_FAILURE,
    OTHER_PASSWORD,
    PASSWORD,
    Account,
    cookie_attributes,
    is_login_redirect,
    keepalive,
    location_path,
    logged_in_client,
    login,
    logout,
    page_token,
)
from pages import csrf_token_from, flashes

from app.dates import utcnow

pytestmark = pytest.mark.contextless  # conftest's `app` keeps no app context pushed


# --- Issue 9: floods, device cookies, session writes, what counts as use -------------------------


# What a browser sends when the user follows a link or types an address.
NAVIGATE = {
    "Sec-Fetch-Mode": "navigate",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
}
TOO_MANY_TEXT = "Có quá nhiều lần đăng nhập từ địa chỉ mạng của bạn"
SESSION_UNAVAILABLE_TEXT = "Hệ thống tạm thời không ghi được phiên đăng nhập"


class CountingHasher:
    """The real argon2 hasher, counting the hashes and verifications asked of it."""

    def __init__(self, real) -> None:
        self.real = real
        self.calls = 0

    def hash(self, *args, **kwargs):
        self.calls += 1
        return self.real.hash(*args, **kwargs)

    def verify(self, *args, **kwargs):
        self.calls += 1
        return self.real.verify(*args, **kwargs)

    def check_needs_rehash(self, stored_hash):
        return self.real.check_needs_rehash(stored_hash)


@pytest.fixture
def hasher(monkeypatch):
    from app.auth import passwords

    passwords._dummy_hash()  # made once per process: not part of what a test counts
    counting = CountingHasher(passwords.hasher)
    monkeypatch.setattr(passwords, "hasher", counting)
    return counting


def test_a_login_flood_from_one_address_gets_429_without_any_hashing(app, hasher, caplog):
    caplog.set_level(logging.DEBUG, logger="app.auth")
    flooder = "198.51.100.66"
    answers = []
    for n in range(40):
        before = hasher.calls
        response = login(app.test_client(), f"khach{n}", "doan-mot-mat-khau", ip=flooder)
        answers.append((response.status_code, hasher.calls - before))

    # The default allowance (30 a minute) is spent on 30 verifications; the other ten were
    # answered 429 before any hashing.
    assert answers[:30] == [(401, 1)] * 30
    assert answers[30:] == [(429, 0)] * 10
    refused = login(app.test_client(), "khach0", "doan-mot-mat-khau", ip=flooder)
    assert refused.status_code == 429
    assert TOO_MANY_TEXT in refused.text and int(refused.headers["Retry-After"]) >= 1
    # One warning for the flood, not one per request.
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING
                and r.getMessage().startswith("login flood")]  # fmt: skip
    assert len(warnings) == 1 and flooder in warnings[0], warnings
    # Another address is not affected.
    assert login(app.test_client(), "khach0", "doan-mot-mat-khau", ip="192.0.2.50").status_code \
        == 401  # fmt: skip


@pytest.mark.parametrize("app", [{"LOGIN_IP_LIMIT": 3}], indirect=True)
def test_the_per_address_limit_is_a_sliding_minute_with_retry_after(
    app, clock, editor_user, hasher
):
    here, elsewhere = "203.0.113.40", "203.0.113.41"
    for n in range(3):
        assert fail(app, editor_user.username, here).status_code == 401
        clock.advance(10 if n < 2 else 0)

    response = login(app.test_client(), editor_user.username, PASSWORD, ip=here)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "40"  # the first attempt leaves the minute then
    assert TOO_MANY_TEXT in response.text and "40 giây" in response.text
    assert 'href="/auth/login"' in response.text  # the way back to the form
    assert login(app.test_client(), editor_user.username, PASSWORD, ip=elsewhere).status_code == 302

    clock.advance(41)
    calls = hasher.calls
    assert login(app.test_client(), editor_user.username, PASSWORD, ip=here).status_code == 302
    assert hasher.calls == calls + 1


def test_while_redis_is_down_logins_work_under_stricter_limits_kept_in_memory(
    make_app, editor_user, hasher
):
    from app.auth.operations import OUTAGE_ACCOUNT_LIMIT

    down = make_app(REDIS_URL="redis://127.0.0.1:1/0", REDIS_SOCKET_TIMEOUT=0.2)

    # The owner logs in: the outage costs no editor their work.
    assert login(down.test_client(), editor_user.username, PASSWORD).status_code == 302
    assert hasher.calls == 1

    # Guessing from many addresses: each attempt counts against the account in memory.
    for n in range(OUTAGE_ACCOUNT_LIMIT - 1):
        response = login(down.test_client(), editor_user.username, OTHER_PASSWORD,
                         ip=f"203.0.113.{n + 1}")  # fmt: skip
        assert response.status_code == 401
    assert hasher.calls == OUTAGE_ACCOUNT_LIMIT
    response = login(down.test_client(), editor_user.username, PASSWORD, ip="198.51.100.7")
    assert response.status_code == 429  # the account's outage allowance is spent
    assert int(response.headers["Retry-After"]) > 0
    assert hasher.calls == OUTAGE_ACCOUNT_LIMIT  # refused before any hashing


def test_while_redis_is_down_the_per_address_limit_still_holds(make_app, editor_user, hasher):
    down = make_app(REDIS_URL="redis://127.0.0.1:1/0", REDIS_SOCKET_TIMEOUT=0.2,
                    LOGIN_IP_LIMIT=3)  # fmt: skip
    here = "203.0.113.77"
    for _ in range(3):
        assert login(down.test_client(), "nobody", OTHER_PASSWORD, ip=here).status_code == 401
    response = login(down.test_client(), editor_user.username, PASSWORD, ip=here)
    assert response.status_code == 429
    assert login(down.test_client(), editor_user.username, PASSWORD,
                 ip="203.0.113.78").status_code == 302  # fmt: skip


def test_hashing_runs_in_the_heavy_thread_pool_under_gevent():
    """Under a gevent worker argon2 leaves the event loop, at a lower CPU priority than the
    loop: run where gevent has patched threading, in a fresh interpreter, and see which
    thread did the hashing and at what niceness."""
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        from gevent import monkey; monkey.patch_all()
        import os, threading
        from app.auth import passwords
        seen, nice = [], set()
        real = passwords.hasher
        class Spy:
            def hash(self, p):
                seen.append(threading.get_native_id())
                nice.add(os.getpriority(os.PRIO_PROCESS, 0))
                return real.hash(p)
            def verify(self, h, p):
                seen.append(threading.get_native_id())
                nice.add(os.getpriority(os.PRIO_PROCESS, 0))
                return real.verify(h, p)
        passwords.hasher = Spy()
        stored = passwords.hash_password("mây-trắng bay 27 lần")
        ok = passwords.verify_password(stored, "mây-trắng bay 27 lần")
        bad = passwords.verify_password(None, "x")
        loop = threading.get_native_id()
        print(ok, bad, len(seen), loop in seen, sorted(nice),
              os.getpriority(os.PRIO_PROCESS, 0))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    ok, unknown, hashed, on_the_loop, *niceness = done.stdout.split()
    assert (ok, unknown, hashed, on_the_loop) == ("True", "False", "4", "False"), done.stdout
    assert niceness == ["[10]", "0"], done.stdout  # pool threads niced, the loop untouched


def device_cookie_name(app, username: str) -> str:
    from app.auth.devices import cookie_name

    with app.test_request_context():
        return cookie_name(username)


def device_cookie(app, client, username: str):
    return client.get_cookie(device_cookie_name(app, username), path="/auth/")


def owners_browser(app, account: Account, ip: str = "192.0.2.200"):
    """A browser the owner logged in with once (then logged out): it holds a device cookie."""
    browser = logged_in_client(app, account, ip=ip)
    assert logout(browser).status_code == 302
    assert device_cookie(app, browser, account.username) is not None
    return browser


def lock_out_untrusted_clients(app, account: Account) -> None:
    """What the attack of issue 9 did: 5 wrong passwords from each of 21 addresses. The first
    address goes through the form; the other 100 failures are recorded by the throttle the
    form uses (each through the form would cost an argon2 verification)."""
    from app.auth.operations import throttle

    for _ in range(5):
        fail(app, account.username, "10.9.0.1")
    with app.test_request_context():
        guard = throttle()
        for n in range(2, 22):
            for _ in range(5):
                guard.failure(account.username, f"10.9.0.{n}")


def test_a_lockout_by_many_addresses_does_not_lock_out_the_owners_browser(app, admin_user, caplog):
    caplog.set_level(logging.INFO, logger="app.auth")
    browser = owners_browser(app, admin_user)

    lock_out_untrusted_clients(app, admin_user)

    # Untrusted clients are locked out: a new address, and an attacking one…
    for ip in ("203.0.113.77", "10.9.0.1"):
        refused = login(app.test_client(), admin_user.username, admin_user.password, ip=ip)
        assert refused.status_code == 401 and BLOCKED in flashes(refused.text)[0]
    # …but the owner's browser logs in, even from an address the attack used.
    response = login(browser, admin_user.username, admin_user.password, ip="10.9.0.1")
    assert response.status_code == 302, flashes(response.text)
    assert is_logged_in(browser)
    assert any(m.startswith("login user='quantri'") for m in caplog.messages)


def test_a_forged_or_foreign_device_cookie_does_not_help(app, admin_user, editor_user):
    other_secret = make_device_value(app, admin_user.username, secret="not-the-secret")
    insiders_cookie = device_cookie(
        app, owners_browser(app, editor_user), editor_user.username
    ).value
    genuine = device_cookie(app, owners_browser(app, admin_user), admin_user.username).value
    tampered = genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")
    lock_out_untrusted_clients(app, admin_user)

    name = device_cookie_name(app, admin_user.username)
    for value in (other_secret, insiders_cookie, tampered, "garbage"):
        attacker = app.test_client()
        attacker.set_cookie(name, value, path="/auth/")
        refused = login(attacker, admin_user.username, admin_user.password, ip="203.0.113.9")
        assert refused.status_code == 401 and BLOCKED in flashes(refused.text)[0], value


def make_device_value(app, username: str, *, secret: str) -> str:
    from itsdangerous import URLSafeTimedSerializer

    from app.auth.devices import SALT

    return URLSafeTimedSerializer(secret, salt=SALT).dumps({"u": username, "n": "n" * 32})


def test_the_owners_device_is_locked_after_five_failures_of_its_own(
    app, clock, editor_user, caplog
):
    caplog.set_level(logging.INFO, logger="app.auth")
    browser = owners_browser(app, editor_user)
    second_device = owners_browser(app, editor_user, ip="192.0.2.201")

    for _ in range(4):
        response = login(browser, editor_user.username, "sai-mat-khau-roi")
        assert response.status_code == 401 and flashes(response.text) == [GENERIC_FAILURE]
    fifth = login(browser, editor_user.username, "sai-mat-khau-roi")
    assert fifth.status_code == 401 and BLOCKED in flashes(fifth.text)[0]
    right = login(browser, editor_user.username, PASSWORD)
    assert right.status_code == 401 and BLOCKED in flashes(right.text)[0]

    # Its failures were its own: the owner's other browser, and the untrusted pool from the
    # same address, are not locked.
    assert login(second_device, editor_user.username, PASSWORD).status_code == 302
    assert login(app.test_client(), editor_user.username, PASSWORD).status_code == 302
    logged = [m for m in caplog.messages if m.startswith("login failed")]
    assert len(logged) == 5 and all("device=" in m and "device_failures" in m for m in logged)
    assert "LOCKED" in logged[-1]

    clock.advance(30 * 60 + 1)
    assert login(browser, editor_user.username, PASSWORD).status_code == 302


def test_the_device_cookie_is_signed_httponly_strict_and_only_sent_to_the_login(app, editor_user):
    browser = app.test_client()
    response = login(browser, editor_user.username, PASSWORD)
    name = device_cookie_name(app, editor_user.username)
    (header,) = [h for h in response.headers.getlist("Set-Cookie") if h.startswith(name + "=")]

    assert {"httponly", "path", "max-age", "samesite", "expires"} <= cookie_attributes(header)
    assert "Path=/auth/" in header and "SameSite=Strict" in header
    assert f"Max-Age={90 * 86400}" in header
    assert editor_user.username not in name and len(name) == len("device_") + 16


def last_active(app, account: Account) -> datetime:
    (row,) = live_sessions(app, account.id)
    return row.last_active_at


def test_page_views_store_the_idle_clock_at_most_every_30_seconds(app, client, auth, editor_user):
    auth.login(editor_user)
    recent = (utcnow() - timedelta(seconds=20)).replace(microsecond=0)
    backdate_sessions(app, editor_user.id, last_active_at=recent)

    for _ in range(3):
        assert client.get(ADMIN_HOME, headers=NAVIGATE).status_code == 200
    assert last_active(app, editor_user) == recent  # nothing written

    backdate_sessions(app, editor_user.id, last_active_at=utcnow() - timedelta(seconds=31))
    assert client.get(ADMIN_HOME, headers=NAVIGATE).status_code == 200
    assert last_active(app, editor_user) > utcnow() - timedelta(seconds=5)


def test_a_read_only_database_serves_logged_in_pages_and_answers_logins_503(
    app, make_contextless_app, clock, editor_user, caplog
):
    caplog.set_level(logging.INFO, logger="app.auth")
    browser = logged_in_client(app, editor_user)
    earlier = (utcnow() - timedelta(minutes=5)).replace(microsecond=0)
    backdate_sessions(app, editor_user.id, last_active_at=earlier)  # a write is due
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
        database = {"SQLALCHEMY_DATABASE_URI": f"sqlite:///file:{path}?mode=ro&uri=true"}
    else:  # PostgreSQL: every transaction read-only (a replica, or a server out of space)
        options = {"options": "-c default_transaction_read_only=on"}
        database = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "connect_args": options}}
    read_only = make_contextless_app(flush=False, AUTH_CLOCK=clock, **database)
    reader = read_only.test_client()
    reader.set_cookie("session", browser.get_cookie("session").value)

    page = reader.get(ADMIN_HOME, headers=NAVIGATE)
    assert page.status_code == 200 and 'id="idle-bar"' in page.text
    token = csrf_token_from(page.text)
    answer = keepalive(reader, token)
    assert answer.status_code == 200 and answer.json["active"] is True
    assert any("could not record idle clock" in m for m in caplog.messages), caplog.messages
    assert last_active(app, editor_user) == earlier

    # Logging out still logs this browser out, and says the server could not record it.
    out = reader.post("/auth/logout", data={"csrf_token": token})
    assert out.status_code == 302 and location_path(out) == "/auth/login"
    assert flashes(reader.get("/auth/login").text) == [
        "Bạn đã đăng xuất trên trình duyệt này. Hệ thống tạm thời không ghi được dữ liệu, "
        "phiên đăng nhập sẽ tự hết hạn khi không sử dụng."
    ]
    assert is_login_redirect(reader.get(ADMIN_HOME))

    response = login(read_only.test_client(), editor_user.username, PASSWORD)
    assert response.status_code == 503
    assert SESSION_UNAVAILABLE_TEXT in flashes(response.text)[0]
    assert any(m.startswith("login of user='bientap' not recorded") for m in caplog.messages)


def not_use_requests(client):
    """Requests a logged-in browser may send that are not the user using the site."""
    token = page_token(client, ADMIN_HOME)  # noqa: F841 - the session has a CSRF token
    stranger = page_token(client.application.test_client(), "/auth/login")
    return {
        "feed": lambda: client.get("/feed.xml", headers=NAVIGATE),
        "sitemap": lambda: client.get("/sitemap.xml", headers=NAVIGATE),
        "404": lambda: client.get("/khong-co-trang-nay", headers=NAVIGATE),
        "bad-csrf-post": lambda: client.post(
            "/auth/profile",
            data={"csrf_token": stranger, "current": "x", "new": "y"},
            headers=NAVIGATE,
        ),
        "fetch-of-a-page": lambda: client.get(
            ADMIN_HOME, headers={"Sec-Fetch-Mode": "cors", "Accept": "*/*"}
        ),
        "marked-background": lambda: client.get(
            ADMIN_HOME, headers={**NAVIGATE, "X-Activity": "0"}
        ),
        "json": lambda: client.get("/api/stats", headers={"Accept": "application/json"}),
        "head": lambda: client.head(ADMIN_HOME, headers=NAVIGATE),
        "prefetch": lambda: client.get(ADMIN_HOME, headers={**NAVIGATE, "Sec-Purpose": "prefetch"}),
    }


@pytest.mark.parametrize(
    "kind",
    ["feed", "sitemap", "404", "bad-csrf-post", "fetch-of-a-page", "marked-background", "json",
     "head", "prefetch"],
)  # fmt: skip
def test_requests_that_are_not_real_use_do_not_extend_the_idle_clock(
    app, client, auth, editor_user, kind
):
    auth.login(editor_user)
    send = not_use_requests(client)[kind]
    earlier = (utcnow() - timedelta(minutes=10)).replace(microsecond=0)
    backdate_sessions(app, editor_user.id, last_active_at=earlier)

    response = send()

    assert response.status_code < 500
    assert last_active(app, editor_user) == earlier, kind


def test_real_use_extends_the_idle_clock(app, client, auth, editor_user, make_article):
    auth.login(editor_user)
    token = page_token(client, ADMIN_HOME)
    uses = {
        "navigation to an admin page": lambda: client.get(ADMIN_HOME, headers=NAVIGATE),
        "navigation to a public page": lambda: client.get("/", headers=NAVIGATE),
        "a page in a browser without Fetch Metadata": lambda: client.get(
            ADMIN_HOME, headers={"Accept": "text/html"}
        ),
        "a valid form post": lambda: client.post(
            "/auth/profile",
            data={"csrf_token": token, "current": "doan", "new": "x", "confirm": "y"},
        ),
        "the keepalive": lambda: keepalive(client, token),
    }
    for what, use in uses.items():
        earlier = (utcnow() - timedelta(minutes=10)).replace(microsecond=0)
        backdate_sessions(app, editor_user.id, last_active_at=earlier)
        response = use()
        assert response.status_code < 400, (what, response.status_code)
        assert last_active(app, editor_user) > earlier + timedelta(minutes=9), what


@pytest.mark.parametrize("app", [{"LOGIN_IP_LIMIT": 2}], indirect=True)
def test_under_gevent_refused_attempts_are_answered_after_a_pause(app, monkeypatch):
    """A flooding connection waits LOGIN_REFUSAL_DELAY (a cooperative sleep under gevent)
    for each refusal; attempts within the limit are not delayed. Recorded, not timed."""
    from app.auth import operations

    pauses = []
    monkeypatch.setattr(operations, "gevent_active", lambda: True)
    monkeypatch.setattr(operations, "_pause", pauses.append)
    for _ in range(2):
        assert fail(app, "khach", "198.51.100.7").status_code == 401
    assert pauses == []

    assert fail(app, "khach", "198.51.100.7").status_code == 429
    assert pauses == [1.0]
