"""The embedded Redis: restarted when it dies (by the gunicorn master, or on next need without
it), never doubled when it only stalls, private files, bounded memory."""

from __future__ import annotations

import logging
import os
import signal
import stat
import time

import pytest
import redis
from live_server import live_server, pid_alive, wait_until

from app.embedded_redis import SUPERVISED_ENV, EmbeddedRedis
from app.redis_holder import RedisHolder

RESTART_BOUND = 15.0  # seconds: a generous bound for "within seconds", not a benchmark


@pytest.fixture
def server_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("r")  # short path: the unix socket limit


@pytest.fixture
def embedded(server_dir):
    server = EmbeddedRedis(server_dir)
    yield server
    pid = server.live_pid()
    server.stop()
    if pid is not None and pid_alive(pid):
        os.kill(pid, signal.SIGCONT)
        os.kill(pid, signal.SIGKILL)


def client_of(server: EmbeddedRedis) -> redis.Redis:
    return redis.Redis(unix_socket_path=str(server.socket), socket_timeout=3, decode_responses=True)


def modes(folder) -> dict[str, int]:
    found = {}
    for root, dirs, files in os.walk(folder):
        for name in dirs + files:
            path = os.path.join(root, name)
            if stat.S_ISSOCK(os.stat(path).st_mode):
                continue
            found[os.path.relpath(path, folder)] = stat.S_IMODE(os.stat(path).st_mode)
    return found


def test_redis_files_and_folder_are_private(embedded, server_dir):
    os.chmod(server_dir, 0o755)
    old_log = server_dir / "redis.log"
    old_log.write_text("a log of an earlier run\n")
    os.chmod(old_log, 0o644)

    embedded.ensure_running(stop_at_exit=False)
    client = client_of(embedded)
    client.set("k", "v")
    client.save()  # dump.rdb
    client.close()

    assert stat.S_IMODE(server_dir.stat().st_mode) == 0o700
    found = modes(server_dir)
    assert "dump.rdb" in found and "redis.log" in found
    assert any(name.startswith("appendonly") for name in found)
    loose = {name: oct(mode) for name, mode in found.items() if mode & 0o077}
    assert loose == {}


def test_memory_is_bounded_and_only_expiring_keys_are_evictable(embedded, monkeypatch):
    embedded.ensure_running(stop_at_exit=False)
    client = client_of(embedded)
    try:
        assert client.config_get("maxmemory")["maxmemory"] == str(256 * 1024 * 1024)
        assert client.config_get("maxmemory-policy")["maxmemory-policy"] == "volatile-ttl"
    finally:
        client.close()

    monkeypatch.setenv("EMBEDDED_REDIS_MAXMEMORY", "64mb")
    assert EmbeddedRedis(embedded.directory).maxmemory == "64mb"


def test_a_dead_server_is_restarted_on_next_need_without_gunicorn(server_dir, caplog):
    """The dev server and the CLI own the embedded Redis themselves: after it died, the next
    Redis failure of the statistics starts it again, with its data (AOF)."""
    holder = RedisHolder()
    holder.embedded = EmbeddedRedis(server_dir)
    holder.url = ""
    holder.resolve_url()
    try:
        client = client_of(holder.embedded)
        client.set("st:total", 41)
        time.sleep(1.2)  # AOF everysec
        old = holder.embedded.live_pid()
        first = holder.embedded.process
        os.kill(old, signal.SIGKILL)
        assert wait_until(lambda: not pid_alive(old), 10)

        with caplog.at_level(logging.WARNING, logger="app.embedded_redis"):
            holder.revive()

        assert holder.embedded.is_running()
        assert holder.embedded.live_pid() not in (None, old)
        assert client.get("st:total") == "41"
        assert "killed by SIGKILL" in caplog.text or "process is gone" in caplog.text
        assert first.returncode == -signal.SIGKILL  # the dead server was reaped, not leaked
        client.close()
    finally:
        holder.embedded.stop()


def test_a_supervised_server_is_left_to_the_gunicorn_master(server_dir, monkeypatch):
    monkeypatch.setenv(SUPERVISED_ENV, "1")
    holder = RedisHolder()
    holder.embedded = EmbeddedRedis(server_dir)
    holder.url = ""
    assert holder.resolve_url() == holder.embedded.url
    holder.revive()
    assert holder.embedded.is_running() is False  # a worker never starts (nor owns) it


def test_a_stalled_server_is_never_doubled(embedded, caplog):
    """Loading a large AOF, or stopped: alive but not answering. A second server on the
    same files would corrupt them, so it is waited for, never replaced."""
    embedded.ensure_running(stop_at_exit=False)
    pid = embedded.live_pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        with caplog.at_level(logging.WARNING, logger="app.embedded_redis"):
            assert embedded.revive() is None
        assert "not answering" in caplog.text
        assert embedded.live_pid() == pid
    finally:
        os.kill(pid, signal.SIGCONT)
    assert embedded.is_running()


def test_the_gunicorn_master_restarts_a_killed_embedded_redis():
    with live_server(workers=1) as server:
        before = server.page_view()
        assert before.status == 200
        old = server.kill_redis()

        def healthy() -> bool:
            try:
                return server.get("/healthz", timeout=2).status == 200
            except OSError:
                return False

        assert wait_until(healthy, RESTART_BOUND, 0.2), (
            f"/healthz not ok {RESTART_BOUND} s after Redis was killed\n{server.log()}"
        )
        assert server.redis_pid() != old
        # Redis may answer a moment before the master has written its last line.
        assert wait_until(lambda: "embedded Redis restarted" in server.log(20000), 5)
        log = server.log(20000)
        assert "[WARNING] embedded Redis is down (" in log, log
        assert stat.S_IMODE(server.redis_dir.stat().st_mode) == 0o700
        assert all(mode & 0o077 == 0 for mode in modes(server.redis_dir).values())
