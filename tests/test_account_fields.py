"""The account administration knows no feature: a feature adds its field to the account form and
list through app.account_fields (news adds "the categories an editor may edit"), and the shell
shows, fills and saves it without naming it."""

from __future__ import annotations

import re

import pytest
from auth_helpers import PASSWORD, logged_in_client, new_account, page_token
from pages import field_errors
from sqlalchemy import select
from wtforms import StringField

from app.account_fields import AccountField, register_account_field
from app.audit.models import AuditEntry
from app.auth.models import Role, User
from app.extensions import db
from app.news.editors import may_edit_category

# The admin pages' role select warns on tuple choices elsewhere in the suite too.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Passing SelectField choices as tuples is deprecated:DeprecationWarning"
)


@pytest.fixture
def extensions() -> dict[int, str]:
    """Where the made-up feature below keeps its data: user id -> phone extension."""
    return {}


@pytest.fixture
def manager(app, extensions):
    """A logged-in administrator of an app with one more feature: a phone extension per
    account, kept by that feature (here a dict), never by the shell."""

    def save(user: User, value: str) -> str:
        if extensions.get(user.id, "") == value:
            return ""
        extensions[user.id] = value
        return f"extension={value}"

    register_account_field(
        app,
        AccountField(
            name="extension",
            label="Số máy lẻ",
            make=lambda: StringField("Số máy lẻ"),
            prepare=lambda field: None,
            initial=lambda user: extensions.get(user.id, ""),
            summary=lambda user: extensions.get(user.id, "—"),
            save=save,
            position=90,
        ),
    )
    account = new_account("quantri", role=Role.ADMIN, display_name="Quản trị viên")
    return logged_in_client(app, account)


def user_named(username: str) -> User:
    db.session.expire_all()
    return db.session.scalar(select(User).where(User.username == username))


def account_data(client, path: str, **values) -> dict:
    return {
        "csrf_token": page_token(client, path),
        "display_name": "Phóng viên Hòa",
        "email": "",
        "role": "editor",
        "active": "y",
        "password": "",
        **values,
    }


def test_a_field_a_feature_adds_is_shown_filled_and_saved_by_the_account_pages(manager, extensions):
    form_page = manager.get("/admin/users/new").text
    assert "Số máy lẻ" in form_page and 'name="extension"' in form_page

    created = manager.post(
        "/admin/users/new",
        data=account_data(
            manager, "/admin/users/new", username="phongvien", password=PASSWORD, extension="204"
        ),
    )

    assert created.status_code == 302, field_errors(created.text)
    user = user_named("phongvien")
    assert extensions == {user.id: "204"}
    listing = manager.get("/admin/users").text
    assert "<th>Số máy lẻ</th>" in listing
    assert "<td>204</td>" in listing.split(">phongvien<", 1)[1].split("</tr>", 1)[0]
    edit_page = manager.get(f"/admin/users/{user.id}").text
    shown = r'name="extension"[^>]*value="204"|value="204"[^>]*name="extension"'
    assert re.search(shown, edit_page)

    path = f"/admin/users/{user.id}"
    changed = manager.post(path, data=account_data(manager, path, extension="305"))

    assert changed.status_code == 302, field_errors(changed.text)
    assert extensions == {user.id: "305"}
    db.session.expire_all()
    update = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "user.update").order_by(AuditEntry.id.desc())
    )
    assert "extension=305" in update.detail


def test_news_adds_the_categories_an_editor_may_edit(manager, make_category):
    news, events = make_category("Tin tức"), make_category("Sự kiện")

    form_page = manager.get("/admin/users/new").text
    assert "Chuyên mục được phụ trách" in form_page
    created = manager.post(
        "/admin/users/new",
        data=account_data(
            manager,
            "/admin/users/new",
            username="phongvien",
            password=PASSWORD,
            categories=[str(news.id)],
        ),
    )
    assert created.status_code == 302, field_errors(created.text)
    user = user_named("phongvien")
    assert [c.name for c in user.categories] == ["Tin tức"]
    assert may_edit_category(user, news.id) and not may_edit_category(user, events.id)

    path = f"/admin/users/{user.id}"
    changed = manager.post(path, data=account_data(manager, path, categories=[str(events.id)]))

    assert changed.status_code == 302, field_errors(changed.text)
    user = user_named("phongvien")
    assert [c.name for c in user.categories] == ["Sự kiện"]
    update = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "user.update").order_by(AuditEntry.id.desc())
    )
    assert f"categories={events.id}" in update.detail
    row = manager.get("/admin/users").text.split(">phongvien<", 1)[1].split("</tr>", 1)[0]
    assert "<td>Sự kiện</td>" in row
    admin_row = manager.get("/admin/users").text.split(">quantri<", 1)[1].split("</tr>", 1)[0]
    assert "<td>Tất cả</td>" in admin_row


def test_deleting_a_category_detaches_its_editors_even_with_their_lists_loaded(app, make_category):
    from app.news.operations import delete_category

    kept, doomed = make_category("Tin tức"), make_category("Sự kiện")
    account = new_account("phongvien", categories=[kept, doomed])
    admin = db.session.get(User, new_account("quantri", role=Role.ADMIN).id)
    editor = db.session.get(User, account.id)
    assert [c.name for c in editor.categories] == ["Tin tức", "Sự kiện"]  # loaded
    assert [u.username for u in doomed.editors] == ["phongvien"]  # loaded

    delete_category(doomed, by=admin)

    assert [c.name for c in user_named("phongvien").categories] == ["Tin tức"]
