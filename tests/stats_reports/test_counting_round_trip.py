"""Every input the reports added to the page view (user agent, Referer, Host, the country of
a configured GeoIP database) rides in its one Redis round trip: counted on the wire, not by
command statistics (which would miss a second command of another name)."""

from __future__ import annotations

from datetime import date

import pytest
from auth_helpers import Clock
from counting_helpers import CHROME_WINDOWS, key, local_time, redis_of
from stats_helpers import publish, visitor
from test_geoip_lookup import NETWORKS, write_database
from test_stats_counting import redis_round_trips  # noqa: F401 - the fixture, shared

pytestmark = pytest.mark.contextless

DAY = date(2024, 6, 12)


@pytest.fixture
def app_config(tmp_path) -> dict:
    return {
        "STATS_CLOCK": Clock(local_time(DAY, 9, 10)),
        "STATS_GEOIP_DATABASE": write_database(tmp_path / "countries.mmdb", NETWORKS),
    }


def test_a_new_visit_with_a_referrer_and_a_country_is_one_round_trip(
    app,
    redis_round_trips,  # noqa: F811
):
    article = publish(app, "Một lần gọi Redis, cả nguồn đến và quốc gia")
    visitor(app, ip="14.161.2.2", user_agent=CHROME_WINDOWS).get(article.url)  # warm-up
    reader = visitor(app, ip="14.161.2.3", user_agent=CHROME_WINDOWS)
    redis_round_trips.clear()

    response = reader.get(article.url, headers={"Referer": "https://www.google.com.vn/?q=a"})

    assert response.status_code == 200
    assert len(redis_round_trips) == 1, redis_round_trips
    assert b"EVALSHA" in redis_round_trips[0].upper()
    client = redis_of(app)
    assert client.hgetall(key(app, "geo", f"{DAY}")) == {"VN": "2"}  # the database answered
    assert client.hgetall(key(app, "ref", f"{DAY}")) == {"www.google.com.vn": "1"}
