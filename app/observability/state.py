"""What the statistics are doing, read from Redis, SQL and the spool folder: the one source
of `flask stats` and of /metrics' deployment numbers.

Everything here is the deployment's state, not a process's: the headline numbers and the
pending item views come from Redis, the last checkpoint and the last flush from SQL (written
by whichever server ran the job), the spool from the folder every process of this server
shares. Redis being down is a finding, never an error: the numbers then come from SQL.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime

import redis
from flask import current_app
from sqlalchemy import func, select

from app.extensions import db, redis_store
from app.offload import offload
from app.stats.models import CounterFlush, DailyStat
from app.stats.services import StatsService
from app.stats.store import NeedsRestore

REDIS_ERRORS = (redis.RedisError, OSError)


@dataclass
class RedisState:
    where: str  # the URL or the Sentinel master, without any password
    reachable: bool
    error: str = ""


@dataclass
class Headline:
    source: str  # "redis", or "sql" (as of the last checkpoint) when Redis cannot say
    online: int
    today: int
    total: int
    bots_online: int


@dataclass
class SpoolState:
    folder: str
    files: int
    records: dict[str, int]  # waiting records by kind: "hit" (page views), "click" (banners)
    oldest: float | None  # when the oldest file waiting was started (epoch seconds)


@dataclass
class Durability:
    last_checkpoint: float | None  # epoch seconds of the last checkpoint written to SQL
    last_flush: float | None  # of the last flush that moved item views into SQL
    pending: dict[str, int] = field(default_factory=dict)  # item views waiting, by kind
    flushing: dict[str, int] = field(default_factory=dict)  # in a batch on its way to SQL
    days_late: list[str] = field(default_factory=list)  # days a replay changed, to write
    known: bool = False  # whether Redis told what waits (else the above are unknown)

    @property
    def waiting(self) -> int:
        return sum(self.pending.values()) + sum(self.flushing.values())

    def flush_lag(self, now: float) -> float | None:
        """Seconds the item views waiting may have waited (since the last flush; infinite
        when views wait and no flush was ever recorded); 0 when none waits; None when Redis
        cannot say what waits."""
        if not self.known:
            return None
        if not self.waiting:
            return 0.0
        return max(0.0, now - self.last_flush) if self.last_flush else float("inf")

    def checkpoint_lag(self, now: float) -> float | None:
        return None if self.last_checkpoint is None else max(0.0, now - self.last_checkpoint)


@dataclass
class Report:
    at: float
    redis: RedisState
    headline: Headline
    spool: SpoolState
    durability: Durability

    def as_dict(self) -> dict:
        data = asdict(self)
        data["at"] = iso(self.at)
        data["spool"]["oldest"] = iso(self.spool.oldest)
        durability = data["durability"]
        durability["last_checkpoint"] = iso(self.durability.last_checkpoint)
        durability["last_flush"] = iso(self.durability.last_flush)
        durability["flush_lag_seconds"] = _finite(self.durability.flush_lag(self.at))
        durability["checkpoint_lag_seconds"] = self.durability.checkpoint_lag(self.at)
        return data


def iso(epoch: float | None) -> str | None:
    if epoch is None:
        return None
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _finite(value: float | None) -> float | None:
    return None if value is None or value == float("inf") else round(value, 1)


def _epoch(stored: datetime | None) -> float | None:
    """A stored naive-UTC timestamp (app.dates.utcnow) as epoch seconds."""
    return None if stored is None else stored.replace(tzinfo=UTC).timestamp()


def service() -> StatsService:
    return current_app.extensions["stats"]


def redis_state() -> RedisState:
    where = redis_store.describe()
    try:
        redis_store.client.ping()
    except REDIS_ERRORS as exc:
        return RedisState(where, False, redis_store.scrub(str(exc))[:200])
    return RedisState(where, True)


def headline(stats: StatsService, reachable: bool) -> Headline:
    """The four numbers pages show: Redis' own, else SQL's as of the last checkpoint."""
    if reachable:
        try:
            snapshot, _, _ = stats.store.snapshot("read")
            return Headline("redis", snapshot.online, snapshot.today, snapshot.total,
                            snapshot.bots_online)  # fmt: skip
        except (NeedsRestore, *REDIS_ERRORS):
            pass  # emptied (the next page view restores it) or gone meanwhile: SQL's
    snapshot = stats.from_sql()
    return Headline("sql", snapshot.online, snapshot.today, snapshot.total, snapshot.bots_online)


def spool_state(stats: StatsService) -> SpoolState:
    spool = stats.spool
    # Reading the folder may take a while (a long outage spools hundreds of MB): a thread's.
    files, records, oldest = offload(lambda: (len(spool.files()), spool.pending_by_kind(),
                                              spool.oldest()))  # fmt: skip
    return SpoolState(str(spool.directory), files, records, oldest)


def durability(stats: StatsService, reachable: bool) -> Durability:
    """The checkpoint and flush state: their last runs from SQL, what waits from Redis."""
    state = Durability(
        last_checkpoint=_epoch(db.session.scalar(select(func.max(DailyStat.updated_at)))),
        last_flush=_epoch(db.session.scalar(select(func.max(CounterFlush.applied_at)))),
    )
    if not reachable:
        return state
    keys = stats.store.keys
    kinds = sorted(stats.counters)
    try:
        pipe = stats.store.client.pipeline(transaction=False)
        for kind in kinds:
            pipe.hvals(keys.key("pending", kind))
            pipe.hvals(keys.key("flushing", kind))
        pipe.smembers(keys.days_late)
        *values, late = pipe.execute()
    except REDIS_ERRORS:
        return state
    for i, kind in enumerate(kinds):
        state.pending[kind] = sum(int(v) for v in values[2 * i])
        state.flushing[kind] = sum(int(v) for v in values[2 * i + 1])
    state.days_late = sorted(late)
    state.known = True
    return state


def report() -> Report:
    """Everything at once (inside an app context). Raises only when the database fails."""
    stats = service()
    found = redis_state()
    return Report(
        at=time.time(),
        redis=found,
        headline=headline(stats, found.reachable),
        spool=spool_state(stats),
        durability=durability(stats, found.reachable),
    )
