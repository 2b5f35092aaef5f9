"""Counting page views, reading the numbers, and keeping them when Redis is away.

One StatsService per app (app.extensions["stats"]). Page views go to Redis in one script
call; when Redis fails, a circuit breaker stops the page from waiting on it again for a
while, the hit is appended to the on-disk spool (app.stats.spool) for an exactly-once replay,
and pages show the last known numbers. Nothing is held in memory only: a worker that stops or
is killed leaves its hits in its spool file, which the next process to find Redis up replays.
"""

from __future__ import annotations

import itertools
import logging
import os
import secrets
import threading
import time
from contextlib import nullcontext
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import redis
from flask import Flask, current_app, has_app_context, has_request_context
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, SQLAlchemyError

from app import live_counters
from app.extensions import db, redis_store
from app.live_counters import Counter
from app.page_view import PageView
from app.redis_keys import names
from app.stats import geoip
from app.stats import settings as stats_settings
from app.stats.models import CounterFlush, DailyStat, HourlyStat
from app.stats.spool import Spool, register_replayer
from app.stats.store import HitResult, NeedsRestore, Snapshot, StatsStore
from app.visitor import Visitor, identify, is_prefetch

log = logging.getLogger(__name__)

BREAKER_SECONDS = 2.0
# Spooled records replayed per background tick and process: about a second of Redis calls.
REPLAY_PER_TICK = 2000
# Outside page views (the API, the background publishes) the total's offset setting is read
# again at most this often, so a process that serves no page view publishes a change made
# in another process within about this long (app/stats/settings.py).
OFFSET_REFRESH_SECONDS = 1.0


class StatsService:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.config = app.config
        self.clock = app.config.get("STATS_CLOCK") or time.time
        # Filled by the features through app.live_counters, before or after this exists.
        self.counters: dict[str, Counter] = live_counters.counters(app)
        self.spool = Spool(
            Path(app.instance_path) / "spool",
            max_bytes=int(app.config.get("STATS_SPOOL_MAX_MB", 256)) * 1024 * 1024,
        )
        self.last: Snapshot | None = None
        self._down_until = 0.0
        self._store: StatsStore | None = None
        self._store_key: tuple | None = None
        self._lock = threading.Lock()
        self.on_trail = None  # set by the background runner: schedules trailing publishes
        self.live_only: set[str] = live_counters.live_only(app)
        self.watch_providers = live_counters.watch_providers(app)
        self._watch: tuple[list, str] | None = None
        self._hit_ids: tuple | None = None
        # The setting stats_total_offset as this process last read it (None: not yet), the
        # content version of that read, and when (self.clock) the next read outside page
        # views is due.
        self._offset_setting: int | None = None
        self._offset_version = ""
        self._offset_due = 0.0

    # Redis access
    @property
    def store(self) -> StatsStore:
        client = redis_store.client
        key = (id(client), os.getpid())
        if self._store is None or self._store_key != key:
            with self._lock:  # one store per process, however many requests come at once
                if self._store is None or self._store_key != key:
                    # A new process's first read of the setting (SQL): one thread reads it,
                    # not every thread that arrives before the store exists.
                    self._store = StatsStore(
                        client,
                        zone=self.config["SITE_TIMEZONE"],
                        visit_timeout=int(self.config["VISIT_TIMEOUT_SECONDS"]),
                        online_window=int(self.config["ONLINE_WINDOW_SECONDS"]),
                        offset=self.total_offset(),
                        clock=self.clock,
                        keys=names(self.app),
                    )
                    self._store_key = key
        return self._store

    # The total's offset: STATS_TOTAL_OFFSET plus the setting stats_total_offset
    def total_offset(self) -> int:
        """What "Tổng lượt truy cập" adds to the visits counted here, without I/O once this
        process has read the setting (a page view passes it to its one Redis call)."""
        setting = self._offset_setting
        if setting is None:
            setting = self._first_offset_read()
        return int(self.config["STATS_TOTAL_OFFSET"]) + setting

    def _first_offset_read(self) -> int:
        # From SQL only (it may be a page view's first hit in this process: no Redis call).
        # SQL failing: 0 for now, asked again after the breaker's time, not on every view.
        now = self.clock()
        if now < self._offset_due:
            return 0
        try:
            with self.sql_context():
                value = stats_settings.stored_total_offset()
        except SQLAlchemyError as exc:
            with self.sql_context():
                db.session.rollback()
            log.warning("statistics total offset setting unread: %s", exc)
            self._offset_due = now + BREAKER_SECONDS
            return 0
        self._offset_setting = value
        if self._store is not None:  # made while SQL failed
            self._store.offset = int(self.config["STATS_TOTAL_OFFSET"]) + value
        return value

    def _use_offset_setting(self, value: int) -> int:
        """Count and read with `value` as the setting from now on; the change of the
        total's offset it makes."""
        before = int(self.config["STATS_TOTAL_OFFSET"]) + (self._offset_setting or 0)
        self._offset_setting = value
        after = self.total_offset()
        if self._store is not None:
            self._store.offset = after
        return after - before

    def _follow_offset(self, view: PageView) -> None:
        """In Flask's path of a page view whose hit came back with a content version this
        process has not read the setting under (a settings commit anywhere bumps it): read
        it again through the settings cache, under the hit's version (no Redis call; the
        page's render reads the settings under that version anyway), and show this page's
        total with it. The page cache's fast path never does: a new version sends the
        request on to Flask's path."""
        hit = view.hit
        if hit is None or hit.version == self._offset_version or not has_request_context():
            return
        value = self._read_offset_setting()
        if value is None:
            return
        self._offset_version = hit.version
        self._offset_due = self.clock() + OFFSET_REFRESH_SECONDS
        delta = self._use_offset_setting(value)
        if delta and view.snapshot is not None:
            view.snapshot = replace(view.snapshot, total=view.snapshot.total + delta)
            self.last = view.snapshot

    def _refresh_offset(self) -> None:
        """Outside page views: the setting read again through the settings cache at most
        every OFFSET_REFRESH_SECONDS (one Redis GET of the content version at most)."""
        now = self.clock()
        # (a clock set back is no reason to wait longer)
        if now < self._offset_due <= now + OFFSET_REFRESH_SECONDS or not has_app_context():
            return
        self._offset_due = now + OFFSET_REFRESH_SECONDS
        value = self._read_offset_setting()
        if value is not None:
            self._use_offset_setting(value)

    @staticmethod
    def _read_offset_setting() -> int | None:
        """The setting through the settings cache; None when SQL failed (the last value
        read stays in use)."""
        try:
            return stats_settings.total_offset_setting()
        except SQLAlchemyError as exc:
            db.session.rollback()
            log.warning("statistics total offset setting unread: %s", exc)
            return None

    def offset_saved(self, value: int) -> None:
        """The setting was changed and committed by this process: count with it at once
        and publish the new total to every open page."""
        self._offset_due = self.clock() + OFFSET_REFRESH_SECONDS
        self._use_offset_setting(value)
        if not self.redis_available():
            return
        try:
            self.read("refresh")
        except (redis.RedisError, OSError) as exc:
            self._trip(exc)

    def redis_available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _trip(self, exc: Exception) -> None:
        redis_store.note_error("stats")  # /metrics: portal_redis_errors_total
        if self.redis_available():
            log.warning("Redis unavailable for statistics: %s", exc)
            redis_store.revive()  # an embedded server that died starts again (dev, CLI)
        self._down_until = time.monotonic() + BREAKER_SECONDS

    def redis_back(self) -> None:
        """Redis answered again (the subscriber's catch-up read it): page views go to Redis
        from now on, instead of to the spool until the breaker's end."""
        self._down_until = 0.0

    def watch(self) -> str:
        """The live item counters pages show, as "kind:id,kind:id" (joined again only when a
        provider's answer changed: providers return the same list while theirs holds)."""
        answers = [provider() for provider in self.watch_providers]
        cached = self._watch
        if cached is not None and len(cached[0]) == len(answers):
            for old, new in zip(cached[0], answers, strict=True):
                if old is not new:
                    break
            else:
                return cached[1]
        self._watch = (answers, ",".join(item for answer in answers for item in answer))
        return self._watch[1]

    def seedable(self, missing: tuple[str, ...]) -> tuple[str, ...]:
        """The missing live items a reader's request starts from SQL: not the live-only
        ones (their page shows SQL's value, and their writer sets Redis), so an article
        nobody rated costs no second round trip nor an app context on the fast path."""
        if not missing or not self.live_only:
            return missing
        return tuple(item for item in missing if item.partition(":")[0] not in self.live_only)

    def init_live_items(self, missing: tuple[str, ...]) -> dict[str, int]:
        """Start Redis' live counters for `missing` items from their SQL counts."""
        stored = {}
        for item in missing:
            kind, _, item_id = item.partition(":")
            counter = self.counters.get(kind)
            if counter is None or not (item_id.isascii() and item_id.isdigit()):
                continue
            column = getattr(counter.model, counter.column)
            value = db.session.scalar(select(column).where(counter.model.id == int(item_id)))
            stored[item] = int(value or 0)
        return self.store.init_live(stored) if stored else {}

    # Page views
    def record(self, hit: dict) -> HitResult:
        """One hit to Redis, restoring emptied counters from SQL first if needed."""
        if "watch" not in hit:
            hit["watch"] = self.watch()
        try:
            result = self.store.record_hit(**hit)
        except NeedsRestore:
            with self.sql_context():
                restore_from_sql(self)
            result = self.store.record_hit(**hit)
        missing = self.seedable(result.missing)
        if missing:
            with self.sql_context():
                result.snapshot.items.update(self.init_live_items(missing))
        self.last = result.snapshot
        if result.published > 1 and self.on_trail is not None:
            self.on_trail(result.published)
        return result

    def count(
        self,
        view: PageView,
        item: str = "",
        *,
        page: bool = True,
        watch: tuple[str, ...] = (),
        base: int | None = None,
    ) -> HitResult | None:
        """Count `view` as a public page view (and `item` as viewed) unless it should not
        be; fill in its numbers. Once per request, whoever asks first (the page cache's fast
        path, the view). With page=False only the item counts: a download is no page view.
        `watch` names more live counters ("kind:id") the page shows; `base` is the item's
        SQL count, which starts its live counter if Redis has none."""
        if view.counted:
            self._follow_offset(view)  # counted by the page cache's fast path
            return view.hit
        view.counted, view.item, view.watch = True, item, watch
        request = view.request
        if request.method != "GET" or is_prefetch(request):
            return None
        now = self.clock()
        visitor = self.identify(view, now)
        # The id lets Redis ignore a replay of this hit if a timed-out first try did run.
        hit = {"cookie": visitor.cookie, "fallback": visitor.fallback, "is_bot": visitor.is_bot,
               "new_cookie": visitor.new_cookie, "item": item, "now": now, "page": page,
               "hit_id": self._next_hit_id(), "base": base,
               "user_agent": visitor.user_agent}  # fmt: skip
        if not visitor.is_bot:
            # For the reports (a new visit's referrer host, unless it is this host; its
            # country): the raw headers, which the script parses only for a new visit.
            environ = request.environ
            referrer = environ.get("HTTP_REFERER")
            if referrer:
                hit["referrer"] = referrer[:512]
                hit["host"] = environ.get("HTTP_HOST", "")[:512]
            if geoip.enabled(self.app):
                hit["country"] = geoip.country_of(self.app, request.remote_addr or "")
        if watch:
            hit["watch"] = ",".join(filter(None, [self.watch(), *watch]))
        if not self.redis_available():
            self.spool_hit(hit)
            return None
        try:
            result = self.record(hit)
        except (redis.RedisError, OSError) as exc:
            # A timeout may still have run the script: the hit id makes the replay a no-op.
            self._trip(exc)
            self.spool_hit(hit)
            return None
        except SQLAlchemyError as exc:  # restoring an emptied Redis needs SQL, which failed
            with self.sql_context():
                db.session.rollback()
            log.warning("page view spooled, SQL unavailable for the restore: %s", exc)
            self.spool_hit(hit)
            return None
        view.hit, view.snapshot = result, result.snapshot
        self._follow_offset(view)
        if item and item not in result.snapshot.items:
            with self.sql_context():
                view.pending = buffered_views(result)  # the page falls back on SQL's count
        return result

    def identify(self, view: PageView, now: float | None = None) -> Visitor:
        """Who sent `view`'s request (app/visitor.py), once per request; kept on the view,
        so a new visitor gets its signed cookie with the response (`visitor_cookie`)."""
        if view.visitor is None:
            now = self.clock() if now is None else now
            fallbacks = self.config.get("SECRET_KEY_FALLBACKS") or ()
            view.visitor = identify(view.request, self.app.secret_key,
                                    self.store.day_key(now), fallbacks)  # fmt: skip
        return view.visitor

    def set_live(self, values: dict[str, int], guard: str) -> bool:
        """After a commit, put live-only values (app/live_counters.py) in Redis and on the
        live channel, unless Redis holds newer ones (`guard` decides: a vote's count). A
        failure costs nothing lasting: SQL has the values, the next writer sets them again."""
        if not self.redis_available():
            return False
        try:
            applied, published = self.store.set_live(values, guard)
        except (redis.RedisError, OSError) as exc:
            self._trip(exc)
            return False
        if published > 1 and self.on_trail is not None:
            self.on_trail(published)
        return applied

    def sql_context(self):
        """An app context for SQL when the caller runs without one (the page cache's fast
        path counts a view outside Flask and needs SQL only when Redis lacks counters)."""
        return nullcontext() if has_app_context() else self.app.app_context()

    def _next_hit_id(self) -> str:
        """A hit id no other hit of any process has: a random prefix per process (made anew
        in a forked worker) and a counter, without a system call per page view."""
        pid = os.getpid()
        if self._hit_ids is None or self._hit_ids[0] != pid:
            self._hit_ids = (pid, secrets.token_hex(6), itertools.count())
        return f"{self._hit_ids[1]}{next(self._hit_ids[2]):x}"

    def spool_hit(self, hit: dict) -> bool:
        """Keep a hit Redis did not take on disk, for the background replay."""
        record = {key: value for key, value in hit.items() if key != "watch"}
        return self.spool.append({"kind": "hit", **record})

    def replay_spool(self, limit: int = REPLAY_PER_TICK) -> int:
        """Send spooled records (hits, clicks) to Redis and SQL, oldest first; stop at the
        first failure of either, to go on from there later."""
        if not self.redis_available() or not self.spool.files():
            return 0
        try:
            # Only a Redis that answers gets the spool: a replay that fails at once would
            # still finish this process' file and start a new one on every try.
            self.store.client.ping()
            sent = self.spool.replay(limit, stop_on=(redis.RedisError, OSError, OperationalError))
        except (redis.RedisError, OSError) as exc:
            self._trip(exc)
            return 0
        except OperationalError as exc:
            db.session.rollback()
            log.warning("spool replay waits for the database: %s", exc)
            return 0
        if sent:
            log.info("replayed %d spooled statistics records", sent)
        return sent

    def shutdown(self) -> None:
        """The process is stopping: finish this process' spool file, so that whoever runs
        next replays it (nothing is kept in memory that could be lost)."""
        self.spool.close()
        pending = self.spool.pending()
        if pending:
            log.warning("statistics still spooled in %s (%d records); the next process to "
                        "reach Redis replays them", self.spool.directory, pending)  # fmt: skip

    # Reading
    def current(self, view: PageView | None = None) -> Snapshot:
        """Numbers for a page or the API: the page view's, Redis', the last known, or SQL's."""
        if view is not None and view.snapshot is not None:
            return view.snapshot
        if self.redis_available():
            try:
                snapshot = self.read()
                if view is not None:
                    view.snapshot = snapshot
                return snapshot
            except (redis.RedisError, OSError) as exc:
                self._trip(exc)
        return self.last or self.from_sql()

    def read(self, mode: str = "read") -> Snapshot:
        self._refresh_offset()
        watch = self.watch()
        try:
            snapshot, published, missing = self.store.snapshot(mode, watch=watch)
        except NeedsRestore:
            restore_from_sql(self)
            snapshot, published, missing = self.store.snapshot(mode, watch=watch)
        missing = self.seedable(missing)
        if missing:
            snapshot.items.update(self.init_live_items(missing))
        if published > 1 and self.on_trail is not None:
            self.on_trail(published)
        self.last = snapshot
        return snapshot

    def from_sql(self) -> Snapshot:
        """What SQL knows (as of the last checkpoint), for when Redis never answered."""
        now = self.clock()
        local = self.store.local(now)
        total = visits_ever()
        today = db.session.get(DailyStat, local.date())
        if today is not None and today.imported:
            today = None  # a migrated site's figures, not counted here
        return Snapshot(0, today.visits if today else 0, int(total) + self.total_offset(), 0,
                        self.store.iso(now))  # fmt: skip


def visits_ever() -> int:
    """Every visit counted here that SQL's daily history holds (without the configured
    offset): days imported from a migrated site's history are left out (their total is the
    offset's business: STATS_TOTAL_OFFSET and the setting stats_total_offset)."""
    total = select(func.coalesce(func.sum(DailyStat.visits), 0)).where(
        DailyStat.imported.is_(False)
    )
    return int(db.session.scalar(total) or 0)


def restore_from_sql(service: StatsService) -> bool:
    """Put SQL's totals back into a Redis that lost them (only once, atomically)."""
    store = service.store
    local = store.local(store.now())
    day = local.date()
    total = visits_ever()
    row = db.session.get(DailyStat, day)
    counted = row is not None and not row.imported  # an imported day was not counted here
    counts = (row.visits, row.page_views, row.bot_views) if counted else (0, 0, 0)
    hours = {
        f"{day:%Y-%m-%d}T{h.hour:02d}": (h.visits, h.page_views, h.bot_views)
        for h in db.session.scalars(select(HourlyStat).where(HourlyStat.day == day))
    }
    restored = store.restore(int(total), f"{day:%Y-%m-%d}", counts, hours)
    if restored:
        log.warning("statistics restored from SQL: total=%s today=%s", total, counts[0])
    return restored


def buffered_views(result: HitResult | None) -> int:
    """How much of the viewed item's count is not in its SQL column yet."""
    if result is None:
        return 0
    extra = result.item_pending
    if result.item_flushing:
        # A flush that died after its commit leaves its batch in Redis: already in SQL.
        if not result.flush_batch or db.session.get(CounterFlush, result.flush_batch) is None:
            extra += result.item_flushing
    return extra


def get_service() -> StatsService:
    return current_app.extensions["stats"]


# Local days whose counters a replay changed after they left the regular checkpoint (today
# and yesterday), kept in the site's days_late key: an outage longer than a day. The
# checkpoint writes them to SQL as well.


def _replay_hit(record: dict) -> None:
    service = get_service()
    service.record(record)
    store = service.store
    day = store.local(float(record["now"])).date()
    if day < store.local(store.now()).date() - timedelta(days=1):
        store.client.sadd(store.keys.days_late, f"{day:%Y-%m-%d}")


register_replayer("hit", _replay_hit)
