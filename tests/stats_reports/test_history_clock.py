"""History import: "today" is the statistics clock's local day, and only the days
before it can be imported (today is being counted)."""

from __future__ import annotations

from datetime import date

import pytest
from auth_helpers import Clock
from pages import csrf_token_from
from stats_helpers import T0

from app.stats.item_views import local_today

URL = "/admin/stats/import/"
TODAY = date(2024, 6, 12)  # T0 in Hanoi


@pytest.fixture
def app_config() -> dict:
    return {"STATS_CLOCK": Clock(T0)}


def _post(client, data: bytes):
    import io

    token = csrf_token_from(client.get(URL).text)
    form = {"csrf_token": token, "file": (io.BytesIO(data), "lich-su.csv")}
    return client.post(URL, data=form, content_type="multipart/form-data")


def test_today_is_the_statistics_clock_and_today_is_refused(app, admin_client):
    assert local_today() == TODAY  # not the wall clock's day
    response = _post(admin_client, b"day,visits\n2024-06-12,3\n2024-06-13,4\n")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "12/06/2024 là hôm nay" in page and "13/06/2024 chưa đến" in page
    assert _post(admin_client, b"day,visits\n2024-06-11,3\n").status_code == 302
