"""The page view's one script call and what it keeps for the reports: raw user agents and
referrer hosts as data, capped per day; unique visitors per hour, month and year; page views
per ten seconds; who reads what, bounded by the online set; hits spooled during an outage
keep all of it.

Real Redis and SQL; the statistics clock is the test's (STATS_CLOCK); background jobs off.
"""

from __future__ import annotations

import time
from datetime import date

import pytest
from auth_helpers import Clock
from counting_helpers import (
    CHROME_WINDOWS,
    FIREFOX_ANDROID,
    GOOGLEBOT,
    HOSTILE_HOST,
    HOSTILE_REFERRER,
    HOSTILE_UA,
    breakdowns,
    checkpoint_and_derive,
    hourly,
    key,
    local_time,
    periods,
    redis_of,
    service_of,
)
from stats_helpers import publish, visitor

from app.stats import derive, scripts
from app.stats.services import restore_from_sql

pytestmark = pytest.mark.contextless

DAY = date(2024, 6, 12)


@pytest.fixture
def clock() -> Clock:
    return Clock(local_time(DAY, 9, 10))


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


def get(client, url: str, referrer: str | None = None):
    response = client.get(url, headers={"Referer": referrer} if referrer else {})
    assert response.status_code == 200
    return response


def store_of(app):
    """The app's StatsStore, its counters initialised."""
    with app.app_context():
        service = service_of(app)
        restore_from_sql(service)
        return service.store


def test_each_page_view_is_still_one_evalsha(app):
    article = publish(app, "Một lần gọi Redis")
    readers = [visitor(app, ip=f"198.51.100.{n}", user_agent=CHROME_WINDOWS) for n in range(1, 6)]
    get(readers[0], "/")  # counters restored, pages cached: the steady state
    client = redis_of(app)
    client.config_resetstat()
    views = 0
    for n, reader in enumerate(readers):
        get(reader, article.url, f"https://www.google.com/?q={n}")
        get(reader, "/")
        views += 2
    get(visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT), "/")
    views += 1
    calls = {name: s["calls"] for name, s in client.info("commandstats").items()}
    # (commandstats also counts the commands scripts run: only the calls are compared)
    assert calls["cmdstat_evalsha"] == views
    assert "cmdstat_eval" not in calls


def test_hostile_user_agent_and_referrer_are_kept_as_data(app, clock):
    get(visitor(app, user_agent=HOSTILE_UA), "/", HOSTILE_REFERRER)
    client = redis_of(app)
    assert client.hgetall(key(app, "ua", f"{DAY}")) == {HOSTILE_UA: "1"}
    assert client.hgetall(key(app, "ref", f"{DAY}")) == {HOSTILE_HOST: "1"}
    checkpoint_and_derive(app)
    found = breakdowns(app, DAY)
    assert found["referrer"] == {"": 1}  # no host name: "Khác", never shown as a host
    assert sum(found["browser"].values()) == 1


@pytest.mark.parametrize(
    ("referrer", "host", "counted"),
    [
        ("HTTPS://User:Pw@WWW.Example.COM:8080/a/b?c=d#e", "localhost", "www.example.com"),
        ("http://[2001:DB8::1]:8080/", "localhost", "[2001:db8::1]"),
        ("https://example.org./", "localhost", "example.org"),
        ("android-app://com.google.android.gm/", "localhost", "com.google.android.gm"),
        ("https://tin.example.gov.vn/", "Tin.Example.gov.vn:8443", None),  # own host
        ("https://www.example.gov.vn/", "tin.example.gov.vn", "www.example.gov.vn"),
        ("javascript:alert(1)", "localhost", None),
        ("http:///no-host", "localhost", None),
        ("", "localhost", None),
    ],
)
def test_referrer_host_is_taken_by_the_script(app, clock, referrer, host, counted):
    store = store_of(app)
    store.record_hit(cookie="reader1", fallback="h:1", is_bot=False, new_cookie=True,
                     user_agent=CHROME_WINDOWS, referrer=referrer, host=host)  # fmt: skip
    found = redis_of(app).hgetall(key(app, "ref", f"{DAY}"))
    assert found == ({counted: "1"} if counted else {})


def test_only_a_new_visit_counts_its_user_agent_and_referrer(app, clock):
    store = store_of(app)
    for _ in range(3):  # one visit, three page views
        store.record_hit(cookie="reader1", fallback="h:1", is_bot=False, new_cookie=False,
                         user_agent=CHROME_WINDOWS, referrer="https://a.example/",
                         host="localhost", country="VN")  # fmt: skip
        clock.advance(60)
    client = redis_of(app)
    assert client.hgetall(key(app, "ua", f"{DAY}")) == {CHROME_WINDOWS: "1"}
    assert client.hgetall(key(app, "ref", f"{DAY}")) == {"a.example": "1"}
    assert client.hgetall(key(app, "geo", f"{DAY}")) == {"VN": "1"}


def test_day_hashes_keep_at_most_their_cap_of_distinct_values(app, clock):
    """User agents: 20,000 a day (ordinary traffic has thousands); referrers 5,000."""
    assert (scripts.UA_FIELDS, scripts.DAY_FIELDS) == (20000, 5000)
    store = store_of(app)
    client = redis_of(app)
    ua_key, ref_key = key(app, "ua", f"{DAY}"), key(app, "ref", f"{DAY}")
    client.hset(ua_key, mapping={f"agent {n}": 1 for n in range(scripts.UA_FIELDS - 1)})
    client.hset(ref_key, mapping={f"h{n}.example": 1 for n in range(scripts.DAY_FIELDS)})

    def new_visit(n: int, user_agent: str) -> None:
        store.record_hit(cookie=f"r{n}", fallback=f"h:{n}", is_bot=False, new_cookie=True,
                         user_agent=user_agent, referrer=f"https://new{n}.example/",
                         host="localhost")  # fmt: skip

    new_visit(0, "the last agent kept")  # the 20,000th: still its own field
    new_visit(1, "a new agent")
    new_visit(2, "another new agent")
    new_visit(3, "agent 7")  # known: still its own field
    assert client.hlen(ua_key) == scripts.UA_FIELDS + 1
    assert client.hget(ua_key, "the last agent kept") == "1"
    assert client.hget(ua_key, "") == "2"
    assert client.hget(ua_key, "agent 7") == "2"
    assert not client.hexists(ua_key, "a new agent")
    assert client.hlen(ref_key) == scripts.DAY_FIELDS + 1
    assert client.hget(ref_key, "") == "4"


def test_who_reads_what_follows_page_views_and_leaves_with_the_online_set(app, clock):
    article = publish(app, "Đang đọc")
    reader = visitor(app, user_agent=FIREFOX_ANDROID)
    client = redis_of(app)
    where = key(app, "where")

    get(reader, article.url)
    (member,) = client.hkeys(where)
    assert client.hget(where, member) == f"article:{article.id}"
    assert member in client.zrange(key(app, "online"), 0, -1)
    get(reader, "/")  # a page without an item: reading nothing
    assert client.hlen(where) == 0
    get(reader, article.url)
    get(visitor(app, ip="198.51.100.9", user_agent=CHROME_WINDOWS), article.url)
    assert client.hlen(where) == 2
    tens = key(app, "pv10", int(clock() * 1000) // 10000)
    assert client.get(tens) == "4"
    assert 0 < client.ttl(tens) <= 120

    clock.advance(app.config["ONLINE_WINDOW_SECONDS"] + 1)
    with app.app_context():
        service_of(app).read("refresh")  # the deployment's "refresh" job
    assert client.zcard(key(app, "online")) == 0
    assert client.hlen(where) == 0


def test_hourly_and_period_uniques_count_each_visitor_once(app, clock):
    readers = [visitor(app, ip=f"198.51.100.{n}", user_agent=CHROME_WINDOWS) for n in range(3)]
    for reader in readers:
        get(reader, "/")
        get(reader, "/")
    clock.advance(3600)  # the next hour: one of them comes back (a new visit)
    get(readers[0], "/")
    client = redis_of(app)
    assert client.pfcount(key(app, "uvh", f"{DAY}T09")) == 3
    assert client.pfcount(key(app, "uvh", f"{DAY}T10")) == 1
    checkpoint_and_derive(app)
    assert hourly(app) == {(DAY, 9): (3, 6, 0, 3), (DAY, 10): (1, 1, 0, 1)}  # a new visit
    assert periods(app) == {"2024-06": 3, "2024": 3}

    clock.advance(24 * 3600)  # the next day: one of them again, and a new reader
    get(readers[1], "/")
    get(visitor(app, ip="198.51.100.99", user_agent=CHROME_WINDOWS), "/")
    checkpoint_and_derive(app)
    checkpoint_and_derive(app)  # merging the same days again changes nothing
    assert periods(app) == {"2024-06": 4, "2024": 4}


def test_hits_spooled_while_redis_is_away_keep_their_agent_and_referrer(app, clock):
    service = service_of(app)
    service._down_until = time.monotonic() + 60  # the circuit breaker is open
    get(visitor(app, user_agent=FIREFOX_ANDROID), "/", "https://www.google.com.vn/")
    get(visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT), "/")
    assert service.spool.pending() == 2

    service.redis_back()
    with app.app_context():
        assert service.replay_spool() == 2
    checkpoint_and_derive(app)
    assert breakdowns(app, DAY) == {
        "browser": {"Firefox": 1},
        "os": {"Android": 1},
        "device": {"mobile": 1},
        "referrer": {"www.google.com.vn": 1},
        "search": {"Google": 1},
        "bot": {"Googlebot": 1},
    }


def test_hits_replayed_days_later_reach_the_breakdowns_of_their_own_day(app, clock):
    service = service_of(app)
    service._down_until = time.monotonic() + 60
    get(visitor(app, user_agent=CHROME_WINDOWS), "/", "https://coccoc.com/search?query=a")
    clock.advance(3 * 24 * 3600)  # Redis is back three days later
    service.redis_back()
    with app.app_context():
        assert service.replay_spool() == 1
    checkpoint_and_derive(app)
    assert breakdowns(app, DAY) == {
        "browser": {"Chrome": 1},
        "os": {"Windows": 1},
        "device": {"desktop": 1},
        "referrer": {"coccoc.com": 1},
        "search": {"Cốc Cốc": 1},
    }


def test_a_full_day_of_distinct_values_is_derived(app, clock):
    store_of(app)
    client = redis_of(app)
    hosts = {f"site{n}.example.vn": n % 3 + 1 for n in range(scripts.DAY_FIELDS)}
    agents = {f"{CHROME_WINDOWS} build/{n}": 2 for n in range(2000)}
    client.hset(key(app, "ref", f"{DAY}"), mapping=hosts)
    client.hset(key(app, "ua", f"{DAY}"), mapping=agents)
    checkpoint_and_derive(app)
    found = breakdowns(app, DAY)
    # Every visit is there: the day's biggest hosts by name, the long tail as "Khác".
    assert sum(found["referrer"].values()) == sum(hosts.values())
    named = {host: n for host, n in found["referrer"].items() if host}
    assert len(named) == derive.REFERRERS_KEPT
    assert all(hosts[host] == n == 3 for host, n in named.items())  # the biggest ones
    assert found["browser"] == {"Chrome": 4000}


@pytest.mark.parametrize("app", [{"STATS_GEOIP_DATABASE": "/nonexistent/geo.mmdb"}], indirect=True)
def test_countries_are_counted_only_with_geoip_configured(app, clock, monkeypatch):
    from app.stats import geoip

    asked = []

    def country_of(app, address: str) -> str:
        asked.append(address)
        return "VN"

    monkeypatch.setattr(geoip, "country_of", country_of)
    reader = visitor(app, ip="203.0.113.7", user_agent=CHROME_WINDOWS)
    get(reader, "/")
    get(reader, "/")  # the same visit: one country counted
    get(visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT), "/")  # bots: never asked
    assert asked == ["203.0.113.7", "203.0.113.7"]
    assert redis_of(app).hgetall(key(app, "geo", f"{DAY}")) == {"VN": "1"}
    checkpoint_and_derive(app)
    assert breakdowns(app, DAY)["country"] == {"VN": 1}


def test_readers_per_item_are_where_counted_by_value_whatever_the_order_of_hits(app, clock):
    """`reading` (the live panel's "đang đọc") moves with `where` in the page view's call and
    in the refresh's trim: hits replayed out of order, moves, pages without an item and
    visitors leaving never leave it different from `where` counted by value."""
    import random
    from collections import Counter

    store = store_of(app)
    client = redis_of(app)
    rng = random.Random(14)
    items = ["article:1", "article:2", "article:3", "document:7", ""]
    window = app.config["ONLINE_WINDOW_SECONDS"]

    def check() -> None:
        expected = Counter(v for v in client.hvals(key(app, "where")) if v)
        found = {k: int(v) for k, v in client.zrange(key(app, "reading"), 0, -1, withscores=True)}
        assert found == dict(expected)

    for step in range(400):
        n = rng.randrange(40)
        late = rng.random() < 0.2  # a spooled hit replayed: its own time, minutes ago
        now = clock() - rng.randrange(1, window) if late else None
        store.record_hit(cookie=f"r{n}", fallback=f"h:{n}", is_bot=False, new_cookie=False,
                         item=rng.choice(items), now=now)  # fmt: skip
        clock.advance(rng.choice([0, 1, 5, 30]))
        if step % 25 == 0:
            with app.app_context():
                service_of(app).read("refresh")
        check()
    clock.advance(window + 1)
    with app.app_context():
        service_of(app).read("refresh")
    check()
    assert client.exists(key(app, "reading")) == 0
