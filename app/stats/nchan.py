"""Live statistics held by nginx (nchan): the app publishes each message once, nginx fans out.

With STATS_NCHAN_PUBLISH_URL set (nginx's publisher location, deploy/nginx/portal-nchan.conf),
readers' streams are nginx's (`location = /stats/stream` is an nchan EventSource subscriber)
and no app process holds any. Every process still receives each message of the live channel
(its hub's one Redis subscriber, app/stats/hub.py); one process of the whole deployment,
whoever holds a Redis lease, forwards each one to nchan: a POST of the same JSON, from the
relay's own greenlet (thread), so neither a page view nor the subscriber ever waits on nginx.
Like the hub, the relay keeps only the newest message: after a slow POST it sends the newest
numbers, never a backlog.

The lease (LEASE_SECONDS, renewed every CHECK_EVERY) passes to another process when its holder
stops. On taking it, and on every check, the relay asks nchan whether the channel holds a
message (a GET of the publisher location: 404 when it has none, e.g. after nginx restarted)
and sends the newest numbers if not, so a reader who connects is never left without numbers.
"""

from __future__ import annotations

import http.client
import logging
import os
import threading
import time
from urllib.parse import urlsplit

import redis
from flask import Flask
from redis.exceptions import LockError

log = logging.getLogger(__name__)

LEASE_SECONDS = 6.0
CHECK_EVERY = 2.0  # lease renewal and the "does nchan hold a message?" check
HTTP_TIMEOUT = 2.0
LEASE_NAME = "nchan"


class NchanRelay:
    """The hub's relay hook: `relay(payload)` for each message; never waits."""

    def __init__(self, app: Flask, url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme != "http" or not parts.hostname:
            raise RuntimeError(
                "STATS_NCHAN_PUBLISH_URL must be nginx's publisher location over plain HTTP "
                f"on an internal address, e.g. http://127.0.0.1:8090/stats/publish, not {url!r}"
            )
        self.app = app
        self.host = parts.hostname
        self.port = parts.port or 80
        self.path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.payload = ""  # the newest message
        self.sent = ""  # the last one nchan took from this process
        self.holding = False
        self.posts = 0
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._start_lock = threading.Lock()
        self._lease = None
        self._conn: http.client.HTTPConnection | None = None

    def __call__(self, payload: str) -> None:
        self.payload = payload
        self._wake.set()
        self.ensure_started()

    def _running_here(self) -> bool:
        """Whether this process has the relay's thread (a forked child has none)."""
        return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def ensure_started(self) -> None:
        if self._running_here():
            return
        with self._start_lock:
            if self._running_here():
                return
            self._pid = os.getpid()
            self._lease, self._conn, self.holding = None, None, False  # none across a fork
            self._thread = threading.Thread(target=self._run, name="stats-nchan", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        next_check = 0.0
        while True:
            self._wake.wait(CHECK_EVERY)
            self._wake.clear()
            try:
                if time.monotonic() >= next_check:
                    next_check = time.monotonic() + CHECK_EVERY
                    with self.app.app_context():
                        self._check_lease()
                    if self.holding and not self._channel_has_message():
                        self.sent = ""
                payload = self.payload
                if self.holding and payload and payload != self.sent:
                    self._request("POST", payload)
                    self.sent = payload
                    self.posts += 1
            except (redis.RedisError, OSError, http.client.HTTPException) as exc:
                log.warning("live stats not relayed to nchan: %s", exc)
                self._close()
                next_check = 0.0
                self._wake.wait(CHECK_EVERY)
            except Exception:  # never let the relay die silently
                log.exception("nchan relay failed")
                self._wake.wait(CHECK_EVERY)

    def _check_lease(self) -> None:
        service = self.app.extensions["stats"]
        if self._lease is None:
            store = service.store
            name = store.keys.key("lock", LEASE_NAME)
            self._lease = store.client.lock(name, timeout=LEASE_SECONDS, thread_local=False)
        if self.holding:
            try:
                self._lease.reacquire()
                return
            except LockError:
                self.holding = False
                self.sent = ""
        self.holding = bool(self._lease.acquire(blocking=False))

    def _channel_has_message(self) -> bool:
        status = self._request("GET")
        return status != 404

    def _request(self, method: str, body: str | None = None) -> int:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(self.host, self.port, timeout=HTTP_TIMEOUT)
        headers = {"Accept": "text/json"}
        if body is not None:
            headers["Content-Type"] = "application/json"
        self._conn.request(method, self.path, body=body.encode() if body else None,
                           headers=headers)  # fmt: skip
        response = self._conn.getresponse()
        response.read()
        if response.status >= 500 or response.status in (401, 403):
            raise http.client.HTTPException(f"nchan answered {method} with {response.status}")
        return response.status

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def init_app(app: Flask) -> None:
    """Give the stats hub a relay to nchan when STATS_NCHAN_PUBLISH_URL is set."""
    url = (app.config.get("STATS_NCHAN_PUBLISH_URL") or "").strip()
    if url:
        app.extensions["stats_runner"].hub.relay = NchanRelay(app, url)
