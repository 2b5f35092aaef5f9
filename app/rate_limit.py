"""A small generic rate limiter: `hit(name, key, limit=..., window=...)`.

A fixed window per (name, key) in Redis, counted by one Lua call (INCR, EXPIRE on the first
hit, PTTL): one round trip, atomic across every worker. Keys are hashed, so an IP address
or visitor id passed as `key` is never stored in clear ("<site prefix>rl:<name>:<hash>").

When Redis fails, a short circuit breaker stops callers from waiting on it again for a few
seconds, and an in-process table counts instead. It is bounded: expired windows are dropped,
and when it is full of live windows a new key is refused rather than let through (failing
closed: PITFALLS, Flask-Limiter's swallow-errors mistake). Each worker process counts on
its own while Redis is away, so the limit then holds per process.
"""

from __future__ import annotations

import hashlib
import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import redis
from flask import current_app

from app.extensions import redis_store
from app.redis_keys import RATE, names

log = logging.getLogger(__name__)

BREAKER_SECONDS = 2.0  # after a Redis failure, count in memory this long before trying again
FALLBACK_MAX_KEYS = 10_000  # live windows the in-process table holds at most

# KEYS: the counter. ARGV: window (seconds). Returns {count in this window, ms left}.
_HIT = """
local count = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if count == 1 or ttl < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1]) * 1000
end
return {count, ttl}
"""


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # whole seconds until the window ends; at least 1 when refused


def _digest(name: str, key: str) -> str:
    return hashlib.sha256(f"{name}\n{key}".encode()).hexdigest()[:32]


class MemoryWindows:
    """The fallback: fixed windows in a bounded dict, {digest: (ends at, count)}."""

    def __init__(
        self, max_keys: int = FALLBACK_MAX_KEYS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_keys = max_keys
        self.clock = clock
        self._windows: dict[str, tuple[float, int]] = {}
        self._next_purge = 0.0  # when the soonest window of a full table ends
        self._lock = threading.Lock()

    def hit(self, digest: str, limit: int, window: int) -> Verdict:
        now = self.clock()
        with self._lock:
            ends, count = self._windows.get(digest, (0.0, 0))
            if ends <= now:
                if digest not in self._windows and len(self._windows) >= self.max_keys:
                    if now >= self._next_purge:  # one scan per expiry, not per refused key
                        self._purge(now)
                    if len(self._windows) >= self.max_keys:
                        # Full of live windows (a flood of distinct keys): refuse, never
                        # forget a counter that may be one of the flood's own.
                        return Verdict(False, max(1, math.ceil(self._next_purge - now)))
                ends, count = now + window, 0
            count += 1
            self._windows[digest] = (ends, count)
        if count > limit:
            return Verdict(False, max(1, math.ceil(ends - now)))
        return Verdict(True)

    def _purge(self, now: float) -> None:
        for digest in [d for d, (ends, _) in self._windows.items() if ends <= now]:
            del self._windows[digest]
        self._next_purge = min((ends for ends, _ in self._windows.values()), default=now)

    def __len__(self) -> int:
        return len(self._windows)


class RateLimiter:
    """Redis first; the in-process windows while Redis is failing (and for a breaker's time)."""

    def __init__(self, client: Callable[[], redis.Redis] | None = None,
                 memory: MemoryWindows | None = None, prefix: str = RATE) -> None:  # fmt: skip
        self.prefix = prefix  # the site's "rl:" (REDIS_KEY_PREFIX)
        self._client = client or (lambda: redis_store.client)
        self.memory = memory or MemoryWindows()
        self._down_until = 0.0
        self._scripts: dict[int, object] = {}

    def redis_available(self) -> bool:
        return time.monotonic() >= self._down_until

    def hit(self, name: str, key: str, *, limit: int, window: int) -> Verdict:
        """Count one event of `key` under `name`; refused once more than `limit` events
        happened in the current `window` seconds."""
        if limit < 0 or window < 1:
            raise ValueError("limit must be >= 0 and window >= 1 second")
        digest = _digest(name, key)
        if self.redis_available():
            try:
                client = self._client()
                script = self._scripts.get(id(client))
                if script is None:
                    script = self._scripts[id(client)] = client.register_script(_HIT)
                count, ttl = script(keys=[f"{self.prefix}{name}:{digest}"], args=[int(window)])
            except (redis.RedisError, OSError) as exc:
                self._trip(exc)
            else:
                if int(count) > limit:
                    return Verdict(False, max(1, math.ceil(int(ttl) / 1000)))
                return Verdict(True)
        return self.memory.hit(digest, limit, window)

    def _trip(self, exc: Exception) -> None:
        redis_store.note_error("rate_limit")  # /metrics: portal_redis_errors_total
        if self.redis_available():
            log.warning("Redis unavailable for rate limits, counting in memory: %s", exc)
            redis_store.revive()  # an embedded server that died starts again (dev, CLI)
        self._down_until = time.monotonic() + BREAKER_SECONDS


def limiter() -> RateLimiter:
    """The current app's limiter (one per app and process, made on first use)."""
    extensions = current_app.extensions
    found = extensions.get("rate_limit")
    if found is None:
        found = extensions.setdefault("rate_limit", RateLimiter(prefix=names().rate))
    return found


def hit(name: str, key: str, *, limit: int, window: int) -> Verdict:
    """Count one event of `key` (a visitor id, a hashed IP, …) under the limit `name`: at
    most `limit` events per `window` seconds. Needs an app context."""
    return limiter().hit(name, key, limit=limit, window=window)


def hit_in_memory(name: str, key: str, *, limit: int, window: int) -> Verdict:
    """As `hit`, counted in this process's memory only (for callers that already know Redis
    is away). Needs an app context."""
    return limiter().memory.hit(_digest(name, key), limit, window)


__all__ = ["Verdict", "RateLimiter", "MemoryWindows", "hit", "hit_in_memory", "limiter"]
