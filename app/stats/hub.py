"""Per-process fan-out: ONE Redis subscriber feeds every live-stats stream of the process.

Clients never get a queue of their own: the hub keeps the newest pre-encoded frame and a
version number, and wakes all waiters at once through a single Event that is replaced on
each message. A slow client simply skips to the newest numbers.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections import Counter

import redis

from app.extensions import redis_store
from app.stats.store import CHANNEL

log = logging.getLogger(__name__)

READ_TIMEOUT = 1.0  # how long one get_message() waits
PING_EVERY = 5.0  # each subscriber publishes a probe to itself this often…
DEAD_AFTER = 12.0  # …and takes its connection for dead when none came back for this long
# redis-py's PING on a subscription (8.1, decoded responses) never returns its PONG, and its
# health check swallows it: a probe through the channel itself tests the whole path.
PROBE_CHANNEL = CHANNEL + ":probe"


_HUBS: list[Hub] = []


def watch_worker(worker) -> None:
    """Under gunicorn: when the worker is told to stop, end its streams at once instead of
    letting the graceful timeout run out on connections that never finish."""

    def watch() -> None:
        while worker.alive:
            time.sleep(0.5)
        for hub in list(_HUBS):
            hub.close_streams()

    threading.Thread(target=watch, name="stats-shutdown-watch", daemon=True).start()


def encode_frame(payload: str) -> bytes:
    return f"event: stats\ndata: {payload}\n\n".encode()


class Hub:
    def __init__(self) -> None:
        self.frame: bytes = b""
        self.payload: str = ""
        self.version = 0
        self._event = threading.Event()
        self.clients = 0
        self.visitors: Counter[str] = Counter()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self.connected = threading.Event()
        self.subscriptions = 0  # how many times we (re)subscribed
        self.closing = False
        _HUBS.append(self)

    # Fan-out
    def close_streams(self) -> None:
        """Wake every stream so it ends now (the server process is shutting down)."""
        self.closing = True
        event, self._event = self._event, threading.Event()
        event.set()

    def broadcast(self, payload: str) -> None:
        self.payload = payload
        self.frame = encode_frame(payload)
        self.version += 1
        event, self._event = self._event, threading.Event()
        event.set()

    def wait(self, version: int, timeout: float) -> bool:
        """True once a frame newer than `version` exists, False after `timeout`."""
        event = self._event
        if self.version != version:
            return True
        return event.wait(timeout)

    # Clients
    def try_connect(self, visitor: str | None, cap: int) -> bool:
        with self._lock:
            if self.clients >= cap:
                return False
            self.clients += 1
            if visitor:
                self.visitors[visitor] += 1
            return True

    def disconnect(self, visitor: str | None) -> None:
        with self._lock:
            self.clients -= 1
            if visitor:
                self.visitors[visitor] -= 1
                if self.visitors[visitor] <= 0:
                    del self.visitors[visitor]

    def connected_visitors(self) -> list[str]:
        with self._lock:
            return list(self.visitors)

    # The subscriber
    def start(self, on_connect=None) -> None:
        """Start the subscriber once per process (lazily, so after any fork)."""
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, args=(on_connect,), name="stats-subscriber", daemon=True
            )
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self, on_connect) -> None:
        backoff = 0.25
        while not self._stop.is_set():
            try:
                self._listen(on_connect)
                backoff = 0.25
            except (redis.RedisError, OSError, TimeoutError) as exc:
                self.connected.clear()
                log.warning("stats subscriber lost Redis (%s); retrying in %.1fs", exc, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            except Exception:  # never let the fan-out die silently
                self.connected.clear()
                log.exception("stats subscriber crashed; restarting")
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)

    def _listen(self, on_connect) -> None:
        client = redis_store.connect(socket_timeout=READ_TIMEOUT + 5)
        pubsub = client.pubsub(ignore_subscribe_messages=True)
        try:
            probe = f"{os.getpid()}:{id(self)}"
            pubsub.subscribe(CHANNEL, PROBE_CHANNEL)
            self.subscriptions += 1
            self.connected.set()
            if on_connect is not None:
                on_connect()  # catch up on what was published while we were away
            last_seen = last_probe = time.monotonic()
            while not self._stop.is_set():
                message = pubsub.get_message(timeout=READ_TIMEOUT)
                now = time.monotonic()
                if message is not None and message["type"] == "message":
                    if message["channel"] == CHANNEL:
                        last_seen = now
                        self.broadcast(message["data"])
                    elif message["data"] == probe:
                        last_seen = now
                if now - last_probe >= PING_EVERY:
                    client.publish(PROBE_CHANNEL, probe)
                    last_probe = now
                if now - last_seen > DEAD_AFTER:
                    raise redis.ConnectionError("our probe did not come back on the subscription")
        finally:
            self.connected.clear()
            try:
                pubsub.close()
                client.close()
            except (redis.RedisError, OSError):
                pass


def initial_frame(snapshot: dict) -> bytes:
    return encode_frame(json.dumps(snapshot, separators=(",", ":")))
