"""The page view's Redis round trip under gevent: concurrent requests' scripts go out
pipelined on one connection, each still runs once and gets its own reply, and a failure
reaches every waiting request instead of leaving one hanging.

Runs in a fresh interpreter where gevent has patched threading (as in a gunicorn worker),
against the suite's real Redis, on a database of its own."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OWN_DB = 2  # a Redis database of its own: the script empties it (the suite's is 1)

SCRIPT = textwrap.dedent(
    """
    from gevent import monkey; monkey.patch_all()
    import json, sys, time
    import gevent, redis
    from app.stats.store import FastScript, StatsStore

    url, db = sys.argv[1], int(sys.argv[2])
    client = redis.Redis.from_url(url, db=db, decode_responses=True)
    client.flushdb()
    store = StatsStore(client, zone="Asia/Ho_Chi_Minh", visit_timeout=1800,
                       online_window=300, offset=0)
    now = time.time()
    store.restore(0, store.day_key(now), (0, 0, 0), {})
    client.config_resetstat()
    flushes = []
    real = FastScript._run_batch
    def spy(self, conn, batch):
        flushes.append(len(batch))
        return real(self, conn, batch)
    FastScript._run_batch = spy

    def view(n):
        return store.record_hit(cookie=f"reader{n}", fallback=f"h:{n}", is_bot=False,
                                new_cookie=False, item="article:7", now=now,
                                hit_id=f"hit{n}", base=10)
    results = [g.value for g in gevent.joinall([gevent.spawn(view, n) for n in range(60)])]
    calls = client.info("commandstats")["cmdstat_evalsha"]["calls"]
    batches = list(flushes)

    broken = StatsStore(redis.Redis.from_url("unix:///nonexistent/redis.sock",
                                             decode_responses=True),
                        zone="Asia/Ho_Chi_Minh", visit_timeout=1800, online_window=300,
                        offset=0)
    def failing(n):
        try:
            broken.record_hit(cookie=f"x{n}", fallback="h:x", is_bot=False,
                              new_cookie=False, now=now, hit_id=f"x{n}")
        except redis.ConnectionError:
            return "ConnectionError"
        return "no error"
    failures = [g.value for g in gevent.joinall([gevent.spawn(failing, n) for n in range(5)],
                                                timeout=10)]
    print(json.dumps({
        "done": sum(r is not None for r in results),
        "new_visits": sum(r.new_visit for r in results),
        "today": max(r.snapshot.today for r in results),
        "article": client.hget("st:pending:article", "7"),
        "evalsha": calls,
        "flushes": batches,
        "failures": failures,
    }))
    """
)


def test_concurrent_page_views_are_pipelined_and_each_counted_once(redis_server):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, redis_server.url, str(OWN_DB)],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])

    assert report["done"] == 60
    assert report["new_visits"] == 60 and report["today"] == 60
    assert report["article"] == "60"  # each reader's view of the article counted once
    assert report["evalsha"] == 60  # one script run per page view, none twice
    assert sum(report["flushes"]) == 60
    assert len(report["flushes"]) < 60  # concurrent calls shared writes
    assert report["failures"] == ["ConnectionError"] * 5  # nobody left waiting
