"""History import: a migrated site's per-day totals loaded from CSV on the admin
page /admin/stats/import and with `flask import-stats-history`: imported days are drawn but
never counted in the total, a day the portal counted is never replaced, all or nothing."""

from __future__ import annotations

import io
from datetime import date

import pytest
from audit_log import audit_rows
from hypothesis import given, settings
from hypothesis import strategies as st
from pages import csrf_token_from, flashes
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from app.extensions import db
from app.stats.history import MAX_ROWS, parse_history
from app.stats.models import DailyStat
from app.stats.services import visits_ever

URL = "/admin/stats/import/"
TODAY = date(2026, 11, 30)
GOOD = (
    "\ufeffNgày;Lượt truy cập;Khách;Lượt xem;Bot\r\n"
    "30/12/2023;100;80;300;50\r\n"
    "31/12/2023;120;90;310;\r\n"
    "2024-01-01;7;;;\r\n"
).encode()


def _days() -> dict[date, DailyStat]:
    db.session.expire_all()
    return {row.day: row for row in db.session.scalars(select(DailyStat))}


def _counted_day(day: date, visits: int) -> None:
    db.session.add(DailyStat(day=day, visits=visits, visitors=visits, page_views=visits,
                             bot_views=0, imported=False))  # fmt: skip
    db.session.commit()


def _post(client, data: bytes, *, dry_run: bool = False, token: str | None = None,
          name: str = "lich-su.csv"):  # fmt: skip
    if token is None:
        token = csrf_token_from(client.get(URL).text)
    form = {"csrf_token": token, "file": (io.BytesIO(data), name)}
    if dry_run:
        form["dry_run"] = "y"
    return client.post(URL, data=form, content_type="multipart/form-data")


def test_a_good_file_is_imported_as_history_and_the_total_stays(app, admin_client):
    _counted_day(date(2025, 5, 1), 40)
    total = visits_ever()
    page = admin_client.get(URL)
    assert page.status_code == 200
    assert "DD/MM/YYYY" in page.text and "lượt truy cập" in page.text

    response = _post(admin_client, GOOD)
    assert response.status_code == 302
    shown = flashes(admin_client.get(URL).text)
    assert any("Đã thêm 3 ngày" in message for message in shown), shown

    days = _days()
    assert days[date(2023, 12, 30)].imported is True
    assert (days[date(2023, 12, 30)].visits, days[date(2023, 12, 30)].visitors,
            days[date(2023, 12, 30)].page_views, days[date(2023, 12, 30)].bot_views) == (
        100, 80, 300, 50)  # fmt: skip
    assert days[date(2023, 12, 31)].bot_views == 0  # an empty optional cell is 0
    assert days[date(2024, 1, 1)].visits == 7
    assert visits_ever() == total == 40  # imported days never join "Tổng lượt truy cập"
    assert admin_client.get("/api/stats").get_json()["total"] == 40
    [entry] = audit_rows(app, "stats.history_import")
    assert "thêm 3" in entry.detail and entry.username


def test_one_bad_line_refuses_the_whole_file_and_names_each_line(app, admin_client):
    data = (
        b"day,visits,visitors\n"
        b"2023-01-01,10,5\n"
        b"2023-02-30,10,5\n"  # no such day
        b"2023-01-03,-4,5\n"
        b"2023-01-04,1.5,5\n"
        b"2023-01-05,1000000000,5\n"
        b"2023-01-01,11,5\n"  # the same day again
        b"2023-01-07,12,5,9\n"  # a cell more than the header
        b"2023-01-08,,5\n"
    )
    response = _post(admin_client, data)
    assert response.status_code == 400
    text = response.text
    for line in (3, 4, 5, 6, 7, 8, 9):
        assert f"Dòng {line}:" in text
    assert "Dòng 2:" not in text
    assert "đã có ở dòng 2" in text
    assert _days() == {}  # the good first line was not written either


def test_a_day_the_portal_counted_is_kept_and_an_imported_day_is_replaced(app, admin_client):
    _counted_day(date(2023, 12, 31), 5)
    assert _post(admin_client, GOOD).status_code == 302
    message = " ".join(flashes(admin_client.get(URL).text))
    assert "bỏ qua 1 ngày" in message and "31/12/2023" in message
    days = _days()
    assert (days[date(2023, 12, 31)].visits, days[date(2023, 12, 31)].imported) == (5, False)
    assert days[date(2023, 12, 30)].visits == 100

    corrected = "ngay,luot truy cap\n30/12/2023;150\n".replace(";", ",").encode()
    assert _post(admin_client, corrected).status_code == 302
    days = _days()
    assert (days[date(2023, 12, 30)].visits, days[date(2023, 12, 30)].imported) == (150, True)
    assert days[date(2023, 12, 30)].page_views == 0  # replaced, not mixed
    assert days[date(2023, 12, 31)].visits == 5
    assert visits_ever() == 5


def test_a_dry_run_writes_nothing(app, admin_client):
    assert _post(admin_client, GOOD, dry_run=True).status_code == 302
    assert any("Sẽ thêm 3 ngày" in m for m in flashes(admin_client.get(URL).text))
    assert _days() == {}
    assert audit_rows(app, "stats.history_import") == []


def test_a_file_over_5_mb_is_a_413_page(app, admin_client):
    data = b"day,visits\n" + b"2023-01-01,1\n" * 420_000  # 5.04 MB
    token = csrf_token_from(admin_client.get(URL).text)
    # Encoded in memory: the test client would spool a body this large to a temporary file
    # it never closes.
    boundary, body = encode_multipart(
        MultiDict({"csrf_token": token, "file": FileStorage(io.BytesIO(data), "big.csv")})
    )
    response = admin_client.post(
        URL, data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert "5 MB" in response.text
    assert _days() == {}


def test_only_administrators_may_import(app, client, editor_client):
    assert editor_client.get(URL).status_code == 403
    assert client.get(URL).status_code in (302, 401)  # to the login page


def test_a_post_without_the_csrf_token_is_refused(app, admin_client):
    admin_client.get(URL)
    response = admin_client.post(URL, data={"file": (io.BytesIO(GOOD), "a.csv")},
                                 content_type="multipart/form-data")  # fmt: skip
    assert response.status_code == 400
    assert _days() == {}


def test_a_post_without_a_file_is_a_form_error(app, admin_client):
    token = csrf_token_from(admin_client.get(URL).text)
    response = admin_client.post(URL, data={"csrf_token": token})
    assert response.status_code == 400
    assert "Vui lòng chọn tệp CSV." in response.text


def test_a_hostile_cell_is_shown_escaped(app, admin_client):
    data = b"day,visits\n<script>alert(1)</script>,1\n2023-01-01,<img src=x onerror=alert(1)>\n"
    response = _post(admin_client, data)
    assert response.status_code == 400
    assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text
    assert "&lt;script&gt;alert(1)" in response.text


def test_the_command_imports_checks_and_refuses(app, runner, tmp_path):
    good = tmp_path / "history.csv"
    good.write_bytes(GOOD)
    result = runner.invoke(args=["import-stats-history", str(good), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Dry run" in result.output and _days() == {}

    result = runner.invoke(args=["import-stats-history", str(good)])
    assert result.exit_code == 0, result.output
    assert "3 days read" in result.output
    assert len(_days()) == 3 and visits_ever() == 0

    bad = tmp_path / "bad.csv"
    bad.write_text("day,visits\n2023-03-01,x\n2023-03-02,1\n", encoding="utf-8")
    result = runner.invoke(args=["import-stats-history", str(bad)])
    assert result.exit_code == 1
    assert "Dòng 2:" in result.output and "nothing written" in result.output
    assert date(2023, 3, 2) not in _days()


# --- the parser alone ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"day,visits\n2023-01-05,3\n",
        b"date;visits\n05/01/2023;3\n",
        b"Ng\xe0y\tvisits\n5/1/2023\t3\n",  # Windows-1258 header, tab-separated
        "ngày,lượt truy cập\n05/01/2023,3\n".encode("utf-16"),
        b"\n\nDAY , Visits \n2023-1-5 , 3 \n\n",
    ],
)
def test_the_parser_reads_the_usual_spellings(data):
    parsed = parse_history(data, TODAY)
    assert parsed.ok, parsed.errors
    assert [(row.day, row.visits) for row in parsed.rows] == [(date(2023, 1, 5), 3)]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "Tệp trống"),
        (b"day,visits\n", "không có dòng số liệu"),
        (b"day,views\n2023-01-01,1\n", "thiếu cột “lượt truy cập”"),
        (b"day,visits,comments\n2023-01-01,1,2\n", "cột “comments” không được nhận"),
        (b"day,visits,visits\n2023-01-01,1,2\n", "xuất hiện hai lần"),
        (b"day,visits\n2026-12-01,1\n", "chưa đến"),
        (b"day,visits\n2026-11-30,1\n", "là hôm nay"),  # today is being counted
        (b"day,visits\n2023-01-01," + b"1" * 5000 + b"\n", "phải là số nguyên"),  # int() limit
        (b"day,visits\n01/01/1980,1\n", "trước năm 1990"),
        (b"day,visits\n2023-13-01,1\n", "không tồn tại"),
        (b"day,visits\n1.1.2023,1\n", "không đúng dạng"),
        (b"\x00\x01\x02day,visits\n", "không phải tệp CSV"),
        ("day,visits\n2023-01-01,\u0663\n".encode(), "phải là số nguyên"),  # Arabic-Indic 3
        ("day,visits\n2023-01-01,\uff11\n".encode(), "phải là số nguyên"),  # fullwidth 1
        (b"day,visits\n2023-01-01," + b"1" * 200_000 + b"\n", "ô quá dài"),
        (b"\xff\xfed\x00a\x00y\x00,", "thiếu cột"),  # UTF-16 cut short
    ],
)
def test_the_parser_explains_what_is_wrong(data, message):
    parsed = parse_history(data, TODAY)
    assert not parsed.ok and not parsed.rows
    assert any(message in error for error in parsed.errors), parsed.errors


def test_the_parser_lists_twenty_errors_and_counts_the_rest():
    data = "day,visits\n" + "".join(f"2023-01-{d:02d},x\n" for d in range(1, 31))
    parsed = parse_history(data.encode(), TODAY)
    assert parsed.error_count == 30 and len(parsed.errors) == 20
    assert parsed.errors[0].startswith("Dòng 2:") and "10 lỗi khác" in parsed.summary()


def test_the_parser_takes_20000_rows_and_refuses_more():
    start = date(1990, 1, 1).toordinal()
    lines = [f"{date.fromordinal(start + n)},1\n" for n in range(MAX_ROWS + 1)]
    later = date(2100, 1, 1)  # every day of the file is in the past
    ok = parse_history(("day,visits\n" + "".join(lines[:MAX_ROWS])).encode(), later)
    assert ok.ok and len(ok.rows) == MAX_ROWS
    refused = parse_history(("day,visits\n" + "".join(lines)).encode(), later)
    assert not refused.ok and any("20.000" in error for error in refused.errors)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    st.one_of(
        st.binary(max_size=400),
        st.lists(
            st.lists(
                st.sampled_from(
                    [
                        "day",
                        "visits",
                        "2023-01-01",
                        "01/02/2023",
                        "7",
                        "-1",
                        "",
                        '"',
                        ";",
                        "ngày",
                        "\x00",
                        "é",
                        "99999999999",
                    ]
                ),
                max_size=6,
            ),
            max_size=6,
        ).map(lambda rows: "\n".join(",".join(cells) for cells in rows).encode()),
    )
)
def test_the_parser_never_raises_and_writes_nothing_from_a_bad_file(data):
    parsed = parse_history(data, TODAY)
    assert parsed.ok == (parsed.error_count == 0)
    assert parsed.rows == [] or parsed.ok
    assert all(0 <= row.visits <= 10**9 - 1 and row.day <= TODAY for row in parsed.rows)


def test_the_result_counts_only_the_days_actually_written(app, monkeypatch):
    """A checkpoint that counts one of the days between the import's read and its write:
    the upsert leaves the counted day alone, and the result and the audit entry say so."""
    from app.stats import history

    raced = date(2023, 12, 31)
    insert_of = history._insert

    def checkpoint_first(table):
        _counted_day(raced, 5)
        return insert_of(table)

    monkeypatch.setattr(history, "_insert", checkpoint_first)
    result = history.import_history(parse_history(GOOD, TODAY).rows)
    assert (result.added, result.replaced, result.skipped) == (2, 0, [raced])
    assert "Đã thêm 2 ngày" in result.message() and "bỏ qua 1 ngày" in result.message()
    [entry] = audit_rows(app, "stats.history_import")
    assert "thêm 2" in entry.detail and "bỏ qua 1" in entry.detail
    days = _days()
    assert (days[raced].visits, days[raced].imported) == (5, False)
