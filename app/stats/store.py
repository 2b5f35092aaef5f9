"""The statistics counters in Redis: one script call per page view, snapshot or flush step."""

from __future__ import annotations

import hashlib
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from zoneinfo import ZoneInfo

import redis

from app.redis_keys import DEFAULT, KeyNames
from app.stats import scripts

PUBLISH_INTERVAL_MS = 1000
# The per-day hashes the reports job reads (app/redis_keys.py SUFFIXES).
BREAKDOWN_KEYS = ("ua", "bots", "ref", "geo")


def _text(value: str | bytes) -> str:
    # A client without decode_responses answers bytes; a visitor's bytes may be anything.
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


@dataclass(frozen=True)
class Snapshot:
    online: int
    today: int
    total: int
    bots_online: int
    updated: str
    items: dict[str, int] = field(default_factory=dict)  # live item counters, "kind:id"

    def as_dict(self) -> dict:
        data = {
            "online": self.online,
            "today": self.today,
            "total": self.total,
            "bots_online": self.bots_online,
            "updated": self.updated,
        }
        if self.items:
            data["items"] = self.items
        return data


@dataclass(frozen=True)
class HitResult:
    snapshot: Snapshot
    item_pending: int  # the viewed item's count buffered in Redis, not yet in SQL
    published: int
    new_visit: bool
    missing: tuple[str, ...] = ()  # watched items Redis has no live counter for yet
    item_flushing: int = 0  # the item's count in a flush batch (maybe already in SQL)
    flush_batch: str = ""  # that batch's id, to ask SQL whether it was applied
    version: str = ""  # the content version pages were rendered under (page cache)


class NeedsRestore(Exception):
    """Redis has no counters (new or emptied): restore them from SQL, then retry."""


class FastScript:
    """One Lua script over connections of its own: the page view's round trip without
    redis-py's per-call pool work (its checkout polls every connection's socket for stale
    data, a gevent select per call: 12 % of a worker's time in a py-spy profile of the
    article page, bench/README.md).

    In a gevent worker the calls of concurrent requests are pipelined: a request queues its
    call and waits; one flusher greenlet per process sends every queued call in one write
    and hands each reply back, so a burst of page views costs one write, one wake-up and
    one read loop instead of one each, in the worker and in Redis. Each page view still
    runs its own script once. Elsewhere (tests, the dev server, the CLI) each call runs on
    a connection of its own, at most as many as the client's pool allows.

    A connection comes back here only after its whole reply was read; one that failed is
    closed. An idle connection Redis closed (a restart) is retried once on a new one: a
    script that did run counts nothing twice, each hit carries its id."""

    def __init__(self, client: redis.Redis, source: str) -> None:
        from app.offload import gevent_active

        pool = client.connection_pool
        self._new = partial(pool.connection_class, **pool.connection_kwargs)
        self._slots = threading.BoundedSemaphore(getattr(pool, "max_connections", 50))
        self._wait = getattr(pool, "timeout", None) or 1.0
        self._idle: list = []
        self.source = source
        self.sha = hashlib.sha1(source.encode()).hexdigest()  # noqa: S324 - Redis' script id
        self._pipelined = gevent_active()
        if self._pipelined:
            import gevent
            from gevent.hub import Waiter, get_hub

            self._Waiter, self._spawn, self._hub = Waiter, gevent.spawn, get_hub
        self._queue: list = []
        self._flushing = False

    def __call__(self, args: list):
        if self._pipelined:
            return self._queued(args)
        if not self._slots.acquire(timeout=self._wait):
            raise redis.ConnectionError("Too many connections")
        try:
            return self._on_connection(lambda conn: self._run(conn, args))
        finally:
            self._slots.release()

    # One call per connection
    def _on_connection(self, work):
        conn = None
        try:
            reused = bool(self._idle)
            conn = self._idle.pop() if reused else self._new()
            try:
                if not reused:
                    # connect() itself, not the first send's: a Sentinel-managed connection
                    # asks the sentinels for the master there (a send would go to the
                    # default localhost:6379).
                    conn.connect()
                result = work(conn)
            except redis.ConnectionError:
                if not reused:
                    raise
                conn.disconnect()
                conn.connect()
                result = work(conn)
            self._idle.append(conn)
            conn = None
            return result
        finally:
            if conn is not None:
                conn.disconnect()

    def _run(self, conn, args: list):
        try:
            conn.send_command("EVALSHA", self.sha, 0, *args)
            return conn.read_response()
        except redis.exceptions.NoScriptError:
            conn.send_command("EVAL", self.source, 0, *args)  # runs and loads it
            return conn.read_response()

    # Pipelined calls (gevent)
    def _queued(self, args: list):
        # gevent's lightest wait: the flusher hands each reply over from the hub.
        waiter = self._Waiter()
        self._queue.append((args, waiter))
        if not self._flushing:
            self._flushing = True
            self._spawn(self._flush)
        return waiter.get()  # the reply, or the batch's exception raised here

    def _flush(self) -> None:
        hand_over = self._hub().loop.run_callback
        try:
            while self._queue:
                batch, self._queue = self._queue, []
                try:
                    replies = self._on_connection(partial(self._run_batch, batch=batch))
                except Exception as exc:  # noqa: BLE001 - every waiter gets it, raised there
                    replies = [exc] * len(batch)
                for (_, waiter), reply in zip(batch, replies, strict=True):
                    if isinstance(reply, Exception):
                        hand_over(waiter.throw, reply)
                    else:
                        hand_over(waiter.switch, reply)
        finally:
            self._flushing = False

    def _run_batch(self, conn, batch: list) -> list:
        commands = [("EVALSHA", self.sha, 0, *args) for args, _ in batch]
        conn.send_packed_command(conn.pack_commands(commands))
        replies: list = []
        for _ in batch:
            try:
                replies.append(conn.read_response())
            except redis.ResponseError as exc:  # an error reply: the connection reads on
                replies.append(exc)
        for i, reply in enumerate(replies):
            if isinstance(reply, redis.exceptions.NoScriptError):  # Redis restarted
                try:
                    conn.send_command("EVAL", self.source, 0, *batch[i][0])
                    replies[i] = conn.read_response()
                except redis.ResponseError as exc:
                    replies[i] = exc
        return replies


class StatsStore:
    """Counting rules over one Redis client; the clock and settings are injected."""

    def __init__(self, client: redis.Redis, *, zone: str, visit_timeout: int,
                 online_window: int, offset: int, clock=time.time,
                 keys: KeyNames = DEFAULT) -> None:  # fmt: skip
        self.client = client
        self.keys = keys  # the site's key names (REDIS_KEY_PREFIX)
        self.prefix = keys.stats  # every script's ARGV[1]
        self.zone = ZoneInfo(zone)
        self.visit_timeout = visit_timeout
        self.online_window_ms = online_window * 1000
        self.offset = offset
        self.clock = clock
        self._last_second: tuple = (None, "", "", "")
        self._hit = FastScript(client, scripts.RECORD_HIT)
        self._snapshot = client.register_script(scripts.SNAPSHOT)
        self._restore = client.register_script(scripts.RESTORE)
        self._take = client.register_script(scripts.TAKE_BATCH)
        self._drop = client.register_script(scripts.DROP_BATCH)
        self._heartbeat = client.register_script(scripts.HEARTBEAT)
        self._init_live = client.register_script(scripts.INIT_LIVE)
        self._set_live = client.register_script(scripts.SET_LIVE)

    # Time, in the site's zone
    def now(self) -> float:
        return self.clock()

    def local(self, now: float) -> datetime:
        return datetime.fromtimestamp(now, self.zone)

    def day_key(self, now: float) -> str:
        if int(now) == self._last_second[0]:
            return self._last_second[1]
        return self.local(now).strftime("%Y-%m-%d")

    @staticmethod
    def iso(now: float) -> str:
        return datetime.fromtimestamp(now, UTC).isoformat(timespec="seconds")

    def _second(self, second: int) -> tuple[str, str, str]:
        """The local day, the local hour and the UTC time of one second, made once per
        second (every page view of that second needs them)."""
        cached = self._last_second
        if cached[0] != second:
            local = self.local(second)
            cached = (second, local.strftime("%Y-%m-%d"), local.strftime("%Y-%m-%dT%H"),
                      self.iso(second))  # fmt: skip
            self._last_second = cached
        return cached[1], cached[2], cached[3]

    @staticmethod
    def _snap(values, updated: str, pairs=()) -> Snapshot:
        items = {pairs[i]: int(pairs[i + 1]) for i in range(0, len(pairs), 2)}
        return Snapshot(int(values[0]), int(values[1]), int(values[2]), int(values[3]),
                        updated, items)  # fmt: skip

    # Page views
    def record_hit(
        self,
        *,
        cookie: str,
        fallback: str,
        is_bot: bool,
        new_cookie: bool,
        item: str = "",
        now: float | None = None,
        watch: str = "",
        page: bool = True,
        hit_id: str = "",
        base: int | None = None,
        user_agent: str = "",
        referrer: str = "",
        host: str = "",
        country: str = "",
    ) -> HitResult:
        """Count one page view and read back the numbers: one round trip.

        For the reports: the user agent (<= 512 chars), the raw Referer header (<= 512; the
        script takes its host), the request's Host header (a referrer from it is not
        counted) and the country code ("" without GeoIP)."""
        now = self.now() if now is None else now
        day, hour, updated = self._second(int(now))
        result = self._hit(
            [
                self.prefix,
                cookie,
                fallback,
                int(now * 1000),
                day,
                hour,
                self.visit_timeout,
                self.online_window_ms,
                "1" if is_bot else "0",
                item,
                updated,
                "1" if new_cookie else "0",
                PUBLISH_INTERVAL_MS,
                self.offset,
                watch,
                "1" if page else "0",
                hit_id,
                "" if base is None else int(base),
                user_agent,
                referrer,
                host,
                country,
            ]
        )
        if result[0] == -1:
            raise NeedsRestore
        snapshot = self._snap(result, updated, result[7])
        return HitResult(
            snapshot,
            item_pending=int(result[4]),
            published=int(result[5]),
            new_visit=bool(result[6]),
            missing=tuple(result[8]),
            item_flushing=int(result[9]),
            flush_batch=result[10] or "",
            version=str(result[11]),
        )

    def snapshot(self, mode: str = "read", now: float | None = None, watch: str = ""):
        """Current numbers; mode "refresh" publishes a change, "trail" a due trailing edge."""
        now = self.now() if now is None else now
        result = self._snapshot(
            args=[
                self.prefix,
                int(now * 1000),
                self.online_window_ms,
                self.offset,
                self.day_key(now),
                self.iso(now),
                PUBLISH_INTERVAL_MS,
                watch,
                mode,
            ]
        )
        if result[0] == -1:
            raise NeedsRestore
        return self._snap(result, self.iso(now), result[5]), int(result[4]), tuple(result[6])

    def init_live(self, stored: dict[str, int]) -> dict[str, int]:
        """Start the live counters Redis lacks from their SQL counts; return every value."""
        args: list = [self.prefix]
        for item, value in stored.items():
            args.extend([item, int(value)])
        result = self._init_live(args=args)
        return {result[i]: int(result[i + 1]) for i in range(0, len(result), 2)}

    def set_live(self, values: dict[str, int], guard: str,
                 now: float | None = None) -> tuple[bool, int]:  # fmt: skip
        """Set live-only values after their SQL commit, if `guard`'s value is newer than
        Redis' (scripts.SET_LIVE); they go out with the next live message. Returns (set,
        published as RECORD_HIT's)."""
        now = self.now() if now is None else now
        args: list = [self.prefix, int(now * 1000), self.online_window_ms, self.offset,
                      self.day_key(now), self.iso(now), PUBLISH_INTERVAL_MS, guard]  # fmt: skip
        for item, value in values.items():
            args.extend([item, int(value)])
        applied, published = self._set_live(args=args)
        return bool(applied), int(published)

    def heartbeat(self, cookies: list[str], now: float | None = None) -> int:
        now = self.now() if now is None else now
        return int(self._heartbeat(args=[self.prefix, int(now * 1000), *cookies]))

    def trail_due(self) -> int | None:
        value = self.client.get(self.keys.pub_trail)
        return int(value) if value else None

    # Durability
    def restore(self, total: int, day: str, day_counts: tuple[int, int, int],
                hours: dict[str, tuple[int, int, int]]) -> bool:  # fmt: skip
        args: list = [self.prefix, total, day, *day_counts]
        for hour, counts in hours.items():
            args.extend([hour, *counts])
        return bool(self._restore(args=args))

    def take_batch(self, kind: str, batch_id: str) -> tuple[str, dict[str, int]] | None:
        result = self._take(args=[self.prefix, kind, batch_id])
        if not result:
            return None
        pairs = result[1:]
        return result[0], {pairs[i]: int(pairs[i + 1]) for i in range(0, len(pairs), 2)}

    def drop_batch(self, kind: str, batch_id: str) -> bool:
        return bool(self._drop(args=[self.prefix, kind, batch_id]))

    def day_counters(self, day: str) -> dict:
        """Redis' counters for one local day: totals, unique visitors, and each hour's
        counters and unique visitors."""
        pipe = self.client.pipeline(transaction=False)
        pipe.hgetall(self.keys.key("day", day))
        pipe.pfcount(self.keys.key("uv", day))
        for hour in range(24):
            pipe.hgetall(self.keys.key("hour", f"{day}T{hour:02d}"))
        for hour in range(24):
            pipe.pfcount(self.keys.key("uvh", f"{day}T{hour:02d}"))
        results = pipe.execute()
        return {"day": results[0], "visitors": results[1], "hours": results[2:26],
                "hour_visitors": results[26:50]}  # fmt: skip

    def day_breakdowns(self, day: str) -> dict[str, dict[str, int]]:
        """The raw breakdowns of one local day: "ua" (user agent -> visits), "bots" (user
        agent -> bot page views), "ref" (referrer host -> visits), "geo" (country ->
        visits)."""
        pipe = self.client.pipeline(transaction=False)
        for name in BREAKDOWN_KEYS:
            pipe.hgetall(self.keys.key(name, day))
        return {
            name: {_text(field): int(value) for field, value in found.items()}
            for name, found in zip(BREAKDOWN_KEYS, pipe.execute(), strict=True)
        }

    def period_visitors(self, days: list[str]) -> dict[str, tuple[int, str]]:
        """Unique visitors of the local months ("2026-11") and years ("2026") of `days`
        ("2026-11-29"), after merging each day's visitors into them: a HyperLogLog union
        is exact (the registers of all the adds) and merging the same day again changes
        nothing, so the page view does not add to them itself. Each with the first day
        ever merged into it (`uvp_since`): the union covers that day and the days after
        it, not a day before (counted before this release, or in a Redis that lost it).
        {period: (visitors, first day merged)}."""
        periods = sorted({p for day in days for p in (day[:7], day[:4])})
        pipe = self.client.pipeline(transaction=False)
        for period in periods:
            pipe.get(self.keys.key("uvp_since", period))
        for day in days:
            pipe.exists(self.keys.key("uv", day))
        found = pipe.execute()
        since = dict(zip(periods, found, strict=False))
        # A day without visitors (bots only, or its HyperLogLog lost) merges nothing.
        days = [day for day, has in zip(days, found[len(periods) :], strict=True) if has]
        pipe = self.client.pipeline(transaction=False)
        for day in days:
            for period in (day[:7], day[:4]):
                pipe.pfmerge(self.keys.key("uvp", period), self.keys.key("uv", day))
        for period in periods:
            first = min([day for day in days if day.startswith(period)] + [since[period]],
                        key=lambda d: d or "9999")  # fmt: skip
            if first != since[period]:  # (one checkpoint at a time: the job's lock)
                pipe.set(self.keys.key("uvp_since", period), first)
                since[period] = first
        for period in periods:
            pipe.pfcount(self.keys.key("uvp", period))
        counts = pipe.execute()[-len(periods) :]
        return {p: (int(n), since[p]) for p, n in zip(periods, counts, strict=True)}

    def expire_day(self, day: str, seconds: int) -> None:
        pipe = self.client.pipeline(transaction=False)
        pipe.expire(self.keys.key("day", day), seconds)
        pipe.expire(self.keys.key("uv", day), seconds)
        for name in BREAKDOWN_KEYS:
            pipe.expire(self.keys.key(name, day), seconds)
        for hour in range(24):
            pipe.expire(self.keys.key("hour", f"{day}T{hour:02d}"), seconds)
            pipe.expire(self.keys.key("uvh", f"{day}T{hour:02d}"), seconds)
        pipe.execute()

    def expire_periods(self, periods: list[str], seconds: int) -> None:
        """Months' or years' unique visitors (and their first day) that are over and in SQL
        may go: a TTL once, never pushed back by the checkpoints after (a period with no
        key has nothing to expire)."""
        keys = [self.keys.key(name, p) for p in periods for name in ("uvp", "uvp_since")]
        pipe = self.client.pipeline(transaction=False)
        for key in keys:
            pipe.ttl(key)
        ttls = pipe.execute()
        pipe = self.client.pipeline(transaction=False)
        for key, ttl in zip(keys, ttls, strict=True):
            if ttl == -1:  # exists, no TTL yet
                pipe.expire(key, seconds)
        pipe.execute()

    def try_lock(self, name: str, owner: str, ttl_ms: int) -> bool:
        """At most one holder per deployment for `ttl_ms`: periodic jobs run once, not per
        process."""
        return bool(self.client.set(self.keys.key("lock", name), owner, nx=True, px=ttl_ms))
