"""Admin dates (issue 12, "Dates in the admin"): typed and shown as dd/mm/yyyy HH:MM whatever
the browser's locale; a date typed the American way is refused with a clear message."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from article_admin import (
    ARTICLES,
    FORM_TIME,
    SITE_ZONE,
    article_row,
    assert_vietnamese,
    edit_page,
    form_data,
    save,
    submit,
)
from pages import control, errors_next_to, parse, squash, value_of

from app.date_fields import parse_date, parse_datetime


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("05/09/2024 14:30", datetime(2024, 9, 5, 14, 30)),
        ("5/9/2024 9:05", datetime(2024, 9, 5, 9, 5)),
        ("  28/11/2026   09:15 ", datetime(2026, 11, 28, 9, 15)),
        ("29/02/2024 00:00", datetime(2024, 2, 29, 0, 0)),
        ("31/12/2030 23:59", datetime(2030, 12, 31, 23, 59)),
    ],
)
def test_a_date_time_is_read_day_first(typed, expected):
    assert parse_datetime(typed) == expected


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("11/28/2026 09:15", "Tháng 28 không có"),
        ("11/28/2026, 09:15 AM", "dạng ngày/tháng/năm giờ:phút"),
        ("2026-11-28T09:15", "dạng ngày/tháng/năm giờ:phút"),
        ("28/11/2026", "dạng ngày/tháng/năm giờ:phút"),
        ("28/11/26 09:15", "dạng ngày/tháng/năm giờ:phút"),
        ("٢٨/١١/٢٠٢٦ 09:15", "dạng ngày/tháng/năm giờ:phút"),
        ("31/02/2024 10:00", "Ngày 31/02/2024 không có trong lịch."),
        ("28/11/2026 24:00", "Giờ 24:00 không có"),
        ("28/11/2026 09:60", "Giờ 09:60 không có"),
        ("28/11/1800 09:00", "Năm phải trong khoảng 1900–2100."),
    ],
)
def test_a_bad_or_impossible_date_time_is_refused_in_vietnamese(typed, says):
    with pytest.raises(ValueError, match=says) as refused:
        parse_datetime(typed)
    assert_vietnamese([str(refused.value)])


def test_a_date_is_read_day_first_and_refuses_month_first():
    assert parse_date("5/9/2024") == date(2024, 9, 5)
    with pytest.raises(ValueError, match="Tháng 13 không có"):
        parse_date("09/13/2024")


def test_the_article_form_shows_a_text_input_with_the_vietnamese_format(admin_client, cats):
    page = admin_client.get(f"{ARTICLES}/new").text
    for name in ("published_at", "expires_at"):
        box = control(page, name)
        assert box.get("type") == "text", "a datetime-local input follows the browser's locale"
        assert box.get("placeholder") == "dd/mm/yyyy HH:MM"
        assert box.get("pattern")
        assert box.get("inputmode")


def test_a_typed_time_is_stored_in_utc_and_shown_back_as_typed(admin_client, cats):
    typed = (datetime.now(SITE_ZONE) + timedelta(days=3)).strftime("%-d/%-m/%Y 8:05")
    article_id = save(
        admin_client, form_data(cats.a, title="Giờ gõ gọn", status="scheduled", published_at=typed)
    )

    stored = article_row(article_id).published_at
    local = datetime.strptime(typed, "%d/%m/%Y %H:%M")
    assert stored == local - timedelta(hours=7)
    assert value_of(edit_page(admin_client, article_id), "published_at") == local.strftime(
        FORM_TIME
    )


def test_an_american_date_is_refused_next_to_the_field_not_misread(admin_client, cats):
    response = submit(
        admin_client,
        form_data(cats.a, title="Kiểu Mỹ", status="scheduled", published_at="11/28/2026 09:15"),
    )

    assert response.status_code == 400
    shown = " ".join(errors_next_to(response.text, "published_at"))
    assert "Tháng 28 không có" in shown
    assert "ngày trước, tháng sau" in shown
    assert errors_next_to(response.text, "status") == []  # one message is enough
    # What was typed stays in the box for the editor to correct.
    assert value_of(response.text, "published_at") == "11/28/2026 09:15"


def test_the_admin_list_and_the_document_form_show_dates_day_first(
    admin_client, cats, make_document
):
    typed = "03/04/2030 07:45"
    article_id = save(
        admin_client, form_data(cats.a, title="Hẹn giờ", status="scheduled", published_at=typed)
    )
    page = edit_page(admin_client, article_id)
    assert value_of(page, "published_at") == typed

    made = make_document(issued_on=date(2024, 9, 5))
    document_page = admin_client.get(f"/admin/documents/{made.id}").text
    assert value_of(document_page, "issued_on") == "05/09/2024"
    assert control(document_page, "issued_on").get("placeholder") == "dd/mm/yyyy"
    row = next(
        tr
        for tr in parse(admin_client.get(ARTICLES).text).find("tbody").find_all("tr")
        if "Hẹn giờ" in tr.text()
    )
    assert typed in [squash(td.text()) for td in row.find_all("td")]
