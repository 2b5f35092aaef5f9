"""Database I/O on PostgreSQL does not hold a gevent worker: psycopg waits for the server
through gevent's patched `select` (gunicorn.conf.py patches before anything imports psycopg),
so while one request waits on a slow query, another request of the same worker is served.

The slow query is real: the test holds a lock on the table a rating vote writes
(`LOCK TABLE rating_votes`), from a connection of its own, so the vote waits inside
PostgreSQL. A worker whose psycopg blocked the thread would answer nothing until the lock is
released; here a page read of the same (only) worker answers while the vote still waits.
Skips without TEST_DATABASE_URL; runs once (in the SQLite run, on PostgreSQL all the same).
"""

from __future__ import annotations

import json
import os
import re
import threading
import urllib.error
import urllib.parse
import urllib.request

import pytest
from live_server import BROWSER_UA, live_server, wait_until
from run_database import engine_for, scratch_database
from sqlalchemy import make_url, text

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgres"),
        reason="TEST_DATABASE_URL names no PostgreSQL database",
    ),  # fmt: skip
    pytest.mark.once,
]

WAITING_ON_A_LOCK = text(
    "SELECT count(*) FROM pg_stat_activity WHERE datname = :name AND wait_event_type = 'Lock'"
)


def cookie(headers: dict[str, str], name: str) -> str:
    found = re.search(rf"(?:^|[,\s]){name}=([^;]*)", headers.get("Set-Cookie", ""))
    assert found, f"no {name} cookie in {headers.get('Set-Cookie')!r}"
    return f"{name}={found.group(1)}"


def post(url: str, data: dict, headers: dict, timeout: float) -> tuple[int, dict]:
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers=headers)  # noqa: S310 - http
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, {"body": error.read().decode(errors="replace")}


@pytest.fixture(scope="module")
def server():
    """One gevent worker on a PostgreSQL database of its own; no page cache, so every page
    read goes to the database."""
    with scratch_database(os.environ["TEST_DATABASE_URL"]) as url:
        env = {"DATABASE_URL": url, "FLASK_PAGE_CACHE_SECONDS": "0"}
        with live_server(1, env) as running:
            yield running


def test_a_query_waiting_on_postgresql_does_not_hold_the_worker(server):
    # A reader on an article: their visitor cookie, the article's id, their form token.
    home = server.get("/", {"User-Agent": BROWSER_UA})
    path = re.search(r'href="(/tin-tuc/[^"#?]+)"', home.text).group(1)
    article = server.get(path, {"User-Agent": BROWSER_UA})
    article_id = int(re.search(r'action="/danh-gia/(\d+)"', article.text).group(1))
    vid = cookie(article.headers, "vid")
    csrf = server.get("/api/csrf", {"User-Agent": BROWSER_UA, "Cookie": vid})
    headers = {"User-Agent": BROWSER_UA, "Accept": "application/json",
               "Cookie": f"{vid}; {cookie(csrf.headers, 'session')}",
               "X-CSRFToken": csrf.json()["token"]}  # fmt: skip

    database = make_url(server.database_url).database
    engine = engine_for(server.database_url)
    vote: dict = {}
    with engine.connect() as locker, engine.connect() as watcher:
        locker.execute(text("LOCK TABLE rating_votes IN ACCESS EXCLUSIVE MODE"))
        url = server.url(f"/danh-gia/{article_id}")
        voter = threading.Thread(
            target=lambda: vote.update(answer=post(url, {"stars": "4"}, headers, timeout=60))
        )
        voter.start()
        try:
            waiting = wait_until(
                lambda: watcher.execute(WAITING_ON_A_LOCK, {"name": database}).scalar(), 20
            )
            assert waiting == 1, f"the vote never waited on the lock\n{server.log()}"

            # The same (only) worker answers a page that reads the database meanwhile.
            page = server.get("/van-ban/", {"User-Agent": BROWSER_UA}, timeout=20)

            assert page.status == 200
            assert voter.is_alive() and "answer" not in vote  # the vote still waits
            still = watcher.execute(WAITING_ON_A_LOCK, {"name": database}).scalar()
            assert still == 1
        finally:
            locker.rollback()  # releases the lock: the vote goes through
            voter.join(60)
    engine.dispose()

    status, answer = vote["answer"]
    assert (status, answer["status"], answer["stars"]) == (200, "counted", 4), answer
    assert "blocking the gevent worker" not in server.log()  # gunicorn.conf.py's check
