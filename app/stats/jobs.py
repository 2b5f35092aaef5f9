"""Background work of each server process, started lazily after any fork.

Per process: the trailing-edge publish timer, replay of the spool (hits and clicks kept on
disk while Redis or SQL was away; any process replays any file nobody else holds, so files
left by stopped or killed workers are replayed too), and the online heartbeat of open
live-stats streams. Per deployment (whoever takes the
Redis lock first): checkpoint to SQL, flush of item counters, and a refresh that publishes
changes no page view causes (visitors leaving the online window, midnight). Each run is
noted in Redis (`job_runs`), so that one run per period across the deployment can be seen.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import threading
import time

import redis
from flask import Flask

from app import page_cache
from app.db_sqlite import busy_cause
from app.stats import derive, durability, live_panel
from app.stats.hub import Hub
from app.stats.services import StatsService

log = logging.getLogger(__name__)

TICK = 1.0
# name: (seconds between runs across the deployment, function)
DEPLOYMENT_JOBS = {
    "refresh": 5,
    "flush": 30,
    "checkpoint": 30,
    "reports": 60,  # app/stats/derive.py: breakdowns and period uniques into SQL
    "live_panel": 1,  # app/stats/live_panel.py: the staff panel, while anyone watches
}
HEARTBEAT_EVERY = 30
RUNS_KEPT = 100  # runs noted per job (newest first)


def job_periods(config) -> dict[str, float]:
    """Seconds between runs of each deployment job: DEPLOYMENT_JOBS, with the periods that
    STATS_JOB_SECONDS names instead (at least one tick)."""
    periods: dict[str, float] = dict(DEPLOYMENT_JOBS)
    for name, seconds in (config.get("STATS_JOB_SECONDS") or {}).items():
        if name in periods:
            periods[name] = max(TICK, float(seconds))
    return periods


def runs_key(keys, name: str) -> str:
    """The list of job `name`'s runs, next to its lock (`keys`: the site's KeyNames)."""
    return keys.key("lock", name) + ":runs"


def note_run(store, name: str, owner: str) -> None:
    """Note that `owner` took the deployment's turn of job `name` now (wall clock, ms)."""
    pipe = store.client.pipeline(transaction=False)
    pipe.lpush(runs_key(store.keys, name), f"{int(time.time() * 1000)} {owner}")
    pipe.ltrim(runs_key(store.keys, name), 0, RUNS_KEPT - 1)
    pipe.execute()


def job_runs(client: redis.Redis, keys, name: str) -> list[tuple[int, str]]:
    """The noted runs of job `name`, oldest first: (wall-clock ms, owner "pid-random")."""
    runs = []
    for entry in reversed(client.lrange(runs_key(keys, name), 0, -1)):
        at, _, owner = (entry.decode() if isinstance(entry, bytes) else entry).partition(" ")
        runs.append((int(at), owner))
    return runs


class Runner:
    def __init__(self, app: Flask, service: StatsService, hub: Hub) -> None:
        self.app = app
        self.service = service
        self.hub = hub
        self.owner = f"{os.getpid()}-{secrets.token_hex(4)}"
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._last_heartbeat = 0.0
        self._pid = None
        self.periods = job_periods(app.config)

    def ensure_started(self) -> None:
        if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive() and self._pid == os.getpid():
                return
            self._pid = os.getpid()
            self._stop.clear()
            self.service.on_trail = self.schedule_trail
            self._thread = threading.Thread(target=self._run, name="stats-jobs", daemon=True)
            self._thread.start()
            self.hub.start(on_connect=self.catch_up)

    def stop(self) -> None:
        self._stop.set()
        self.hub.stop()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self.service.shutdown()

    # Trailing edge: a timer at the due time, plus a check on every tick in case the
    # process that set the mark died before its timer fired.
    def schedule_trail(self, due_ms: int) -> None:
        delay = max(0.0, due_ms / 1000 - self.service.clock())
        timer = threading.Timer(delay, self._trail)
        timer.daemon = True
        timer.start()

    def _trail(self) -> None:
        with self.app.app_context():
            try:
                self.service.read("trail")
            except (redis.RedisError, OSError) as exc:
                log.warning("trailing stats publish failed: %s", exc)

    def catch_up(self) -> None:
        """After (re)subscribing: hand the current numbers to this process' clients."""
        with self.app.app_context():
            snapshot = self.service.read()
        self.service.redis_back()
        page_cache.send_unsent_bumps()
        self.hub.broadcast(json.dumps(snapshot.as_dict(), separators=(",", ":")))
        with self.app.app_context():
            live_panel.catch_up(self.service, self.hub)  # the staff panel, if any watch it

    def _run(self) -> None:
        while not self._stop.wait(TICK):
            try:
                with self.app.app_context():
                    self.tick()
            except Exception as exc:  # keep the loop alive whatever one job does
                busy = busy_cause(exc)
                if busy is None:
                    log.exception("stats background tick failed")
                else:  # an outside writer holds SQLite: the next tick tries again
                    log.warning("stats background tick postponed: %s", busy)

    def tick(self) -> None:
        service = self.service
        if not service.redis_available():
            return
        try:
            page_cache.send_unsent_bumps()
            service.replay_spool()
            due = service.store.trail_due()
            if due is not None and due <= service.clock() * 1000 - 200:
                service.read("trail")
            now = time.monotonic()
            if now - self._last_heartbeat >= HEARTBEAT_EVERY:
                self._last_heartbeat = now
                visitors = self.hub.connected_visitors()
                for i in range(0, len(visitors), 1000):
                    service.store.heartbeat(visitors[i : i + 1000])
            live_panel.keep_watch(service, self.hub)
            for name, every in self.periods.items():
                if service.store.try_lock(name, self.owner, int(every * 1000)):
                    note_run(service.store, name, self.owner)
                    run_job(service, name)
        except (redis.RedisError, OSError) as exc:
            service._trip(exc)


def run_job(service: StatsService, name: str) -> None:
    if name == "refresh":
        service.read("refresh")
    elif name == "flush":
        durability.flush_all(service)
    elif name == "checkpoint":
        durability.checkpoint(service)
    elif name == "reports":
        derive.run(service)
    elif name == "live_panel":
        live_panel.publish(service)
