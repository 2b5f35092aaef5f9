"""The reports job (app/stats/derive.py) writes only what changed: a dimension this process
wrote with the same counts costs no query, an unchanged row no write. A day whose total in
Redis is at least SQL's is replaced (a user agent classified otherwise after a deploy moves,
it does not count twice); a Redis that lost part of the day lowers and removes nothing.
Referrer text that is no host name is counted as "Khác".

Real Redis and SQL; the statistics clock is the test's (STATS_CLOCK); background jobs off.
"""

from __future__ import annotations

from datetime import date

import pytest
from auth_helpers import Clock
from counting_helpers import CHROME_WINDOWS, breakdowns, key, local_time, redis_of, service_of
from sqlalchemy import event

from app.extensions import db
from app.stats import agents, derive
from app.stats.services import restore_from_sql

pytestmark = pytest.mark.contextless

DAY = date(2024, 6, 12)


@pytest.fixture
def clock() -> Clock:
    return Clock(local_time(DAY, 9, 10))


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


@pytest.fixture
def client(app):
    with app.app_context():
        restore_from_sql(service_of(app))  # counters initialised
    return redis_of(app)


def run(app) -> list[date]:
    with app.app_context():
        return derive.run(service_of(app))


def new_process(app, monkeypatch) -> None:
    """What a restarted (or newly deployed) process starts with: nothing remembered."""
    app.extensions.pop("stats_derived", None)
    monkeypatch.setattr(derive, "_agents", {})


@pytest.fixture
def statements(app):
    """(SQL, rows) of each statement on stats_breakdown while the test runs."""
    seen: list[tuple[str, int]] = []

    def note(conn, cursor, statement, parameters, context, executemany):
        if "stats_breakdown" in statement:
            rows = len(parameters) if executemany else 1
            seen.append((statement.split()[0].upper(), rows))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", note)
    yield seen
    event.remove(engine, "before_cursor_execute", note)


def test_only_changed_rows_are_written_and_unchanged_days_cost_no_query(
    app, client, statements, monkeypatch
):
    hosts = {f"site{n}.example.vn": n + 1 for n in range(300)}
    client.hset(key(app, "ref", f"{DAY}"), mapping=hosts)
    client.hset(key(app, "ua", f"{DAY}"), mapping={CHROME_WINDOWS: 7})
    assert run(app) == [DAY]
    assert ("INSERT", 300 + 3) in statements  # and browser, OS, device
    assert breakdowns(app, DAY)["referrer"] == hosts

    statements.clear()
    run(app)  # a minute later, nothing new: this process knows it wrote it all
    assert statements == []

    new_process(app, monkeypatch)
    run(app)  # another process: reads SQL, writes nothing
    assert {verb for verb, _ in statements} == {"SELECT"}

    statements.clear()
    client.hincrby(key(app, "ref", f"{DAY}"), "site7.example.vn", 1)
    run(app)
    assert [s for s in statements if s[0] != "SELECT"] == [("INSERT", 1)]
    assert breakdowns(app, DAY)["referrer"]["site7.example.vn"] == 9


def test_a_user_agent_classified_otherwise_after_a_deploy_moves_its_visits(
    app, client, monkeypatch
):
    client.hset(key(app, "ua", f"{DAY}"), mapping={CHROME_WINDOWS: 3, "Mozilla/5.0 odd": 2})
    run(app)
    before = breakdowns(app, DAY)["browser"]
    assert before["Chrome"] == 3 and sum(before.values()) == 5

    new_process(app, monkeypatch)  # a parser upgrade names Chrome "Chromium" now
    classify = agents.classify

    def classify_now(user_agent: str):
        found = classify(user_agent)
        browser = "Chromium" if "Chrome/" in user_agent else "Khác lạ"
        return agents.Agent(browser, found.os, found.device)

    monkeypatch.setattr(agents, "classify", classify_now)
    client.hincrby(key(app, "ua", f"{DAY}"), CHROME_WINDOWS, 1)
    run(app)

    assert breakdowns(app, DAY)["browser"] == {"Chromium": 4, "Khác lạ": 2}  # not 3 + 4


def test_a_redis_that_lost_part_of_the_day_lowers_and_removes_nothing(app, client, monkeypatch):
    ref = key(app, "ref", f"{DAY}")
    client.hset(ref, mapping={"a.example.vn": 5, "b.example.vn": 2})
    run(app)
    client.delete(ref)  # Redis lost the day's hash: what comes after is less than SQL holds
    client.hset(ref, mapping={"a.example.vn": 1, "c.example.vn": 1})
    new_process(app, monkeypatch)
    run(app)
    assert breakdowns(app, DAY)["referrer"] == {
        "a.example.vn": 5,
        "b.example.vn": 2,
        "c.example.vn": 1,
    }


def test_referrer_text_that_is_no_host_name_is_counted_as_other(app, client):
    client.hset(key(app, "ref", f"{DAY}"), mapping={
        "đánh bạc trực tuyến tại casino dot com gọi 0900": 50,
        'x"onmouseover="alert(1)': 1,
        "intranet": 1,  # one label: no domain name
        "báo.vn": 2,
        "203.0.113.5": 3,
        "[2001:db8::1]": 4,
        "www.google.com.vn": 5,
    })  # fmt: skip
    run(app)
    found = breakdowns(app, DAY)
    assert found["referrer"] == {
        "": 52,
        "báo.vn": 2,
        "203.0.113.5": 3,
        "[2001:db8::1]": 4,
        "www.google.com.vn": 5,
    }
    assert found["search"] == {"Google": 5}


def test_a_days_user_agents_are_parsed_once_not_at_every_run(app, client, monkeypatch):
    from app.stats import scripts

    assert derive.CACHE_SIZE >= scripts.UA_FIELDS  # a full day's hash fits the cache
    new_process(app, monkeypatch)
    parsed = []
    classify = agents.classify
    monkeypatch.setattr(agents, "classify", lambda ua: parsed.append(ua) or classify(ua))
    ua = key(app, "ua", f"{DAY}")
    client.hset(ua, mapping={f"{CHROME_WINDOWS} build/{n}": 1 for n in range(50)})
    run(app)
    assert len(parsed) == 50
    client.hset(ua, "a new one", 1)
    run(app)
    assert parsed[50:] == ["a new one"]

    monkeypatch.setattr(derive, "CACHE_SIZE", 10)  # full: the older half goes, not all
    cache = {f"ua {n}": n for n in range(10)}
    monkeypatch.setattr(derive, "_agents", cache)
    derive._remember(cache, "ua 10", 10)
    assert list(cache) == [f"ua {n}" for n in range(5, 11)]


def test_a_day_keeps_its_biggest_referrer_hosts_and_adds_the_rest_to_other():
    hosts = {f"site{n}.example.vn": n + 1 for n in range(derive.REFERRERS_KEPT + 20)}
    counts = derive.aggregate({"ref": hosts}, frozenset(), frozenset())
    referrers = {value: n for (dim, value), n in counts.items() if dim == "referrer"}
    kept = {value for value in referrers if value}
    assert len(kept) == derive.REFERRERS_KEPT
    assert min(referrers[value] for value in kept) == 21  # the 20 smallest went to "Khác"
    assert referrers[""] == sum(range(1, 21))
    assert sum(referrers.values()) == sum(hosts.values())  # nothing lost
