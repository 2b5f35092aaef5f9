"""Two app servers behind one address, as a larger deployment runs them (issue 13): separate
gunicorn masters (A with 2 workers, B with 1), each with its own instance folder, sharing one
outside Redis and one PostgreSQL database. A stream on A follows page views served by B;
counts are exact across both; the deployment jobs run once per period among all three
processes; an edit on A replaces B's cached page at once.

One cluster for the module (about 10 s to start); PostgreSQL is needed (CI always has it).
"""

from __future__ import annotations

import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from cluster import Browser, Cluster, cluster
from live_server import LiveServer, unique_browser_ua, wait_until
from markupsafe import escape
from pages import csrf_token_from, forms_on
from sqlalchemy import create_engine, text

from app.redis_keys import DEFAULT
from app.stats.jobs import job_runs

# Short job periods, so a test window covers several of them.
PERIODS = {"refresh": 1, "flush": 2, "checkpoint": 2}
ENV = {
    "FLASK_STATS_JOB_SECONDS": '{"refresh": 1, "flush": 2, "checkpoint": 2}',
    "FLASK_PAGE_CACHE_SECONDS": "300",  # only an invalidation can explain a fresh page
    "FLASK_STATS_STREAM_PER_IP": "0",
}
ADMIN, ADMIN_PASSWORD = "quantri-cum", "Mat-khau-cum-may-chu-2026"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")

# About 40 s with its cluster; its point does not depend on the run's database (it is on
# PostgreSQL in both runs): once per CI run. One xdist worker runs the whole module (under
# `--dist loadgroup`), so the cluster starts once.
pytestmark = [pytest.mark.timeout(120), pytest.mark.once, pytest.mark.xdist_group("scale_out")]


@pytest.fixture(scope="module")
def deployment(pg_url, tmp_path_factory):
    with cluster(tmp_path_factory.mktemp("cluster"), pg_url, workers=(2, 1), env=ENV) as running:
        running.flask("create-admin", "--username", ADMIN, "--password", ADMIN_PASSWORD)
        yield running


@pytest.fixture(scope="module")
def sql(pg_url):
    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://", 1))
    yield engine
    engine.dispose()


def newest_article(sql) -> tuple[int, str, str]:
    with sql.connect() as conn:
        row = conn.execute(text(
            "SELECT id, slug, title FROM articles WHERE status = 'published' "
            "AND published_at <= now() ORDER BY published_at DESC, id DESC LIMIT 1"
        )).one()  # fmt: skip
    return row.id, row.slug, row.title


def visitor_cookie(response) -> str:
    """The signed visitor cookie a new visitor was given, as a Cookie header's value."""
    header = response.headers.get("Set-Cookie", "")
    assert header.startswith("vid="), f"no visitor cookie: {header!r}"
    return header.split(";", 1)[0]


def headline(server: LiveServer) -> tuple[int, int]:
    stats = server.api_stats()
    return stats["today"], stats["total"]


def runs_after(deployment: Cluster, name: str, since_ms: int) -> list[tuple[int, str]]:
    client = deployment.redis.client()
    try:
        return [run for run in job_runs(client, DEFAULT, name) if run[0] > since_ms]
    finally:
        client.close()


def wait_for_run(deployment: Cluster, name: str, since_ms: int) -> None:
    """Until job `name` started at least once after `since_ms` and that run is over (the
    next one has started, so the first finished)."""
    assert wait_until(lambda: len(runs_after(deployment, name, since_ms)) >= 2, 10, 0.1), (
        f"{name} did not run twice in 10 s:\n{deployment.servers[0].log()}"
    )


def test_a_stream_on_a_follows_page_views_served_by_b(deployment):
    a, b = deployment.servers
    with a.stream() as stream:
        first = stream.wait_for(lambda m: m.is_stats, 5)
        assert first is not None, a.log()
        total = first.json()["total"]
        for n in range(1, 4):
            b.page_view("/")
            # The contract: within 2 s the reader on A sees the visit served by B.
            seen = stream.wait_for(lambda m, t=total + n: m.is_stats and m.json()["total"] >= t,
                                   2.0)  # fmt: skip
            assert seen is not None, f"no total {total + n} on A within 2 s\n{a.log()}"
            assert seen.json()["total"] == total + n


def test_counts_are_exact_across_both_servers_in_redis_and_in_sql(deployment, sql):
    a, b = deployment.servers
    article_id, slug, _ = newest_article(sql)
    path = f"/tin-tuc/{slug}"
    day = datetime.now(ZONE).strftime("%Y-%m-%d")
    client = deployment.redis.client()
    before = headline(a)
    views_before = int(client.hget(DEFAULT.key("day", day), "views") or 0)
    started = int(time.time() * 1000)
    wait_for_run(deployment, "flush", started)  # earlier views of the article are in SQL
    with sql.connect() as conn:
        article_before = conn.scalar(text("SELECT views FROM articles WHERE id = :id"),
                                     {"id": article_id})  # fmt: skip

    cookies = []
    for n in range(12):  # new visitors, alternating servers; each reads the article
        first = (a, b)[n % 2].page_view(path)
        cookies.append(visitor_cookie(first))
    for n, cookie in enumerate(cookies):  # each comes back on the other server, twice
        for server in ((b, a)[n % 2], (a, b)[n % 2]):
            again = server.get(path, {"User-Agent": unique_browser_ua(), "Cookie": cookie})
            assert again.status == 200
    for n in range(6):  # home pages, new visitors
        (a, b)[n % 2].page_view("/")
    new_visitors, page_views = 12 + 6, 12 + 24 + 6

    expected = (before[0] + new_visitors, before[1] + new_visitors)
    assert headline(a) == expected
    assert headline(b) == expected
    assert int(client.hget(DEFAULT.key("day", day), "views")) == views_before + page_views
    client.close()

    # After the deployment's flush and checkpoint, SQL holds the same numbers.
    sent = int(time.time() * 1000)
    wait_for_run(deployment, "flush", sent)
    wait_for_run(deployment, "checkpoint", sent)
    with sql.connect() as conn:
        row = conn.execute(text("SELECT visits, page_views FROM stats_daily WHERE day = :day"),
                           {"day": day}).one()  # fmt: skip
        ever = conn.scalar(text("SELECT sum(visits) FROM stats_daily WHERE NOT imported"))
        article_after = conn.scalar(text("SELECT views FROM articles WHERE id = :id"),
                                    {"id": article_id})  # fmt: skip
    assert row.visits == expected[0]
    assert row.page_views == views_before + page_views
    assert ever == expected[1]  # no STATS_TOTAL_OFFSET here
    assert article_after == article_before + 12  # once per visitor and visit, on either server


def test_deployment_jobs_run_once_per_period_among_all_processes(deployment):
    a, b = deployment.servers
    assert len(a.worker_pids()) + len(b.worker_pids()) == 3
    since = int(time.time() * 1000)
    time.sleep(7)  # a window of several periods (the jobs' own pace, nothing measured)
    until = int(time.time() * 1000)
    owners = set()
    for name, period in PERIODS.items():
        runs = [run for run in runs_after(deployment, name, since) if run[0] <= until]
        owners |= {owner for _, owner in runs}
        window = (until - since) / 1000
        # Per process, three processes would run it about three times as often.
        assert 2 <= len(runs) <= window / period + 1, (name, runs)
        gaps = [later[0] - earlier[0] for earlier, later in zip(runs, runs[1:], strict=False)]
        # The lock keeps the next run a whole period away (give or take the moment each
        # run noted itself after taking the lock).
        assert min(gaps) >= period * 1000 - 500, (name, gaps)
    assert owners  # runs name their process ("pid-random")


def test_an_edit_on_a_makes_the_cached_page_on_b_stale_at_once(deployment, sql):
    a, b = deployment.servers
    article_id, slug, title = newest_article(sql)
    path = f"/tin-tuc/{slug}"
    shown = str(escape(title))
    assert shown in b.page_view(path).text
    # A change behind the application's back: B's cached copy still shows the old title,
    # so B serves its cache (PAGE_CACHE_SECONDS = 300).
    with sql.begin() as conn:
        conn.execute(text("UPDATE articles SET title = :t WHERE id = :id"),
                     {"t": title + " (ngầm)", "id": article_id})  # fmt: skip
    cached = b.page_view(path).text
    assert shown in cached and "(ngầm)" not in cached

    editor = Browser()
    login_page = editor.open(a.url("/auth/login"))
    answer = editor.open(a.url("/auth/login"), [
        ("csrf_token", csrf_token_from(login_page.text)), ("username", ADMIN),
        ("password", ADMIN_PASSWORD),
    ])  # fmt: skip
    assert answer.status == 200, answer.text[:2000]
    edit_url = a.url(f"/admin/news/articles/{article_id}")
    editor_page = editor.open(edit_url)
    assert editor_page.status == 200, editor_page.text[:2000]
    form = next(f for f in forms_on(editor_page.text, edit_url)
                if any(name == "title" for name, _ in f.fields))  # fmt: skip
    new_title = "Tiêu đề sửa trên máy chủ A"
    fields = [(name, new_title if name == "title" else value) for name, value in form.fields]
    saved = editor.open(edit_url, fields)
    assert saved.status == 200, saved.text[:2000]
    with sql.connect() as conn:
        assert conn.scalar(text("SELECT title FROM articles WHERE id = :id"),
                           {"id": article_id}) == new_title  # fmt: skip

    fresh = b.page_view(path).text  # B's very next answer
    assert new_title in fresh
    assert shown not in fresh
