"""Keeping the statistics: checkpoints into SQL, item counter flushes, restore, Redis outages.

Real Redis servers only: the test session's, or one of the test's own that it stops, freezes
and restarts. The clock is the test's (STATS_CLOCK) and background threads are off; the test
runs what the background runner would, when it wants.
"""

from __future__ import annotations

import os
import shutil
import signal
import threading
import time
from datetime import UTC, date, datetime, timedelta

import pytest
from auth_helpers import Clock
from sqlalchemy import func, select
from stats_helpers import GOOGLEBOT, publish, sidebar, stats, views_shown, visitor

from app.embedded_redis import EmbeddedRedis
from app.extensions import db, redis_store
from app.news.models import Article
from app.stats import durability, jobs
from app.stats import services as stats_services
from app.stats.hub import Hub
from app.stats.jobs import Runner
from app.stats.models import DailyStat, HourlyStat

ZONE_OFFSET = timedelta(hours=7)  # Asia/Ho_Chi_Minh has no daylight saving time
DAY = date(2024, 6, 12)
MINUTE = 60.0
# Seconds: a sanity bound for a page while Redis is away, not a benchmark. A page waits one
# 0.2 s socket timeout; the bound catches redis-py's own waits (5 s, with retries) and leaves
# room for a machine busy with other suites (one page took 1.1 s under a full run).
PAGE_DEADLINE = 2.5


def local_time(day: date, hour: int, minute: int = 0) -> float:
    """Epoch seconds of a wall-clock time in Hanoi."""
    naive = datetime(day.year, day.month, day.day, hour, minute)
    return (naive - ZONE_OFFSET).replace(tzinfo=UTC).timestamp()


@pytest.fixture
def clock() -> Clock:
    return Clock(local_time(DAY, 9, 10))


# No app context stays pushed during a test (conftest's `app`); the statistics read the
# test's clock.
pytestmark = pytest.mark.contextless


@pytest.fixture
def app_config(clock) -> dict:
    return {"STATS_CLOCK": clock}


@pytest.fixture
def own_redis(tmp_path_factory):
    """A real redis-server of this test's own, to stop, freeze and restart."""
    server = EmbeddedRedis(tmp_path_factory.mktemp("r"))  # short path: unix socket limit
    server.ensure_running(stop_at_exit=False)
    yield server
    if server.process is not None:
        server.process.send_signal(signal.SIGCONT)
    server.stop()


@pytest.fixture
def quick_breaker(monkeypatch):
    """Let the circuit breaker close again after 0.2 s instead of 2 s."""
    monkeypatch.setattr(stats_services, "BREAKER_SECONDS", 0.2)
    return 0.25


def view(app, url: str = "/", n: int = 1, *, first_ip: int = 1, **kwargs) -> list:
    """`n` new visitors each open `url`; returns the responses."""
    responses = [visitor(app, ip=f"198.51.100.{first_ip + i}", **kwargs).get(url) for i in range(n)]
    assert all(r.status_code == 200 for r in responses)
    return responses


def service_of(app):
    return app.extensions["stats"]


def spooled(app) -> int:
    """Hits kept on disk for replay (every process of the test's instance)."""
    return service_of(app).spool.pending()


def checkpoint(app) -> list[date]:
    with app.app_context():
        return durability.checkpoint(service_of(app))


def flush(app, kind: str = "article") -> int:
    with app.app_context():
        return durability.flush_counters(service_of(app), kind)


def daily_rows(app) -> dict[date, tuple[int, int, int, int]]:
    with app.app_context():
        return {
            row.day: (row.visits, row.visitors, row.page_views, row.bot_views)
            for row in db.session.scalars(select(DailyStat))
        }


def hourly_rows(app) -> dict[tuple[date, int], tuple[int, int, int]]:
    with app.app_context():
        return {
            (row.day, row.hour): (row.visits, row.page_views, row.bot_views)
            for row in db.session.scalars(select(HourlyStat))
        }


def stored_views(app, article_id: int) -> int:
    with app.app_context():
        return db.session.scalar(select(Article.views).where(Article.id == article_id))


# --- checkpoint --------------------------------------------------------------------------------


def test_checkpoint_writes_daily_and_hourly_history(app, clock):
    regular = visitor(app, ip="198.51.100.1")
    regular.get("/")
    clock.advance(5 * MINUTE)
    regular.get("/")  # a second view of the same visit
    view(app, n=2, first_ip=2)
    visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT).get("/")
    clock.now = local_time(DAY, 10, 5)
    view(app, first_ip=10)
    visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT).get("/")

    assert checkpoint(app) == [DAY]

    # visits, visitors (HyperLogLog, exact at this size), page views, bot views
    assert daily_rows(app) == {DAY: (4, 4, 5, 2)}
    assert hourly_rows(app) == {(DAY, 9): (3, 4, 1), (DAY, 10): (1, 1, 1)}


def test_checkpoint_again_updates_the_same_rows(app, clock):
    view(app, n=2)
    checkpoint(app)
    view(app, n=3, first_ip=10)
    clock.now = local_time(DAY, 11, 30)
    view(app, first_ip=20)

    checkpoint(app)
    checkpoint(app)  # and once more with nothing new

    assert daily_rows(app) == {DAY: (6, 6, 6, 0)}
    assert hourly_rows(app) == {(DAY, 9): (5, 5, 0), (DAY, 11): (1, 1, 0)}


def test_checkpoint_after_midnight_completes_yesterday(app, clock):
    clock.now = local_time(DAY, 23, 50)
    view(app, n=2)
    checkpoint(app)
    clock.now = local_time(DAY, 23, 58)
    view(app, first_ip=10)  # counted after the last checkpoint of the day
    clock.now = local_time(DAY + timedelta(days=1), 0, 10)
    view(app, first_ip=20)

    assert checkpoint(app) == [DAY, DAY + timedelta(days=1)]

    assert daily_rows(app) == {DAY: (3, 3, 3, 0), DAY + timedelta(days=1): (1, 1, 1, 0)}


def test_checkpoint_lets_only_days_that_are_over_expire(app, clock):
    """Keys with a TTL are what the embedded Redis may evict under its memory limit: today's
    counters must have none, a finished day's may go once SQL has it."""
    clock.now = local_time(DAY, 23, 50)
    view(app, n=2)
    checkpoint(app)
    client = redis_store.client
    today_keys = ["st:day:2024-06-12", "st:uv:2024-06-12", "st:hour:2024-06-12T23"]
    assert [client.ttl(key) for key in today_keys] == [-1, -1, -1]

    clock.now = local_time(DAY + timedelta(days=1), 0, 10)
    view(app, first_ip=20)
    checkpoint(app)

    assert all(client.ttl(key) > 0 for key in today_keys)  # yesterday now, and in SQL
    assert client.ttl("st:day:2024-06-13") == -1
    assert client.ttl("st:total") == -1


def test_checkpoint_never_copies_an_emptied_redis_over_sql(app):
    view(app, n=3)
    checkpoint(app)
    before = daily_rows(app), hourly_rows(app)

    redis_store.client.flushdb()  # Redis lost everything (restarted without its data)

    assert checkpoint(app) == []
    assert (daily_rows(app), hourly_rows(app)) == before
    assert before[0][DAY][0] == 3


# --- restore from SQL --------------------------------------------------------------------------


def test_after_redis_is_emptied_counting_continues_from_sql(app, clock):
    clock.now = local_time(DAY - timedelta(days=1), 15)
    view(app, n=2)
    checkpoint(app)
    clock.now = local_time(DAY, 9)
    view(app, n=3, first_ip=10)
    checkpoint(app)

    redis_store.client.flushdb()

    assert {k: stats(app)[k] for k in ("today", "total")} == {"today": 3, "total": 5}
    html = visitor(app, ip="198.51.100.99").get("/").text
    assert sidebar(html)["today"] == 4
    assert sidebar(html)["total"] == 6

    checkpoint(app)  # what Redis holds now is SQL's plus the new visit: no double count
    assert daily_rows(app)[DAY][0] == 4
    assert daily_rows(app)[DAY - timedelta(days=1)][0] == 2


def test_restore_keeps_the_total_offset(make_stats_app):
    app = make_stats_app(STATS_TOTAL_OFFSET=1000)
    view(app, n=2)
    checkpoint(app)
    redis_store.client.flushdb()

    html = view(app, first_ip=50)[0].text

    assert sidebar(html)["total"] == 1003
    assert stats(app)["total"] == 1003


def test_restore_happens_once_when_many_first_views_race(app):
    view(app, n=4)
    checkpoint(app)
    redis_store.client.flushdb()
    n = 20
    start = threading.Barrier(n)
    clients = [visitor(app, ip=f"198.51.101.{i + 1}") for i in range(n)]

    def first_view(client):
        start.wait(timeout=10)
        client.get("/")

    threads = [threading.Thread(target=first_view, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert {k: stats(app)[k] for k in ("today", "total")} == {"today": 4 + n, "total": 4 + n}


# --- item view counters ------------------------------------------------------------------------


def test_buffered_article_views_reach_sql_once(app):
    article = publish(app, "Bài viết")
    view(app, article.url, n=3)
    assert stored_views(app, article.id) == 0  # buffered in Redis so far

    with app.app_context():
        assert durability.flush_all(service_of(app)) == 1
        assert durability.flush_all(service_of(app)) == 0  # nothing left: nothing added

    assert stored_views(app, article.id) == 3
    assert views_shown(view(app, article.url, first_ip=50)[0].text) == 4
    flush(app)
    assert stored_views(app, article.id) == 4


def test_flush_killed_after_taking_the_batch_neither_loses_nor_double_counts(app):
    article = publish(app, "Bài viết")
    view(app, article.url, n=3)
    with app.app_context():
        service_of(app).store.take_batch("article", "batch-of-a-dead-process")
    # ... the process dies here, before its SQL commit. Readers keep coming meanwhile:
    html = view(app, article.url, n=2, first_ip=10)[-1].text
    assert views_shown(html) == 5

    flush(app)  # the next flush finishes the dead batch first
    assert stored_views(app, article.id) == 3
    flush(app)  # then the views that came meanwhile
    assert stored_views(app, article.id) == 5
    assert flush(app) == 0
    assert stored_views(app, article.id) == 5
    assert views_shown(view(app, article.url, first_ip=50)[0].text) == 6


def test_flush_killed_after_the_sql_commit_does_not_count_twice(app, monkeypatch):
    article = publish(app, "Bài viết")
    view(app, article.url, n=3)
    store = service_of(app).store

    def crash(kind, batch_id):
        raise SystemExit("killed between the SQL commit and dropping the batch")

    monkeypatch.setattr(store, "drop_batch", crash)
    with pytest.raises(SystemExit):
        flush(app)
    assert stored_views(app, article.id) == 3
    monkeypatch.undo()

    view(app, article.url, n=2, first_ip=10)  # readers keep coming meanwhile
    flush(app)  # finds the batch already applied: only drops it
    assert stored_views(app, article.id) == 3
    flush(app)
    assert stored_views(app, article.id) == 5
    assert views_shown(view(app, article.url, first_ip=50)[0].text) == 6


def test_article_page_shows_the_true_count_after_a_flush_died_after_its_commit(app, monkeypatch):
    """Until the next flush drops the applied batch, readers must not see it twice."""
    article = publish(app, "Bài viết")
    view(app, article.url, n=3)
    monkeypatch.setattr(service_of(app).store, "drop_batch", lambda kind, batch_id: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        flush(app)
    monkeypatch.undo()

    html = view(app, article.url, first_ip=10)[0].text

    assert views_shown(html) == 4


def test_views_counted_while_a_flush_is_pending_are_not_lost(app):
    first = publish(app, "Bài một")
    second = publish(app, "Bài hai")
    view(app, first.url, n=2)
    with app.app_context():
        batch = service_of(app).store.take_batch("article", "pending-batch")
    assert batch == ("pending-batch", {str(first.id): 2})
    view(app, first.url, n=3, first_ip=10)
    view(app, second.url, n=4, first_ip=20)

    for _ in range(3):
        flush(app)

    assert stored_views(app, first.id) == 5
    assert stored_views(app, second.id) == 4


# --- Redis away --------------------------------------------------------------------------------


def timed_get(client, url: str):
    started = time.perf_counter()
    response = client.get(url)
    return response, time.perf_counter() - started


def test_pages_keep_rendering_with_last_known_numbers_while_redis_is_down(
    make_stats_app, own_redis, quick_breaker
):
    app = make_stats_app(REDIS_URL=own_redis.url)
    article = publish(app, "Bài viết")
    view(app, n=2)
    view(app, article.url, first_ip=5)
    known = stats(app)
    assert (known["today"], known["total"]) == (3, 3)

    own_redis.stop()
    pages = ["/", article.category_url, article.url, "/api/stats", "/"]
    for n, page in enumerate(pages):
        response, seconds = timed_get(visitor(app, ip=f"198.51.100.{100 + n}"), page)
        assert response.status_code == 200, page
        assert seconds < PAGE_DEADLINE, (page, seconds)
        numbers = response.get_json() if page.startswith("/api") else sidebar(response.text)
        assert (numbers["today"], numbers["total"]) == (3, 3), page
    health = app.test_client().get("/healthz")
    assert health.status_code == 503
    assert health.get_json()["redis"] == "down"

    assert spooled(app) == 4  # the page views, not the API call


def test_nothing_is_written_to_the_spool_while_redis_answers(app, tmp_path):
    article = publish(app, "Bài viết")
    view(app, n=3)
    view(app, article.url, first_ip=10)
    with app.app_context():
        assert service_of(app).replay_spool() == 0

    assert spooled(app) == 0
    assert not (tmp_path / "instance" / "spool").exists()


def test_hits_spooled_while_redis_was_down_are_replayed_when_it_is_back(
    make_stats_app, own_redis, quick_breaker
):
    app = make_stats_app(REDIS_URL=own_redis.url)
    article = publish(app, "Bài viết")
    view(app, n=2)
    own_redis.stop()
    view(app, n=3, first_ip=10)
    view(app, article.url, first_ip=20)
    visitor(app, ip="66.249.66.1", user_agent=GOOGLEBOT).get("/")
    assert spooled(app) == 5

    own_redis.ensure_running(stop_at_exit=False)  # back, with its data (AOF)
    time.sleep(quick_breaker)
    with app.app_context():
        app.extensions["stats_runner"].tick()  # what the background runner does each second

    assert spooled(app) == 0
    numbers = stats(app)
    assert (numbers["today"], numbers["total"], numbers["bots_online"]) == (6, 6, 1)
    flush(app)
    assert stored_views(app, article.id) == 1


def test_spooled_hits_are_replayed_into_a_redis_that_came_back_empty(
    make_stats_app, own_redis, quick_breaker
):
    app = make_stats_app(REDIS_URL=own_redis.url)
    view(app, n=2)
    checkpoint(app)
    own_redis.stop()
    view(app, n=3, first_ip=10)
    for path in own_redis.directory.iterdir():  # its data is gone (AOF and RDB)
        if path.name.startswith("appendonly") or path.suffix == ".rdb":
            shutil.rmtree(path) if path.is_dir() else path.unlink()

    own_redis.ensure_running(stop_at_exit=False)
    time.sleep(quick_breaker)
    with app.app_context():
        app.extensions["stats_runner"].tick()

    numbers = stats(app)
    assert (numbers["today"], numbers["total"]) == (5, 5)


def test_hits_spooled_by_a_process_that_stopped_are_replayed_by_the_next_one(
    make_stats_app, own_redis, quick_breaker, caplog
):
    """The portal restarted while Redis was still down: the old process' hits are on disk,
    and the new process replays them once Redis is back."""
    old = make_stats_app(REDIS_URL=own_redis.url)
    view(old, n=2)
    own_redis.stop()
    view(old, n=3, first_ip=10)
    with caplog.at_level("WARNING"):
        old.extensions["stats_runner"].stop()  # SIGTERM: the worker exits
    assert "still spooled" in caplog.text

    new = make_stats_app(flush=False, REDIS_URL=own_redis.url)  # the restarted portal
    view(new, n=4, first_ip=20)  # Redis still down: spooled as well
    own_redis.ensure_running(stop_at_exit=False)
    time.sleep(quick_breaker)
    with new.app_context():
        new.extensions["stats_runner"].tick()
        new.extensions["stats_runner"].tick()  # its own file, finished on the first tick

    assert spooled(new) == 0
    numbers = stats(new)
    assert (numbers["today"], numbers["total"]) == (9, 9)


def test_a_spool_file_replayed_again_after_a_crash_counts_once(
    make_stats_app, own_redis, quick_breaker
):
    """A replayer killed after Redis took some hits but before it noted its progress: the
    next replayer sends those hits again, and their hit ids make Redis ignore them."""
    app = make_stats_app(REDIS_URL=own_redis.url)
    view(app, n=1)
    own_redis.stop()
    view(app, n=4, first_ip=10)
    service = service_of(app)
    service.spool.close()
    (path,) = service.spool.files()
    copy = path.read_bytes()

    own_redis.ensure_running(stop_at_exit=False)
    time.sleep(quick_breaker)
    with app.app_context():
        service.replay_spool()
    assert stats(app)["total"] == 5
    path.write_bytes(copy)  # as if the first replay had died before deleting the file
    with app.app_context():
        assert service.replay_spool() == 4

    numbers = stats(app)
    assert (numbers["today"], numbers["total"]) == (5, 5)
    checkpoint(app)
    assert daily_rows(app)[DAY][2] == 5  # page views, once each


def test_hits_replayed_days_later_reach_the_history_of_their_own_day(
    make_stats_app, own_redis, quick_breaker, clock
):
    """An outage longer than a day: the replayed hits belong to a day the regular checkpoint
    (today and yesterday) no longer looks at; it writes that day too."""
    app = make_stats_app(REDIS_URL=own_redis.url)
    view(app, n=2)
    checkpoint(app)
    own_redis.stop()
    view(app, n=3, first_ip=10)

    clock.now = local_time(DAY + timedelta(days=2), 9)
    own_redis.ensure_running(stop_at_exit=False)
    time.sleep(quick_breaker)
    with app.app_context():
        app.extensions["stats_runner"].tick()  # replays, then checkpoints
    checkpoint(app)

    assert daily_rows(app)[DAY][0] == 5
    assert redis_store.client.exists("st:days:late") == 0


def test_replayed_hits_keep_their_own_visit_boundaries(
    make_stats_app, own_redis, quick_breaker, clock
):
    """A visitor seen at 09:10 and 09:50 during an outage made two visits, replayed or not."""
    app = make_stats_app(REDIS_URL=own_redis.url)
    view(app)
    own_redis.stop()
    reader = visitor(app, ip="198.51.100.50")
    reader.get("/")
    clock.advance(40 * MINUTE)
    reader.get("/")

    own_redis.ensure_running(stop_at_exit=False)
    time.sleep(quick_breaker)
    with app.app_context():
        app.extensions["stats_runner"].tick()

    assert stats(app)["total"] == 3


def test_pages_render_from_sql_when_redis_never_answered(make_stats_app, tmp_path_factory, clock):
    with make_stats_app().app_context():  # history written by earlier checkpoints
        db.session.add_all([
            DailyStat(day=DAY - timedelta(days=1), visits=40, visitors=30, page_views=90),
            DailyStat(day=DAY, visits=7, visitors=6, page_views=20),
        ])  # fmt: skip
        db.session.commit()
    dead = tmp_path_factory.mktemp("dead") / "redis.sock"
    app = make_stats_app(flush=False, REDIS_URL=f"unix://{dead}", STATS_TOTAL_OFFSET=3)
    article = publish(app, "Bài viết")

    for n, page in enumerate(["/", article.category_url, article.url, "/"]):
        response, seconds = timed_get(visitor(app, ip=f"198.51.100.{n + 1}"), page)
        assert response.status_code == 200, page
        assert seconds < PAGE_DEADLINE, (page, seconds)
        numbers = sidebar(response.text)
        assert (numbers["today"], numbers["total"]) == (7, 50), page
    assert stats(app)["total"] == 50

    assert spooled(app) == 4


def test_a_frozen_redis_does_not_hold_pages_up(make_stats_app, own_redis, quick_breaker):
    """Redis stops answering (not refusing): pages wait at most the short socket timeout."""
    app = make_stats_app(REDIS_URL=own_redis.url)
    article = publish(app, "Bài viết")
    view(app, n=2)
    os.kill(own_redis.process.pid, signal.SIGSTOP)
    try:
        for n, page in enumerate(["/", article.url, "/api/stats", article.category_url]):
            response, seconds = timed_get(visitor(app, ip=f"198.51.100.{n + 10}"), page)
            assert response.status_code == 200, page
            assert seconds < PAGE_DEADLINE, (page, seconds)
            time.sleep(quick_breaker)  # the breaker lets the next page try Redis again
    finally:
        os.kill(own_redis.process.pid, signal.SIGCONT)
    assert spooled(app)  # hits kept for replay, not dropped

    time.sleep(quick_breaker)
    with app.app_context():
        app.extensions["stats_runner"].tick()

    assert stats(app)["total"] == 5


def test_hits_that_timed_out_on_a_stalled_redis_are_not_counted_twice(
    make_stats_app, own_redis, quick_breaker
):
    """A timeout does not mean Redis did not run the script: it may run it once it resumes.
    The page views recorded in the history must then be counted once, not also replayed."""
    app = make_stats_app(REDIS_URL=own_redis.url)
    view(app, n=2)
    os.kill(own_redis.process.pid, signal.SIGSTOP)  # a stall: fork, swap, slow disk ...
    try:
        for n in range(3):
            response, seconds = timed_get(visitor(app, ip=f"198.51.100.{n + 10}"), "/")
            assert response.status_code == 200
            assert seconds < PAGE_DEADLINE
            time.sleep(quick_breaker)
    finally:
        os.kill(own_redis.process.pid, signal.SIGCONT)
    assert spooled(app) == 3
    time.sleep(quick_breaker)
    with app.app_context():
        app.extensions["stats_runner"].tick()  # replays, then checkpoints

    checkpoint(app)
    visits, visitors, page_views, _ = daily_rows(app)[DAY]
    assert (visits, visitors) == (5, 5)
    assert page_views == 5


# --- periodic jobs -----------------------------------------------------------------------------


def test_only_one_owner_gets_a_job_lock(app):
    with app.app_context():
        store = service_of(app).store
        assert store.try_lock("checkpoint", "worker-a", 30000) is True
        assert store.try_lock("checkpoint", "worker-b", 30000) is False
        assert store.try_lock("checkpoint", "worker-a", 30000) is False  # not re-entrant
        assert store.try_lock("flush", "worker-b", 30000) is True  # another job: its own lock


def test_job_lock_is_free_again_after_its_time(app):
    with app.app_context():
        store = service_of(app).store
        assert store.try_lock("checkpoint", "worker-a", 100)
        time.sleep(0.15)
        assert store.try_lock("checkpoint", "worker-b", 30000)


def test_racing_owners_get_the_job_lock_exactly_once(app):
    n = 20
    start = threading.Barrier(n)
    winners: list[str] = []

    def contend(owner: str) -> None:
        with app.app_context():
            store = service_of(app).store
            start.wait(timeout=10)
            if store.try_lock("checkpoint", owner, 30000):
                winners.append(owner)

    threads = [threading.Thread(target=contend, args=(f"worker-{i}",)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert len(winners) == 1


def test_periodic_jobs_run_once_per_deployment_not_once_per_process(make_stats_app, monkeypatch):
    first = make_stats_app()
    second = make_stats_app(flush=False)  # another server process on the same Redis and SQL
    article = publish(first, "Bài viết")
    view(first, article.url, n=2)
    ran: list[tuple[str, str]] = []
    real_run_job = jobs.run_job

    def spy(service, name):
        ran.append((name, "first" if service is service_of(first) else "second"))
        real_run_job(service, name)

    monkeypatch.setattr(jobs, "run_job", spy)
    runners = [Runner(app, service_of(app), Hub()) for app in (first, second, first)]
    for app, runner in zip((first, second, first), runners, strict=True):
        with app.app_context():
            runner.tick()

    assert sorted(name for name, _ in ran) == sorted(jobs.DEPLOYMENT_JOBS)
    assert stored_views(first, article.id) == 2  # flushed once, not three times
    with first.app_context():
        assert db.session.scalar(select(func.count()).select_from(DailyStat)) == 1
