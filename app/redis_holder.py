"""A lazily connected Redis client per process, with short timeouts for the page path.

Redis is the embedded server (no REDIS_URL, no REDIS_SENTINELS), a server named by REDIS_URL
(password and TLS included: `rediss://`, checked against REDIS_TLS_CA), or the master a set
of Sentinels names (REDIS_SENTINELS, REDIS_MASTER_NAME): its connections ask a sentinel for
the master's address whenever they connect, so after a failover they find the new one.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import redis
from flask import Flask
from redis.backoff import NoBackoff
from redis.connection import parse_url
from redis.retry import Retry
from redis.sentinel import Sentinel, SentinelConnectionPool

from app import redis_keys
from app.embedded_redis import SUPERVISED_ENV, EmbeddedRedis

log = logging.getLogger(__name__)

REVIVE_EVERY = 2.0  # seconds between checks of a dead embedded server, per process


class BlockingSentinelPool(SentinelConnectionPool, redis.BlockingConnectionPool):
    """Sentinel's pool (connections find the current master when they connect) with the
    blocking pool's behaviour: a burst waits briefly for a connection instead of opening
    more."""


def parse_sentinels(value: str) -> list[tuple[str, int]]:
    """ "host:port,host:port" -> [(host, port), ...]; a clear error for anything else."""
    found = []
    for part in filter(None, (p.strip() for p in (value or "").split(","))):
        host, sep, port = part.rpartition(":")
        if not sep or not host or not port.isdigit():
            raise RuntimeError(f"REDIS_SENTINELS must be host:port,host:port (got {part!r})")
        found.append((host.strip("[]"), int(port)))
    return found


def redacted(url: str) -> str:
    """`url` without its password (for logs and /healthz)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username or ""
    host = parts.netloc.rpartition("@")[2]  # as written: [IPv6]:port stays whole
    return parts._replace(netloc=f"{user}:***@{host}").geturl()


class RedisHolder:
    """Flask extension holding the Redis URL and one connection pool per process."""

    def __init__(self) -> None:
        self.url: str = ""
        self.sentinels: list[tuple[str, int]] = []
        self.master_name = ""
        self.sentinel_password = ""
        self.tls: dict[str, str] = {}
        self.embedded: EmbeddedRedis | None = None
        self.socket_timeout: float = 0.2
        self._client: redis.Redis | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._embedded_lock = threading.Lock()
        self._embedded_pid: int | None = None
        self._next_revive = 0.0
        # operation ("stats", "rate_limit") -> Redis errors it met in this process (/metrics)
        self.errors: dict[str, int] = {}

    def note_error(self, operation: str) -> None:
        """Count a Redis error `operation` met (/metrics: portal_redis_errors_total)."""
        self.errors[operation] = self.errors.get(operation, 0) + 1

    def init_app(self, app: Flask) -> None:
        config = app.config
        self.url = config.get("REDIS_URL") or ""
        self.sentinels = parse_sentinels(config.get("REDIS_SENTINELS") or "")
        self.master_name = config.get("REDIS_MASTER_NAME") or "mymaster"
        self.sentinel_password = config.get("REDIS_SENTINEL_PASSWORD") or ""
        self.tls = {option: config.get(name) or "" for option, name in (
            ("ssl_ca_certs", "REDIS_TLS_CA"), ("ssl_certfile", "REDIS_TLS_CERT"),
            ("ssl_keyfile", "REDIS_TLS_KEY"))}  # fmt: skip
        if self.url and urlsplit(self.url).scheme not in ("redis", "rediss", "unix"):
            raise RuntimeError("REDIS_URL must start with redis://, rediss:// or unix://")
        self.socket_timeout = float(config["REDIS_SOCKET_TIMEOUT"])
        outside = self.url or self.sentinels
        self.embedded = None if outside else EmbeddedRedis(Path(app.instance_path) / "redis")
        self._client = None
        self._embedded_pid = None
        app.extensions["redis"] = self
        try:
            redis_keys.init_app(app)
        except ValueError as exc:
            raise RuntimeError(str(exc)) from exc

    def scrub(self, text: str) -> str:
        """`text` (an error message) with any configured password masked."""
        for secret in (urlsplit(self.url).password if self.url else None,
                       self.sentinel_password):  # fmt: skip
            if secret:
                text = text.replace(secret, "***")
        return text

    def describe(self) -> str:
        """Which Redis this is, without any password: for /healthz and log lines."""
        if self.sentinels:
            hosts = ",".join(f"{host}:{port}" for host, port in self.sentinels)
            return f"Sentinel master {self.master_name!r} (sentinels {hosts})"
        if self.url:
            return redacted(self.url)
        return "the embedded Redis" + (f" ({self.embedded.url})" if self.embedded else "")

    def resolve_url(self) -> str:
        """The configured URL, or the embedded server's (started on first need)."""
        if self.url or self.embedded is None:
            return self.url
        if os.environ.get(SUPERVISED_ENV):
            return self.embedded.url  # the gunicorn master started it and keeps it running
        # One caller at a time per process: the file lock inside ensure_running() blocks
        # the whole process, which under gevent would freeze every other greenlet.
        with self._embedded_lock:
            if self._embedded_pid != os.getpid():
                self.embedded.ensure_running()
                self._embedded_pid = os.getpid()
        return self.embedded.url

    def revive(self) -> None:
        """After a Redis failure: restart the embedded server if it died (dev server, CLI).
        At most every few seconds; under gunicorn the master supervises it instead."""
        if self.embedded is None or os.environ.get(SUPERVISED_ENV):
            return
        now = time.monotonic()
        if now < self._next_revive:
            return
        self._next_revive = now + REVIVE_EVERY
        with self._embedded_lock:
            try:
                self.embedded.revive()
            except (RuntimeError, OSError) as exc:
                log.error("embedded Redis could not be restarted: %s", exc)

    @property
    def client(self) -> redis.Redis:
        """This process's client; a forked worker builds its own pool."""
        if self._client is None or self._pid != os.getpid():
            with self._lock:
                if self._client is None or self._pid != os.getpid():
                    self._client = self.connect(self.socket_timeout)
                    self._pid = os.getpid()
        return self._client

    def connect(self, socket_timeout: float | None, max_connections: int = 50,
                **kwargs) -> redis.Redis:  # fmt: skip
        """A new client; page-path clients fail fast instead of retrying for seconds, and a
        burst of requests waits briefly for a pooled connection instead of opening more."""
        options = {
            "max_connections": max_connections,
            "timeout": socket_timeout or 1.0,
            "socket_timeout": socket_timeout,
            "socket_connect_timeout": socket_timeout,
            "retry": Retry(NoBackoff(), 0),
            "decode_responses": True,
            **kwargs,
        }
        if self.sentinels:
            return self._sentinel_master(options)
        url = self.resolve_url()
        if url.startswith("rediss://"):
            options.update(self._tls_options())
        return redis.Redis(connection_pool=redis.BlockingConnectionPool.from_url(url, **options))

    def _tls_options(self) -> dict:
        # Certificates are checked (redis-py's default: required, host name matched).
        return {option: value for option, value in self.tls.items() if value}

    def _sentinel_master(self, options: dict) -> redis.Redis:
        """The master's client through the sentinels; REDIS_URL gives only its DB number,
        user, password and TLS. Sentinels are asked with the same short timeouts."""
        master = parse_url(self.url) if self.url else {}
        for name in ("db", "username", "password"):
            if master.get(name) not in (None, ""):
                options.setdefault(name, master[name])
        if self.url.startswith("rediss://"):
            options.update(ssl=True, **self._tls_options())
        sentinel_kwargs = {
            "socket_timeout": options["socket_timeout"] or 1.0,
            "socket_connect_timeout": options["socket_connect_timeout"] or 1.0,
            "retry": Retry(NoBackoff(), 0),
            "decode_responses": True,
        }
        if self.sentinel_password:
            sentinel_kwargs["password"] = self.sentinel_password
        sentinel = Sentinel(self.sentinels, sentinel_kwargs=sentinel_kwargs)
        return sentinel.master_for(self.master_name, connection_pool_class=BlockingSentinelPool,
                                   **options)  # fmt: skip
