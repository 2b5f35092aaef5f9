"""The settings store (app/settings): the admin page, `get()` and its per-process cache."""

from __future__ import annotations

import pytest
from audit_log import audit_rows
from auth_helpers import logged_in_client
from pages import csrf_token_from, errors_next_to, flashes, forms_on, options_of, parse, value_of
from sqlalchemy import text

from app.extensions import db
from app.settings import get
from app.settings.registry import Setting

PAGE = "/admin/cai-dat/"


def _form(page: str, **changes) -> dict:
    """The settings form as a browser sends it (every declared setting), with `changes`."""
    (form,) = [f for f in forms_on(page, PAGE) if f.method == "post" and f.action == PAGE]
    data = dict(form.fields)
    data.update(changes)
    return data


def test_the_page_shows_every_declared_setting_with_its_default(app, admin_client):
    page = admin_client.get(PAGE).text

    assert parse(page).find("h1").text() == "Cài đặt"
    assert value_of(page, "comments_moderation") == "all"
    assert options_of(page, "comments_moderation") == ["all", "guests", "none"]
    assert value_of(page, "comments_per_page") == "20"
    assert value_of(page, "comments_order") == "newest"
    labels = [label.text() for label in parse(page).find_all("label")]
    assert "Duyệt ý kiến bạn đọc" in labels and "Số ý kiến mỗi trang" in labels
    nav = parse(admin_client.get("/admin/").text).find("nav", cls="admin-nav")
    assert PAGE in [a.get("href") for a in nav.find_all("a")]


def test_saving_changes_values_audits_them_and_says_so(app, admin_client):
    page = admin_client.get(PAGE).text

    response = admin_client.post(PAGE, data=_form(page, comments_moderation="none",
                                                  comments_per_page="5"))  # fmt: skip

    assert response.status_code == 302
    assert "Đã lưu cài đặt." in flashes(admin_client.get(PAGE).text)
    assert get("comments_moderation") == "none" and get("comments_per_page") == 5
    assert get("comments_order") == "newest"
    details = sorted(e.detail for e in audit_rows(app, "settings.change"))
    assert details == ['comments_moderation: "all" → "none"', "comments_per_page: 20 → 5"]
    again = admin_client.post(PAGE, data=_form(admin_client.get(PAGE).text))
    assert again.status_code == 302 and len(audit_rows(app, "settings.change")) == 2


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [("comments_per_page", "0", "Số phải nằm trong khoảng 1 đến 200."),
     ("comments_per_page", "nhiều", "Phải là số nguyên."),
     ("comments_moderation", "tat-ca", "Lựa chọn không hợp lệ.")],
)  # fmt: skip
def test_a_bad_value_is_refused_and_nothing_saved(app, admin_client, field, value, says):
    page = admin_client.get(PAGE).text

    response = admin_client.post(PAGE, data=_form(page, **{field: value}))

    assert response.status_code == 400
    assert says in errors_next_to(response.text, field)
    assert audit_rows(app, "settings.change") == []
    assert get("comments_per_page") == 20 and get("comments_moderation") == "all"


def test_only_administrators_open_or_post_the_page(app, make_user, admin_client):
    editor = logged_in_client(app, make_user("bientap"))
    token = csrf_token_from(admin_client.get(PAGE).text)

    assert editor.get(PAGE).status_code == 403
    editor_token = csrf_token_from(editor.get("/admin/").text)
    assert editor.post(PAGE, data={"comments_per_page": "3", "csrf_token": editor_token}
                       ).status_code == 403  # fmt: skip
    assert PAGE not in parse(editor.get("/admin/").text).text()
    assert admin_client.post(PAGE, data={"comments_per_page": "3"}).status_code == 400
    assert token and get("comments_per_page") == 20


def test_a_process_sees_another_process_change_and_caches_between_changes(
    make_contextless_app, admin_user
):
    first = make_contextless_app()
    second = make_contextless_app(flush=False)
    with first.test_request_context():
        assert get("comments_per_page") == 20  # now cached in the first process
    with second.app_context():
        from app.settings.operations import save_settings

        save_settings({"comments_per_page": 7}, by=None)

    with first.test_request_context():
        assert get("comments_per_page") == 7  # the content version moved: reloaded
    with first.app_context():  # a change behind the store's back (no content version bump)
        db.session.execute(text("UPDATE site_settings SET value = '9'"))
        db.session.commit()
    with first.test_request_context():
        assert get("comments_per_page") == 7  # served from its cache
    with second.test_request_context():
        assert get("comments_per_page") == 9  # its cache was dropped by its save: read anew


def test_without_redis_every_read_goes_to_the_table(make_contextless_app):
    app = make_contextless_app(flush=False, REDIS_URL="redis://127.0.0.1:1/0")
    with app.app_context():
        from app.settings.operations import save_settings

        save_settings({"comments_order": "oldest"}, by=None)
        db.session.execute(text("UPDATE site_settings SET value = '\"newest\"'"))
        db.session.commit()
    with app.test_request_context():
        assert get("comments_order") == "newest"


def test_a_stored_value_that_no_longer_fits_reads_as_the_default(app):
    from app.settings.models import SiteSetting

    db.session.add(SiteSetting(key="comments_per_page", value='"abc"'))
    db.session.commit()

    assert get("comments_per_page") == 20


def test_declarations_are_checked():
    with pytest.raises(ValueError):
        Setting(key="Bad Key", label="x", default="")
    with pytest.raises(ValueError):
        Setting(key="mode", label="x", default="c", kind="choice", choices={"a": "A"})
    with pytest.raises(ValueError):
        Setting(key="mode", label="x", default=1, kind="float")
