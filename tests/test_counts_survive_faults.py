"""Every page view answered is counted exactly once, whatever order things fail in: Redis dies,
the portal restarts while it is down, workers are killed with SIGKILL. Real gunicorn with
gevent workers, a real Redis of the test's own (so it stays down as long as the test wants:
the embedded one would be restarted by the master within a second). Redis appends each command
to its AOF before answering, so killing it loses nothing it acknowledged.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time

import pytest
from live_server import (
    BIN,
    ROOT,
    STOP_TIMEOUT,
    LiveServer,
    live_server,
    unique_browser_ua,
    wait_until,
)

from app.embedded_redis import EmbeddedRedis

COUNT_BOUND = 30.0  # seconds for the replay to finish: a generous bound, not a benchmark


@pytest.fixture
def outside_redis(tmp_path_factory):
    server = EmbeddedRedis(tmp_path_factory.mktemp("r"))  # short path: unix socket limit
    server.ensure_running(stop_at_exit=False)
    yield server
    server.stop()


def kill(redis_server: EmbeddedRedis) -> None:
    """A crash of Redis: SIGKILL, no save."""
    process, redis_server.process = redis_server.process, None
    process.kill()
    process.wait(timeout=10)


def views(server: LiveServer, n: int) -> int:
    """`n` new visitors open the home page; every one must be answered 200."""
    for _ in range(n):
        result = server.get("/", {"User-Agent": unique_browser_ua()})
        assert result.status == 200, f"GET / answered {result.status}\n{server.log()}"
    return n


def total(server: LiveServer) -> int:
    return server.api_stats()["total"]


def spool_files(server: LiveServer) -> list[str]:
    folder = server.instance / "spool"
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def wait_counted(server: LiveServer, expected: int) -> None:
    assert wait_until(lambda: total(server) >= expected, COUNT_BOUND, 0.25), (
        f"total {total(server)}, expected {expected}\n{server.log(8000)}"
    )
    time.sleep(2)  # a second replay of anything would show by now
    assert total(server) == expected, server.log(8000)
    assert wait_until(lambda: spool_files(server) == [], 5), spool_files(server)


def restart_portal(server: LiveServer) -> subprocess.Popen:
    """Stop gunicorn (SIGTERM: graceful) and start it again on the same instance."""
    server.process.send_signal(signal.SIGTERM)
    assert server.process.wait(timeout=STOP_TIMEOUT) == 0, server.log()
    with open(server.log_path, "ab") as log:
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=server.env, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    server.process = process

    def serving() -> bool:
        assert process.poll() is None, f"gunicorn exited:\n{server.log()}"
        with contextlib.suppress(OSError):
            return server.get("/", timeout=2).status == 200
        return False

    assert wait_until(serving, 40, 0.2), server.log()
    assert wait_until(lambda: len(server.worker_pids()) == server.workers, 10)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def test_views_answered_while_redis_was_down_across_a_portal_restart_are_counted_once(
    outside_redis,
):
    with live_server(workers=2, env={"REDIS_URL": outside_redis.url}) as server:
        start = total(server)
        answered = views(server, 20)
        kill(outside_redis)
        answered += views(server, 40)  # Redis down: spooled by the old workers

        restarted = restart_portal(server)  # the old workers exit, Redis still down
        try:
            assert "still spooled" in server.log(10**7)
            answered += views(server, 40)  # spooled by the new workers
            assert len(spool_files(server)) >= 2

            outside_redis.ensure_running(stop_at_exit=False)  # back, with its AOF
            answered += views(server, 10)

            wait_counted(server, start + answered)
        finally:
            stop(restarted)


def test_views_spooled_by_workers_killed_with_sigkill_are_counted_once(outside_redis):
    with live_server(workers=2, env={"REDIS_URL": outside_redis.url}) as server:
        start = total(server)
        answered = views(server, 10)
        kill(outside_redis)
        answered += views(server, 60)
        killed = server.worker_pids()
        for pid in killed:  # no exit hook, no atexit: only what is on disk survives
            os.kill(pid, signal.SIGKILL)
        assert wait_until(
            lambda: len(set(server.worker_pids()) - set(killed)) == server.workers, 20
        ), server.log()
        answered += views(server, 30)  # the new workers, Redis still down

        outside_redis.ensure_running(stop_at_exit=False)

        wait_counted(server, start + answered)
