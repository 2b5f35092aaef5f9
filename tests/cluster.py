"""Several app servers as a deployment runs them: separate gunicorn masters on their own
ports, each with its own instance folder (separate machines share nothing on disk), sharing
one outside Redis (Debian's redis-server, tests/redis_servers.py) and one PostgreSQL
database, with the same SECRET_KEY so that cookies and sessions are valid on every server.

Not a test module: test_scale_out.py imports it.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import os
import secrets
import signal
import subprocess
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from live_server import (
    BIN,
    ROOT,
    START_TIMEOUT,
    STOP_TIMEOUT,
    HttpResult,
    LiveServer,
    _clean_env,
    _run_cli,
    free_port,
    wait_until,
)
from redis_servers import RedisProc, start_redis


@dataclass
class Cluster:
    redis: RedisProc
    servers: list[LiveServer]
    database_url: str
    secret_key: str

    def flask(self, *args: str, env: dict[str, str] | None = None) -> None:
        """`flask <args>` on the shared database and Redis (as the first server)."""
        _run_cli({**self.servers[0].env, **(env or {})}, *args)


def _start(env: dict[str, str], instance: Path, port: int, workers: int) -> LiveServer:
    log_path = instance.parent / f"{instance.name}-gunicorn.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(  # noqa: S603 - our own venv's gunicorn
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--no-control-socket", "wsgi:app"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    return LiveServer("127.0.0.1", port, instance, env, process, log_path, workers)


def _ready(server: LiveServer) -> None:
    def healthy() -> bool:
        assert server.process.poll() is None, f"gunicorn exited:\n{server.log()}"
        try:
            return server.get("/healthz", timeout=2).status == 200
        except OSError:
            return False

    assert wait_until(healthy, START_TIMEOUT, 0.2), f"not healthy:\n{server.log()}"
    assert wait_until(lambda: len(server.worker_pids()) == server.workers, 10), server.log()


def _stop(server: LiveServer) -> None:
    process = server.process
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


@contextlib.contextmanager
def cluster(folder: Path, database_url: str, workers: tuple[int, ...] = (2, 1),
            env: dict[str, str] | None = None) -> Iterator[Cluster]:  # fmt: skip
    """One gunicorn master per entry of `workers` (its worker count), on a migrated and seeded
    `database_url` and a new redis-server; everything stopped at exit. `env` adds variables
    to every server (FLASK_* go into the config, as JSON when they parse)."""
    store = start_redis(folder)
    secret_key = secrets.token_hex(32)
    servers: list[LiveServer] = []
    try:
        shared = _clean_env()
        shared.update(
            REDIS_URL=store.url, DATABASE_URL=database_url, SECRET_KEY=secret_key,
            FLASK_APP="wsgi.py", HOST="127.0.0.1",
            PATH=f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",
        )  # fmt: skip
        shared.update(env or {})
        for n, count in enumerate(workers):
            instance = folder / f"server{n}"
            port = free_port()
            own = {**shared, "PORT": str(port), "WEB_CONCURRENCY": str(count),
                   "INSTANCE_PATH": str(instance)}  # fmt: skip
            if n == 0:
                _run_cli(own, "db", "upgrade")
                _run_cli(own, "seed-demo", "--if-empty")
            servers.append(_start(own, instance, port, count))
        for server in servers:
            _ready(server)
        yield Cluster(store, servers, database_url, secret_key)
    finally:
        for server in servers:
            _stop(server)
        store.stop()


class Browser:
    """A client that keeps its cookies (a session) across requests, on any server of the
    cluster: they share one host name, as behind a load balancer."""

    def __init__(self) -> None:
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def open(self, url: str, data: list[tuple[str, str]] | None = None,
             timeout: float = 10) -> HttpResult:  # fmt: skip
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(url, data=body)  # noqa: S310 - http only
        try:
            with self.opener.open(request, timeout=timeout) as response:
                return HttpResult(response.status, dict(response.headers.items()),
                                  response.read())  # fmt: skip
        except urllib.error.HTTPError as error:
            with error:
                return HttpResult(error.code, dict(error.headers.items()), error.read())
