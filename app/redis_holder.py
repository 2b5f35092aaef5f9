"""A lazily connected Redis client per process, with short timeouts for the page path."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import redis
from flask import Flask
from redis.backoff import NoBackoff
from redis.retry import Retry

from app.embedded_redis import SUPERVISED_ENV, EmbeddedRedis

log = logging.getLogger(__name__)

REVIVE_EVERY = 2.0  # seconds between checks of a dead embedded server, per process


class RedisHolder:
    """Flask extension holding the Redis URL and one connection pool per process."""

    def __init__(self) -> None:
        self.url: str = ""
        self.embedded: EmbeddedRedis | None = None
        self.socket_timeout: float = 0.2
        self._client: redis.Redis | None = None
        self._pid: int | None = None
        self._lock = threading.Lock()
        self._embedded_lock = threading.Lock()
        self._embedded_pid: int | None = None
        self._next_revive = 0.0

    def init_app(self, app: Flask) -> None:
        self.url = app.config.get("REDIS_URL") or ""
        self.socket_timeout = float(app.config["REDIS_SOCKET_TIMEOUT"])
        self.embedded = None if self.url else EmbeddedRedis(Path(app.instance_path) / "redis")
        self._client = None
        self._embedded_pid = None
        app.extensions["redis"] = self

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
        pool = redis.BlockingConnectionPool.from_url(
            self.resolve_url(),
            max_connections=max_connections,
            timeout=socket_timeout or 1.0,
            socket_timeout=socket_timeout,
            socket_connect_timeout=socket_timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
            **kwargs,
        )
        return redis.Redis(connection_pool=pool)
