"""The contact form on the "Liên hệ" page: stored when it passes the comments' anti-spam
(token, honeypot, minimum time, rate limits), refused with the reader's text kept otherwise,
and read, marked and deleted in the admin's inbox."""

from __future__ import annotations

import pytest
from audit_log import audit_rows
from auth_helpers import logged_in_client
from identity_helpers import CONTACT, MESSAGE, stored
from pages import csrf_token_from, flashes, forms_on, parse

from app.anti_spam import NO_STAMP, TOO_FAST

INBOX = "/admin/lien-he/"


def _error(page: str, name: str) -> str:
    node = parse(page).find("p", id=f"contact-{name}-error")
    return node.text() if node is not None else ""


def _message(page: str) -> str:
    node = parse(page).find("p", cls="contact-message")
    assert node is not None, "no message above the form"
    return node.text()


def test_the_contact_page_shows_the_form_and_other_pages_do_not(app, contact_page, about_page):
    page = app.test_client().get(CONTACT).text
    [form] = [f for f in forms_on(page, CONTACT) if f.method == "post"]

    assert form.action == f"{CONTACT}/gui"
    assert {"name", "email", "phone", "subject", "message", "website", "csrf_token",
            "started"} <= {name for name, _ in form.fields}  # fmt: skip
    assert dict(form.fields)["csrf_token"] == ""  # cached page: reader-forms.js fills it
    labels = {label.get("for") for label in parse(page).find_all("label")}
    assert {"contact-name", "contact-email", "contact-phone", "contact-subject",
            "contact-message"} <= labels  # fmt: skip
    assert "gui-lien-he" not in app.test_client().get(f"/trang/{about_page.slug}").text
    assert app.test_client().post(f"/trang/{about_page.slug}/gui", data=MESSAGE).status_code == 404


def test_a_message_is_stored_and_the_reader_thanked(app, reader):
    response = reader.post()

    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"{CONTACT}#gui-lien-he")
    page = reader.get(response.headers["Location"]).text
    assert "Cảm ơn bạn đã liên hệ. Thư của bạn đã được gửi tới ban biên tập." in flashes(page)
    [message] = stored()
    assert (message.name, message.email, message.phone, message.subject) == (
        "Lê Thị Hoa", "hoa@example.vn", "0912 345 678", "Hỏi về thủ tục cấp phép")  # fmt: skip
    assert message.message == "Xin hỏi hồ sơ gồm những gì?" and not message.handled
    assert len(message.ip_hash) == 32 and "10.1.0.1" not in message.ip_hash


def test_a_filled_honeypot_is_answered_as_sent_and_nothing_stored(app, reader):
    response = reader.post(website="http://spam.example")

    assert response.status_code == 302
    assert "Cảm ơn bạn đã liên hệ." in " ".join(flashes(reader.get(CONTACT).text))
    assert stored() == []


@pytest.mark.parametrize(("kwargs", "says"), [({"wait": 1}, TOO_FAST),
                                              ({"stamp": False}, NO_STAMP)])  # fmt: skip
def test_too_fast_or_without_a_stamp_is_refused_with_the_text_kept(app, reader, kwargs, says):
    response = reader.post(**kwargs)

    assert response.status_code == 400
    assert _message(response.text) == says
    assert "Xin hỏi hồ sơ gồm những gì?" in response.text
    assert response.headers["Cache-Control"] == "no-store, private"
    assert stored() == []


def test_bad_fields_are_refused_next_to_each_field(app, reader):
    response = reader.post(name="", email="hoa@", phone="abc", subject="",
                           message="<script>alert(1)</script>")  # fmt: skip

    assert response.status_code == 400
    assert _error(response.text, "name") == "Vui lòng nhập họ tên."
    assert _error(response.text, "email") == "Địa chỉ thư điện tử không hợp lệ."
    assert _error(response.text, "phone").startswith("Số điện thoại chỉ gồm chữ số")
    assert _error(response.text, "subject") == "Vui lòng nhập tiêu đề."
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
    field = parse(response.text).find("input", id="contact-email")
    assert field.get("aria-invalid") == "true"
    assert stored() == []


def test_an_oversized_post_is_413_and_echoes_nothing(app, reader):
    response = reader.post(message="x" * 25_000)

    assert response.status_code == 413 and "xxxxxxxxxx" not in response.text
    assert stored() == []


def test_without_a_token_nothing_is_stored_and_the_reader_confirms_once(app, reader):
    first = reader.post(token=False, stamp=False)

    assert first.status_code == 200 and stored() == []
    assert "xác nhận" in _message(first.text)
    [form] = [f for f in forms_on(first.text, CONTACT) if f.method == "post"]
    data = dict(form.fields)
    assert data["csrf_token"] and data["started"] and data["subject"] == MESSAGE["subject"]
    forged = reader.client.post(form.action, data={**data, "csrf_token": "gia-mao"})
    assert forged.status_code == 200 and stored() == []

    reader.clock.advance(10)
    second = reader.client.post(form.action, data=data)

    assert second.status_code == 302 and len(stored()) == 1


@pytest.mark.parametrize("app", [{"CONTACT_LIMITS": {"visitor": (2, 600)}}], indirect=True)
def test_too_many_messages_from_one_visitor_get_a_429_page(app, reader, make_reader):
    assert reader.post().status_code == 302
    assert reader.post().status_code == 302

    third = reader.post(subject="Lần thứ ba")

    assert third.status_code == 429
    assert int(third.headers["Retry-After"]) > 0
    assert "Bạn đã gửi nhiều thư trong thời gian ngắn" in _message(third.text)
    assert "Lần thứ ba" in third.text  # the text is kept
    assert len(stored()) == 2
    assert make_reader().post().status_code == 302  # another visitor is not held


def test_the_inbox_lists_marks_and_deletes_messages(app, reader, admin_client, admin_user):
    reader.post(subject="<img src=x onerror=alert(1)>", message="Dòng một\nDòng hai")
    [message] = stored()
    dashboard = admin_client.get("/admin/").text
    assert "thư liên hệ chưa xử lý" in dashboard

    inbox = admin_client.get(INBOX).text
    item = parse(inbox).find("article", id=f"thu-{message.id}")
    assert item is not None and "Chưa xử lý" in item.text()
    assert "<img src=x" not in inbox and "&lt;img src=x onerror=alert(1)&gt;" in inbox
    assert "Dòng một<br>Dòng hai" in inbox
    token = csrf_token_from(inbox)

    assert admin_client.post(f"{INBOX}{message.id}/xu-ly").status_code == 400  # no token
    assert admin_client.post(f"{INBOX}{message.id}/xu-ly",
                             data={"csrf_token": token}).status_code == 302  # fmt: skip
    assert stored()[0].handled and stored()[0].handled_by == admin_user.username
    assert parse(admin_client.get(INBOX).text).find("article", id=f"thu-{message.id}") is None
    handled = admin_client.get(f"{INBOX}?trang-thai=da-xu-ly").text
    assert parse(handled).find("article", id=f"thu-{message.id}") is not None

    assert admin_client.post(f"{INBOX}{message.id}/xoa",
                             data={"csrf_token": token}).status_code == 302  # fmt: skip
    assert stored() == []
    assert [e.action for e in audit_rows(app, prefix="contact.")] == [
        "contact.handled", "contact.delete"]  # fmt: skip


def test_only_administrators_read_the_inbox(app, reader, make_user):
    reader.post()
    [message] = stored()
    editor = logged_in_client(app, make_user("bientap3"))
    token = csrf_token_from(editor.get("/admin/").text)

    assert editor.get(INBOX).status_code == 403
    assert editor.post(f"{INBOX}{message.id}/xoa", data={"csrf_token": token}).status_code == 403
    assert len(stored()) == 1
