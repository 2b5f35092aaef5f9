"""One-time password-setting links (issue 15): an administrator issues one from the users
admin or `flask password-link`, its owner opens it without logging in, sets a password that
the site's policy accepts, and logs in with it. Through the real forms and the real database.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from audit_log import audit_rows
from auth_cases import TUPLE_CHOICES, is_logged_in
from auth_helpers import (
    GENERIC_FAILURE,
    OTHER_PASSWORD,
    PASSWORD,
    location_path,
    logged_in_client,
    login,
    page_token,
)
from pages import field_errors, flashes, parse, value_of
from sqlalchemy import event, select, update

from app.auth import password_links
from app.auth.models import PasswordLink, User
from app.auth.passwords import _dummy_hash, verify_password
from app.auth.passwords import hasher as PASSWORD_HASHES
from app.dates import utcnow
from app.extensions import db
from app.nukeviet import importer, sitewide
from app.nukeviet.source import open_source
from tests.nukeviet.source_helpers import fixture_path

pytestmark = [pytest.mark.contextless, pytest.mark.filterwarnings(TUPLE_CHOICES)]

SITE = "https://congthongtin.example.gov.vn"
NEW_PASSWORD = "Sông Hồng chảy qua 36 phố phường"
WEAK_MESSAGE = "Mật khẩu quá phổ biến hoặc dễ đoán (hoặc chứa tên đăng nhập)."


@pytest.fixture
def app_config(clock) -> dict:
    return {"AUTH_CLOCK": clock, "SITE_URL": SITE}


def issue_from_admin(admin_client, user_id: int, **kwargs):
    """Press "Tạo liên kết đặt mật khẩu" on the user's page; the response (not followed)."""
    page = admin_client.get(f"/admin/users/{user_id}")
    assert "Tạo liên kết đặt mật khẩu" in page.text
    action = f"/admin/users/{user_id}/password-link"
    assert parse(page.text).find("form", action=action), "no form posts to the link's address"
    return admin_client.post(
        action, data={"csrf_token": page_token(admin_client, f"/admin/users/{user_id}")}, **kwargs
    )


def link_from(response) -> str:
    """The link the administrator's page shows to copy."""
    assert response.status_code == 200, response.text
    shown = parse(response.text).find("input", id="password-link")
    assert shown is not None, "the page shows no link"
    return shown.get("value")


def issue(app, username: str) -> str:
    """A link issued through the service (no administrator), as its URL."""
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == username))
        return password_links.issue(user, by=None).url


def path_of(url: str) -> str:
    return urlsplit(url).path


def set_password_through(client, url: str, new: str, confirm: str | None = None, **kwargs):
    path = path_of(url)
    token = page_token(client, path, **kwargs)
    data = {"csrf_token": token, "new": new, "confirm": new if confirm is None else confirm}
    return client.post(path, data=data, **kwargs)


def links_of(app, user_id: int) -> list[PasswordLink]:
    with app.app_context():
        rows = list(
            db.session.scalars(
                select(PasswordLink)
                .where(PasswordLink.user_id == user_id)
                .order_by(PasswordLink.id)
            )
        )
        db.session.expunge_all()
        return rows


# --- the whole path -----------------------------------------------------------------------------


def test_an_issued_link_sets_the_password_and_its_owner_logs_in(app, admin_client, make_user):
    owner = make_user("tranvan", display_name="Trần Văn Bình")
    issued = issue_from_admin(admin_client, owner.id)
    url = link_from(issued)
    assert issued.headers["Cache-Control"] == "no-store"
    assert issued.headers["Referrer-Policy"] == "no-referrer"
    assert "Tài khoản này đang bị khóa" not in issued.text
    # Absolute, on SITE_URL (never the request's Host), shown with its validity.
    assert url.startswith(f"{SITE}{password_links.PATH}"), url
    assert "72 giờ" in issued.text

    reader = app.test_client()
    form = reader.get(path_of(url))
    assert form.status_code == 200
    assert "Đặt mật khẩu" in form.text and "Trần Văn Bình" in form.text
    assert value_of(form.text, "username") == "tranvan"

    done = set_password_through(reader, url, NEW_PASSWORD)
    assert done.status_code == 302 and location_path(done) == "/auth/login"
    assert flashes(reader.get("/auth/login").text) == [
        "Đã đặt mật khẩu cho tài khoản tranvan. Vui lòng đăng nhập bằng mật khẩu mới."
    ]
    assert login(reader, "tranvan", NEW_PASSWORD).status_code == 302
    assert is_logged_in(reader)
    refused = login(app.test_client(), "tranvan", PASSWORD)
    assert GENERIC_FAILURE in refused.text

    [link] = links_of(app, owner.id)
    assert link.used_at is not None and link.voided_at is None
    assert link.expires_at - link.created_at == timedelta(hours=72)
    assert link.created_by_id is not None
    actions = [(r.action, r.username) for r in audit_rows(app) if r.object_id == str(owner.id)]
    assert ("user.password_link", "quantri") in actions
    assert ("user.password_link_used", "tranvan") in actions
    assert ("user.password", "tranvan") in actions


def new_account_form(admin_client, **fields) -> dict:
    data = {"csrf_token": page_token(admin_client, "/admin/users/new"), "username": "bientapmoi",
            "display_name": "Nguyễn Thị Mai", "email": "", "role": "editor", "active": "y",
            "password": ""}  # fmt: skip
    return {**data, **fields}


def test_an_account_created_without_a_password_gets_its_link_at_once(app, admin_client):
    form = admin_client.get("/admin/users/new").text
    field = parse(form).find("input", id="password")
    assert field.get("aria-describedby") == "password-hint"
    assert "Để trống nếu muốn người dùng tự đặt mật khẩu" in form

    created = admin_client.post("/admin/users/new", data=new_account_form(admin_client))
    url = link_from(created)  # the link page itself, not a redirect that could carry it
    assert created.headers["Cache-Control"] == "no-store"
    assert created.headers["Referrer-Policy"] == "no-referrer"
    assert "Đã tạo tài khoản bientapmoi." in flashes(created.text)
    assert url.startswith(f"{SITE}{password_links.PATH}"), url
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bientapmoi"))
        assert not password_links.has_usable_password(user)
        owner_id = user.id
    assert "Chưa đặt mật khẩu" in admin_client.get("/admin/users").text
    # Nobody logs in before the link is used: not with an empty password, nor any other.
    for attempt in ("", PASSWORD):
        stranger = app.test_client()
        assert login(stranger, "bientapmoi", attempt).status_code in (200, 401)
        assert not is_logged_in(stranger)
    assert GENERIC_FAILURE in login(app.test_client(), "bientapmoi", PASSWORD).text

    reader = app.test_client()
    assert set_password_through(reader, url, NEW_PASSWORD).status_code == 302
    assert login(reader, "bientapmoi", NEW_PASSWORD).status_code == 302
    assert is_logged_in(reader)
    actions = [r.action for r in audit_rows(app) if r.object_id == str(owner_id)]
    assert actions[:2] == ["user.create", "user.password_link"], actions


def test_an_account_created_with_a_password_gets_no_link(app, admin_client):
    created = admin_client.post(
        "/admin/users/new", data=new_account_form(admin_client, password=NEW_PASSWORD)
    )
    assert created.status_code == 302 and location_path(created) == "/admin/users"
    with app.app_context():
        user = db.session.scalar(select(User).where(User.username == "bientapmoi"))
        assert password_links.has_usable_password(user)
        assert links_of(app, user.id) == []
    assert login(app.test_client(), "bientapmoi", NEW_PASSWORD).status_code == 302


def test_a_refused_new_account_issues_no_link(app, admin_client):
    taken = admin_client.post(
        "/admin/users/new", data=new_account_form(admin_client, username="quantri")
    )
    assert taken.status_code == 200
    assert "Tên đăng nhập đã được dùng." in field_errors(taken.text)
    assert parse(taken.text).find("input", id="password-link") is None
    with app.app_context():
        assert db.session.scalar(select(PasswordLink)) is None


def test_a_link_works_only_once(app, make_user):
    owner = make_user("mot-lan")
    url = issue(app, "mot-lan")
    first = app.test_client()
    assert set_password_through(first, url, NEW_PASSWORD).status_code == 302

    again = app.test_client()
    page = again.get(path_of(url))
    assert page.status_code == 410
    assert "Liên kết đã được sử dụng" in page.text
    # A second submission (a form left open in another tab) changes nothing either.
    token = page_token(again, "/auth/login")
    second = again.post(path_of(url), data={"csrf_token": token, "new": OTHER_PASSWORD,
                                            "confirm": OTHER_PASSWORD})  # fmt: skip
    assert second.status_code == 410
    assert login(app.test_client(), owner.username, NEW_PASSWORD).status_code == 302


def test_an_expired_link_is_refused(app, make_user):
    owner = make_user("het-han")
    url = issue(app, "het-han")
    with app.app_context():  # the link's own row says when it ends; no sleeping
        now = utcnow()
        db.session.execute(
            update(PasswordLink)
            .where(PasswordLink.user_id == owner.id)
            .values(created_at=now - timedelta(hours=73), expires_at=now - timedelta(seconds=1))
        )
        db.session.commit()
    client = app.test_client()
    page = client.get(path_of(url))
    assert page.status_code == 410
    assert "Liên kết đã hết hạn" in page.text and "72 giờ" in page.text
    with app.app_context():  # still valid a minute before its end
        db.session.execute(
            update(PasswordLink)
            .where(PasswordLink.user_id == owner.id)
            .values(expires_at=utcnow() + timedelta(minutes=1))
        )
        db.session.commit()
    assert client.get(path_of(url)).status_code == 200


def test_a_new_link_voids_the_older_ones(app, admin_client, make_user):
    owner = make_user("hai-lan")
    old = link_from(issue_from_admin(admin_client, owner.id))
    new = link_from(issue_from_admin(admin_client, owner.id))
    assert old != new

    reader = app.test_client()
    page = reader.get(path_of(old))
    assert page.status_code == 410 and "Liên kết đã được thay thế" in page.text
    assert reader.get(path_of(new)).status_code == 200
    first, second = links_of(app, owner.id)
    assert first.voided_at is not None and second.voided_at is None


# --- who may issue one --------------------------------------------------------------------------


def test_only_an_administrator_issues_a_link(app, client, editor_client, make_user):
    owner = make_user("ai-cap")
    token = page_token(editor_client, "/admin/")
    refused = editor_client.post(f"/admin/users/{owner.id}/password-link",
                                 data={"csrf_token": token})  # fmt: skip
    assert refused.status_code == 403

    anonymous = client.post(f"/admin/users/{owner.id}/password-link",
                            data={"csrf_token": page_token(client)})  # fmt: skip
    assert anonymous.status_code == 302 and location_path(anonymous).startswith("/auth/login")
    assert links_of(app, owner.id) == []


def test_issuing_a_link_needs_the_forms_csrf_token(app, admin_client, make_user):
    owner = make_user("khong-token")
    refused = admin_client.post(f"/admin/users/{owner.id}/password-link")
    assert refused.status_code == 400
    assert links_of(app, owner.id) == []
    forged = admin_client.post(f"/admin/users/{owner.id}/password-link",
                               data={"csrf_token": "forged"})  # fmt: skip
    assert forged.status_code == 400
    assert links_of(app, owner.id) == []
    token = page_token(admin_client, "/admin/users")
    missing = admin_client.post("/admin/users/9999/password-link", data={"csrf_token": token})
    assert missing.status_code == 404


def test_setting_the_password_needs_the_forms_csrf_token(app, make_user):
    make_user("form-token")
    url = issue(app, "form-token")
    client = app.test_client()
    client.get(path_of(url))
    refused = client.post(path_of(url), data={"new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert refused.status_code == 400
    assert client.get(path_of(url)).status_code == 200  # the link is still unused


# --- what the form refuses ----------------------------------------------------------------------


def test_a_weak_or_mistyped_password_is_refused_and_the_link_stays_usable(app, make_user):
    owner = make_user("yeu")
    url = issue(app, "yeu")
    client = app.test_client()
    weak = set_password_through(client, url, "12345678")
    assert weak.status_code == 200
    assert [e for e in field_errors(weak.text) if e.startswith(WEAK_MESSAGE)], field_errors(
        weak.text
    )
    short = set_password_through(client, url, "ngắn")
    assert "Mật khẩu phải có ít nhất 8 ký tự." in field_errors(short.text)
    mistyped = set_password_through(client, url, NEW_PASSWORD, NEW_PASSWORD + "!")
    assert "Hai mật khẩu mới không khớp." in field_errors(mistyped.text)
    [link] = links_of(app, owner.id)
    assert link.used_at is None

    assert set_password_through(client, url, NEW_PASSWORD).status_code == 302


def test_the_users_other_sessions_end_when_the_link_is_used(app, make_user):
    owner = make_user("nhieu-phien", role="admin")
    elsewhere = logged_in_client(app, owner)
    assert is_logged_in(elsewhere)
    url = issue(app, "nhieu-phien")
    assert set_password_through(app.test_client(), url, NEW_PASSWORD).status_code == 302
    assert not is_logged_in(elsewhere)


# --- the page's privacy -------------------------------------------------------------------------


def test_the_page_and_its_refusals_are_private_and_never_cached(app, make_user):
    make_user("rieng-tu")
    url = issue(app, "rieng-tu")
    client = app.test_client()
    unknown = password_links.PATH + "A" * 43
    answers = [client.get(path_of(url)), client.get(unknown), client.get(unknown + "x" * 500)]
    assert [a.status_code for a in answers] == [200, 404, 404]
    for answer in answers:
        assert answer.headers["Cache-Control"] == "no-store"
        assert answer.headers["Referrer-Policy"] == "no-referrer"
    assert "Liên kết đặt mật khẩu này không đúng." in answers[1].text
    cached = app.extensions["page_cache"]
    assert not any(password_links.PATH in key for key in cached._entries), "page cached"

    assert set_password_through(client, url, NEW_PASSWORD).status_code == 302
    # The same address now answers what is true now, not a kept copy.
    spent = client.get(path_of(url))
    assert spent.status_code == 410
    assert spent.headers["Cache-Control"] == "no-store"


def test_a_token_of_absurd_length_is_a_404_without_a_query(app, make_user):
    make_user("dai-qua")
    queries: list[str] = []
    with app.app_context():
        engine = db.engine

    def count(conn, cursor, statement, *args):
        queries.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        client = app.test_client()
        absurd = client.get(password_links.PATH + "x" * 10_000)
        assert absurd.status_code == 404
        assert "Liên kết đặt mật khẩu này không đúng." in absurd.text
        assert queries == []
        # The counter sees queries: a well-formed unknown token is looked up.
        assert client.get(password_links.PATH + "B" * 43).status_code == 404
        assert any("password_links" in q for q in queries), queries
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_link_page_is_rate_limited_per_address(app, make_user):
    make_user("gioi-han")
    url = issue(app, "gioi-han")
    client = app.test_client()
    guesser = {"REMOTE_ADDR": "203.0.113.9"}
    for _ in range(30):
        assert client.get(password_links.PATH + "C" * 43, environ_base=guesser).status_code == 404
    refused = client.get(path_of(url), environ_base=guesser)
    assert refused.status_code == 429
    assert int(refused.headers["Retry-After"]) > 0
    assert "Quá nhiều yêu cầu" in refused.text
    assert client.get(path_of(url), environ_base={"REMOTE_ADDR": "203.0.113.10"}).status_code == 200


def test_the_token_never_reaches_a_log_line_the_audit_log_or_the_database(
    app, admin_client, make_user, caplog
):
    owner = make_user("bi-mat")
    caplog.set_level(logging.DEBUG)
    url = link_from(issue_from_admin(admin_client, owner.id))
    token = url.rsplit("/", 1)[1]
    reader = app.test_client()
    assert set_password_through(reader, url, "12345678").status_code == 200
    assert set_password_through(reader, url, NEW_PASSWORD).status_code == 302
    assert reader.get(path_of(url)).status_code == 410

    assert "password link" in caplog.text  # the issue and the use were logged…
    assert token not in caplog.text  # …without the token
    rows = audit_rows(app)
    assert any(r.action == "user.password_link" for r in rows)
    for row in rows:
        assert token not in row.detail
    [link] = links_of(app, owner.id)
    assert link.token_hash == hashlib.sha256(token.encode()).hexdigest()
    admin_page = admin_client.get("/admin/audit")
    assert token not in admin_page.text


# --- accounts without a password -----------------------------------------------------------------


def test_an_account_without_a_password_shows_the_badge_until_its_owner_sets_one(
    app, admin_client, make_user
):
    owner = make_user("chua-co", display_name="Lê Thị Cúc")
    make_user("da-co")
    with app.app_context():
        user = db.session.get(User, owner.id)
        password_links.without_password(user)
        stored = user.password_hash
        db.session.commit()
    # Nobody logs in with it, not even with the stored text itself.
    for attempt in (PASSWORD, stored):
        assert GENERIC_FAILURE in login(app.test_client(), "chua-co", attempt).text

    listing = admin_client.get("/admin/users")
    rows = {r.find("a").text(): r for r in parse(listing.text).find_all("tr") if r.find("a")}
    assert "Chưa đặt mật khẩu" in rows["chua-co"].text()
    assert "Chưa đặt mật khẩu" not in rows["da-co"].text()
    assert "Chưa đặt mật khẩu" not in rows["quantri"].text()
    # The button next to the badge issues the link.
    token = page_token(admin_client, "/admin/users")
    url = link_from(admin_client.post(f"/admin/users/{owner.id}/password-link",
                                      data={"csrf_token": token}))  # fmt: skip
    assert set_password_through(app.test_client(), url, NEW_PASSWORD).status_code == 302

    listing = admin_client.get("/admin/users")
    assert "Chưa đặt mật khẩu" not in listing.text
    assert login(app.test_client(), "chua-co", NEW_PASSWORD).status_code == 302


def test_a_login_on_an_account_without_a_password_does_the_same_work_as_any_other(app):
    """The dummy hash is verified, as for an unknown name: how long the answer takes does not
    tell that the account exists and waits for its link (counted, not timed)."""
    with app.app_context():
        stored = PASSWORD_HASHES.hash(PASSWORD)
        before = _dummy_hash.cache_info()
        assert verify_password(stored, "sai mật khẩu rồi") is False
        after_real = _dummy_hash.cache_info()
        assert after_real.hits + after_real.misses == before.hits + before.misses
        for waiting in (password_links.UNUSABLE_PREFIX + "abc", None):
            assert verify_password(waiting, "!abc") is False
        after = _dummy_hash.cache_info()
        assert after.hits + after.misses == before.hits + before.misses + 2


# --- without SITE_URL, and the command line ------------------------------------------------------


@pytest.mark.parametrize("app", [{"SITE_URL": ""}], indirect=True)
def test_without_site_url_the_link_is_a_path_never_the_request_host(app, client, admin_user,
                                                                    make_user):  # fmt: skip
    owner = make_user("khong-site")
    forged = {"base_url": "http://ke-gia-mao.example"}  # without SITE_URL any Host is served
    logged_in_client(app, admin_user, client, **forged)
    token = page_token(client, f"/admin/users/{owner.id}", **forged)
    issued = client.post(f"/admin/users/{owner.id}/password-link", data={"csrf_token": token},
                         **forged)  # fmt: skip
    url = link_from(issued)
    assert url.startswith(password_links.PATH), url
    assert "ke-gia-mao" not in issued.text
    assert "Chưa cấu hình địa chỉ trang (SITE_URL)" in issued.text


def test_the_command_prints_a_link_that_works(app, runner, make_user):
    make_user("dong-lenh")
    result = runner.invoke(args=["password-link", "Dong-Lenh"])
    assert result.exit_code == 0, result.output
    url = result.stdout.strip()
    assert url.startswith(f"{SITE}{password_links.PATH}"), result.stdout
    assert "Valid until" in result.stderr
    assert set_password_through(app.test_client(), url, NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "dong-lenh", NEW_PASSWORD).status_code == 302

    unknown = runner.invoke(args=["password-link", "khong-ai"])
    assert unknown.exit_code != 0
    assert "No user named 'khong-ai'" in unknown.output


def test_a_locked_account_gets_its_link_with_a_note_and_logs_in_once_unlocked(
    app, admin_client, make_user
):
    owner = make_user("bi-khoa")
    with app.app_context():
        db.session.get(User, owner.id).active = False
        db.session.commit()
    issued = issue_from_admin(admin_client, owner.id)
    assert "Tài khoản này đang bị khóa" in issued.text
    url = link_from(issued)
    assert set_password_through(app.test_client(), url, NEW_PASSWORD).status_code == 302
    assert GENERIC_FAILURE in login(app.test_client(), "bi-khoa", NEW_PASSWORD).text
    with app.app_context():
        db.session.get(User, owner.id).active = True
        db.session.commit()
    assert login(app.test_client(), "bi-khoa", NEW_PASSWORD).status_code == 302


# --- issue 15 end to end: accounts imported from NukeViet -----------------------------------------


def test_an_imported_administrator_sets_a_password_through_a_link(app, admin_client):
    """NukeViet's administrators come over from the real 4.5 dump without their passwords;
    each sets one through the link an administrator issues from the users list."""
    with app.app_context(), open_source(str(fixture_path())) as source:
        report = importer.Report(dry_run=False)
        sitewide.import_users(importer.Context(source=source, uploads=None, dry_run=False,
                                               report=report))  # fmt: skip
        assert report.kinds["user"].added >= 1
    assert GENERIC_FAILURE in login(app.test_client(), "admin", "admin").text
    listing = admin_client.get("/admin/users")
    rows = {r.find("a").text(): r for r in parse(listing.text).find_all("tr") if r.find("a")}
    assert "Chưa đặt mật khẩu" in rows["admin"].text()
    action = rows["admin"].find("form").get("action")
    assert action.endswith("/password-link")

    token = page_token(admin_client, "/admin/users")
    url = link_from(admin_client.post(action, data={"csrf_token": token}))
    assert set_password_through(app.test_client(), url, NEW_PASSWORD).status_code == 302
    assert login(app.test_client(), "admin", NEW_PASSWORD).status_code == 302
    assert "Chưa đặt mật khẩu" not in admin_client.get("/admin/users").text
