"""Several app servers as a deployment runs them: separate gunicorn masters on their own
ports, each with its own instance folder (separate machines share nothing on disk), sharing
one outside Redis (Debian's redis-server, tests/redis_servers.py) and one PostgreSQL
database, with the same SECRET_KEY so that cookies and sessions are valid on every server.

Not a test module: test_scale_out.py imports it.
"""

from __future__ import annotations

import contextlib
import http.cookiejar
import secrets
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from live_server import HttpResult, LiveServer, _clean_env, _run_cli, live_server
from redis_servers import RedisProc, start_redis


@dataclass
class Cluster:
    redis: RedisProc
    servers: list[LiveServer]
    database_url: str
    secret_key: str

    def flask(self, *args: str) -> None:
        """`flask <args>` on the shared database and Redis (as the first server)."""
        self.servers[0].flask(*args)


@contextlib.contextmanager
def cluster(folder: Path, database_url: str, workers: tuple[int, ...] = (2, 1),
            env: dict[str, str] | None = None) -> Iterator[Cluster]:  # fmt: skip
    """One gunicorn master per entry of `workers` (its worker count), each a `live_server`
    with its own instance folder, started side by side on `database_url` (migrated and seeded
    first, once) and a new redis-server in `folder`; everything stopped at exit. `env` adds
    variables to every server (FLASK_* go into the config, as JSON when they parse)."""
    store = start_redis(folder)
    secret_key = secrets.token_hex(32)
    shared = {"REDIS_URL": store.url, "DATABASE_URL": database_url, "SECRET_KEY": secret_key,
              **(env or {})}  # fmt: skip
    try:
        # Migrated and seeded once, then the servers start together.
        cli = {**_clean_env(), "FLASK_APP": "wsgi.py", "INSTANCE_PATH": str(folder / "cli"),
               **shared}  # fmt: skip
        _run_cli(cli, "db", "upgrade")
        _run_cli(cli, "seed-demo", "--if-empty")
        with contextlib.ExitStack() as stack, ThreadPoolExecutor(len(workers)) as pool:
            managers = [live_server(count, shared, prepare=False) for count in workers]
            started = [pool.submit(manager.__enter__) for manager in managers]
            for manager, future in zip(managers, started, strict=True):
                if future.exception() is None:
                    stack.push(manager)  # stopped at exit, whatever the others did
            servers = [future.result() for future in started]
            yield Cluster(store, servers, database_url, secret_key)
    finally:
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
