"""From readers' visits to the report pages: visits across a local midnight that is also a
month and a year end (Hanoi), counted by the real script, checkpointed and derived into SQL by
the jobs' own functions, then read on /admin/stats/ pages and their CSV tables — the days,
hours, months and years where they belong, a hostile referrer host shown escaped and kept as
text in the CSV."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from auth_helpers import Clock
from counting_helpers import (
    CHROME_WINDOWS,
    FIREFOX_ANDROID,
    GOOGLEBOT,
    HOSTILE_HOST,
    HOSTILE_REFERRER,
    SAFARI_IPHONE,
    checkpoint_and_derive,
    daily,
    local_time,
)
from pages import parse
from stats_helpers import publish, visitor

pytestmark = pytest.mark.contextless

LAST, FIRST = date(2024, 12, 31), date(2025, 1, 1)


@pytest.fixture
def clock() -> Clock:
    return Clock(local_time(LAST, 23, 30))


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


def rows(page: str, name: str) -> list[list[str]]:
    table = parse(page).find("table", id=f"table-{name}")
    assert table is not None, name
    return [[" ".join(c.text().split()) for c in tr.children if hasattr(c, "tag")]
            for tr in table.find("tbody").find_all("tr")]  # fmt: skip


def test_visits_across_the_year_end_land_on_their_days_months_and_years(app, clock, editor_client):
    article = publish(app, "Bài đọc qua giao thừa")
    a = visitor(app, ip="198.51.100.1", user_agent=CHROME_WINDOWS)
    b = visitor(app, ip="198.51.100.2", user_agent=FIREFOX_ANDROID)
    c = visitor(app, ip="198.51.100.3", user_agent=SAFARI_IPHONE)
    bot = visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT)
    steps = [  # (day, hour, minute, client, url, referrer)
        (LAST, 23, 40, a, article.url, HOSTILE_REFERRER),
        (LAST, 23, 50, b, "/", None),
        (LAST, 23, 55, bot, "/", None),
        (FIRST, 0, 5, c, article.url, None),
        (FIRST, 0, 40, b, "/", None),  # 50 minutes after b's first: a new visit
        (FIRST, 0, 45, bot, article.url, None),
    ]
    for day, hour, minute, client, url, referrer in steps:
        clock.now = local_time(day, hour, minute)
        headers = {"Referer": referrer} if referrer else {}
        assert client.get(url, headers=headers).status_code == 200
    clock.now = local_time(FIRST, 0, 50)
    checkpoint_and_derive(app)
    counted = daily(app)
    assert counted[LAST][0] == 2 and counted[FIRST][0] == 2  # what the reports must show

    page = editor_client.get("/admin/stats/").get_data(as_text=True)
    hours = rows(page, "hours")  # today (1 January) beside yesterday (31 December)
    assert hours[0][1:3] == ["2", "0"] and hours[23][1:3] == ["0", "2"]
    assert hours[0][3] == "2"  # page views after midnight: c and b (the bot apart)

    days = rows(editor_client.get("/admin/stats/days?from=2024-12-31&to=2025-01-01")
                .get_data(as_text=True), "days")  # fmt: skip
    assert [r[:3] for r in days] == [["31/12/2024", "2", "2"], ["01/01/2025", "2", "2"]]
    assert [r[4] for r in days] == ["1", "1"]  # bot page views, per day

    months = rows(editor_client.get("/admin/stats/months?from=2024-12-01&to=2025-01-31")
                  .get_data(as_text=True), "months")  # fmt: skip
    assert [r[:2] for r in months] == [["12/2024", "2"], ["01/2025", "2"]]
    assert [r[3] for r in months] == ["2", "2"]  # each month's own unique visitors
    years = rows(editor_client.get("/admin/stats/years").get_data(as_text=True), "years")
    assert [r[:2] for r in years] == [["2024", "2"], ["2025", "2"]]

    url = "/admin/stats/breakdowns?from=2024-12-31&to=2025-01-01"
    page = editor_client.get(url).get_data(as_text=True)
    assert HOSTILE_HOST not in page  # its quotes are escaped wherever it is shown
    # Not a host name: counted, as "Khác", never published as sent.
    assert [r[:2] for r in rows(page, "referrer")] == [["Khác", "1"]]
    assert {r[0] for r in rows(page, "browser")} == {"Chrome", "Firefox", "Safari"}
    assert rows(page, "bot")[0][:2] == ["Googlebot", "2"]
    body = editor_client.get(url + "&format=csv&table=referrer").get_data().decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(body)))[1] == ["Khác", "1", "100.0"]
